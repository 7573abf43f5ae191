/*
 * The tenant writer: the only writer of a tenant's database while serving
 * (checkpoints aside: checkpoint.c). A task on the writer pool (pool.h),
 * run by one pool thread at a time, woken by each queued job, so a
 * tenant's writes stay serialized and in order. It takes every queued intake
 * job, appends their orders to the arrivals queue in one transaction (a
 * savepoint per job, so one bad delivery cannot sink its neighbours),
 * hands the batch to the syncer, which wakes the submitters once the WAL
 * is flushed (syncer.c), and then files and books (deferred.c). Why one
 * writer: SQLite allows one writer at a time anyway; one thread doing
 * group commit turns N fsyncs into one.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "inbox/inbox.h"
#include "rules/rules.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

void intake_job_clear(intake_job *job)
{
    for (size_t i = 0; i < job->count; i++) {
        inbox_arrival_clear(&job->arrivals[i]);
        order_free(job->orders[i]);
    }
    job->count = 0;
    free(job->orders);
    job->orders = NULL;
    free(job->arrivals);
    job->arrivals = NULL;
    job->cap = 0;
    free(job->cursor);
    job->cursor = NULL;
    for (size_t i = 0; i < job->failed_count; i++)
        inbox_failed_input_free(job->failed[i]);
    free(job->failed);
    job->failed = NULL;
    job->failed_count = job->failed_cap = 0;
    free(job->delivery_headers);
    free(job->delivery_body);
    job->delivery_headers = job->delivery_body = NULL;
    job->delivery_len = 0;
    job->has_delivery = 0;
}

int intake_job_set_delivery(intake_job *job, const char *headers, const char *body, size_t len,
                            sl_error *err)
{
    job->delivery_headers = strdup(headers ? headers : "{}");
    job->delivery_body = malloc(len ? len : 1);
    if (job->delivery_headers == NULL || job->delivery_body == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    if (len)
        memcpy(job->delivery_body, body, len);
    job->delivery_len = len;
    job->has_delivery = 1;
    return SL_OK;
}

int intake_job_add_failed(intake_job *job, inbox_failed_input *f, sl_error *err)
{
    if (f == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    if (job->failed_count == job->failed_cap) {
        size_t cap = job->failed_cap ? job->failed_cap * 2 : 4;
        inbox_failed_input **grown = realloc(job->failed, cap * sizeof *grown);
        if (grown == NULL) {
            inbox_failed_input_free(f);
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
        }
        job->failed = grown;
        job->failed_cap = cap;
    }
    job->failed[job->failed_count++] = f;
    return SL_OK;
}

int intake_job_has_work(const intake_job *job)
{
    return job->count > 0 || job->failed_count > 0 || job->cursor != NULL || job->has_delivery;
}

static int intake_job_grow(intake_job *job)
{
    size_t cap = job->cap ? job->cap * 2 : 8;
    order **orders = realloc(job->orders, cap * sizeof *orders);
    if (orders == NULL)
        return -1;
    job->orders = orders;
    inbox_arrival *arrivals = realloc(job->arrivals, cap * sizeof *arrivals);
    if (arrivals == NULL)
        return -1;
    job->arrivals = arrivals;
    job->cap = cap;
    return 0;
}

int intake_job_add(intake_job *job, order *o, size_t limit, sl_error *err)
{
    if (job->count >= limit) {
        order_free(o);
        return sl_error_set(err, SL_ETOOBIG, "orders", "more than %zu orders in one batch", limit);
    }
    if (job->count == job->cap && intake_job_grow(job) != 0) {
        order_free(o);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    memset(&job->arrivals[job->count], 0, sizeof job->arrivals[0]);
    job->orders[job->count++] = o;
    return SL_OK;
}

int intake_job_prepare(intake_job *job, sl_error *err)
{
    for (size_t i = 0; i < job->count; i++) {
        inbox_arrival_clear(&job->arrivals[i]);
        int rc = inbox_arrival_prepare(job->orders[i], &job->arrivals[i], err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

/* Stores one job's orders (and cursor) under a savepoint: appended to the
   arrivals queue, or when `file_now` filed into the inbox at once
   (counting in *current the items the rules will pick up). */
