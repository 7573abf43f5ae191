/*
 * Call contexts: what a plugin call may see of its tenant and channel
 * (config, secrets, state, clock, log) plus the arena of the call.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "services/ctx_internal.h"
#include "shopledger/sdkutil.h"
#include "store/store.h"

static _Atomic int64_t fake_clock_ms;
static _Atomic uint64_t ctx_serial; /* a freed context's address may come back */

void services_fake_clock(int64_t utc_ms)
{
    atomic_store(&fake_clock_ms, utc_ms);
}

int64_t services_now_ms(void)
{
    int64_t fake = atomic_load(&fake_clock_ms);
    if (fake != 0)
        return fake;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

sl_ctx *services_ctx_new(const config_tenant *tenant, const config_channel *channel,
                         struct store *db)
{
    sl_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL)
        return NULL;
    ctx->tenant = tenant;
    ctx->channel = channel;
    ctx->store = db;
    ctx->serial = atomic_fetch_add(&ctx_serial, 1) + 1;
    arena_init(&ctx->call_arena, CTX_ARENA_LIMIT);
    return ctx;
}

void services_ctx_free(sl_ctx *ctx)
{
    if (ctx == NULL)
        return;
    services_drop_open_orders(ctx);
    arena_release(&ctx->call_arena);
    if (ctx->curl != NULL)
        curl_easy_cleanup(ctx->curl);
    if (ctx->owned_store != NULL)
        store_close(ctx->owned_store);
    free(ctx);
}

void services_ctx_open_store_lazily(sl_ctx *ctx, const char *db_path)
{
    ctx->lazy_db_path = db_path;
}

void services_ctx_release(sl_ctx *ctx)
{
    if (ctx->owned_store != NULL) {
        store_close(ctx->owned_store);
        ctx->owned_store = NULL;
        ctx->store = NULL;
    }
    if (ctx->curl != NULL) {
        curl_easy_cleanup(ctx->curl);
        ctx->curl = NULL;
    }
}

int services_ctx_holds_store(const sl_ctx *ctx)
{
    return ctx->store != NULL;
}

int services_ctx_store(sl_ctx *ctx, struct store **out, sl_error *err)
{
    if (ctx->store == NULL && ctx->lazy_db_path == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, "state", "no tenant store in this call");
    if (ctx->store == NULL) {
        int rc = store_open(ctx->lazy_db_path, &ctx->owned_store, err);
        if (rc != SL_OK)
            return rc;
        ctx->store = ctx->owned_store;
    }
    *out = ctx->store;
    return SL_OK;
}

void services_ctx_set_sink(sl_ctx *ctx, const services_sink *sink)
{
    if (sink != NULL)
        ctx->sink = *sink;
    else
        memset(&ctx->sink, 0, sizeof ctx->sink);
}

void services_ctx_set_plugin_file(sl_ctx *ctx, const char *path, int64_t mtime)
{
    ctx->plugin_file = path;
    ctx->plugin_mtime = mtime;
}

void services_call_enter_at(sl_ctx *ctx, const services_sink *sink, const char *call)
{
    ctx->call_has_sink = sink != NULL;
    if (sink != NULL) {
        ctx->standing_sink = ctx->sink;
        ctx->sink = *sink;
    }
    arena_reset(&ctx->call_arena);
    ctx->orders_submitted = 0;
    services_mark_call(ctx, call);
}

void services_call_fresh_connections(sl_ctx *ctx)
{
    ctx->fresh_connections = 1;
}

void services_call_end(sl_ctx *ctx)
{
    ctx->fresh_connections = 0;
    services_unmark_call();
    services_drop_open_orders(ctx);
    arena_reset(&ctx->call_arena);
    if (ctx->call_has_sink)
        ctx->sink = ctx->standing_sink;
    ctx->call_has_sink = 0;
}

static const char *level_name(int level)
{
    switch (level) {
    case SL_LOG_ERROR:
        return "error";
    case SL_LOG_WARN:
        return "warn";
    case SL_LOG_INFO:
        return "info";
    default:
        return "debug";
    }
}

static int log_threshold(void)
{
    const char *v = getenv("SHOPLEDGER_LOG");
    if (v == NULL)
        return SL_LOG_INFO;
    if (strcmp(v, "debug") == 0)
        return SL_LOG_DEBUG;
    if (strcmp(v, "warn") == 0)
        return SL_LOG_WARN;
    if (strcmp(v, "error") == 0)
        return SL_LOG_ERROR;
    return SL_LOG_INFO;
}

/* Replaces every occurrence of each channel secret with "***": a plugin
   that logs a URL or header by mistake must not leak a credential. */
static void mask_secrets(const config_channel *ch, char *msg)
{
    if (ch == NULL)
        return;
    for (size_t i = 0; i < ch->secret_count; i++) {
        const char *s = ch->secrets[i].value;
        size_t n = s ? strlen(s) : 0;
        if (n < 4)
            continue;
        char *hit;
        while ((hit = strstr(msg, s)) != NULL) {
            memcpy(hit, "***", 3);
            memmove(hit + 3, hit + n, strlen(hit + n) + 1);
        }
    }
}

void services_vlog(sl_ctx *ctx, int level, const char *fmt, va_list ap)
{
    if (level > log_threshold() || (ctx != NULL && ctx->errors_only && level > SL_LOG_ERROR))
        return;
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (ctx != NULL)
        mask_secrets(ctx->channel, msg);
    time_t now = (time_t)(services_now_ms() / 1000);
    struct tm tm;
    char stamp[32];
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *tenant = ctx && ctx->tenant ? ctx->tenant->id : "-";
    const char *channel = ctx && ctx->channel ? ctx->channel->name : "-";
    fprintf(stderr, "%s %s [%s/%s] %s\n", stamp, level_name(level), tenant, channel, msg);
}

void services_ctx_set_errors_only(sl_ctx *ctx, int on)
{
    ctx->errors_only = on;
}

void services_log(sl_ctx *ctx, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    services_vlog(ctx, level, fmt, ap);
    va_end(ap);
}
