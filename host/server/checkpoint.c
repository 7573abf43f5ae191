/*
 * WAL checkpoints off the writer's path.
 *
 * By default SQLite checkpoints inside the COMMIT that pushes the WAL past
 * 1000 pages, so every few thousand deliveries one group commit also
 * copied 4 MB into the database file and synced it, and the deliveries
 * waiting on it were answered tens of milliseconds late. While serving,
 * the writer's connection does not checkpoint by itself: a WAL hook wakes
 * the tenant's checkpoint task (the one checkpointer thread serves every
 * tenant by due time, pool.h), which checkpoints on its own connection (PASSIVE: it never
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
 *
 * It also keeps the WAL short, which matters more than it looks: a WAL
 * that only grows has every commit write into new file blocks (the file
 * system allocates and zeroes them), where one that starts over rewrites
 * blocks already there, and it stays in the page cache. The WAL starts
 * over only after a checkpoint that copied every frame, which a passive
 * one beside a busy writer never does. So the checkpointer copies the
 * bulk beside the writer, and the writer copies the short tail left
 * (CHECKPOINT_TAIL_PAGES at most) itself right after the commit that
 * finds it so short, as SQLite's own checkpoint would but with much less
 * to copy: that one finishes, and the next commit starts the WAL over.
 */
#include <stdlib.h>
#include <time.h>

#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define CHECKPOINT_PAGES 2000
#define CHECKPOINT_WRITER_PAGES 40000
#define CHECKPOINT_IDLE_MS 1000
#define CHECKPOINT_TAIL_PAGES 1000
/* No tail below this: when a reader keeps the WAL from starting over, a
   finished checkpoint is not followed by a copy (and two syncs) per
   commit. */
#define CHECKPOINT_TAIL_MIN_PAGES 64

/* Frames of a WAL of `pages` that no checkpoint copied yet. A WAL
   smaller than what the last one copied has started over. */
static int uncopied_pages(server_tenant *st, int pages)
{
    int copied = atomic_load(&st->ckpt.backfilled);
    if (pages < copied) {
        atomic_store(&st->ckpt.backfilled, 0);
        copied = 0;
    }
    return pages - copied;
}

/* A passive checkpoint on `db` (the writer's or the checkpointer's
   connection), noting how far it copied; *log and *done as SQLite fills
   them. SQLITE_BUSY while the other connection checkpoints: the writer
   tries again after its next commit, the checkpointer when next due. */
static int copy_frames(server_tenant *st, sqlite3 *db, const char *name, int *log, int *done)
{
    int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, log, done);
    if (rc == SQLITE_OK)
        atomic_store(&st->ckpt.backfilled, *done);
    return rc;
}

/* Runs in the writer after each commit with the WAL's size in pages. */
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    server_tenant *st = arg;
    int64_t now = services_now_ms();
    atomic_store(&st->ckpt.wal_pages, pages);
    atomic_store(&st->ckpt.last_commit_ms, now);
    /* Counted from what the last checkpoint copied, not from the WAL's
       start: the WAL stays past CHECKPOINT_PAGES until one finishes, and
       a checkpoint after every commit copied the pages every commit
       touches (the tables' last leaves, their indexes', the header) once
       per commit instead of once per CHECKPOINT_PAGES. */
    int uncopied = uncopied_pages(st, pages);
    if (pages >= CHECKPOINT_WRITER_PAGES ||
        (pages >= CHECKPOINT_PAGES && uncopied >= CHECKPOINT_TAIL_MIN_PAGES &&
         uncopied <= CHECKPOINT_TAIL_PAGES)) {
        int log = 0, done = 0;
        copy_frames(st, db, name, &log, &done);
        return SQLITE_OK;
    }
    if (uncopied >= CHECKPOINT_PAGES) {
        atomic_store(&st->ckpt.wanted, 1);
        pool_wake(&st->ckpt.task);
    } else {
        pool_wake_at(&st->ckpt.task, now + CHECKPOINT_IDLE_MS); /* kept if armed earlier */
    }
    return SQLITE_OK;
}

