/*
 * The order inbox: intake of orders keyed by (channel, external id), their
 * revisions, the processing state machine with backoff, the event log and
 * the poll cursors.
 *
 * Idempotency is the database's job. An item row is created with INSERT
 * ... ON CONFLICT DO NOTHING, and sqlite3_changes() says whether it was
 * new; a revision row likewise on UNIQUE(item_id, content_hash), so a
 * repeated delivery is detected by the same statement that would store it
 * and two writers can never both create it.
 *
 * Stale revisions. A revision whose modified time is older than the
 * current revision's (both known) arrived out of order: it is stored for
 * the record, marked stale, and leaves the item's state and current
 * revision alone. An order without modified times is judged by arrival.
 */
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "shopledger/sdkutil.h"

static const char *const STATE_NAMES[] = {NULL, "received", "processed", "draft", "failed", "dead"};

const char *inbox_state_name(int state)
{
    return state >= INBOX_RECEIVED && state <= INBOX_DEAD ? STATE_NAMES[state] : "unknown";
}

int inbox_state_parse(const char *name)
{
    for (int s = INBOX_RECEIVED; name && s <= INBOX_DEAD; s++)
        if (strcmp(STATE_NAMES[s], name) == 0)
            return s;
    return 0;
}

/* ---- events -------------------------------------------------------------- */

int inbox_event(store *s, int64_t id, int64_t now_ms, const char *kind, const char *text,
                sl_error *err)
{
    int own;
    int rc = store_tx_enter(s, &own, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = store_prepare(s,
                       "INSERT INTO inbox_events(item_id, at_ms, kind, text) "
                       "VALUES(?1, ?2, ?3, ?4)",
                       &st, err);
    if (rc == SL_OK) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, now_ms);
        sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, text ? text : "", -1, SQLITE_STATIC);
        rc = store_step_done(s, st, err);
    }
    return store_tx_leave(s, own, rc, err);
}

/* ---- intake -------------------------------------------------------------- */

/* Creates the item if it is new. *is_new tells which happened. */
static int item_upsert(store *s, const inbox_arrival *a, int64_t now_ms, int64_t *id, int *is_new,
                       sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "INSERT INTO inbox_items(channel, external_id, state, received_ms, "
                           "updated_ms) VALUES(?1, ?2, 'received', ?3, ?3) "
                           "ON CONFLICT(channel, external_id) DO NOTHING",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, a->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->external_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ms);
    rc = store_step_done(s, st, err);
    if (rc != SL_OK)
        return rc;
    if (sqlite3_changes(store_db(s)) == 1) {
        *is_new = 1;
        *id = sqlite3_last_insert_rowid(store_db(s));
        return SL_OK;
    }
    *is_new = 0;
    rc = store_prepare(s,
                       "SELECT id FROM inbox_items "
                       "WHERE channel = ?1 AND external_id = ?2",
                       &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, a->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->external_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? SL_OK : store_error(s, rc, err);
}

/* The modified time of the item's current revision (0 when none). */
static int current_modified(store *s, int64_t item, int64_t *out, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT r.modified_ms FROM inbox_items i "
                           "JOIN inbox_revisions r ON r.id = i.current_revision "
                           "WHERE i.id = ?1",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, item);
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SL_OK : store_error(s, rc, err);
}

/* Inserts a revision unless one with the same hash exists; *rev is the new
   row id or 0 for a duplicate. */
static int revision_insert(store *s, const inbox_arrival *a, int64_t item, int stale,
                           int64_t now_ms, int64_t *rev, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "INSERT INTO inbox_revisions(item_id, revision_no, content_hash, "
                           "modified_ms, received_ms, stale, raw, normalized) "
                           "VALUES(?1, (SELECT revision_count + 1 FROM inbox_items WHERE id = ?1),"
                           " ?2, ?3, ?4, ?5, ?6, ?7) "
                           "ON CONFLICT(item_id, content_hash) DO NOTHING",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, item);
    sqlite3_bind_text(st, 2, a->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, a->modified_ms);
    sqlite3_bind_int64(st, 4, now_ms);
    sqlite3_bind_int(st, 5, stale);
    if (a->raw)
        sqlite3_bind_blob64(st, 6, a->raw, a->raw_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->json, -1, SQLITE_STATIC);
    rc = store_step_done(s, st, err);
    if (rc != SL_OK)
        return rc;
    *rev = sqlite3_changes(store_db(s)) == 1 ? sqlite3_last_insert_rowid(store_db(s)) : 0;
    return SL_OK;
}

/* Points the item at its new revision; a current one also restarts the
   state machine so the rules see the change. */
static int item_advance(store *s, int64_t item, int64_t rev, int stale, int64_t now_ms,
                        sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = stale ? store_prepare(s,
                                   "UPDATE inbox_items SET revision_count = "
                                   "revision_count + 1 WHERE id = ?1",
                                   &st, err)
                   : store_prepare(s,
                                   "UPDATE inbox_items SET revision_count = "
                                   "revision_count + 1, current_revision = ?2,"
                                   " state = 'received', attempts = 0, "
                                   "next_attempt_ms = 0, last_error = '', "
                                   "updated_ms = ?3 WHERE id = ?1",
                                   &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, item);
    if (!stale) {
        sqlite3_bind_int64(st, 2, rev);
        sqlite3_bind_int64(st, 3, now_ms);
    }
    return store_step_done(s, st, err);
}

