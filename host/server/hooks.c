/*
 * Webhook intake: POST /hooks/<tenant>/<channel>. Before the answer only
 * what decides it happens: the route (404), the size (413, decided by the
 * HTTP layer), the plugin's signature check (401, nothing stored), a ping
 * or an ignored topic (200, nothing stored). An authentic delivery is
 * then appended verbatim to the tenant's deliveries log by the writer,
 * and answered 200 once that commit is flushed; the writer parses and
 * files it right after (deferred.c, intake/), so parsing, mapping and
 * hashing never hold the HTTP threads or the acknowledgement. 503 while
 * stopping or when the store fails (the shop may deliver again; intake is
 * idempotent).
 *
 * An authentic delivery is never refused for its content: WooCommerce
 * counts every non-2xx as a failure, never retries and disables the
 * webhook after a few in a row, so a 4xx would lose the order and later
 * ones too. One the parser refuses is kept as failed with the reason
 * (`inbox failed`; `inbox retry --failed` or `inbox replay` after a fix).
 * A plugin without verify_webhook (built against SDK 1.0-1.3) keeps the
 * old path: it verifies and parses here, and its error decides the answer
 * (400 for a body it refuses).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "intake/intake.h"
#include "loader/loader.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define HOOK_MAX_HEADERS 64

typedef struct header_bag {
    services_request_header items[HOOK_MAX_HEADERS];
    size_t count;
} header_bag;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    header_bag *bag = cls;
    if (bag->count < HOOK_MAX_HEADERS && key && value) {
        bag->items[bag->count].name = key;
        bag->items[bag->count].value = value;
        bag->count++;
    }
    return MHD_YES;
}

static int take_order(void *data, order *o, sl_error *err)
{
    return intake_job_add(data, o, INTAKE_MAX_ORDERS, err);
}

static char *reply_json(const char *status, const char *detail)
{
    json_t *j = json_pack("{s:s, s:s}", "status", status, "detail", detail ? detail : "");
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return text;
}

static int status_for(int rc)
{
    switch (rc) {
    case SL_EAUTH:
        return 401;
    case SL_EINVALID:
        return 400;
    case SL_ETOOBIG:
        return 413;
    case SL_ENOTFOUND:
        return 404;
    case SL_EUNSUPPORTED:
        return 400;
    default:
        return 503;
    }
}

/* Splits "/hooks/<tenant>/<channel>" into its two names. */
static int parse_path(const char *url, char *tenant, size_t tlen, char *channel, size_t clen)
{
    const char *p = url + strlen("/hooks/");
    const char *slash = strchr(p, '/');
    if (slash == NULL || (size_t)(slash - p) >= tlen || strlen(slash + 1) >= clen ||
        slash[1] == '\0' || strchr(slash + 1, '/'))
        return -1;
    memcpy(tenant, p, (size_t)(slash - p));
    tenant[slash - p] = '\0';
    snprintf(channel, clen, "%s", slash + 1);
    return 0;
}

/* Decides a delivery in one of the channel's webhook lanes. With the
   plugin's verify_webhook (1.4) only the signature is checked here:
   *log_it says "authentic, append it verbatim" (parsed after the
   acknowledgement, deferred.c), and a ping or ignored topic is SL_OK with
   nothing to store. Without the slot the plugin verifies and parses here,
   as before, and its error decides the answer. */
static int accept_delivery(server_tenant *st, int ci, const services_request *req, intake_job *job,
                           int *log_it)
{
    services_sink sink = {.data = job, .order_take = take_order};
    hook_lane *lane = hook_lane_take(st, ci);
    *log_it = 0;
    if (lane == NULL) /* hooks_begin answered 404 before: no lanes, no parser */
        return sl_error_set(&job->err, SL_EUNSUPPORTED, "", "channel takes no webhooks");
    runtime_channel *rc = hook_lane_channel(lane);
    loader_verify_fn verify = loader_verify_webhook(rc->plugin->table);
    int r = SL_OK, acknowledge_only = 0;
    if (verify != NULL) {
        services_call_enter_at(rc->ctx, NULL,
                               "verify_delivery"); /* a signature check submits nothing */
        r = verify(rc->state, rc->ctx, req, &acknowledge_only, &job->err);
        services_call_end(rc->ctx);
        *log_it = r == SL_OK && !acknowledge_only;
    } else {
        services_call_enter_at(rc->ctx, &sink, "parse_delivery");
        r = rc->plugin->table->parse_webhook(rc->state, rc->ctx, req, &job->err);
        services_call_end(rc->ctx);
    }
    hook_lane_give(lane);
    return r;
}

