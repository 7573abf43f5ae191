/* Shared SQLite step helpers of the table-owning modules (store_sql.h). */
#include "store/store_sql.h"
#include "shopledger/sdkutil.h"

int sql_step_row(store *s, sqlite3_stmt *st, sl_error *err)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc;
    int code = store_error(s, rc, err);
    sqlite3_reset(st);
    return code;
}

int sql_id_by_text(store *s, const char *sql, const char *v, int64_t *out, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s, sql, err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, v);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return SL_OK;
}

static json_t *column_json(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_NULL:
        return json_null();
    default:
        return json_string((const char *)sqlite3_column_text(st, i));
    }
}

static json_t *row_object(sqlite3_stmt *st)
{
    json_t *o = json_object();
    int n = sqlite3_column_count(st);
    for (int i = 0; o && i < n; i++) {
        if (json_object_set_new(o, sqlite3_column_name(st, i), column_json(st, i))) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

json_t *sql_rows_json(store *s, sqlite3_stmt *st, sl_error *err)
{
    return store_rows_json(s, st, row_object, err);
}
