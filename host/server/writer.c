/*
 * The tenant writer: the only thread that writes a tenant's database while
 * serving. It takes every queued intake job, commits them in one
 * transaction (a savepoint per job, so one bad delivery cannot sink its
 * neighbours), wakes their submitters, and then runs the rules over
 * pending inbox items. Why one writer: SQLite allows one writer at a time
 * anyway; one thread doing group commit turns N fsyncs into one.
 */
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "rules/rules.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

void intake_job_clear(intake_job *job)
{
    for (size_t i = 0; i < job->count; i++)
        order_free(job->orders[i]);
    job->count = 0;
    free(job->orders);
    job->orders = NULL;
    job->cap = 0;
    free(job->cursor);
    job->cursor = NULL;
}

int intake_job_add(intake_job *job, order *o, size_t limit, sl_error *err)
{
    if (job->count >= limit) {
        order_free(o);
        return sl_error_set(err, SL_ETOOBIG, "orders", "more than %zu orders in one batch",
                            limit);
    }
    if (job->count == job->cap) {
        size_t cap = job->cap ? job->cap * 2 : 8;
        order **grown = realloc(job->orders, cap * sizeof *grown);
        if (grown == NULL) {
            order_free(o);
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
        }
        job->orders = grown;
        job->cap = cap;
    }
    job->orders[job->count++] = o;
    return SL_OK;
}

/* Stores one job's orders (and cursor) under a savepoint. */
static void intake_one(store *db, intake_job *job, int64_t now)
{
    sl_error *err = &job->err;
    job->rc = store_exec(db, "SAVEPOINT job", err);
    for (size_t i = 0; job->rc == SL_OK && i < job->count; i++) {
        int result = 0;
        int64_t id = 0;
        job->rc = inbox_intake(db, job->orders[i], now, &result, &id, err);
        if (job->rc == SL_OK && (result == INBOX_NEW || result == INBOX_REVISION))
            job->new_items++;
    }
    if (job->rc == SL_OK && job->cursor != NULL)
        job->rc = inbox_cursor_put(db, job->channel, now, job->cursor, err);
    if (job->rc == SL_OK) {
        job->rc = store_exec(db, "RELEASE job", err);
    } else {
        sqlite3_exec(store_db(db), "ROLLBACK TO job; RELEASE job", NULL, NULL, NULL);
    }
}

/* Commits a batch; on a failed COMMIT every job of the batch fails. */
static void commit_batch(server_tenant *st, intake_job *batch)
{
    store *db = st->rt->db;
    sl_error err = {.size = sizeof err};
    int64_t now = services_now_ms();
    int rc = store_begin(db, &err);
    for (intake_job *j = batch; rc == SL_OK && j; j = j->next)
        intake_one(db, j, now);
    if (rc == SL_OK)
        rc = store_commit(db, &err);
    if (rc != SL_OK) {
        store_rollback(db);
        for (intake_job *j = batch; j; j = j->next)
            if (j->rc == SL_OK) {
                j->rc = rc;
                j->err = err;
            }
    }
}

static intake_job *take_batch(server_tenant *st)
{
    intake_job *batch = st->head, *last = NULL;
    int n = 0;
    for (intake_job *j = st->head; j && n < WRITER_BATCH_JOBS; j = j->next, n++)
        last = j;
    if (last == NULL)
        return NULL;
    st->head = last->next;
    if (st->head == NULL)
        st->tail = NULL;
    last->next = NULL;
    return batch;
}

static void finish_batch(server_tenant *st, intake_job *batch)
{
    intake_job *notify = NULL;
    pthread_mutex_lock(&st->lock);
    for (intake_job *j = batch, *next; j; j = next) {
        next = j->next;
        j->next = NULL;
        if (j->rc == SL_OK)
            atomic_fetch_add(&st->intake_count, (long)j->count);
        j->done = 1;
        if (j->notify != NULL) { /* an asynchronous submitter */
            j->next = notify;
            notify = j;
        }
    }
    pthread_cond_broadcast(&st->done);
    pthread_mutex_unlock(&st->lock);
    /* After notify the submitter owns the job again and may free it. */
    for (intake_job *j = notify, *next; j; j = next) {
        next = j->next;
        j->next = NULL;
        j->notify(j);
    }
}

/* Whether intake is waiting: processing yields to it between batches. */
static int intake_waiting(server_tenant *st)
{
    pthread_mutex_lock(&st->lock);
    int waiting = st->head != NULL;
    pthread_mutex_unlock(&st->lock);
    return waiting;
}

