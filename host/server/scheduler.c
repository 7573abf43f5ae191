/*
 * The scheduler: once a tick, per tenant, polls channels that are due,
 * runs the daily stock sync when the tenant's local clock passes the
 * configured time, and sends the outbox. Polls and syncs an admin asked
 * for (channel_runs.c) run here too, on the tick the request wakes.
 *
 * One dispatcher thread (`sl-scheduler`) queues each tenant once a tick;
 * a small pool of workers (`sl-sched-N`, `serve --scheduler-threads`)
 * takes tenants off the queue. A tenant is on the queue or in a worker at
 * most once, so its calls stay serialized (its store connection, outbox
 * gate and schedule fields are touched by one worker at a time), while a
 * tenant whose shop hangs holds one worker up to its HTTP timeout and the
 * other tenants go on in the others. Each tenant has one store connection
 * here (the writer has its own).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intake/intake.h"
#include "outbox/outbox.h"
#include "payments/payments.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shipments/ship_track.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

#define OUTBOX_BATCH 100
#define SYNC_RETRY_BASE_MS 60000 /* a failed daily sync: first retry */
#define SYNC_RETRY_MAX_MS 3600000
#define SCHED_SLOTS (CONFIG_MAX_TENANTS + 1)

typedef struct sched {
    server_state *s;
    store **dbs;        /* per tenant */
    outbox_gate *gates; /* per tenant: channels whose remote is down */
    /* The work queue: tenant indexes, each at most once (queued[i]). */
    pthread_mutex_t lock;
    pthread_cond_t work;
    size_t *ring;
    size_t head, count;
    unsigned char *queued; /* under lock: on the ring or in a worker */
    int stopping;          /* under lock: workers leave */
    pthread_t *workers;
    int worker_count;
} sched;

/* Local "HH:MM" minutes and "YYYY-MM-DD" of `now_ms` in zone `tz`
   (services/local_time.c holds the one TZ lock). */
static int local_clock(const char *tz, int64_t now_ms, int *minutes, char day[16])
{
    int64_t off = 0;
    if (services_tz_offset_ms(tz, now_ms, &off) != SL_OK ||
        services_local_day(tz, now_ms, day) != SL_OK)
        return -1;
    int64_t local = now_ms + off;
    *minutes = (int)(((local / 60000) % 1440 + 1440) % 1440);
    return 0;
}

/* Parses "daily HH:MM" into minutes after midnight, or -1. */
static int daily_minutes(const char *spec)
{
    int h, m;
    char tail;
    if (spec == NULL || sscanf(spec, "daily %2d:%2d%c", &h, &m, &tail) != 2)
        return -1;
    return h >= 0 && h < 24 && m >= 0 && m < 60 ? h * 60 + m : -1;
}

int64_t scheduler_backoff_ms(int failures, int64_t retry_after_ms, int salt)
{
    int64_t d = SYNC_RETRY_BASE_MS;
    for (int i = 1; i < failures && d < SYNC_RETRY_MAX_MS; i++)
        d *= 2;
    if (d > SYNC_RETRY_MAX_MS)
        d = SYNC_RETRY_MAX_MS;
    /* Up to a quarter more, so channels that failed together spread out. */
    d += (int64_t)(((uint64_t)salt * 2654435761u + (uint64_t)failures * 40503u) %
                   (uint64_t)(d / 4 + 1));
    return retry_after_ms > d ? retry_after_ms : d;
}

/* One stock sync, recorded for the admin API; the report is kept there. */
static int run_sync(server_tenant *st, int ci, store *db, sl_error *err)
{
    json_t *rep = NULL;
    channel_run_begin(st, ci, CHANNEL_SYNC, services_now_ms());
    int r = server_sync_channel(st, ci, db, &rep, err);
    channel_run_end(st, ci, CHANNEL_SYNC, services_now_ms(), r, err, rep);
    return r;
}

