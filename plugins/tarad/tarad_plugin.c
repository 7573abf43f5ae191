/*
 * The TARAD U-Commerce connector's plugin table, channel config and the
 * webhook slot. TARAD pushes orders (when paid, when cancelled); there is
 * no API of TARAD's to poll, and reading the documents TARAD writes into
 * PEAK would need PEAK list calls whose request and answer shapes our
 * notes do not give (see README.md), so the one capability is
 * SL_CAP_WEBHOOK.
 *
 * Channel keys (the option table below): secret `user_token` (the token
 * the merchant pasted into TARAD; `webhook_secret` is read when
 * `user_token` is absent), and `max_skew` (accepted clock difference of a
 * push, a duration, default 5m, at most 1h).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/options.h"
#include "shopledger/sdkutil.h"
#include "tarad.h"
#include "tarad_wire.h"

/* The channel keys this connector reads (the host checks the section
   against them, lists them in `config check` and `channel describe`);
   sl_options_read fills the tarad_chan. */
static const sl_option TARAD_OPTION_ROWS[] = {
    SL_OPT_SECRET("user_token", tarad_chan, token, 0,
                  "the token pasted into TARAD (`webhook_secret` is read "
                  "when absent)"),
    SL_OPT_SECRET("webhook_secret", tarad_chan, token_alias, 0,
                  "the same token under the host's webhook name"),
    SL_OPT_DURATION("max_skew", tarad_chan, max_skew_ms, TARAD_DEFAULT_SKEW, 1000,
                    TARAD_MAX_SKEW_S * 1000LL, "accepted clock difference of a push's timestamp"),
};
static const sl_option_table TARAD_OPTIONS = SL_OPTION_TABLE(TARAD_OPTION_ROWS);

/* TARAD's rules on top of the options: the token under either name, and
   the skew in seconds the signature check compares. */
static int tarad_settle(void *state, sl_ctx *ctx, sl_error *err)
{
    (void)ctx;
    tarad_chan *ch = state;
    if (ch->token == NULL)
        ch->token = ch->token_alias;
    if (ch->token == NULL)
        return sl_error_set(err, SL_EINVALID, "user_token",
                            "user_token (the token pasted into TARAD; "
                            "user_token_file or user_token_env) is missing");
    ch->max_skew_s = ch->max_skew_ms / 1000;
    return SL_OK;
}

static const sl_channel_spec TARAD_CHANNEL = {&TARAD_OPTIONS, sizeof(tarad_chan),
                                              offsetof(tarad_chan, host), tarad_settle};

static int tarad_channel_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    return sl_channel_open(host, ctx, &TARAD_CHANNEL, state, err);
}

/* The body as a JSON object with an event string and an order object. */
static int parse_envelope(const char *body, size_t len, json_t **out, const char **event,
                          sl_error *err)
{
    json_t *j = NULL;
    int rc = sl_json_parse_object(body, len, TARAD_MAX_BODY, "push body", &j, err);
    if (rc != SL_OK)
        return rc;
    rc = sl_json_str(j, TARAD_KEY_EVENT, 1, event, err);
    if (rc != SL_OK) {
        json_decref(j);
        return rc;
    }
    *out = j;
    return SL_OK;
}

/* Slot verify_webhook (1.4): the push's signature and timestamp only, so
   a signed push the parser then refuses is kept by the host as failed
   (answered 200) instead of refused. Every event is parsed. */
static int tarad_verify_webhook(void *state, sl_ctx *ctx, const sl_request *req,
                                int *acknowledge_only, sl_error *err)
{
    tarad_chan *ch = state;
    const sl_host *h = ch->host;
    *acknowledge_only = 0;
    if (h->request_verified(req))
        return SL_OK;
    const char *body;
    size_t len;
    int rc = sl_webhook_body(h, req, SIZE_MAX, &body, &len, err); /* parse caps */
    if (rc != SL_OK)
        return rc;
    return tarad_wire_verify(ch->token, h->request_header(req, TARAD_HDR_TIMESTAMP),
                             h->request_header(req, TARAD_HDR_SIGNATURE), body, len, h->now_ms(ctx),
                             ch->max_skew_s, err);
}

/* Slot parse_webhook: verify, then submit paid and cancelled orders;
   other events are acknowledged and stored nowhere. */
static int tarad_parse_webhook(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err)
{
    tarad_chan *ch = state;
    const sl_host *h = ch->host;
    const char *body;
    size_t len;
    int rc = sl_webhook_body(h, req, TARAD_MAX_BODY, &body, &len, err);
    if (rc != SL_OK)
        return rc;
    if (!h->request_verified(req) &&
        (rc = tarad_wire_verify(ch->token, h->request_header(req, TARAD_HDR_TIMESTAMP),
                                h->request_header(req, TARAD_HDR_SIGNATURE), body, len,
                                h->now_ms(ctx), ch->max_skew_s, err)) != SL_OK)
        return rc;
    json_t *j = NULL;
    const char *event = NULL;
    if ((rc = parse_envelope(body, len, &j, &event, err)) != SL_OK)
        return rc;
    if (strcmp(event, TARAD_EVENT_PAID) != 0 && strcmp(event, TARAD_EVENT_CANCELLED) != 0) {
        h->log(ctx, SL_LOG_DEBUG, "push event %.64s acknowledged, ignored", event);
        json_decref(j);
        return SL_OK;
    }
    json_t *order = NULL;
    rc = sl_json_object(j, TARAD_KEY_ORDER, 1, &order, err);
    if (rc == SL_OK)
        rc = tarad_order_submit(ch, ctx, order, event, body, len, err);
    json_decref(j);
    return rc;
}

static const sl_plugin TARAD_PLUGIN = {
    SL_PLUGIN_HEAD,
    .name = "tarad",
    .version = "0.1.0",
    .description = "TARAD U-Commerce: paid and cancelled orders pushed with "
                   "the merchant's user token (push format assumed, see "
                   "README)",
    .caps = SL_CAP_WEBHOOK,
    .channel_open = tarad_channel_open,
    .channel_close = sl_channel_free,
    .parse_webhook = tarad_parse_webhook,
    .options = &TARAD_OPTIONS,              /* 1.3: read by hosts that know it */
    .verify_webhook = tarad_verify_webhook, /* read by 1.4 hosts only */
};

/* The one exported symbol: the static plugin table. */
SL_PLUGIN_ENTRY(TARAD_PLUGIN)
