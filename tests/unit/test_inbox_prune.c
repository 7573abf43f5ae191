/*
 * Retention of the deliveries log (inbox/inbox_prune.c, intake_prune):
 * a parsed or ignored delivery older than the cutoff goes, a younger one
 * stays; 'new' and 'failed' ones stay at any age; one parsed at or after
 * the filing of an unsettled item's current revision (received, failed,
 * draft, dead) on its channel stays until the item is processed, and
 * only on that channel; a batch deletes at most its bound, oldest first,
 * counting rows and bytes exactly; a dry run counts and deletes nothing;
 * the tenant's keep_deliveries sets the cutoff.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "intake/intake.h"
#include "shopledger/sdkutil.h"

#define OK(call) assert_int_equal((call), SL_OK)
#define DAY 86400000LL
#define T0 (1767225600000LL) /* 2026-01-01 */
#define HEADERS "{\"X-Topic\":\"order.created\"}"

typedef struct fixture {
    char dir[64];
    char path[96];
    store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL || sl_test_mkdtemp(f->dir, sizeof f->dir, "prune") != 0)
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

/* A delivery of `body` on `channel` received at `at`, then marked
   `state` at `parsed` (state "new": left unparsed). */
static int64_t delivery(store *s, const char *channel, const char *body, int64_t at,
                        const char *state, int64_t parsed)
{
    sl_error err = {.size = sizeof err};
    int64_t id = 0;
    OK(store_begin(s, &err));
    OK(inbox_delivery_append(s, channel, HEADERS, body, strlen(body), at, &id, &err));
    if (strcmp(state, "new") != 0)
        OK(inbox_delivery_mark(s, id, state, strcmp(state, "parsed") == 0, NULL, parsed, &err));
    OK(store_commit(s, &err));
    return id;
}

/* An inbox item of `channel` whose current revision is filed at `at`,
   left in `state`. */
static int64_t item(store *s, const char *channel, const char *id, int64_t at, int state)
{
    sl_error err = {.size = sizeof err};
    order *o = order_new("acme", channel);
    OK(order_set_text(o, SL_ORDER_EXTERNAL_ID, id, &err));
    OK(order_set_text(o, SL_ORDER_STATUS, "processing", &err));
    OK(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err));
    OK(order_set_money(o, SL_ORDER_TOTAL, "10.00", &err));
    order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
    OK(order_line_set_text(o, l, SL_LINE_SKU, "A-1", &err));
    OK(order_line_set_money(o, l, SL_LINE_TOTAL, "10.00", &err));
    int result = 0;
    int64_t item_id = 0;
    OK(store_begin(s, &err));
    OK(inbox_intake(s, o, at, &result, &item_id, &err));
    if (state != INBOX_RECEIVED)
        OK(inbox_mark(s, item_id, at, state, "test", &err));
    OK(store_commit(s, &err));
    order_free(o);
    return item_id;
}

static int64_t count_where(store *s, const char *where)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM inbox_deliveries WHERE %s", where);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int present(store *s, int64_t id)
{
    char where[64];
    snprintf(where, sizeof where, "id = %lld", (long long)id);
    return (int)count_where(s, where);
}

static inbox_prune_count prune(store *s, int64_t cutoff, int max)
{
    sl_error err = {.size = sizeof err};
    inbox_prune_count c = {-1, -1};
    OK(inbox_deliveries_prune_batch(s, cutoff, max, &c, &err));
    return c;
}

