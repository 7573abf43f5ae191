/*
 * The outbox: a duplicate key queues nothing, rows go out after commit, a
 * crash between claim and send (a real one: a child process that _exits
 * inside the sender) repeats the send once with the same key and never
 * after success, failures back off (honouring Retry-After) and die.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outbox/outbox.h"
#include "shopledger/sdkutil.h"

#define OK(call) assert_int_equal((call), SL_OK)
#define T0 1717000000000LL

typedef struct fixture {
    char dir[64];
    char path[96];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    if (sl_test_mkdtemp(f->dir, sizeof f->dir, "outbox") != 0)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sl_test_rmtree(f->dir);
    free(f);
    return 0;
}

static store *open_store(const fixture *f)
{
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    OK(store_open(f->path, &s, &err));
    return s;
}

/* A scripted remote: records keys it accepted, answers `rc` the first
   `fail_times` calls, or _exits the process when `crash` is set. */
typedef struct remote {
    int calls;
    int fail_times;
    int rc;
    int64_t retry_after_ms;
    int crash;
    char keys[8][160];
    int attempts_seen[8];
} remote;

static int fake_send(void *data, const outbox_row *row, sl_error *err)
{
    remote *r = data;
    if (r->crash)
        _exit(0); /* power cut after the claim committed */
    if (r->calls < 8) {
        snprintf(r->keys[r->calls], sizeof r->keys[0], "%s", row->key);
        r->attempts_seen[r->calls] = row->attempts;
    }
    r->calls++;
    if (r->calls <= r->fail_times) {
        sl_error_set(err, r->rc, "", "remote said no");
        err->retry_after_ms = r->retry_after_ms;
        return r->rc;
    }
    return SL_OK;
}

static void put_note(store *s, const char *key, int *queued)
{
    sl_error err = {.size = sizeof err};
    OK(outbox_put(s, OUTBOX_NOTE, "woo", key, "1042", "{\"note\":\"Invoice INV-1 posted\"}", T0,
                  queued, &err));
}

static void duplicate_key_is_ignored(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued = -1;
    put_note(s, "note:1:posted", &queued);
    assert_int_equal(queued, 1);
    /* The producing transaction retried: same key, nothing new. */
    OK(store_begin(s, &err));
    put_note(s, "note:1:posted", &queued);
    assert_int_equal(queued, 0);
    OK(store_commit(s, &err));
    json_t *rows = outbox_list_json(s, NULL, 10, &err);
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    /* Bad input is refused naming the field. */
    assert_int_equal(outbox_put(s, 9, "woo", "k", "", "{}", T0, &queued, &err), SL_EINVALID);
    assert_string_equal(err.field, "kind");
    assert_int_equal(outbox_put(s, OUTBOX_NOTE, "woo", "", "", "{}", T0, &queued, &err),
                     SL_EINVALID);
    assert_string_equal(err.field, "key");
    assert_int_equal(outbox_put(s, OUTBOX_NOTE, "woo", "k2", "", "{oops", T0, &queued, &err),
                     SL_EINVALID);
    assert_string_equal(err.field, "payload");
    char longkey[200];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    assert_int_equal(outbox_put(s, OUTBOX_NOTE, "woo", longkey, "", "{}", T0, &queued, &err),
                     SL_ETOOBIG);
    assert_string_equal(err.field, "key");
    store_close(s);
}

