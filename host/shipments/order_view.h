/*
 * Everything the host knows about one shop order, in one JSON object, for
 * `shopledger order show` and the admin API: its current status, the
 * documents with their payments, the payments as one list, the shipments
 * with their shipping-status history, the notes back to the shop and the
 * order-status history.
 */
#ifndef SL_ORDER_VIEW_H
#define SL_ORDER_VIEW_H

#include <jansson.h>

#include "shopledger/sdk.h"
#include "store/store.h"

/* {"channel", "external_id", "status", "order": {number, status, currency,
   total, shipping address ...} or null, "documents": [...], "payments": [...],
   "shipments": [...], "notes": [...], "status_history": [...]}.
   SL_ENOTFOUND (field "external_id") when the store knows nothing of the
   order (no inbox revision, document, shipment, note or status). New reference;
   NULL with err. */
json_t *order_view_json(store *s, const char *channel, const char *external_id, sl_error *err);

#endif
