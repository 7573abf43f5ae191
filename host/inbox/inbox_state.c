/*
 * The inbox state machine: loading an item with its current order, the
 * queue of items due for processing, and the state changes the rules and
 * the operator make (processed, draft, failed with backoff, dead, retry).
 * Every change writes an event in the same transaction.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "shopledger/sdkutil.h"

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, n, "%s", t ? (const char *)t : "");
}

void inbox_item_free(inbox_item *it)
{
    if (it == NULL)
        return;
    order_free(it->order);
    free(it);
}

/* Rebuilds the order of the current revision from its JSON and, when
   raw_col >= 0, its raw payload. */
static int load_order(sqlite3_stmt *st, int json_col, int raw_col, order **out, sl_error *err)
{
    const char *text = (const char *)sqlite3_column_text(st, json_col);
    if (text == NULL)
        return sl_error_set(err, SL_EINTERNAL, "normalized", "item has no current revision");
    /* The SDK's reader: about four times jansson's speed, and every
       booking reads its order back. */
    sl_error jerr = {.size = sizeof jerr};
    json_t *j = NULL;
    if (sl_json_parse_object(text, strlen(text), SIZE_MAX, "stored order", &j, &jerr) != SL_OK)
        return sl_error_set(err, SL_EINTERNAL, "normalized", "stored order JSON unreadable: %s",
                            jerr.message);
    order *o = NULL;
    int rc = order_from_json(j, &o, err);
    json_decref(j);
    if (rc != SL_OK)
        return rc;
    const void *raw = raw_col >= 0 ? sqlite3_column_blob(st, raw_col) : NULL;
    int raw_len = raw_col >= 0 ? sqlite3_column_bytes(st, raw_col) : 0;
    if (raw && raw_len > 0)
        rc = order_set_raw(o, raw, (size_t)raw_len, err);
    if (rc != SL_OK) {
        order_free(o);
        return rc;
    }
    *out = o;
    return SL_OK;
}

