/*
 * `export documents` and `export journal`: the ledger's documents and its
 * postings, one row each. Columns: export.h.
 */
#include "export/export_int.h"
#include "ledger/ledger_export.h"
#include "shopledger/sdkutil.h"

#define T DOCOUT_COL_TEXT
#define M DOCOUT_COL_MONEY
#define D DOCOUT_COL_DATE

const docout_column export_document_columns[] = {
    {"number", T, 14},        {"type", T, 12},          {"status", T, 10},     {"channel", T, 10},
    {"shop_order_id", T, 14}, {"order_number", T, 14},  {"issue_date", D, 11}, {"currency", T, 8},
    {"net", M, 12},           {"tax", M, 12},           {"gross", M, 12},      {"paid", M, 12},
    {"customer_name", T, 24}, {"customer_email", T, 26}};
const size_t export_document_column_count =
    sizeof export_document_columns / sizeof export_document_columns[0];

const docout_column export_journal_columns[] = {{"posting_id", DOCOUT_COL_INTEGER, 10},
                                                {"date", D, 11},
                                                {"document_number", T, 14},
                                                {"document_type", T, 12},
                                                {"document_status", T, 12},
                                                {"channel", T, 10},
                                                {"shop_order_id", T, 14},
                                                {"order_number", T, 14},
                                                {"account", T, 10},
                                                {"debit", M, 12},
                                                {"credit", M, 12},
                                                {"currency", T, 8},
                                                {"tax_group", T, 10},
                                                {"payment_kind", T, 12},
                                                {"payment_reference", T, 20},
                                                {"memo", T, 30}};
const size_t export_journal_column_count =
    sizeof export_journal_columns / sizeof export_journal_columns[0];

static int document_row(void *data, const ledger_export_doc *d)
{
    export_ctx *x = data;
    docout_sheet *sh = x->sh;
    docout_sheet_text(sh, d->number);
    docout_sheet_text(sh, d->type);
    docout_sheet_text(sh, d->status);
    docout_sheet_text(sh, d->channel);
    docout_sheet_text(sh, d->external_id);
    docout_sheet_text(sh, d->order_number);
    export_time_cell(x, d->created_ms);
    docout_sheet_text(sh, d->currency);
    docout_sheet_money(sh, d->net, d->exponent);
    docout_sheet_money(sh, d->tax, d->exponent);
    docout_sheet_money(sh, d->gross, d->exponent);
    docout_sheet_money(sh, d->paid, d->exponent);
    docout_sheet_text(sh, d->customer_name);
    docout_sheet_text(sh, d->customer_email);
    return export_row_done(x);
}

static int posting_row(void *data, const ledger_export_posting *p)
{
    export_ctx *x = data;
    docout_sheet *sh = x->sh;
    docout_sheet_integer(sh, p->id);
    export_time_cell(x, p->created_ms);
    docout_sheet_text(sh, p->number);
    docout_sheet_text(sh, p->doc_type);
    docout_sheet_text(sh, p->doc_status);
    docout_sheet_text(sh, p->channel);
    docout_sheet_text(sh, p->external_id);
    docout_sheet_text(sh, p->order_number);
    docout_sheet_text(sh, p->account);
    docout_sheet_money(sh, p->debit, p->exponent);
    docout_sheet_money(sh, p->credit, p->exponent);
    docout_sheet_text(sh, p->currency);
    docout_sheet_text(sh, p->tax_group);
    docout_sheet_text(sh, p->payment_kind);
    docout_sheet_text(sh, p->payment_ref);
    docout_sheet_text(sh, p->memo);
    return export_row_done(x);
}

static ledger_export_filter filter_of(const export_ctx *x, int64_t from_ms, int64_t to_ms)
{
    return (ledger_export_filter){
        .from_ms = from_ms, .to_ms = to_ms, .channel = x->rq->channel, .status = x->rq->status};
}

int export_documents(store *s, export_ctx *x, int64_t from_ms, int64_t to_ms)
{
    ledger_export_filter f = filter_of(x, from_ms, to_ms);
    return ledger_export_documents(s, &f, &x->total, document_row, x, x->err);
}

int export_journal(store *s, export_ctx *x, int64_t from_ms, int64_t to_ms)
{
    ledger_export_filter f = filter_of(x, from_ms, to_ms);
    return ledger_export_journal(s, &f, &x->total, posting_row, x, x->err);
}