static void intake_one(store *db, intake_job *job, int64_t now, int file_now, long *current)
{
    sl_error *err = &job->err;
    if (job->has_delivery && job->count == 0 && job->failed_count == 0 && job->cursor == NULL) {
        /* A logged delivery is one INSERT, undone by SQLite alone when it
           fails: no savepoint around it (two statements fewer each). */
        job->rc = inbox_delivery_append(db, job->channel, job->delivery_headers, job->delivery_body,
                                        job->delivery_len, now, NULL, err);
        return;
    }
    job->rc = store_exec(db, "SAVEPOINT job", err);
    for (size_t i = 0; job->rc == SL_OK && i < job->count; i++) {
        int result = 0;
        int64_t item = 0;
        if (!file_now) {
            job->rc = inbox_arrival_append(db, &job->arrivals[i], now, err);
            continue;
        }
        job->rc = inbox_intake_arrival(db, &job->arrivals[i], now, &result, &item, err);
        *current += result == INBOX_NEW || result == INBOX_REVISION;
    }
    if (job->rc == SL_OK && job->has_delivery)
        job->rc = inbox_delivery_append(db, job->channel, job->delivery_headers, job->delivery_body,
                                        job->delivery_len, now, NULL, err);
    for (size_t i = 0; job->rc == SL_OK && i < job->failed_count; i++)
        job->rc = inbox_failed_put(db, job->failed[i], now, NULL, err);
    if (job->rc == SL_OK && job->cursor != NULL)
        job->rc = inbox_cursor_put(db, job->channel, now, job->cursor, err);
    if (job->rc == SL_OK) {
        job->rc = store_exec(db, "RELEASE job", err);
    } else {
        sqlite3_exec(store_db(db), "ROLLBACK TO job; RELEASE job", NULL, NULL, NULL);
    }
}

/* Whether to file a batch straight into the inbox: a few deliveries, no
   arrivals queued before them (filing keeps arrival order), no burst. It
   spares a trickle one transaction (and fsync) per delivery. */
static int file_at_once(server_tenant *st, intake_job *batch, int64_t now)
{
    size_t orders = 0;
    for (intake_job *j = batch; j; j = j->next)
        orders += j->count;
    return orders <= FILE_AT_ONCE_MAX && atomic_load(&st->arrivals_waiting) == 0 &&
           !writer_intake_heavy(st, now);
}

int writer_flush_mode(server_tenant *st, int full)
{
    if (st->writer.flush_full == full)
        return SL_OK;
    if (!full && !syncer_running(st))
        return SL_EUNSUPPORTED; /* nobody would flush: stay FULL */
    sl_error err = {.size = sizeof err};
    int rc = store_exec(st->rt->db, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                        &err);
    if (rc == SL_OK)
        st->writer.flush_full = full;
    return rc;
}

/* Tells health whether the store works: the commit's result, or a job
   the store refused for a reason of its own (SL_ERETRY: full disk, busy
   database), not for its content. */
static void note_store(server_tenant *st, const intake_job *batch, int rc, const sl_error *err)
{
    for (const intake_job *j = batch; rc == SL_OK && j; j = j->next)
        if (j->rc == SL_ERETRY) {
            server_note_store(st, j->rc, &j->err);
            return;
        }
    server_note_store(st, rc, err);
}

/* Commits a batch; on a failed COMMIT every job of the batch fails. */
static void commit_batch(server_tenant *st, intake_job *batch)
{
    store *db = st->rt->db;
    sl_error err = {.size = sizeof err};
    int64_t now = services_now_ms();
    int file_now = file_at_once(st, batch, now);
    long current = 0, queued = 0, logged = 0;
    int rc = store_begin(db, &err);
    for (intake_job *j = batch; rc == SL_OK && j; j = j->next) {
        intake_one(db, j, now, file_now, &current);
        queued += j->rc == SL_OK && !file_now ? (long)j->count : 0;
        logged += j->rc == SL_OK && j->has_delivery;
    }
    if (rc == SL_OK)
        rc = store_commit(db, &err);
    if (rc == SL_OK) {
        atomic_fetch_add(&st->arrivals_waiting, queued);
        atomic_fetch_add(&st->deliveries_waiting, logged);
        st->writer.items_pending += current;
    } else {
        store_rollback(db);
        for (intake_job *j = batch; j; j = j->next)
            if (j->rc == SL_OK) {
                j->rc = rc;
                j->err = err;
            }
    }
    note_store(st, batch, rc, &err);
}

