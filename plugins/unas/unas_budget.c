/*
 * The UNAS rate budget. UNAS bans the IP for an hour when a limit of
 * api/unas.md §3 is broken, so the plugin counts every call before making
 * it and refuses (SL_ERETRY + retry_after_ms) once a counter reaches its
 * usable share (limit minus a reserve, default 10 %).
 *
 * Counters live in per-channel state so restarts keep counting. Whether
 * UNAS counts per clock hour or over a rolling hour is not documented; a
 * rolling window is the stricter reading, so we keep 13 buckets of five
 * minutes (the current one and twelve before it) and sum them: that sum
 * covers at least the last sixty minutes, so staying under the limit in
 * our sum stays under it in any hour window UNAS may use.
 *
 * State "rate" = "B n[0][0] .. n[0][12] n[1][0] .." with B the bucket
 * index (unix seconds / 300) of the last update and slot = index % 13.
 * State "ban_until" = UTC ms until which UNAS banned us (0 = none).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "unas.h"

#define BUCKET_S 300
#define SLOTS 13

typedef struct counters {
    int64_t bucket;
    int n[UNAS_RATE_COUNT][SLOTS];
} counters;

static const int LIMITS[UNAS_RATE_COUNT][2] = {
    [UNAS_RATE_ALL] = {2000, 6000},        [UNAS_RATE_GET_MULTI] = {30, 90},
    [UNAS_RATE_GET_SINGLE] = {1000, 3000}, [UNAS_RATE_SET] = {1000, 3000},
    [UNAS_RATE_META] = {30, 90},           [UNAS_RATE_LOGIN_FAIL] = {5, 5},
    [UNAS_RATE_FAIL] = {20, 20},
};

int unas_limit(const unas_chan *ch, int cat)
{
    return LIMITS[cat][ch->vip ? 1 : 0];
}

int unas_usable(const unas_chan *ch, int cat)
{
    int lim = unas_limit(ch, cat);
    int reserve = (lim * ch->reserve_pct + 99) / 100;
    if (reserve < 1)
        reserve = 1;
    return lim - reserve;
}

/* Slot of key in the in-memory copy (a free one when absent), or NULL. */
static char *mem_slot(unas_chan *ch, const char *key, int create)
{
    size_t n = sizeof ch->mem / sizeof ch->mem[0];
    for (size_t i = 0; i < n; i++)
        if (strcmp(ch->mem[i].key, key) == 0)
            return ch->mem[i].val;
    for (size_t i = 0; create && i < n; i++)
        if (ch->mem[i].key[0] == '\0') {
            snprintf(ch->mem[i].key, sizeof ch->mem[i].key, "%s", key);
            return ch->mem[i].val;
        }
    return NULL;
}

int unas_state_get(unas_chan *ch, sl_ctx *ctx, const char *key, const char **value)
{
    *value = NULL;
    int rc = ch->host->state_get(ctx, key, value, NULL);
    if (rc == SL_EUNSUPPORTED) {
        *value = mem_slot(ch, key, 0);
        return SL_OK;
    }
    return rc;
}

int unas_state_put(unas_chan *ch, sl_ctx *ctx, const char *key, const char *value, sl_error *err)
{
    char *m = mem_slot(ch, key, 1);
    if (m != NULL)
        snprintf(m, sizeof ch->mem[0].val, "%s", value);
    sl_error e = {.size = sizeof e};
    int rc = ch->host->state_put(ctx, key, value, &e);
    if (rc == SL_EUNSUPPORTED && m != NULL)
        return SL_OK;
    if (rc != SL_OK && err != NULL && err->size >= sizeof *err)
        *err = e;
    return rc;
}

static int64_t state_int(unas_chan *ch, sl_ctx *ctx, const char *key)
{
    const char *v = NULL;
    if (unas_state_get(ch, ctx, key, &v) != SL_OK || v == NULL)
        return 0;
    char *end = NULL;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    return errno == 0 && end != v && n > 0 ? n : 0;
}

/* Reads the counters; unreadable or missing state starts from zero. */
static void load(unas_chan *ch, sl_ctx *ctx, counters *c)
{
    memset(c, 0, sizeof *c);
    const char *v = NULL;
    if (unas_state_get(ch, ctx, "rate", &v) != SL_OK || v == NULL)
        return;
    char *p = (char *)v, *end = NULL;
    errno = 0;
    c->bucket = strtoll(p, &end, 10);
    for (int k = 0; k < UNAS_RATE_COUNT && errno == 0 && end != p; k++)
        for (int s = 0; s < SLOTS && errno == 0 && end != p; s++) {
            p = end;
            long n = strtol(p, &end, 10);
            c->n[k][s] = n > 0 && n < 1000000 ? (int)n : 0;
        }
}

