/*
 * The outbox: side effects queued in the transaction that caused them and
 * sent after it committed.
 *
 * Sending is three steps, for up to OUTBOX_CLAIM_BATCH rows at a time.
 * Claim: one UPDATE ... RETURNING picks the oldest due rows, marks them
 * `sending`, counts the attempt and pushes their next attempt one lease
 * ahead; that commit happens before the remote is called. Send: the
 * caller's sender talks to the remote, passing each row's unique key, as
 * long as the lease is less than half gone. Finish: `sent`, or back to
 * `pending` with backoff, or `dead`, for the batch in one commit. A crash
 * between claim and finish leaves rows `sending`; they become due again
 * when the lease ends and are sent once more with the same key (the
 * sender sees attempts > 1). A row marked sent is never selected again.
 * Why batches: serve's writer shares the database, and two commits per
 * row (200 a second behind a trickle of 100 orders/s) kept it waiting.
 * A failed row is retried later, never in the same run: its next attempt
 * is a scheduled time (outbox_backoff_ms, with jitter), and a channel whose
 * remote gives no answer at all is held as a whole by the caller's gate,
 * one probe row at a time (outbox.h), so nothing here sleeps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outbox/outbox.h"
#include "shopledger/sdkutil.h"

static const char *const KIND_NAMES[] = {NULL, "note", "email", "stock_push", "shipment"};
static const char *const STATES[] = {"pending", "sending", "sent", "dead"};

const char *outbox_kind_name(int kind)
{
    return kind >= OUTBOX_NOTE && kind <= OUTBOX_SHIPMENT ? KIND_NAMES[kind] : "unknown";
}

/* Text fits the row's fixed array (n bytes with the NUL) and is present. */
static int check_text(const char *v, size_t n, const char *field, int required, sl_error *err)
{
    if (v == NULL || (required && *v == '\0'))
        return sl_error_set(err, SL_EINVALID, field, "%s is missing", field);
    if (strlen(v) >= n)
        return sl_error_set(err, SL_ETOOBIG, field, "%s is longer than %zu bytes", field, n - 1);
    return SL_OK;
}

static int check_put(int kind, const char *channel, const char *key, const char *external_id,
                     const char *payload, sl_error *err)
{
    const outbox_row *r = NULL;
    if (kind < OUTBOX_NOTE || kind > OUTBOX_SHIPMENT)
        return sl_error_set(err, SL_EINVALID, "kind", "unknown outbox kind %d", kind);
    int rc = check_text(channel, sizeof r->channel, "channel", 1, err);
    if (rc == SL_OK)
        rc = check_text(key, sizeof r->key, "key", 1, err);
    if (rc == SL_OK)
        rc = check_text(external_id ? external_id : "", sizeof r->external_id, "external_id", 0,
                        err);
    if (rc != SL_OK)
        return rc;
    json_error_t jerr;
    json_t *j = payload ? json_loads(payload, JSON_DECODE_ANY, &jerr) : NULL;
    if (j == NULL)
        return sl_error_set(err, SL_EINVALID, "payload", "payload is not JSON: %s",
                            payload ? jerr.text : "missing");
    json_decref(j);
    return SL_OK;
}