static intake_job *take_batch(server_tenant *st)
{
    intake_job *batch = st->queue.head, *last = NULL;
    int n = 0;
    for (intake_job *j = st->queue.head; j && n < WRITER_BATCH_JOBS; j = j->next, n++)
        last = j;
    if (last == NULL)
        return NULL;
    st->queue.head = last->next;
    if (st->queue.head == NULL)
        st->queue.tail = NULL;
    last->next = NULL;
    return batch;
}

/* Writer thread: counts a committed batch's orders for the intake rate
   the deferred-work policy reads. */
static void count_batch(server_tenant *st, const intake_job *batch)
{
    int64_t now = services_now_ms();
    for (const intake_job *j = batch; j; j = j->next)
        if (j->rc == SL_OK)
            writer_count_intake(st, now, (long)j->count + j->has_delivery);
}

void writer_answer(server_tenant *st, intake_job *batch)
{
    intake_job *notify = NULL;
    pthread_mutex_lock(&st->queue.lock);
    for (intake_job *j = batch, *next; j; j = next) {
        next = j->next;
        j->next = NULL;
        if (j->rc == SL_OK) /* a logged delivery counts once, its orders come later */
            atomic_fetch_add(&st->intake_count, (long)j->count + j->has_delivery);
        j->done = 1;
        if (j->notify != NULL) { /* an asynchronous submitter */
            j->next = notify;
            notify = j;
        }
    }
    pthread_cond_broadcast(&st->queue.done);
    pthread_mutex_unlock(&st->queue.lock);
    /* After notify the submitter owns the job again and may free it. */
    for (intake_job *j = notify, *next; j; j = next) {
        next = j->next;
        j->next = NULL;
        j->notify(j);
    }
}

struct timespec server_deadline_in(int64_t ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    int64_t ns = t.tv_nsec + ms % 1000 * 1000000;
    t.tv_sec += (time_t)(ms / 1000 + ns / 1000000000);
    t.tv_nsec = (long)(ns % 1000000000);
    return t;
}

