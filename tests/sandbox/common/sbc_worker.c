/*
 * The delivery thread of an emulator (sbc.h): one loop that takes the
 * next due item under the lock, sends it without the lock, and sleeps on
 * a condition until the next is due or the queue changes. Emulators that
 * deliver (WooCommerce webhooks, Mozello notifications) keep their own
 * queue and its order (delays, reordering, retries) in the callbacks.
 */
#include "sbc.h"

#include <time.h>

int64_t sbc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct timespec at_ms(int64_t ms)
{
    return (struct timespec){.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
}

static void *run(void *arg)
{
    sbc_worker *w = arg;
    if (w->first)
        w->first(w->cls);
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        int64_t wait_ms = -1;
        void *item = w->take(w->cls, &wait_ms);
        if (item == NULL) {
            if (w->on_idle)
                w->on_idle(w->cls);
            pthread_cond_broadcast(&w->idle);
            if (wait_ms < 0) {
                pthread_cond_wait(&w->cv, &w->mu);
            } else {
                struct timespec ts = at_ms(sbc_now_ms() + wait_ms);
                pthread_cond_timedwait(&w->cv, &w->mu, &ts);
            }
            continue;
        }
        w->inflight = 1;
        pthread_mutex_unlock(&w->mu);
        w->send(w->cls, item);
        pthread_mutex_lock(&w->mu);
        w->inflight = 0;
        pthread_cond_broadcast(&w->idle);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int sbc_worker_start(sbc_worker *w)
{
    w->stop = w->inflight = 0;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    pthread_cond_init(&w->idle, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        pthread_cond_destroy(&w->idle);
        return -1;
    }
    return 0;
}

void sbc_worker_wake(sbc_worker *w)
{
    pthread_cond_broadcast(&w->cv);
}

int sbc_worker_wait(sbc_worker *w, int (*busy)(void *cls), int64_t timeout_ms)
{
    int64_t until = sbc_now_ms() + timeout_ms;
    int b;
    while ((b = busy(w->cls)) && sbc_now_ms() < until) {
        int64_t next = sbc_now_ms() + 50;
        struct timespec ts = at_ms(next < until ? next : until);
        pthread_cond_broadcast(&w->cv);
        pthread_cond_timedwait(&w->idle, &w->mu, &ts);
    }
    return b;
}

void sbc_worker_stop(sbc_worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    pthread_cond_destroy(&w->idle);
}