static void rolled_back_change_queues_nothing(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued;
    OK(store_begin(s, &err));
    put_note(s, "note:2:posted", &queued);
    store_rollback(s);
    remote r = {0};
    int sent = -1, failed = -1;
    OK(outbox_dispatch(s, T0, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(r.calls, 0);
    assert_int_equal(sent, 0);
    /* Dispatch inside a transaction is refused: the claim must commit. */
    OK(store_begin(s, &err));
    assert_int_equal(outbox_dispatch(s, T0, 10, fake_send, &r, &sent, &failed, &err), SL_EINTERNAL);
    store_rollback(s);
    store_close(s);
}

static void sent_once_then_never_again(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued, sent, failed;
    put_note(s, "note:3:posted", &queued);
    put_note(s, "note:4:posted", &queued);
    remote r = {0};
    OK(outbox_dispatch(s, T0, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(sent, 2);
    assert_int_equal(failed, 0);
    assert_string_equal(r.keys[0], "note:3:posted");
    assert_string_equal(r.keys[1], "note:4:posted");
    OK(outbox_dispatch(s, T0 + 100 * OUTBOX_BACKOFF_MAX_MS, 10, fake_send, &r, &sent, &failed,
                       &err));
    assert_int_equal(sent, 0);
    assert_int_equal(r.calls, 2);
    json_t *rows = outbox_list_json(s, "sent", 10, &err);
    assert_int_equal(json_array_size(rows), 2);
    json_decref(rows);
    store_close(s);
}

/* More rows than one claim batch: sent oldest first, `max` respected, each
   exactly once across dispatches. */
static void batches_send_in_order_up_to_max(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued, sent, failed, total = OUTBOX_CLAIM_BATCH * 2 + 5;
    for (int i = 0; i < total; i++) {
        char key[32];
        snprintf(key, sizeof key, "note:%03d", i);
        OK(outbox_put(s, OUTBOX_NOTE, "woo", key, "1", "{}", T0, &queued, &err));
    }
    remote r = {0};
    OK(outbox_dispatch(s, T0, OUTBOX_CLAIM_BATCH + 3, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(sent, OUTBOX_CLAIM_BATCH + 3);
    assert_string_equal(r.keys[0], "note:000");
    assert_string_equal(r.keys[7], "note:007");
    OK(outbox_dispatch(s, T0, 1000, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(sent, total - OUTBOX_CLAIM_BATCH - 3);
    assert_int_equal(r.calls, total);
    json_t *rows = outbox_list_json(s, "sent", 1000, &err);
    assert_int_equal(json_array_size(rows), (size_t)total);
    json_decref(rows);
    OK(outbox_dispatch(s, T0 + 100 * OUTBOX_BACKOFF_MAX_MS, 1000, fake_send, &r, &sent, &failed,
                       &err));
    assert_int_equal(sent, 0);
    store_close(s);
}

static void crash_between_claim_and_send_resends_once(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued, sent, failed;
    put_note(s, "note:5:posted", &queued);
    store_close(s); /* no connection may cross the fork */

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        store *cs = NULL;
        sl_error cerr = {.size = sizeof cerr};
        remote cr = {.crash = 1};
        if (store_open(f->path, &cs, &cerr) == SL_OK)
            outbox_dispatch(cs, T0, 10, fake_send, &cr, NULL, NULL, &cerr);
        _exit(3); /* only reached if the sender was never called */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    s = open_store(f);
    json_t *rows = outbox_list_json(s, "sending", 10, &err);
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    remote r = {0};
    /* Within the lease nobody else picks it up. */
    OK(outbox_dispatch(s, T0 + 1, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(r.calls, 0);
    /* After it, the row is sent again with the same key, attempt 2. */
    OK(outbox_dispatch(s, T0 + OUTBOX_LEASE_MS, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(sent, 1);
    assert_int_equal(r.calls, 1);
    assert_string_equal(r.keys[0], "note:5:posted");
    assert_int_equal(r.attempts_seen[0], 2);
    /* And never again after success, even after a restart. */
    store_close(s);
    s = open_store(f);
    OK(outbox_dispatch(s, T0 + 100 * OUTBOX_BACKOFF_MAX_MS, 10, fake_send, &r, &sent, &failed,
                       &err));
    assert_int_equal(r.calls, 1);
    store_close(s);
}

static void failures_back_off_and_honour_retry_after(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued, sent, failed;
    put_note(s, "note:6:posted", &queued);
    remote r = {.fail_times = 2, .rc = SL_EREMOTE};
    OK(outbox_dispatch(s, T0, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(failed, 1);
    assert_int_equal(r.calls, 1); /* backed off: not retried in the run */
    /* Row 1, attempt 1: the base 10 s times (80 + j) %, j = (1 * 2654435761
       + 1 * 40503) mod 41 = 2654476264 mod 41 = 21: 10.1 s; not due a
       millisecond earlier. */
    OK(outbox_dispatch(s, T0 + 10100 - 1, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(r.calls, 1);
    int64_t t1 = T0 + 10100;
    OK(outbox_dispatch(s, t1, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(r.calls, 2);
    /* Attempt 2 doubles: 20 s, j = (2654435761 + 81006) mod 41 = 16: 19.2 s. */
    OK(outbox_dispatch(s, t1 + 19200 - 1, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(r.calls, 2);
    OK(outbox_dispatch(s, t1 + 19200, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(r.calls, 3);
    assert_int_equal(sent, 1);
    assert_string_equal(r.keys[2], "note:6:posted");

    /* A remote's Retry-After longer than our backoff wins. */
    put_note(s, "note:7:posted", &queued);
    remote rr = {.fail_times = 1, .rc = SL_ERETRY, .retry_after_ms = 600000};
    OK(outbox_dispatch(s, T0, 10, fake_send, &rr, &sent, &failed, &err));
    assert_int_equal(rr.calls, 1);
    OK(outbox_dispatch(s, T0 + 599999, 10, fake_send, &rr, &sent, &failed, &err));
    assert_int_equal(rr.calls, 1);
    OK(outbox_dispatch(s, T0 + 600000, 10, fake_send, &rr, &sent, &failed, &err));
    assert_int_equal(rr.calls, 2);
    assert_int_equal(sent, 1);
    store_close(s);
}

/* outbox_next_due says when outbox_dispatch next has a row (serve's
   scheduler leaves an idle tenant's store closed until then): none, a
   pending row's time, a failed row's backoff; a sent row never. */
static void next_due_follows_dispatch(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued, sent, failed;
    int64_t when = -1;
    OK(outbox_next_due(s, &when, &err));
    assert_int_equal(when, 0);
    put_note(s, "note:8:posted", &queued);
    OK(outbox_next_due(s, &when, &err));
    assert_int_equal(when, T0);
    remote r = {.fail_times = 1, .rc = SL_EREMOTE};
    OK(outbox_dispatch(s, T0, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(failed, 1);
    OK(outbox_next_due(s, &when, &err));
    assert_true(when > T0);
    OK(outbox_dispatch(s, when - 1, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(r.calls, 1); /* not due before the time it gave */
    OK(outbox_dispatch(s, when, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(sent, 1);
    OK(outbox_next_due(s, &when, &err));
    assert_int_equal(when, 0);
    store_close(s);
}

static void dead_after_max_attempts(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued, sent, failed;
    put_note(s, "note:8:posted", &queued);
    remote r = {.fail_times = 1000, .rc = SL_EIO};
    int64_t now = T0;
    for (int i = 0; i < OUTBOX_MAX_ATTEMPTS + 3; i++) {
        OK(outbox_dispatch(s, now, 10, fake_send, &r, &sent, &failed, &err));
        now += OUTBOX_BACKOFF_MAX_MS; /* always past the next attempt */
    }
    assert_int_equal(r.calls, OUTBOX_MAX_ATTEMPTS);
    json_t *rows = outbox_list_json(s, "dead", 10, &err);
    assert_int_equal(json_array_size(rows), 1);
    json_t *row = json_array_get(rows, 0);
    assert_int_equal(json_integer_value(json_object_get(row, "attempts")), OUTBOX_MAX_ATTEMPTS);
    assert_non_null(
        strstr(json_string_value(json_object_get(row, "last_error")), "remote said no"));
    json_decref(rows);
    assert_null(outbox_list_json(s, "lost", 10, &err));
    assert_string_equal(err.field, "state");
    store_close(s);
}

/* The figures of outbox_backoff_ms, worked by hand from its contract:
   BASE * 2^(n-1) * (80 + j) / 100 with j = (salt * 2654435761 + n * 40503)
   mod 41, capped at MAX. */
static void backoff_has_deterministic_jitter(void **state)
{
    (void)state;
    /* j = 2654476264 mod 41 = 21 */
    assert_int_equal(outbox_backoff_ms(1, 0, 1), 10100);
    /* j = 2654516767 mod 41 = 16: 20000 * 96 % */
    assert_int_equal(outbox_backoff_ms(2, 0, 1), 19200);
    /* j = 2654557270 mod 41 = 11: 40000 * 91 % */
    assert_int_equal(outbox_backoff_ms(3, 0, 1), 36400);
    /* rows that failed together spread: j = 6 and 32 */
    assert_int_equal(outbox_backoff_ms(1, 0, 2), 8600);
    assert_int_equal(outbox_backoff_ms(1, 0, 3), 11200);
    /* past the cap the jitter may only shorten; here j = 7 gives 87 % of
       2^11 * 10 s, still over the hour */
    assert_int_equal(outbox_backoff_ms(12, 0, 1), OUTBOX_BACKOFF_MAX_MS);
    /* the remote's Retry-After wins when longer */
    assert_int_equal(outbox_backoff_ms(1, 600000, 1), 600000);
    assert_int_equal(outbox_backoff_ms(1, 5000, 1), 10100);
    for (int64_t salt = 1; salt <= 500; salt++)
        for (int n = 1; n <= 5; n++) {
            int64_t nominal = OUTBOX_BACKOFF_BASE_MS << (n - 1);
            int64_t d = outbox_backoff_ms(n, 0, salt);
            assert_true(d >= nominal * 80 / 100 && d <= nominal * 120 / 100);
        }
}

/* A remote that gets no answer from channel "woo" while `down`: the host's
   HTTP service reports that as SL_ERETRY, field "http", no HTTP status. */
typedef struct flaky {
    int down;
    int calls;
    int64_t sent_ids[16];
} flaky;

static int flaky_send(void *data, const outbox_row *row, sl_error *err)
{
    flaky *r = data;
    if (r->calls < 16)
        r->sent_ids[r->calls] = row->id;
    r->calls++;
    if (r->down && strcmp(row->channel, "woo") == 0)
        return sl_error_set(err, SL_ERETRY, "http", "POST failed: Couldn't connect to server");
    return SL_OK;
}

static int64_t row_field(store *s, int64_t id, const char *field)
{
    sl_error err = {.size = sizeof err};
    json_t *rows = outbox_list_json(s, NULL, 100, &err), *row;
    size_t i;
    int64_t v = -1;
    json_array_foreach(rows, i, row) if (json_integer_value(json_object_get(row, "id")) == id) v =
        json_integer_value(json_object_get(row, field));
    json_decref(rows);
    return v;
}

static void remote_down_sends_one_probe_at_a_time(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued, sent, failed;
    put_note(s, "note:1:posted", &queued); /* rows 1..3: channel woo */
    put_note(s, "note:2:posted", &queued);
    put_note(s, "note:3:posted", &queued);
    OK(outbox_put(s, OUTBOX_NOTE, "other", "note:4:posted", "77", "{\"note\":\"x\"}", T0, &queued,
                  &err));
    outbox_gate gate = {.n = 0};
    flaky r = {.down = 1};
    /* Row 1 finds woo down; rows 2 and 3 are not tried; the other channel
       is not held. woo's pause: failure 1, salt FNV-1a("woo") = 719909276,
       j = (719909276 * 2654435761 + 40503) mod 41 = 18: 9.8 s. */
    OK(outbox_dispatch_gated(s, T0, 10, flaky_send, &r, &gate, &sent, &failed, &err));
    assert_int_equal(r.calls, 2);
    assert_int_equal(r.sent_ids[0], 1);
    assert_int_equal(r.sent_ids[1], 4);
    assert_int_equal(sent, 1);
    assert_int_equal(failed, 1);
    assert_int_equal(row_field(s, 1, "attempts"), 1);
    assert_int_equal(row_field(s, 1, "next_attempt_ms"), T0 + 10100); /* the row's own */
    assert_int_equal(row_field(s, 2, "attempts"), 0);                 /* held: not an attempt */
    assert_int_equal(row_field(s, 2, "next_attempt_ms"), T0 + 9800);
    assert_int_equal(row_field(s, 3, "next_attempt_ms"), T0 + 9800);
    OK(outbox_dispatch_gated(s, T0 + 9799, 10, flaky_send, &r, &gate, &sent, &failed, &err));
    assert_int_equal(r.calls, 2);
    /* At 9.8 s one probe (row 2) goes; it fails, so row 3 waits again:
       failure 2, j = (719909276 * 2654435761 + 81006) mod 41 = 13: 18.6 s. */
    OK(outbox_dispatch_gated(s, T0 + 9800, 10, flaky_send, &r, &gate, &sent, &failed, &err));
    assert_int_equal(r.calls, 3);
    assert_int_equal(r.sent_ids[2], 2);
    assert_int_equal(row_field(s, 3, "next_attempt_ms"), T0 + 9800 + 18600);
    /* Row 1's own time (10.1 s) comes while woo is still down: held. */
    OK(outbox_dispatch_gated(s, T0 + 10100, 10, flaky_send, &r, &gate, &sent, &failed, &err));
    assert_int_equal(r.calls, 3);
    assert_int_equal(row_field(s, 1, "next_attempt_ms"), T0 + 28400);
    /* The remote is back: at 28.4 s row 1 is the probe, it goes through,
       and the rest follow in the same run. */
    r.down = 0;
    OK(outbox_dispatch_gated(s, T0 + 28400, 10, flaky_send, &r, &gate, &sent, &failed, &err));
    assert_int_equal(r.calls, 6);
    assert_int_equal(sent, 3);
    assert_int_equal(r.sent_ids[3], 1);
    assert_int_equal(row_field(s, 1, "attempts"), 2);
    assert_int_equal(row_field(s, 2, "attempts"), 2);
    assert_int_equal(row_field(s, 3, "attempts"), 1);
    json_t *left = outbox_list_json(s, "pending", 10, &err);
    assert_int_equal(json_array_size(left), 0);
    json_decref(left);
    store_close(s);
}

/* An HTTP answer, even an error, means the remote is up: no channel hold. */
static void remote_down_only_without_an_answer(void **state)
{
    (void)state;
    sl_error e = {.size = sizeof e};
    sl_error_set(&e, SL_ERETRY, "http", "POST failed: Timeout was reached");
    assert_true(outbox_remote_down(SL_ERETRY, &e));
    e.http_status = 504;
    assert_false(outbox_remote_down(SL_ERETRY, &e));
    sl_error t = {.size = sizeof t};
    sl_error_set(&t, SL_EIO, "ca_file", "POST refused the server's certificate");
    assert_true(outbox_remote_down(SL_EIO, &t));
    sl_error c = {.size = sizeof c}; /* refused: nothing reached it (SDK 1.5 field) */
    sl_error_set(&c, SL_ERETRY, "connect", "POST failed: Couldn't connect to server");
    assert_true(outbox_remote_down(SL_ERETRY, &c));
    sl_error b = {.size = sizeof b};
    sl_error_set(&b, SL_ERETRY, "body", "HTTP 200 but the answer is not JSON");
    assert_false(outbox_remote_down(SL_ERETRY, &b));
    assert_false(outbox_remote_down(SL_OK, &b));
}

static void give_up_is_dead_at_once_with_the_reason(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued, sent, failed;
    put_note(s, "note:9:posted", &queued);
    remote r = {.fail_times = 1000, .rc = OUTBOX_GIVE_UP};
    OK(outbox_dispatch(s, T0, 10, fake_send, &r, &sent, &failed, &err));
    assert_int_equal(failed, 1);
    /* Long after any backoff: never tried again. */
    OK(outbox_dispatch(s, T0 + 10 * OUTBOX_BACKOFF_MAX_MS, 10, fake_send, &r, &sent, &failed,
                       &err));
    assert_int_equal(r.calls, 1);
    json_t *rows = outbox_list_json(s, "dead", 10, &err);
    assert_int_equal(json_array_size(rows), 1);
    json_t *row = json_array_get(rows, 0);
    assert_int_equal(json_integer_value(json_object_get(row, "attempts")), 1);
    assert_string_equal(json_string_value(json_object_get(row, "last_error")),
                        "gave up: remote said no");
    json_decref(rows);
    store_close(s);
}

static void dispatch_by_key_sends_only_that_row(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = open_store(f);
    int queued, sent = -1;
    put_note(s, "note:10:posted", &queued);
    put_note(s, "note:11:posted", &queued);
    remote r = {0};
    OK(outbox_dispatch_key(s, "note:11:posted", T0, fake_send, &r, &sent, &err));
    assert_int_equal(sent, 1);
    assert_int_equal(r.calls, 1);
    assert_string_equal(r.keys[0], "note:11:posted");
    OK(outbox_dispatch_key(s, "note:11:posted", T0, fake_send, &r, &sent, &err));
    assert_int_equal(sent, 0); /* sent already: not again */
    assert_int_equal(r.calls, 1);
    json_t *rows = outbox_list_json(s, "pending", 10, &err);
    assert_int_equal(json_array_size(rows), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "key")),
                        "note:10:posted");
    json_decref(rows);
    store_close(s);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(duplicate_key_is_ignored),
        T(backoff_has_deterministic_jitter),
        T(remote_down_sends_one_probe_at_a_time),
        T(remote_down_only_without_an_answer),
        T(rolled_back_change_queues_nothing),
        T(sent_once_then_never_again),
        T(batches_send_in_order_up_to_max),
        T(crash_between_claim_and_send_resends_once),
        T(failures_back_off_and_honour_retry_after),
        T(next_due_follows_dispatch),
        T(dead_after_max_attempts),
        T(give_up_is_dead_at_once_with_the_reason),
        T(dispatch_by_key_sends_only_that_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