static void age_and_state_decide(void **state)
{
    fixture *f = *state;
    int64_t old_parsed = delivery(f->s, "woo", "{\"id\":1}", T0, "parsed", T0 + 1);
    int64_t old_ignored = delivery(f->s, "woo", "{\"ping\":2}", T0 + 1, "ignored", T0 + 2);
    int64_t old_failed = delivery(f->s, "woo", "{\"id\":3,bad}", T0 + 2, "failed", T0 + 3);
    int64_t old_new = delivery(f->s, "woo", "{\"id\":4}", T0 + 3, "new", 0);
    int64_t young = delivery(f->s, "woo", "{\"id\":5}", T0 + 10 * DAY, "parsed", T0 + 10 * DAY);
    int64_t edge = delivery(f->s, "woo", "{\"id\":6}", T0 + 5 * DAY, "parsed", T0 + 5 * DAY);

    sl_error err = {.size = sizeof err};
    inbox_prune_count dry = {0};
    OK(inbox_deliveries_prunable(f->s, T0 + 5 * DAY, &dry, &err));
    assert_int_equal(dry.rows, 2);
    assert_int_equal(
        dry.bytes, (int64_t)(strlen("{\"id\":1}") + strlen("{\"ping\":2}") + 2 * strlen(HEADERS)));
    assert_int_equal(count_where(f->s, "1"), 6); /* counting deletes nothing */

    inbox_prune_count c = prune(f->s, T0 + 5 * DAY, INBOX_PRUNE_BATCH_MAX);
    assert_int_equal(c.rows, 2);
    assert_int_equal(c.bytes, dry.bytes);
    assert_false(present(f->s, old_parsed));
    assert_false(present(f->s, old_ignored));
    assert_true(present(f->s, old_failed)); /* evidence: replayable */
    assert_true(present(f->s, old_new));    /* not parsed yet */
    assert_true(present(f->s, young));
    assert_true(present(f->s, edge)); /* received exactly at the cutoff: not before it */
    assert_int_equal(prune(f->s, T0 + 5 * DAY, INBOX_PRUNE_BATCH_MAX).rows, 0);

    /* A replay that files the failed one makes it parsed: then age counts. */
    OK(inbox_delivery_mark(f->s, old_failed, "parsed", 1, NULL, T0 + 4, &err));
    assert_int_equal(prune(f->s, T0 + 5 * DAY, INBOX_PRUNE_BATCH_MAX).rows, 1);
    assert_false(present(f->s, old_failed));
}

static void unsettled_item_holds_its_channel(void **state)
{
    fixture *f = *state;
    int64_t before = delivery(f->s, "woo", "{\"id\":1}", T0, "parsed", T0 + 10);
    int64_t at = delivery(f->s, "woo", "{\"id\":2}", T0 + 50, "parsed", T0 + 100);
    int64_t after = delivery(f->s, "woo", "{\"id\":3}", T0 + 150, "parsed", T0 + 200);
    int64_t other = delivery(f->s, "mozello", "{\"id\":2}", T0 + 150, "parsed", T0 + 200);
    int64_t done = item(f->s, "woo", "1", T0 + 10, INBOX_PROCESSED);
    int64_t draft = item(f->s, "woo", "2", T0 + 100, INBOX_DRAFT);
    (void)done;
    int64_t cutoff = T0 + 30 * DAY;

    assert_int_equal(prune(f->s, cutoff, INBOX_PRUNE_BATCH_MAX).rows, 2);
    assert_false(present(f->s, before)); /* parsed before the draft's revision */
    assert_true(present(f->s, at));      /* parsed when it was filed: its own */
    assert_true(present(f->s, after));   /* parsed after: may be too */
    assert_false(present(f->s, other));  /* another channel is not held */

    /* Every unsettled state holds: received, failed, dead as draft does. */
    static const int holding[] = {INBOX_RECEIVED, INBOX_FAILED, INBOX_DEAD};
    sl_error err = {.size = sizeof err};
    for (size_t i = 0; i < sizeof holding / sizeof holding[0]; i++) {
        OK(inbox_mark(f->s, draft, T0 + 300, holding[i], "test", &err));
        assert_int_equal(prune(f->s, cutoff, INBOX_PRUNE_BATCH_MAX).rows, 0);
    }
    /* Processed, it holds nothing any more. */
    OK(inbox_mark(f->s, draft, T0 + 400, INBOX_PROCESSED, "booked", &err));
    assert_int_equal(prune(f->s, cutoff, INBOX_PRUNE_BATCH_MAX).rows, 2);
    assert_int_equal(count_where(f->s, "1"), 0);
}