static int save(unas_chan *ch, sl_ctx *ctx, const counters *c, sl_error *err)
{
    char buf[UNAS_RATE_COUNT * SLOTS * 8 + 32];
    size_t used = (size_t)snprintf(buf, sizeof buf, "%lld", (long long)c->bucket);
    for (int k = 0; k < UNAS_RATE_COUNT; k++)
        for (int s = 0; s < SLOTS && used < sizeof buf; s++)
            used += (size_t)snprintf(buf + used, sizeof buf - used, " %d", c->n[k][s]);
    return unas_state_put(ch, ctx, "rate", buf, err);
}

/* Moves the window to `now_b`, emptying the slots that fell out. */
static void roll(counters *c, int64_t now_b)
{
    if (now_b <= c->bucket)
        return;
    int64_t steps = now_b - c->bucket;
    for (int64_t i = 1; i <= steps && i <= SLOTS; i++) {
        int s = (int)((c->bucket + i) % SLOTS);
        for (int k = 0; k < UNAS_RATE_COUNT; k++)
            c->n[k][s] = 0;
    }
    c->bucket = now_b;
}

static int sum(const counters *c, int cat)
{
    int t = 0;
    for (int s = 0; s < SLOTS; s++)
        t += c->n[cat][s];
    return t;
}

/* Milliseconds until the rolling sum of `cat` drops below `usable`. */
static int64_t wait_ms(const counters *c, int cat, int usable, int64_t now_ms)
{
    int total = sum(c, cat);
    for (int64_t b = c->bucket - (SLOTS - 1); b <= c->bucket; b++) {
        total -= c->n[cat][b % SLOTS];
        if (total < usable)
            return (b + SLOTS) * BUCKET_S * 1000 - now_ms;
    }
    return (int64_t)BUCKET_S * 1000;
}

static const char *const NAMES[UNAS_RATE_COUNT] = {
    "calls",        "multi-item get", "single-item get", "set", "getOrderStatus/getMethod",
    "failed login", "failed call"};

static int refuse(unas_chan *ch, const counters *c, int cat, int64_t now_ms, sl_error *err)
{
    int64_t w = wait_ms(c, cat, unas_usable(ch, cat), now_ms);
    sl_error_set(err, SL_ERETRY, "rate",
                 "UNAS rate budget: %d %s calls in the last hour (limit %d, "
                 "the plugin stops at %d); next call in %llds",
                 sum(c, cat), NAMES[cat], unas_limit(ch, cat), unas_usable(ch, cat),
                 (long long)((w + 999) / 1000));
    if (err != NULL && err->size >= sizeof *err)
        err->retry_after_ms = w > 0 ? w : 1000;
    return SL_ERETRY;
}

int unas_budget_take(unas_chan *ch, sl_ctx *ctx, int cat, sl_error *err)
{
    int64_t now = ch->host->now_ms(ctx);
    int64_t ban = state_int(ch, ctx, "ban_until");
    if (ban > now) {
        sl_error_set(err, SL_EBANNED, "rate", "UNAS banned this IP; no calls for %llds",
                     (long long)((ban - now + 999) / 1000));
        if (err != NULL && err->size >= sizeof *err)
            err->retry_after_ms = ban - now;
        return SL_EBANNED;
    }
    counters c;
    load(ch, ctx, &c);
    roll(&c, now / 1000 / BUCKET_S);
    const int checks[3] = {UNAS_RATE_ALL, UNAS_RATE_FAIL, cat};
    for (int i = 0; i < 3; i++)
        if (checks[i] >= 0 && sum(&c, checks[i]) >= unas_usable(ch, checks[i]))
            return refuse(ch, &c, checks[i], now, err);
    int s = (int)(c.bucket % SLOTS);
    c.n[UNAS_RATE_ALL][s]++;
    if (cat >= 0 && cat != UNAS_RATE_LOGIN_FAIL)
        c.n[cat][s]++;
    return save(ch, ctx, &c, err);
}

int unas_budget_outcome(unas_chan *ch, sl_ctx *ctx, int ok, int login, sl_error *err)
{
    counters c;
    load(ch, ctx, &c);
    roll(&c, ch->host->now_ms(ctx) / 1000 / BUCKET_S);
    int s = (int)(c.bucket % SLOTS);
    if (ok) {
        if (sum(&c, UNAS_RATE_FAIL) == 0)
            return SL_OK; /* nothing to reset: spare a state write */
        memset(c.n[UNAS_RATE_FAIL], 0, sizeof c.n[UNAS_RATE_FAIL]);
    } else {
        c.n[UNAS_RATE_FAIL][s]++;
        if (login)
            c.n[UNAS_RATE_LOGIN_FAIL][s]++;
    }
    return save(ch, ctx, &c, err);
}

int unas_budget_ban(unas_chan *ch, sl_ctx *ctx, int64_t until_ms, sl_error *err)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)until_ms);
    return unas_state_put(ch, ctx, "ban_until", buf, err);
}

int unas_budget_count(unas_chan *ch, sl_ctx *ctx, int cat)
{
    counters c;
    load(ch, ctx, &c);
    roll(&c, ch->host->now_ms(ctx) / 1000 / BUCKET_S);
    return sum(&c, cat);
}
