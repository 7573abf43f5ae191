/*
 * WAL checkpoints off the writer's path.
 *
 * By default SQLite checkpoints inside the COMMIT that pushes the WAL past
 * 1000 pages, so every few thousand deliveries one group commit also
 * copied 4 MB into the database file and synced it, and the deliveries
 * waiting on it were answered tens of milliseconds late. While serving,
 * the writer's connection does not checkpoint by itself: a WAL hook wakes
 * this thread, which checkpoints on its own connection (PASSIVE: it never
 * blocks the writer, which keeps appending meanwhile) once the WAL holds
 * CHECKPOINT_PAGES, or when the writer has committed nothing for
 * CHECKPOINT_IDLE_MS (a checkpoint syncs the database file, and one every
 * second under a steady trickle showed up in the trickle's latency).
 *
 * A passive checkpoint cannot finish while the writer keeps appending, and
 * the WAL only starts over after a finished one. So past
 * CHECKPOINT_WRITER_PAGES the writer checkpoints itself between two
 * transactions, as SQLite would have: it bounds the WAL under a load that
 * never pauses.
 */
#include <stdlib.h>
#include <time.h>

#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define CHECKPOINT_PAGES 2000
#define CHECKPOINT_WRITER_PAGES 40000
#define CHECKPOINT_IDLE_MS 1000

/* Runs in the writer after each commit with the WAL's size in pages. */
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    server_tenant *st = arg;
    atomic_store(&st->wal_pages, pages);
    atomic_store(&st->last_commit_ms, services_now_ms());
    if (pages >= CHECKPOINT_WRITER_PAGES) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    if (pages >= CHECKPOINT_PAGES) {
        pthread_mutex_lock(&st->ckpt_lock);
        st->ckpt_wanted = 1;
        pthread_cond_signal(&st->ckpt_wake);
        pthread_mutex_unlock(&st->ckpt_lock);
    }
    return SQLITE_OK;
}

/* Waits for a request or the idle period; returns whether one came. */
static int wait_for_request(server_tenant *st)
{
    struct timespec until = server_deadline_in(CHECKPOINT_IDLE_MS);
    pthread_mutex_lock(&st->ckpt_lock);
    while (!st->ckpt_wanted && !st->ckpt_stopping)
        if (pthread_cond_timedwait(&st->ckpt_wake, &st->ckpt_lock, &until) != 0)
            break;
    int wanted = st->ckpt_wanted;
    st->ckpt_wanted = 0;
    pthread_mutex_unlock(&st->ckpt_lock);
    return wanted;
}

/* Without a request: only a WAL with frames, behind a writer at rest. */
static int idle_checkpoint_due(server_tenant *st)
{
    return atomic_load(&st->wal_pages) > 0 &&
           services_now_ms() - atomic_load(&st->last_commit_ms) >= CHECKPOINT_IDLE_MS;
}

static void *checkpoint_main(void *arg)
{
    server_tenant *st = arg;
    server_name_thread("sl-checkpoint");
    for (;;) {
        int log = 0, done = 0, rc = SQLITE_OK;
        if (wait_for_request(st) || idle_checkpoint_due(st)) {
            rc = sqlite3_wal_checkpoint_v2(store_db(st->ckpt_db), NULL, SQLITE_CHECKPOINT_PASSIVE,
                                           &log, &done);
            if (rc == SQLITE_OK && done == log) /* all copied: nothing to redo */
                atomic_store(&st->wal_pages, 0);
        }
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            services_log(NULL, SL_LOG_WARN, "tenant %s: checkpoint: %s", st->rt->config->id,
                         sqlite3_errstr(rc));
        pthread_mutex_lock(&st->ckpt_lock);
        int stop = st->ckpt_stopping;
        pthread_mutex_unlock(&st->ckpt_lock);
        if (stop)
            return NULL;
    }
}

int checkpoint_start(server_tenant *st, sl_error *err)
{
    int rc = store_open(st->rt->config->database, &st->ckpt_db, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_stmt *ps = NULL;
    if (sqlite3_prepare_v2(store_db(st->ckpt_db), "PRAGMA page_size", -1, &ps, NULL) == SQLITE_OK &&
        sqlite3_step(ps) == SQLITE_ROW)
        atomic_store(&st->page_size, sqlite3_column_int64(ps, 0));
    sqlite3_finalize(ps);
    pthread_mutex_init(&st->ckpt_lock, NULL);
    pthread_cond_init(&st->ckpt_wake, NULL);
    if (pthread_create(&st->ckpt_thread, NULL, checkpoint_main, st) != 0) {
        store_close(st->ckpt_db);
        st->ckpt_db = NULL;
        return sl_error_set(err, SL_EINTERNAL, "", "cannot start the checkpoint thread");
    }
    /* Replaces SQLite's own hook, which checkpointed inside the commit. */
    sqlite3_wal_hook(store_db(st->rt->db), on_wal_commit, st);
    return SL_OK;
}

int64_t checkpoint_reserve_pages(void)
{
    return CHECKPOINT_PAGES;
}

void checkpoint_stop(server_tenant *st)
{
    if (st->ckpt_db == NULL)
        return;
    sqlite3_wal_autocheckpoint(store_db(st->rt->db), 1000); /* SQLite's default again */
    pthread_mutex_lock(&st->ckpt_lock);
    st->ckpt_stopping = 1;
    pthread_cond_signal(&st->ckpt_wake);
    pthread_mutex_unlock(&st->ckpt_lock);
    pthread_join(st->ckpt_thread, NULL);
    pthread_cond_destroy(&st->ckpt_wake);
    pthread_mutex_destroy(&st->ckpt_lock);
    store_close(st->ckpt_db);
    st->ckpt_db = NULL;
}
