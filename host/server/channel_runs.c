/*
 * The record of a channel's polls and stock syncs while serving: what an
 * admin asked for and how the runs went. An admin request only bumps a
 * number and wakes the scheduler; the scheduler thread makes the remote
 * call and writes the outcome here, and GET /admin/<tenant>/channels/<ch>
 * shows it. So no HTTP thread ever waits on a shop: four polls against a
 * shop that hangs once held all four libmicrohttpd threads.
 *
 * One lock for every tenant: it is held for a few copies only, never
 * across a remote call.
 */
#include <stdio.h>
#include <string.h>

#include "server/server_int.h"
#include "shopledger/sdkutil.h"

static pthread_mutex_t runs_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const JOB_NAMES[CHANNEL_JOBS] = {"poll", "stock_sync"};

long channel_run_request(server_state *s, server_tenant *st, int ci, int job)
{
    pthread_mutex_lock(&runs_lock);
    long n = ++st->runs[ci][job].requested;
    pthread_mutex_unlock(&runs_lock);
    scheduler_kick(s);
    return n;
}

int channel_run_wanted(server_tenant *st, int ci, int job)
{
    pthread_mutex_lock(&runs_lock);
    const channel_run *r = &st->runs[ci][job];
    int wanted = r->requested > r->finished;
    pthread_mutex_unlock(&runs_lock);
    return wanted;
}

long channel_run_begin(server_tenant *st, int ci, int job, int64_t now_ms)
{
    pthread_mutex_lock(&runs_lock);
    channel_run *r = &st->runs[ci][job];
    /* One run answers every request made before it started. */
    long covers = r->requested > r->finished ? r->requested : 0;
    if (covers)
        r->covered = covers;
    r->running = 1;
    r->started_ms = now_ms;
    pthread_mutex_unlock(&runs_lock);
    return covers;
}

void channel_run_end(server_tenant *st, int ci, int job, int64_t now_ms, int rc,
                     const sl_error *err, json_t *report)
{
    pthread_mutex_lock(&runs_lock);
    channel_run *r = &st->runs[ci][job];
    r->running = 0;
    r->ended_ms = now_ms;
    r->rc = rc;
    snprintf(r->error, sizeof r->error, "%s",
             rc == SL_OK || err == NULL ? ""
             : err->message[0]          ? err->message
                                        : "failed");
    if (r->covered > r->finished)
        r->finished = r->covered;
    json_t *old = r->report;
    r->report = report;
    pthread_mutex_unlock(&runs_lock);
    json_decref(old);
}

/* One job's record; called under runs_lock. */
static json_t *run_json(const channel_run *r)
{
    const char *outcome = r->running         ? "running"
                          : r->ended_ms == 0 ? "never"
                          : r->rc == SL_OK   ? "ok"
                                             : "failed";
    json_t *j = json_pack("{s:I, s:I, s:s, s:I, s:I}", "requested", (json_int_t)r->requested,
                          "finished", (json_int_t)r->finished, "outcome", outcome, "started_ms",
                          (json_int_t)r->started_ms, "ended_ms", (json_int_t)r->ended_ms);
    if (j != NULL && r->ended_ms != 0 && r->rc != SL_OK) {
        json_object_set_new(j, "code", json_string(sl_status_name(r->rc)));
        json_object_set_new(j, "error", json_string(r->error));
    }
    if (j != NULL && r->report != NULL)
        json_object_set_new(j, "report", json_deep_copy(r->report)); /* not shared across threads */
    return j;
}

json_t *channel_runs_json(server_tenant *st, int ci)
{
    json_t *out = json_pack("{s:s}", "channel", st->rt->channels[ci].config->name);
    pthread_mutex_lock(&runs_lock);
    for (int job = 0; out != NULL && job < CHANNEL_JOBS; job++)
        json_object_set_new(out, JOB_NAMES[job], run_json(&st->runs[ci][job]));
    pthread_mutex_unlock(&runs_lock);
    return out;
}

void channel_runs_clear(server_tenant *st)
{
    pthread_mutex_lock(&runs_lock);
    for (size_t ci = 0; ci < st->rt->channel_count; ci++)
        for (int job = 0; job < CHANNEL_JOBS; job++) {
            json_decref(st->runs[ci][job].report);
            st->runs[ci][job].report = NULL;
        }
    pthread_mutex_unlock(&runs_lock);
}
