/*
 * Retention of the deliveries log (inbox_deliveries.c): which raw
 * deliveries may go, and taking them away in bounded batches. The rule is
 * in inbox.h; this is how it is found cheaply.
 *
 * Per channel, a horizon: the oldest filing time (inbox_revisions.
 * received_ms, the same clock value as the delivery's parsed_ms when it
 * filed them) of the current revision of any item not yet processed. A
 * delivery parsed at or after it may be the one such an item came from,
 * so it stays for `inbox replay --since`. Below min(cutoff, horizon) the
 * index on (channel, received_ms) gives the candidates, oldest first, so
 * a batch reads only rows it deletes, plus the few old ones that are kept
 * (failed, not parsed yet, or parsed late).
 *
 * Plain SQL that PostgreSQL runs too: no LIMIT on DELETE, no rowid.
 */
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "shopledger/sdkutil.h"

/* The channel after `after` ("" for the first) that holds deliveries;
 *found 0 when there is none. A loose index scan: one probe each. */
static int next_channel(store *s, const char *after, char *name, size_t cap, int *found,
                        sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc =
        store_prepare(s, "SELECT min(channel) FROM inbox_deliveries WHERE channel > ?1", &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, after, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    const unsigned char *v = step == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    *found = v != NULL && strlen((const char *)v) < cap;
    if (*found)
        memcpy(name, v, strlen((const char *)v) + 1);
    sqlite3_reset(st);
    return step == SQLITE_ROW ? SL_OK : store_error(s, step, err);
}

/* The channel's horizon (see above); INT64_MAX when every item of the
   channel is processed. The unsettled items are few and a channel's
   items many, so the state index must lead: "channel || ''" keeps the
   planner off the (channel, external_id) index without SQLite-only
   syntax (INDEXED BY, unary + on text, which PostgreSQL refuses). */
static int horizon(store *s, const char *channel, int64_t *out, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT min(r.received_ms) FROM inbox_items i "
                           "JOIN inbox_revisions r ON r.id = i.current_revision "
                           "WHERE i.state IN ('received', 'failed', 'draft', 'dead') "
                           "AND i.channel || '' = ?1",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    *out = step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL
               ? sqlite3_column_int64(st, 0)
               : INT64_MAX;
    sqlite3_reset(st);
    return step == SQLITE_ROW ? SL_OK : store_error(s, step, err);
}

/* Prunable rows of one channel below `below` (min(cutoff, horizon)),
   oldest first: at most `max` ids into ids[] (NULL: only count), their
   bytes added to *out. */
static int channel_candidates(store *s, const char *channel, int64_t below, int64_t hz,
                              int64_t *ids, int max, int *n, inbox_prune_count *out, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT id, bytes FROM inbox_deliveries "
                           "WHERE channel = ?1 AND received_ms < ?2 AND parsed_ms < ?3 "
                           "AND state IN ('parsed', 'ignored') ORDER BY received_ms, id",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, below);
    sqlite3_bind_int64(st, 3, hz);
    int step, count = 0;
    while ((ids == NULL || count < max) && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (ids != NULL)
            ids[count] = sqlite3_column_int64(st, 0);
        count++;
        out->rows++;
        out->bytes += sqlite3_column_int64(st, 1);
    }
    int bad = (ids == NULL || count < max) && step != SQLITE_DONE;
    sqlite3_reset(st);
    *n = count;
    return bad ? store_error(s, step, err) : SL_OK;
}

/* Deletes one delivery: its state row and its bytes. */
static int delete_row(store *s, int64_t id, sl_error *err)
{
    static const char *const sql[] = {
        "DELETE FROM inbox_delivery_bodies WHERE delivery_id = ?1",
        "DELETE FROM inbox_deliveries WHERE id = ?1",
    };
    for (size_t k = 0; k < sizeof sql / sizeof sql[0]; k++) {
        sqlite3_stmt *st = NULL;
        int rc = store_prepare(s, sql[k], &st, err);
        if (rc != SL_OK)
            return rc;
        sqlite3_bind_int64(st, 1, id);
        if ((rc = store_step_done(s, st, err)) != SL_OK)
            return rc;
    }
    return SL_OK;
}

static int delete_rows(store *s, const int64_t *ids, int n, sl_error *err)
{
    int rc = SL_OK;
    for (int i = 0; rc == SL_OK && i < n; i++)
        rc = delete_row(s, ids[i], err);
    return rc;
}

/* Walks the channels: with ids, deletes up to max rows; without, counts
   everything prunable. */
static int walk(store *s, int64_t cutoff_ms, int64_t *ids, int max, inbox_prune_count *out,
                sl_error *err)
{
    char channel[128] = "", next[128];
    int found = 1, rc = SL_OK, left = max;
    while (rc == SL_OK && (ids == NULL || left > 0)) {
        rc = next_channel(s, channel, next, sizeof next, &found, err);
        if (rc != SL_OK || !found)
            break;
        memcpy(channel, next, sizeof channel);
        int64_t hz = 0;
        int n = 0;
        rc = horizon(s, channel, &hz, err);
        if (rc == SL_OK)
            rc = channel_candidates(s, channel, hz < cutoff_ms ? hz : cutoff_ms, hz, ids, left, &n,
                                    out, err);
        if (rc == SL_OK && ids != NULL)
            rc = delete_rows(s, ids, n, err);
        left -= n;
    }
    return rc;
}

int inbox_deliveries_prunable(store *s, int64_t cutoff_ms, inbox_prune_count *out, sl_error *err)
{
    inbox_prune_count c = {0};
    int rc = walk(s, cutoff_ms, NULL, 0, &c, err);
    if (rc == SL_OK)
        *out = c;
    return rc;
}

int inbox_deliveries_prune_batch(store *s, int64_t cutoff_ms, int max, inbox_prune_count *out,
                                 sl_error *err)
{
    if (max < 1 || max > INBOX_PRUNE_BATCH_MAX)
        return sl_error_set(err, SL_EINVALID, "max", "a prune batch is 1..%d rows",
                            INBOX_PRUNE_BATCH_MAX);
    int64_t *ids = malloc(sizeof *ids * (size_t)max);
    if (ids == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    inbox_prune_count c = {0};
    int own = 0;
    int rc = store_tx_enter(s, &own, err);
    if (rc == SL_OK)
        rc = store_tx_leave(s, own, walk(s, cutoff_ms, ids, max, &c, err), err);
    free(ids);
    if (rc == SL_OK)
        *out = c;
    return rc;
}

int inbox_deliveries_old(store *s, int64_t cutoff_ms, inbox_old_deliveries *out, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT count(*), "
                           "coalesce(sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0), "
                           "coalesce(sum(CASE WHEN state = 'new' THEN 1 ELSE 0 END), 0) "
                           "FROM inbox_deliveries WHERE received_ms < ?1",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, cutoff_ms);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->total = sqlite3_column_int64(st, 0);
        out->failed = sqlite3_column_int64(st, 1);
        out->unparsed = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    return step == SQLITE_ROW ? SL_OK : store_error(s, step, err);
}