void server_name_thread(const char *name)
{
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

void server_tenant_touch(server_tenant *st)
{
    atomic_store(&st->last_active_ms, services_now_ms());
}

int server_tenant_resting(server_tenant *st, int64_t now_ms)
{
    /* idle_close_ms is set at writer_start and read-only after. */
    return st->writer.idle_close_ms > 0 &&
           now_ms - atomic_load(&st->last_active_ms) >= st->writer.idle_close_ms;
}

/* Opens the writer's connection after an idle close (writer task, or
   writer_stop's thread once the task is off the pool). */
static int writer_open_store(server_tenant *st, sl_error *err)
{
    if (st->rt->db != NULL)
        return SL_OK;
    int rc = store_open(st->rt->config->database, &st->rt->db, err);
    if (rc != SL_OK) {
        st->rt->db = NULL;
        server_note_store(st, rc, err);
        return rc;
    }
    st->writer.flush_full = 1; /* as the store opens */
    checkpoint_attach(st);
    return SL_OK;
}

/* Gives back the connection of a tenant at rest and the syncer's WAL
   descriptor (nothing is queued or waits for its flush); returns when
   the writer has work again by itself (a failed item's retry), 0 never.
   With an item to book now, or when the store cannot say, it stays open
   and looks again after the idle wake. */
static int64_t writer_close_store(server_tenant *st)
{
    int64_t when = 0;
    sl_error err = {.size = sizeof err};
    if (inbox_next_due(st->rt->db, &when, &err) != SL_OK || when == 1) {
        if (err.code != SL_OK)
            services_log(NULL, SL_LOG_WARN, "tenant %s: %s; the connection stays open",
                         st->rt->config->id, err.message);
        return services_now_ms() + WRITER_IDLE_WAKE_MS;
    }
    checkpoint_detach(st);
    store_close(st->rt->db);
    st->rt->db = NULL;
    syncer_release(st);
    server_note_idle_close();
    services_log(NULL, SL_LOG_DEBUG, "writer %s: idle, connection closed", st->rt->config->id);
    return when;
}

/* Whether the tenant has rested long enough for its connection to go:
   nothing queued, nothing waiting for a flush, nothing deferred. */
static int writer_may_close(server_tenant *st, int64_t now)
{
    if (!server_tenant_resting(st, now) || st->rt->db == NULL || !syncer_idle(st) ||
        !parse_stage_idle(st))
        return 0;
    pthread_mutex_lock(&st->queue.lock);
    int empty = st->queue.head == NULL; /* a job queued later wakes the task again */
    pthread_mutex_unlock(&st->queue.lock);
    return empty;
}

/* Fails a batch that found no store to commit to (the shop delivers it
   again after its 503). */
static void fail_batch(server_tenant *st, intake_job *batch, const sl_error *err)
{
    for (intake_job *j = batch; j; j = j->next) {
        j->rc = SL_ERETRY;
        j->err = *err;
    }
    writer_answer(st, batch);
}

/* One group commit: the next batch of queued jobs is committed and
   handed to the syncer (or answered, when its own COMMIT flushed it);
   returns how many jobs it took. */
static int commit_step(server_tenant *st, int *stop)
{
    pthread_mutex_lock(&st->queue.lock);
    intake_job *batch = take_batch(st);
    int more = st->queue.head != NULL;
    *stop = st->queue.stopping;
    pthread_mutex_unlock(&st->queue.lock);
    if (more && !*stop)
        pool_wake(&st->writer.task); /* the rest after this round */
    int jobs = 0;
    if (batch == NULL)
        return 0;
    for (intake_job *j = batch; j; j = j->next)
        jobs++;
    sl_error err = {.size = sizeof err};
    if (writer_open_store(st, &err) != SL_OK) {
        fail_batch(st, batch, &err);
        return jobs;
    }
    server_tenant_touch(st);
    writer_flush_mode(st, 0);
    commit_batch(st, batch);
    count_batch(st, batch);
    if (st->writer.flush_full)
        writer_answer(st, batch); /* flushed by its own COMMIT */
    else
        syncer_submit(st, batch);
    return jobs;
}

/* The writer task (a pool thread, one at a time per tenant): a group
   commit, then filing and booking (deferred.c). Returns when to run
   again: the deferred work's due time, or the idle wake that picks up
   failed items whose backoff has ended; a tenant at rest closes its
   connection and sleeps until its next retry. */
static int64_t writer_run(void *arg)
{
    server_tenant *st = arg;
    int stop = 0;
    int64_t t0 = services_now_ms();
    int jobs = commit_step(st, &stop);
    if (stop)
        return 0; /* writer_stop drains the rest */
    int64_t t1 = services_now_ms();
    int64_t again = services_now_ms() + WRITER_IDLE_WAKE_MS;
    sl_error err = {.size = sizeof err};
    if (writer_open_store(st, &err) != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "tenant %s: %s", st->rt->config->id, err.message);
        return again;
    }
    /* Filing and booking, each commit in the flush mode it needs. */
    int64_t due = writer_deferred_work(st);
    if (due != 0) {
        again = due;
        server_tenant_touch(st);
        atomic_store(&st->outbox_poke, 1); /* booking may have queued notes, e-mails */
    }
    if (jobs == 0 && writer_may_close(st, services_now_ms()))
        return writer_close_store(st);
    if (jobs > 0)
        services_log(NULL, SL_LOG_DEBUG,
                     "writer %s: %d job(s) committed in %lld ms, filing and booking %lld ms",
                     st->rt->config->id, jobs, (long long)(t1 - t0),
                     (long long)(services_now_ms() - t1));
    return again;
}

