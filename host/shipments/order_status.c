/*
 * Order-status history (order_status.h): one row per change, the status
 * before read from the last row of the same order inside the writing
 * transaction, so two changes cannot both claim the same "from".
 */
#include <string.h>

#include "store/store_sql.h"
#include "shipments/order_status.h"
#include "shipments/shipments.h"
#include "shopledger/sdkutil.h"

int order_status_current(store *s, const char *channel, const char *external_id, char *out,
                         size_t cap, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT to_status FROM order_status_history WHERE channel=?1"
                                  " AND external_id=?2 ORDER BY id DESC LIMIT 1",
                                  err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, channel);
    sql_text(st, 2, external_id);
    int rc = sql_step_row(s, st, err);
    if (cap)
        out[0] = '\0';
    if (rc == SQLITE_ROW && cap)
        sql_col_copy(st, 0, out, cap);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SL_OK : rc;
}

static int validate(const char *channel, const char *external_id, const char *to, const char *who,
                    const char *comment, sl_error *err)
{
    if (!channel || !channel[0] || !external_id || !external_id[0])
        return sl_error_set(err, SL_EINVALID, channel && channel[0] ? "external_id" : "channel",
                            "an order status belongs to a channel and an order id");
    if (!order_status_known(to))
        return sl_error_set(err, SL_EINVALID, "status", "order status '%.40s' is not one of %s",
                            to ? to : "", order_status_list());
    if (!who || !who[0] || strlen(who) > ORDER_STATUS_WHO_MAX)
        return sl_error_set(err, SL_EINVALID, "who",
                            "a status change names who made it (at most %d bytes)",
                            ORDER_STATUS_WHO_MAX);
    if (comment && strlen(comment) > ORDER_STATUS_COMMENT_MAX)
        return sl_error_set(err, SL_EINVALID, "comment", "a comment is at most %d bytes",
                            ORDER_STATUS_COMMENT_MAX);
    return SL_OK;
}

static int insert_change(store *s, const char *channel, const char *external_id, const char *from,
                         const char *to, const char *raw, const char *who, const char *comment,
                         int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "INSERT INTO order_status_history (channel, external_id,"
                                  " from_status, to_status, raw, at_ms, who, comment)"
                                  " VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                                  err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, channel);
    sql_text(st, 2, external_id);
    sql_text(st, 3, from);
    sql_text(st, 4, to);
    sql_text(st, 5, raw ? raw : to);
    sqlite3_bind_int64(st, 6, now_ms);
    sql_text(st, 7, who);
    sql_text(st, 8, comment);
    return store_step_done(s, st, err);
}

int order_status_record(store *s, const char *channel, const char *external_id, const char *to,
                        const char *raw, const char *who, const char *comment, int64_t now_ms,
                        int *recorded, sl_error *err)
{
    int rc = validate(channel, external_id, to, who, comment, err);
    if (rc != SL_OK)
        return rc;
    int own = 0;
    if ((rc = store_tx_enter(s, &own, err)) != SL_OK)
        return rc;
    char from[32];
    int wrote = 0;
    rc = order_status_current(s, channel, external_id, from, sizeof from, err);
    if (rc == SL_OK && strcmp(from, to) != 0) {
        rc = insert_change(s, channel, external_id, from, to, raw, who, comment, now_ms, err);
        wrote = rc == SL_OK;
    }
    rc = store_tx_leave(s, own, rc, err);
    if (rc == SL_OK && recorded)
        *recorded = wrote;
    return rc;
}

json_t *order_status_history_json(store *s, const char *channel, const char *external_id,
                                  sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT from_status AS \"from\", to_status AS \"to\", raw,"
                                  " at_ms, who, comment FROM order_status_history"
                                  " WHERE channel=?1 AND external_id=?2 ORDER BY id",
                                  err);
    if (!st)
        return NULL;
    sql_text(st, 1, channel);
    sql_text(st, 2, external_id);
    json_t *rows = sql_rows_json(s, st, err);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        char at[32];
        json_object_set_new(
            r, "at",
            json_string(sl_iso8601_format(json_integer_value(json_object_get(r, "at_ms")), 1, at)));
    }
    return rows;
}