/* Without a request: only a WAL with frames, behind a writer at rest. */
static int idle_checkpoint_due(server_tenant *st, int64_t now)
{
    return atomic_load(&st->ckpt.wal_pages) > 0 &&
           now - atomic_load(&st->ckpt.last_commit_ms) >= CHECKPOINT_IDLE_MS;
}

/* The checkpoint task (the checkpointer pool, one at a time per tenant):
   a passive checkpoint when asked or when the writer rests; while the WAL
   holds frames it runs again once the writer has rested long enough. */
static int64_t checkpoint_run(void *arg)
{
    server_tenant *st = arg;
    int64_t now = services_now_ms();
    if (atomic_exchange(&st->ckpt.wanted, 0) || idle_checkpoint_due(st, now)) {
        int log = 0, done = 0, rc = SQLITE_OK;
        sl_error err = {.size = sizeof err};
        if (st->ckpt.db == NULL &&
            store_open(st->rt->config->database, &st->ckpt.db, &err) != SL_OK)
            services_log(NULL, SL_LOG_WARN, "tenant %s: checkpoint: %s", st->rt->config->id,
                         err.message);
        else
            rc = copy_frames(st, store_db(st->ckpt.db), NULL, &log, &done);
        if (st->ckpt.db != NULL && rc == SQLITE_OK && done == log) {
            atomic_store(&st->ckpt.wal_pages, 0); /* all copied: nothing to redo */
            /* A tenant at rest keeps no connection here: a host of many idle
               tenants would hold one per tenant (descriptors, schema). */
            store_close(st->ckpt.db);
            st->ckpt.db = NULL;
        }
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            services_log(NULL, SL_LOG_WARN, "tenant %s: checkpoint: %s", st->rt->config->id,
                         sqlite3_errstr(rc));
    }
    if (atomic_load(&st->ckpt.wal_pages) == 0)
        return 0; /* the next commit arms it again */
    int64_t due = atomic_load(&st->ckpt.last_commit_ms) + CHECKPOINT_IDLE_MS;
    now = services_now_ms();
    return due > now ? due : now + CHECKPOINT_IDLE_MS; /* one not finished: retried later */
}

void checkpoint_attach(server_tenant *st)
{
    sqlite3_stmt *ps = NULL;
    if (sqlite3_prepare_v2(store_db(st->rt->db), "PRAGMA page_size", -1, &ps, NULL) == SQLITE_OK &&
        sqlite3_step(ps) == SQLITE_ROW)
        atomic_store(&st->ckpt.page_size, sqlite3_column_int64(ps, 0));
    sqlite3_finalize(ps);
    /* Replaces SQLite's own hook, which checkpointed inside the commit. */
    sqlite3_wal_hook(store_db(st->rt->db), on_wal_commit, st);
}

void checkpoint_detach(server_tenant *st)
{
    sqlite3_wal_autocheckpoint(store_db(st->rt->db), 1000); /* SQLite's default again */
}

int checkpoint_start(server_tenant *st, work_pool *pool, sl_error *err)
{
    (void)err;
    /* The writer's connection, before the writer task runs: this thread
       is its only user now. The checkpoint's own connection is opened
       when a checkpoint is due and closed after one that finished. */
    st->ckpt.db = NULL;
    st->ckpt.started = 1;
    atomic_store(&st->ckpt.wanted, 0);
    atomic_store(&st->ckpt.wal_pages, 0);
    atomic_store(&st->ckpt.backfilled, 0);
    pool_task_init(&st->ckpt.task, pool, checkpoint_run, st);
    checkpoint_attach(st);
    return SL_OK;
}

int64_t checkpoint_reserve_pages(void)
{
    return CHECKPOINT_PAGES;
}

void checkpoint_stop(server_tenant *st)
{
    if (!st->ckpt.started)
        return;
    if (st->rt->db != NULL) /* not closed while idle */
        checkpoint_detach(st);
    pool_task_cancel(&st->ckpt.task);
    store_close(st->ckpt.db);
    st->ckpt.db = NULL;
    st->ckpt.started = 0;
}
