/*
 * The parse stage: logged webhook deliveries are parsed on the parser
 * pool (`sl-parse`, as many threads as the writer pool), off the tenant's
 * writer, which only reads them and files what comes back.
 *
 * Why: the connector's parse is a third of what a WooCommerce order costs
 * between its acknowledgment and its posted invoice, and it needs no
 * store. With it on its own task the writer files and books batch N while
 * batch N+1 is parsed on another core, so a burst's backlog drains at the
 * pace of the slower of the two, not of their sum.
 *
 * One batch is out at a time per tenant, handed and taken back in id order
 * by the writer (the only reader and filer of the deliveries log while
 * serving), so orders are filed in the order they arrived and revisions
 * are still ordered by the order's own modification time when filed.
 * Nothing parsed is stored before the writer files it: a crash loses the
 * parse, the deliveries stay 'new' and are parsed again at the next start.
 * A delivery whose parse says nothing about it (out of memory, a plugin
 * fault) ends the batch there: it and the rest are read again.
 */
#include <stdlib.h>

#include "inbox/inbox.h"
#include "intake/intake.h"
#include "server/server_int.h"
#include "services/services.h"

enum { PARSE_IDLE, PARSE_BUSY, PARSE_DONE };

/* Parses one delivery in a webhook lane of its channel; 0 when the
   outcome says nothing about the delivery (try it again later). */
static int parse_one(server_tenant *st, const inbox_delivery_row *d, intake_parsed *p)
{
    int ci = server_channel_index(st, d->channel);
    hook_lane *lane = ci >= 0 ? hook_lane_take(st, ci) : NULL;
    int rc = intake_parse(lane ? hook_lane_channel(lane) : NULL, d, 0, p);
    if (lane != NULL)
        hook_lane_give(lane);
    /* SL_EAUTH: it was authentic when acknowledged and the secret changed
       since; kept as failed, the operator replays it as theirs. */
    if (rc == SL_OK || services_content_error(rc) || rc == SL_EAUTH)
        return 1;
    services_log(NULL, SL_LOG_WARN, "tenant %s: delivery %lld waits: %s", st->rt->config->id,
                 (long long)d->id, p->why.message);
    return 0;
}

/* The parse task (the parser pool, or the writer itself without one):
   parses the batch handed over, then wakes the writer to file it. */
static int64_t parse_run(void *arg)
{
    server_tenant *st = arg;
    tenant_parser *p = &st->parser;
    pthread_mutex_lock(&p->lock);
    int busy = p->state == PARSE_BUSY;
    pthread_mutex_unlock(&p->lock);
    if (!busy)
        return 0;
    int ready = 0; /* rows and parsed are this task's until state changes */
    while (ready < p->count && parse_one(st, &p->rows[ready], &p->parsed[ready]))
        ready++;
    pthread_mutex_lock(&p->lock);
    p->ready = ready;
    p->state = PARSE_DONE;
    pthread_mutex_unlock(&p->lock);
    if (p->task.pool != NULL)
        pool_wake(&st->writer.task);
    return 0;
}

/* Frees the batch (writer, with nothing out). */
static void drop_batch(tenant_parser *p)
{
    for (int i = 0; p->parsed != NULL && i < p->count; i++)
        intake_parsed_clear(&p->parsed[i]);
    free(p->parsed);
    inbox_delivery_rows_free(p->rows, p->count);
    p->parsed = NULL;
    p->rows = NULL;
    p->count = p->ready = 0;
    pthread_mutex_lock(&p->lock);
    p->state = PARSE_IDLE;
    pthread_mutex_unlock(&p->lock);
}

/* Files the parsed rows [0, ready) in one transaction; returns how many.
   The next batch starts after the last one filed (or at the first row
   again when filing failed). */
