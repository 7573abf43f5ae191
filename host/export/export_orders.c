/*
 * `export orders`: one row per inbox order (its current revision) with
 * the document it became. Columns: export.h.
 */
#include <stdio.h>

#include "export/export_int.h"
#include "shipments/shipments.h"
#include "inbox/inbox_export.h"
#include "ledger/ledger_export.h"
#include "shopledger/sdkutil.h"

#define T DOCOUT_COL_TEXT
#define M DOCOUT_COL_MONEY
#define DT DOCOUT_COL_DATETIME

const docout_column export_order_columns[] = {
    {"order_number", T, 14},      {"shop_order_id", T, 14},
    {"channel", T, 10},           {"order_date", DT, 19},
    {"registered_date", DT, 19},  {"order_status", T, 14},
    {"status_normalized", T, 18}, {"inbox_state", T, 11},
    {"tracking_code", T, 18},     {"shipping_status", T, 16},
    {"currency", T, 8},           {"total", M, 12},
    {"total_tax", M, 12},         {"shipping_total", M, 12},
    {"discount_total", M, 12},    {"paid", M, 12},
    {"payment_method", T, 16},    {"payment_reference", T, 20},
    {"discount_code", T, 16},     {"customer_name", T, 24},
    {"customer_company", T, 20},  {"customer_email", T, 26},
    {"document_number", T, 14},   {"document_type", T, 12},
    {"document_status", T, 12}};
const size_t export_order_column_count =
    sizeof export_order_columns / sizeof export_order_columns[0];

typedef struct orders_walk {
    export_ctx *x;
    store *s;
} orders_walk;

/* tracking_code and shipping_status: the order's live shipment (not
   failed or cancelled), its Iran Post code (or the service's parcel key
   while the post has none yet) and its normalized shipping status; both
   empty when the order has no shipment. */
static int shipment_cells(orders_walk *w, const inbox_export_order *o)
{
    shipment sh;
    sl_error err = {.size = sizeof err};
    int rc = shipment_find_live(w->s, o->channel, o->external_id, &sh, &err);
    if (rc == SL_ENOTFOUND) {
        docout_sheet_empty(w->x->sh);
        docout_sheet_empty(w->x->sh);
        return SL_OK;
    }
    if (rc != SL_OK) {
        *w->x->err = err;
        return rc;
    }
    docout_sheet_text(w->x->sh, sh.tracking_code[0] ? sh.tracking_code : sh.parcel_id);
    docout_sheet_text(w->x->sh, sh.status);
    return SL_OK;
}

static int order_row(void *data, const inbox_export_order *o)
{
    orders_walk *w = data;
    docout_sheet *sh = w->x->sh;
    ledger_export_order_doc doc = {0};
    int found = 0;
    if (ledger_export_order_doc_get(w->s, o->channel, o->external_id, &doc, &found, w->x->err) !=
        SL_OK)
        return w->x->err->code;
    char name[512];
    snprintf(name, sizeof name, "%s%s%s", o->first_name, *o->first_name && *o->last_name ? " " : "",
             o->last_name);
    docout_sheet_text(sh, o->number);
    docout_sheet_text(sh, o->external_id);
    docout_sheet_text(sh, o->channel);
    export_time_cell(w->x, o->created_ms);
    export_time_cell(w->x, o->received_ms);
    docout_sheet_text(sh, o->status);
    docout_sheet_text(sh, o->status_normalized);
    docout_sheet_text(sh, o->state);
    int cells = shipment_cells(w, o);
    if (cells != SL_OK)
        return cells;
    docout_sheet_text(sh, o->currency);
    docout_sheet_money(sh, o->total, o->exponent);
    docout_sheet_money(sh, o->total_tax, o->exponent);
    docout_sheet_money(sh, o->shipping_total, o->exponent);
    docout_sheet_money(sh, o->discount_total, o->exponent);
    docout_sheet_money(sh, found ? doc.paid : 0, o->exponent);
    docout_sheet_text(sh, o->payment_method);
    docout_sheet_text(sh, o->transaction_id);
    docout_sheet_text(sh, o->discount_codes);
    docout_sheet_text(sh, name);
    docout_sheet_text(sh, o->company);
    docout_sheet_text(sh, o->email);
    docout_sheet_text(sh, doc.number);
    docout_sheet_text(sh, doc.type);
    docout_sheet_text(sh, doc.status);
    return export_row_done(w->x);
}

int export_orders(store *s, export_ctx *x, int64_t from_ms, int64_t to_ms)
{
    inbox_export_filter f = {
        .from_ms = from_ms, .to_ms = to_ms, .channel = x->rq->channel, .status = x->rq->status};
    orders_walk w = {.x = x, .s = s};
    return inbox_export_orders(s, &f, &x->total, order_row, &w, x->err);
}
