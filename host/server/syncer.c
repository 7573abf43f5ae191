/*
 * The WAL syncer: makes the writer's intake commits durable off the
 * writer thread, so the next group commit is built while the last one
 * reaches the disk.
 *
 * The writer commits a batch of deliveries with synchronous=NORMAL (the
 * WAL frames are written, not yet flushed) and hands the batch here; this
 * thread fdatasyncs the WAL file and only then answers the batch's
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

/* Flushes the WAL file; SL_OK or SL_EIO. Reopens it first if SQLite
   removed it (it does when the last connection closes). After one failed
   flush every later one fails too: the kernel may have dropped the pages
   that failed, and SQLite's recovery stops at the first bad frame, so a
   later "successful" flush would not make later commits durable. */
static int flush_wal(server_tenant *st, sl_error *err)
{
    if (st->flush_failed)
        return sl_error_set(err, SL_EIO, "database",
                            "an earlier WAL flush failed; deliveries are refused until "
                            "serve is restarted (check the disk)");
    struct stat sb;
    if (st->wal_fd >= 0 && fstat(st->wal_fd, &sb) == 0 && sb.st_nlink == 0) {
        close(st->wal_fd);
        st->wal_fd = open_wal(st);
    }
    if (st->wal_fd < 0)
        return sl_error_set(err, SL_EIO, "database", "WAL file of %s is gone", st->rt->config->id);
    if (fdatasync(st->wal_fd) != 0) {
        st->flush_failed = 1;
        return sl_error_set(err, SL_EIO, "database", "flushing the WAL failed: %s",
                            strerror(errno));
    }
    atomic_fetch_add(&st->flush_count, 1);
    return SL_OK;
}

static void *syncer_main(void *arg)
{
    server_tenant *st = arg;
    server_name_thread("sl-syncer");
    for (;;) {
        pthread_mutex_lock(&st->lock);
        while (st->sync_head == NULL && !st->sync_stopping)
            pthread_cond_wait(&st->sync_wake, &st->lock);
        intake_job *batch = st->sync_head;
        st->sync_head = st->sync_tail = NULL;
        int stop = st->sync_stopping && batch == NULL;
        pthread_mutex_unlock(&st->lock);
        if (stop)
            break;
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
    }
    return NULL;
}

int syncer_start(server_tenant *st, sl_error *err)
{
    st->wal_fd = open_wal(st);
    st->sync_head = st->sync_tail = NULL;
    st->sync_stopping = 0;
    if (st->wal_fd < 0) /* the writer then commits with synchronous=FULL */
        return SL_OK;
    pthread_cond_init(&st->sync_wake, NULL);
    if (pthread_create(&st->syncer, NULL, syncer_main, st) != 0) {
        pthread_cond_destroy(&st->sync_wake);
        close(st->wal_fd);
        st->wal_fd = -1;
        return sl_error_set(err, SL_EINTERNAL, "", "cannot start the WAL syncer thread");
    }
    return SL_OK;
}

int syncer_running(const server_tenant *st)
{
    return st->wal_fd >= 0;
}

void syncer_submit(server_tenant *st, intake_job *batch)
{
    intake_job *last = batch;
    while (last->next)
        last = last->next;
    pthread_mutex_lock(&st->lock);
    if (st->sync_tail)
        st->sync_tail->next = batch;
    else
        st->sync_head = batch;
    st->sync_tail = last;
    pthread_cond_signal(&st->sync_wake);
    pthread_mutex_unlock(&st->lock);
}

void syncer_stop(server_tenant *st)
{
    if (!syncer_running(st))
        return;
    pthread_mutex_lock(&st->lock);
    st->sync_stopping = 1;
    pthread_cond_signal(&st->sync_wake);
    pthread_mutex_unlock(&st->lock);
    pthread_join(st->syncer, NULL);
    pthread_cond_destroy(&st->sync_wake);
    close(st->wal_fd);
    st->wal_fd = -1;
}
