/*
 * The Behpardakht Mellat connector's plugin table and channel lifecycle:
 * the channel keys (terminal, username, password secret, SOAP endpoint,
 * start page, payerId, mobileNo) read into a mellat_chan by the option
 * kit, and the connection check. The gateway slots live in mellat_calls.c.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mellat.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

/* The channel keys this connector reads (shopledger/options.h); the host
   validates the [channel:NAME] section against them before channel_open. */
static const sl_option MELLAT_OPTION_ROWS[] = {
    SL_OPT_STRING("terminal_id", mellat_chan, terminal_id, SL_OPT_REQUIRED, NULL, 1,
                  MELLAT_ID_MAX - 1, "0", "the terminal number Behpardakht issued (digits)"),
    SL_OPT_STRING("username", mellat_chan, username, SL_OPT_REQUIRED, NULL, 1, 64, NULL,
                  "the terminal's web-service user name"),
    SL_OPT_SECRET("password", mellat_chan, password, SL_OPT_REQUIRED,
                  "the terminal's web-service password"),
    SL_OPT_URL("url", mellat_chan, url, 0, "https://bpm.shaparak.ir/pgwchannel/services/pgw",
               MELLAT_URL_MAX - 1, "the SOAP endpoint (its WSDL is this URL with ?wsdl)"),
    SL_OPT_URL("start_url", mellat_chan, start_url, 0,
               "https://bpm.shaparak.ir/pgwchannel/startpay.mellat", MELLAT_URL_MAX - 1,
               "the start page the buyer's browser POSTs the RefId to"),
    SL_OPT_STRING("payer_id", mellat_chan, payer_id, 0, "0", 1, MELLAT_ID_MAX - 1, "0",
                  "payerId of every pay request (digits; 0 = unused)"),
    SL_OPT_FLAG("send_mobile", mellat_chan, send_mobile, "no",
                "send the buyer's mobile as mobileNo (not in the public WSDL: only "
                "when Behpardakht enabled it for the terminal)"),
};
static const sl_option_table MELLAT_OPTIONS = SL_OPTION_TABLE(MELLAT_OPTION_ROWS);

/* Mellat's own rule on top of the options: a password it can send. */
static int mellat_settle(void *state, sl_ctx *ctx, sl_error *err)
{
    (void)ctx;
    const mellat_chan *ch = state;
    if (ch->password == NULL || ch->password[0] == '\0')
        return sl_error_set(err, SL_EINVALID, "password", "password is empty");
    return SL_OK;
}

static const sl_channel_spec MELLAT_CHANNEL = {&MELLAT_OPTIONS, sizeof(mellat_chan),
                                               offsetof(mellat_chan, host), mellat_settle};

static int mellat_channel_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    return sl_channel_open(host, ctx, &MELLAT_CHANNEL, state, err);
}

/* Slot check_connection: Mellat has no "who am I" call, so it asks
   bpInquiryRequest about sale 1 of order 1, which changes nothing. A
   terminal, credential or IP refusal (21, 24, 421) is SL_EAUTH; any other
   ResCode proves the endpoint answers and the credentials pass. */
static int mellat_check_connection(void *state, sl_ctx *ctx, sl_error *err)
{
    mellat_chan *ch = state;
    const mellat_arg args[6] = {
        {"terminalId", ch->terminal_id},
        {"userName", ch->username},
        {"userPassword", ch->password},
        {"orderId", "1"},
        {"saleOrderId", "1"},
        {"saleReferenceId", "1"},
    };
    char ret[MELLAT_RETURN_MAX], none[2];
    int code = 0;
    int rc = mellat_soap_call(ch, ctx, "bpInquiryRequest", args, 6, ret, err);
    if (rc == SL_OK)
        rc = mellat_split_return(ret, &code, none, sizeof none, err);
    if (rc != SL_OK)
        return rc;
    if (code == 21 || code == 24 || code == 421)
        return sl_error_set(err, SL_EAUTH, code == 421 ? "url" : "terminal_id",
                            "Mellat refused the terminal: %d (%s)", code, mellat_code_text(code));
    return SL_OK;
}

static const sl_plugin MELLAT_PLUGIN = {
    SL_PLUGIN_HEAD,
    .min_host_minor = 3,
    .name = "mellat",
    .version = "1.0.0",
    .description = "Behpardakht Mellat payment gateway (SOAP): pay request, buyer return, "
                   "verify, settle, inquiry, reversal",
    .caps = SL_CAP_REQUEST_PAYMENT | SL_CAP_VERIFY_PAYMENT | SL_CAP_SETTLE_PAYMENT |
            SL_CAP_INQUIRE_PAYMENT | SL_CAP_REVERSE_PAYMENT,
    .channel_open = mellat_channel_open,
    .channel_close = sl_channel_free,
    .verify_payment = mellat_verify_payment,
    .check_connection = mellat_check_connection,
    .request_payment = mellat_request_payment,
    .parse_return = mellat_parse_return,
    .settle_payment = mellat_settle_payment,
    .inquire_payment = mellat_inquire_payment,
    .reverse_payment = mellat_reverse_payment,
    .options = &MELLAT_OPTIONS,
};

/* The one exported symbol: the static plugin table. */
SL_PLUGIN_ENTRY(MELLAT_PLUGIN)