static void maybe_sync(server_tenant *st, int ci, store *db, int64_t now)
{
    sl_error err = {.size = sizeof err};
    if (channel_run_wanted(st, ci, CHANNEL_SYNC)) { /* an admin asked: now */
        int r = run_sync(st, ci, db, &err);
        services_log(st->rt->channels[ci].ctx, r == SL_OK ? SL_LOG_INFO : SL_LOG_WARN,
                     "stock sync asked for: %s", r == SL_OK ? "done" : err.message);
        return;
    }
    const config_channel *ch = st->rt->channels[ci].config;
    int target = daily_minutes(ch->stock_sync);
    int minutes;
    char day[16];
    if (target < 0 || st->rt->channels[ci].plugin->table->push_stock == NULL ||
        local_clock(st->rt->config->timezone, now, &minutes, day) != 0)
        return;
    if (minutes < target || strcmp(st->sched.last_sync_day[ci], day) == 0 ||
        now < st->sched.next_sync_try_ms[ci])
        return;
    int r = run_sync(st, ci, db, &err);
    /* The day counts as synced only once a sync went through; a failed
       one is tried again the same day, after a pause that grows. */
    if (r == SL_OK) {
        snprintf(st->sched.last_sync_day[ci], sizeof st->sched.last_sync_day[ci], "%s", day);
        st->sched.sync_failures[ci] = 0;
    } else {
        st->sched.next_sync_try_ms[ci] =
            now + scheduler_backoff_ms(++st->sched.sync_failures[ci], err.retry_after_ms, ci);
    }
    services_log(st->rt->channels[ci].ctx, r == SL_OK ? SL_LOG_INFO : SL_LOG_WARN,
                 "daily stock sync: %s", r == SL_OK ? "done" : err.message);
}

/* A poll is due by the channel's schedule, or because an admin asked
   (then even on a channel that is not polled on a schedule). */
static void maybe_poll(server_tenant *st, int ci, store *db, int64_t now)
{
    runtime_channel *rc = &st->rt->channels[ci];
    int asked = channel_run_wanted(st, ci, CHANNEL_POLL);
    if (!asked && (!rc->config->intake_poll || rc->plugin->table->fetch_orders == NULL ||
                   now < st->sched.next_poll_ms[ci]))
        return;
    int64_t every = rc->config->poll_every_s > 0 ? rc->config->poll_every_s : 300;
    if (rc->config->intake_poll)
        st->sched.next_poll_ms[ci] = now + every * 1000;
    sl_error err = {.size = sizeof err};
    channel_run_begin(st, ci, CHANNEL_POLL, now);
    int r = poll_channel(st, ci, db, &err);
    channel_run_end(st, ci, CHANNEL_POLL, services_now_ms(), r, &err, NULL);
    if (r == SL_ERETRY && rc->config->intake_poll && err.retry_after_ms > every * 1000)
        st->sched.next_poll_ms[ci] = now + err.retry_after_ms; /* the shop asked for a pause */
}

void scheduler_pay_pass(server_tenant *st, int ci, store *db, int64_t now, int wanted)
{
    runtime_channel *rc = &st->rt->channels[ci];
    if (rc->plugin == NULL || !(rc->plugin->table->caps & SL_CAP_REQUEST_PAYMENT) ||
        (!wanted && now < st->sched.next_pay_ms[ci]))
        return;
    int64_t every = pay_recover_every_ms(rc->config);
    st->sched.next_pay_ms[ci] = now + (every > 0 ? every : PAY_RECOVER_EVERY_DEFAULT_MS);
    pay_recover_report rep;
    sl_error err = {.size = sizeof err};
    pthread_mutex_lock(&st->channel_locks[ci]);
    int r = pay_recover_channel(st->rt, rc, db, now, &rep, &err);
    pthread_mutex_unlock(&st->channel_locks[ci]);
    if (r != SL_OK)
        services_log(rc->ctx, SL_LOG_ERROR, "payments: %s", err.message);
    else if (rep.looked || rep.verified || rep.booked || rep.closed || rep.unknown)
        services_log(rc->ctx, SL_LOG_INFO,
                     "payments: looked at %d, verified %d, booked %d, closed %d, unknown %d",
                     rep.looked, rep.verified, rep.booked, rep.closed, rep.unknown);
}

#define TRACK_EVERY_DEFAULT_MS (2 * 3600 * 1000LL)

/* A postal channel's open parcels are tracked every `track_every`
   (default 2h; the services publish no push). */
static void maybe_track(server_tenant *st, int ci, store *db, int64_t now)
{
    runtime_channel *rc = &st->rt->channels[ci];
    if (!rc->plugin || !rc->plugin->table->track_shipment ||
        !(rc->plugin->table->caps & SL_CAP_TRACK_SHIPMENT) || now < st->sched.next_track_ms[ci])
        return;
    int64_t every = TRACK_EVERY_DEFAULT_MS;
    const char *v = config_channel_get(rc->config, "track_every");
    sl_error err = {.size = sizeof err};
    if (v && sl_parse_duration("track_every", v, 1000, 7 * 86400 * 1000LL, &every, &err) != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "tenant %s: %s: %s", st->rt->config->id, rc->config->name,
                     err.message);
        every = TRACK_EVERY_DEFAULT_MS;
    }
    st->sched.next_track_ms[ci] = now + every;
    ship_track_report rep;
    pthread_mutex_lock(&st->channel_locks[ci]);
    int r = ship_track_channel(db, st->rt->config, rc, now, &rep, &err);
    pthread_mutex_unlock(&st->channel_locks[ci]);
    if (r != SL_OK)
        services_log(NULL, SL_LOG_WARN, "tenant %s: tracking %s: %s", st->rt->config->id,
                     rc->config->name, err.message);
    else if (rep.changed > 0)
        services_log(NULL, SL_LOG_INFO, "tenant %s: %s: %d of %d parcel(s) changed",
                     st->rt->config->id, rc->config->name, rep.changed, rep.asked);
}

