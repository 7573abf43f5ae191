/*
 * WAL checkpoints while serving (host/server/checkpoint.c): under a
 * steady stream of deliveries the WAL must start over again and again
 * instead of growing until the writer's own bound. A passive checkpoint
 * beside a busy writer never copies every frame, so without the writer
 * copying the last tail itself the WAL only grew (every commit then wrote
 * into new file blocks).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#include "config/config.h"
#include "runtime/runtime.h"
#include "server/server_int.h"

#define OK(x) assert_int_equal((x), SL_OK)
#define DELIVERIES 12000 /* several WAL cycles: a delivery is about a page */
#define IN_FLIGHT 64     /* queued at once, as many connections would */
#define BODY_BYTES 3400  /* a recorded WooCommerce order's size */
#define WAIT_LIMIT_S 120 /* per wait for answers: bounded, never timed */

typedef struct fixture {
    config_tenant *t;
    server_options opt;
    server_state s;
    server_tenant st;
    char db[64];
    pthread_mutex_t lock;
    pthread_cond_t answered;
    int answers, failures;
} fixture;

static void start(fixture *f)
{
    snprintf(f->db, sizeof f->db, "checkpoint-%d.db", (int)getpid());
    f->t = sl_test_tenant(f->db, "document = invoice\nprocess_when = never\nseries = CK\n");
    sl_error err = {.size = sizeof err};
    if (runtime_open(f->t, NULL, 0, &f->st.rt, &err) != SL_OK)
        fail_msg("%s", err.message);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->answered, NULL);
    f->s.opt = &f->opt;
    f->s.writers = pool_new("t-writer", 2, &err);
    f->s.checkpointer = pool_new("t-ckpt", 1, &err);
    assert_non_null(f->s.writers);
    assert_non_null(f->s.checkpointer);
    OK(hook_lanes_open(&f->st, &err));
    if (checkpoint_start(&f->st, f->s.checkpointer, &err) != SL_OK ||
        writer_start(&f->s, &f->st, &err) != SL_OK)
        fail_msg("%s", err.message);
}

static void stop(fixture *f)
{
    writer_stop(&f->st);
    checkpoint_stop(&f->st);
    hook_lanes_close(&f->st);
    pool_stop(f->s.writers);
    pool_stop(f->s.checkpointer);
    pool_free(f->s.writers);
    pool_free(f->s.checkpointer);
    runtime_close(f->st.rt);
    config_tenant_free(f->t);
    pthread_cond_destroy(&f->answered);
    pthread_mutex_destroy(&f->lock);
    sl_test_remove_db(f->db);
}

static void on_answer(intake_job *job)
{
    fixture *f = job->notify_data;
    pthread_mutex_lock(&f->lock);
    f->answers++;
    f->failures += job->rc != SL_OK;
    pthread_cond_signal(&f->answered);
    pthread_mutex_unlock(&f->lock);
    intake_job_clear(job);
    free(job);
}

/* Queues delivery n (a distinct body of BODY_BYTES) without waiting. */
static void deliver_async(fixture *f, int n)
{
    char body[BODY_BYTES + 1];
    int head = snprintf(body, sizeof body, "{\"id\":%d,\"note\":\"", n);
    memset(body + head, 'x', BODY_BYTES - head - 2);
    memcpy(body + BODY_BYTES - 2, "\"}", 3);
    intake_job *job = calloc(1, sizeof *job);
    assert_non_null(job);
    job->err.size = sizeof job->err;
    job->channel = "shop";
    OK(intake_job_set_delivery(job, "{}", body, BODY_BYTES, &job->err));
    job->notify = on_answer;
    job->notify_data = f;
    OK(writer_submit_async(&f->st, job));
}

/* Waits until `count` deliveries are answered; fails after the limit. */
static void wait_answers(fixture *f, int count)
{
    pthread_mutex_lock(&f->lock);
    while (f->answers < count) {
        struct timespec limit = server_deadline_in((int64_t)WAIT_LIMIT_S * 1000);
        if (pthread_cond_timedwait(&f->answered, &f->lock, &limit) != 0 && f->answers < count) {
            pthread_mutex_unlock(&f->lock);
            fail_msg("only %d of %d deliveries answered", f->answers, count);
        }
    }
    pthread_mutex_unlock(&f->lock);
}

static long long wal_pages(fixture *f)
{
    char path[96];
    struct stat sb;
    snprintf(path, sizeof path, "%s-wal", f->db);
    long long page = atomic_load(&f->st.ckpt.page_size);
    return stat(path, &sb) == 0 && page > 0 ? (long long)sb.st_size / page : 0;
}

static void test_wal_starts_over_under_steady_intake(void **state)
{
    (void)state;
    fixture f = {0};
    start(&f);
    /* Keeps IN_FLIGHT deliveries queued: the writer never rests, which
       is when only passive checkpoints ran beside it. */
    for (int sent = 0; sent < DELIVERIES; sent++) {
        if (sent >= IN_FLIGHT)
            wait_answers(&f, sent - IN_FLIGHT + 1);
        deliver_async(&f, sent);
    }
    wait_answers(&f, DELIVERIES);
    assert_int_equal(f.failures, 0);
    /* The WAL file keeps its largest size: had it never started over it
       would hold a frame per delivery at least. It may pass the
       checkpointer's threshold by what one checkpoint and tail take. */
    long long pages = wal_pages(&f);
    if (pages >= DELIVERIES / 2)
        fail_msg("the WAL grew to %lld pages for %d deliveries", pages, DELIVERIES);
    stop(&f);
}

int main(void)
{
    /* The bodies are no shop's: each is kept as failed, with a warning. */
    setenv("SHOPLEDGER_LOG", "error", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal_starts_over_under_steady_intake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