int writer_start(server_state *s, server_tenant *st, sl_error *err)
{
    pthread_mutex_init(&st->queue.lock, NULL);
    pthread_cond_init(&st->queue.done, NULL);
    st->writer.flush_full = 1; /* as the store opens */
    st->writer.idle_close_ms = s->opt->idle_close_ms;
    server_tenant_touch(st);
    int64_t waiting = 0;
    if (inbox_arrivals_waiting(st->rt->db, &waiting, err) == SL_OK)
        atomic_store(&st->arrivals_waiting, (long)waiting);
    if (inbox_deliveries_waiting(st->rt->db, &waiting, err) == SL_OK)
        atomic_store(&st->deliveries_waiting, (long)waiting);
    err->code = SL_OK; /* an estimate only: the deferred work corrects it */
    pool_task_init(&st->writer.task, s->writers, writer_run, st);
    parse_stage_start(st, s->parsers);
    int rc = syncer_start(st, s->writers, err);
    if (rc != SL_OK) {
        parse_stage_stop(st);
        pthread_cond_destroy(&st->queue.done);
        pthread_mutex_destroy(&st->queue.lock);
        return rc;
    }
    /* A tenant with nothing left from its last run starts at rest: its
       store was opened to check it (migrations, the counts above) and is
       closed until the first delivery or its next retry. */
    if (st->writer.idle_close_ms > 0 && atomic_load(&st->arrivals_waiting) == 0 &&
        atomic_load(&st->deliveries_waiting) == 0) {
        atomic_store(&st->last_active_ms, 0);
        int64_t when = writer_close_store(st);
        if (when != 0)
            pool_wake_at(&st->writer.task, when);
        return SL_OK;
    }
    pool_wake(&st->writer.task); /* what a previous run left behind */
    return SL_OK;
}

void writer_stop(server_tenant *st)
{
    pthread_mutex_lock(&st->queue.lock);
    st->queue.stopping = 1;
    pthread_mutex_unlock(&st->queue.lock);
    pool_task_cancel(&st->writer.task);
    /* The pool runs it no more: what is still queued is committed here. */
    int stop;
    while (commit_step(st, &stop) > 0)
        ;
    syncer_stop(st);      /* answers what the writer handed it last */
    parse_stage_stop(st); /* a batch parsed, not filed, is parsed again next time */
    pthread_cond_destroy(&st->queue.done);
    pthread_mutex_destroy(&st->queue.lock);
}

/* Appends a job to the queue; SL_ERETRY when stopping. */
static int enqueue(server_tenant *st, intake_job *job)
{
    job->done = 0;
    job->rc = SL_OK;
    job->err.size = sizeof job->err;
    job->next = NULL;
    if (st->queue.stopping)
        return sl_error_set(&job->err, SL_ERETRY, "", "server is stopping");
    if (st->queue.tail)
        st->queue.tail->next = job;
    else
        st->queue.head = job;
    st->queue.tail = job;
    return SL_OK;
}

int writer_submit(server_tenant *st, intake_job *job)
{
    job->notify = NULL;
    pthread_mutex_lock(&st->queue.lock);
    int rc = enqueue(st, job);
    if (rc == SL_OK)
        pool_wake(&st->writer.task);
    while (rc == SL_OK && !job->done)
        pthread_cond_wait(&st->queue.done, &st->queue.lock);
    pthread_mutex_unlock(&st->queue.lock);
    return rc == SL_OK ? job->rc : rc;
}

int writer_submit_async(server_tenant *st, intake_job *job)
{
    pthread_mutex_lock(&st->queue.lock);
    int rc = enqueue(st, job);
    pthread_mutex_unlock(&st->queue.lock);
    if (rc == SL_OK)
        pool_wake(&st->writer.task);
    return rc;
}

void writer_request_processing(server_tenant *st)
{
    pthread_mutex_lock(&st->queue.lock);
    int stopping = st->queue.stopping;
    pthread_mutex_unlock(&st->queue.lock);
    if (!stopping) /* a stopped writer's task is never woken again */
        pool_wake(&st->writer.task);
}
