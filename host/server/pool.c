/*
 * The work pool (pool.h): one lock, a FIFO of ready tasks and a min-heap
 * of timers.
 *
 * A task is IDLE, QUEUED (on the FIFO), RUNNING, or AGAIN (running, and
 * woken meanwhile: queued again when the run ends). So a task is on the
 * FIFO at most once and never in two threads, whatever wakes it.
 *
 * Timers: pool_wake_at keeps the earliest due time in the task and pushes
 * a heap entry; an entry whose time no longer matches its task's (the
 * task ran, or was re-armed earlier, or cancelled) is dropped when it
 * reaches the top. A run clears its task's timer; the time the run
 * returns arms the next one. Threads wait on one condition until the
 * earliest due time, so an idle pool costs no wake-ups but the timers'.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/pool.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

enum { POOL_IDLE, POOL_QUEUED, POOL_RUNNING, POOL_AGAIN };

typedef struct timer {
    int64_t due_ms;
    pool_task *task;
} timer;

struct work_pool {
    pthread_mutex_t lock;
    pthread_cond_t work; /* a task is ready, a timer moved earlier, or the stop */
    pthread_cond_t ran;  /* a run ended (pool_task_cancel waits for it) */
    pool_task *head, *tail;
    timer *heap;
    size_t heap_count, heap_cap;
    atomic_int stopping;
    pthread_t *threads;
    int thread_count;
    char name[16];
};

static void heap_swap(timer *h, size_t a, size_t b)
{
    timer t = h[a];
    h[a] = h[b];
    h[b] = t;
}

/* Pushes a timer; out of memory drops it (the task then runs only on its
   next wake: writers and checkpoints are woken by every commit). */
