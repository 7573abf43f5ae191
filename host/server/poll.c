/*
 * Polling a channel: the plugin's fetch_orders hands orders over page by
 * page and commits a cursor after each page; each page and its cursor go
 * to the writer as one job, so the cursor is saved in the same transaction
 * as the orders it covered. A crash mid-poll repeats at most one page,
 * which idempotent intake absorbs.
 *
 * One bad order never holds back the others: an order the builder refuses
 * for its content is kept as failed intake (its raw payload and the
 * reason, `inbox failed` lists it) in the same job as its page, and the
 * plugin is told it was taken, so the fetch goes on and the cursor moves
 * past it. This lives in the host (services/builder.c hands the refusal
 * to the sink) so that every connector gets it without code of its own.
 */
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "rules/rules.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

typedef struct poll_run {
    server_tenant *st;
    const char *channel;
    intake_job job;
    int pages;
    int orders;
    int refused;      /* kept as failed intake */
    int64_t start_ms; /* the channel's start_date, 0 = none */
    int skip_history; /* history = skip */
    int history;      /* orders created before start_date (stored or not) */
} poll_run;

static int take_order(void *data, order *o, sl_error *err)
{
    poll_run *run = data;
    run->orders++;
    if (rules_is_history_at(run->start_ms, o)) {
        run->history++;
        if (run->skip_history) { /* history = skip: never stored */
            order_free(o);
            return SL_OK;
        }
    }
    return intake_job_add(&run->job, o, POLL_MAX_PAGE_ORDERS, err);
}

/* The sink's order_refused: keeps the order's raw payload with the
   reason, to be stored with the page. Takes `o`. */
static int keep_refused(void *data, order *o, const sl_error *why, sl_error *err)
{
    poll_run *run = data;
    inbox_failed_input *f =
        inbox_failed_input_new(run->channel, "poll", order_text(o, SL_ORDER_EXTERNAL_ID), "{}",
                               o->raw, o->raw ? o->raw_len : 0, why);
    order_free(o);
    int rc = intake_job_add_failed(&run->job, f, err);
    if (rc == SL_OK) {
        run->refused++;
        services_log(NULL, SL_LOG_WARN,
                     "poll %s: order %.64s kept as failed (inbox failed lists it): %s%s%s",
                     run->channel, f->external_id, why->message, why->field[0] ? " field " : "",
                     why->field);
    }
    return rc;
}

/* Sends what is collected (with `cursor`, may be NULL) and starts anew. */
static int flush(poll_run *run, const char *cursor, sl_error *err)
{
    if (run->job.count == 0 && run->job.failed_count == 0 && cursor == NULL)
        return SL_OK;
    if (cursor != NULL && (run->job.cursor = strdup(cursor)) == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    run->job.channel = run->channel;
    int r = intake_job_prepare(&run->job, &run->job.err);
    if (r == SL_OK)
        r = writer_submit(run->st, &run->job);
    if (r != SL_OK && err && err->size >= sizeof *err)
        *err = run->job.err;
    intake_job_clear(&run->job);
    run->pages++;
    return r;
}

static int take_cursor(void *data, const char *cursor, sl_error *err)
{
    return flush(data, cursor, err);
}

/* The saved cursor, read on the caller's own connection: the writer may
   commit a newer one meanwhile; an older value only repeats a page. */
static char *saved_cursor(store *db, const char *channel)
{
    char *cursor = NULL;
    sl_error err = {.size = sizeof err};
    if (inbox_cursor_get(db, channel, &cursor, &err) != SL_OK)
        return NULL;
    return cursor;
}

/* The first poll of a channel (no cursor yet) says what it will do. */
static void say_first_poll(const runtime_channel *rc, const config_tenant *t, int64_t start_ms)
{
    const config_channel *ch = rc->config;
    char at[32];
    if (start_ms == 0) {
        services_log(rc->ctx, SL_LOG_WARN,
                     "first poll: no start_date, so every order the shop has is fetched and "
                     "booked by the rules (set start_date = YYYY-MM-DD to begin on a day)");
        return;
    }
    services_log(rc->ctx, SL_LOG_INFO,
                 "first poll: start_date %s (%s, from %s): orders created before it are "
                 "history, %s; later ones are booked by the rules",
                 ch->start_date, t->timezone, sl_iso8601_format(start_ms, 1, at),
                 ch->history_import ? "stored and shown, never booked (history = import)"
                                    : "not stored (history = skip)");
}

int poll_channel(server_tenant *st, int ci, store *db, sl_error *err)
{
    runtime_channel *rc = &st->rt->channels[ci];
    if (rc->plugin->table->fetch_orders == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, "plugin", "channel %s cannot poll",
                            rc->config->name);
    poll_run run = {.st = st,
                    .channel = rc->config->name,
                    .start_ms = rules_start_ms(st->rt->config, rc->config),
                    .skip_history = !rc->config->history_import};
    run.job.err.size = sizeof run.job.err;
    char *cursor = saved_cursor(db, rc->config->name);
    int first = cursor == NULL || cursor[0] == '\0';
    if (first)
        say_first_poll(rc, st->rt->config, run.start_ms);
    services_sink sink = {.data = &run,
                          .order_take = take_order,
                          .cursor_commit = take_cursor,
                          .order_refused = keep_refused};
    pthread_mutex_lock(&st->channel_locks[ci]);
    services_call_enter(rc->ctx, &sink);
    int r = rc->plugin->table->fetch_orders(rc->state, rc->ctx, cursor, err);
    services_call_end(rc->ctx);
    pthread_mutex_unlock(&st->channel_locks[ci]);
    if (r == SL_OK)
        r = flush(&run, NULL, err); /* orders after the last cursor */
    intake_job_clear(&run.job);
    free(cursor);
    services_log(rc->ctx,
                 r == SL_OK && !first ? SL_LOG_DEBUG
                 : r == SL_OK         ? SL_LOG_INFO
                                      : SL_LOG_WARN,
                 "%spoll: %d order(s) found in %d page(s): %d from start_date on, %d history "
                 "(%s), %d kept as failed%s%s",
                 first ? "first " : "", run.orders, run.pages, run.orders - run.history,
                 run.history, run.skip_history ? "skipped" : "stored, not booked", run.refused,
                 r == SL_OK ? "" : ": ", r == SL_OK ? "" : err->message);
    server_note_poll(st, ci, r, err);
    return r;
}
