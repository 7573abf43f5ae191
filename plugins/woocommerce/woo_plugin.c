/*
 * The WooCommerce connector's plugin table and channel lifecycle: reading
 * and validating the channel's INI keys (url, key, secrets, signature
 * method, paging and poll overlap, test mode) into a woo_chan, and the
 * cheap connection check. Every other slot lives in its own file.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/options.h"
#include "shopledger/sdkutil.h"
#include "woo.h"

/* Longest store URL we keep: room is left in woo_chan.base for the API
   prefix and a resource path. */
#define WOO_URL_LEN_MAX (WOO_URL_MAX - sizeof WOO_API_PREFIX - 128)

enum woo_auth_mode { WOO_AUTH_AUTO, WOO_AUTH_BASIC, WOO_AUTH_OAUTH };

/* The channel keys this connector reads. The host checks the INI section
   against this table before the channel opens (FILE:LINE in each error, an
   undeclared key refused) and lists it in `config check` and `channel
   describe`; sl_options_read fills the woo_chan. */
static const sl_option WOO_OPTION_ROWS[] = {
    SL_OPT_URL("url", woo_chan, base, SL_OPT_REQUIRED, NULL, WOO_URL_LEN_MAX,
               "the store's address, https://shop.example (http:// only for a "
               "local test store)"),
    SL_OPT_ENUM("auth", woo_chan, auth_mode, "auto", "auto|basic|oauth",
                "auto: Basic on https, OAuth 1.0a on http; basic needs https, "
                "oauth needs http (WooCommerce only checks OAuth there)"),
    SL_OPT_STRING("key", woo_chan, key, SL_OPT_REQUIRED, NULL, 1, WOO_KEY_MAX - 1, "aA0_-.",
                  "REST API consumer key ck_..."),
    SL_OPT_SECRET("secret", woo_chan, secret, SL_OPT_REQUIRED, "REST API consumer secret cs_..."),
    SL_OPT_SECRET("webhook_secret", woo_chan, webhook_secret, 0,
                  "the secret of the store's webhooks (without it signed "
                  "deliveries are refused)"),
    SL_OPT_ENUM("oauth_signature_method", woo_chan, oauth_sha1, "HMAC-SHA256",
                "HMAC-SHA256|HMAC-SHA1", "OAuth 1.0a signature over http"),
    SL_OPT_INT("per_page", woo_chan, per_page, "100", 1, 100,
               "orders or products per page of a listing (WooCommerce allows "
               "at most 100)"),
    SL_OPT_DURATION("poll_overlap", woo_chan, overlap_ms, "5m", 0, 24LL * 3600 * 1000,
                    "how far back each poll looks again before its cursor"),
    SL_OPT_FLAG("test_mode", woo_chan, test_mode, "no",
                "read everything, write nothing to the store"),
    SL_OPT_STRING("currency", woo_chan, currency, 0, NULL, 3, 3, "A",
                  "the store's currency (ISO 4217) for `channel import` prices; "
                  "absent: the tenant's"),
};
static const sl_option_table WOO_OPTIONS = SL_OPTION_TABLE(WOO_OPTION_ROWS);

/* Settles the scheme: WooCommerce tries Basic only over https and OAuth
   1.0a only over plain http, so a mode against the scheme can never
   authenticate (the store answers 401 woocommerce_rest_cannot_view). */
static int settle_auth(woo_chan *ch, sl_error *err)
{
    int http = strncmp(ch->base, "http://", 7) == 0;
    if (ch->auth_mode == WOO_AUTH_BASIC && http)
        return sl_error_set(err, SL_EINVALID, "auth",
                            "auth = basic needs an https:// url: over plain "
                            "http WooCommerce accepts only OAuth 1.0a "
                            "(auth = oauth or auto)");
    if (ch->auth_mode == WOO_AUTH_OAUTH && !http)
        return sl_error_set(err, SL_EINVALID, "auth",
                            "auth = oauth needs an http:// url: over https "
                            "WooCommerce ignores OAuth and wants Basic "
                            "(auth = basic or auto)");
    ch->oauth = http;
    if (ch->webhook_secret != NULL && *ch->webhook_secret == '\0')
        ch->webhook_secret = NULL;
    return SL_OK;
}

/* WooCommerce's rules on top of the options: the auth mode, the shop's
   configuration; a warning when webhooks cannot be verified. */
static int woo_settle(void *state, sl_ctx *ctx, sl_error *err)
{
    woo_chan *ch = state;
    int rc = settle_auth(ch, err);
    if (rc == SL_OK)
        rc = woo_fetch_config(ch, ctx, err);
    if (rc == SL_OK && ch->webhook_secret == NULL)
        ch->host->log(ctx, SL_LOG_WARN, "no webhook_secret: signed webhooks will be refused");
    /* last: a failed settle frees the state and nothing else */
    if (rc == SL_OK && ch->webhook_secret != NULL &&
        sl_hmac_key_open(ch->webhook_secret, strlen(ch->webhook_secret), &ch->webhook_key) != SL_OK)
        rc = sl_error_set(err, SL_EINTERNAL, "webhook_secret", "cannot prepare the HMAC key");
    return rc;
}

static const sl_channel_spec WOO_CHANNEL = {&WOO_OPTIONS, sizeof(woo_chan),
                                            offsetof(woo_chan, host), woo_settle};

/* Slot channel_open: validates the config and allocates the channel. */
static int woo_channel_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    return sl_channel_open(host, ctx, &WOO_CHANNEL, state, err);
}

/* Slot channel_close. */
static void woo_channel_close(void *state)
{
    woo_chan *ch = state;
    if (ch != NULL)
        sl_hmac_key_close(ch->webhook_key);
    sl_channel_free(state);
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
    SL_PLUGIN_HEAD,
    .name = "woocommerce",
    .version = "1.0.0",
    .description = "WooCommerce REST API v3: orders by webhook and polling, "
                   "stock and price push, notes back",
    .caps = SL_CAP_FETCH_ORDERS | SL_CAP_WEBHOOK | SL_CAP_PUSH_STOCK | SL_CAP_PUSH_PRICES |
            SL_CAP_LIST_TAXES | SL_CAP_LIST_PAYMENTS | SL_CAP_LIST_SHIPPING | SL_CAP_REPORT_STATUS |
            SL_CAP_FETCH_PRODUCTS,
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
    .fetch_products = woo_fetch_products,
    .options = &WOO_OPTIONS,              /* 1.3: read by hosts that know it */
    .verify_webhook = woo_verify_webhook, /* read by 1.4 hosts only */
};

/* The one exported symbol: the static plugin table. */
SL_PLUGIN_ENTRY(WOO_PLUGIN)
