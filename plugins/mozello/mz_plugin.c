/*
 * The Mozello connector's plugin table and channel lifecycle: the option
 * table of the channel's INI keys (url, the api_key secret, language,
 * page_size, poll_overlap, site_timezone, test_mode) read into an mz_chan,
 * and the cheap connection check. Every other slot lives in its own file.
 *
 * No report_status: Mozello has no order-notes endpoint and no free status
 * (api/mozello.md §4.2, §7); the host only ever sends notes.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mozello.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

/* Longest API root we keep: room is left in mz_chan.base for a path and
   the query of a listing. */
#define MZ_URL_LEN_MAX (MZ_URL_MAX - 257)

/* The channel keys this connector reads (the host checks the section
   against them, lists them in `config check` and `channel describe`);
   sl_options_read fills the mz_chan. */
static const sl_option MZ_OPTION_ROWS[] = {
    SL_OPT_URL("url", mz_chan, base, 0, MZ_DEFAULT_BASE, MZ_URL_LEN_MAX,
               "the Store API root (http:// only for a local test shop)"),
    SL_OPT_SECRET("api_key", mz_chan, api_key, 0,
                  "the shop's API key MZL-... (`secret` is read when absent)"),
    SL_OPT_SECRET("secret", mz_chan, api_key_alias, 0, "older name of api_key"),
    SL_OPT_SECRET("webhook_secret", mz_chan, hook_key, 0,
                  "HMAC key of notifications: Mozello signs with the API "
                  "key, so the same key (absent: api_key)"),
    SL_OPT_STRING("language", mz_chan, language, 0, NULL, 1, MZ_LANG_MAX - 1, "a-_",
                  "preferred key of multi-language text, like lv or en"),
    SL_OPT_INT("page_size", mz_chan, page_size, "50", 1, 100,
               "orders or products per page of a listing"),
    SL_OPT_DURATION("poll_overlap", mz_chan, overlap_ms, "10m", 0, 48LL * 3600 * 1000,
                    "how far back each poll looks again before its cursor"),
    SL_OPT_STRING("site_timezone", mz_chan, zone_name, 0, "Europe/Riga", 1, 64, NULL,
                  "zone of Mozello's offset-less timestamps: an EU zone "
                  "name, UTC or +HH:MM"),
    SL_OPT_STRING("currency", mz_chan, currency, 0, "EUR", 3, 3, "A",
                  "currency (ISO 4217) of the prices `channel import` brings"),
    SL_OPT_FLAG("test_mode", mz_chan, test_mode, "no",
                "read everything, write nothing to the shop"),
};
static const sl_option_table MZ_OPTIONS = SL_OPTION_TABLE(MZ_OPTION_ROWS);

/* What the table cannot say: the API key under its older name, the
   notification key defaulting to it, the zone's own grammar. */
static int mz_settle(void *state, sl_ctx *ctx, sl_error *err)
{
    mz_chan *ch = state;
    if (ch->api_key == NULL)
        ch->api_key = ch->api_key_alias;
    if (ch->api_key == NULL)
        return sl_error_set(err, SL_EINVALID, "api_key",
                            "api_key (the shop's API key MZL-...) is missing: "
                            "set api_key_file or api_key_env");
    if (ch->hook_key == NULL)
        ch->hook_key = ch->api_key;
    else if (strcmp(ch->hook_key, ch->api_key) != 0)
        ch->host->log(ctx, SL_LOG_WARN,
                      "webhook_secret differs from api_key: "
                      "Mozello signs notifications with the API key");
    if (mz_zone_parse(ch->zone_name, &ch->zone) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "site_timezone",
                            "site_timezone must be UTC, +HH:MM or an EU zone "
                            "name such as Europe/Riga");
    return SL_OK;
}

static const sl_channel_spec MZ_CHANNEL = {&MZ_OPTIONS, sizeof(mz_chan), offsetof(mz_chan, host),
                                           mz_settle};

/* Slot channel_open: validates the config and allocates the channel. */
static int mz_channel_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    return sl_channel_open(host, ctx, &MZ_CHANNEL, state, err);
}

/* Slot check_connection: GET /store/notifications/ is authenticated,
   small and has no side effect. */
static int mz_check_connection(void *state, sl_ctx *ctx, sl_error *err)
{
    json_t *ans = NULL;
    int rc = mz_call(state, ctx, "GET", "/store/notifications/", NULL, NULL, &ans, err);
    json_decref(ans);
    return rc;
}

static const sl_plugin MZ_PLUGIN = {
    SL_PLUGIN_HEAD,
    .name = "mozello",
    .version = "1.0.0",
    .description = "Mozello Store API v1: orders by notification and "
                   "polling, stock and price push by SKU, product import",
    .caps = SL_CAP_FETCH_ORDERS | SL_CAP_WEBHOOK | SL_CAP_PUSH_STOCK | SL_CAP_PUSH_PRICES |
            SL_CAP_FETCH_PRODUCTS,
    .channel_open = mz_channel_open,
    .channel_close = sl_channel_free,
    .fetch_orders = mz_fetch_orders,
    .parse_webhook = mz_parse_webhook,
    .verify_webhook = mz_verify_webhook, /* read by 1.4 hosts only */
    .push_stock = mz_push_stock,
    .push_prices = mz_push_prices,
    .check_connection = mz_check_connection,
    .fetch_products = mz_fetch_products,
    .options = &MZ_OPTIONS, /* 1.3: read by hosts that know it */
};

/* The one exported symbol: the static plugin table. */
SL_PLUGIN_ENTRY(MZ_PLUGIN)
