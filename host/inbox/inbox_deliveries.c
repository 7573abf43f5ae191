/*
 * The deliveries log: every authentic webhook delivery, verbatim, as it
 * was acknowledged (inbox.h has the contract).
 *
 * Why a log first: before the 200 only what decides the answer has to
 * happen (route, size, signature) and the bytes must be durable. Parsing,
 * mapping, canonical JSON and hashing happen after, on the tenant's
 * writer between commits, and a delivery a connector got wrong stays
 * here to be parsed again by a fixed one (`inbox replay`). Appending
 * touches one B-tree at its right edge, as the arrivals queue does.
 *
 * Since schema version 10 the bytes live in a table of their own,
 * inbox_delivery_bodies, keyed by the delivery's id: the state changes
 * after each parse, and an UPDATE rewrites the whole row, so with the
 * body (a page of its own, about 4 KB) in it every parse wrote the
 * delivery out a second time, to the WAL and again at the checkpoint.
 * Now a parse rewrites a small row of many on a page.
 *
 * States: 'new' (acknowledged, not parsed yet), 'parsed' (its orders
 * were filed, in the transaction that set the state), 'failed' (the
 * parser refused it: the reason is kept here and in inbox_failed, which
 * the operator lists and replays), 'ignored' (the parser submitted
 * nothing: a topic it does not book). Rows are kept for the tenant's
 * keep_deliveries (inbox_prune.c has the retention); `inbox replay`
 * parses them again (intake_replay.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "shopledger/sdkutil.h"

static const char DELIVERIES_SQL[] =
    "CREATE TABLE inbox_deliveries("
    "  id INTEGER PRIMARY KEY,"
    "  channel TEXT NOT NULL,"
    "  received_ms INTEGER NOT NULL,"
    "  headers TEXT NOT NULL," /* JSON object, credentials dropped */
    "  body BLOB NOT NULL,"
    "  state TEXT NOT NULL,"         /* new | parsed | failed | ignored */
    "  orders INTEGER NOT NULL,"     /* filed by the last parse */
    "  reason TEXT NOT NULL,"        /* the last parse's refusal, or '' */
    "  parsed_ms INTEGER NOT NULL);" /* 0 before the first parse */
    /* The writer's question, 'what waits?', and replay's by channel and
       time. A partial index (WHERE state = 'new') would be smaller, and
       PostgreSQL has them too; a plain one keeps the SQL plain. */
    "CREATE INDEX inbox_deliveries_by_state ON inbox_deliveries(state, id);"
    "CREATE INDEX inbox_deliveries_by_channel ON inbox_deliveries(channel, received_ms);";

const store_migration inbox_deliveries_migration = {
    .version = 8,
    .name = "inbox deliveries: authentic webhook deliveries, verbatim, before parsing",
    .sql = DELIVERIES_SQL,
};

/* The bytes move out of the row the parse state is written to (see the
   top of the file); `bytes` (body + headers, in bytes) stays with the
   state, for the retention report without reading the bodies. */
static const char BODIES_SQL[] =
    "CREATE TABLE inbox_delivery_bodies("
    "  delivery_id INTEGER PRIMARY KEY," /* inbox_deliveries.id */
    "  headers TEXT NOT NULL,"
    "  body BLOB NOT NULL);"
    "INSERT INTO inbox_delivery_bodies(delivery_id, headers, body) "
    "  SELECT id, headers, body FROM inbox_deliveries;"
    "ALTER TABLE inbox_deliveries ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;"
    "UPDATE inbox_deliveries SET bytes = length(body) + length(CAST(headers AS BLOB));"
    "ALTER TABLE inbox_deliveries DROP COLUMN headers;"
    "ALTER TABLE inbox_deliveries DROP COLUMN body;";

const store_migration inbox_delivery_bodies_migration = {
    .version = 10,
    .name = "inbox deliveries: the bytes apart from the parse state",
    .sql = BODIES_SQL,
};