int outbox_put(store *s, int kind, const char *channel, const char *key, const char *external_id,
               const char *payload, int64_t now_ms, int *queued, sl_error *err)
{
    int rc = check_put(kind, channel, key, external_id, payload, err);
    int own = 0;
    if (rc == SL_OK)
        rc = store_tx_enter(s, &own, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = store_prepare(s,
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
        sqlite3_bind_text(st, 4, external_id ? external_id : "", -1, SQLITE_STATIC);
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

/* Claims up to `cap` of the oldest due rows in one commit, in id order.
   rows[0..*n) are filled (payloads owned by the caller). */
static int claim_batch(store *s, const char *key, int64_t now_ms, outbox_row *rows, int cap, int *n,
                       sl_error *err)
{
    *n = 0;
    int rc = store_begin(s, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = store_prepare(s,
                       "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
                       "next_attempt_ms = ?2, updated_ms = ?1 "
                       "WHERE id IN (SELECT id FROM outbox "
                       "  WHERE state IN ('pending', 'sending') AND next_attempt_ms <= ?1 "
                       "  AND (?4 IS NULL OR key = ?4) ORDER BY next_attempt_ms, id LIMIT ?3) "
                       "RETURNING id, kind, channel, key, external_id, payload, attempts",
                       &st, err);
    int step = SQLITE_DONE;
    if (rc == SL_OK) {
        sqlite3_bind_int64(st, 1, now_ms);
        sqlite3_bind_int64(st, 2, now_ms + OUTBOX_LEASE_MS);
        sqlite3_bind_int(st, 3, cap);
        if (key)
            sqlite3_bind_text(st, 4, key, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 4);
        /* Stepped to the end: RETURNING rows come while the UPDATE runs. */
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            if (rc != SL_OK || *n >= cap) /* LIMIT makes the second impossible */
                continue;
            outbox_row *row = &rows[(*n)++];
            row->id = sqlite3_column_int64(st, 0);
            row->kind = sqlite3_column_int(st, 1);
            copy_col(row->channel, sizeof row->channel, st, 2);
            copy_col(row->key, sizeof row->key, st, 3);
            copy_col(row->external_id, sizeof row->external_id, st, 4);
            row->payload = strdup((const char *)sqlite3_column_text(st, 5));
            row->attempts = sqlite3_column_int(st, 6);
            if (row->payload == NULL)
                rc = sl_error_set(err, SL_ENOMEM, "", "out of memory");
        }
        if (rc == SL_OK && step != SQLITE_DONE)
            rc = store_error(s, step, err);
        sqlite3_reset(st);
    }
    if (rc == SL_OK)
        rc = store_commit(s, err);
    if (rc != SL_OK) {
        store_rollback(s);
        for (int i = 0; i < *n; i++)
            free(rows[i].payload);
        *n = 0;
    }
    return rc;
}

static int by_id(const void *a, const void *b)
{
    int64_t x = ((const outbox_row *)a)->id, y = ((const outbox_row *)b)->id;
    return x < y ? -1 : x > y;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t outbox_backoff_ms(int attempts, int64_t retry_after_ms, int64_t salt)
{
    int64_t d = OUTBOX_BACKOFF_BASE_MS;
    for (int i = 1; i < attempts && d < OUTBOX_BACKOFF_MAX_MS; i++)
        d *= 2;
    /* Jitter from the salt and attempt, not a random draw: the same row
       backs off the same on every run, so tests can name the figure. */
    uint64_t j = ((uint64_t)salt * 2654435761u + (uint64_t)(attempts > 0 ? attempts : 0) * 40503u) %
                 (2 * OUTBOX_JITTER_PCT + 1);
    d = d * (100 - OUTBOX_JITTER_PCT + (int64_t)j) / 100;
    if (d > OUTBOX_BACKOFF_MAX_MS)
        d = OUTBOX_BACKOFF_MAX_MS;
    return retry_after_ms > d ? retry_after_ms : d;
}

/* Records the outcome of a send in its own commit. */
static int finish(store *s, const outbox_row *row, int64_t now_ms, int send_rc,
                  const sl_error *serr, sl_error *err)
{
    const char *state = "sent";
    int64_t next = now_ms;
    char msg[SL_ERROR_MSG_MAX + 32] = "";
    if (send_rc == OUTBOX_GIVE_UP) {
        state = "dead";
        snprintf(msg, sizeof msg, "gave up: %s", serr->message);
    } else if (send_rc != SL_OK) {
        int dead = row->attempts >= OUTBOX_MAX_ATTEMPTS;
        state = dead ? "dead" : "pending";
        int64_t after = send_rc == SL_ERETRY ? serr->retry_after_ms : 0;
        next = dead ? now_ms : now_ms + outbox_backoff_ms(row->attempts, after, row->id);
        snprintf(msg, sizeof msg, "%s: %s", sl_status_name(send_rc), serr->message);
    }
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
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
    return store_step_done(s, st, err); /* in finish_batch's transaction */
}

int outbox_remote_down(int send_rc, const sl_error *err)
{
    if (send_rc == SL_OK || err == NULL || err->http_status != 0)
        return 0; /* an HTTP answer, whatever it said, means the remote is up */
    /* The host's HTTP service names field "connect" for a call that never
       reached the server (refused, unresolved), "http" for one that got no
       answer (reset, timeout) and "ca_file" for a TLS refusal. */
    return (send_rc == SL_ERETRY &&
            (strcmp(err->field, "http") == 0 || strcmp(err->field, "connect") == 0)) ||
           (send_rc == SL_EIO && strcmp(err->field, "ca_file") == 0);
}

static outbox_gate_channel *gate_find(outbox_gate *g, const char *channel, int add)
{
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->ch[i].channel, channel) == 0)
            return &g->ch[i];
    if (!add || g->n >= OUTBOX_GATE_CHANNELS)
        return NULL;
    outbox_gate_channel *c = &g->ch[g->n++];
    memset(c, 0, sizeof *c);
    snprintf(c->channel, sizeof c->channel, "%s", channel);
    return c;
}

int outbox_gate_admit(outbox_gate *g, const char *channel, int64_t now_ms, int64_t *until_ms)
{
    outbox_gate_channel *c = gate_find(g, channel, 0);
    if (c == NULL || c->down_until_ms == 0)
        return 1;
    if (now_ms >= c->down_until_ms && !c->probing) {
        c->probing = 1; /* this row is the probe */
        return 1;
    }
    *until_ms = c->down_until_ms > now_ms ? c->down_until_ms : now_ms + OUTBOX_BACKOFF_BASE_MS;
    return 0;
}

/* A channel's salt for its jitter: FNV-1a of its name. */
static int64_t channel_salt(const char *channel)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)channel; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

void outbox_gate_record(outbox_gate *g, const char *channel, int64_t now_ms, int send_rc,
                        const sl_error *err)
{
    int down = outbox_remote_down(send_rc, err);
    outbox_gate_channel *c = gate_find(g, channel, down);
    if (c == NULL)
        return;
    c->probing = 0;
    if (!down) {
        c->failures = 0;
        c->down_until_ms = 0;
        return;
    }
    int64_t after = send_rc == SL_ERETRY ? err->retry_after_ms : 0;
    c->failures++;
    c->down_until_ms = now_ms + outbox_backoff_ms(c->failures, after, channel_salt(channel));
}

/* A claimed row the gate held: results[i] says so, held_until[i] when. */
#define OUTBOX_HELD 1

typedef struct send_batch {
    const outbox_row *rows;
    int n;
    int results[OUTBOX_CLAIM_BATCH];
    int64_t held_until[OUTBOX_CLAIM_BATCH];
    sl_error *serrs;
} send_batch;

/* Sends claimed rows in order while their lease is young; records each
   outcome in b->results and returns how many were done (the rest stay
   `sending` and come due again when their lease ends). */
static int send_claimed(send_batch *b, outbox_send_fn send, void *data, outbox_gate *gate,
                        int64_t now_ms)
{
    int64_t claimed = monotonic_ms();
    int done = 0;
    for (; done < b->n && monotonic_ms() - claimed < OUTBOX_LEASE_MS / 2; done++) {
        const outbox_row *row = &b->rows[done];
        sl_error *e = &b->serrs[done];
        *e = (sl_error){.size = sizeof *e};
        if (gate != NULL && !outbox_gate_admit(gate, row->channel, now_ms, &b->held_until[done])) {
            b->results[done] = OUTBOX_HELD;
            continue;
        }
        b->results[done] = send(data, row, e);
        if (b->results[done] != SL_OK && e->message[0] == '\0')
            snprintf(e->message, sizeof e->message, "sender failed");
        if (gate != NULL)
            outbox_gate_record(gate, row->channel, now_ms, b->results[done], e);
    }
    return done;
}

/* A held row goes back to pending as it was before the claim (the attempt
   is not counted: nothing was sent), due when its channel is. */
static int release(store *s, const outbox_row *row, int64_t until_ms, int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "UPDATE outbox SET state = 'pending', attempts = attempts - 1,"
                           " next_attempt_ms = ?2, updated_ms = ?3 WHERE id = ?1",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, row->id);
    sqlite3_bind_int64(st, 2, until_ms);
    sqlite3_bind_int64(st, 3, now_ms);
    return store_step_done(s, st, err);
}

