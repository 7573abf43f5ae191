/*
 * The ZarinPal connector's plugin table, its option table and the
 * channel's open and close. The merchant_id is a credential (it is all the
 * API asks for), so it is the secret `merchant_key` (merchant_key_file =
 * PATH), never an INI value: the host's secret rule goes by the key's
 * name, and "merchant_id" would not be filed as one.
 */
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/options.h"
#include "shopledger/sdkutil.h"
#include "zarinpal.h"

#define ZP_PROD_API "https://payment.zarinpal.com/pg/v4/payment"
#define ZP_PROD_START "https://payment.zarinpal.com/pg/StartPay"
#define ZP_SANDBOX_API "https://sandbox.zarinpal.com/pg/v4/payment"
#define ZP_SANDBOX_START "https://sandbox.zarinpal.com/pg/StartPay"

static const sl_option ZP_OPTION_ROWS[] = {
    SL_OPT_SECRET("merchant_key", zp_chan, merchant, SL_OPT_REQUIRED,
                  "the terminal's merchant_id (36-character UUID) from the ZarinPal panel"),
    SL_OPT_FLAG("sandbox", zp_chan, sandbox, "no",
                "use sandbox.zarinpal.com (default URLs) instead of payment.zarinpal.com"),
    SL_OPT_URL("api_url", zp_chan, api_url, 0, NULL, ZP_URL_MAX - 32,
               "the REST v4 base, default https://payment.zarinpal.com/pg/v4/payment"),
    SL_OPT_URL("start_url", zp_chan, start_url, 0, NULL, ZP_URL_MAX - ZP_AUTHORITY_MAX - 2,
               "the buyer's start-pay base, default https://payment.zarinpal.com/pg/StartPay"),
    SL_OPT_ENUM("currency", zp_chan, irt, "IRR", "IRR|IRT",
                "the unit sent to ZarinPal: IRR (Rial) or IRT (Toman = 10 Rial); the "
                "host always hands Rial"),
};
static const sl_option_table ZP_OPTIONS = SL_OPTION_TABLE(ZP_OPTION_ROWS);

/* A 36-character UUID: what every API call sends as merchant_id. */
static int uuid_shape(const char *m)
{
    if (strlen(m) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        int hex = (m[i] >= '0' && m[i] <= '9') || (m[i] >= 'a' && m[i] <= 'f') ||
                  (m[i] >= 'A' && m[i] <= 'F');
        if (dash ? m[i] != '-' : !hex)
            return 0;
    }
    return 1;
}

/* ZarinPal's rules on top of the options: the merchant id's shape, and
   the endpoints the sandbox flag picks unless they are given. */
static int zp_settle(void *state, sl_ctx *ctx, sl_error *err)
{
    (void)ctx;
    zp_chan *ch = state;
    if (!uuid_shape(ch->merchant))
        return sl_error_set(err, SL_EINVALID, "merchant_key",
                            "merchant_key must be the 36-character merchant_id UUID");
    if (ch->api_url[0] == '\0')
        snprintf(ch->api_url, sizeof ch->api_url, "%s", ch->sandbox ? ZP_SANDBOX_API : ZP_PROD_API);
    if (ch->start_url[0] == '\0')
        snprintf(ch->start_url, sizeof ch->start_url, "%s",
                 ch->sandbox ? ZP_SANDBOX_START : ZP_PROD_START);
    return SL_OK;
}

static const sl_channel_spec ZP_CHANNEL = {&ZP_OPTIONS, sizeof(zp_chan), offsetof(zp_chan, host),
                                           zp_settle};

static int zp_channel_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    return sl_channel_open(host, ctx, &ZP_CHANNEL, state, err);
}

static const sl_plugin ZP_PLUGIN = {
    SL_PLUGIN_HEAD,
    .min_host_minor = 3,
    .name = "zarinpal",
    .version = "0.1.0",
    .description = "ZarinPal payment gateway (REST v4): request, return, verify, inquiry, "
                   "unVerified, reverse",
    .caps = SL_CAP_REQUEST_PAYMENT | SL_CAP_VERIFY_PAYMENT | SL_CAP_INQUIRE_PAYMENT |
            SL_CAP_REVERSE_PAYMENT | SL_CAP_LIST_UNVERIFIED,
    .channel_open = zp_channel_open,
    .channel_close = sl_channel_free,
    .verify_payment = zp_verify,
    .check_connection = zp_check_connection,
    .request_payment = zp_request,
    .parse_return = zp_parse_return,
    .inquire_payment = zp_inquire,
    .reverse_payment = zp_reverse,
    .list_unverified = zp_list_unverified,
    .options = &ZP_OPTIONS,
};

/* The one exported symbol: the static plugin table. */
SL_PLUGIN_ENTRY(ZP_PLUGIN)
