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
 * here (the writer has its own), opened when a visit finds work due and
 * kept while the tenant is active; an idle tenant's visit is a look at
 * in-memory due times and at its files' sizes and times (another writer
 * may have queued outbox rows), and its contexts' connections are given
 * back once it has rested for idle_close (server_int.h: residency).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
/* With nothing due, the outbox is still looked at this often: a row
   another process queued is found by the files' change, this is the
   fallback should a change keep their sizes and times. */
#define OUTBOX_RECHECK_MS (600 * 1000LL)

typedef struct sched {
    server_state *s;
    store **dbs;        /* per tenant, NULL until a visit needs it */
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

/* One tenant's visit: its connection is opened by the first work that
   needs it (visit_db). */
typedef struct visit {
    sched *sc;
    size_t i;
    server_tenant *st;
    int used; /* the visit did work on the store */
} visit;

static store *visit_db(visit *v)
{
    store **db = &v->sc->dbs[v->i];
    sl_error err = {.size = sizeof err};
    if (*db == NULL && store_open(v->st->rt->config->database, db, &err) != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "scheduler: %s", err.message);
        *db = NULL;
    }
    v->used |= *db != NULL;
    return *db;
}

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
static int run_sync(server_tenant *st, int ci, visit *v, sl_error *err)
{
    json_t *rep = NULL;
    channel_run_begin(st, ci, CHANNEL_SYNC, services_now_ms());
    store *db = visit_db(v);
    int r = db ? server_sync_channel(st, ci, db, &rep, err)
               : sl_error_set(err, SL_ERETRY, "database", "the tenant's store cannot be opened");
    channel_run_end(st, ci, CHANNEL_SYNC, services_now_ms(), r, err, rep);
    return r;
}

