/*
 * Webhook lanes: extra contexts of each webhook channel, one per HTTP
 * thread, so that one channel's deliveries are verified and parsed in
 * parallel. Why: the SDK promises a plugin that a context is used by one
 * thread at a time, and with a single context a busy channel's parses ran
 * one after another under its lock (for a 3.4 KB WooCommerce order that
 * parse is most of a delivery's cost). The channel's own context stays
 * with polls, pushes and notes under its channel lock.
 */
#include <stdlib.h>

#include "server/server_int.h"
#include "shopledger/sdkutil.h"

struct hook_lane {
    pthread_mutex_t lock;
    runtime_channel chan;
    int opened;
};

/* Where a thread starts looking for a free lane: spreads the HTTP
   threads over the lanes so they rarely meet. */
static _Thread_local unsigned lane_hint;
static atomic_uint next_hint;

static int takes_webhooks(const runtime_channel *rc)
{
    return rc->plugin != NULL && rc->plugin->table->parse_webhook != NULL;
}

int hook_lanes_open(server_tenant *st, sl_error *err)
{
    size_t n = st->rt->channel_count * HOOK_LANES;
    st->hook_lanes = calloc(n ? n : 1, sizeof *st->hook_lanes);
    if (st->hook_lanes == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    for (size_t ci = 0; ci < st->rt->channel_count; ci++) {
        runtime_channel *rc = &st->rt->channels[ci];
        for (size_t k = 0; k < HOOK_LANES && takes_webhooks(rc); k++) {
            hook_lane *lane = &st->hook_lanes[ci * HOOK_LANES + k];
            int r = runtime_channel_open_copy(st->rt, rc, &lane->chan, err);
            if (r != SL_OK)
                return r; /* hook_lanes_close frees what was opened */
            pthread_mutex_init(&lane->lock, NULL);
            lane->opened = 1;
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
        if (!lane->opened)
            continue;
        runtime_channel_close_copy(&lane->chan);
        pthread_mutex_destroy(&lane->lock);
    }
    free(st->hook_lanes);
    st->hook_lanes = NULL;
}

hook_lane *hook_lane_take(server_tenant *st, int ci)
{
    hook_lane *lanes = &st->hook_lanes[(size_t)ci * HOOK_LANES];
    if (!lanes[0].opened)
        return NULL;
    if (lane_hint == 0)
        lane_hint = atomic_fetch_add(&next_hint, 1) + 1;
    unsigned start = lane_hint % HOOK_LANES;
    for (unsigned k = 0; k < HOOK_LANES; k++) {
        hook_lane *lane = &lanes[(start + k) % HOOK_LANES];
        if (pthread_mutex_trylock(&lane->lock) == 0)
            return lane;
    }
    pthread_mutex_lock(&lanes[start].lock);
    return &lanes[start];
}

runtime_channel *hook_lane_channel(hook_lane *lane)
{
    return &lane->chan;
}

void hook_lane_give(hook_lane *lane)
{
    pthread_mutex_unlock(&lane->lock);
}
