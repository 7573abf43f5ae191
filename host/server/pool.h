/*
 * pool.c: a fixed set of threads that runs tenants' work by kind, not a
 * thread per tenant. Each tenant embeds one pool_task per kind of work
 * (its group commit, its WAL flush, its checkpoint); a task is made ready
 * by a wake or by its due time, and a ready task goes to the next free
 * thread. A task is never run by two threads at once and is run again
 * after a wake that came while it ran, so one tenant's work of one kind
 * stays serialized and nothing woken is lost, while different tenants
 * (and different kinds of one tenant) run in parallel.
 */
#ifndef SL_SERVER_POOL_H
#define SL_SERVER_POOL_H

#include <stdint.h>

#include "shopledger/sdk.h"

typedef struct work_pool work_pool;

/* What a task does: runs once, returns when it wants to run again
   (services_now_ms() clock), or 0 for not until woken. */
typedef int64_t (*pool_run_fn)(void *arg);

/* Embedded in its owner, which outlives the pool's use of it: init once,
   cancel before the owner's state goes away. Fields are the pool's. */
typedef struct pool_task {
    work_pool *pool;
    pool_run_fn run;
    void *arg;
    int state;      /* under the pool's lock: POOL_IDLE ... (pool.c) */
    int64_t due_ms; /* under the pool's lock: armed timer, 0 none */
    struct pool_task *next;
} pool_task;

/* Starts `threads` threads named `name`; NULL with err set on failure. */
work_pool *pool_new(const char *name, int threads, sl_error *err);
/* Stops the threads (each finishes the run it is in; queued and timed
   tasks do not run any more). Wakes after this are dropped; the owners
   then finish their work themselves (writer_stop, syncer_stop). */
void pool_stop(work_pool *p);
/* Frees a stopped pool (NULL: nothing), after every task's owner is gone. */
void pool_free(work_pool *p);
/* Whether pool_stop has begun: long runs check it to end early. */
int pool_stopping(const work_pool *p);

void pool_task_init(pool_task *t, work_pool *p, pool_run_fn run, void *arg);
/* Runs t soon (any thread); a no-op once the pool is stopping. */
void pool_wake(pool_task *t);
/* Runs t at due_ms unless an earlier time or a wake comes first. */
void pool_wake_at(pool_task *t, int64_t due_ms);
/* Takes t off the queue and its timer, and waits until no thread runs
   it: afterwards t runs again only when woken. The caller makes sure no
   wake comes meanwhile. */
void pool_task_cancel(pool_task *t);

#endif
