/*
 * Webhook lanes (host/server/hook_lanes.c): each webhook channel gets
 * HOOK_LANES contexts of its own, so deliveries to one channel are parsed
 * on several threads while every context keeps one thread at a time.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#include "config/config.h"
#include "runtime/runtime.h"
#include "server/server_int.h"
#include "services/services.h"

typedef struct fixture {
    config_tenant *t;
    runtime_tenant *rt;
    server_tenant st;
    char db[64];
} fixture;

static void open_tenant(fixture *f, int open_plugins)
{
    snprintf(f->db, sizeof f->db, "lanes-%d.db", (int)getpid());
    f->t = sl_test_tenant(f->db, "document = invoice\nprocess_when = processing\nseries = SH\n");
    sl_error err = {.size = sizeof err};
    if (runtime_open(f->t, SL_TEST_PLUGIN_DIR, open_plugins, &f->rt, &err) != SL_OK)
        fail_msg("%s", err.message);
    f->st.rt = f->rt;
    if (hook_lanes_open(&f->st, &err) != SL_OK)
        fail_msg("%s", err.message);
}

static void close_tenant(fixture *f)
{
    hook_lanes_close(&f->st);
    runtime_close(f->rt);
    config_tenant_free(f->t);
    sl_test_remove_db(f->db);
}

/* Every lane taken at once is a different, opened context of the same
   plugin, and none is the channel's own context. */
static void test_lanes_are_distinct_contexts(void **state)
{
    (void)state;
    fixture f = {0};
    open_tenant(&f, 1);
    hook_lane *held[HOOK_LANES];
    runtime_channel *own = &f.rt->channels[0];
    for (int i = 0; i < HOOK_LANES; i++) {
        held[i] = hook_lane_take(&f.st, 0);
        assert_non_null(held[i]);
        runtime_channel *rc = hook_lane_channel(held[i]);
        assert_ptr_equal(rc->plugin, own->plugin);
        assert_ptr_equal(rc->config, own->config);
        assert_non_null(rc->state);
        assert_ptr_not_equal(rc->ctx, own->ctx);
        assert_ptr_not_equal(rc->state, own->state);
        for (int j = 0; j < i; j++) {
            assert_ptr_not_equal(held[i], held[j]);
            assert_ptr_not_equal(rc->ctx, hook_lane_channel(held[j])->ctx);
        }
    }
    for (int i = 0; i < HOOK_LANES; i++)
        hook_lane_give(held[i]);
    close_tenant(&f);
}

/* A lane holds no database connection until a call uses state; then it
   opens its own, on the tenant's database, and gives it back when the
   tenant rests (hook_lanes_release), opening it again on the next use. */
static void test_lane_state_opens_on_first_use(void **state)
{
    (void)state;
    fixture f = {0};
    open_tenant(&f, 1);
    hook_lane *lane = hook_lane_take(&f.st, 0);
    runtime_channel *rc = hook_lane_channel(lane);
    assert_false(services_ctx_holds_store(rc->ctx));
    const sl_host *h = services_table();
    sl_error err = {.size = sizeof err};
    services_call_begin(rc->ctx);
    assert_int_equal(h->state_put(rc->ctx, "cursor", "42", &err), SL_OK);
    services_call_end(rc->ctx);
    assert_true(services_ctx_holds_store(rc->ctx));
    hook_lane_give(lane);
    hook_lanes_release(&f.st);
    assert_false(services_ctx_holds_store(rc->ctx));
    lane = hook_lane_take(&f.st, 0);
    services_call_begin(rc->ctx);
    assert_int_equal(h->state_put(rc->ctx, "cursor", "43", &err), SL_OK);
    services_call_end(rc->ctx);
    hook_lane_give(lane);
    /* The channel's own context reads what the lane wrote. */
    runtime_channel *own = &f.rt->channels[0];
    const char *value = NULL;
    services_call_begin(own->ctx);
    assert_int_equal(h->state_get(own->ctx, "cursor", &value, &err), SL_OK);
    assert_non_null(value);
    assert_string_equal(value, "43");
    services_call_end(own->ctx);
    close_tenant(&f);
}

typedef struct waiter {
    server_tenant *st;
    hook_lane *got;
    atomic_int *released; /* set by the test just before it gives lanes back */
    int saw_release;
} waiter;

static void *take_and_give(void *arg)
{
    waiter *w = arg;
    w->got = hook_lane_take(w->st, 0);
    w->saw_release = atomic_load(w->released);
    hook_lane_give(w->got);
    return NULL;
}

/* With every lane busy a delivery waits for one instead of sharing it. */
static void test_take_waits_when_all_busy(void **state)
{
    (void)state;
    fixture f = {0};
    open_tenant(&f, 1);
    hook_lane *held[HOOK_LANES];
    for (int i = 0; i < HOOK_LANES; i++)
        held[i] = hook_lane_take(&f.st, 0);
    atomic_int released = 0;
    waiter w = {.st = &f.st, .released = &released};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, take_and_give, &w), 0);
    /* Time for a take that does not wait to come back (it must not). */
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    atomic_store(&released, 1);
    for (int i = 0; i < HOOK_LANES; i++)
        hook_lane_give(held[i]);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(w.saw_release);
    int found = 0;
    for (int i = 0; i < HOOK_LANES; i++)
        found |= w.got == held[i];
    assert_true(found);
    close_tenant(&f);
}

/* Without opened plugins there is nothing to parse with: no lane. */
static void test_no_lanes_without_parser(void **state)
{
    (void)state;
    fixture f = {0};
    open_tenant(&f, 0);
    assert_null(hook_lane_take(&f.st, 0));
    close_tenant(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lanes_are_distinct_contexts),
        cmocka_unit_test(test_take_waits_when_all_busy),
        cmocka_unit_test(test_no_lanes_without_parser),
        cmocka_unit_test(test_lane_state_opens_on_first_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
