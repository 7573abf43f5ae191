/*
 * The order inbox: a new order, repeats of the same content, revisions
 * (current and stale), the cursor committed or lost with its orders, the
 * failed -> backoff -> dead path, operator retry and the JSON views; the
 * arrivals queue serve appends to, filed exactly as direct intake files
 * (also by arrival order), once, and surviving a reopen before filing.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inbox/inbox.h"
#include "shopledger/sdkutil.h"

#define OK(call) assert_int_equal((call), SL_OK)
#define T0 1717000000000LL

typedef struct fixture {
    char dir[64];
    char path[96];
    store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    if (sl_test_mkdtemp(f->dir, sizeof f->dir, "inbox") != 0)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    sl_error err = {.size = sizeof err};
    if (store_open(f->path, &f->s, &err) != SL_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    sl_test_rmtree(f->dir);
    free(f);
    return 0;
}

/* An order with the given id, status and modified time. */
static order *make(const char *id, const char *status, int64_t modified)
{
    sl_error err = {.size = sizeof err};
    order *o = order_new("acme", "woo");
    OK(order_set_text(o, SL_ORDER_EXTERNAL_ID, id, &err));
    OK(order_set_text(o, SL_ORDER_STATUS, status, &err));
    OK(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err));
    OK(order_set_money(o, SL_ORDER_TOTAL, "12.10", &err));
    OK(order_set_time(o, SL_ORDER_MODIFIED, modified, &err));
    order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
    OK(order_line_set_text(o, l, SL_LINE_SKU, "A-1", &err));
    OK(order_line_set_money(o, l, SL_LINE_TOTAL, "10.00", &err));
    char raw[128];
    int n = snprintf(raw, sizeof raw, "{\"id\":%s,\"status\":\"%s\"}", id, status);
    OK(order_set_raw(o, raw, (size_t)n, &err));
    return o;
}

/* Intake of one order in its own transaction. */
static int intake(store *s, const char *id, const char *status, int64_t modified, int64_t now,
                  int64_t *item)
{
    sl_error err = {.size = sizeof err};
    order *o = make(id, status, modified);
    int result = 0;
    OK(store_begin(s, &err));
    OK(inbox_intake(s, o, now, &result, item, &err));
    OK(store_commit(s, &err));
    order_free(o);
    return result;
}

static int64_t count(store *s, const char *sql)
{
    sqlite3_stmt *st = store_stmt(s, sql, NULL);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}

static int state_of(store *s, int64_t id)
{
    sl_error err = {.size = sizeof err};
    inbox_item *it = NULL;
    OK(inbox_load(s, id, &it, &err));
    int st = it->state;
    inbox_item_free(it);
    return st;
}

static void new_order_is_stored_raw_and_normalized(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    int64_t id = 0;
    assert_int_equal(intake(f->s, "1042", "processing", T0, T0 + 5, &id), INBOX_NEW);
    inbox_item *it = NULL;
    OK(inbox_load(f->s, id, &it, &err));
    assert_int_equal(it->state, INBOX_RECEIVED);
    assert_string_equal(it->channel, "woo");
    assert_string_equal(it->external_id, "1042");
    assert_int_equal(it->revision_no, 1);
    assert_int_equal(it->received_ms, T0 + 5);
    assert_string_equal(order_text(it->order, SL_ORDER_STATUS), "processing");
    assert_int_equal(it->order->money[SL_ORDER_TOTAL], 1210);
    /* The raw body is kept byte for byte. */
    assert_string_equal(it->order->raw, "{\"id\":1042,\"status\":\"processing\"}");
    inbox_item_free(it);
    assert_int_equal(inbox_load(f->s, 999, &it, &err), SL_ENOTFOUND);
}

static void same_content_five_times_is_one_revision(void **state)
{
    fixture *f = *state;
    int64_t first = 0, id = 0;
    assert_int_equal(intake(f->s, "7", "processing", T0, T0, &first), INBOX_NEW);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(intake(f->s, "7", "processing", T0, T0 + i, &id), INBOX_DUPLICATE);
        assert_int_equal(id, first);
    }
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_items"), 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_revisions"), 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_events "
                                 "WHERE kind = 'duplicate'"),
                     4);
    /* The same external id on another channel is another order. */
    sl_error err = {.size = sizeof err};
    order *o = make("7", "processing", T0);
    free(o->channel);
    o->channel = strdup("mozello");
    int result;
    OK(store_begin(f->s, &err));
    OK(inbox_intake(f->s, o, T0, &result, &id, &err));
    OK(store_commit(f->s, &err));
    order_free(o);
    assert_int_equal(result, INBOX_NEW);
    assert_int_not_equal(id, first);
}

