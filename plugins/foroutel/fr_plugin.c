/*
 * The Foroutel (Frotel) connector's plugin table and channel (foroutel.h).
 *
 * Channel keys: `api_key` (secret: api_key_file / api_key_env), `servers`
 * (the three equivalent web-service bases, tried in order; default the
 * published webservice1..3.link). The host's own postal keys (`cities`,
 * `ship_when`, ...) are read by the host, not here.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "foroutel.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

#define FR_DEFAULT_SERVERS                                                                         \
    "http://webservice1.link/ws/v1/rest, http://webservice2.link/ws/v1/rest, "                     \
    "http://webservice3.link/ws/v1/rest"

static const sl_option FR_OPTION_ROWS[] = {
    SL_OPT_SECRET("api_key", fr_chan, api_key, SL_OPT_REQUIRED,
                  "the seller's web-service API key (sent in every request body)"),
    SL_OPT_LIST("servers", fr_chan, servers_text, FR_DEFAULT_SERVERS, FR_SERVERS_MAX,
                "the equivalent web-service bases, http(s)://host/ws/v1/rest, tried in order "
                "when one is unreachable"),
};
static const sl_option_table FR_OPTIONS = SL_OPTION_TABLE(FR_OPTION_ROWS);

/* Splits `servers` into URLs, each checked by the one URL grammar. */
static int read_servers(fr_chan *ch, sl_error *err)
{
    const char *p = ch->servers_text;
    ch->server_count = 0;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n == 0)
            break;
        char url[FR_URL_MAX];
        if (n >= sizeof url || ch->server_count >= FR_SERVERS_MAX)
            return sl_error_set(err, SL_EINVALID, "servers",
                                "servers: at most %d URLs of at most %d bytes", FR_SERVERS_MAX,
                                FR_URL_MAX - 1);
        memcpy(url, p, n);
        url[n] = '\0';
        sl_option_value v;
        static const sl_option URL_ROW = {
            "servers", SL_OPT_TYPE_URL, 0, NULL, 0, FR_URL_MAX - 1, NULL, "", 0, 0};
        int rc = sl_option_parse(&URL_ROW, url, &v, err);
        if (rc != SL_OK)
            return rc;
        memcpy(ch->servers[ch->server_count], v.text, v.len);
        ch->servers[ch->server_count][v.len] = '\0';
        ch->server_count++;
        p += strcspn(p, ",");
    }
    if (ch->server_count == 0)
        return sl_error_set(err, SL_EINVALID, "servers", "servers lists no URL");
    return SL_OK;
}

/* Foroutel's rules on top of the options: a key to send, and the server
   list it names. */
static int fr_settle(void *state, sl_ctx *ctx, sl_error *err)
{
    (void)ctx;
    fr_chan *ch = state;
    if (!ch->api_key || !*ch->api_key)
        return sl_error_set(err, SL_EINVALID, "api_key", "api_key is empty");
    return read_servers(ch, err);
}

static const sl_channel_spec FR_CHANNEL = {&FR_OPTIONS, sizeof(fr_chan), offsetof(fr_chan, host),
                                           fr_settle};

static int fr_channel_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    return sl_channel_open(host, ctx, &FR_CHANNEL, state, err);
}

static int fr_quote_slot(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    return fr_quote(state, ctx, p, err);
}

static int fr_create_slot(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    return fr_register(state, ctx, p, err);
}

static int fr_track_slot(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    return fr_track(state, ctx, p, err);
}

static int fr_cancel_slot(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    return fr_cancel(state, ctx, p, err);
}

static const sl_plugin FR_PLUGIN = {
    SL_PLUGIN_HEAD,
    .min_host_minor = 5,
    .name = "foroutel",
    .version = "0.1.0",
    .description = "Foroutel (Frotel): Iran Post parcels, cash on delivery or prepaid: quote, "
                   "register, track, cancel (cancel assumed, see README)",
    .caps = SL_CAP_CREATE_SHIPMENT | SL_CAP_TRACK_SHIPMENT | SL_CAP_QUOTE_SHIPMENT |
            SL_CAP_CANCEL_SHIPMENT,
    .channel_open = fr_channel_open,
    .channel_close = sl_channel_free,
    .create_shipment = fr_create_slot,
    .track_shipment = fr_track_slot,
    .options = &FR_OPTIONS,
    .quote_shipment = fr_quote_slot,
    .cancel_shipment = fr_cancel_slot,
};

/* The one exported symbol: the static plugin table. */
SL_PLUGIN_ENTRY(FR_PLUGIN)