/* The deliveries log's retention: one batch (INTAKE_PRUNE_BATCH rows, one
   short transaction, so the tenant's writer waits for one batch at most)
   per turn while old rows are left, then again after PRUNE_EVERY_MS. */
#define PRUNE_EVERY_MS (3600 * 1000LL)

static void maybe_prune(server_tenant *st, store *db, int64_t now)
{
    if (now < st->sched.next_prune_ms)
        return;
    intake_prune_summary sum;
    sl_error err = {.size = sizeof err};
    if (intake_prune(db, st->rt->config, now, 1, 0, &sum, &err) != SL_OK) {
        services_log(NULL, SL_LOG_WARN, "tenant %s: pruning the deliveries log: %s",
                     st->rt->config->id, err.message);
        st->sched.next_prune_ms = now + PRUNE_EVERY_MS;
        return;
    }
    if (sum.rows > 0)
        services_log(NULL, SL_LOG_INFO, "tenant %s: %lld old deliveries pruned (%lld bytes)",
                     st->rt->config->id, (long long)sum.rows, (long long)sum.bytes);
    st->sched.next_prune_ms = sum.done ? now + PRUNE_EVERY_MS : now;
}

/* A tenant a reload started after the scheduler: its connection now. */
static int have_db(sched *sc, size_t i)
{
    sl_error err = {.size = sizeof err};
    if (sc->dbs[i] == NULL &&
        store_open(server_tenant_at(sc->s, i)->rt->config->database, &sc->dbs[i], &err) != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "scheduler: %s", err.message);
        sc->dbs[i] = NULL;
    }
    return sc->dbs[i] != NULL;
}

/* One tenant's turn: its due polls and syncs, then its outbox. */
static void tenant_tick(sched *sc, size_t i)
{
    server_state *s = sc->s;
    server_tenant *st = server_tenant_at(s, i);
    if (!have_db(sc, i))
        return;
    int64_t now = services_now_ms();
    int pay_wanted = atomic_exchange(&st->pay_wanted, 0);
    if (pay_wanted)
        pay_links_run(st, sc->dbs[i]); /* admins' pay links first: a buyer waits */
    for (size_t c = 0; c < st->rt->channel_count && !atomic_load(&s->stopping); c++) {
        scheduler_pay_pass(st, (int)c, sc->dbs[i], now, pay_wanted);
        maybe_poll(st, (int)c, sc->dbs[i], now);
        if (!atomic_load(&s->stopping))
            maybe_sync(st, (int)c, sc->dbs[i], now);
        if (!atomic_load(&s->stopping))
            maybe_track(st, (int)c, sc->dbs[i], now);
    }
    int sent, failed;
    if (!atomic_load(&s->stopping)) /* nothing new starts after the signal */
        server_send_outbox(st, sc->dbs[i], &sc->gates[i], OUTBOX_BATCH, &sent, &failed);
    if (!atomic_load(&s->stopping))
        maybe_prune(st, sc->dbs[i], now);
}

/* Queues every tenant that is not queued or in a worker already. */
static void dispatch(sched *sc)
{
    size_t n = atomic_load(&sc->s->tenant_count);
    pthread_mutex_lock(&sc->lock);
    for (size_t i = 0; i < n && i < SCHED_SLOTS; i++) {
        if (sc->queued[i])
            continue;
        sc->queued[i] = 1;
        sc->ring[(sc->head + sc->count) % SCHED_SLOTS] = i;
        sc->count++;
    }
    pthread_cond_broadcast(&sc->work);
    pthread_mutex_unlock(&sc->lock);
}

static void *worker_main(void *arg)
{
    sched *sc = arg;
    server_name_thread("sl-sched");
    for (;;) {
        pthread_mutex_lock(&sc->lock);
        while (sc->count == 0 && !sc->stopping)
            pthread_cond_wait(&sc->work, &sc->lock);
        if (sc->stopping) {
            pthread_mutex_unlock(&sc->lock);
            return NULL;
        }
        size_t i = sc->ring[sc->head];
        sc->head = (sc->head + 1) % SCHED_SLOTS;
        sc->count--;
        pthread_mutex_unlock(&sc->lock);
        if (!atomic_load(&sc->s->stopping))
            tenant_tick(sc, i);
        pthread_mutex_lock(&sc->lock);
        sc->queued[i] = 0;
        pthread_mutex_unlock(&sc->lock);
    }
}

