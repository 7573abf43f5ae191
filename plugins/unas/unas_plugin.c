/*
 * The UNAS connector's plugin table and channel lifecycle: the channel's
 * INI keys (see README.md here) read and validated into a unas_chan, and
 * the cheap connection check. Every other slot lives in its own file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shopledger/sdkutil.h"
#include "unas.h"

#define UNAS_DEFAULT_URL "https://api.unas.eu/shop"
#define UNAS_DEFAULT_OVERLAP_S 120
#define UNAS_DEFAULT_RESERVE 10

/* yes/no style flag; absent = 0. */
static int parse_flag(const char *text, int *out)
{
    static const char *const yes[] = {"yes", "true", "1", "on"};
    static const char *const no[] = {"no", "false", "0", "off"};
    *out = 0;
    if (text == NULL)
        return SL_OK;
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(text, no[i]) == 0)
            return SL_OK;
        if (strcasecmp(text, yes[i]) == 0) {
            *out = 1;
            return SL_OK;
        }
    }
    return SL_EINVALID;
}

/* An integer key in [lo, hi]; absent keeps *out. */
static int int_key(const sl_host *h, sl_ctx *ctx, const char *key, long lo,
                   long hi, int *out, sl_error *err)
{
    const char *v = h->config_get(ctx, key);
    if (v == NULL)
        return SL_OK;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi)
        return sl_error_set(err, SL_EINVALID, key,
                            "%s must be an integer %ld..%ld", key, lo, hi);
    *out = (int)n;
    return SL_OK;
}

/* One of two words; absent keeps *out. */
static int choice_key(const sl_host *h, sl_ctx *ctx, const char *key,
                      const char *zero, const char *one, int *out,
                      sl_error *err)
{
    const char *v = h->config_get(ctx, key);
    if (v == NULL)
        return SL_OK;
    if (strcmp(v, zero) == 0 || strcmp(v, one) == 0) {
        *out = strcmp(v, one) == 0;
        return SL_OK;
    }
    return sl_error_set(err, SL_EINVALID, key, "%s must be %s or %s", key,
                        zero, one);
}

static int read_url(unas_chan *ch, const char *url, sl_error *err)
{
    if (url == NULL)
        url = UNAS_DEFAULT_URL;
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        return sl_error_set(err, SL_EINVALID, "url",
                            "url must start with https:// (or http:// for a "
                            "local sandbox)");
    size_t len = strlen(url);
    if (len >= sizeof ch->base - 32 || strpbrk(url, "?# \t\r\n") != NULL)
        return sl_error_set(err, SL_EINVALID, "url",
                            "url is too long or carries a query or spaces");
    while (len > 0 && url[len - 1] == '/')
        len--;
    memcpy(ch->base, url, len);
    ch->base[len] = '\0';
    return SL_OK;
}

static int read_config(unas_chan *ch, const sl_host *h, sl_ctx *ctx,
                       sl_error *err)
{
    int rc = read_url(ch, h->config_get(ctx, "url"), err);
    if (rc != SL_OK)
        return rc;
    ch->api_key = h->secret_get(ctx, "api_key");
    if (ch->api_key == NULL || ch->api_key[0] == '\0' ||
        strlen(ch->api_key) >= UNAS_KEY_MAX)
        return sl_error_set(err, SL_EINVALID, "api_key",
                            "api_key (the shop's API key) is missing or too "
                            "long");
    ch->reserve_pct = UNAS_DEFAULT_RESERVE;
    ch->page_size = 500;
    ch->family_first = 1;
    ch->price_gross = 1;
    int overlap = UNAS_DEFAULT_OVERLAP_S;
    if ((rc = choice_key(h, ctx, "subscription", "premium", "vip", &ch->vip,
                         err)) ||
        (rc = choice_key(h, ctx, "order_filter", "all", "invoiceable",
                         &ch->invoiceable_only, err)) ||
        (rc = choice_key(h, ctx, "name_order", "given_first", "family_first",
                         &ch->family_first, err)) ||
        (rc = choice_key(h, ctx, "price_kind", "net", "gross",
                         &ch->price_gross, err)) ||
        (rc = int_key(h, ctx, "rate_reserve", 5, 50, &ch->reserve_pct, err)) ||
        (rc = int_key(h, ctx, "page_size", 2, 500, &ch->page_size, err)) ||
        (rc = int_key(h, ctx, "poll_overlap", 0, 3600, &overlap, err)))
        return rc;
    ch->overlap_s = overlap;
    if (parse_flag(h->config_get(ctx, "test_mode"), &ch->test_mode) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "test_mode",
                            "test_mode must be yes or no");
    return SL_OK;
}

/* Slot channel_open: validates the config and allocates the channel. */
static int unas_channel_open(const sl_host *host, sl_ctx *ctx, void **state,
                             sl_error *err)
{
    unas_chan *ch = calloc(1, sizeof *ch);
    if (ch == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    ch->host = host;
    int rc = read_config(ch, host, ctx, err);
    if (rc != SL_OK) {
        free(ch);
        return rc;
    }
    unas_xml_init();
    *state = ch;
    return SL_OK;
}

static void unas_channel_close(void *state)
{
    free(state);
}

/* Slot check_connection: a single-item getOrder (cheap tier) for a key
   that does not exist proves the URL, the key (login) and the getOrder
   permission. */
int unas_check_connection(void *state, sl_ctx *ctx, sl_error *err)
{
    xmlDocPtr doc = NULL;
    int rc = unas_call(state, ctx, "getOrder",
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<Params><Key>shopledger-check</Key></Params>",
                       UNAS_RATE_GET_SINGLE, "Orders", &doc, err);
    if (rc == SL_OK)
        xmlFreeDoc(doc);
    return rc;
}

static const sl_plugin UNAS_PLUGIN = {
    .size = sizeof(sl_plugin),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .min_host_minor = 2,
    .name = "unas",
    .version = "1.0.0",
    .description = "UNAS (Hungary) XML API: orders by polling within the "
                   "hourly limits, stock and price push, product import",
    .caps = SL_CAP_FETCH_ORDERS | SL_CAP_PUSH_STOCK | SL_CAP_PUSH_PRICES |
            SL_CAP_REPORT_STATUS | SL_CAP_FETCH_PRODUCTS,
    .channel_open = unas_channel_open,
    .channel_close = unas_channel_close,
    .fetch_orders = unas_fetch_orders,
    .push_stock = unas_push_stock,
    .push_prices = unas_push_prices,
    .report_status = unas_report_status,
    .check_connection = unas_check_connection,
    .fetch_products = unas_fetch_products,
};

/* The one exported symbol: the static plugin table. */
SL_EXPORT const sl_plugin *sl_plugin_entry(void)
{
    return &UNAS_PLUGIN;
}