static int file_back(server_tenant *st, tenant_parser *p)
{
    sl_error err = {.size = sizeof err};
    int64_t now = services_now_ms();
    long current = 0;
    int n = p->ready;
    int rc = n > 0 ? store_begin(st->rt->db, &err) : SL_OK;
    for (int i = 0; rc == SL_OK && i < n; i++) {
        intake_filed out;
        rc = intake_file(st->rt->db, &p->rows[i], &p->parsed[i], now, &out, &err);
        current += out.current;
        if (rc == SL_OK && out.failed)
            services_log(NULL, SL_LOG_WARN,
                         "tenant %s: authentic webhook kept as failed (inbox failed lists it): "
                         "%s%s%s",
                         st->rt->config->id, p->parsed[i].why.message,
                         p->parsed[i].why.field[0] ? " field " : "", p->parsed[i].why.field);
    }
    if (n > 0)
        rc = rc == SL_OK ? store_commit(st->rt->db, &err) : rc;
    if (rc != SL_OK) {
        store_rollback(st->rt->db);
        services_log(NULL, SL_LOG_ERROR, "tenant %s: filing deliveries: %s", st->rt->config->id,
                     err.message);
        n = 0;
    }
    /* Read again from the first row not filed (an unparsed or unfiled
       one); a batch that filed nothing is not handed again before the
       writer's idle wake, so a delivery that cannot be parsed now is not
       retried in a loop. */
    p->after_id = n < p->count ? p->rows[n].id - 1 : p->rows[n - 1].id;
    if (n == 0)
        p->pause_until_ms = now + WRITER_IDLE_WAKE_MS;
    atomic_fetch_sub(&st->deliveries_waiting, n);
    st->writer.items_pending += current;
    drop_batch(p);
    return n;
}

/* Reads the next `max` new deliveries and hands them to the parse task;
   0 when none waits. */
static int hand_batch(server_tenant *st, tenant_parser *p, int max)
{
    sl_error err = {.size = sizeof err};
    inbox_delivery_row *rows = NULL;
    int n = 0;
    if (atomic_load(&st->deliveries_waiting) <= 0 || services_now_ms() < p->pause_until_ms)
        return 0;
    if (inbox_deliveries_page(st->rt->db, NULL, 0, "new", p->after_id, max, &rows, &n, &err) !=
            SL_OK ||
        n == 0) {
        if (err.code != SL_OK)
            services_log(NULL, SL_LOG_ERROR, "tenant %s: reading deliveries: %s",
                         st->rt->config->id, err.message);
        else
            atomic_store(&st->deliveries_waiting, 0); /* the estimate was high */
        inbox_delivery_rows_free(rows, n);
        return 0;
    }
    p->parsed = calloc((size_t)n, sizeof *p->parsed);
    if (p->parsed == NULL) {
        inbox_delivery_rows_free(rows, n);
        return 0;
    }
    p->rows = rows;
    p->count = n;
    p->ready = 0;
    pthread_mutex_lock(&p->lock);
    p->state = PARSE_BUSY;
    pthread_mutex_unlock(&p->lock);
    if (p->task.pool != NULL)
        pool_wake(&p->task);
    else
        parse_run(st); /* no parser pool (tests): parsed here */
    return n;
}

int parse_stage_step(server_tenant *st, int max)
{
    tenant_parser *p = &st->parser;
    pthread_mutex_lock(&p->lock);
    int state = p->state;
    pthread_mutex_unlock(&p->lock);
    if (state == PARSE_BUSY)
        return 0; /* the parse task wakes the writer when it is done */
    int filed = state == PARSE_DONE ? file_back(st, p) : 0;
    int handed = hand_batch(st, p, max);
    if (handed > 0 && p->task.pool == NULL)
        filed += file_back(st, p);
    return filed + (handed > 0 && p->task.pool != NULL);
}

int parse_stage_idle(server_tenant *st)
{
    pthread_mutex_lock(&st->parser.lock);
    int idle = st->parser.state == PARSE_IDLE;
    pthread_mutex_unlock(&st->parser.lock);
    return idle;
}

void parse_stage_start(server_tenant *st, work_pool *pool)
{
    pthread_mutex_init(&st->parser.lock, NULL);
    st->parser.state = PARSE_IDLE;
    st->parser.after_id = 0;
    pool_task_init(&st->parser.task, pool, parse_run, st);
    st->parser.started = 1;
}

void parse_stage_stop(server_tenant *st)
{
    if (!st->parser.started)
        return;
    if (st->parser.task.pool != NULL)
        pool_task_cancel(&st->parser.task);
    drop_batch(&st->parser); /* parsed, not filed: read again at the next start */
    pthread_mutex_destroy(&st->parser.lock);
    st->parser.started = 0;
}
