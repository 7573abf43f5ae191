/*
 * The WooCommerce connector's plugin table and channel lifecycle: reading
 * and validating the channel's INI keys (url, key, secrets, signature
 * method, paging and poll overlap, test mode) into a woo_chan, and the
 * cheap connection check. Every other slot lives in its own file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

#define WOO_DEFAULT_PER_PAGE 100
#define WOO_DEFAULT_OVERLAP_MS (5 * 60 * 1000)
#define WOO_MAX_OVERLAP_MS (24LL * 3600 * 1000)

/* Parses a non-negative integer with an optional unit suffix s/m/h
   (no suffix = seconds) into milliseconds. */
static int parse_duration_ms(const char *text, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || v < 0 || v > 86400LL * 365)
        return SL_EINVALID;
    int64_t mult = 1000;
    if (*end == 'm')
        mult = 60 * 1000, end++;
    else if (*end == 'h')
        mult = 3600 * 1000, end++;
    else if (*end == 's')
        end++;
    if (*end != '\0')
        return SL_EINVALID;
    *out = (int64_t)v * mult;
    return SL_OK;
}

/* yes/no style flag; absent = 0. */
static int parse_flag(const char *text, int *out)
{
    if (text == NULL || strcasecmp(text, "no") == 0 ||
        strcasecmp(text, "false") == 0 || strcmp(text, "0") == 0 ||
        strcasecmp(text, "off") == 0) {
        *out = 0;
        return SL_OK;
    }
    if (strcasecmp(text, "yes") == 0 || strcasecmp(text, "true") == 0 ||
        strcmp(text, "1") == 0 || strcasecmp(text, "on") == 0) {
        *out = 1;
        return SL_OK;
    }
    return SL_EINVALID;
}

/* url: http(s)://host[:port][/path], no query or fragment, no spaces. */
static int read_url(woo_chan *ch, const char *url, sl_error *err)
{
    if (url == NULL || *url == '\0')
        return sl_error_set(err, SL_EINVALID, "url", "url is required");
    if (strncmp(url, "https://", 8) == 0)
        ch->oauth = 0;
    else if (strncmp(url, "http://", 7) == 0)
        ch->oauth = 1;
    else
        return sl_error_set(err, SL_EINVALID, "url",
                            "url must start with https:// or http://");
    size_t len = strlen(url);
    if (len + sizeof WOO_API_PREFIX + 128 >= sizeof ch->base)
        return sl_error_set(err, SL_EINVALID, "url", "url is too long");
    if (strpbrk(url, "?# \t\r\n") != NULL)
        return sl_error_set(err, SL_EINVALID, "url",
                            "url must not carry a query, fragment or spaces");
    while (len > 0 && url[len - 1] == '/')
        len--;
    const char *host = url + (ch->oauth ? 7 : 8);
    if ((size_t)(host - url) >= len)
        return sl_error_set(err, SL_EINVALID, "url", "url has no host");
    memcpy(ch->base, url, len);
    ch->base[len] = '\0';
    return SL_OK;
}

static int read_key(woo_chan *ch, const char *key, sl_error *err)
{
    if (key == NULL || *key == '\0')
        return sl_error_set(err, SL_EINVALID, "key",
                            "key (the consumer key ck_...) is required");
    if (strlen(key) >= sizeof ch->key || strpbrk(key, " \t\r\n:") != NULL)
        return sl_error_set(err, SL_EINVALID, "key",
                            "key is too long or holds spaces or ':'");
    memcpy(ch->key, key, strlen(key) + 1);
    return SL_OK;
}