/* Finishes the rows done in one commit. */
static int finish_batch(store *s, const send_batch *b, int n, int64_t now_ms, sl_error *err)
{
    int rc = store_begin(s, err);
    for (int i = 0; rc == SL_OK && i < n; i++)
        rc = b->results[i] == OUTBOX_HELD
                 ? release(s, &b->rows[i], b->held_until[i], now_ms, err)
                 : finish(s, &b->rows[i], now_ms, b->results[i], &b->serrs[i], err);
    if (rc == SL_OK)
        return store_commit(s, err);
    store_rollback(s);
    return rc;
}

/* Claims, sends and finishes due rows (only the row `key` when not NULL),
   through `gate` when not NULL. */
static int dispatch(store *s, const char *key, int64_t now_ms, int max, outbox_send_fn send,
                    void *data, outbox_gate *gate, int *sent, int *failed, sl_error *err)
{
    if (store_in_tx(s))
        return sl_error_set(err, SL_EINTERNAL, "",
                            "outbox_dispatch must run outside a transaction");
    outbox_row rows[OUTBOX_CLAIM_BATCH];
    static _Thread_local sl_error serrs[OUTBOX_CLAIM_BATCH];
    send_batch b = {.rows = rows, .serrs = serrs};
    int n_sent = 0, n_failed = 0, rc = SL_OK;
    for (int left = max; rc == SL_OK && left > 0;) {
        int n = 0;
        int cap = left < OUTBOX_CLAIM_BATCH ? left : OUTBOX_CLAIM_BATCH;
        rc = claim_batch(s, key, now_ms, rows, cap, &n, err);
        if (rc != SL_OK || n == 0)
            break;
        qsort(rows, (size_t)n, sizeof rows[0], by_id);
        b.n = n;
        int done = send_claimed(&b, send, data, gate, now_ms);
        rc = finish_batch(s, &b, done, now_ms, err);
        for (int i = 0; i < done; i++) {
            n_sent += b.results[i] == SL_OK;
            n_failed += b.results[i] != SL_OK && b.results[i] != OUTBOX_HELD;
        }
        for (int i = 0; i < n; i++)
            free(rows[i].payload);
        left = done < n ? 0 : left - n;
    }
    if (sent)
        *sent = n_sent;
    if (failed)
        *failed = n_failed;
    return rc;
}