/* Processes pending items in batches (one transaction each). Deliveries
   waiting for their commit come first: while they queue, processing runs
   one small batch at most every PROCESS_MIN_GAP_MS, so a burst is
   acknowledged at the group-commit rate and booked right after, a steady
   trickle is booked at once, and sustained intake cannot starve it. */
static void process_round(server_tenant *st)
{
    for (int round = 0; round < 1000; round++) { /* bounded; resumes next wake */
        int busy = intake_waiting(st);
        int64_t now = services_now_ms();
        if (busy && now - st->last_process_ms < PROCESS_MIN_GAP_MS)
            return;
        st->last_process_ms = now;
        int want = busy ? PROCESS_BATCH_BUSY : PROCESS_BATCH;
        rules_summary sum = {0};
        sl_error err = {.size = sizeof err};
        int r = rules_process_batch(st->rt->db, st->rt->config, now, want, &sum, &err);
        if (r != SL_OK)
            services_log(NULL, SL_LOG_ERROR, "tenant %s: processing: %s", st->rt->config->id,
                         err.message);
        atomic_fetch_add(&st->processed_count, sum.processed + sum.drafts);
        atomic_fetch_add(&st->failed_count, sum.failed);
        int done = sum.processed + sum.drafts + sum.failed;
        if (r != SL_OK || done < want || busy)
            return;
    }
}

static void *writer_main(void *arg)
{
    server_tenant *st = arg;
    process_round(st); /* whatever a previous run left pending */
    for (;;) {
        pthread_mutex_lock(&st->lock);
        while (st->head == NULL && !st->stopping && !st->process_requested)
            pthread_cond_wait(&st->wake, &st->lock);
        intake_job *batch = take_batch(st);
        int stop = st->stopping && batch == NULL;
        st->process_requested = 0;
        pthread_mutex_unlock(&st->lock);
        int64_t t0 = services_now_ms();
        int jobs = 0;
        if (batch != NULL) {
            for (intake_job *j = batch; j; j = j->next)
                jobs++;
            commit_batch(st, batch);
            finish_batch(st, batch);
        }
        int64_t t1 = services_now_ms();
        process_round(st);
        if (jobs > 0)
            services_log(NULL, SL_LOG_DEBUG, "writer %s: %d job(s) committed in %lld ms, "
                         "processing %lld ms", st->rt->config->id, jobs, (long long)(t1 - t0),
                         (long long)(services_now_ms() - t1));
        if (stop)
            break;
    }
    return NULL;
}

int writer_start(server_tenant *st, sl_error *err)
{
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->wake, NULL);
    pthread_cond_init(&st->done, NULL);
    if (pthread_create(&st->writer, NULL, writer_main, st) != 0)
        return sl_error_set(err, SL_EINTERNAL, "", "cannot start writer thread");
    return SL_OK;
}

void writer_stop(server_tenant *st)
{
    pthread_mutex_lock(&st->lock);
    st->stopping = 1;
    pthread_cond_signal(&st->wake);
    pthread_mutex_unlock(&st->lock);
    pthread_join(st->writer, NULL);
    pthread_cond_destroy(&st->wake);
    pthread_cond_destroy(&st->done);
    pthread_mutex_destroy(&st->lock);
}

/* Appends a job to the queue; SL_ERETRY when stopping. */
static int enqueue(server_tenant *st, intake_job *job)
{
    job->done = 0;
    job->rc = SL_OK;
    job->err.size = sizeof job->err;
    job->next = NULL;
    if (st->stopping)
        return sl_error_set(&job->err, SL_ERETRY, "", "server is stopping");
    if (st->tail)
        st->tail->next = job;
    else
        st->head = job;
    st->tail = job;
    pthread_cond_signal(&st->wake);
    return SL_OK;
}

int writer_submit(server_tenant *st, intake_job *job)
{
    job->notify = NULL;
    pthread_mutex_lock(&st->lock);
    int rc = enqueue(st, job);
    while (rc == SL_OK && !job->done)
        pthread_cond_wait(&st->done, &st->lock);
    pthread_mutex_unlock(&st->lock);
    return rc == SL_OK ? job->rc : rc;
}

int writer_submit_async(server_tenant *st, intake_job *job)
{
    pthread_mutex_lock(&st->lock);
    int rc = enqueue(st, job);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

void writer_request_processing(server_tenant *st)
{
    pthread_mutex_lock(&st->lock);
    st->process_requested = 1;
    pthread_cond_signal(&st->wake);
    pthread_mutex_unlock(&st->lock);
}
