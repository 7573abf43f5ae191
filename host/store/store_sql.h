/*
 * Small SQLite helpers for the modules that own tables (ledger, masters,
 * stock, shipments): binding text that is never NULL, reading a column as
 * a bounded copy, stepping a one-row query, rows as JSON. They belong to
 * the store, which owns the connection and its statement cache; a module
 * without tables has no use for them. Internal to the host.
 */
#ifndef SL_STORE_SQL_H
#define SL_STORE_SQL_H

#include <stdint.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "shopledger/sdk.h"
#include "store/store.h"

/* Binds `v` (NULL binds "") as transient text. */
static inline void sql_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

/* Copies column i (NULL gives "") into buf of `cap` bytes, cut at cap-1. */
static inline void sql_col_copy(sqlite3_stmt *st, int i, char *buf, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = t ? strlen((const char *)t) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(buf, t, n);
    buf[n] = '\0';
}

/* The code to return after store_stmt gave NULL (it filled err). */
static inline int sql_fail(const sl_error *err)
{
    return err && err->code < 0 ? err->code : SL_EINTERNAL;
}

/* Steps a query expected to give at most one row. Returns SQLITE_ROW,
   SQLITE_DONE, or an SL_E* code with err filled. */
int sql_step_row(store *s, sqlite3_stmt *st, sl_error *err);

/* Runs `sql` with one text parameter and returns the integer of the first
   column of the first row in *out (0 when there is no row). */
int sql_id_by_text(store *s, const char *sql, const char *v, int64_t *out, sl_error *err);

/* Steps a bound statement to the end and returns its rows as a JSON array
   of objects keyed by column name (integers stay integers, NULL is null).
   Resets the statement. NULL with err on failure. New reference. */
json_t *sql_rows_json(store *s, sqlite3_stmt *st, sl_error *err);

#endif