static void changed_content_is_a_revision_back_to_received(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    int64_t id = 0;
    intake(f->s, "8", "paid", T0, T0, &id);
    OK(inbox_mark(f->s, id, T0 + 1, INBOX_PROCESSED, "invoice INV-1", &err));
    assert_int_equal(state_of(f->s, id), INBOX_PROCESSED);
    assert_int_equal(intake(f->s, "8", "cancelled", T0 + 60000, T0 + 2, &id), INBOX_REVISION);
    inbox_item *it = NULL;
    OK(inbox_load(f->s, id, &it, &err));
    assert_int_equal(it->state, INBOX_RECEIVED);
    assert_int_equal(it->revision_no, 2);
    assert_string_equal(order_text(it->order, SL_ORDER_STATUS), "cancelled");
    inbox_item_free(it);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_revisions"), 2);
    /* Re-delivering the first content is a duplicate, not a rollback. */
    assert_int_equal(intake(f->s, "8", "paid", T0, T0 + 3, &id), INBOX_DUPLICATE);
    assert_int_equal(state_of(f->s, id), INBOX_RECEIVED);
}

static void older_revision_is_stale_and_changes_nothing(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    int64_t id = 0;
    intake(f->s, "9", "cancelled", T0 + 60000, T0, &id);
    OK(inbox_mark(f->s, id, T0 + 1, INBOX_PROCESSED, NULL, &err));
    assert_int_equal(intake(f->s, "9", "paid", T0, T0 + 2, &id), INBOX_STALE);
    inbox_item *it = NULL;
    OK(inbox_load(f->s, id, &it, &err));
    assert_int_equal(it->state, INBOX_PROCESSED);
    assert_int_equal(it->revision_no, 1);
    assert_string_equal(order_text(it->order, SL_ORDER_STATUS), "cancelled");
    inbox_item_free(it);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_revisions "
                                 "WHERE stale = 1 AND revision_no = 2"),
                     1);
    /* A later change still becomes current after the stale one. */
    assert_int_equal(intake(f->s, "9", "refunded", T0 + 90000, T0 + 3, &id), INBOX_REVISION);
    OK(inbox_load(f->s, id, &it, &err));
    assert_int_equal(it->revision_no, 3);
    inbox_item_free(it);
}

static void cursor_commits_and_rolls_back_with_orders(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    char *cur = (char *)"x";
    OK(inbox_cursor_get(f->s, "woo", &cur, &err));
    assert_null(cur);
    order *o = make("10", "processing", T0);
    int result;
    int64_t id;
    OK(store_begin(f->s, &err));
    OK(inbox_intake(f->s, o, T0, &result, &id, &err));
    OK(inbox_cursor_put(f->s, "woo", T0, "page=2", &err));
    store_rollback(f->s);
    OK(inbox_cursor_get(f->s, "woo", &cur, &err));
    assert_null(cur);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_items"), 0);

    OK(store_begin(f->s, &err));
    OK(inbox_intake(f->s, o, T0, &result, &id, &err));
    OK(inbox_cursor_put(f->s, "woo", T0, "page=2", &err));
    OK(store_commit(f->s, &err));
    OK(inbox_cursor_get(f->s, "woo", &cur, &err));
    assert_string_equal(cur, "page=2");
    free(cur);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_items"), 1);
    order_free(o);
}

static void intake_needs_a_transaction_and_a_valid_order(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    order *o = make("11", "processing", T0);
    int result = -1;
    int64_t id = -1;
    assert_int_equal(inbox_intake(f->s, o, T0, &result, &id, &err), SL_EINTERNAL);
    OK(order_set_text(o, SL_ORDER_EXTERNAL_ID, "", &err));
    OK(store_begin(f->s, &err));
    assert_int_equal(inbox_intake(f->s, o, T0, &result, &id, &err), SL_EINVALID);
    assert_string_equal(err.field, "order.external_id");
    store_rollback(f->s);
    assert_int_equal(result, -1);
    assert_int_equal(id, -1);
    order_free(o);
}