static void heap_push(work_pool *p, int64_t due_ms, pool_task *t)
{
    if (p->heap_count == p->heap_cap) {
        size_t cap = p->heap_cap ? p->heap_cap * 2 : 64;
        timer *grown = realloc(p->heap, cap * sizeof *grown);
        if (grown == NULL)
            return;
        p->heap = grown;
        p->heap_cap = cap;
    }
    size_t i = p->heap_count++;
    p->heap[i] = (timer){due_ms, t};
    while (i > 0 && p->heap[(i - 1) / 2].due_ms > p->heap[i].due_ms) {
        heap_swap(p->heap, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static timer heap_pop(work_pool *p)
{
    timer top = p->heap[0];
    p->heap[0] = p->heap[--p->heap_count];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < p->heap_count && p->heap[l].due_ms < p->heap[m].due_ms)
            m = l;
        if (r < p->heap_count && p->heap[r].due_ms < p->heap[m].due_ms)
            m = r;
        if (m == i)
            break;
        heap_swap(p->heap, i, m);
        i = m;
    }
    return top;
}

/* Under the lock. */
static void make_ready(work_pool *p, pool_task *t)
{
    if (t->state == POOL_RUNNING) {
        t->state = POOL_AGAIN;
        return;
    }
    if (t->state != POOL_IDLE)
        return;
    t->state = POOL_QUEUED;
    t->next = NULL;
    if (p->tail)
        p->tail->next = t;
    else
        p->head = t;
    p->tail = t;
    pthread_cond_signal(&p->work);
}

/* Under the lock: moves due timers' tasks to the FIFO; returns the next
   due time (0: no timer). */
static int64_t fire_timers(work_pool *p, int64_t now)
{
    while (p->heap_count > 0) {
        timer top = p->heap[0];
        if (top.task->due_ms != top.due_ms) { /* stale: ran, re-armed or cancelled */
            heap_pop(p);
            continue;
        }
        if (top.due_ms > now)
            return top.due_ms;
        heap_pop(p);
        top.task->due_ms = 0;
        make_ready(p, top.task);
    }
    return 0;
}

static void arm(work_pool *p, pool_task *t, int64_t due_ms)
{
    if (t->due_ms != 0 && t->due_ms <= due_ms)
        return; /* an earlier time is armed already */
    t->due_ms = due_ms;
    heap_push(p, due_ms, t);
    pthread_cond_signal(&p->work); /* a waiting thread recomputes its wait */
}

static void *pool_main(void *arg)
{
    work_pool *p = arg;
    server_name_thread(p->name);
    pthread_mutex_lock(&p->lock);
    while (!atomic_load(&p->stopping)) {
        int64_t next = fire_timers(p, services_now_ms());
        pool_task *t = p->head;
        if (t == NULL) {
            if (next == 0) {
                pthread_cond_wait(&p->work, &p->lock);
            } else {
                struct timespec until = server_deadline_in(next - services_now_ms());
                pthread_cond_timedwait(&p->work, &p->lock, &until);
            }
            continue;
        }
        p->head = t->next;
        if (p->head == NULL)
            p->tail = NULL;
        t->next = NULL;
        t->state = POOL_RUNNING;
        t->due_ms = 0; /* the run says when it wants to run again */
        pthread_mutex_unlock(&p->lock);
        int64_t again = t->run(t->arg);
        pthread_mutex_lock(&p->lock);
        int woken = t->state == POOL_AGAIN;
        t->state = POOL_IDLE;
        if (woken)
            make_ready(p, t);
        if (again > 0)
            arm(p, t, again);
        pthread_cond_broadcast(&p->ran);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

work_pool *pool_new(const char *name, int threads, sl_error *err)
{
    work_pool *p = calloc(1, sizeof *p);
    if (p == NULL || (p->threads = calloc((size_t)threads, sizeof *p->threads)) == NULL) {
        free(p);
        sl_error_set(err, SL_ENOMEM, "", "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->ran, NULL);
    snprintf(p->name, sizeof p->name, "%s", name);
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, pool_main, p) != 0) {
            pool_stop(p);
            pool_free(p);
            sl_error_set(err, SL_EINTERNAL, "", "cannot start the %s threads", name);
            return NULL;
        }
        p->thread_count++;
    }
    return p;
}

void pool_stop(work_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    atomic_store(&p->stopping, 1);
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->thread_count; i++)
        pthread_join(p->threads[i], NULL);
    p->thread_count = 0;
}

void pool_free(work_pool *p)
{
    if (p == NULL)
        return;
    pthread_cond_destroy(&p->ran);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    free(p->heap);
    free(p->threads);
    free(p);
}

int pool_stopping(const work_pool *p)
{
    return atomic_load(&p->stopping);
}

void pool_task_init(pool_task *t, work_pool *p, pool_run_fn run, void *arg)
{
    memset(t, 0, sizeof *t);
    t->pool = p;
    t->run = run;
    t->arg = arg;
}

void pool_wake(pool_task *t)
{
    work_pool *p = t->pool;
    pthread_mutex_lock(&p->lock);
    if (!atomic_load(&p->stopping))
        make_ready(p, t);
    pthread_mutex_unlock(&p->lock);
}

void pool_wake_at(pool_task *t, int64_t due_ms)
{
    work_pool *p = t->pool;
    pthread_mutex_lock(&p->lock);
    if (!atomic_load(&p->stopping))
        arm(p, t, due_ms);
    pthread_mutex_unlock(&p->lock);
}

void pool_task_cancel(pool_task *t)
{
    work_pool *p = t->pool;
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    while (t->state == POOL_RUNNING || t->state == POOL_AGAIN)
        pthread_cond_wait(&p->ran, &p->lock);
    t->due_ms = 0; /* its heap entries are stale now */
    if (t->state == POOL_QUEUED) {
        pool_task **pp = &p->head;
        pool_task *prev = NULL;
        while (*pp != t) {
            prev = *pp;
            pp = &(*pp)->next;
        }
        *pp = t->next;
        if (p->tail == t)
            p->tail = prev;
        t->next = NULL;
    }
    t->state = POOL_IDLE;
    pthread_mutex_unlock(&p->lock);
}
