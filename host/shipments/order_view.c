/*
 * The one-order view (order_view.h): composed from each owning module's
 * own view function, so no SQL of another module's tables lives here.
 */
#include <string.h>

#include "inbox/inbox_find.h"
#include "ledger/ledger.h"
#include "outbox/outbox.h"
#include "shipments/order_status.h"
#include "payments/payments.h"
#include "shipments/order_view.h"
#include "shipments/shipments.h"
#include "shopledger/sdkutil.h"

/* The order's payments as one list: each ledger payment of its documents
   with the document's number. The bank-gateway attempts are a list of
   their own beside it ("gateway_attempts", payments/pay_show.c): an
   attempt is not a payment until the gateway confirmed it. */
static json_t *order_payments(const json_t *docs)
{
    json_t *all = json_array();
    size_t i, j;
    const json_t *d, *p;
    json_array_foreach(docs, i, d)
    {
        json_array_foreach(json_object_get(d, "payments"), j, p)
        {
            json_t *row = json_deep_copy(p);
            if (row)
                json_object_set(row, "document", json_object_get(d, "number"));
            if (!row || json_array_append_new(all, row) != 0) {
                json_decref(all);
                return NULL;
            }
        }
    }
    return all;
}

static int put(json_t *obj, const char *key, json_t *v, sl_error *err)
{
    if (!v)
        return err && err->code < 0 ? err->code : SL_ENOMEM;
    if (json_object_set_new(obj, key, v) != 0)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    return SL_OK;
}

/* The order as the shop last sent it, in short: what an operator looks
   for before the books (JSON null when the inbox has no revision). */
static json_t *order_summary(store *s, const char *channel, const char *external_id, sl_error *err)
{
    json_t *full = NULL;
    int rc = inbox_find_order_json(s, channel, external_id, &full, err);
    if (rc == SL_ENOTFOUND)
        return json_null();
    if (rc != SL_OK)
        return NULL;
    static const char *const KEYS[] = {
        "number", "status",         "status_normalized", "currency", "exponent",
        "total",  "payment_method", "shipping_method",   "email",    "shipping"};
    json_t *out = json_object();
    for (size_t i = 0; out && i < sizeof KEYS / sizeof KEYS[0]; i++) {
        json_t *v = json_object_get(full, KEYS[i]);
        if (v)
            json_object_set(out, KEYS[i], v);
    }
    json_decref(full);
    if (!out)
        sl_error_set(err, SL_ENOMEM, "", "out of memory");
    return out;
}

static int known(const json_t *view)
{
    if (json_is_object(json_object_get(view, "order")))
        return 1;
    const char *keys[] = {"documents", "gateway_attempts", "shipments", "notes", "status_history"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (json_array_size(json_object_get(view, keys[i])) > 0)
            return 1;
    return 0;
}

json_t *order_view_json(store *s, const char *channel, const char *external_id, sl_error *err)
{
    char status[32];
    if (order_status_current(s, channel, external_id, status, sizeof status, err) != SL_OK)
        return NULL;
    json_t *v = json_pack("{s:s, s:s, s:s}", "channel", channel, "external_id", external_id,
                          "status", status);
    if (!v) {
        sl_error_set(err, SL_ENOMEM, "", "out of memory");
        return NULL;
    }
    int rc = put(v, "order", order_summary(s, channel, external_id, err), err);
    json_t *docs = rc == SL_OK ? ledger_order_docs_json(s, channel, external_id, err) : NULL;
    if (rc == SL_OK)
        rc = put(v, "documents", docs, err);
    if (rc == SL_OK)
        rc = put(v, "payments", order_payments(docs), err);
    if (rc == SL_OK)
        rc = put(v, "gateway_attempts", pay_show_json(s, channel, external_id, err), err);
    if (rc == SL_OK)
        rc = put(v, "shipments", shipment_order_json(s, channel, external_id, err), err);
    if (rc == SL_OK)
        rc = put(v, "notes", outbox_order_notes_json(s, channel, external_id, err), err);
    if (rc == SL_OK)
        rc = put(v, "status_history", order_status_history_json(s, channel, external_id, err), err);
    if (rc == SL_OK && !known(v)) {
        sl_error_set(err, SL_ENOTFOUND, "external_id", "channel %.64s has no order %.64s here",
                     channel, external_id);
        rc = SL_ENOTFOUND;
    }
    if (rc != SL_OK) {
        json_decref(v);
        return NULL;
    }
    return v;
}
