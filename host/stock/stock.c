/*
 * Stock levels and moves (see stock.h). The level row is updated by an
 * UPSERT in the same statement order as the move insert, so a level always
 * equals the sum of its moves.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_sql.h"
#include "shopledger/sdkutil.h"
#include "stock/stock.h"

/* Change of (on hand, reserved) a move of `kind` and qty causes. */
static int move_effect(const char *kind, int64_t qty, int64_t *on_hand, int64_t *reserved)
{
    *on_hand = *reserved = 0;
    if (strcmp(kind, "out") == 0)
        *on_hand = -qty;
    else if (strcmp(kind, "return") == 0 || strcmp(kind, "receive") == 0)
        *on_hand = qty;
    else if (strcmp(kind, "reserve") == 0)
        *reserved = qty;
    else if (strcmp(kind, "release") == 0)
        *reserved = -qty;
    else
        return SL_EINVALID;
    return SL_OK;
}

int stock_move(store *s, int64_t doc_id, int64_t warehouse_id, int64_t product_id, const char *kind,
               int64_t qty_milli, int64_t now_ms, sl_error *err)
{
    int64_t dh, dr;
    if (move_effect(kind, qty_milli, &dh, &dr))
        return sl_error_set(err, SL_EINVALID, "kind", "unknown stock move kind %s", kind);
    if (qty_milli == 0)
        return SL_OK;
    sqlite3_stmt *st =
        store_stmt(s,
                   "INSERT INTO stock_moves(document_id, warehouse_id, product_id, kind, qty_milli,"
                   " created_ms) VALUES(NULLIF(?,0),?,?,?,?,?)",
                   err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, doc_id);
    sqlite3_bind_int64(st, 2, warehouse_id);
    sqlite3_bind_int64(st, 3, product_id);
    sql_text(st, 4, kind);
    sqlite3_bind_int64(st, 5, qty_milli);
    sqlite3_bind_int64(st, 6, now_ms);
    int rc = store_step_done(s, st, err);
    if (rc)
        return rc;
    st = store_stmt(
        s,
        "INSERT INTO stock_levels(warehouse_id, product_id, on_hand_milli, reserved_milli)"
        " VALUES(?,?,?,?) ON CONFLICT(warehouse_id, product_id) DO UPDATE SET"
        " on_hand_milli = on_hand_milli + excluded.on_hand_milli,"
        " reserved_milli = reserved_milli + excluded.reserved_milli",
        err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, warehouse_id);
    sqlite3_bind_int64(st, 2, product_id);
    sqlite3_bind_int64(st, 3, dh);
    sqlite3_bind_int64(st, 4, dr);
    return store_step_done(s, st, err);
}

typedef struct pending_move {
    int64_t warehouse_id, product_id, qty;
    int reserve;
} pending_move;

int stock_reverse_doc(store *s, int64_t from_doc, int64_t to_doc, int64_t now_ms, sl_error *err)
{
    /* Net out per (warehouse, product, kind family) first: a document whose
       moves were already partly reversed gives back only the rest. */
    sqlite3_stmt *st = store_stmt(
        s,
        "SELECT warehouse_id, product_id,"
        " SUM(CASE kind WHEN 'out' THEN qty_milli WHEN 'return' THEN -qty_milli ELSE 0 END),"
        " SUM(CASE kind WHEN 'reserve' THEN qty_milli WHEN 'release' THEN -qty_milli"
        " ELSE 0 END)"
        " FROM stock_moves WHERE document_id IN (?, ?) OR document_id IN"
        " (SELECT id FROM documents WHERE original_id=?)"
        " GROUP BY warehouse_id, product_id ORDER BY MIN(id)",
        err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, from_doc);
    sqlite3_bind_int64(st, 2, to_doc);
    sqlite3_bind_int64(st, 3, from_doc);
    /* Collected first: stock_move reuses cached statements. */
    pending_move *moves = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sql_step_row(s, st, err)) == SQLITE_ROW) {
        if (n + 2 > cap) {
            cap = cap ? cap * 2 : 16;
            pending_move *m = realloc(moves, cap * sizeof(*m));
            if (!m) {
                rc = sl_error_set(err, SL_ENOMEM, "", "out of memory reversing stock");
                break;
            }
            moves = m;
        }
        int64_t w = sqlite3_column_int64(st, 0), p = sqlite3_column_int64(st, 1);
        int64_t out = sqlite3_column_int64(st, 2), res = sqlite3_column_int64(st, 3);
        if (out > 0)
            moves[n++] = (pending_move){w, p, out, 0};
        if (res > 0)
            moves[n++] = (pending_move){w, p, res, 1};
    }
    sqlite3_reset(st);
    for (size_t i = 0; rc == SQLITE_DONE && i < n; i++) {
        int r = stock_move(s, to_doc, moves[i].warehouse_id, moves[i].product_id,
                           moves[i].reserve ? "release" : "return", moves[i].qty, now_ms, err);
        if (r)
            rc = r;
    }
    free(moves);
    return rc == SQLITE_DONE ? SL_OK : rc;
}

