/*
 * JSON views of shipments for the CLI and the admin API. Column aliases
 * are the JSON keys; times get an ISO-8601 UTC twin ("at" beside "at_ms").
 */
#include <string.h>

#include "store/store_sql.h"
#include "shipments/shipments.h"
#include "shopledger/sdkutil.h"

#define VIEW_COLUMNS                                                                               \
    "id, shop_channel, external_id, IFNULL(document_id,0) AS document_id,"                         \
    " postal_channel, parcel_id, tracking_code, send_type, payment, weight_g,"                     \
    " currency, exponent, declared_value, cod_amount, cost_post, cost_tax,"                        \
    " cost_service, cost_cod, cost_packing, cost_total, reg_state, status,"                        \
    " status_raw, last_error, created_ms, updated_ms FROM shipments"

static void add_iso(json_t *arr, const char *ms_key, const char *iso_key)
{
    size_t i;
    json_t *r;
    json_array_foreach(arr, i, r)
    {
        char buf[32];
        json_int_t ms = json_integer_value(json_object_get(r, ms_key));
        json_object_set_new(r, iso_key, json_string(sl_iso8601_format(ms, 1, buf)));
    }
}

static json_t *history_json(store *s, int64_t id, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT from_status AS \"from\", to_status AS \"to\", raw,"
                                  " at_ms, who, comment FROM shipment_history"
                                  " WHERE shipment_id=?1 ORDER BY id",
                                  err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    json_t *rows = sql_rows_json(s, st, err);
    add_iso(rows, "at_ms", "at");
    return rows;
}

/* Attaches each shipment's history; NULL (rows freed) on failure. */
static json_t *with_history(store *s, json_t *rows, sl_error *err)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *h = history_json(s, json_integer_value(json_object_get(r, "id")), err);
        if (!h || json_object_set_new(r, "history", h) != 0) {
            json_decref(rows);
            return NULL;
        }
    }
    add_iso(rows, "created_ms", "created");
    return rows;
}

json_t *shipment_list_json(store *s, const char *shop_channel, const char *postal_channel,
                           sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT " VIEW_COLUMNS " WHERE (?1 IS NULL OR shop_channel=?1)"
                                  " AND (?2 IS NULL OR postal_channel=?2) ORDER BY id",
                                  err);
    if (!st)
        return NULL;
    if (shop_channel)
        sql_text(st, 1, shop_channel);
    if (postal_channel)
        sql_text(st, 2, postal_channel);
    json_t *rows = sql_rows_json(s, st, err);
    add_iso(rows, "created_ms", "created");
    return rows;
}

json_t *shipment_show_json(store *s, int64_t id, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " VIEW_COLUMNS " WHERE id=?1", err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    json_t *rows = with_history(s, sql_rows_json(s, st, err), err);
    if (!rows)
        return NULL;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        sl_error_set(err, SL_ENOTFOUND, "id", "no shipment %lld", (long long)id);
        return NULL;
    }
    json_t *one = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return one;
}

json_t *shipment_order_json(store *s, const char *shop_channel, const char *external_id,
                            sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT " VIEW_COLUMNS " WHERE shop_channel=?1 AND"
                                  " external_id=?2 ORDER BY id",
                                  err);
    if (!st)
        return NULL;
    sql_text(st, 1, shop_channel);
    sql_text(st, 2, external_id);
    return with_history(s, sql_rows_json(s, st, err), err);
}