int outbox_next_due(store *s, int64_t *when_ms, sl_error *err)
{
    int64_t at = 0;
    int none = 1;
    int rc = store_query_int64(
        s, "SELECT min(next_attempt_ms) FROM outbox WHERE state IN ('pending', 'sending')", &at,
        &none, err);
    *when_ms = rc != SL_OK || none ? 0 : at > 1 ? at : 1;
    return rc;
}

int outbox_dispatch(store *s, int64_t now_ms, int max, outbox_send_fn send, void *data, int *sent,
                    int *failed, sl_error *err)
{
    return dispatch(s, NULL, now_ms, max, send, data, NULL, sent, failed, err);
}

int outbox_dispatch_gated(store *s, int64_t now_ms, int max, outbox_send_fn send, void *data,
                          outbox_gate *gate, int *sent, int *failed, sl_error *err)
{
    return dispatch(s, NULL, now_ms, max, send, data, gate, sent, failed, err);
}

int outbox_dispatch_key(store *s, const char *key, int64_t now_ms, outbox_send_fn send, void *data,
                        int *sent, sl_error *err)
{
    return dispatch(s, key, now_ms, 1, send, data, NULL, sent, NULL, err);
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
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:I}", "id",
                     (json_int_t)sqlite3_column_int64(st, 0), "kind",
                     outbox_kind_name(sqlite3_column_int(st, 1)), "channel", t[0], "key", t[1],
                     "external_id", t[2], "state", t[3], "last_error", t[4], "attempts",
                     sqlite3_column_int(st, 7), "next_attempt_ms",
                     (json_int_t)sqlite3_column_int64(st, 8), "updated_ms",
                     (json_int_t)sqlite3_column_int64(st, 9));
}

json_t *outbox_list_json(store *s, const char *state_filter, int limit, sl_error *err)
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

static json_t *note_json(sqlite3_stmt *st)
{
    const char *t[4];
    for (int c = 0; c < 4; c++) {
        t[c] = (const char *)sqlite3_column_text(st, c + 1);
        if (t[c] == NULL)
            t[c] = "";
    }
    /* the note text is the payload's "note", parsed here so the SQL stays
       portable (no json_extract) */
    json_t *payload = json_loads(t[1], 0, NULL);
    const char *note = json_string_value(json_object_get(payload, "note"));
    json_t *row = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:i, s:I, s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0),
        "key", t[0], "note", note ? note : "", "state", t[2], "last_error", t[3], "attempts",
        sqlite3_column_int(st, 5), "created_ms", (json_int_t)sqlite3_column_int64(st, 6), "sent_ms",
        (json_int_t)sqlite3_column_int64(st, 7));
    json_decref(payload);
    return row;
}

json_t *outbox_order_notes_json(store *s, const char *channel, const char *external_id,
                                sl_error *err)
{
    sqlite3_stmt *st = NULL;
    if (store_prepare(s,
                      "SELECT id, key, payload, state,"
                      " last_error, attempts, created_ms, IFNULL(sent_ms,0) FROM outbox"
                      " WHERE kind=?1 AND channel=?2 AND external_id=?3 ORDER BY id",
                      &st, err) != SL_OK)
        return NULL;
    sqlite3_bind_int(st, 1, OUTBOX_NOTE);
    sqlite3_bind_text(st, 2, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, external_id, -1, SQLITE_TRANSIENT);
    return store_rows_json(s, st, note_json, err);
}
