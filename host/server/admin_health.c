/*
 * GET /admin/health: per tenant and per channel what works and what does
 * not, from notes the serving threads leave (server_note_*), read without
 * touching the store. A token sees its own tenants only, broken ones too
 * when their file gave that token; every token sees how many tenants are
 * broken. Overall "ok", "degraded" (a tenant broken or failing to store
 * or short of disk space, a channel quarantined) or "down". 200 while the host works; 503 only when
 * not one running tenant can store (nothing can be served).
 *
 * Tenant states: "ok"; "store_failing" (the last commit failed: its error,
 * disk_full when the disk is full); "broken" (not running: the config
 * error). A running tenant whose file broke since has config_error.
 * Each tenant has "storage": database and WAL bytes, the volume's free
 * bytes, the reserve it needs (admin_storage.c) and disk_low.
 * Channels: last_webhook_at, last_poll_at, last_error(_at), and
 * quarantined (why) while its plugin is stopped after a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/quarantine.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

static void note_error(server_tenant *st, int ci, const char *what, const char *detail)
{
    channel_note *n = &st->notes.channels[ci];
    pthread_mutex_lock(&st->notes.lock);
    snprintf(n->last_error, sizeof n->last_error, "%s%s", what, detail);
    n->last_error_ms = services_now_ms();
    pthread_mutex_unlock(&st->notes.lock);
}

void server_note_webhook(server_tenant *st, int ci, int status)
{
    if (ci < 0 || ci >= CONFIG_MAX_CHANNELS)
        return;
    if (status == 200) {
        atomic_store(&st->notes.channels[ci].last_webhook_ms, services_now_ms());
        return;
    }
    char code[16];
    snprintf(code, sizeof code, "%d", status);
    note_error(st, ci, "webhook answered ", code);
}

void server_note_poll(server_tenant *st, int ci, int rc, const sl_error *err)
{
    if (ci < 0 || ci >= CONFIG_MAX_CHANNELS)
        return;
    if (rc == SL_OK)
        atomic_store(&st->notes.channels[ci].last_poll_ms, services_now_ms());
    else
        note_error(st, ci, "poll: ", err ? err->message : "failed");
}

void server_note_store(server_tenant *st, int rc, const sl_error *err)
{
    if (rc == SL_OK) {
        if (atomic_load(&st->notes.store_failing))
            atomic_store(&st->notes.store_failing, 0);
        return;
    }
    pthread_mutex_lock(&st->notes.lock);
    snprintf(st->notes.store_error, sizeof st->notes.store_error, "%s",
             err ? err->message : "store failed");
    st->notes.store_error_ms = services_now_ms();
    st->notes.disk_full = err != NULL && strcmp(err->field, "disk") == 0;
    pthread_mutex_unlock(&st->notes.lock);
    atomic_store(&st->notes.store_failing, 1);
}

static json_t *time_or_null(int64_t ms)
{
    char buf[32];
    return ms > 0 ? json_string(sl_iso8601_format(ms, 1, buf)) : json_null();
}

static json_t *channel_health(server_tenant *st, size_t ci)
{
    channel_note *n = &st->notes.channels[ci];
    json_t *j = json_pack("{s:s, s:o, s:o}", "name", st->rt->channels[ci].config->name,
                          "last_webhook_at", time_or_null(atomic_load(&n->last_webhook_ms)),
                          "last_poll_at", time_or_null(atomic_load(&n->last_poll_ms)));
    const char *quarantined = quarantine_reason(st->rt->channels[ci].plugin);
    if (quarantined != NULL)
        json_object_set_new(j, "quarantined", json_string(quarantined));
    if (n->last_error_ms > 0) {
        json_object_set_new(j, "last_error", json_string(n->last_error));
        json_object_set_new(j, "last_error_at", time_or_null(n->last_error_ms));
    }
    return j;
}

/* Sizes and free space (admin_storage.c); "disk_low" when the volume has
   less free than a tenant needs to go on committing. */
static json_t *storage_health(const char *database, int64_t page_size)
{
    admin_storage_figures f;
    if (admin_storage(database, page_size, &f) != 0)
        return json_pack("{s:s}", "error", "cannot read the database's volume");
    return json_pack("{s:I, s:I, s:I, s:I, s:b}", "database_bytes", (json_int_t)f.database_bytes,
                     "wal_bytes", (json_int_t)f.wal_bytes, "free_bytes", (json_int_t)f.free_bytes,
                     "reserve_bytes", (json_int_t)f.reserve_bytes, "disk_low", f.low);
}