/* Makes the job the delivery itself, for the deferred parse. */
static int log_delivery(intake_job *job, const header_bag *bag, const char *body, size_t len)
{
    char *headers = intake_headers_json(bag->items, bag->count);
    int r = headers ? intake_job_set_delivery(job, headers, body, len, &job->err)
                    : sl_error_set(&job->err, SL_ENOMEM, "", "out of memory");
    free(headers);
    return r;
}

/* Fills the reply of a finished delivery and frees the job. */
static void reply_for(server_tenant *st, int ci, intake_job *job, int r, int *status, char **reply)
{
    if (r != SL_OK) {
        *status = status_for(r);
        services_log(st->rt->channels[ci].ctx, r == SL_EAUTH ? SL_LOG_WARN : SL_LOG_ERROR,
                     "webhook refused (%d): %s%s%s", *status, job->err.message,
                     job->err.field[0] ? " field " : "", job->err.field);
        *reply = reply_json("error", job->err.message);
    } else {
        *status = 200;
        /* Constant text: this is every delivery's path. */
        *reply = strdup(job->count || job->has_delivery
                            ? "{\"status\":\"ok\",\"detail\":\"stored\"}"
                            : "{\"status\":\"ok\",\"detail\":\"acknowledged\"}");
    }
    intake_job_clear(job);
    free(job);
}

/* The writer committed: wake the suspended connection. */
static void resume_delivery(intake_job *job)
{
    hook_call *hc = job->notify_data;
    MHD_resume_connection(hc->conn);
}

int hooks_begin(server_state *s, const char *url, const char *body, size_t len,
                struct MHD_Connection *conn, hook_call **pending, int *status, char **reply)
{
    char tenant[64], channel[64];
    server_tenant *st = NULL;
    int ci = -1;
    *pending = NULL;
    if (parse_path(url, tenant, sizeof tenant, channel, sizeof channel) == 0 &&
        (st = server_find_tenant(s, tenant)) != NULL)
        ci = server_channel_index(st, channel);
    /* A channel configured for polling only takes no deliveries, even
       signed ones: its intake is what the operator chose. */
    if (ci < 0 || st->rt->channels[ci].plugin->table->parse_webhook == NULL ||
        !st->rt->channels[ci].config->intake_webhook) {
        *status = 404;
        *reply = reply_json("error", "unknown tenant or channel, or it takes no webhooks");
        return 0;
    }
    hook_call *hc = calloc(1, sizeof *hc);
    if (hc == NULL) {
        *status = 503;
        *reply = reply_json("error", "out of memory");
        return 0;
    }
    intake_job *job = &hc->job;
    job->err.size = sizeof job->err;
    job->channel = st->rt->channels[ci].config->name;
    hc->st = st;
    hc->ci = ci;
    hc->conn = conn;
    header_bag bag = {.count = 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &bag);
    services_request req = {
        .headers = bag.items, .header_count = bag.count, .body = body, .body_len = len};
    int log_it = 0;
    int r = accept_delivery(st, ci, &req, job, &log_it);
    if (r == SL_OK && log_it)
        r = log_delivery(job, &bag, body, len);
    else if (r == SL_OK && job->count > 0)
        r = intake_job_prepare(job, &job->err);
    if (r == SL_OK && intake_job_has_work(job)) {
        job->notify = resume_delivery;
        job->notify_data = hc;
        /* Suspend before queueing, so the writer's resume cannot come
           first; the commit's result is read in hooks_finish. */
        MHD_suspend_connection(conn);
        if (writer_submit_async(st, job) == SL_OK) {
            *pending = hc;
            return 1;
        }
        MHD_resume_connection(conn);
        r = job->err.code;
    }
    reply_for(st, ci, job, r, status, reply); /* frees hc: job is its first member */
    return 0;
}

void hooks_finish(hook_call *hc, int *status, char **reply)
{
    reply_for(hc->st, hc->ci, &hc->job, hc->job.rc, status, reply);
}
