/*
 * Exports read documents with one prepared statement stepped row by row
 * (nothing accumulates), filtered by creation time, channel and status.
 */
#include "ledger/ledger_export.h"

#include <stdio.h>

#include <sqlite3.h>

#include "shopledger/sdkutil.h"

#define WHERE_AT(col)                                                                              \
    " WHERE (?1 = 0 OR " col " >= ?1) AND (?2 = 0 OR " col " < ?2)"                                \
    " AND (?3 IS NULL OR d.channel = ?3) AND (?4 IS NULL OR d.status = ?4)"
#define WHERE WHERE_AT("d.created_ms")
#define JOURNAL_FROM                                                                               \
    " FROM postings p JOIN documents d ON d.id = p.document_id"                                    \
    " LEFT JOIN payments pay ON pay.id = p.payment_id" WHERE_AT("p.created_ms")

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

static int count_sql(store *s, const char *sql, const ledger_export_filter *f, int64_t *total,
                     sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s, sql, err);
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
    if (total && count_sql(s, "SELECT COUNT(*) FROM documents d" WHERE, f, total, err) != SL_OK)
        return err->code;
    sqlite3_stmt *st = store_stmt(
        s,
        "SELECT d.id, IFNULL(d.number,''), d.type, d.status, d.channel, d.external_id,"
        " d.order_number, d.currency, d.exponent, d.net, d.tax, d.gross,"
        " IFNULL((SELECT SUM(CASE p.kind WHEN 'refund' THEN -p.amount ELSE p.amount END)"
        "  FROM payments p WHERE p.document_id = d.id), 0),"
        " IFNULL(c.name,''), IFNULL(c.email,''), d.created_ms"
        " FROM documents d LEFT JOIN customers c ON c.id = d.customer_id" WHERE " ORDER BY d.id",
        err);
    if (st == NULL)
        return err->code;
    bind_filter(st, f);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_export_doc d = {.id = sqlite3_column_int64(st, 0),
                               .number = text(st, 1),
                               .type = text(st, 2),
                               .status = text(st, 3),
                               .channel = text(st, 4),
                               .external_id = text(st, 5),
                               .order_number = text(st, 6),
                               .currency = text(st, 7),
                               .exponent = sqlite3_column_int(st, 8),
                               .net = sqlite3_column_int64(st, 9),
                               .tax = sqlite3_column_int64(st, 10),
                               .gross = sqlite3_column_int64(st, 11),
                               .paid = sqlite3_column_int64(st, 12),
                               .customer_name = text(st, 13),
                               .customer_email = text(st, 14),
                               .created_ms = sqlite3_column_int64(st, 15)};
        stop = row(data, &d);
    }
    sqlite3_reset(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? SL_OK : store_error(s, rc, err);
}

int ledger_export_order_doc_get(store *s, const char *channel, const char *external_id,
                                ledger_export_order_doc *out, int *found, sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s,
                   "SELECT IFNULL(d.number,''), d.type, d.status,"
                   " IFNULL((SELECT SUM(CASE p.kind WHEN 'refund' THEN -p.amount ELSE p.amount END)"
                   "  FROM payments p WHERE p.document_id = d.id), 0)"
                   " FROM order_links l JOIN documents d ON d.id = l.document_id"
                   " WHERE l.channel = ?1 AND l.external_id = ?2",
                   err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, external_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW) {
        snprintf(out->number, sizeof out->number, "%s", text(st, 0));
        snprintf(out->type, sizeof out->type, "%s", text(st, 1));
        snprintf(out->status, sizeof out->status, "%s", text(st, 2));
        out->paid = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SL_OK : store_error(s, rc, err);
}

int ledger_export_journal(store *s, const ledger_export_filter *f, int64_t *total,
                          int (*row)(void *data, const ledger_export_posting *p), void *data,
                          sl_error *err)
{
    if (total && count_sql(s, "SELECT COUNT(*)" JOURNAL_FROM, f, total, err) != SL_OK)
        return err->code;
    sqlite3_stmt *st =
        store_stmt(s,
                   "SELECT p.id, p.created_ms, IFNULL(d.number,''), d.type, d.status, d.channel,"
                   " d.external_id, d.order_number, p.account, p.tax_group, p.memo,"
                   " IFNULL(pay.kind,''), IFNULL(pay.ref,''), p.debit, p.credit, d.currency, "
                   "d.exponent" JOURNAL_FROM " ORDER BY p.id",
                   err);
    if (st == NULL)
        return err->code;
    bind_filter(st, f);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_export_posting p = {.id = sqlite3_column_int64(st, 0),
                                   .created_ms = sqlite3_column_int64(st, 1),
                                   .number = text(st, 2),
                                   .doc_type = text(st, 3),
                                   .doc_status = text(st, 4),
                                   .channel = text(st, 5),
                                   .external_id = text(st, 6),
                                   .order_number = text(st, 7),
                                   .account = text(st, 8),
                                   .tax_group = text(st, 9),
                                   .memo = text(st, 10),
                                   .payment_kind = text(st, 11),
                                   .payment_ref = text(st, 12),
                                   .debit = sqlite3_column_int64(st, 13),
                                   .credit = sqlite3_column_int64(st, 14),
                                   .currency = text(st, 15),
                                   .exponent = sqlite3_column_int(st, 16)};
        stop = row(data, &p);
    }
    sqlite3_reset(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? SL_OK : store_error(s, rc, err);
}