static void failures_back_off_then_die(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    int64_t id = 0, ids[8];
    int n = 0;
    intake(f->s, "12", "processing", T0, T0, &id);
    OK(inbox_pending(f->s, T0, ids, 8, &n, &err));
    assert_int_equal(n, 1);
    int64_t now = T0;
    int64_t expect_wait = INBOX_BACKOFF_BASE_MS;
    for (int attempt = 1; attempt < INBOX_MAX_ATTEMPTS; attempt++) {
        OK(inbox_mark_failed(f->s, id, now, "no tax mapping for 21%", &err));
        inbox_item *it = NULL;
        OK(inbox_load(f->s, id, &it, &err));
        assert_int_equal(it->state, INBOX_FAILED);
        assert_int_equal(it->attempts, attempt);
        assert_int_equal(it->next_attempt_ms, now + expect_wait);
        assert_string_equal(it->last_error, "no tax mapping for 21%");
        inbox_item_free(it);
        /* Not due just before, due at the scheduled time. */
        OK(inbox_pending(f->s, now + expect_wait - 1, ids, 8, &n, &err));
        assert_int_equal(n, 0);
        now += expect_wait;
        OK(inbox_pending(f->s, now, ids, 8, &n, &err));
        assert_int_equal(n, 1);
        expect_wait *= 2;
    }
    OK(inbox_mark_failed(f->s, id, now, "still broken", &err));
    assert_int_equal(state_of(f->s, id), INBOX_DEAD);
    OK(inbox_pending(f->s, now + 100 * INBOX_BACKOFF_MAX_MS, ids, 8, &n, &err));
    assert_int_equal(n, 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_events "
                                 "WHERE kind IN ('failed','dead')"),
                     INBOX_MAX_ATTEMPTS);
}

/* The queue is received and due failed items merged by id, at most
   `max`, whichever side is longer: a backlog of received items does not
   push a due failed one with a smaller id out of the batch. */
static void pending_merges_received_and_due_failed_by_id(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    int64_t id[10], ids[8];
    int n = 0;
    for (int i = 0; i < 10; i++) {
        char ext[8];
        snprintf(ext, sizeof ext, "%d", 100 + i);
        intake(f->s, ext, "processing", T0, T0, &id[i]);
    }
    OK(inbox_mark_failed(f->s, id[1], T0, "due", &err));
    OK(inbox_mark_failed(f->s, id[3], T0 + 10 * INBOX_BACKOFF_MAX_MS, "not due", &err));
    OK(inbox_mark(f->s, id[2], T0, INBOX_PROCESSED, "", &err));
    int64_t now = T0 + INBOX_BACKOFF_BASE_MS;
    OK(inbox_pending(f->s, now, ids, 4, &n, &err));
    assert_int_equal(n, 4);
    int64_t want[] = {id[0], id[1], id[4], id[5]};
    for (int i = 0; i < 4; i++)
        assert_int_equal(ids[i], want[i]);
    OK(inbox_pending(f->s, now, ids, 8, &n, &err));
    assert_int_equal(n, 8); /* 0, 1, 4..9 */
    assert_int_equal(ids[7], id[9]);
}

/* inbox_next_due says when inbox_pending next has work (serve's idle
   writer sleeps until then): nothing, now for a received item, else the
   earliest failed item's next attempt; a dead item never. */
static void next_due_follows_pending(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    int64_t a = 0, b = 0, when = -1;
    OK(inbox_next_due(f->s, &when, &err));
    assert_int_equal(when, 0);
    intake(f->s, "200", "processing", T0, T0, &a);
    intake(f->s, "201", "processing", T0, T0, &b);
    OK(inbox_next_due(f->s, &when, &err));
    assert_int_equal(when, 1);
    OK(inbox_mark_failed(f->s, a, T0, "later", &err));
    OK(inbox_mark_failed(f->s, b, T0 + 5000, "later still", &err));
    OK(inbox_next_due(f->s, &when, &err));
    assert_int_equal(when, T0 + INBOX_BACKOFF_BASE_MS);
    int64_t ids[4];
    int n = 0;
    OK(inbox_pending(f->s, when - 1, ids, 4, &n, &err));
    assert_int_equal(n, 0);
    OK(inbox_pending(f->s, when, ids, 4, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], a);
    OK(inbox_mark(f->s, a, T0, INBOX_PROCESSED, "", &err));
    OK(inbox_next_due(f->s, &when, &err));
    assert_int_equal(when, T0 + 5000 + INBOX_BACKOFF_BASE_MS);
    OK(inbox_mark(f->s, b, T0, INBOX_DEAD, "", &err));
    OK(inbox_next_due(f->s, &when, &err));
    assert_int_equal(when, 0);
}

