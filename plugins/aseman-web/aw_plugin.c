/*
 * The Aseman Web connector's plugin table and channel lifecycle: the
 * channel keys (endpoint, web-service user and password, whether to use
 * the list status call) read through the option kit, and the connection
 * check. Every postal slot lives in its own file (aw.h lists them).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aw.h"
#include "aw_assumed.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

/* The channel keys this connector reads; the host validates the section
   against them before channel_open and lists them in `channel describe`.
   The HTTP timeout is the host's own key (http_timeout_ms). */
static const sl_option AW_OPTION_ROWS[] = {
    SL_OPT_URL("url", aw_chan, url, SL_OPT_REQUIRED, NULL, AW_URL_MAX - 1,
               "the SOAP v1 endpoint (soap:address of "
               "http://webskyiran.ir/WebService/wsdl.xml)"),
    SL_OPT_STRING("username", aw_chan, username, SL_OPT_REQUIRED, NULL, 1, AW_USER_MAX - 1, NULL,
                  "web-service username from the Aseman Web panel (HTTP Basic)"),
    SL_OPT_SECRET("password", aw_chan, password, SL_OPT_REQUIRED,
                  "web-service password from the Aseman Web panel"),
    SL_OPT_FLAG("status_list", aw_chan, list_status, "yes",
                "ask states with GetListStatus (50 ids a call); no: one "
                "GetOrderStatus per parcel"),
};
static const sl_option_table AW_OPTIONS = SL_OPTION_TABLE(AW_OPTION_ROWS);

/* The service is slow (clients wait 160 s): say so when the channel keeps
   the host's short default. */
static void warn_timeout(const sl_host *host, sl_ctx *ctx)
{
    const char *t = host->config_get(ctx, "http_timeout_ms");
    long ms = t ? strtol(t, NULL, 10) : 0;
    if (ms < AW_RECOMMENDED_TIMEOUT_MS / 2)
        host->log(ctx, SL_LOG_WARN,
                  "http_timeout_ms is %s: Aseman Web answers slowly; clients "
                  "wait %d ms (set http_timeout_ms = %d)",
                  t ? t : "the host default", AW_RECOMMENDED_TIMEOUT_MS, AW_RECOMMENDED_TIMEOUT_MS);
}

/* Aseman Web's rule on top of the options: a username HTTP Basic can
   carry; then the timeout warning, once per open channel. */
static int aw_settle(void *state, sl_ctx *ctx, sl_error *err)
{
    const aw_chan *ch = state;
    if (strchr(ch->username, ':') != NULL)
        return sl_error_set(err, SL_EINVALID, "username", "username: HTTP Basic cannot carry ':'");
    warn_timeout(ch->host, ctx);
    return SL_OK;
}

static const sl_channel_spec AW_CHANNEL = {&AW_OPTIONS, sizeof(aw_chan), offsetof(aw_chan, host),
                                           aw_settle};

static int aw_channel_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    if (!SL_HAS_FIELD(host, result_row))
        return sl_error_set(err, SL_EUNSUPPORTED, "",
                            "asemanweb needs a host with result_row (SDK 1.3+)");
    return sl_channel_open(host, ctx, &AW_CHANNEL, state, err);
}

/* Slot check_connection: GetOrderStatus of an id that cannot exist. The
   service checks the login first (-1 / -2), then the id (-3), so any
   answer but a credentials code proves URL and login (aw_assumed.h). */
int aw_check_connection(void *state, sl_ctx *ctx, sl_error *err)
{
    aw_chan *ch = state;
    const aw_param param = {AW_PARAM_STATUS_ID, AW_CHECK_PROBE_ID, 0};
    aw_answer a = {0};
    int rc = aw_call(ch, ctx, "GetOrderStatus", &param, 1, &a, err);
    if (rc != SL_OK)
        return rc;
    char text[AW_FIELD_MAX];
    int64_t code = 0;
    if (aw_answer_field(&a, NULL, text, sizeof text) != 1 || !aw_int_parse(text, &code))
        rc = sl_error_set(err, SL_EIO, "", "GetOrderStatus: not a number");
    else if (code == -1 || code == -2 || code == 101)
        rc = sl_error_set(err, SL_EAUTH, "username", "GetOrderStatus: code %lld: %s",
                          (long long)code, aw_code_english(code));
    aw_answer_free(&a);
    return rc;
}

static const sl_plugin AW_PLUGIN = {
    SL_PLUGIN_HEAD,
    .min_host_minor = 5,
    .name = "asemanweb",
    .version = "1.0.0",
    .description = "Aseman Web (WebSky) Iran Post COD, SOAP v1: quote, "
                   "register, track in batches, cancel",
    .caps = SL_CAP_QUOTE_SHIPMENT | SL_CAP_CREATE_SHIPMENT | SL_CAP_TRACK_SHIPMENT |
            SL_CAP_CANCEL_SHIPMENT,
    .channel_open = aw_channel_open,
    .channel_close = sl_channel_free,
    .create_shipment = aw_create_shipment,
    .track_shipment = aw_track_shipment,
    .check_connection = aw_check_connection,
    .options = &AW_OPTIONS,
    .quote_shipment = aw_quote_shipment,
    .cancel_shipment = aw_cancel_shipment,
};

/* The one exported symbol: the static plugin table. */
SL_PLUGIN_ENTRY(AW_PLUGIN)
