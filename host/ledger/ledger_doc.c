/*
 * Documents in memory and in the store: building a document line by line,
 * summing it, writing it, rewriting a draft, loading it back, numbering.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "store/store_sql.h"
#include "shopledger/sdkutil.h"

static char *dup_or_empty(const char *v)
{
    return strdup(v ? v : "");
}

static void copy_bounded(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

ledger_doc *ledger_doc_new(const char *type, const char *channel, const char *external_id)
{
    ledger_doc *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    copy_bounded(d->type, sizeof(d->type), type);
    copy_bounded(d->status, sizeof(d->status), LEDGER_DRAFT);
    d->channel = dup_or_empty(channel);
    d->external_id = dup_or_empty(external_id);
    d->order_number = dup_or_empty("");
    d->header_note = dup_or_empty("");
    d->internal_note = dup_or_empty("");
    if (!d->channel || !d->external_id || !d->order_number || !d->header_note ||
        !d->internal_note) {
        ledger_doc_free(d);
        return NULL;
    }
    return d;
}

void ledger_doc_free(ledger_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->line_count; i++) {
        free(d->lines[i].sku);
        free(d->lines[i].text);
    }
    free(d->lines);
    free(d->channel);
    free(d->external_id);
    free(d->order_number);
    free(d->header_note);
    free(d->internal_note);
    free(d);
}

ledger_line *ledger_doc_add_line(ledger_doc *d, const char *kind, const char *sku, const char *text)
{
    if (d->line_count >= LEDGER_MAX_LINES)
        return NULL;
    if (d->line_count == d->line_cap) {
        size_t cap = d->line_cap ? d->line_cap * 2 : 8;
        ledger_line *n = realloc(d->lines, cap * sizeof(*n));
        if (!n)
            return NULL;
        d->lines = n;
        d->line_cap = cap;
    }
    ledger_line *l = &d->lines[d->line_count];
    memset(l, 0, sizeof(*l));
    copy_bounded(l->kind, sizeof(l->kind), kind);
    l->sku = dup_or_empty(sku);
    l->text = dup_or_empty(text);
    l->tax_percent_milli = -1;
    l->qty_milli = 1000;
    if (!l->sku || !l->text) {
        free(l->sku);
        free(l->text);
        return NULL;
    }
    d->line_count++;
    return l;
}

void ledger_doc_sum(ledger_doc *d)
{
    d->net = d->tax = 0;
    for (size_t i = 0; i < d->line_count; i++) {
        ledger_line *l = &d->lines[i];
        l->gross = l->net + l->tax;
        d->net += l->net;
        d->tax += l->tax;
    }
    d->gross = d->net + d->tax;
}

static int insert_lines(store *s, const ledger_doc *d, sl_error *err)
{
    static const char SQL[] = "INSERT INTO doc_lines(document_id, line_no, kind, product_id,"
                              " service_id, sku, text, qty_milli, unit_price, discount, tax_group,"
                              " tax_percent_milli, net, tax, gross, account)"
                              " VALUES(?,?,?,NULLIF(?,0),NULLIF(?,0),?,?,?,?,?,?,?,?,?,?,?)";
    for (size_t i = 0; i < d->line_count; i++) {
        const ledger_line *l = &d->lines[i];
        sqlite3_stmt *st = store_stmt(s, SQL, err);
        if (!st)
            return sql_fail(err);
        sqlite3_bind_int64(st, 1, d->id);
        sqlite3_bind_int64(st, 2, (int64_t)i + 1);
        sql_text(st, 3, l->kind);
        sqlite3_bind_int64(st, 4, l->product_id);
        sqlite3_bind_int64(st, 5, l->service_id);
        sql_text(st, 6, l->sku);
        sql_text(st, 7, l->text);
        sqlite3_bind_int64(st, 8, l->qty_milli);
        sqlite3_bind_int64(st, 9, l->unit_price);
        sqlite3_bind_int64(st, 10, l->discount);
        sql_text(st, 11, l->tax_group);
        sqlite3_bind_int64(st, 12, l->tax_percent_milli);
        sqlite3_bind_int64(st, 13, l->net);
        sqlite3_bind_int64(st, 14, l->tax);
        sqlite3_bind_int64(st, 15, l->gross);
        sql_text(st, 16, l->account);
        int rc = store_step_done(s, st, err);
        if (rc)
            return rc;
    }
    return SL_OK;
}

int ledger_doc_insert(store *s, ledger_doc *d, int64_t now_ms, sl_error *err)
{
    static const char SQL[] =
        "INSERT INTO documents(type, status, number, channel, external_id,"
        " order_number, customer_id, warehouse_id, currency, exponent, net, tax,"
        " gross, reason, header_note, internal_note, original_id, refund_ref,"
        " created_ms, updated_ms)"
        " VALUES(?,?,NULLIF(?,''),?,?,?,NULLIF(?,0),NULLIF(?,0),?,?,?,?,?,?,?,?,"
        " NULLIF(?,0),?,?,?)";
    sqlite3_stmt *st = store_stmt(s, SQL, err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, d->type);
    sql_text(st, 2, d->status);
    sql_text(st, 3, d->number);
    sql_text(st, 4, d->channel);
    sql_text(st, 5, d->external_id);
    sql_text(st, 6, d->order_number);
    sqlite3_bind_int64(st, 7, d->customer_id);
    sqlite3_bind_int64(st, 8, d->warehouse_id);
    sql_text(st, 9, d->currency);
    sqlite3_bind_int(st, 10, d->exponent);
    sqlite3_bind_int64(st, 11, d->net);
    sqlite3_bind_int64(st, 12, d->tax);
    sqlite3_bind_int64(st, 13, d->gross);
    sql_text(st, 14, d->reason);
    sql_text(st, 15, d->header_note);
    sql_text(st, 16, d->internal_note);
    sqlite3_bind_int64(st, 17, d->original_id);
    sql_text(st, 18, d->refund_ref);
    sqlite3_bind_int64(st, 19, now_ms);
    sqlite3_bind_int64(st, 20, now_ms);
    int rc = store_step_done(s, st, err);
    if (rc)
        return rc;
    d->id = sqlite3_last_insert_rowid(store_db(s));
    return insert_lines(s, d, err);
}

int ledger_doc_rewrite(store *s, const ledger_doc *d, int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s, "DELETE FROM doc_lines WHERE document_id=?", err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, d->id);
    int rc = store_step_done(s, st, err);
    if (rc)
        return rc;
    st = store_stmt(s,
                    "UPDATE documents SET type=?, status=?, net=?, tax=?, gross=?,"
                    " reason=?, customer_id=NULLIF(?,0), updated_ms=? WHERE id=?",
                    err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, d->type);
    sql_text(st, 2, d->status);
    sqlite3_bind_int64(st, 3, d->net);
    sqlite3_bind_int64(st, 4, d->tax);
    sqlite3_bind_int64(st, 5, d->gross);
    sql_text(st, 6, d->reason);
    sqlite3_bind_int64(st, 7, d->customer_id);
    sqlite3_bind_int64(st, 8, now_ms);
    sqlite3_bind_int64(st, 9, d->id);
    rc = store_step_done(s, st, err);
    return rc ? rc : insert_lines(s, d, err);
}

static int load_lines(store *s, ledger_doc *d, sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s,
                   "SELECT kind, IFNULL(product_id,0), IFNULL(service_id,0), sku, text,"
                   " qty_milli, unit_price, discount, tax_group, tax_percent_milli, net,"
                   " tax, gross, account FROM doc_lines WHERE document_id=? ORDER BY line_no",
                   err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, d->id);
    int rc;
    while ((rc = sql_step_row(s, st, err)) == SQLITE_ROW) {
        ledger_line *l = ledger_doc_add_line(d, (const char *)sqlite3_column_text(st, 0),
                                             (const char *)sqlite3_column_text(st, 3),
                                             (const char *)sqlite3_column_text(st, 4));
        if (!l) {
            sqlite3_reset(st);
            return sl_error_set(err, SL_ENOMEM, "", "out of memory loading lines");
        }
        l->product_id = sqlite3_column_int64(st, 1);
        l->service_id = sqlite3_column_int64(st, 2);
        l->qty_milli = sqlite3_column_int64(st, 5);
        l->unit_price = sqlite3_column_int64(st, 6);
        l->discount = sqlite3_column_int64(st, 7);
        sql_col_copy(st, 8, l->tax_group, sizeof(l->tax_group));
        l->tax_percent_milli = sqlite3_column_int64(st, 9);
        l->net = sqlite3_column_int64(st, 10);
        l->tax = sqlite3_column_int64(st, 11);
        l->gross = sqlite3_column_int64(st, 12);
        sql_col_copy(st, 13, l->account, sizeof(l->account));
    }
    return rc < 0 ? rc : SL_OK;
}

static int replace_text(char **slot, sqlite3_stmt *st, int col)
{
    char *v = dup_or_empty((const char *)sqlite3_column_text(st, col));
    if (!v)
        return SL_ENOMEM;
    free(*slot);
    *slot = v;
    return SL_OK;
}

static int fill_header(ledger_doc *d, sqlite3_stmt *st)
{
    sql_col_copy(st, 0, d->type, sizeof(d->type));
    sql_col_copy(st, 1, d->status, sizeof(d->status));
    sql_col_copy(st, 2, d->number, sizeof(d->number));
    d->customer_id = sqlite3_column_int64(st, 5);
    d->warehouse_id = sqlite3_column_int64(st, 6);
    sql_col_copy(st, 7, d->currency, sizeof(d->currency));
    d->exponent = sqlite3_column_int(st, 8);
    d->net = sqlite3_column_int64(st, 9);
    d->tax = sqlite3_column_int64(st, 10);
    d->gross = sqlite3_column_int64(st, 11);
    sql_col_copy(st, 12, d->reason, sizeof(d->reason));
    d->original_id = sqlite3_column_int64(st, 13);
    sql_col_copy(st, 14, d->refund_ref, sizeof(d->refund_ref));
    if (replace_text(&d->channel, st, 3) || replace_text(&d->external_id, st, 4) ||
        replace_text(&d->order_number, st, 15))
        return SL_ENOMEM;
    return SL_OK;
}

int ledger_doc_load(store *s, int64_t id, ledger_doc **out, sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s,
                   "SELECT type, status, IFNULL(number,''), channel, external_id,"
                   " IFNULL(customer_id,0), IFNULL(warehouse_id,0), currency, exponent,"
                   " net, tax, gross, reason, IFNULL(original_id,0), refund_ref, order_number"
                   " FROM documents WHERE id=?",
                   err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, id);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    if (rc == SQLITE_DONE)
        return sl_error_set(err, SL_ENOTFOUND, "id", "no document %lld", (long long)id);
    ledger_doc *d = ledger_doc_new("", "", "");
    if (!d || fill_header(d, st)) {
        sqlite3_reset(st);
        ledger_doc_free(d);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory loading a document");
    }
    sqlite3_reset(st);
    d->id = id;
    rc = load_lines(s, d, err);
    if (rc) {
        ledger_doc_free(d);
        return rc;
    }
    *out = d;
    return SL_OK;
}

int ledger_doc_set_status(store *s, int64_t id, const char *status, const char *reason,
                          int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        s, "UPDATE documents SET status=?, reason=IFNULL(?,reason), updated_ms=? WHERE id=?", err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, status);
    if (reason)
        sql_text(st, 2, reason);
    sqlite3_bind_int64(st, 3, now_ms);
    sqlite3_bind_int64(st, 4, id);
    return store_step_done(s, st, err);
}

int ledger_assign_number(store *s, ledger_doc *d, const char *series, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "INSERT INTO series(name, last) VALUES(?, 1)"
                                  " ON CONFLICT(name) DO UPDATE SET last = last + 1 RETURNING last",
                                  err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, series);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (n <= 0)
        return sl_error_set(err, SL_EINTERNAL, "series", "series %s gave no number", series);
    char number[sizeof(d->number)];
    snprintf(number, sizeof(number), "%s-%06lld", series, (long long)n);
    st = store_stmt(s, "UPDATE documents SET number=? WHERE id=?", err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, number);
    sqlite3_bind_int64(st, 2, d->id);
    rc = store_step_done(s, st, err);
    if (rc == SL_OK)
        memcpy(d->number, number, sizeof(number));
    return rc;
}

int ledger_link_get(store *s, const char *channel, const char *external_id, int64_t *doc_id,
                    sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s, "SELECT document_id FROM order_links WHERE channel=? AND external_id=?", err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, channel);
    sql_text(st, 2, external_id);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    *doc_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return SL_OK;
}

int ledger_link_put(store *s, const char *channel, const char *external_id, int64_t doc_id,
                    sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        s, "INSERT INTO order_links(channel, external_id, document_id) VALUES(?,?,?)", err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, channel);
    sql_text(st, 2, external_id);
    sqlite3_bind_int64(st, 3, doc_id);
    return store_step_done(s, st, err);
}

int ledger_link_move(store *s, const char *channel, const char *external_id, int64_t from_doc,
                     int64_t to_doc, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "UPDATE order_links SET document_id=? WHERE channel=? AND "
                                  "external_id=? AND document_id=?",
                                  err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, to_doc);
    sql_text(st, 2, channel);
    sql_text(st, 3, external_id);
    sqlite3_bind_int64(st, 4, from_doc);
    int rc = store_step_done(s, st, err);
    if (rc == SL_OK && sqlite3_changes(store_db(s)) != 1)
        return sl_error_set(err, SL_EINTERNAL, "order_links",
                            "order %s of channel %s is not linked to document %lld", external_id,
                            channel, (long long)from_doc);
    return rc;
}