static void operator_retry_restarts_the_item(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    int64_t id = 0;
    intake(f->s, "13", "processing", T0, T0, &id);
    OK(inbox_mark(f->s, id, T0, INBOX_DEAD, "gave up", &err));
    OK(inbox_retry(f->s, id, T0 + 1, &err));
    inbox_item *it = NULL;
    OK(inbox_load(f->s, id, &it, &err));
    assert_int_equal(it->state, INBOX_RECEIVED);
    assert_int_equal(it->attempts, 0);
    inbox_item_free(it);
    OK(inbox_mark(f->s, id, T0 + 2, INBOX_DRAFT, "totals differ", &err));
    OK(inbox_retry(f->s, id, T0 + 3, &err));
    assert_int_equal(state_of(f->s, id), INBOX_RECEIVED);
    OK(inbox_mark(f->s, id, T0 + 4, INBOX_PROCESSED, NULL, &err));
    assert_int_equal(inbox_retry(f->s, id, T0 + 5, &err), SL_ECONFLICT);
    assert_int_equal(inbox_retry(f->s, 4242, T0, &err), SL_ENOTFOUND);
    assert_int_equal(inbox_mark(f->s, 4242, T0, INBOX_DRAFT, NULL, &err), SL_ENOTFOUND);
    assert_int_equal(inbox_mark(f->s, id, T0, 42, NULL, &err), SL_EINVALID);
    /* A failed state change inside the caller's transaction leaves the
       transaction to the caller. */
    OK(store_begin(f->s, &err));
    assert_int_equal(inbox_retry(f->s, id, T0, &err), SL_ECONFLICT);
    assert_true(store_in_tx(f->s));
    store_rollback(f->s);
}

static void json_views_list_and_show(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    int64_t a = 0, b = 0;
    intake(f->s, "20", "processing", T0, T0, &a);
    intake(f->s, "21", "processing", T0, T0, &b);
    intake(f->s, "21", "completed", T0 + 1, T0 + 1, &b);
    OK(inbox_mark_failed(f->s, a, T0, "boom", &err));
    json_t *all = inbox_list_json(f->s, NULL, 10, &err);
    assert_int_equal(json_array_size(all), 2);
    json_t *first = json_array_get(all, 0); /* newest first */
    assert_int_equal(json_integer_value(json_object_get(first, "id")), b);
    assert_string_equal(json_string_value(json_object_get(first, "status")), "completed");
    assert_int_equal(json_integer_value(json_object_get(first, "total")), 1210);
    json_decref(all);
    json_t *failed = inbox_list_json(f->s, "failed", 10, &err);
    assert_int_equal(json_array_size(failed), 1);
    json_decref(failed);
    assert_null(inbox_list_json(f->s, "weird", 10, &err));
    assert_string_equal(err.field, "state");

    json_t *show = inbox_show_json(f->s, b, &err);
    assert_non_null(show);
    json_t *revs = json_object_get(show, "revisions");
    assert_int_equal(json_array_size(revs), 2);
    assert_true(json_is_true(json_object_get(json_array_get(revs, 1), "current")));
    assert_true(json_is_false(json_object_get(json_array_get(revs, 0), "current")));
    json_t *ord = json_object_get(json_array_get(revs, 1), "order");
    assert_string_equal(json_string_value(json_object_get(ord, "status")), "completed");
    assert_int_equal(json_array_size(json_object_get(show, "events")), 2);
    json_decref(show);
    assert_null(inbox_show_json(f->s, 777, &err));
    assert_int_equal(err.code, SL_ENOTFOUND);
}

/* ---- the arrivals queue: filed exactly as direct intake files ---------- */

/* Appends one order in its own transaction, as the writer does. */
static void append(store *s, const char *id, const char *status, int64_t modified, int64_t now)
{
    sl_error err = {.size = sizeof err};
    order *o = make(id, status, modified);
    inbox_arrival a;
    OK(inbox_arrival_prepare(o, &a, &err));
    OK(store_begin(s, &err));
    OK(inbox_arrival_append(s, &a, now, &err));
    OK(store_commit(s, &err));
    inbox_arrival_clear(&a);
    order_free(o);
}

static int sort_all(store *s, int *current)
{
    sl_error err = {.size = sizeof err};
    int sorted = 0;
    OK(inbox_arrivals_sort(s, 1000, &sorted, current, &err));
    return sorted;
}

/* The current revision's status of the one item with this id. */
static void assert_current_status(store *s, const char *id, const char *want)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT json_extract(r.normalized, '$.status') "
                                  "FROM inbox_items i JOIN inbox_revisions r "
                                  "ON r.id = i.current_revision WHERE i.external_id = ?1",
                                  NULL);
    assert_non_null(st);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), want);
    sqlite3_reset(st);
}

