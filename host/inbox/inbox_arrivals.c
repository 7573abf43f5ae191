/*
 * The arrivals queue: orders that are durable but not yet filed into
 * inbox items and revisions.
 *
 * Why a queue: a webhook may be acknowledged only once its order is on
 * disk, and while serving one writer thread commits for every delivery.
 * Filing an order (item upsert, revision insert with two unique indexes,
 * item update, event) touches five B-trees; appending it here touches
 * one, at its right edge. So the writer appends and acknowledges, and
 * sorts the queue into the inbox when deliveries are not waiting. The
 * content hash and canonical JSON were computed before the append (by the
 * HTTP threads), so sorting does no JSON work.
 *
 * Rows are sorted in id order, which is arrival order: the inbox's stale
 * rule for orders without modified times ("judged by arrival") holds.
 */
#include <string.h>

#include "inbox/inbox.h"
#include "shopledger/sdkutil.h"

static const char ARRIVALS_SQL[] = "CREATE TABLE inbox_arrivals("
                                   "  id INTEGER PRIMARY KEY,"
                                   "  channel TEXT NOT NULL,"
                                   "  external_id TEXT NOT NULL,"
                                   "  content_hash TEXT NOT NULL,"
                                   "  modified_ms INTEGER NOT NULL,"
                                   "  received_ms INTEGER NOT NULL,"
                                   "  raw BLOB,"
                                   "  normalized TEXT NOT NULL);";

const store_migration inbox_arrivals_migration = {
    .version = 3,
    .name = "inbox arrivals: delivered orders waiting to be filed",
    .sql = ARRIVALS_SQL,
};

int inbox_arrival_append(store *s, const inbox_arrival *a, int64_t now_ms, sl_error *err)
{
    if (!store_in_tx(s))
        return sl_error_set(err, SL_EINTERNAL, "", "an arrival is appended inside a transaction");
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "INSERT INTO inbox_arrivals(channel, external_id, "
                           "content_hash, modified_ms, received_ms, raw, "
                           "normalized) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, a->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->external_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, a->modified_ms);
    sqlite3_bind_int64(st, 5, now_ms);
    if (a->raw)
        sqlite3_bind_blob64(st, 6, a->raw, a->raw_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->json, -1, SQLITE_STATIC);
    return store_step_done(s, st, err);
}

/* An arrival borrowing the current row of `st` (valid until it steps). */
static int arrival_from_row(sqlite3_stmt *st, inbox_arrival *a, int64_t *received_ms, sl_error *err)
{
    const char *hash = (const char *)sqlite3_column_text(st, 3);
    *a = (inbox_arrival){
        .channel = (const char *)sqlite3_column_text(st, 1),
        .external_id = (const char *)sqlite3_column_text(st, 2),
        .modified_ms = sqlite3_column_int64(st, 4),
        .raw = sqlite3_column_blob(st, 6),
        .raw_len = (size_t)sqlite3_column_bytes(st, 6),
        .json = (const char *)sqlite3_column_text(st, 7),
    };
    *received_ms = sqlite3_column_int64(st, 5);
    if (a->channel == NULL || a->external_id == NULL || a->json == NULL || hash == NULL ||
        strlen(hash) != 64)
        return sl_error_set(err, SL_EINTERNAL, "inbox_arrivals", "arrival %lld is incomplete",
                            (long long)sqlite3_column_int64(st, 0));
    memcpy(a->hash, hash, 65);
    return SL_OK;
}

static int delete_through(store *s, int64_t last_id, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "DELETE FROM inbox_arrivals WHERE id <= ?1", &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, last_id);
    return store_step_done(s, st, err);
}

/* Files up to `max` rows; the caller's transaction is open. */
static int sort_rows(store *s, int max, int *sorted, int *made_current, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT id, channel, external_id, content_hash, "
                           "modified_ms, received_ms, raw, normalized "
                           "FROM inbox_arrivals ORDER BY id LIMIT ?1",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int(st, 1, max);
    int64_t last_id = 0;
    int n = 0, current = 0, step;
    while (rc == SL_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        inbox_arrival a;
        int64_t received_ms = 0, item = 0;
        int result = 0;
        last_id = sqlite3_column_int64(st, 0);
        rc = arrival_from_row(st, &a, &received_ms, err);
        if (rc == SL_OK)
            rc = inbox_intake_arrival(s, &a, received_ms, &result, &item, err);
        n++;
        current += result == INBOX_NEW || result == INBOX_REVISION;
    }
    if (rc == SL_OK && step != SQLITE_DONE)
        rc = store_error(s, step, err);
    sqlite3_reset(st);
    if (rc == SL_OK && n > 0)
        rc = delete_through(s, last_id, err);
    if (rc == SL_OK) {
        *sorted = n;
        if (made_current)
            *made_current = current;
    }
    return rc;
}

int inbox_arrivals_sort(store *s, int max, int *sorted, int *made_current, sl_error *err)
{
    if (max < 1)
        return sl_error_set(err, SL_EINVALID, "max", "sort at least one arrival");
    int own;
    int rc = store_tx_enter(s, &own, err);
    if (rc != SL_OK)
        return rc;
    rc = sort_rows(s, max, sorted, made_current, err);
    return store_tx_leave(s, own, rc, err);
}

int inbox_arrivals_waiting(store *s, int64_t *n, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT count(*) FROM inbox_arrivals", &st, err);
    if (rc != SL_OK)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return step == SQLITE_ROW ? SL_OK : store_error(s, step, err);
}
