/*
 * Order-status history: the dated record of an order's status in the
 * normalized vocabulary (sdk.h SL_STATUS_*: awaiting_confirmation,
 * confirmed, not_confirmed, preparing, reserved, invoice_defect,
 * sent_to_postal_system, sent, delivered, returned, cancelled), whoever
 * changes it: intake from the shop, the host sending a parcel, a gateway
 * confirming a payment, the operator.
 *
 * Each change is one row (from, to, raw label, when UTC, who, comment) of
 * order_status_history; "from" is the order's status before, "" for its
 * first. Callers on other modules (the gateway code, the shipment sender)
 * call order_status_record inside the transaction of the change that
 * caused it, so the history commits or rolls back with it.
 */
#ifndef SL_ORDER_STATUS_H
#define SL_ORDER_STATUS_H

#include <stdint.h>

#include <jansson.h>

#include "shopledger/sdk.h"
#include "store/store.h"

#define ORDER_STATUS_WHO_MAX 64
#define ORDER_STATUS_COMMENT_MAX 1024

/* Records that the order (channel, external_id) is now `to` (an SL_STATUS_*
   word), changed by `who` ("shop", "host", "operator", "gateway:zp" ...)
   with an optional `comment` (NULL = ""), `raw` the source's own label
   (NULL = same as to). Runs inside the caller's transaction, or its own
   when none is open. When the current status already is `to` nothing is
   written and *recorded = 0 (recorded may be NULL). SL_EINVALID naming
   "status" for a word outside the vocabulary, "who" when empty, "comment"
   when longer than ORDER_STATUS_COMMENT_MAX. */
int order_status_record(store *s, const char *channel, const char *external_id, const char *to,
                        const char *raw, const char *who, const char *comment, int64_t now_ms,
                        int *recorded, sl_error *err);

/* The order's current status into `out` (cap bytes): "" when it has no
   history (still SL_OK). */
int order_status_current(store *s, const char *channel, const char *external_id, char *out,
                         size_t cap, sl_error *err);

/* The order's history, oldest first: [{from, to, raw, at_ms, at, who,
   comment}]. New reference or NULL with err. */
json_t *order_status_history_json(store *s, const char *channel, const char *external_id,
                                  sl_error *err);

#endif
