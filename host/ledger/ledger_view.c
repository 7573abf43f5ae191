/*
 * JSON views of the ledger for the CLI and the admin API: document list,
 * one document in full, and the trial balance. Column aliases in the SQL
 * are the JSON key names, so the names are stable and visible in one place.
 */
#include <string.h>

#include "ledger/ledger.h"
#include "store/store_sql.h"
#include "shopledger/sdkutil.h"

/* Runs `sql` (binding `id` to its one parameter when has_id) and returns
   every row as an array of objects; NULL with err on failure. */
static json_t *rows_json(store *s, const char *sql, int has_id, int64_t id, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s, sql, err);
    if (!st)
        return NULL;
    if (has_id)
        sqlite3_bind_int64(st, 1, id);
    return sql_rows_json(s, st, err);
}

#define DOC_COLUMNS                                                                                \
    "d.id AS id, IFNULL(d.number,'') AS number, d.type AS type, d.status AS status,"               \
    " d.channel AS channel, d.external_id AS external_id, d.order_number AS"                       \
    " order_number, d.currency AS currency, d.exponent AS exponent, d.net AS net,"                 \
    " d.tax AS tax, d.gross AS gross, d.reason AS reason, IFNULL(c.email,'') AS"                   \
    " customer_email, IFNULL(c.name,'') AS customer_name, IFNULL(w.code,'') AS"                    \
    " warehouse, IFNULL(d.original_id,0) AS original_id, d.refund_ref AS"                          \
    " refund_ref, d.created_ms AS created_ms"                                                      \
    " FROM documents d LEFT JOIN customers c ON c.id=d.customer_id"                                \
    " LEFT JOIN warehouses w ON w.id=d.warehouse_id"

json_t *ledger_doc_list_json(store *s, int limit, sl_error *err)
{
    (void)limit;
    return rows_json(s, "SELECT " DOC_COLUMNS " ORDER BY d.id", 0, 0, err);
}

static int attach(json_t *doc, const char *key, json_t *arr)
{
    if (!arr)
        return -1;
    return json_object_set_new(doc, key, arr);
}

json_t *ledger_doc_show_json(store *s, int64_t id, sl_error *err)
{
    json_t *one = rows_json(s, "SELECT " DOC_COLUMNS " WHERE d.id=?", 1, id, err);
    if (!one)
        return NULL;
    if (json_array_size(one) == 0) {
        json_decref(one);
        sl_error_set(err, SL_ENOTFOUND, "id", "no document %lld", (long long)id);
        return NULL;
    }
    json_t *doc = json_incref(json_array_get(one, 0));
    json_decref(one);
    int bad = attach(doc, "lines",
                     rows_json(s,
                               "SELECT line_no, kind, sku, text, qty_milli, unit_price, discount,"
                               " tax_group, tax_percent_milli, net, tax, gross, account"
                               " FROM doc_lines WHERE document_id=? ORDER BY line_no",
                               1, id, err)) ||
              attach(doc, "postings",
                     rows_json(s,
                               "SELECT account, debit, credit, tax_group, memo,"
                               " IFNULL(payment_id,0) AS payment_id FROM postings"
                               " WHERE document_id=? ORDER BY id",
                               1, id, err)) ||
              attach(doc, "payments",
                     rows_json(s,
                               "SELECT id, kind, ref, amount, cash_code, account, method,"
                               " transaction_id FROM payments WHERE document_id=? ORDER BY id",
                               1, id, err)) ||
              attach(doc, "stock_moves",
                     rows_json(s,
                               "SELECT p.sku AS sku, w.code AS warehouse, m.kind AS kind,"
                               " m.qty_milli AS qty_milli FROM stock_moves m"
                               " JOIN products p ON p.id=m.product_id"
                               " JOIN warehouses w ON w.id=m.warehouse_id"
                               " WHERE m.document_id=? ORDER BY m.id",
                               1, id, err));
    if (bad) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

json_t *ledger_trial_balance_json(store *s, sl_error *err)
{
    json_t *accounts = rows_json(s,
                                 "SELECT account, SUM(debit) AS debit, SUM(credit) AS credit,"
                                 " SUM(debit) - SUM(credit) AS balance FROM postings"
                                 " GROUP BY account ORDER BY account",
                                 0, 0, err);
    if (!accounts)
        return NULL;
    int64_t dr = 0, cr = 0;
    size_t i;
    json_t *a;
    json_array_foreach(accounts, i, a)
    {
        dr += json_integer_value(json_object_get(a, "debit"));
        cr += json_integer_value(json_object_get(a, "credit"));
    }
    json_t *out = json_pack("{s:o, s:I, s:I, s:b}", "accounts", accounts, "debit_total",
                            (json_int_t)dr, "credit_total", (json_int_t)cr, "balanced", dr == cr);
    if (!out)
        sl_error_set(err, SL_ENOMEM, "", "out of memory building JSON");
    return out;
}

json_t *ledger_order_docs_json(store *s, const char *channel, const char *external_id,
                               sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        s, "SELECT " DOC_COLUMNS " WHERE d.channel=?1 AND d.external_id=?2 ORDER BY d.id", err);
    if (!st)
        return NULL;
    sql_text(st, 1, channel);
    sql_text(st, 2, external_id);
    json_t *docs = sql_rows_json(s, st, err);
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        json_t *pay = rows_json(s,
                                "SELECT id, kind, ref, amount, cash_code, account, method,"
                                " transaction_id, created_ms FROM payments WHERE document_id=?"
                                " ORDER BY id",
                                1, json_integer_value(json_object_get(d, "id")), err);
        if (attach(d, "payments", pay) != 0) {
            json_decref(docs);
            return NULL;
        }
    }
    return docs;
}
