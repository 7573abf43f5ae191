/*
 * Webhook deliveries from WooCommerce (slot parse_webhook).
 *
 * A delivery carries X-WC-Webhook-Signature = base64(HMAC-SHA256(raw body,
 * webhook secret)); we recompute it over the exact bytes received and
 * compare in constant time, unless the host vouches for the body (an
 * operator's replay). The creation ping is the one unsigned request: a
 * form-encoded body `webhook_id=N` and no topic; it is acknowledged and
 * stores nothing. Order topics map and submit the order; order.deleted
 * (body {"id":N}) submits a deletion notice; every other topic (product.*,
 * customer.*, coupon.*, action.*) is acknowledged without storing, so the
 * product.updated that our own stock push triggers cannot start a loop.
 * X-WC-Webhook-Delivery-ID is not unique on real stores and is not used.
 * A body the host vouches for without a topic (an operator's
 * `inbox add` of a stored GET /orders/{id} answer) is taken as
 * order.updated: replays carry no WooCommerce headers.
 *
 * verify_webhook (1.4) runs the same signature and topic checks without
 * parsing, so the host knows a delivery is authentic before a mapping
 * error could refuse it: such a delivery is stored as failed, not lost.
 */
#include <stdint.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

#define WOO_PING_MAX 64

/* `webhook_id=<digits>` and nothing else (the creation ping). */
static int is_ping(const char *body, size_t len)
{
    static const char prefix[] = "webhook_id=";
    size_t plen = sizeof prefix - 1;
    if (len <= plen || len > WOO_PING_MAX || memcmp(body, prefix, plen) != 0)
        return 0;
    for (size_t i = plen; i < len; i++)
        if (body[i] < '0' || body[i] > '9')
            return 0;
    return 1;
}

/* Parses the body as a JSON object (SL_EINVALID naming "body"). */
static int parse_object(const char *body, size_t len, json_t **out, sl_error *err)
{
    return sl_json_parse_object(body, len, WOO_MAX_WEBHOOK, "webhook body", out, err);
}

static int handle_order(woo_chan *ch, sl_ctx *ctx, const char *topic, const char *body, size_t len,
                        sl_error *err)
{
    json_t *j = NULL;
    int rc = parse_object(body, len, &j, err);
    if (rc != SL_OK)
        return rc;
    if (strcmp(topic, "order.deleted") == 0) {
        char id[WOO_ID_MAX] = "";
        rc = sl_json_id(j, "id", 1, id, sizeof id, err);
        if (rc == SL_OK)
            rc = woo_order_submit_deleted(ch, ctx, id, j, body, len, err);
    } else {
        int submitted = 0;
        rc = woo_order_submit(ch, ctx, j, body, len, &submitted, NULL, err);
        if (rc == SL_OK && !submitted)
            ch->host->log(ctx, SL_LOG_DEBUG, "%s: checkout draft skipped", topic);
    }
    json_decref(j);
    return rc;
}

static int is_order_topic(const char *topic)
{
    return strcmp(topic, "order.created") == 0 || strcmp(topic, "order.updated") == 0 ||
           strcmp(topic, "order.restored") == 0 || strcmp(topic, "order.deleted") == 0;
}

/* What the headers and signature say about a delivery, before parsing. */
enum delivery_kind { DELIVERY_ORDER, DELIVERY_IGNORED, DELIVERY_NO_TOPIC };

/* Authenticates a delivery and sorts it by its topic: the one check both
   slots run. *topic_out is the topic to parse with (an operator's replay
   without one is taken as order.updated). SL_EAUTH for a bad signature. */
static int classify(woo_chan *ch, const sl_request *req, const char *body, size_t len, int *kind,
                    const char **topic_out, sl_error *err)
{
    const sl_host *h = ch->host;
    const char *sig = h->request_header(req, "X-WC-Webhook-Signature");
    const char *topic = h->request_header(req, "X-WC-Webhook-Topic");
    *topic_out = topic;
    if (sig == NULL && topic == NULL && is_ping(body, len)) {
        *kind = DELIVERY_IGNORED; /* creation ping: answer 200, store nothing */
        return SL_OK;
    }
    sl_webhook_hmac how = {"X-WC-Webhook-Signature", "webhook signature", ch->webhook_secret,
                           "webhook_secret"};
    int rc = sl_webhook_check_hmac_prepared(h, req, &how, ch->webhook_key, body, len, err);
    if (rc != SL_OK)
        return rc;
    if ((topic == NULL || *topic == '\0') && h->request_verified(req))
        *topic_out = topic = "order.updated";
    if (topic == NULL || *topic == '\0')
        *kind = DELIVERY_NO_TOPIC;
    else
        *kind = is_order_topic(topic) ? DELIVERY_ORDER : DELIVERY_IGNORED;
    return SL_OK;
}

int woo_verify_webhook(void *state, sl_ctx *ctx, const sl_request *req, int *acknowledge_only,
                       sl_error *err)
{
    woo_chan *ch = state;
    const char *body;
    size_t len;
    const char *topic = NULL;
    int kind = DELIVERY_ORDER;
    /* the size is parse_webhook's to refuse */
    int rc = sl_webhook_body(ch->host, req, SIZE_MAX, &body, &len, err);
    if (rc == SL_OK)
        rc = classify(ch, req, body, len, &kind, &topic, err);
    if (rc != SL_OK)
        return rc;
    if (kind == DELIVERY_IGNORED && topic != NULL)
        ch->host->log(ctx, SL_LOG_DEBUG, "webhook topic %.64s acknowledged, ignored", topic);
    /* A signed delivery without a topic is parsed, so that its refusal
       is stored with the reason rather than lost. */
    *acknowledge_only = kind == DELIVERY_IGNORED;
    return SL_OK;
}

int woo_parse_webhook(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err)
{
    woo_chan *ch = state;
    const char *body;
    size_t len;
    const char *topic = NULL;
    int kind = DELIVERY_ORDER;
    int rc = sl_webhook_body(ch->host, req, WOO_MAX_WEBHOOK, &body, &len, err);
    if (rc == SL_OK)
        rc = classify(ch, req, body, len, &kind, &topic, err);
    if (rc != SL_OK)
        return rc;
    if (kind == DELIVERY_NO_TOPIC)
        return sl_error_set(err, SL_EINVALID, "X-WC-Webhook-Topic",
                            "webhook delivery without a topic");
    if (kind == DELIVERY_IGNORED) {
        if (topic != NULL)
            ch->host->log(ctx, SL_LOG_DEBUG, "webhook topic %.64s acknowledged, ignored", topic);
        return SL_OK;
    }
    return handle_order(ch, ctx, topic, body, len, err);
}
