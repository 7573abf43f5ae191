/*
 * Failed intake (inbox/inbox_failed.c) and the builder's refused path:
 * an input is stored verbatim with its reason and read back byte for
 * byte; the same body on a channel is kept once; a replay marks it once
 * (a second mark is a conflict, so racing replays cannot both file it);
 * a refusal again counts and replaces the reason; a rolled back intake
 * stores nothing. The builder hands an order it refuses to a sink that
 * keeps failed intake and answers the plugin SL_OK, and without one
 * reports the refusal as before.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "services/services.h"
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
    if (f == NULL || sl_test_mkdtemp(f->dir, sizeof f->dir, "failed") != 0)
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

/* A body with a NUL inside: stored as bytes, not as text. */
static const char BODY[] = "{\"id\":7,\"line_items\":[{\"quantity\":\"abc\"}]}\0tail";
#define BODY_LEN (sizeof BODY - 1)

static int64_t put(store *s, const char *channel, const char *body, size_t len)
{
    sl_error why = {.size = sizeof why};
    sl_error_set(&why, SL_EINVALID, "line_items[0].quantity", "not a decimal: \"abc\"");
    inbox_failed_input *in = inbox_failed_input_new(
        channel, "webhook", "", "{\"X-WC-Webhook-Topic\":\"order.updated\"}", body, len, &why);
    assert_non_null(in);
    sl_error err = {.size = sizeof err};
    int64_t id = -1;
    OK(inbox_failed_put(s, in, T0, &id, &err));
    inbox_failed_input_free(in);
    return id;
}

static int waiting(store *s)
{
    int64_t ids[8];
    int n = -1;
    sl_error err = {.size = sizeof err};
    OK(inbox_failed_waiting(s, ids, 8, &n, &err));
    return n;
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    int64_t id = put(f->s, "woo", BODY, BODY_LEN);
    assert_int_equal(id, 1);
    sl_error err = {.size = sizeof err};
    inbox_failed_row *r = NULL;
    OK(inbox_failed_load(f->s, id, &r, &err));
    assert_string_equal(r->channel, "woo");
    assert_string_equal(r->source, "webhook");
    assert_string_equal(r->headers, "{\"X-WC-Webhook-Topic\":\"order.updated\"}");
    assert_int_equal(r->body_len, BODY_LEN);
    assert_memory_equal(r->body, BODY, BODY_LEN);
    assert_string_equal(r->field, "line_items[0].quantity");
    assert_string_equal(r->reason, "not a decimal: \"abc\"");
    assert_int_equal(r->replayed, 0);
    assert_int_equal(r->attempts, 0);
    inbox_failed_row_free(r);
    json_t *rows = inbox_failed_list_json(f->s, 0, 10, &err);
    assert_int_equal(json_array_size(rows), 1);
    json_t *row = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(row, "state")), "failed");
    assert_int_equal(json_integer_value(json_object_get(row, "body_bytes")), BODY_LEN);
    json_decref(rows);
    assert_int_equal(inbox_failed_load(f->s, 99, &r, &err), SL_ENOTFOUND);
    assert_string_equal(err.field, "id");
}

static void test_same_body_kept_once(void **state)
{
    fixture *f = *state;
    assert_int_equal(put(f->s, "woo", BODY, BODY_LEN), 1);
    assert_int_equal(put(f->s, "woo", BODY, BODY_LEN), 0); /* a repeat */
    /* The skipped repeat takes no id: rows 2 and 3 are the next two. */
    assert_int_equal(put(f->s, "woo", BODY, BODY_LEN - 1), 2); /* other bytes */
    assert_int_equal(put(f->s, "woo-eu", BODY, BODY_LEN), 3);  /* other channel */
    assert_int_equal(waiting(f->s), 3);
    int64_t n = -1;
    sl_error err = {.size = sizeof err};
    OK(inbox_failed_open_count(f->s, &n, &err));
    assert_int_equal(n, 3);
}

