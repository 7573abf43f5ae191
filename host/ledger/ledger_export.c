/*
 * Exports read documents with one prepared statement stepped row by row
 * (nothing accumulates), filtered by creation time, channel and status.
 */
#include "ledger/ledger_export.h"

#include <sqlite3.h>

#include "shopledger/sdkutil.h"

#define WHERE                                                                   \
    " WHERE (?1 = 0 OR d.created_ms >= ?1) AND (?2 = 0 OR d.created_ms < ?2)" \
    " AND (?3 IS NULL OR d.channel = ?3) AND (?4 IS NULL OR d.status = ?4)"

static void bind_filter(sqlite3_stmt *st, const ledger_export_filter *f)
{
    sqlite3_bind_int64(st, 1, f->from_ms);
    sqlite3_bind_int64(st, 2, f->to_ms);
    if (f->channel)
        sqlite3_bind_text(st, 3, f->channel, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    if (f->status)
        sqlite3_bind_text(st, 4, f->status, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
}

static const char *text(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    return t ? t : "";
}

static int count_rows(store *s, const ledger_export_filter *f, int64_t *total, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT COUNT(*) FROM documents d" WHERE, err);
    if (st == NULL)
        return err->code;
    bind_filter(st, f);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *total = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? SL_OK : store_error(s, rc, err);
}

int ledger_export_documents(store *s, const ledger_export_filter *f, int64_t *total,
                            int (*row)(void *data, const ledger_export_doc *d), void *data,
                            sl_error *err)
{
    if (total && count_rows(s, f, total, err) != SL_OK)
        return err->code;
    sqlite3_stmt *st = store_stmt(
        s,
        "SELECT d.id, IFNULL(d.number,''), d.type, d.status, d.channel, d.external_id,"
        " d.order_number, d.currency, d.exponent, d.net, d.tax, d.gross,"
        " IFNULL((SELECT SUM(CASE p.kind WHEN 'refund' THEN -p.amount ELSE p.amount END)"
        "  FROM payments p WHERE p.document_id = d.id), 0),"
        " IFNULL(c.name,''), IFNULL(c.email,''), d.created_ms"
        " FROM documents d LEFT JOIN customers c ON c.id = d.customer_id" WHERE
        " ORDER BY d.id",
        err);
    if (st == NULL)
        return err->code;
    bind_filter(st, f);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_export_doc d = {
            .id = sqlite3_column_int64(st, 0), .number = text(st, 1), .type = text(st, 2),
            .status = text(st, 3), .channel = text(st, 4), .external_id = text(st, 5),
            .order_number = text(st, 6), .currency = text(st, 7),
            .exponent = sqlite3_column_int(st, 8), .net = sqlite3_column_int64(st, 9),
            .tax = sqlite3_column_int64(st, 10), .gross = sqlite3_column_int64(st, 11),
            .paid = sqlite3_column_int64(st, 12), .customer_name = text(st, 13),
            .customer_email = text(st, 14), .created_ms = sqlite3_column_int64(st, 15)};
        stop = row(data, &d);
    }
    sqlite3_reset(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? SL_OK : store_error(s, rc, err);
}