static void filing_matches_direct_intake(void **state)
{
    fixture *f = *state;
    append(f->s, "7", "processing", T0 + 100, T0 + 1);
    append(f->s, "7", "processing", T0 + 100, T0 + 2); /* repeat */
    append(f->s, "7", "completed", T0 + 300, T0 + 3);  /* newer */
    append(f->s, "7", "on-hold", T0 + 200, T0 + 4);    /* late, older */
    append(f->s, "8", "processing", 0, T0 + 5);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_items"), 0);
    int64_t waiting = 0;
    sl_error err = {.size = sizeof err};
    OK(inbox_arrivals_waiting(f->s, &waiting, &err));
    assert_int_equal(waiting, 5);

    int current = 0;
    assert_int_equal(sort_all(f->s, &current), 5);
    assert_int_equal(current, 3); /* 7 new, 7 revision, 8 new */
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_items"), 2);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_revisions"), 4);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_revisions WHERE stale = 1"), 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_events WHERE kind = 'duplicate'"), 1);
    assert_current_status(f->s, "7", "completed");
    /* The item keeps the time the order arrived, not the time it was filed. */
    assert_int_equal(count(f->s, "SELECT received_ms FROM inbox_items WHERE external_id = '8'"),
                     T0 + 5);
    OK(inbox_arrivals_waiting(f->s, &waiting, &err));
    assert_int_equal(waiting, 0);
    assert_int_equal(sort_all(f->s, NULL), 0);
}

static void arrival_order_decides_without_modified_times(void **state)
{
    fixture *f = *state;
    append(f->s, "9", "pending", 0, T0 + 1);
    append(f->s, "9", "processing", 0, T0 + 2);
    append(f->s, "9", "cancelled", 0, T0 + 3);
    assert_int_equal(sort_all(f->s, NULL), 3);
    assert_current_status(f->s, "9", "cancelled");
}

static void arrivals_survive_a_reopen_and_are_filed_once(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    append(f->s, "10", "processing", T0, T0 + 1);
    append(f->s, "11", "processing", T0, T0 + 2);
    store_close(f->s); /* as if serve stopped after acknowledging */
    OK(store_open(f->path, &f->s, &err));
    int sorted = 0;
    OK(inbox_arrivals_sort(f->s, 1, &sorted, NULL, &err)); /* a small batch */
    assert_int_equal(sorted, 1);
    assert_int_equal(sort_all(f->s, NULL), 1);
    assert_int_equal(sort_all(f->s, NULL), 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_items"), 2);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_revisions"), 2);
}

static void filing_rolls_back_with_the_caller(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    append(f->s, "12", "processing", T0, T0 + 1);
    OK(store_begin(f->s, &err));
    int sorted = 0;
    OK(inbox_arrivals_sort(f->s, 10, &sorted, NULL, &err));
    assert_int_equal(sorted, 1);
    store_rollback(f->s); /* a crash before the commit */
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_items"), 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_arrivals"), 1);
    assert_int_equal(sort_all(f->s, NULL), 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_items"), 1);
}

static void append_needs_a_transaction_and_a_valid_order(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    order *o = make("13", "processing", T0);
    inbox_arrival a;
    OK(inbox_arrival_prepare(o, &a, &err));
    assert_int_equal(inbox_arrival_append(f->s, &a, T0, &err), SL_EINTERNAL);
    inbox_arrival_clear(&a);
    order_free(o);

    order *bad = order_new("acme", "woo"); /* no external id */
    assert_int_not_equal(inbox_arrival_prepare(bad, &a, &err), SL_OK);
    inbox_arrival_clear(&a);
    order_free(bad);
    assert_int_equal(count(f->s, "SELECT count(*) FROM inbox_arrivals"), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(new_order_is_stored_raw_and_normalized),
        T(same_content_five_times_is_one_revision),
        T(changed_content_is_a_revision_back_to_received),
        T(older_revision_is_stale_and_changes_nothing),
        T(cursor_commits_and_rolls_back_with_orders),
        T(intake_needs_a_transaction_and_a_valid_order),
        T(failures_back_off_then_die),
        T(pending_merges_received_and_due_failed_by_id),
        T(next_due_follows_pending),
        T(operator_retry_restarts_the_item),
        T(json_views_list_and_show),
        T(filing_matches_direct_intake),
        T(arrival_order_decides_without_modified_times),
        T(arrivals_survive_a_reopen_and_are_filed_once),
        T(filing_rolls_back_with_the_caller),
        T(append_needs_a_transaction_and_a_valid_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