/* Waits one tick, or less when the stop or a kick comes. */
static void wait_tick(server_state *s, int64_t ms)
{
    struct timespec until = server_deadline_in(ms);
    pthread_mutex_lock(&s->sched_lock);
    while (!atomic_load(&s->stopping) && !s->sched_kick &&
           pthread_cond_timedwait(&s->sched_wake, &s->sched_lock, &until) == 0)
        ;
    s->sched_kick = 0;
    pthread_mutex_unlock(&s->sched_lock);
}

void scheduler_kick(server_state *s)
{
    pthread_mutex_lock(&s->sched_lock);
    s->sched_kick = 1;
    pthread_cond_signal(&s->sched_wake);
    pthread_mutex_unlock(&s->sched_lock);
}

static void sched_free(sched *sc)
{
    if (sc == NULL)
        return;
    if (sc->dbs != NULL)
        for (size_t i = 0; i < SCHED_SLOTS; i++)
            store_close(sc->dbs[i]);
    free(sc->dbs);
    free(sc->gates);
    free(sc->ring);
    free(sc->queued);
    free(sc->workers);
    pthread_cond_destroy(&sc->work);
    pthread_mutex_destroy(&sc->lock);
    free(sc);
}

/* Tells the workers to leave (a call in flight is aborted by the HTTP
   stop) and waits for them. */
static void stop_workers(sched *sc)
{
    pthread_mutex_lock(&sc->lock);
    sc->stopping = 1;
    pthread_cond_broadcast(&sc->work);
    pthread_mutex_unlock(&sc->lock);
    for (int w = 0; w < sc->worker_count; w++)
        pthread_join(sc->workers[w], NULL);
    sc->worker_count = 0;
}

static void *scheduler_main(void *arg)
{
    sched *sc = arg;
    server_name_thread("sl-scheduler");
    server_state *s = sc->s;
    int64_t tick_ms = s->opt->tick_ms > 0 ? s->opt->tick_ms : 1000;
    while (!atomic_load(&s->stopping)) {
        dispatch(sc);
        wait_tick(s, tick_ms);
    }
    stop_workers(sc);
    for (size_t i = 0; i < s->tenant_count; i++)
        channel_runs_clear(server_tenant_at(s, i));
    sched_free(sc);
    return NULL;
}

static sched *sched_new(server_state *s)
{
    sched *sc = calloc(1, sizeof *sc);
    if (sc == NULL)
        return NULL;
    pthread_mutex_init(&sc->lock, NULL);
    pthread_cond_init(&sc->work, NULL);
    sc->s = s;
    int workers = s->opt->scheduler_threads > 0 ? s->opt->scheduler_threads
                                                : SERVER_SCHEDULER_THREADS_DEFAULT;
    sc->dbs = calloc(SCHED_SLOTS, sizeof *sc->dbs);
    sc->gates = calloc(SCHED_SLOTS, sizeof *sc->gates);
    sc->ring = calloc(SCHED_SLOTS, sizeof *sc->ring);
    sc->queued = calloc(SCHED_SLOTS, sizeof *sc->queued);
    sc->workers = calloc((size_t)workers, sizeof *sc->workers);
    if (sc->dbs == NULL || sc->gates == NULL || sc->ring == NULL || sc->queued == NULL ||
        sc->workers == NULL) {
        sched_free(sc);
        return NULL;
    }
    sc->worker_count = workers; /* how many to start; set to the started count */
    return sc;
}

int scheduler_start(server_state *s, pthread_t *thread)
{
    sched *sc = sched_new(s);
    if (sc == NULL)
        return SL_ENOMEM;
    sl_error err = {.size = sizeof err};
    for (size_t i = 0; i < s->tenant_count; i++)
        if (store_open(server_tenant_at(s, i)->rt->config->database, &sc->dbs[i], &err) != SL_OK) {
            services_log(NULL, SL_LOG_ERROR, "scheduler: %s", err.message);
            sched_free(sc);
            return err.code;
        }
    int wanted = sc->worker_count;
    sc->worker_count = 0;
    for (int w = 0; w < wanted; w++) {
        if (pthread_create(&sc->workers[w], NULL, worker_main, sc) != 0)
            break;
        sc->worker_count++;
    }
    if (sc->worker_count == 0 || pthread_create(thread, NULL, scheduler_main, sc) != 0) {
        stop_workers(sc);
        sched_free(sc);
        return SL_EINTERNAL;
    }
    return SL_OK;
}