/* Reads the optional tuning keys; defaults when absent. */
static int read_options(woo_chan *ch, const sl_host *h, sl_ctx *ctx,
                        sl_error *err)
{
    const char *v = h->config_get(ctx, "oauth_signature_method");
    if (v == NULL || strcmp(v, "HMAC-SHA256") == 0)
        ch->oauth_sha1 = 0;
    else if (strcmp(v, "HMAC-SHA1") == 0)
        ch->oauth_sha1 = 1;
    else
        return sl_error_set(err, SL_EINVALID, "oauth_signature_method",
                            "oauth_signature_method must be HMAC-SHA256 or "
                            "HMAC-SHA1");
    ch->per_page = WOO_DEFAULT_PER_PAGE;
    v = h->config_get(ctx, "per_page");
    if (v != NULL) {
        char *end = NULL;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno != 0 || end == v || *end != '\0' || n < 1 || n > 100)
            return sl_error_set(err, SL_EINVALID, "per_page",
                                "per_page must be an integer 1..100");
        ch->per_page = (int)n;
    }
    ch->overlap_ms = WOO_DEFAULT_OVERLAP_MS;
    v = h->config_get(ctx, "poll_overlap");
    if (v != NULL && (parse_duration_ms(v, &ch->overlap_ms) != SL_OK ||
                      ch->overlap_ms > WOO_MAX_OVERLAP_MS))
        return sl_error_set(err, SL_EINVALID, "poll_overlap",
                            "poll_overlap must be a duration like 300s, 5m "
                            "or 1h (at most 24h)");
    if (parse_flag(h->config_get(ctx, "test_mode"), &ch->test_mode) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "test_mode",
                            "test_mode must be yes or no");
    return SL_OK;
}

static int read_config(woo_chan *ch, const sl_host *h, sl_ctx *ctx,
                       sl_error *err)
{
    int rc = read_url(ch, h->config_get(ctx, "url"), err);
    if (rc == SL_OK)
        rc = read_key(ch, h->config_get(ctx, "key"), err);
    if (rc != SL_OK)
        return rc;
    ch->secret = h->secret_get(ctx, "secret");
    if (ch->secret == NULL || *ch->secret == '\0')
        return sl_error_set(err, SL_EINVALID, "secret",
                            "secret (the consumer secret cs_...) is missing");
    ch->webhook_secret = h->secret_get(ctx, "webhook_secret");
    if (ch->webhook_secret != NULL && *ch->webhook_secret == '\0')
        ch->webhook_secret = NULL;
    return read_options(ch, h, ctx, err);
}

/* Slot channel_open: validates the config and allocates the channel. */
static int woo_channel_open(const sl_host *host, sl_ctx *ctx, void **state,
                            sl_error *err)
{
    woo_chan *ch = calloc(1, sizeof *ch);
    if (ch == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    ch->host = host;
    int rc = read_config(ch, host, ctx, err);
    if (rc != SL_OK) {
        free(ch);
        return rc;
    }
    if (ch->webhook_secret == NULL)
        host->log(ctx, SL_LOG_WARN,
                  "no webhook_secret: signed webhooks will be refused");
    *state = ch;
    return SL_OK;
}

static void woo_channel_close(void *state)
{
    free(state);
}

/* Slot check_connection: one authenticated GET of a single order. */
int woo_check_connection(void *state, sl_ctx *ctx, sl_error *err)
{
    woo_chan *ch = state;
    woo_call c;
    int rc = woo_call_init(&c, "GET", "/orders");
    if (rc == SL_OK)
        rc = woo_call_param(&c, ch, ctx, "per_page", "1", err);
    if (rc != SL_OK)
        return rc;
    return woo_call_send(ch, ctx, &c, NULL, NULL, err);
}

static const sl_plugin WOO_PLUGIN = {
    .size = sizeof(sl_plugin),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .min_host_minor = 0,
    .name = "woocommerce",
    .version = "1.0.0",
    .description = "WooCommerce REST API v3: orders by webhook and polling, "
                   "stock and price push, notes back",
    .caps = SL_CAP_FETCH_ORDERS | SL_CAP_WEBHOOK | SL_CAP_PUSH_STOCK |
            SL_CAP_PUSH_PRICES | SL_CAP_LIST_TAXES | SL_CAP_LIST_PAYMENTS |
            SL_CAP_LIST_SHIPPING | SL_CAP_REPORT_STATUS,
    .channel_open = woo_channel_open,
    .channel_close = woo_channel_close,
    .fetch_orders = woo_fetch_orders,
    .parse_webhook = woo_parse_webhook,
    .push_stock = woo_push_stock,
    .push_prices = woo_push_prices,
    .list_taxes = woo_list_taxes,
    .list_payment_methods = woo_list_payment_methods,
    .list_shipping_methods = woo_list_shipping_methods,
    .report_status = woo_report_status,
    .check_connection = woo_check_connection,
    .verify_webhook = woo_verify_webhook, /* read by 1.4 hosts only */
};

/* The one exported symbol: the static plugin table. */
SL_EXPORT const sl_plugin *sl_plugin_entry(void)
{
    return &WOO_PLUGIN;
}
