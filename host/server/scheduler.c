/*
 * The scheduler thread: once a tick, per tenant, polls channels that are
 * due, runs the daily stock sync when the tenant's local clock passes the
 * configured time, and sends the outbox. Polls and syncs an admin asked
 * for (channel_runs.c) run here too, on the tick the request wakes. It
 * owns one store connection per tenant (the writer has its own).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outbox/outbox.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shipments/ship_track.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

#define OUTBOX_BATCH 100
#define SYNC_RETRY_BASE_MS 60000      /* a failed daily sync: first retry */
#define SYNC_RETRY_MAX_MS 3600000

typedef struct sched {
    server_state *s;
    store **dbs;  /* per tenant */
    outbox_gate *gates; /* per tenant: channels whose remote is down (this thread only) */
} sched;

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

/* Local "HH:MM" minutes and "YYYY-MM-DD" of `now_ms` in zone `tz`. Only
   this thread switches TZ, and nothing else in the host reads local time
   (the style check bans localtime), so the switch is safe. */
static int local_clock(const char *tz, int64_t now_ms, int *minutes, char day[16])
{
    pthread_mutex_lock(&tz_lock);
    char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    setenv("TZ", tz && tz[0] ? tz : "UTC", 1);
    tzset();
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    int ok = localtime_r(&t, &tm) != NULL;
    if (old) {
        setenv("TZ", old, 1);
        free(old);
    } else {
        unsetenv("TZ");
    }
    tzset();
    pthread_mutex_unlock(&tz_lock);
    if (!ok)
        return -1;
    *minutes = tm.tm_hour * 60 + tm.tm_min;
    strftime(day, 16, "%Y-%m-%d", &tm);
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
    d += (int64_t)(((uint64_t)salt * 2654435761u + (uint64_t)failures * 40503u) % (uint64_t)(d / 4 + 1));
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
    if (minutes < target || strcmp(st->last_sync_day[ci], day) == 0 ||
        now < st->next_sync_try_ms[ci])
        return;
    int r = run_sync(st, ci, db, &err);
    /* The day counts as synced only once a sync went through; a failed
       one is tried again the same day, after a pause that grows. */
    if (r == SL_OK) {
        snprintf(st->last_sync_day[ci], sizeof st->last_sync_day[ci], "%s", day);
        st->sync_failures[ci] = 0;
    } else {
        st->next_sync_try_ms[ci] = now + scheduler_backoff_ms(++st->sync_failures[ci],
                                                              err.retry_after_ms, ci);
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
                   now < st->next_poll_ms[ci]))
        return;
    int64_t every = rc->config->poll_every_s > 0 ? rc->config->poll_every_s : 300;
    if (rc->config->intake_poll)
        st->next_poll_ms[ci] = now + every * 1000;
    sl_error err = {.size = sizeof err};
    channel_run_begin(st, ci, CHANNEL_POLL, now);
    int r = poll_channel(st, ci, db, &err);
    channel_run_end(st, ci, CHANNEL_POLL, services_now_ms(), r, &err, NULL);
    if (r == SL_ERETRY && rc->config->intake_poll && err.retry_after_ms > every * 1000)
        st->next_poll_ms[ci] = now + err.retry_after_ms; /* the shop asked for a pause */
}

#define TRACK_EVERY_DEFAULT_MS (2 * 3600 * 1000LL)

/* A postal channel's open parcels are tracked every `track_every`
   (default 2h; the services publish no push). */
static void maybe_track(server_tenant *st, int ci, store *db, int64_t now)
{
    runtime_channel *rc = &st->rt->channels[ci];
    if (!rc->plugin || !rc->plugin->table->track_shipment ||
        !(rc->plugin->table->caps & SL_CAP_TRACK_SHIPMENT) || now < st->next_track_ms[ci])
        return;
    int64_t every = TRACK_EVERY_DEFAULT_MS;
    const char *v = config_channel_get(rc->config, "track_every");
    sl_error err = {.size = sizeof err};
    if (v && sl_parse_duration("track_every", v, 1000, 7 * 86400 * 1000LL, &every, &err) != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "tenant %s: %s: %s", st->rt->config->id,
                     rc->config->name, err.message);
        every = TRACK_EVERY_DEFAULT_MS;
    }
    st->next_track_ms[ci] = now + every;
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

/* A tenant a reload started after the scheduler: its connection now. */
static int have_db(sched *sc, size_t i)
{
    sl_error err = {.size = sizeof err};
    if (sc->dbs[i] == NULL &&
        store_open(sc->s->tenants[i].rt->config->database, &sc->dbs[i], &err) != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "scheduler: %s", err.message);
        sc->dbs[i] = NULL;
    }
    return sc->dbs[i] != NULL;
}

static void tick(sched *sc)
{
    server_state *s = sc->s;
    for (size_t i = 0; i < s->tenant_count && !atomic_load(&s->stopping); i++) {
        server_tenant *st = &s->tenants[i];
        if (!have_db(sc, i))
            continue;
        int64_t now = services_now_ms();
        for (size_t c = 0; c < st->rt->channel_count && !atomic_load(&s->stopping); c++) {
            maybe_poll(st, (int)c, sc->dbs[i], now);
            if (!atomic_load(&s->stopping))
                maybe_sync(st, (int)c, sc->dbs[i], now);
            if (!atomic_load(&s->stopping))
                maybe_track(st, (int)c, sc->dbs[i], now);
        }
        int sent, failed;
        if (!atomic_load(&s->stopping)) /* nothing new starts after the signal */
            server_send_outbox(st, sc->dbs[i], &sc->gates[i], OUTBOX_BATCH, &sent, &failed);
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

static void *scheduler_main(void *arg)
{
    sched *sc = arg;
    server_name_thread("sl-scheduler");
    server_state *s = sc->s;
    int64_t tick_ms = s->opt->tick_ms > 0 ? s->opt->tick_ms : 1000;
    while (!atomic_load(&s->stopping)) {
        tick(sc);
        wait_tick(s, tick_ms);
    }
    for (size_t i = 0; i < s->tenant_count; i++) {
        store_close(sc->dbs[i]);
        channel_runs_clear(&s->tenants[i]);
    }
    free(sc->dbs);
    free(sc->gates);
    free(sc);
    return NULL;
}

int scheduler_start(server_state *s, pthread_t *thread)
{
    sched *sc = calloc(1, sizeof *sc);
    if (sc == NULL || (sc->dbs = calloc(CONFIG_MAX_TENANTS + 1, sizeof *sc->dbs)) == NULL ||
        (sc->gates = calloc(CONFIG_MAX_TENANTS + 1, sizeof *sc->gates)) == NULL) {
        if (sc != NULL)
            free(sc->dbs);
        free(sc);
        return SL_ENOMEM;
    }
    sc->s = s;
    sl_error err = {.size = sizeof err};
    for (size_t i = 0; i < s->tenant_count; i++)
        if (store_open(s->tenants[i].rt->config->database, &sc->dbs[i], &err) != SL_OK) {
            services_log(NULL, SL_LOG_ERROR, "scheduler: %s", err.message);
            for (size_t j = 0; j < i; j++)
                store_close(sc->dbs[j]);
            free(sc->dbs);
            free(sc->gates);
            free(sc);
            return err.code;
        }
    if (pthread_create(thread, NULL, scheduler_main, sc) != 0) {
        for (size_t i = 0; i < s->tenant_count; i++)
            store_close(sc->dbs[i]);
        free(sc->dbs);
        free(sc->gates);
        free(sc);
        return SL_EINTERNAL;
    }
    return SL_OK;
}