/* The canonical JSON names the fields the host shortened (order.h,
   ORDER_MAX_TEXT) under "truncated"; a quote inside a string value is
   always escaped there, so the key cannot be mistaken for text. */
static int truncation_event(store *s, const inbox_arrival *a, int64_t item, int64_t now_ms,
                            sl_error *err)
{
    static const char key[] = "\"truncated\":\"";
    const char *at = a->json ? strstr(a->json, key) : NULL;
    if (at == NULL)
        return SL_OK;
    at += sizeof key - 1;
    const char *end = strchr(at, '"');
    char text[ORDER_TRUNCATED_MAX + 160];
    snprintf(text, sizeof text,
             "kept shortened to %d bytes in the normalized order (the raw payload "
             "is stored in full): %.*s",
             ORDER_MAX_TEXT, end ? (int)(end - at) : 0, at);
    return inbox_event(s, item, now_ms, "truncated", text, err);
}

static int intake_revision(store *s, const inbox_arrival *a, int64_t item, int is_new,
                           int64_t now_ms, int *result, sl_error *err)
{
    int64_t cur = 0, rev = 0;
    int rc = is_new ? SL_OK : current_modified(s, item, &cur, err);
    int stale = !is_new && cur > 0 && a->modified_ms > 0 && a->modified_ms < cur;
    if (rc == SL_OK)
        rc = revision_insert(s, a, item, stale, now_ms, &rev, err);
    if (rc != SL_OK)
        return rc;
    if (rev == 0) {
        *result = INBOX_DUPLICATE;
        return inbox_event(s, item, now_ms, "duplicate",
                           "same content delivered again; nothing changed", err);
    }
    rc = item_advance(s, item, rev, stale, now_ms, err);
    if (rc != SL_OK)
        return rc;
    *result = is_new ? INBOX_NEW : stale ? INBOX_STALE : INBOX_REVISION;
    const char *text = is_new  ? "order received"
                       : stale ? "older revision arrived late: recorded, state unchanged"
                               : "changed content: new current revision, back to received";
    rc = inbox_event(s, item, now_ms,
                     is_new  ? "received"
                     : stale ? "stale"
                             : "revision",
                     text, err);
    return rc == SL_OK ? truncation_event(s, a, item, now_ms, err) : rc;
}

int inbox_arrival_prepare(const order *o, inbox_arrival *a, sl_error *err)
{
    memset(a, 0, sizeof *a);
    int rc = order_validate(o, err);
    if (rc != SL_OK)
        return rc;
    if (o->channel[0] == '\0')
        return sl_error_set(err, SL_EINVALID, "channel", "order has no channel");
    if ((a->owned_json = order_canonical_json(o)) == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    order_hash_text(a->owned_json, a->hash);
    a->json = a->owned_json;
    a->channel = o->channel;
    a->external_id = o->text[SL_ORDER_EXTERNAL_ID];
    a->modified_ms = o->time[SL_ORDER_MODIFIED];
    a->raw = o->raw;
    a->raw_len = o->raw_len;
    return SL_OK;
}

void inbox_arrival_clear(inbox_arrival *a)
{
    free(a->owned_json);
    memset(a, 0, sizeof *a);
}

int inbox_intake_arrival(store *s, const inbox_arrival *a, int64_t now_ms, int *result,
                         int64_t *item_id, sl_error *err)
{
    if (!store_in_tx(s))
        return sl_error_set(err, SL_EINTERNAL, "", "inbox intake needs an open transaction");
    int64_t item = 0;
    int is_new = 0, res = 0;
    int rc = item_upsert(s, a, now_ms, &item, &is_new, err);
    if (rc == SL_OK)
        rc = intake_revision(s, a, item, is_new, now_ms, &res, err);
    if (rc != SL_OK)
        return rc;
    *result = res;
    *item_id = item;
    return SL_OK;
}

int inbox_intake(store *s, const order *o, int64_t now_ms, int *result, int64_t *item_id,
                 sl_error *err)
{
    if (!store_in_tx(s))
        return sl_error_set(err, SL_EINTERNAL, "", "inbox_intake needs an open transaction");
    inbox_arrival a;
    int rc = inbox_arrival_prepare(o, &a, err);
    if (rc == SL_OK)
        rc = inbox_intake_arrival(s, &a, now_ms, result, item_id, err);
    inbox_arrival_clear(&a);
    return rc;
}

/* ---- cursors ------------------------------------------------------------- */

int inbox_cursor_get(store *s, const char *channel, char **cursor, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT cursor FROM inbox_cursors WHERE channel = ?1", &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    char *copy = NULL;
    if (rc == SQLITE_ROW)
        copy = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_error(s, rc, err);
    if (rc == SQLITE_ROW && copy == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    *cursor = copy;
    return SL_OK;
}

int inbox_cursor_put(store *s, const char *channel, int64_t now_ms, const char *cursor,
                     sl_error *err)
{
    if (cursor == NULL)
        return sl_error_set(err, SL_EINVALID, "cursor", "cursor is NULL");
    int own;
    int rc = store_tx_enter(s, &own, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = store_prepare(s,
                       "INSERT INTO inbox_cursors(channel, cursor, updated_ms)"
                       " VALUES(?1, ?2, ?3) ON CONFLICT(channel) DO UPDATE "
                       "SET cursor = excluded.cursor, "
                       "updated_ms = excluded.updated_ms",
                       &st, err);
    if (rc == SL_OK) {
        sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, cursor, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now_ms);
        rc = store_step_done(s, st, err);
    }
    return store_tx_leave(s, own, rc, err);
}
