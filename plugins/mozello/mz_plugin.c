/*
 * The Mozello connector's plugin table and channel lifecycle: the channel's
 * INI keys (url, the api_key secret, language, page_size, poll_overlap,
 * site_timezone, test_mode) into an mz_chan, and the cheap connection
 * check. Every other slot lives in its own file.
 *
 * No report_status: Mozello has no order-notes endpoint and no free status
 * (api/mozello.md §4.2, §7); the host only ever sends notes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mozello.h"
#include "shopledger/sdkutil.h"

#define MZ_DEFAULT_PAGE_SIZE 50
#define MZ_DEFAULT_OVERLAP_MS (10LL * 60 * 1000)
#define MZ_MAX_OVERLAP_MS (48LL * 3600 * 1000)

/* "yes"/"no" and friends; NULL is no. Returns -1 for anything else. */
static int flag_value(const char *v)
{
    static const char *const yes[] = {"yes", "true", "1", "on"};
    static const char *const no[] = {"no", "false", "0", "off"};
    if (v == NULL)
        return 0;
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* "600", "600s", "10m", "2h" -> ms; -1 when malformed. */
static int64_t duration_ms(const char *v)
{
    char *end = NULL;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno != 0 || end == v || n < 0 || n > 1000000)
        return -1;
    static const char units[] = "smh";
    static const int64_t scale[] = {1000, 60000, 3600000};
    if (*end == '\0')
        return n * 1000;
    const char *u = strchr(units, *end);
    if (u == NULL || end[1] != '\0')
        return -1;
    return n * scale[u - units];
}

/* url: http(s)://host[:port]/path of the API root; default the public one. */
static int read_base(mz_chan *ch, const char *url, sl_error *err)
{
    if (url == NULL)
        url = MZ_DEFAULT_BASE;
    size_t len = strlen(url);
    int scheme_ok = strncmp(url, "https://", 8) == 0 ||
                    strncmp(url, "http://", 7) == 0;
    if (!scheme_ok || len + 256 >= sizeof ch->base ||
        strpbrk(url, "?# \t\r\n") != NULL)
        return sl_error_set(err, SL_EINVALID, "url",
                            "url must be an http(s) URL of the API root "
                            "without query (default %s)", MZ_DEFAULT_BASE);
    while (len > 0 && url[len - 1] == '/')
        len--;
    memcpy(ch->base, url, len);
    ch->base[len] = '\0';
    return SL_OK;
}

static int read_secret(mz_chan *ch, sl_ctx *ctx, sl_error *err)
{
    ch->api_key = ch->host->secret_get(ctx, "api_key");
    if (ch->api_key == NULL || *ch->api_key == '\0')
        ch->api_key = ch->host->secret_get(ctx, "secret");
    if (ch->api_key == NULL || *ch->api_key == '\0')
        return sl_error_set(err, SL_EINVALID, "api_key",
                            "api_key (the shop's API key MZL-...) is missing: "
                            "set api_key_file or api_key_env");
    if (strpbrk(ch->api_key, "\r\n") != NULL)
        return sl_error_set(err, SL_EINVALID, "api_key",
                            "api_key holds a line break");
    /* Mozello signs with the API key itself; the host asks webhook intake
       for a webhook_secret, which is then the same key. */
    ch->hook_key = ch->host->secret_get(ctx, "webhook_secret");
    if (ch->hook_key == NULL || *ch->hook_key == '\0')
        ch->hook_key = ch->api_key;
    else if (strcmp(ch->hook_key, ch->api_key) != 0)
        ch->host->log(ctx, SL_LOG_WARN, "webhook_secret differs from api_key: "
                      "Mozello signs notifications with the API key");
    return SL_OK;
}

static int read_language(mz_chan *ch, const char *v, sl_error *err)
{
    if (v == NULL)
        return SL_OK;
    size_t n = strlen(v);
    if (n == 0 || n >= sizeof ch->language ||
        strspn(v, "abcdefghijklmnopqrstuvwxyz-_") != n)
        return sl_error_set(err, SL_EINVALID, "language",
                            "language must be a language key like lv or en");
    memcpy(ch->language, v, n + 1);
    return SL_OK;
}