int inbox_delivery_append(store *s, const char *channel, const char *headers, const void *body,
                          size_t body_len, int64_t now_ms, int64_t *id, sl_error *err)
{
    if (!store_in_tx(s))
        return sl_error_set(err, SL_EINTERNAL, "", "a delivery is appended inside a transaction");
    if (headers == NULL)
        headers = "{}";
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "INSERT INTO inbox_deliveries(channel, received_ms, state, orders, "
                           "reason, parsed_ms, bytes) VALUES(?1, ?2, 'new', 0, '', 0, ?3)",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)(body_len + strlen(headers)));
    if ((rc = store_step_done(s, st, err)) != SL_OK)
        return rc;
    int64_t row = sqlite3_last_insert_rowid(store_db(s));
    rc = store_prepare(s,
                       "INSERT INTO inbox_delivery_bodies(delivery_id, headers, body) "
                       "VALUES(?1, ?2, ?3)",
                       &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, row);
    sqlite3_bind_text(st, 2, headers, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 3, body_len ? body : "", body_len, SQLITE_STATIC);
    rc = store_step_done(s, st, err);
    if (rc == SL_OK && id != NULL)
        *id = row;
    return rc;
}

static char *column_copy(sqlite3_stmt *st, int col, size_t *len)
{
    const void *v = sqlite3_column_blob(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    if (n)
        memcpy(out, v, n);
    out[n] = '\0';
    if (len)
        *len = n;
    return out;
}

void inbox_delivery_rows_free(inbox_delivery_row *rows, int n)
{
    for (int i = 0; rows && i < n; i++) {
        free(rows[i].headers);
        free(rows[i].body);
    }
    free(rows);
}

/* Reads every row `st` yields, at most max, into a malloc'd array. */
static int read_rows(store *s, sqlite3_stmt *st, int max, inbox_delivery_row **out, int *n,
                     sl_error *err)
{
    inbox_delivery_row *rows = calloc((size_t)(max > 0 ? max : 1), sizeof *rows);
    int count = 0, step = SQLITE_DONE;
    if (rows == NULL) {
        sqlite3_reset(st);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    while (count < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
        inbox_delivery_row *r = &rows[count++];
        r->id = sqlite3_column_int64(st, 0);
        const unsigned char *ch = sqlite3_column_text(st, 1);
        snprintf(r->channel, sizeof r->channel, "%s", ch ? (const char *)ch : "");
        r->received_ms = sqlite3_column_int64(st, 2);
        r->headers = column_copy(st, 3, NULL);
        r->body = column_copy(st, 4, &r->body_len);
        const unsigned char *state =
            sqlite3_column_count(st) > 5 ? sqlite3_column_text(st, 5) : NULL;
        snprintf(r->state, sizeof r->state, "%s", state ? (const char *)state : "new");
        if (r->headers == NULL || r->body == NULL) {
            sqlite3_reset(st);
            inbox_delivery_rows_free(rows, count);
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
        }
    }
    int bad = count < max && step != SQLITE_DONE;
    sqlite3_reset(st);
    if (bad) {
        inbox_delivery_rows_free(rows, count);
        return store_error(s, step, err);
    }
    *out = rows;
    *n = count;
    return SL_OK;
}

int inbox_delivery_mark(store *s, int64_t id, const char *state, int orders, const char *reason,
                        int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "UPDATE inbox_deliveries SET state = ?2, orders = ?3, reason = ?4, "
                           "parsed_ms = ?5 WHERE id = ?1",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, orders);
    sqlite3_bind_text(st, 4, reason ? reason : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now_ms);
    return store_step_done(s, st, err);
}

int inbox_deliveries_waiting(store *s, int64_t *n, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc =
        store_prepare(s, "SELECT count(*) FROM inbox_deliveries WHERE state = 'new'", &st, err);
    if (rc != SL_OK)
        return rc;
    int step = sqlite3_step(st);
    *n = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return step == SQLITE_ROW ? SL_OK : store_error(s, step, err);
}

int inbox_deliveries_page(store *s, const char *channel, int64_t since_ms, const char *state,
                          int64_t after_id, int max, inbox_delivery_row **out, int *n,
                          sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT d.id, d.channel, d.received_ms, b.headers, b.body, d.state "
                           "FROM inbox_deliveries d "
                           "JOIN inbox_delivery_bodies b ON b.delivery_id = d.id "
                           "WHERE d.id > ?1 AND (?2 IS NULL OR d.channel = ?2) "
                           "AND d.received_ms >= ?3 AND (?4 IS NULL OR d.state = ?4) "
                           "ORDER BY d.id LIMIT ?5",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, after_id);
    if (channel != NULL)
        sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_int64(st, 3, since_ms);
    if (state != NULL)
        sqlite3_bind_text(st, 4, state, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_int(st, 5, max);
    return read_rows(s, st, max, out, n, err);
}
