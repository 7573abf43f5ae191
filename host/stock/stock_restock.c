/*
 * Stock the shop put back after partial refunds (see stock_restock in
 * stock.h). The shop reports one cumulative figure per sale line
 * (WooCommerce _restock_refunded_items); what it means for our stock is
 * the figure minus what the sale's own moves have given back already
 * (earlier restocks, a full reversal), never more than went out.
 *
 * stock_restocks keeps each (sale document, product, cumulative figure)
 * once, by its primary key: the insert that claims a figure is what lets
 * its return be booked, so a repeat delivery, a re-run of the rules or a
 * later revision with the same figure books nothing twice. Portable SQL:
 * ON CONFLICT DO NOTHING is also PostgreSQL's.
 */
#include "store/store_sql.h"
#include "shopledger/sdkutil.h"
#include "stock/stock.h"

static const char RESTOCK_SQL[] = "CREATE TABLE stock_restocks ("
                                  " sale_id INTEGER NOT NULL REFERENCES documents(id),"
                                  " product_id INTEGER NOT NULL REFERENCES products(id),"
                                  " restocked_milli INTEGER NOT NULL,"
                                  " returned_milli INTEGER NOT NULL,"
                                  " document_id INTEGER REFERENCES documents(id),"
                                  " created_ms INTEGER NOT NULL,"
                                  " PRIMARY KEY(sale_id, product_id, restocked_milli));";

/* Its number is its place in store_migrations[] (renumbered there at merge). */
const store_migration stock_restock_migration = {5, "stock restocks", RESTOCK_SQL};

/* Without it the sync's "stock known" test (stock_list_for_channel) scans
   every move once per listed product. */
const store_migration stock_moves_by_product_migration = {
    7, "stock moves by product",
    "CREATE INDEX stock_moves_product ON stock_moves(product_id, warehouse_id, kind);"};

/* Claims the figure; *claimed = 0 when it was booked before. */
static int claim(store *s, int64_t sale_doc, int64_t product_id, int64_t restocked_milli,
                 int64_t to_doc, int64_t now_ms, int *claimed, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        s,
        "INSERT INTO stock_restocks(sale_id, product_id, restocked_milli, returned_milli,"
        " document_id, created_ms) VALUES(?,?,?,0,?,?)"
        " ON CONFLICT(sale_id, product_id, restocked_milli) DO NOTHING",
        err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, sale_doc);
    sqlite3_bind_int64(st, 2, product_id);
    sqlite3_bind_int64(st, 3, restocked_milli);
    sqlite3_bind_int64(st, 4, to_doc);
    sqlite3_bind_int64(st, 5, now_ms);
    int rc = store_step_done(s, st, err);
    if (rc == SL_OK)
        *claimed = sqlite3_changes(store_db(s)) == 1;
    return rc;
}

/* What went out of stock for the sale and what came back, over the sale
   and its credit notes. */
static int sale_moves(store *s, int64_t sale_doc, int64_t product_id, int64_t *out, int64_t *back,
                      sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s,
                   "SELECT COALESCE(SUM(CASE kind WHEN 'out' THEN qty_milli ELSE 0 END), 0),"
                   " COALESCE(SUM(CASE kind WHEN 'return' THEN qty_milli ELSE 0 END), 0)"
                   " FROM stock_moves WHERE product_id=? AND (document_id=? OR document_id IN"
                   " (SELECT id FROM documents WHERE original_id=?))",
                   err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_int64(st, 2, sale_doc);
    sqlite3_bind_int64(st, 3, sale_doc);
    int rc = sql_step_row(s, st, err);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        *back = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? SL_OK : rc < 0 ? rc : SL_EINTERNAL;
}

static int note_returned(store *s, int64_t sale_doc, int64_t product_id, int64_t restocked_milli,
                         int64_t returned, sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s,
                   "UPDATE stock_restocks SET returned_milli=? WHERE sale_id=? AND product_id=?"
                   " AND restocked_milli=?",
                   err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, returned);
    sqlite3_bind_int64(st, 2, sale_doc);
    sqlite3_bind_int64(st, 3, product_id);
    sqlite3_bind_int64(st, 4, restocked_milli);
    return store_step_done(s, st, err);
}

int stock_restock(store *s, int64_t sale_doc, int64_t to_doc, int64_t warehouse_id,
                  int64_t product_id, int64_t restocked_milli, int64_t now_ms,
                  int64_t *returned_milli, sl_error *err)
{
    *returned_milli = 0;
    if (restocked_milli <= 0)
        return SL_OK;
    int claimed = 0;
    int rc = claim(s, sale_doc, product_id, restocked_milli, to_doc, now_ms, &claimed, err);
    if (rc != SL_OK || !claimed)
        return rc;
    int64_t out = 0, back = 0;
    rc = sale_moves(s, sale_doc, product_id, &out, &back, err);
    if (rc != SL_OK)
        return rc;
    int64_t due = (restocked_milli < out ? restocked_milli : out) - back;
    if (due <= 0)
        return SL_OK;
    rc = stock_move(s, to_doc, warehouse_id, product_id, "return", due, now_ms, err);
    if (rc == SL_OK)
        rc = note_returned(s, sale_doc, product_id, restocked_milli, due, err);
    if (rc == SL_OK)
        *returned_milli = due;
    return rc;
}
