/*
 * The outbox: side effects queued in the transaction that caused them and
 * sent after it committed.
 *
 * Sending a row is three steps. Claim: one UPDATE ... RETURNING picks the
 * oldest due row, marks it `sending`, counts the attempt and pushes its
 * next attempt one lease ahead; that commit happens before the remote is
 * called. Send: the caller's sender talks to the remote, passing the row's
 * unique key. Finish: `sent`, or back to `pending` with backoff, or `dead`.
 * A crash between claim and finish leaves the row `sending`; it becomes
 * due again when the lease ends and is sent once more with the same key.
 * A row marked sent is never selected again, so it is never sent twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox/outbox.h"
#include "shopledger/sdkutil.h"

static const char *const KIND_NAMES[] = {NULL, "note", "email", "stock_push"};
static const char *const STATES[] = {"pending", "sending", "sent", "dead"};

const char *outbox_kind_name(int kind)
{
    return kind >= OUTBOX_NOTE && kind <= OUTBOX_STOCK_PUSH ? KIND_NAMES[kind]
                                                            : "unknown";
}

/* Text fits the row's fixed array (n bytes with the NUL) and is present. */
static int check_text(const char *v, size_t n, const char *field,
                      int required, sl_error *err)
{
    if (v == NULL || (required && *v == '\0'))
        return sl_error_set(err, SL_EINVALID, field, "%s is missing", field);
    if (strlen(v) >= n)
        return sl_error_set(err, SL_ETOOBIG, field,
                            "%s is longer than %zu bytes", field, n - 1);
    return SL_OK;
}

static int check_put(int kind, const char *channel, const char *key,
                     const char *external_id, const char *payload,
                     sl_error *err)
{
    const outbox_row *r = NULL;
    if (kind < OUTBOX_NOTE || kind > OUTBOX_STOCK_PUSH)
        return sl_error_set(err, SL_EINVALID, "kind",
                            "unknown outbox kind %d", kind);
    int rc = check_text(channel, sizeof r->channel, "channel", 1, err);
    if (rc == SL_OK)
        rc = check_text(key, sizeof r->key, "key", 1, err);
    if (rc == SL_OK)
        rc = check_text(external_id ? external_id : "",
                        sizeof r->external_id, "external_id", 0, err);
    if (rc != SL_OK)
        return rc;
    json_error_t jerr;
    json_t *j = payload ? json_loads(payload, JSON_DECODE_ANY, &jerr) : NULL;
    if (j == NULL)
        return sl_error_set(err, SL_EINVALID, "payload",
                            "payload is not JSON: %s",
                            payload ? jerr.text : "missing");
    json_decref(j);
    return SL_OK;
}