static void batches_are_bounded_oldest_first(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    OK(store_begin(f->s, &err));
    for (int i = 0; i < 2500; i++) {
        char body[32];
        int n = snprintf(body, sizeof body, "{\"id\":%d}", i);
        int64_t id = 0;
        const char *channel = i % 2 ? "woo" : "shop";
        OK(inbox_delivery_append(f->s, channel, "{}", body, (size_t)n, T0 + i, &id, &err));
        OK(inbox_delivery_mark(f->s, id, "parsed", 1, NULL, T0 + i, &err));
    }
    OK(store_commit(f->s, &err));
    int64_t cutoff = T0 + 2400; /* the last 100 are young */

    assert_int_equal(inbox_deliveries_prune_batch(f->s, cutoff, 0, &(inbox_prune_count){0}, &err),
                     SL_EINVALID);
    assert_int_equal(inbox_deliveries_prune_batch(f->s, cutoff, INBOX_PRUNE_BATCH_MAX + 1,
                                                  &(inbox_prune_count){0}, &err),
                     SL_EINVALID);
    inbox_prune_count c = prune(f->s, cutoff, 1000);
    assert_int_equal(c.rows, 1000);
    assert_int_equal(count_where(f->s, "1"), 1500);
    c = prune(f->s, cutoff, 1000);
    assert_int_equal(c.rows, 1000);
    c = prune(f->s, cutoff, 1000);
    assert_int_equal(c.rows, 400); /* fewer than asked: nothing is left */
    assert_int_equal(count_where(f->s, "1"), 100);
    assert_int_equal(count_where(f->s, "received_ms < 1767225602400"), 0);
}

static void oldest_go_first(void **state)
{
    fixture *f = *state;
    int64_t ids[6];
    for (int i = 0; i < 6; i++) { /* appended newest first: ids do not give the order */
        char body[32];
        snprintf(body, sizeof body, "{\"id\":%d}", i);
        ids[i] = delivery(f->s, "woo", body, T0 + (6 - i) * DAY, "parsed", T0 + (6 - i) * DAY);
    }
    assert_int_equal(prune(f->s, T0 + 30 * DAY, 2).rows, 2);
    for (int i = 0; i < 6; i++) /* the two received first (the last appended) went */
        assert_int_equal(present(f->s, ids[i]), i < 4);
}

static void intake_prune_uses_keep_deliveries(void **state)
{
    fixture *f = *state;
    config_tenant t = {.keep_deliveries_s = 30 * 86400};
    int64_t now = T0 + 100 * DAY;
    int64_t old = delivery(f->s, "woo", "{\"id\":1}", now - 31 * DAY, "parsed", now - 31 * DAY);
    int64_t young = delivery(f->s, "woo", "{\"id\":2}", now - 29 * DAY, "parsed", now - 29 * DAY);
    sl_error err = {.size = sizeof err};
    intake_prune_summary sum = {0};
    OK(intake_prune(f->s, &t, now, 10, 1, &sum, &err));
    assert_int_equal(sum.cutoff_ms, now - 30 * DAY);
    assert_int_equal(sum.rows, 1);
    assert_int_equal(sum.bytes, (int64_t)(strlen("{\"id\":1}") + strlen(HEADERS)));
    assert_true(present(f->s, old)); /* dry run */
    OK(intake_prune(f->s, &t, now, 10, 0, &sum, &err));
    assert_int_equal(sum.rows, 1);
    assert_int_equal(sum.done, 1);
    assert_false(present(f->s, old));
    assert_true(present(f->s, young));
    /* Not inside a transaction: it runs its own, one per batch. */
    OK(store_begin(f->s, &err));
    assert_int_equal(intake_prune(f->s, &t, now, 10, 0, &sum, &err), SL_EINTERNAL);
    store_rollback(f->s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(age_and_state_decide, setup, teardown),
        cmocka_unit_test_setup_teardown(unsettled_item_holds_its_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(batches_are_bounded_oldest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(oldest_go_first, setup, teardown),
        cmocka_unit_test_setup_teardown(intake_prune_uses_keep_deliveries, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
