/*
 * The WAL syncer (host/server/syncer.c): the writer commits intake with
 * synchronous=NORMAL and a delivery is answered only after the syncer has
 * flushed the WAL; when a flush fails that delivery and every later one
 * fail (the shop delivers again after a restart).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#include "config/config.h"
#include "runtime/runtime.h"
#include "server/server_int.h"

#define OK(x) assert_int_equal((x), SL_OK)

typedef struct fixture {
    config_tenant *t;
    server_options opt; /* idle_close_ms 0: the connection stays open */
    server_state s;
    server_tenant st;
    char db[64];
} fixture;

static void start(fixture *f)
{
    snprintf(f->db, sizeof f->db, "syncer-%d.db", (int)getpid());
    f->t = sl_test_tenant(f->db, "document = invoice\nprocess_when = never\nseries = SH\n");
    sl_error err = {.size = sizeof err};
    if (runtime_open(f->t, NULL, 0, &f->st.rt, &err) != SL_OK)
        fail_msg("%s", err.message);
    f->s.opt = &f->opt;
    f->s.writers = pool_new("t-writer", 2, &err);
    assert_non_null(f->s.writers);
    if (writer_start(&f->s, &f->st, &err) != SL_OK)
        fail_msg("%s", err.message);
}

static void stop(fixture *f)
{
    writer_stop(&f->st);
    pool_stop(f->s.writers);
    pool_free(f->s.writers);
    runtime_close(f->st.rt);
    config_tenant_free(f->t);
    sl_test_remove_db(f->db);
}

/* Submits one order as a delivery would and returns the job's result. */
static int deliver(fixture *f, const char *id, sl_error *out)
{
    sl_error err = {.size = sizeof err};
    order *o = order_new("unit", "shop");
    OK(order_set_text(o, SL_ORDER_EXTERNAL_ID, id, &err));
    OK(order_set_text(o, SL_ORDER_STATUS, "processing", &err));
    OK(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err));
    OK(order_set_money(o, SL_ORDER_TOTAL, "12.10", &err));
    order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
    assert_non_null(l);
    OK(order_line_set_text(o, l, SL_LINE_SKU, "A-1", &err));
    OK(order_line_set_money(o, l, SL_LINE_TOTAL, "12.10", &err));
    OK(order_set_raw(o, "{}", 2, &err));
    intake_job job = {.channel = "shop", .err = {.size = sizeof job.err}};
    OK(intake_job_add(&job, o, INTAKE_MAX_ORDERS, &err));
    if (intake_job_prepare(&job, &err) != SL_OK)
        fail_msg("prepare: %s (%s)", err.message, err.field);
    int rc = writer_submit(&f->st, &job);
    *out = job.err;
    intake_job_clear(&job);
    return rc;
}

static void test_intake_is_answered_after_the_flush(void **state)
{
    (void)state;
    fixture f = {0};
    start(&f);
    assert_true(syncer_running(&f.st));
    sl_error err;
    OK(deliver(&f, "1001", &err));
    OK(deliver(&f, "1002", &err));
    /* Each answered delivery waited for at least one flush of its own. */
    assert_true(atomic_load(&f.st.syncer.flush_count) >= 1);
    assert_int_equal(atomic_load(&f.st.intake_count), 2);
    stop(&f);
}

static void test_failed_flush_fails_the_delivery(void **state)
{
    (void)state;
    fixture f = {0};
    start(&f);
    sl_error err;
    OK(deliver(&f, "2001", &err));
    long flushes = atomic_load(&f.st.syncer.flush_count);
    /* fdatasync on a pipe fails (EINVAL): stands in for a failing disk. */
    int p[2];
    assert_int_equal(pipe(p), 0);
    int saved = dup(f.st.syncer.wal_fd);
    assert_true(dup2(p[0], f.st.syncer.wal_fd) >= 0);
    assert_int_equal(deliver(&f, "2002", &err), SL_EIO);
    assert_non_null(strstr(err.message, "flushing the WAL failed"));
    assert_int_equal(atomic_load(&f.st.syncer.flush_count), flushes);
    /* Even with the file flushable again nothing more is acknowledged:
       the failed pages may be gone, and recovery would stop there. */
    assert_true(dup2(saved, f.st.syncer.wal_fd) >= 0);
    assert_int_equal(deliver(&f, "2003", &err), SL_EIO);
    assert_non_null(strstr(err.message, "restarted"));
    close(saved);
    close(p[0]);
    close(p[1]);
    stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intake_is_answered_after_the_flush),
        cmocka_unit_test(test_failed_flush_fails_the_delivery),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