static json_t *tenant_health(server_tenant *st)
{
    int failing = atomic_load(&st->notes.store_failing);
    json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "id", st->rt->config->id,
                          "state", failing ? "store_failing" : "ok", "intake",
                          (json_int_t)atomic_load(&st->intake_count), "intake_flushes",
                          (json_int_t)atomic_load(&st->syncer.flush_count), "waiting_to_file",
                          (json_int_t)atomic_load(&st->arrivals_waiting), "waiting_to_parse",
                          (json_int_t)atomic_load(&st->deliveries_waiting), "processed",
                          (json_int_t)atomic_load(&st->processed_count), "failed",
                          (json_int_t)atomic_load(&st->failed_count));
    json_t *channels = json_array();
    pthread_mutex_lock(&st->notes.lock);
    if (failing) {
        json_object_set_new(j, "store_error", json_string(st->notes.store_error));
        json_object_set_new(j, "store_error_at", time_or_null(st->notes.store_error_ms));
        json_object_set_new(j, "disk_full", json_boolean(st->notes.disk_full));
    }
    for (size_t c = 0; c < st->rt->channel_count && c < CONFIG_MAX_CHANNELS; c++)
        json_array_append_new(channels, channel_health(st, c));
    pthread_mutex_unlock(&st->notes.lock);
    json_object_set_new(j, "channels", channels);
    json_object_set_new(j, "storage",
                        storage_health(st->rt->config->database, atomic_load(&st->ckpt.page_size)));
    return j;
}

/* Adds the broken entries the token may see (and a running tenant's
   config_error to its entry); returns how many tenants are broken. */
static size_t add_broken(server_state *s, const char *given, json_t *tenants,
                         int (*token_ok)(const char *, const char *))
{
    size_t broken = 0;
    pthread_mutex_lock(&s->broken_lock);
    for (size_t i = 0; i < s->broken_count; i++) {
        const server_broken *b = &s->broken[i];
        broken += !b->running;
        if (!token_ok(given, b->admin_token))
            continue;
        if (b->running) {
            for (size_t k = 0; k < json_array_size(tenants); k++) {
                json_t *t = json_array_get(tenants, k);
                if (strcmp(json_string_value(json_object_get(t, "id")), b->id) == 0)
                    json_object_set_new(t, "config_error", json_string(b->error));
            }
            continue;
        }
        json_array_append_new(tenants, json_pack("{s:s?, s:s, s:s}", "id", b->id, "state", "broken",
                                                 "error", b->error));
    }
    pthread_mutex_unlock(&s->broken_lock);
    return broken;
}

json_t *admin_health(server_state *s, const char *given,
                     int (*token_ok)(const char *, const char *), int *status)
{
    json_t *tenants = json_array();
    size_t n = atomic_load(&s->tenant_count), storing = 0, stopped = 0, low_space = 0;
    for (size_t i = 0; i < n; i++) {
        server_tenant *st = server_tenant_at(s, i);
        storing += !atomic_load(&st->notes.store_failing);
        admin_storage_figures space;
        low_space += admin_storage(st->rt->config->database, atomic_load(&st->ckpt.page_size),
                                   &space) == 0 &&
                     space.low;
        for (size_t c = 0; c < st->rt->channel_count; c++)
            stopped += quarantine_reason(st->rt->channels[c].plugin) != NULL;
        if (token_ok(given, st->admin_token))
            json_array_append_new(tenants, tenant_health(st));
    }
    size_t broken = add_broken(s, given, tenants, token_ok);
    const char *overall = storing == 0                                    ? "down"
                          : storing < n || broken || stopped || low_space ? "degraded"
                                                                          : "ok";
    *status = storing == 0 ? 503 : 200;
    return json_pack("{s:s, s:I, s:I, s:I, s:o}", "status", overall, "uptime_s",
                     (json_int_t)((services_now_ms() - s->started_ms) / 1000), "served",
                     (json_int_t)n, "broken", (json_int_t)broken, "tenants", tenants);
}
