/*
 * The writer's second job, between group commits: filing logged webhook
 * deliveries once the parse task parsed them (parse_stage.c), filing
 * acknowledged orders into the inbox and booking pending items.
 *
 * Deliveries come first. A shop whose webhook is not answered in time
 * delivers again, and WooCommerce disables a webhook after repeated
 * failures; an order booked a few seconds later harms nobody. So:
 *  - when no delivery waits, the writer files and books in full batches
 *    until nothing is left, checking for deliveries between batches (one
 *    batch is the longest a new delivery waits for its commit);
 *  - while deliveries wait, or arrive at more than about HEAVY_INTAKE
 *    orders per HEAVY_WINDOW_MS, it gives filing and booking one slice of
 *    about DEFER_SLICE_MS at most every DEFER_GAP_MS, in small batches: a
 *    burst is acknowledged close to the group-commit rate (the HTTP
 *    threads get the CPU) and booked after it, while a steady trickle such
 *    as 100 orders/s is booked at once;
 *  - once the backlog passes DEFER_BACKLOG_HIGH orders it gives them a
 *    slice after every commit instead, about half its time, so a load that
 *    outruns booking for long still has it booked at a steady pace. The
 *    bound is about a minute of the fastest intake measured (20,000
 *    orders/s): a burst is answered first and booked right after (the
 *    deliveries wait on disk, verbatim), while at 20,000 a 10-second burst
 *    already had the writer halve its answering rate.
 */
#include <stdlib.h>

#include "inbox/inbox.h"
#include "intake/intake.h"
#include "rules/rules.h"
#include "server/server_int.h"
#include "services/services.h"

#define PARSE_BATCH 64       /* deliveries per transaction, nothing waiting */
#define PARSE_BATCH_SMALL 16 /* ... while deliveries wait */
#define FILE_BATCH 256       /* arrivals per transaction, nothing waiting */
#define FILE_BATCH_SMALL 64  /* ... while deliveries wait */
#define BOOK_BATCH 64        /* items per transaction, nothing waiting */
#define BOOK_BATCH_SMALL 16  /* ... while deliveries wait */
#define DEFER_SLICE_MS 5
#define DEFER_GAP_MS 50
#define DEFER_BACKLOG_HIGH 1000000 /* orders waiting: see above */
#define DEFER_MAX_ROUNDS 1000      /* per call; the writer calls again */
#define HEAVY_WINDOW_MS 100
#define HEAVY_INTAKE 100 /* orders in the last one to two windows */

int writer_intake_waiting(server_tenant *st)
{
    pthread_mutex_lock(&st->queue.lock);
    int waiting = st->queue.head != NULL;
    pthread_mutex_unlock(&st->queue.lock);
    return waiting;
}

/* Files up to `max` arrivals into the inbox (one transaction). */
static int file_batch(server_tenant *st, int max)
{
    sl_error err = {.size = sizeof err};
    int filed = 0, current = 0;
    if (inbox_arrivals_sort(st->rt->db, max, &filed, &current, &err) != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "tenant %s: filing arrivals: %s", st->rt->config->id,
                     err.message);
        return 0;
    }
    atomic_fetch_sub(&st->arrivals_waiting, filed);
    st->writer.items_pending += current;
    return filed;
}

/* Runs the rules over up to `max` pending items (one transaction). */
static int book_batch(server_tenant *st, int max)
{
    rules_summary sum = {0};
    sl_error err = {.size = sizeof err};
    int r = rules_process_batch(st->rt->db, st->rt->config, services_now_ms(), max, &sum, &err);
    if (r != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "tenant %s: processing: %s", st->rt->config->id,
                     err.message);
        return 0;
    }
    atomic_fetch_add(&st->processed_count, sum.processed + sum.drafts);
    atomic_fetch_add(&st->failed_count, sum.failed);
    int done = sum.processed + sum.drafts + sum.failed;
    st->writer.items_pending = done < max ? 0 : st->writer.items_pending - done;
    return done;
}

/* One batch of each, filing first (the rules see only filed orders);
   returns the work done, 0 when there is none. Parsing and filing commit
   without a flush of their own: the booking commit after them flushes
   them with it (writer_flush_mode), one fsync per step instead of three.
   No booking when the connection cannot flush its commits. */
static int deferred_step(server_tenant *st, int small)
{
    writer_flush_mode(st, 0);
    int parsed = parse_stage_step(st, small ? PARSE_BATCH_SMALL : PARSE_BATCH);
    int filed = parsed + file_batch(st, small ? FILE_BATCH_SMALL : FILE_BATCH);
    if (writer_flush_mode(st, 1) != SL_OK)
        return filed;
    return filed + book_batch(st, small ? BOOK_BATCH_SMALL : BOOK_BATCH);
}

static int64_t backlog(server_tenant *st)
{
    int64_t pending = st->writer.items_pending > 0 ? st->writer.items_pending : 0;
    return atomic_load(&st->arrivals_waiting) + atomic_load(&st->deliveries_waiting) + pending;
}

void writer_count_intake(server_tenant *st, int64_t now_ms, long orders)
{
    if (now_ms - st->writer.window_start_ms >= HEAVY_WINDOW_MS) {
        int skipped = now_ms - st->writer.window_start_ms >= 2 * HEAVY_WINDOW_MS;
        st->writer.window_prev = skipped ? 0 : st->writer.window_count;
        st->writer.window_count = 0;
        st->writer.window_start_ms = now_ms;
    }
    st->writer.window_count += orders;
}

int writer_intake_heavy(server_tenant *st, int64_t now_ms)
{
    writer_count_intake(st, now_ms, 0); /* rolls the window forward */
    return st->writer.window_prev + st->writer.window_count >= HEAVY_INTAKE;
}

/* Under load: one time-boxed slice of small batches when it is due. */
static int64_t deferred_slice(server_tenant *st, int64_t start)
{
    int64_t due = st->writer.last_slice_ms + DEFER_GAP_MS;
    if (backlog(st) <= DEFER_BACKLOG_HIGH && start < due)
        return due;
    st->writer.last_slice_ms = start;
    for (int round = 0; round < DEFER_MAX_ROUNDS; round++) {
        if (deferred_step(st, 1) == 0)
            return 0;
        if (services_now_ms() - start >= DEFER_SLICE_MS)
            break;
    }
    return start + DEFER_GAP_MS;
}

int64_t writer_deferred_work(server_tenant *st)
{
    int64_t now = services_now_ms();
    if (writer_intake_waiting(st) || writer_intake_heavy(st, now))
        return deferred_slice(st, now);
    for (int round = 0; round < DEFER_MAX_ROUNDS; round++) {
        if (deferred_step(st, 0) == 0)
            return 0;
        if (writer_intake_waiting(st))
            return services_now_ms();
        if (pool_stopping(st->writer.task.pool))
            return 0; /* serve stops: the backlog waits for the next start */
    }
    return services_now_ms();
}