static void test_replayed_once(void **state)
{
    fixture *f = *state;
    int64_t id = put(f->s, "woo", BODY, BODY_LEN);
    sl_error err = {.size = sizeof err};
    OK(store_begin(f->s, &err));
    OK(inbox_failed_mark_replayed(f->s, id, T0 + 1000, &err));
    OK(store_commit(f->s, &err));
    assert_int_equal(waiting(f->s), 0);
    assert_int_equal(inbox_failed_mark_replayed(f->s, id, T0 + 2000, &err), SL_ECONFLICT);
    json_t *open_rows = inbox_failed_list_json(f->s, 0, 10, &err);
    json_t *all = inbox_failed_list_json(f->s, 1, 10, &err);
    assert_int_equal(json_array_size(open_rows), 0);
    assert_int_equal(json_array_size(all), 1);
    json_t *row = json_array_get(all, 0);
    assert_string_equal(json_string_value(json_object_get(row, "state")), "replayed");
    assert_int_equal(json_integer_value(json_object_get(row, "updated_ms")), T0 + 1000);
    json_decref(open_rows);
    json_decref(all);
}

static void test_refused_again(void **state)
{
    fixture *f = *state;
    int64_t id = put(f->s, "woo", BODY, BODY_LEN);
    sl_error why = {.size = sizeof why}, err = {.size = sizeof err};
    sl_error_set(&why, SL_EINVALID, "currency", "unknown currency 'XYZ'");
    OK(inbox_failed_refused_again(f->s, id, T0 + 5000, &why, &err));
    inbox_failed_row *r = NULL;
    OK(inbox_failed_load(f->s, id, &r, &err));
    assert_int_equal(r->attempts, 1);
    assert_string_equal(r->field, "currency");
    assert_string_equal(r->reason, "unknown currency 'XYZ'");
    inbox_failed_row_free(r);
    assert_int_equal(waiting(f->s), 1);
}

static void test_rolled_back_stores_nothing(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    OK(store_begin(f->s, &err));
    put(f->s, "woo", BODY, BODY_LEN);
    store_rollback(f->s);
    assert_int_equal(waiting(f->s), 0);
}

/* ---- the builder's refused path --------------------------------------- */

typedef struct refusals {
    int taken, refused;
    sl_error why;
} refusals;

static int take(void *data, order *o, sl_error *err)
{
    (void)err;
    ((refusals *)data)->taken++;
    order_free(o);
    return SL_OK;
}

static int keep(void *data, order *o, const sl_error *why, sl_error *err)
{
    (void)err;
    refusals *r = data;
    r->refused++;
    r->why = *why;
    order_free(o);
    return SL_OK;
}

/* Submits an order with an id and no currency: order_validate refuses it. */
static int submit_without_currency(sl_ctx *ctx, sl_error *err)
{
    const sl_host *h = services_table();
    sl_order *o = h->order_new(ctx);
    assert_non_null(o);
    OK(h->order_set_text(o, SL_ORDER_EXTERNAL_ID, "7"));
    OK(h->order_set_text(o, SL_ORDER_STATUS, "processing"));
    return h->order_submit(ctx, o, err);
}

static void test_builder_hands_refusal_to_sink(void **state)
{
    (void)state;
    sl_ctx *ctx = services_ctx_new(NULL, NULL, NULL);
    refusals r = {0};
    services_sink sink = {.data = &r, .order_take = take, .order_refused = keep};
    services_ctx_set_sink(ctx, &sink);
    services_call_begin(ctx);
    sl_error err = {.size = sizeof err};
    OK(submit_without_currency(ctx, &err));
    assert_int_equal(r.refused, 1);
    assert_int_equal(r.taken, 0);
    assert_int_equal(r.why.code, SL_EINVALID);
    assert_string_equal(r.why.field, "order.currency");
    /* Without a sink that keeps failed intake, the plugin hears the refusal. */
    services_sink plain = {.data = &r, .order_take = take};
    services_ctx_set_sink(ctx, &plain);
    assert_int_equal(submit_without_currency(ctx, &err), SL_EINVALID);
    assert_string_equal(err.field, "order.currency");
    assert_int_equal(r.refused, 1);
    services_call_end(ctx);
    services_ctx_set_sink(ctx, NULL);
    services_ctx_free(ctx);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_round_trip),
        T(test_same_body_kept_once),
        T(test_replayed_once),
        T(test_refused_again),
        T(test_rolled_back_stores_nothing),
        cmocka_unit_test(test_builder_hands_refusal_to_sink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
