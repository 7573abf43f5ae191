/*
 * Mozello notifications (slot parse_webhook), api/mozello.md §6.
 *
 * A delivery is a JSON POST {"event": "...", "order"|"product": {...}}
 * with X-Mozello-Hash = base64(HMAC-SHA256(raw body, API key)). We
 * recompute it over the exact bytes received with the channel's API key
 * and compare in constant time, unless the host vouches for the body (an
 * operator's replay). Mozello redelivers anything not answered 200 for up
 * to ~48 h and may deliver twice; there is no delivery id to trust, and
 * none is needed: the host's intake is idempotent on (channel, order id)
 * and the content of the revision.
 *
 * ORDER_CREATED carries the full order and is mapped as is.
 * PAYMENT_CHANGED / DISPATCH_CHANGED may carry only the order id and the
 * changed fields, so the order is read again with GET /store/order/{id}/
 * (a failure there fails the delivery, and Mozello tries again later).
 * ORDER_DELETED submits a deletion notice (the id is taken from
 * order.order_id or a top-level order_id: the body shape is not
 * documented). Product and stock events are acknowledged and ignored, so
 * the STOCK_CHANGED our own push causes cannot loop.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mozello.h"
#include "shopledger/sdkutil.h"

#define MZ_HASH_HEADER "X-Mozello-Hash"

/* The body within `max` bytes and its hash, unless the host vouches for
   it. */
static int prologue(mz_chan *ch, const sl_request *req, size_t max, const char **body, size_t *len,
                    sl_error *err)
{
    int rc = sl_webhook_body(ch->host, req, max, body, len, err);
    if (rc != SL_OK)
        return rc;
    sl_webhook_hmac how = {MZ_HASH_HEADER, "notification hash", ch->hook_key, "api_key"};
    return sl_webhook_check_hmac(ch->host, req, &how, *body, *len, err);
}

static int parse_body(const char *body, size_t len, json_t **out, sl_error *err)
{
    return sl_json_parse_object(body, len, MZ_MAX_WEBHOOK, "notification body", out, err);
}

/* order.order_id, else a top-level order_id. */
static int order_id_of(const json_t *j, const char **id, sl_error *err)
{
    json_t *o = json_object_get(j, "order");
    *id = NULL;
    int rc = json_is_object(o) ? sl_json_str(o, "order_id", 0, id, err) : SL_OK;
    if (rc == SL_OK && *id == NULL)
        rc = sl_json_str(j, "order_id", 0, id, err);
    if (rc == SL_OK && (*id == NULL || **id == '\0' || strlen(*id) >= MZ_ID_MAX))
        rc = sl_error_set(err, SL_EINVALID, "order.order_id",
                          "notification without a usable order_id");
    return rc;
}

/* Re-reads the order and submits it with the fetched text as raw. */
static int refetch(mz_chan *ch, sl_ctx *ctx, const char *id, sl_error *err)
{
    json_t *o = NULL;
    int rc = mz_order_get(ch, ctx, id, &o, err);
    if (rc != SL_OK)
        return rc;
    char *raw = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    rc = raw ? mz_order_submit(ch, ctx, o, raw, strlen(raw), NULL, err)
             : sl_error_set(err, SL_ENOMEM, "", "cannot serialize order");
    free(raw);
    json_decref(o);
    return rc;
}

static int dispatch(mz_chan *ch, sl_ctx *ctx, const json_t *j, const char *body, size_t len,
                    sl_error *err)
{
    const char *event = NULL, *id = NULL;
    int rc = sl_json_str(j, "event", 1, &event, err);
    if (rc != SL_OK)
        return rc;
    if (strcmp(event, "ORDER_CREATED") == 0) {
        json_t *o = NULL;
        rc = sl_json_object(j, "order", 1, &o, err);
        return rc ? rc : mz_order_submit(ch, ctx, o, body, len, NULL, err);
    }
    int changed = strcmp(event, "PAYMENT_CHANGED") == 0 || strcmp(event, "DISPATCH_CHANGED") == 0;
    int deleted = strcmp(event, "ORDER_DELETED") == 0;
    if (!changed && !deleted) {
        ch->host->log(ctx, SL_LOG_DEBUG, "notification %.40s acknowledged, ignored", event);
        return SL_OK;
    }
    if ((rc = order_id_of(j, &id, err)) != SL_OK)
        return rc;
    return deleted ? mz_order_submit_deleted(ch, ctx, id, body, len, err)
                   : refetch(ch, ctx, id, err);
}

/* Slot verify_webhook (1.4): the notification hash only, so a signed
   notification the parser then refuses is kept by the host as failed
   (answered 200) instead of refused. Every event is parsed. */
int mz_verify_webhook(void *state, sl_ctx *ctx, const sl_request *req, int *acknowledge_only,
                      sl_error *err)
{
    (void)ctx;
    *acknowledge_only = 0;
    const char *body;
    size_t len;
    return prologue(state, req, SIZE_MAX, &body, &len, err); /* parse caps */
}

int mz_parse_webhook(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err)
{
    mz_chan *ch = state;
    const char *body;
    size_t len;
    int rc = prologue(ch, req, MZ_MAX_WEBHOOK, &body, &len, err);
    if (rc != SL_OK)
        return rc;
    json_t *j = NULL;
    rc = parse_body(body, len, &j, err);
    if (rc != SL_OK)
        return rc;
    rc = dispatch(ch, ctx, j, body, len, err);
    json_decref(j);
    return rc;
}
