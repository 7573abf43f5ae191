/*
 * Admin pay links: POST /admin/<tenant>/pay-link?channel=C&external_id=E&via=G
 * is what `pay link` does, for a shop admin's screen. The request only
 * records what to do and wakes the scheduler (202 with its number); the
 * scheduler worker holding the tenant makes the gateway call (pay_link on
 * its own connection, under the gateway channel's lock), and GET
 * /admin/<tenant>/pay-link/<n> shows the outcome: the start URL, or why
 * not. No admin thread waits on a bank.
 *
 * One lock for every tenant (held for copies, never across the call); a
 * tenant keeps its last PAY_LINKS_KEPT requests.
 */
#include <stdio.h>
#include <string.h>

#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

static pthread_mutex_t links_lock = PTHREAD_MUTEX_INITIALIZER;

long pay_link_request(server_state *s, server_tenant *st, const char *channel,
                      const char *external_id, const char *via, sl_error *err)
{
    const char *missing = !channel || !*channel           ? "channel"
                          : !external_id || !*external_id ? "external_id"
                          : !via || !*via                 ? "via"
                                                          : NULL;
    if (missing) {
        sl_error_set(err, SL_EINVALID, missing, "%s is required", missing);
        return 0;
    }
    int gi = server_channel_index(st, via);
    if (gi < 0 || !pay_has_cap(&st->rt->channels[gi], SL_CAP_REQUEST_PAYMENT) ||
        server_channel_index(st, channel) < 0 || strlen(external_id) >= 128) {
        sl_error_set(err, SL_EINVALID, gi < 0 ? "via" : "channel",
                     "via must be a gateway channel and channel a channel of the tenant");
        return 0;
    }
    pthread_mutex_lock(&links_lock);
    long n = ++st->pay_links_next;
    pay_link_req *r = &st->pay_links[n % PAY_LINKS_KEPT];
    memset(r, 0, sizeof *r);
    r->n = n;
    snprintf(r->channel, sizeof r->channel, "%s", channel);
    snprintf(r->external_id, sizeof r->external_id, "%s", external_id);
    snprintf(r->via, sizeof r->via, "%s", via);
    pthread_mutex_unlock(&links_lock);
    atomic_store(&st->pay_wanted, 1);
    scheduler_kick(s);
    return n;
}

json_t *pay_link_json(server_tenant *st, long n)
{
    json_t *j = NULL;
    pthread_mutex_lock(&links_lock);
    const pay_link_req *r = &st->pay_links[n % PAY_LINKS_KEPT];
    if (n > 0 && r->n == n) {
        j = json_pack("{s:I,s:s,s:s,s:s,s:s}", "request", (json_int_t)n, "status",
                      r->done      ? (r->rc == SL_OK ? "done" : "failed")
                      : r->running ? "running"
                                   : "queued",
                      "channel", r->channel, "external_id", r->external_id, "via", r->via);
        if (j && r->done && r->result.attempt_id)
            json_object_set_new(j, "attempt", json_integer(r->result.attempt_id));
        if (j && r->done && r->rc == SL_OK) {
            json_object_set_new(j, "start_url", json_string(r->result.start_url));
            json_object_set_new(j, "start_method", json_string(r->result.start_method));
            json_object_set_new(j, "start_field", json_string(r->result.start_field));
            json_object_set_new(j, "authority", json_string(r->result.authority));
        }
        if (j && r->done && r->rc != SL_OK)
            json_object_set_new(j, "error", json_string(r->error));
    }
    pthread_mutex_unlock(&links_lock);
    return j;
}

/* The next waiting request, copied and marked running; 0 when none. */
static long take_waiting(server_tenant *st, pay_link_req *copy)
{
    long n = 0;
    pthread_mutex_lock(&links_lock);
    for (int i = 0; i < PAY_LINKS_KEPT && n == 0; i++) {
        pay_link_req *r = &st->pay_links[i];
        if (r->n && !r->running && !r->done) {
            r->running = 1;
            *copy = *r;
            n = r->n;
        }
    }
    pthread_mutex_unlock(&links_lock);
    return n;
}

void pay_links_run(server_tenant *st, store *db)
{
    pay_link_req job;
    long n;
    for (int guard = 0; guard < PAY_LINKS_KEPT && (n = take_waiting(st, &job)) != 0; guard++) {
        int gi = server_channel_index(st, job.via);
        sl_error err = {.size = sizeof err};
        pay_link_result res;
        memset(&res, 0, sizeof res);
        int rc = sl_error_set(&err, SL_EINVALID, "via", "no channel %s", job.via);
        if (gi >= 0) {
            pthread_mutex_lock(&st->channel_locks[gi]);
            rc = pay_link(st->rt, db, job.channel, job.external_id, job.via, &res, &err);
            pthread_mutex_unlock(&st->channel_locks[gi]);
        }
        services_log(gi >= 0 ? st->rt->channels[gi].ctx : NULL,
                     rc == SL_OK ? SL_LOG_INFO : SL_LOG_WARN, "admin pay link %ld (%s %s): %s", n,
                     job.channel, job.external_id,
                     rc == SL_OK ? "start URL handed out" : err.message);
        pthread_mutex_lock(&links_lock);
        pay_link_req *r = &st->pay_links[n % PAY_LINKS_KEPT];
        if (r->n == n) { /* not replaced meanwhile */
            r->running = 0;
            r->done = 1;
            r->rc = rc;
            r->result = res;
            snprintf(r->error, sizeof r->error, "%s", rc == SL_OK ? "" : err.message);
        }
        pthread_mutex_unlock(&links_lock);
    }
}