static int read_options(mz_chan *ch, sl_ctx *ctx, sl_error *err)
{
    const sl_host *h = ch->host;
    const char *v = h->config_get(ctx, "page_size");
    ch->page_size = MZ_DEFAULT_PAGE_SIZE;
    if (v != NULL) {
        char *end = NULL;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno != 0 || end == v || *end != '\0' || n < 1 || n > 100)
            return sl_error_set(err, SL_EINVALID, "page_size",
                                "page_size must be an integer 1..100");
        ch->page_size = (int)n;
    }
    ch->overlap_ms = MZ_DEFAULT_OVERLAP_MS;
    if ((v = h->config_get(ctx, "poll_overlap")) != NULL) {
        ch->overlap_ms = duration_ms(v);
        if (ch->overlap_ms < 0 || ch->overlap_ms > MZ_MAX_OVERLAP_MS)
            return sl_error_set(err, SL_EINVALID, "poll_overlap",
                                "poll_overlap must be like 600s, 10m or 2h "
                                "(at most 48h)");
    }
    v = h->config_get(ctx, "site_timezone");
    if (mz_zone_parse(v ? v : "Europe/Riga", &ch->zone) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "site_timezone",
                            "site_timezone must be UTC, +HH:MM or an EU zone "
                            "name such as Europe/Riga");
    ch->test_mode = flag_value(h->config_get(ctx, "test_mode"));
    if (ch->test_mode < 0)
        return sl_error_set(err, SL_EINVALID, "test_mode",
                            "test_mode must be yes or no");
    return read_language(ch, h->config_get(ctx, "language"), err);
}

/* Slot channel_open: validates the config and allocates the channel. */
static int mz_channel_open(const sl_host *host, sl_ctx *ctx, void **state,
                           sl_error *err)
{
    mz_chan *ch = calloc(1, sizeof *ch);
    if (ch == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    ch->host = host;
    int rc = read_base(ch, host->config_get(ctx, "url"), err);
    if (rc == SL_OK)
        rc = read_secret(ch, ctx, err);
    if (rc == SL_OK)
        rc = read_options(ch, ctx, err);
    if (rc != SL_OK) {
        free(ch);
        return rc;
    }
    *state = ch;
    return SL_OK;
}

static void mz_channel_close(void *state)
{
    free(state);
}

/* Slot check_connection: GET /store/notifications/ is authenticated,
   small and has no side effect. */
static int mz_check_connection(void *state, sl_ctx *ctx, sl_error *err)
{
    json_t *ans = NULL;
    int rc = mz_call(state, ctx, "GET", "/store/notifications/", NULL, NULL,
                     &ans, err);
    json_decref(ans);
    return rc;
}

static const sl_plugin MZ_PLUGIN = {
    .size = sizeof(sl_plugin),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .min_host_minor = 0,
    .name = "mozello",
    .version = "1.0.0",
    .description = "Mozello Store API v1: orders by notification and "
                   "polling, stock and price push by SKU, product import",
    .caps = SL_CAP_FETCH_ORDERS | SL_CAP_WEBHOOK | SL_CAP_PUSH_STOCK |
            SL_CAP_PUSH_PRICES | SL_CAP_FETCH_PRODUCTS,
    .channel_open = mz_channel_open,
    .channel_close = mz_channel_close,
    .fetch_orders = mz_fetch_orders,
    .parse_webhook = mz_parse_webhook,
    .verify_webhook = mz_verify_webhook, /* read by 1.4 hosts only */
    .push_stock = mz_push_stock,
    .push_prices = mz_push_prices,
    .check_connection = mz_check_connection,
    .fetch_products = mz_fetch_products,
};

/* The one exported symbol: the static plugin table. */
SL_EXPORT const sl_plugin *sl_plugin_entry(void)
{
    return &MZ_PLUGIN;
}
