/*
 * One export run (export.h): the tenant's zone and days, the sheet with
 * the export's columns, the walk, progress and the summary.
 */
#include "export/export.h"

#include <string.h>

#include "export/export_int.h"
#include "shopledger/sdkutil.h"

int export_kind_parse(const char *name)
{
    if (name == NULL)
        return 0;
    if (strcmp(name, "orders") == 0)
        return EXPORT_ORDERS;
    if (strcmp(name, "documents") == 0)
        return EXPORT_DOCUMENTS;
    if (strcmp(name, "journal") == 0)
        return EXPORT_JOURNAL;
    return 0;
}

/* A Persian tenant reads its sheets right to left. */
static int tenant_rtl(const config_tenant *t)
{
    for (size_t i = 0; i < t->document_count; i++)
        if (strcmp(t->documents[i].key, "language") == 0)
            return strcmp(t->documents[i].value, "fa") == 0;
    return 0;
}

void export_time_cell(export_ctx *x, int64_t utc_ms)
{
    docout_civil c;
    docout_sheet_time(x->sh, utc_ms != 0 && export_civil(x->zone, utc_ms, &c) == 0 ? &c : NULL);
}

int export_row_done(export_ctx *x)
{
    if (docout_sheet_end_row(x->sh, x->err) != SL_OK)
        return x->err->code;
    x->done++;
    if (x->rq->progress && x->done % EXPORT_PROGRESS_EVERY == 0)
        x->rq->progress(x->rq->progress_data, x->done, x->total);
    return 0;
}

/* The [from, to) range in UTC ms of the request's local days. */
static int day_range(const export_ctx *x, int64_t *from_ms, int64_t *to_ms, sl_error *err)
{
    const export_request *rq = x->rq;
    *from_ms = *to_ms = 0;
    if (rq->from_day && export_day_start(x->zone, rq->from_day, from_ms) != 0)
        return sl_error_set(err, SL_EINVALID, "from", "--from '%.32s' is not a day YYYY-MM-DD",
                            rq->from_day);
    char next[16];
    if (rq->to_day &&
        (export_next_day(rq->to_day, next) != 0 || export_day_start(x->zone, next, to_ms) != 0))
        return sl_error_set(err, SL_EINVALID, "to", "--to '%.32s' is not a day YYYY-MM-DD",
                            rq->to_day);
    return SL_OK;
}

static const char *title_of(int kind)
{
    return kind == EXPORT_ORDERS ? "orders" : kind == EXPORT_DOCUMENTS ? "documents" : "journal";
}

static int walk(store *s, const config_tenant *t, const export_request *rq, export_ctx *x)
{
    int64_t from_ms, to_ms;
    if (day_range(x, &from_ms, &to_ms, x->err) != SL_OK)
        return x->err->code;
    const docout_column *cols = rq->kind == EXPORT_ORDERS      ? export_order_columns
                                : rq->kind == EXPORT_DOCUMENTS ? export_document_columns
                                                               : export_journal_columns;
    size_t ncols = rq->kind == EXPORT_ORDERS      ? export_order_column_count
                   : rq->kind == EXPORT_DOCUMENTS ? export_document_column_count
                                                  : export_journal_column_count;
    docout_sheet_options o = {
        .format = rq->format, .bom = rq->bom, .rtl = tenant_rtl(t), .title = title_of(rq->kind)};
    if (docout_sheet_open(rq->path, &o, cols, ncols, &x->sh, x->err) != SL_OK)
        return x->err->code;
    int rc = rq->kind == EXPORT_ORDERS      ? export_orders(s, x, from_ms, to_ms)
             : rq->kind == EXPORT_DOCUMENTS ? export_documents(s, x, from_ms, to_ms)
                                            : export_journal(s, x, from_ms, to_ms);
    sl_error close_err = {.size = sizeof close_err};
    int closed = docout_sheet_close(x->sh, &close_err);
    x->sh = NULL;
    if (rc == SL_OK && closed != SL_OK) {
        *x->err = close_err;
        rc = closed;
    }
    return rc;
}

int export_run(store *s, const config_tenant *t, const export_request *rq, export_summary *out,
               sl_error *err)
{
    if (export_kind_parse(title_of(rq->kind)) != rq->kind)
        return sl_error_set(err, SL_EINVALID, "export", "unknown export");
    /* the tenant's zone for the whole walk: one switch, not one per cell */
    services_zone z;
    if (services_zone_enter(t->timezone, &z) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, "timezone", "out of memory");
    export_ctx x = {.rq = rq, .err = err, .zone = &z};
    int rc = walk(s, t, rq, &x);
    services_zone_leave(&z);
    if (rq->progress)
        rq->progress(rq->progress_data, x.done, x.total);
    if (rc != SL_OK)
        return rc;
    *out = (export_summary){.rows = x.done, .total = x.total};
    return SL_OK;
}