static int load_item(store *s, int64_t id, int with_raw, inbox_item **out, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = with_raw ? store_prepare(s,
                                      "SELECT i.id, i.channel, i.external_id, i.state, i.attempts, "
                                      "i.current_revision, r.revision_no, i.received_ms, "
                                      "i.next_attempt_ms, i.updated_ms, i.last_error, "
                                      "r.normalized, r.raw "
                                      "FROM inbox_items i "
                                      "LEFT JOIN inbox_revisions r ON r.id = i.current_revision "
                                      "WHERE i.id = ?1",
                                      &st, err)
                      : store_prepare(s,
                                      "SELECT i.id, i.channel, i.external_id, i.state, i.attempts, "
                                      "i.current_revision, r.revision_no, i.received_ms, "
                                      "i.next_attempt_ms, i.updated_ms, i.last_error, "
                                      "r.normalized "
                                      "FROM inbox_items i "
                                      "LEFT JOIN inbox_revisions r ON r.id = i.current_revision "
                                      "WHERE i.id = ?1",
                                      &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE
                   ? sl_error_set(err, SL_ENOTFOUND, "id", "no inbox item %lld", (long long)id)
                   : store_error(s, rc, err);
    }
    inbox_item *it = calloc(1, sizeof *it);
    if (it == NULL) {
        sqlite3_reset(st);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    it->id = sqlite3_column_int64(st, 0);
    copy_col(it->channel, sizeof it->channel, st, 1);
    copy_col(it->external_id, sizeof it->external_id, st, 2);
    it->state = inbox_state_parse((const char *)sqlite3_column_text(st, 3));
    it->attempts = sqlite3_column_int(st, 4);
    it->revision_id = sqlite3_column_int64(st, 5);
    it->revision_no = sqlite3_column_int(st, 6);
    it->received_ms = sqlite3_column_int64(st, 7);
    it->next_attempt_ms = sqlite3_column_int64(st, 8);
    it->updated_ms = sqlite3_column_int64(st, 9);
    copy_col(it->last_error, sizeof it->last_error, st, 10);
    rc = load_order(st, 11, with_raw ? 12 : -1, &it->order, err);
    sqlite3_reset(st);
    if (rc != SL_OK) {
        inbox_item_free(it);
        return rc;
    }
    *out = it;
    return SL_OK;
}

int inbox_load(store *s, int64_t id, inbox_item **out, sl_error *err)
{
    return load_item(s, id, 1, out, err);
}

int inbox_load_to_book(store *s, int64_t id, inbox_item **out, sl_error *err)
{
    return load_item(s, id, 0, out, err);
}

int inbox_pending(store *s, int64_t now_ms, int64_t *ids, int max, int *n, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    /* Each side is limited on its own before the merge, so a backlog of
       N received items costs `max` index steps, not a sort of all N (it
       did, once per batch: quadratic in a burst's backlog). A received
       item's next_attempt_ms is always 0 (intake, a new revision, mark
       and retry all write 0), so ordering by (next_attempt_ms, id) is
       ordering by id, and it is the order of inbox_items_due. */
    int rc = store_prepare(s,
                           "SELECT id FROM (SELECT id FROM inbox_items WHERE state = 'received' "
                           "ORDER BY next_attempt_ms, id LIMIT ?2) AS r "
                           "UNION ALL "
                           "SELECT id FROM (SELECT id FROM inbox_items WHERE state = 'failed' "
                           "AND next_attempt_ms <= ?1 ORDER BY id LIMIT ?2) AS f "
                           "ORDER BY id LIMIT ?2",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int(st, 2, max > 0 ? max : 0);
    int count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < max)
        ids[count++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_error(s, rc, err);
    *n = count;
    return SL_OK;
}

int inbox_next_due(store *s, int64_t *when_ms, sl_error *err)
{
    int64_t at = 0;
    int none = 1;
    /* Two index probes, as inbox_pending's: any received item (due now),
       else the earliest failed one. */
    int rc = store_query_int64(
        s,
        "SELECT coalesce((SELECT 1 FROM inbox_items WHERE state = 'received' LIMIT 1), "
        "(SELECT min(next_attempt_ms) FROM inbox_items WHERE state = 'failed'))",
        &at, &none, err);
    *when_ms = rc != SL_OK || none ? 0 : at > 1 ? at : 1;
    return rc;
}

/* The state and attempts of an item; SL_ENOTFOUND when it does not exist. */
static int read_state(store *s, int64_t id, int *state, int *attempts, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT state, attempts FROM inbox_items WHERE id = ?1", &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *state = inbox_state_parse((const char *)sqlite3_column_text(st, 0));
        *attempts = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return sl_error_set(err, SL_ENOTFOUND, "id", "no inbox item %lld", (long long)id);
    return rc == SQLITE_ROW ? SL_OK : store_error(s, rc, err);
}

/* Writes state, attempts, next attempt and last error in one UPDATE. */
static int write_state(store *s, int64_t id, int64_t now_ms, int state, int attempts,
                       int64_t next_ms, const char *error, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "UPDATE inbox_items SET state = ?2, attempts = ?3,"
                           " next_attempt_ms = ?4, last_error = ?5, "
                           "updated_ms = ?6 WHERE id = ?1",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, inbox_state_name(state), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, attempts);
    sqlite3_bind_int64(st, 4, next_ms);
    sqlite3_bind_text(st, 5, error ? error : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now_ms);
    return store_step_done(s, st, err);
}

/* Backoff before attempt number `attempts` + 1: base * 2^(attempts-1),
   capped. */
static int64_t backoff_ms(int attempts)
{
    int64_t d = INBOX_BACKOFF_BASE_MS;
    for (int i = 1; i < attempts && d < INBOX_BACKOFF_MAX_MS; i++)
        d *= 2;
    return d < INBOX_BACKOFF_MAX_MS ? d : INBOX_BACKOFF_MAX_MS;
}

static int mark_failed_tx(store *s, int64_t id, int64_t now_ms, const char *reason, sl_error *err)
{
    int state = 0, attempts = 0;
    int rc = read_state(s, id, &state, &attempts, err);
    if (rc != SL_OK)
        return rc;
    attempts++;
    char text[SL_ERROR_MSG_MAX + 96];
    if (attempts >= INBOX_MAX_ATTEMPTS) {
        rc = write_state(s, id, now_ms, INBOX_DEAD, attempts, 0, reason, err);
        snprintf(text, sizeof text, "attempt %d failed, giving up: %s", attempts,
                 reason ? reason : "");
        return rc == SL_OK ? inbox_event(s, id, now_ms, "dead", text, err) : rc;
    }
    int64_t wait = backoff_ms(attempts);
    rc = write_state(s, id, now_ms, INBOX_FAILED, attempts, now_ms + wait, reason, err);
    snprintf(text, sizeof text, "attempt %d failed, next in %lld s: %s", attempts,
             (long long)(wait / 1000), reason ? reason : "");
    return rc == SL_OK ? inbox_event(s, id, now_ms, "failed", text, err) : rc;
}

int inbox_mark_failed(store *s, int64_t id, int64_t now_ms, const char *reason, sl_error *err)
{
    int own;
    int rc = store_tx_enter(s, &own, err);
    if (rc != SL_OK)
        return rc;
    rc = mark_failed_tx(s, id, now_ms, reason, err);
    return store_tx_leave(s, own, rc, err);
}

static int mark_tx(store *s, int64_t id, int64_t now_ms, int state, const char *reason,
                   sl_error *err)
{
    int old = 0, attempts = 0;
    int rc = read_state(s, id, &old, &attempts, err);
    if (rc != SL_OK)
        return rc;
    const char *error = state == INBOX_DEAD ? reason : "";
    rc = write_state(s, id, now_ms, state, attempts, 0, error, err);
    char text[SL_ERROR_MSG_MAX + 64];
    snprintf(text, sizeof text, "%s -> %s%s%s", inbox_state_name(old), inbox_state_name(state),
             reason && *reason ? ": " : "", reason ? reason : "");
    return rc == SL_OK ? inbox_event(s, id, now_ms, inbox_state_name(state), text, err) : rc;
}

int inbox_mark(store *s, int64_t id, int64_t now_ms, int state, const char *reason, sl_error *err)
{
    if (state == INBOX_FAILED)
        return inbox_mark_failed(s, id, now_ms, reason, err);
    if (state < INBOX_RECEIVED || state > INBOX_DEAD)
        return sl_error_set(err, SL_EINVALID, "state", "unknown inbox state %d", state);
    int own;
    int rc = store_tx_enter(s, &own, err);
    if (rc != SL_OK)
        return rc;
    rc = mark_tx(s, id, now_ms, state, reason, err);
    return store_tx_leave(s, own, rc, err);
}

static int retry_tx(store *s, int64_t id, int64_t now_ms, sl_error *err)
{
    int state = 0, attempts = 0;
    int rc = read_state(s, id, &state, &attempts, err);
    if (rc != SL_OK || state == INBOX_RECEIVED)
        return rc; /* already waiting for the rules: nothing to do */
    if (state == INBOX_PROCESSED)
        return sl_error_set(err, SL_ECONFLICT, "state",
                            "item %lld is processed; retrying would book it "
                            "twice",
                            (long long)id);
    rc = write_state(s, id, now_ms, INBOX_RECEIVED, 0, 0, "", err);
    char text[96];
    snprintf(text, sizeof text, "operator retry from %s after %d attempts", inbox_state_name(state),
             attempts);
    return rc == SL_OK ? inbox_event(s, id, now_ms, "retry", text, err) : rc;
}

int inbox_retry(store *s, int64_t id, int64_t now_ms, sl_error *err)
{
    int own;
    int rc = store_tx_enter(s, &own, err);
    if (rc != SL_OK)
        return rc;
    rc = retry_tx(s, id, now_ms, err);
    return store_tx_leave(s, own, rc, err);
}
