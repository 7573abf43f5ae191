/*
 * Webhook lanes: extra contexts of each webhook channel, up to one per
 * HTTP thread, so that one channel's deliveries are verified and parsed in
 * parallel. The first opens with the tenant, each further one only when
 * deliveries find every open one busy, so an idle tenant holds one. Why: the SDK promises a plugin
 * that a context is used by one thread at a time, and with a single context a busy channel's parses
 * ran one after another under its lock (for a 3.4 KB WooCommerce order that parse is most of a
 * delivery's cost). The channel's own context stays with polls, pushes and notes under its channel
 * lock.
 */
#include <stdlib.h>

#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

struct hook_lane {
    pthread_mutex_t lock;
    runtime_channel chan;
    atomic_int opened;    /* published after chan and lock are ready */
    pthread_mutex_t grow; /* lane 0 only: opening one more lane */
};

/* Where a thread starts looking for a free lane: spreads the HTTP
   threads over the lanes so they rarely meet. */
static _Thread_local unsigned lane_hint;
static atomic_uint next_hint;

static int takes_webhooks(const runtime_channel *rc)
{
    return rc->plugin != NULL && rc->plugin->table->parse_webhook != NULL;
}

static int open_lane(server_tenant *st, size_t ci, hook_lane *lane, sl_error *err)
{
    int r = runtime_channel_open_copy(st->rt, &st->rt->channels[ci], &lane->chan, err);
    if (r != SL_OK)
        return r;
    pthread_mutex_init(&lane->lock, NULL);
    atomic_store(&lane->opened, 1);
    return SL_OK;
}

/* The first lane of each webhook channel opens with the tenant (its
   error is the tenant's); the others when deliveries meet (take below):
   a tenant that gets one delivery at a time keeps one context. */
int hook_lanes_open(server_tenant *st, sl_error *err)
{
    size_t n = st->rt->channel_count * HOOK_LANES;
    st->hook_lanes = calloc(n ? n : 1, sizeof *st->hook_lanes);
    if (st->hook_lanes == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    for (size_t ci = 0; ci < st->rt->channel_count; ci++) {
        hook_lane *first = &st->hook_lanes[ci * HOOK_LANES];
        pthread_mutex_init(&first->grow, NULL);
        if (takes_webhooks(&st->rt->channels[ci])) {
            int r = open_lane(st, ci, first, err);
            if (r != SL_OK)
                return r; /* hook_lanes_close frees what was opened */
        }
    }
    return SL_OK;
}

void hook_lanes_close(server_tenant *st)
{
    if (st->hook_lanes == NULL)
        return;
    for (size_t i = 0; i < st->rt->channel_count * HOOK_LANES; i++) {
        hook_lane *lane = &st->hook_lanes[i];
        if (i % HOOK_LANES == 0)
            pthread_mutex_destroy(&lane->grow);
        if (!atomic_load(&lane->opened))
            continue;
        runtime_channel_close_copy(&lane->chan);
        pthread_mutex_destroy(&lane->lock);
    }
    free(st->hook_lanes);
    st->hook_lanes = NULL;
}

/* Every open lane is busy: opens the next one, locked (NULL when all are
   open or it cannot be opened: the caller waits for a busy one). */
static hook_lane *open_more(server_tenant *st, int ci)
{
    hook_lane *lanes = &st->hook_lanes[(size_t)ci * HOOK_LANES], *got = NULL;
    pthread_mutex_lock(&lanes[0].grow);
    for (unsigned k = 1; k < HOOK_LANES && got == NULL; k++) {
        if (atomic_load(&lanes[k].opened))
            continue;
        sl_error err = {.size = sizeof err};
        if (open_lane(st, (size_t)ci, &lanes[k], &err) != SL_OK)
            break;
        pthread_mutex_lock(&lanes[k].lock);
        got = &lanes[k];
    }
    pthread_mutex_unlock(&lanes[0].grow);
    return got;
}

hook_lane *hook_lane_take(server_tenant *st, int ci)
{
    hook_lane *lanes = &st->hook_lanes[(size_t)ci * HOOK_LANES];
    if (!atomic_load(&lanes[0].opened))
        return NULL;
    if (lane_hint == 0)
        lane_hint = atomic_fetch_add(&next_hint, 1) + 1;
    unsigned start = lane_hint % HOOK_LANES;
    for (unsigned k = 0; k < HOOK_LANES; k++) {
        hook_lane *lane = &lanes[(start + k) % HOOK_LANES];
        if (atomic_load(&lane->opened) && pthread_mutex_trylock(&lane->lock) == 0)
            return lane;
    }
    hook_lane *more = open_more(st, ci);
    if (more != NULL)
        return more;
    hook_lane *wait = atomic_load(&lanes[start].opened) ? &lanes[start] : &lanes[0];
    pthread_mutex_lock(&wait->lock);
    return wait;
}

runtime_channel *hook_lane_channel(hook_lane *lane)
{
    return &lane->chan;
}

void hook_lane_give(hook_lane *lane)
{
    pthread_mutex_unlock(&lane->lock);
}

void hook_lanes_release(server_tenant *st)
{
    for (size_t i = 0; st->hook_lanes != NULL && i < st->rt->channel_count * HOOK_LANES; i++) {
        hook_lane *lane = &st->hook_lanes[i];
        if (!atomic_load(&lane->opened) || pthread_mutex_trylock(&lane->lock) != 0)
            continue;
        services_ctx_release(lane->chan.ctx);
        pthread_mutex_unlock(&lane->lock);
    }
}
