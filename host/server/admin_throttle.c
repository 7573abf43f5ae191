/*
 * The wrong-token throttle (admin_throttle.h).
 */
#include <string.h>

#include "server/admin_throttle.h"

void admin_throttle_init(admin_throttle *t)
{
    memset(t->slots, 0, sizeof t->slots);
    pthread_mutex_init(&t->lock, NULL);
}

void admin_throttle_destroy(admin_throttle *t)
{
    pthread_mutex_destroy(&t->lock);
}

/* The slot of addr, or NULL when it has none (a lookup never takes one). */
static admin_throttle_slot *find(admin_throttle *t, uint32_t addr)
{
    for (int i = 0; i < ADMIN_THROTTLE_SLOTS; i++)
        if (t->slots[i].addr == addr)
            return &t->slots[i];
    return NULL;
}

/* addr's slot, else a free one, else the one whose window began first
   and is not blocking (a blocked address keeps its slot while one is). */
static admin_throttle_slot *take(admin_throttle *t, uint32_t addr, int64_t now_ms)
{
    admin_throttle_slot *s = find(t, addr), *stalest = NULL;
    if (s != NULL)
        return s;
    for (int i = 0; i < ADMIN_THROTTLE_SLOTS; i++) {
        admin_throttle_slot *c = &t->slots[i];
        if (c->addr == 0)
            return c;
        if (c->blocked_until_ms <= now_ms &&
            (stalest == NULL || c->window_start_ms < stalest->window_start_ms))
            stalest = c;
    }
    return stalest ? stalest : &t->slots[0];
}

int admin_throttle_wait_s(admin_throttle *t, uint32_t addr, int64_t now_ms)
{
    pthread_mutex_lock(&t->lock);
    admin_throttle_slot *s = find(t, addr);
    int64_t left = s ? s->blocked_until_ms - now_ms : 0;
    pthread_mutex_unlock(&t->lock);
    return left > 0 ? (int)((left + 999) / 1000) : 0;
}

enum admin_throttle_verdict admin_throttle_wrong(admin_throttle *t, uint32_t addr, int64_t now_ms)
{
    pthread_mutex_lock(&t->lock);
    admin_throttle_slot *s = take(t, addr, now_ms);
    if (s->addr != addr || now_ms - s->window_start_ms >= ADMIN_THROTTLE_WINDOW_MS) {
        int64_t blocked = s->addr == addr ? s->blocked_until_ms : 0;
        *s = (admin_throttle_slot){
            .addr = addr, .window_start_ms = now_ms, .blocked_until_ms = blocked};
    }
    s->wrong++;
    enum admin_throttle_verdict v = ADMIN_THROTTLE_QUIET;
    if (s->wrong == 1)
        v = ADMIN_THROTTLE_LOG_FIRST;
    if (s->wrong == ADMIN_THROTTLE_LIMIT) {
        s->blocked_until_ms = now_ms + ADMIN_THROTTLE_BLOCK_MS;
        v = ADMIN_THROTTLE_LOG_BLOCK;
    }
    pthread_mutex_unlock(&t->lock);
    return v;
}