int stock_set_on_hand(store *s, int64_t warehouse_id, int64_t product_id, int64_t qty_milli,
                      int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        s, "SELECT on_hand_milli FROM stock_levels WHERE warehouse_id=? AND product_id=?", err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, warehouse_id);
    sqlite3_bind_int64(st, 2, product_id);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    int64_t have = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return stock_move(s, 0, warehouse_id, product_id, "receive", qty_milli - have, now_ms, err);
}

json_t *stock_list_for_channel(store *s, const char *channel, const char *warehouse,
                               const char *price_group, int only_changed, sl_error *err)
{
    /* Every product with a level in the warehouse or a price in the
       group (a gift card or a service keeps no stock but has a price).
       With only_changed, a variation is listed when it or any sibling
       changed: a shop that keeps one number on the parent for its
       variations needs all of them to push their sum. */
    sqlite3_stmt *st = store_stmt(
        s,
        "WITH listed AS (SELECT p.sku AS sku, p.id AS product_id, p.parent_id AS parent_id,"
        " COALESCE(l.on_hand_milli - l.reserved_milli, 0) AS available_milli,"
        " COALESCE(l.on_hand_milli - l.reserved_milli, 0) / 1000 AS available,"
        " pp.price AS price, l.product_id IS NOT NULL AS has_level,"
        /* known once an import, a count or a purchase set it (a "receive"
           move, even of 0); a product an order created has only sales */
        " (l.product_id IS NOT NULL AND EXISTS(SELECT 1 FROM stock_moves m"
        "  WHERE m.product_id=l.product_id AND m.warehouse_id=l.warehouse_id"
        "  AND m.kind='receive')) AS stock_known,"
        " (sp.product_id IS NULL"
        "  OR sp.available_milli <> COALESCE(l.on_hand_milli - l.reserved_milli, 0)"
        "  OR sp.price IS NOT pp.price) AS changed"
        " FROM products p JOIN warehouses w ON w.code=?"
        " LEFT JOIN stock_levels l ON l.product_id=p.id AND l.warehouse_id=w.id"
        " LEFT JOIN price_groups g ON g.code=?"
        " LEFT JOIN product_prices pp ON pp.product_id=p.id AND pp.group_id=g.id"
        " LEFT JOIN stock_pushed sp ON sp.channel=? AND sp.product_id=p.id"
        " WHERE l.product_id IS NOT NULL OR pp.price IS NOT NULL)"
        " SELECT sku, product_id, available_milli, available, price, has_level, stock_known"
        " FROM listed r WHERE ?=0 OR r.changed OR (r.parent_id IS NOT NULL AND EXISTS("
        "  SELECT 1 FROM listed x WHERE x.parent_id=r.parent_id AND x.changed))"
        " ORDER BY sku",
        err);
    if (!st)
        return NULL;
    sql_text(st, 1, warehouse);
    sql_text(st, 2, price_group);
    sql_text(st, 3, channel);
    sqlite3_bind_int(st, 4, only_changed);
    return sql_rows_json(s, st, err);
}

int stock_mark_pushed(store *s, const char *channel, const json_t *items, int64_t now_ms,
                      sl_error *err)
{
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        sqlite3_stmt *st = store_stmt(
            s,
            "INSERT INTO stock_pushed(channel, product_id, available_milli, price, pushed_ms)"
            " VALUES(?,?,?,?,?) ON CONFLICT(channel, product_id) DO UPDATE SET"
            " available_milli=excluded.available_milli, price=excluded.price,"
            " pushed_ms=excluded.pushed_ms",
            err);
        if (!st)
            return sql_fail(err);
        const json_t *price = json_object_get(it, "price");
        sql_text(st, 1, channel);
        sqlite3_bind_int64(st, 2, json_integer_value(json_object_get(it, "product_id")));
        sqlite3_bind_int64(st, 3, json_integer_value(json_object_get(it, "available_milli")));
        if (json_is_integer(price))
            sqlite3_bind_int64(st, 4, json_integer_value(price));
        sqlite3_bind_int64(st, 5, now_ms);
        int rc = store_step_done(s, st, err);
        if (rc)
            return rc;
    }
    return SL_OK;
}

json_t *stock_show_json(store *s, sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s,
                   "SELECT p.sku AS sku, w.code AS warehouse, l.on_hand_milli AS on_hand_milli,"
                   " l.reserved_milli AS reserved_milli,"
                   " l.on_hand_milli - l.reserved_milli AS available_milli"
                   " FROM stock_levels l JOIN products p ON p.id=l.product_id"
                   " JOIN warehouses w ON w.id=l.warehouse_id ORDER BY w.code, p.sku",
                   err);
    if (!st)
        return NULL;
    return sql_rows_json(s, st, err);
}
