/*
 * The WAL syncer: makes the writer's intake commits durable off the
 * writer task, so the next group commit is built while the last one
 * reaches the disk. A task of its own on the writer pool (pool.h): it runs
 * beside the tenant's writer task, never beside itself.
 *
 * The writer commits a batch of deliveries with synchronous=NORMAL (the
 * WAL frames are written, not yet flushed) and hands the batch here; this
 * task fdatasyncs the WAL file and only then answers the batch's
 * deliveries, so an acknowledged order is on disk as before. Batches
 * committed while a flush runs share the next one. Everything else the
 * writer commits (filing, booking, the outbox) stays synchronous=FULL,
 * whose own flush also covers the earlier intake frames: an outbox row is
 * never sent before what it depends on is durable.
 *
 * Why this is enough: SQLite appends a commit's frames to the WAL with
 * plain writes before COMMIT returns, so a flush of the WAL file begun
 * after that covers them; after a power loss SQLite's recovery keeps every
 * frame up to the last valid commit, and frames are only overwritten
 * after a checkpoint has copied them into the synced database file.
 * The WAL is never truncated or deleted while serve holds it open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

/* Opens the tenant's WAL file; -1 when it is not there. */
static int open_wal(server_tenant *st)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s-wal", st->rt->config->database) >= (int)sizeof path)
        return -1;
    return open(path, O_RDONLY | O_CLOEXEC);
}

/* Flushes the WAL file; SL_OK or SL_EIO. Opens it first after an idle
   close, and again if SQLite removed it (it does when the last connection
   closes): the writer's connection is open whenever a batch is handed
   over, so the file found then is the one it wrote to. After one failed
   flush every later one fails too: the kernel may have dropped the pages
   that failed, and SQLite's recovery stops at the first bad frame, so a
   later "successful" flush would not make later commits durable. */
static int flush_wal(server_tenant *st, sl_error *err)
{
    if (st->syncer.flush_failed)
        return sl_error_set(err, SL_EIO, "database",
                            "an earlier WAL flush failed; deliveries are refused until "
                            "serve is restarted (check the disk)");
    struct stat sb;
    if (st->syncer.wal_fd >= 0 && fstat(st->syncer.wal_fd, &sb) == 0 && sb.st_nlink == 0) {
        close(st->syncer.wal_fd);
        st->syncer.wal_fd = -1;
    }
    if (st->syncer.wal_fd < 0)
        st->syncer.wal_fd = open_wal(st);
    if (st->syncer.wal_fd < 0)
        return sl_error_set(err, SL_EIO, "database", "WAL file of %s is gone", st->rt->config->id);
    if (fdatasync(st->syncer.wal_fd) != 0) {
        st->syncer.flush_failed = 1;
        return sl_error_set(err, SL_EIO, "database", "flushing the WAL failed: %s",
                            strerror(errno));
    }
    atomic_fetch_add(&st->syncer.flush_count, 1);
    return SL_OK;
}

/* The syncer task (a pool thread, one at a time per tenant): flushes
   for every batch handed over since its last run, then answers them.
   Batches committed while a flush runs share the next one. */
static int64_t syncer_run(void *arg)
{
    server_tenant *st = arg;
    pthread_mutex_lock(&st->queue.lock);
    intake_job *batch = st->queue.sync_head;
    st->queue.sync_head = st->queue.sync_tail = NULL;
    pthread_mutex_unlock(&st->queue.lock);
    if (batch == NULL)
        return 0;
    long jobs = 0;
    for (intake_job *j = batch; j; j = j->next)
        jobs++;
    sl_error err = {.size = sizeof err};
    if (flush_wal(st, &err) != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "%s: %s", st->rt->config->id, err.message);
        for (intake_job *j = batch; j; j = j->next)
            if (j->rc == SL_OK) {
                j->rc = err.code;
                j->err = err;
            }
    }
    writer_answer(st, batch);
    atomic_fetch_sub(&st->syncer.unanswered, jobs); /* after its last use of wal_fd */
    return 0;
}

int syncer_start(server_tenant *st, work_pool *pool, sl_error *err)
{
    (void)err;
    st->syncer.wal_fd = open_wal(st);
    st->syncer.enabled = st->syncer.wal_fd >= 0; /* else the writer commits with FULL */
    st->syncer.flush_failed = 0;
    atomic_store(&st->syncer.unanswered, 0);
    st->queue.sync_head = st->queue.sync_tail = NULL;
    pool_task_init(&st->syncer.task, pool, syncer_run, st);
    return SL_OK;
}

int syncer_running(const server_tenant *st)
{
    return st->syncer.enabled;
}

int syncer_idle(server_tenant *st)
{
    return atomic_load(&st->syncer.unanswered) == 0;
}

void syncer_release(server_tenant *st)
{
    if (st->syncer.wal_fd >= 0)
        close(st->syncer.wal_fd);
    st->syncer.wal_fd = -1;
}

void syncer_submit(server_tenant *st, intake_job *batch)
{
    intake_job *last = batch;
    long jobs = 1;
    for (; last->next; last = last->next)
        jobs++;
    atomic_fetch_add(&st->syncer.unanswered, jobs);
    pthread_mutex_lock(&st->queue.lock);
    if (st->queue.sync_tail)
        st->queue.sync_tail->next = batch;
    else
        st->queue.sync_head = batch;
    st->queue.sync_tail = last;
    pthread_mutex_unlock(&st->queue.lock);
    pool_wake(&st->syncer.task);
}

void syncer_stop(server_tenant *st)
{
    if (!syncer_running(st))
        return;
    pool_task_cancel(&st->syncer.task);
    syncer_run(st); /* what the writer handed over last (a stopped pool runs it no more) */
    syncer_release(st);
    st->syncer.enabled = 0;
}
