/*
 * The work pool (host/server/pool.c): a task never runs on two threads at
 * once, a wake during a run runs it once more (none is lost), a due time
 * runs it, and a cancelled task runs no more.
 * Every wait below is bounded; no timing decides a verdict.
 */
#include <stdatomic.h>
#include <time.h>

#include "support.h"

#include "server/pool.h"
#include "services/services.h"

typedef struct counted {
    pool_task task;
    atomic_int runs, inside, overlap;
    int64_t again_ms; /* returned by the run (0: none) */
    int again_left;   /* how many runs return again_ms */
} counted;

static void pause_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static int64_t count_run(void *arg)
{
    counted *c = arg;
    if (atomic_fetch_add(&c->inside, 1) != 0)
        atomic_store(&c->overlap, 1);
    pause_ms(1); /* long enough for wakes from other threads to meet a run */
    atomic_fetch_add(&c->runs, 1);
    atomic_fetch_sub(&c->inside, 1);
    if (c->again_left > 0) {
        c->again_left--;
        return services_now_ms() + c->again_ms;
    }
    return 0;
}

/* Waits (bounded: 5 s) until c ran at least n times. */
static int ran(counted *c, int n)
{
    for (int i = 0; i < 5000 && atomic_load(&c->runs) < n; i++)
        pause_ms(1);
    return atomic_load(&c->runs) >= n;
}

static void test_wakes_never_overlap_and_none_is_lost(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    work_pool *p = pool_new("t-pool", 4, &err);
    assert_non_null(p);
    counted c = {0};
    pool_task_init(&c.task, p, count_run, &c);
    for (int i = 0; i < 200; i++)
        pool_wake(&c.task);
    assert_true(ran(&c, 1));
    pool_task_cancel(&c.task); /* waits for a run in flight */
    int after = atomic_load(&c.runs);
    /* 200 wakes: at least one run, never two at once, at most one per wake. */
    assert_int_equal(atomic_load(&c.overlap), 0);
    assert_true(after >= 1 && after <= 200);
    /* A wake after the last run started always gets a run of its own. */
    pool_wake(&c.task);
    assert_true(ran(&c, after + 1));
    pool_stop(p);
    pool_free(p);
}

static void test_due_time_runs_the_task(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    work_pool *p = pool_new("t-pool", 2, &err);
    assert_non_null(p);
    counted c = {.again_ms = 5, .again_left = 3};
    pool_task_init(&c.task, p, count_run, &c);
    pool_wake_at(&c.task, services_now_ms() + 5);
    /* The timer's run, then the three it asked for itself. */
    assert_true(ran(&c, 4));
    pool_task_cancel(&c.task);
    assert_int_equal(atomic_load(&c.runs), 4);
    pool_stop(p);
    pool_free(p);
}

static void test_cancel_drops_queued_and_timed_work(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    work_pool *p = pool_new("t-pool", 1, &err);
    assert_non_null(p);
    counted busy = {0}, c = {0};
    pool_task_init(&busy.task, p, count_run, &busy);
    pool_task_init(&c.task, p, count_run, &c);
    pool_wake_at(&c.task, services_now_ms() + 60000);
    pool_task_cancel(&c.task);
    pool_wake(&busy.task);
    assert_true(ran(&busy, 1));
    assert_int_equal(atomic_load(&c.runs), 0);
    pool_stop(p);
    pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wakes_never_overlap_and_none_is_lost),
        cmocka_unit_test(test_due_time_runs_the_task),
        cmocka_unit_test(test_cancel_drops_queued_and_timed_work),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