static void maybe_sync(server_tenant *st, int ci, visit *v, int64_t now)
{
    sl_error err = {.size = sizeof err};
    if (channel_run_wanted(st, ci, CHANNEL_SYNC)) { /* an admin asked: now */
        int r = run_sync(st, ci, v, &err);
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
    int r = run_sync(st, ci, v, &err);
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
static void maybe_poll(server_tenant *st, int ci, visit *v, int64_t now)
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
    store *db = visit_db(v);
    int r = db ? poll_channel(st, ci, db, &err)
               : sl_error_set(&err, SL_ERETRY, "database", "the tenant's store cannot be opened");
    channel_run_end(st, ci, CHANNEL_POLL, services_now_ms(), r, &err, NULL);
    if (r == SL_ERETRY && rc->config->intake_poll && err.retry_after_ms > every * 1000)
        st->sched.next_poll_ms[ci] = now + err.retry_after_ms; /* the shop asked for a pause */
}

/* One recovery pass of gateway channel ci when due. */
static void pay_pass(server_tenant *st, int ci, visit *v, int64_t now, int wanted)
{
    runtime_channel *rc = &st->rt->channels[ci];
    if (rc->plugin == NULL || !(rc->plugin->table->caps & SL_CAP_REQUEST_PAYMENT) ||
        (!wanted && now < st->sched.next_pay_ms[ci]))
        return;
    int64_t every = pay_recover_every_ms(rc->config);
    st->sched.next_pay_ms[ci] = now + (every > 0 ? every : PAY_RECOVER_EVERY_DEFAULT_MS);
    store *db = visit_db(v);
    if (db == NULL)
        return;
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
static void maybe_track(server_tenant *st, int ci, visit *v, int64_t now)
{
    runtime_channel *rc = &st->rt->channels[ci];
    if (!rc->plugin || !rc->plugin->table->track_shipment ||
        !(rc->plugin->table->caps & SL_CAP_TRACK_SHIPMENT) || now < st->sched.next_track_ms[ci])
        return;
    int64_t every = TRACK_EVERY_DEFAULT_MS;
    const char *text = config_channel_get(rc->config, "track_every");
    sl_error err = {.size = sizeof err};
    if (text &&
        sl_parse_duration("track_every", text, 1000, 7 * 86400 * 1000LL, &every, &err) != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "tenant %s: %s: %s", st->rt->config->id, rc->config->name,
                     err.message);
        every = TRACK_EVERY_DEFAULT_MS;
    }
    st->sched.next_track_ms[ci] = now + every;
    store *db = visit_db(v);
    if (db == NULL)
        return;
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
#define PRUNE_SPREAD_MS (600 * 1000LL)

static void maybe_prune(server_tenant *st, visit *v, int64_t now)
{
    if (now < st->sched.next_prune_ms)
        return;
    store *db = visit_db(v);
    if (db == NULL) {
        st->sched.next_prune_ms = now + PRUNE_EVERY_MS;
        return;
    }
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

/* Reads the sizes and modification times of the tenant's files. */
static void store_files_read(const char *database, store_files *out)
{
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", database);
    const char *paths[2] = {database, wal};
    for (int k = 0; k < 2; k++) {
        struct stat sb;
        int there = stat(paths[k], &sb) == 0;
        out->size[k] = there ? (int64_t)sb.st_size : 0;
        out->mtime_ns[k] =
            there ? (int64_t)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec : 0;
    }
}

static int store_files_same(const store_files *a, const store_files *b)
{
    return a->size[0] == b->size[0] && a->size[1] == b->size[1] &&
           a->mtime_ns[0] == b->mtime_ns[0] && a->mtime_ns[1] == b->mtime_ns[1];
}

/* Whether the outbox needs a look: a row is due by the time last seen,
   the writer booked something, or the store changed since the last look
   (another process); the files are read only when nothing else says so.
   The first visit takes the files as the tenant started. */
static int outbox_wanted(server_tenant *st, int64_t now)
{
    int64_t next = st->sched.next_outbox_ms;
    if (atomic_exchange(&st->outbox_poke, 0) || next == 0 || now >= next)
        return 1;
    store_files files;
    store_files_read(st->rt->config->database, &files);
    if (st->sched.files_seen) /* end_visit takes them again after the look */
        return !store_files_same(&files, &st->sched.files);
    st->sched.files = files;
    st->sched.files_seen = 1;
    return 0;
}

/* The outbox when outbox_wanted, or after OUTBOX_RECHECK_MS; then the
   earliest row due is remembered. */
static void maybe_send_outbox(visit *v, int64_t now)
{
    server_tenant *st = v->st;
    if (!outbox_wanted(st, now))
        return;
    store *db = visit_db(v);
    if (db == NULL)
        return;
    int sent, failed;
    server_send_outbox(st, db, &v->sc->gates[v->i], OUTBOX_BATCH, &sent, &failed);
    int64_t when = 0;
    sl_error err = {.size = sizeof err};
    if (outbox_next_due(db, &when, &err) != SL_OK)
        when = 0; /* logged by the next send: look again next tick */
    else if (when == 0 || when > now + OUTBOX_RECHECK_MS)
        when = now + OUTBOX_RECHECK_MS;
    st->sched.next_outbox_ms = when;
}

/* A tenant at rest (idle_close_ms without activity) gives back what its
   channels' contexts hold: once per rest, and again after a visit that
   did work (a poll that found nothing reopened a shop connection); each
   under the lock that serializes its calls (a lane in use is skipped). */
static void release_if_idle(visit *v, int64_t now)
{
    server_tenant *st = v->st;
    int64_t active = atomic_load(&st->last_active_ms);
    if (!server_tenant_resting(st, now) || (st->sched.released_ms == active + 1 && !v->used))
        return;
    for (size_t c = 0; c < st->rt->channel_count; c++) {
        pthread_mutex_lock(&st->channel_locks[c]);
        services_ctx_release(st->rt->channels[c].ctx);
        pthread_mutex_unlock(&st->channel_locks[c]);
    }
    hook_lanes_release(st);
    st->sched.released_ms = active + 1; /* +1: 0 is "never released" */
}

/* After a visit: an active tenant keeps the scheduler's connection for
   the next tick; a tenant at rest gives it back at once. */
static void end_visit(visit *v, int64_t now)
{
    store **db = &v->sc->dbs[v->i];
    int closed = 0;
    if (*db != NULL && server_tenant_resting(v->st, now)) {
        store_close(*db);
        *db = NULL;
        closed = 1;
        server_note_idle_close();
    }
    if (v->used || closed) { /* what this visit (or its close) changed is no news */
        store_files_read(v->st->rt->config->database, &v->st->sched.files);
        v->st->sched.files_seen = 1;
    }
    release_if_idle(v, now);
}

void scheduler_tenant_init(server_tenant *st, size_t slot, store *db)
{
    int64_t now = services_now_ms(), when = 0;
    sl_error err = {.size = sizeof err};
    if (outbox_next_due(db, &when, &err) != SL_OK)
        when = 0; /* the first visit looks */
    else if (when == 0)
        when = now + OUTBOX_RECHECK_MS;
    st->sched.next_outbox_ms = when;
    st->sched.files_seen = 0;
    /* The first retention batch: the first tenant's at once, the others
       spread over PRUNE_SPREAD_MS, so a host of many tenants does not
       open every store on its first tick. */
    st->sched.next_prune_ms = now + (int64_t)(slot * 7919 % (PRUNE_SPREAD_MS / 1000)) * 1000;
}

/* One tenant's turn: its due polls and syncs, then its outbox. */
static void tenant_tick(sched *sc, size_t i)
{
    server_state *s = sc->s;
    server_tenant *st = server_tenant_at(s, i);
    visit v = {.sc = sc, .i = i, .st = st};
    int64_t now = services_now_ms();
    int pay_wanted = atomic_exchange(&st->pay_wanted, 0);
    store *db = pay_wanted ? visit_db(&v) : NULL;
    if (db != NULL)
        pay_links_run(st, db); /* admins' pay links first: a buyer waits */
    for (size_t c = 0; c < st->rt->channel_count && !atomic_load(&s->stopping); c++) {
        pay_pass(st, (int)c, &v, now, pay_wanted);
        maybe_poll(st, (int)c, &v, now);
        if (!atomic_load(&s->stopping))
            maybe_sync(st, (int)c, &v, now);
        if (!atomic_load(&s->stopping))
            maybe_track(st, (int)c, &v, now);
    }
    if (!atomic_load(&s->stopping)) /* nothing new starts after the signal */
        maybe_send_outbox(&v, now);
    if (!atomic_load(&s->stopping))
        maybe_prune(st, &v, now);
    end_visit(&v, services_now_ms());
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

/* Connections given back by idle tenants since the last trim. */
static atomic_long idle_closes;
#define TRIM_EVERY_MS 10000

void server_note_idle_close(void)
{
    atomic_fetch_add(&idle_closes, 1);
}

/* A closed connection's schema and page cache go back to malloc, which
   keeps freed memory in its arenas: after tenants went idle, hand the
   free pages back to the system (at most every TRIM_EVERY_MS), so the
   host's RSS follows its active tenants. */
static void trim_after_closes(int64_t *last_ms)
{
    int64_t now = services_now_ms();
    if (atomic_load(&idle_closes) == 0 || now - *last_ms < TRIM_EVERY_MS)
        return;
    atomic_store(&idle_closes, 0);
    *last_ms = now;
    malloc_trim(0);
}

static void *scheduler_main(void *arg)
{
    sched *sc = arg;
    server_name_thread("sl-scheduler");
    server_state *s = sc->s;
    int64_t tick_ms = s->opt->tick_ms > 0 ? s->opt->tick_ms : 1000;
    int64_t last_trim_ms = 0;
    while (!atomic_load(&s->stopping)) {
        dispatch(sc);
        wait_tick(s, tick_ms);
        trim_after_closes(&last_trim_ms);
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