int outbox_put(store *s, int kind, const char *channel, const char *key,
               const char *external_id, const char *payload, int64_t now_ms,
               int *queued, sl_error *err)
{
    int rc = check_put(kind, channel, key, external_id, payload, err);
    int own = 0;
    if (rc == SL_OK)
        rc = store_tx_enter(s, &own, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = store_prepare(
        s,
        "INSERT INTO outbox(kind, channel, key, external_id, payload, state,"
        " next_attempt_ms, created_ms, updated_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6, ?6) "
        "ON CONFLICT(key) DO NOTHING",
        &st, err);
    int changed = 0;
    if (rc == SL_OK) {
        sqlite3_bind_int(st, 1, kind);
        sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, external_id ? external_id : "", -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(st, 5, payload, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, now_ms);
        rc = store_step_done(s, st, err);
        changed = sqlite3_changes(store_db(s));
    }
    rc = store_tx_leave(s, own, rc, err);
    if (rc == SL_OK)
        *queued = changed == 1;
    return rc;
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* Claims the oldest due row in its own commit. *row is filled (payload
   owned by the caller) and *got says whether there was one. */
static int claim(store *s, int64_t now_ms, outbox_row *row, int *got,
                 sl_error *err)
{
    int rc = store_begin(s, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = store_prepare(
        s,
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
        "next_attempt_ms = ?2, updated_ms = ?1 "
        "WHERE id = (SELECT id FROM outbox "
        "  WHERE state IN ('pending', 'sending') AND next_attempt_ms <= ?1 "
        "  ORDER BY next_attempt_ms, id LIMIT 1) "
        "RETURNING id, kind, channel, key, external_id, payload, attempts",
        &st, err);
    *got = 0;
    if (rc == SL_OK) {
        sqlite3_bind_int64(st, 1, now_ms);
        sqlite3_bind_int64(st, 2, now_ms + OUTBOX_LEASE_MS);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            row->id = sqlite3_column_int64(st, 0);
            row->kind = sqlite3_column_int(st, 1);
            copy_col(row->channel, sizeof row->channel, st, 2);
            copy_col(row->key, sizeof row->key, st, 3);
            copy_col(row->external_id, sizeof row->external_id, st, 4);
            row->payload = strdup((const char *)sqlite3_column_text(st, 5));
            row->attempts = sqlite3_column_int(st, 6);
            *got = 1;
            step = sqlite3_step(st); /* finish the statement */
            if (row->payload == NULL)
                rc = sl_error_set(err, SL_ENOMEM, "", "out of memory");
        }
        if (rc == SL_OK && step != SQLITE_DONE)
            rc = store_error(s, step, err);
        sqlite3_reset(st);
    }
    if (rc != SL_OK) {
        store_rollback(s);
        free(row->payload);
        row->payload = NULL;
        *got = 0;
        return rc;
    }
    return store_commit(s, err);
}

static int64_t backoff_ms(int attempts, int64_t retry_after_ms)
{
    int64_t d = OUTBOX_BACKOFF_BASE_MS;
    for (int i = 1; i < attempts && d < OUTBOX_BACKOFF_MAX_MS; i++)
        d *= 2;
    if (d > OUTBOX_BACKOFF_MAX_MS)
        d = OUTBOX_BACKOFF_MAX_MS;
    return retry_after_ms > d ? retry_after_ms : d;
}

/* Records the outcome of a send in its own commit. */
static int finish(store *s, const outbox_row *row, int64_t now_ms,
                  int send_rc, const sl_error *serr, sl_error *err)
{
    const char *state = "sent";
    int64_t next = now_ms;
    char msg[SL_ERROR_MSG_MAX + 32] = "";
    if (send_rc != SL_OK) {
        int dead = row->attempts >= OUTBOX_MAX_ATTEMPTS;
        state = dead ? "dead" : "pending";
        int64_t after = send_rc == SL_ERETRY ? serr->retry_after_ms : 0;
        next = dead ? now_ms : now_ms + backoff_ms(row->attempts, after);
        snprintf(msg, sizeof msg, "%s: %s", sl_status_name(send_rc),
                 serr->message);
    }
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(
        s,
        "UPDATE outbox SET state = ?2, next_attempt_ms = ?3, updated_ms = ?4,"
        " last_error = ?5, sent_ms = CASE WHEN ?2 = 'sent' THEN ?4 END "
        "WHERE id = ?1",
        &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, row->id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, next);
    sqlite3_bind_int64(st, 4, now_ms);
    sqlite3_bind_text(st, 5, msg, -1, SQLITE_TRANSIENT);
    return store_step_done(s, st, err); /* autocommit: its own commit */
}

int outbox_dispatch(store *s, int64_t now_ms, int max, outbox_send_fn send,
                    void *data, int *sent, int *failed, sl_error *err)
{
    if (store_in_tx(s))
        return sl_error_set(err, SL_EINTERNAL, "",
                            "outbox_dispatch must run outside a transaction");
    int n_sent = 0, n_failed = 0, rc = SL_OK;
    for (int i = 0; i < max; i++) {
        outbox_row row = {0};
        int got = 0;
        rc = claim(s, now_ms, &row, &got, err);
        if (rc != SL_OK || !got)
            break;
        sl_error serr = {.size = sizeof serr};
        int send_rc = send(data, &row, &serr);
        if (send_rc != SL_OK && serr.message[0] == '\0')
            snprintf(serr.message, sizeof serr.message, "sender failed");
        rc = finish(s, &row, now_ms, send_rc, &serr, err);
        free(row.payload);
        if (rc != SL_OK)
            break;
        if (send_rc == SL_OK)
            n_sent++;
        else
            n_failed++;
    }
    if (sent)
        *sent = n_sent;
    if (failed)
        *failed = n_failed;
    return rc;
}

static int state_known(const char *st)
{
    for (size_t i = 0; i < sizeof STATES / sizeof STATES[0]; i++)
        if (strcmp(STATES[i], st) == 0)
            return 1;
    return 0;
}

static json_t *row_json(sqlite3_stmt *st)
{
    const char *t[5];
    for (int c = 0; c < 5; c++) {
        t[c] = (const char *)sqlite3_column_text(st, c + 2);
        if (t[c] == NULL)
            t[c] = "";
    }
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:I}",
                     "id", (json_int_t)sqlite3_column_int64(st, 0), "kind",
                     outbox_kind_name(sqlite3_column_int(st, 1)), "channel",
                     t[0], "key", t[1], "external_id", t[2], "state", t[3],
                     "last_error", t[4], "attempts",
                     sqlite3_column_int(st, 7), "next_attempt_ms",
                     (json_int_t)sqlite3_column_int64(st, 8), "updated_ms",
                     (json_int_t)sqlite3_column_int64(st, 9));
}

json_t *outbox_list_json(store *s, const char *state_filter, int limit,
                         sl_error *err)
{
    if (state_filter && !state_known(state_filter)) {
        sl_error_set(err, SL_EINVALID, "state",
                     "unknown outbox state '%.32s' (pending, sending, sent, "
                     "dead)",
                     state_filter);
        return NULL;
    }
    sqlite3_stmt *st = NULL;
    if (store_prepare(s,
                      "SELECT id, kind, channel, key, external_id, state, "
                      "last_error, attempts, next_attempt_ms, updated_ms "
                      "FROM outbox WHERE ?1 IS NULL OR state = ?1 "
                      "ORDER BY id DESC LIMIT ?2",
                      &st, err) != SL_OK)
        return NULL;
    if (state_filter)
        sqlite3_bind_text(st, 1, state_filter, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
    return store_rows_json(s, st, row_json, err);
}
