/*
 * The UNAS connector's plugin table and channel lifecycle: the option
 * table of the channel's INI keys (see README.md here) read into a
 * unas_chan, and the cheap connection check. Every other slot lives in its own file.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/options.h"
#include "shopledger/sdkutil.h"
#include "unas.h"

/* The channel keys this connector reads (the host checks the section
   against them, lists them in `config check` and `channel describe`);
   sl_options_read fills the unas_chan. Enums land as the index of the
   word, so each second word is the field's 1. */
static const sl_option UNAS_OPTION_ROWS[] = {
    SL_OPT_URL("url", unas_chan, base, 0, "https://api.unas.eu/shop", UNAS_URL_MAX - 33,
               "the API base (http:// only for a local sandbox)"),
    SL_OPT_SECRET("api_key", unas_chan, api_key, SL_OPT_REQUIRED, "the shop's API key"),
    SL_OPT_ENUM("subscription", unas_chan, vip, "premium", "premium|vip",
                "which hourly limits of the API apply"),
    SL_OPT_ENUM("order_filter", unas_chan, invoiceable_only, "all", "all|invoiceable",
                "invoiceable: only orders whose invoice status is billable "
                "or invoiced"),
    SL_OPT_ENUM("name_order", unas_chan, family_first, "family_first", "given_first|family_first",
                "how the shop writes a customer's name"),
    SL_OPT_ENUM("price_kind", unas_chan, price_gross, "gross", "net|gross",
                "what the tenant's price means; the other is derived from "
                "the product's VAT"),
    SL_OPT_INT("rate_reserve", unas_chan, reserve_pct, "10", 5, 50,
               "percent of every hourly limit never used"),
    SL_OPT_INT("page_size", unas_chan, page_size, "500", 2, 500, "LimitNum of listings"),
    SL_OPT_DURATION("poll_overlap", unas_chan, overlap_ms, "2m", 0, 3600LL * 1000,
                    "how far back each poll looks again before its cursor"),
    SL_OPT_FLAG("test_mode", unas_chan, test_mode, "no",
                "read everything, write nothing to the shop"),
};
static const sl_option_table UNAS_OPTIONS = SL_OPTION_TABLE(UNAS_OPTION_ROWS);

/* UNAS's rule on top of the options: a key that fits the login request's
   buffer; then the XML library, once. */
static int unas_settle(void *state, sl_ctx *ctx, sl_error *err)
{
    (void)ctx;
    const unas_chan *ch = state;
    if (strlen(ch->api_key) >= UNAS_KEY_MAX)
        return sl_error_set(err, SL_EINVALID, "api_key", "api_key is longer than %d bytes",
                            UNAS_KEY_MAX - 1);
    sl_xml_init();
    return SL_OK;
}

static const sl_channel_spec UNAS_CHANNEL = {&UNAS_OPTIONS, sizeof(unas_chan),
                                             offsetof(unas_chan, host), unas_settle};

/* Slot channel_open: validates the config and allocates the channel. */
static int unas_channel_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    return sl_channel_open(host, ctx, &UNAS_CHANNEL, state, err);
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
    SL_PLUGIN_HEAD,
    .min_host_minor = 2,
    .name = "unas",
    .version = "1.0.0",
    .description = "UNAS (Hungary) XML API: orders by polling within the "
                   "hourly limits, stock and price push, product import",
    .caps = SL_CAP_FETCH_ORDERS | SL_CAP_PUSH_STOCK | SL_CAP_PUSH_PRICES | SL_CAP_REPORT_STATUS |
            SL_CAP_FETCH_PRODUCTS,
    .channel_open = unas_channel_open,
    .channel_close = sl_channel_free,
    .fetch_orders = unas_fetch_orders,
    .push_stock = unas_push_stock,
    .push_prices = unas_push_prices,
    .report_status = unas_report_status,
    .check_connection = unas_check_connection,
    .fetch_products = unas_fetch_products,
    .options = &UNAS_OPTIONS, /* 1.3: read by hosts that know it */
};

/* The one exported symbol: the static plugin table. */
SL_PLUGIN_ENTRY(UNAS_PLUGIN)
