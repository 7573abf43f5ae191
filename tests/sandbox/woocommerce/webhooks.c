/*
 * Webhook delivery as WooCommerce does it (class-wc-webhook.php plus what
 * real stores showed, woocommerce.md section 11):
 *  - one webhook per topic (order.created, order.updated, product.updated),
 *    all to --webhook-url with --webhook-secret; without --webhook-url they
 *    start "paused" with no delivery URL until PUT /webhooks/{id} sets
 *    delivery_url, secret and status (as an admin would in WooCommerce);
 *  - events are queued; a delivery thread sends each after
 *    --delivery-delay-ms; the body is serialized at SEND time from the
 *    current resource, so an order.created may show a later status;
 *  - while a delivery for (webhook, resource) is queued, a new event for the
 *    same pair is dropped;
 *  - X-WC-Webhook-Signature = base64(HMAC-SHA256(body, secret));
 *    X-WC-Webhook-Delivery-ID = md5(webhook id . current second): NOT unique;
 *  - the unsigned form ping "webhook_id=N" goes first and is re-sent after
 *    later deliveries until answered with exactly 200;
 *  - 200..302 is success; failures are never retried; the failure counter
 *    grows until a failure finds it above 5 (the 7th in a row), which sets
 *    the webhook "disabled".
 * Test knobs: duplicate-next, drop-next, reorder (hold, then release in
 * reverse at flush), flush (send everything queued now and wait for it).
 */
#include "sb.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NHOOKS 5
#define MAX_QUEUE 10000
#define MAX_FAILURES 5
#define FLUSH_WAIT_S 20
#define URL_MAX 512
#define SECRET_MAX 256

typedef struct hook {
    int64_t id;
    const char *topic, *resource, *event;
    char status[16];
    char url[URL_MAX], secret[SECRET_MAX]; /* guarded by sb_hooks.mu */
    int failures, ping_pending;
    int64_t sent, ok, failed, dropped, deduped;
} hook;

typedef struct delivery {
    int hook;
    int64_t resource_id, due_ms;
    int copies;
    struct delivery *next;
} delivery;

struct sb_hooks {
    sbc_worker w; /* the delivery thread; w.mu guards everything below */
    sb_ctx *ctx;
    long delay_ms;
    hook hooks[NHOOKS];
    delivery *head;
    size_t queued;
    int dup_next, drop_next, hold, reverse, flush_all;
};

static hook *hook_for(struct sb_hooks *h, const char *topic)
{
    for (int i = 0; i < NHOOKS; i++)
        if (strcmp(h->hooks[i].topic, topic) == 0)
            return &h->hooks[i];
    return NULL;
}

void sb_hooks_event(sb_ctx *ctx, const char *topic, int64_t id)
{
    struct sb_hooks *h = ctx->hooks;
    if (!h)
        return;
    pthread_mutex_lock(&h->w.mu);
    hook *k = hook_for(h, topic);
    int idx = k ? (int)(k - h->hooks) : -1;
    delivery **tail = &h->head;
    int dup = 0;
    for (; *tail; tail = &(*tail)->next)
        dup |= (*tail)->hook == idx && (*tail)->resource_id == id;
    if (!k || strcmp(k->status, "active") != 0 || !k->url[0] || h->queued >= MAX_QUEUE) {
        /* no such webhook, not active or nowhere to send: nothing is queued */
    } else if (dup) {
        k->deduped++;
    } else if (h->drop_next) {
        h->drop_next = 0;
        k->dropped++;
    } else {
        delivery *d = calloc(1, sizeof *d);
        if (d) {
            d->hook = idx;
            d->resource_id = id;
            d->due_ms = sbc_now_ms() + h->delay_ms;
            d->copies = h->dup_next ? 2 : 1;
            h->dup_next = 0;
            *tail = d;
            h->queued++;
            sbc_worker_wake(&h->w);
        }
    }
    pthread_mutex_unlock(&h->w.mu);
}

/* The resource as GET serializes it now; {"id":N} when it is gone. */
static char *build_body(struct sb_hooks *h, const hook *k, int64_t id)
{
    sb_store *st = &h->ctx->store;
    pthread_mutex_lock(&st->mu);
    json_t *view = NULL, *obj;
    if (strcmp(k->resource, "order") == 0 && (obj = sb_order_find(st, id)))
        view = sb_order_view(st, obj);
    else if (strcmp(k->resource, "product") == 0 && (obj = sb_product_find(st, id)))
        view = sb_product_view(st, obj);
    pthread_mutex_unlock(&st->mu);
    if (!view)
        view = json_pack("{s:I}", "id", (json_int_t)id);
    char *text = json_dumps(view, SB_DUMP_FLAGS);
    json_decref(view);
    return text;
}

/* POSTs body to the webhook's URL as it is now; returns the HTTP status
   (0 when no answer or no URL). */
static long post(struct sb_hooks *h, const hook *k, const char *body, int ping)
{
    char url[URL_MAX], secret[SECRET_MAX];
    pthread_mutex_lock(&h->w.mu);
    memcpy(url, k->url, sizeof url);
    memcpy(secret, k->secret, sizeof secret);
    pthread_mutex_unlock(&h->w.mu);
    struct curl_slist *hdr = NULL;
    char line[512];
    if (!url[0])
        return 0;
    hdr = curl_slist_append(hdr, ping ? "Content-Type: application/x-www-form-urlencoded"
                                      : "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "Expect:");
    if (!ping) {
        char *sig = sb_hmac_b64(1, secret, strlen(secret), body, strlen(body));
        char md5[33], seed[64];
        snprintf(seed, sizeof seed, "%lld%lld", (long long)k->id, (long long)time(NULL));
        sb_md5_hex(seed, md5);
        char source[160];
        snprintf(source, sizeof source, "%s/", h->ctx->store.site_url);
        const char *pairs[][2] = {{"X-WC-Webhook-Source", source},
                                  {"X-WC-Webhook-Topic", k->topic},
                                  {"X-WC-Webhook-Resource", k->resource},
                                  {"X-WC-Webhook-Event", k->event},
                                  {"X-WC-Webhook-Signature", sig ? sig : ""},
                                  {"X-WC-Webhook-Delivery-ID", md5}};
        for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
            snprintf(line, sizeof line, "%s: %s", pairs[i][0], pairs[i][1]);
            hdr = curl_slist_append(hdr, line);
        }
        snprintf(line, sizeof line, "X-WC-Webhook-ID: %lld", (long long)k->id);
        hdr = curl_slist_append(hdr, line);
        free(sig);
    }
    long code = sbc_post(url, body, hdr, "WooCommerce/10.0.2 Hookshot (WordPress/6.8)", 15);
    curl_slist_free_all(hdr);
    return code;
}

static void send_ping(struct sb_hooks *h, hook *k)
{
    char body[48];
    snprintf(body, sizeof body, "webhook_id=%lld", (long long)k->id);
    long code = post(h, k, body, 1);
    pthread_mutex_lock(&h->w.mu);
    if (code == 200)
        k->ping_pending = 0;
    pthread_mutex_unlock(&h->w.mu);
}

static void deliver(struct sb_hooks *h, delivery *d)
{
    hook *k = &h->hooks[d->hook];
    pthread_mutex_lock(&h->w.mu);
    int active = strcmp(k->status, "active") == 0;
    pthread_mutex_unlock(&h->w.mu);
    if (!active)
        return;
    for (int i = 0; i < d->copies; i++) {
        char *body = build_body(h, k, d->resource_id);
        long code = body ? post(h, k, body, 0) : 0;
        free(body);
        pthread_mutex_lock(&h->w.mu);
        k->sent++;
        if (code >= 200 && code <= 302) {
            k->ok++;
            k->failures = 0;
        } else {
            k->failed++;
            if (k->failures > MAX_FAILURES)
                snprintf(k->status, sizeof k->status, "disabled");
            else
                k->failures++;
        }
        int ping = k->ping_pending;
        pthread_mutex_unlock(&h->w.mu);
        if (ping)
            send_ping(h, k);
    }
}

/* The worker's take: the next due delivery (NULL: wait). Caller holds
   w.mu. */
static void *take(void *cls, int64_t *wait_ms)
{
    struct sb_hooks *h = cls;
    *wait_ms = -1;
    if (!h->head || h->hold)
        return NULL;
    delivery **pp = &h->head;
    if (h->reverse)
        while ((*pp)->next)
            pp = &(*pp)->next;
    delivery *d = *pp;
    if (!h->flush_all && !h->reverse && d->due_ms > sbc_now_ms()) {
        *wait_ms = d->due_ms - sbc_now_ms();
        return NULL;
    }
    *pp = d->next;
    h->queued--;
    return d;
}

/* The worker's first: every hook's creation ping. */
static void ping_all(void *cls)
{
    struct sb_hooks *h = cls;
    for (int i = 0; i < NHOOKS; i++)
        send_ping(h, &h->hooks[i]);
}

/* The worker's on_idle: a flush or a reordered batch is over. */
static void idle(void *cls)
{
    struct sb_hooks *h = cls;
    h->flush_all = h->reverse = 0;
}

static void send_one(void *cls, void *item)
{
    deliver(cls, item);
    free(item);
}

int sb_hooks_start(sb_ctx *ctx, const sb_hook_opts *opts)
{
    static const char *const topics[NHOOKS][3] = {{"order.created", "order", "created"},
                                                  {"order.updated", "order", "updated"},
                                                  {"product.updated", "product", "updated"},
                                                  {"order.deleted", "order", "deleted"},
                                                  {"order.restored", "order", "restored"}};
    struct sb_hooks *h = calloc(1, sizeof *h);
    if (!h)
        return -1;
    h->ctx = ctx;
    h->delay_ms = opts->delay_ms;
    for (int i = 0; i < NHOOKS; i++) {
        hook *k = &h->hooks[i];
        *k = (hook){.id = i + 1,
                    .topic = topics[i][0],
                    .resource = topics[i][1],
                    .event = topics[i][2],
                    .ping_pending = opts->url != NULL};
        snprintf(k->status, sizeof k->status, "%s", opts->url ? "active" : "paused");
        snprintf(k->url, sizeof k->url, "%s", opts->url ? opts->url : "");
        snprintf(k->secret, sizeof k->secret, "%s", opts->secret ? opts->secret : "");
    }
    ctx->hooks = h;
    h->w =
        (sbc_worker){.take = take, .send = send_one, .on_idle = idle, .first = ping_all, .cls = h};
    if (sbc_worker_start(&h->w) != 0) {
        ctx->hooks = NULL;
        free(h);
        return -1;
    }
    return 0;
}

void sb_hooks_stop(sb_ctx *ctx)
{
    struct sb_hooks *h = ctx->hooks;
    if (!h)
        return;
    sbc_worker_stop(&h->w);
    while (h->head) {
        delivery *d = h->head;
        h->head = d->next;
        free(d);
    }
    free(h);
    ctx->hooks = NULL;
}

/* Whether a delivery is queued or in flight. */
static int queue_busy(void *cls)
{
    struct sb_hooks *h = cls;
    return h->head != NULL || h->w.inflight;
}

int sb_hooks_knob(sb_ctx *ctx, const char *knob)
{
    struct sb_hooks *h = ctx->hooks;
    int rc = 0;
    pthread_mutex_lock(&h->w.mu);
    if (strcmp(knob, "duplicate-next") == 0) {
        h->dup_next = 1;
    } else if (strcmp(knob, "drop-next") == 0) {
        h->drop_next = 1;
    } else if (strcmp(knob, "reorder") == 0) {
        h->hold = 1;
    } else if (strcmp(knob, "flush") == 0) {
        h->reverse = h->hold;
        h->hold = 0;
        h->flush_all = 1;
        sbc_worker_wait(&h->w, queue_busy, FLUSH_WAIT_S * 1000);
    } else {
        rc = -1;
    }
    pthread_mutex_unlock(&h->w.mu);
    return rc;
}

json_t *sb_hooks_summary(sb_ctx *ctx)
{
    struct sb_hooks *h = ctx->hooks;
    json_t *out = json_array();
    pthread_mutex_lock(&h->w.mu);
    for (int i = 0; i < NHOOKS; i++) {
        hook *k = &h->hooks[i];
        size_t queued = 0;
        for (delivery *d = h->head; d; d = d->next)
            queued += d->hook == i;
        char name[64];
        snprintf(name, sizeof name, "sandbox %s", k->topic);
        json_array_append_new(
            out, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:I, s:I, "
                           "s:I, s:I, s:I, s:I}",
                           "id", (json_int_t)k->id, "name", name, "status", k->status, "topic",
                           k->topic, "resource", k->resource, "event", k->event, "delivery_url",
                           k->url, "failure_count", k->failures, "ping_pending", k->ping_pending,
                           "queued", (json_int_t)queued, "sent", (json_int_t)k->sent, "succeeded",
                           (json_int_t)k->ok, "failed", (json_int_t)k->failed, "dropped",
                           (json_int_t)k->dropped, "deduped", (json_int_t)k->deduped));
    }
    pthread_mutex_unlock(&h->w.mu);
    return out;
}

int sb_hooks_set_status(sb_ctx *ctx, int64_t id, const char *status)
{
    struct sb_hooks *h = ctx->hooks;
    if (!h || id < 1 || id > NHOOKS)
        return -1;
    pthread_mutex_lock(&h->w.mu);
    hook *k = &h->hooks[id - 1];
    snprintf(k->status, sizeof k->status, "%s", status);
    if (strcmp(status, "active") == 0)
        k->failures = 0;
    pthread_mutex_unlock(&h->w.mu);
    return 0;
}

int sb_hooks_configure(sb_ctx *ctx, int64_t id, const char *url, const char *secret)
{
    struct sb_hooks *h = ctx->hooks;
    if (!h || id < 1 || id > NHOOKS)
        return -1;
    if ((url && (strlen(url) >= URL_MAX ||
                 (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))) ||
        (secret && strlen(secret) >= SECRET_MAX))
        return -2;
    pthread_mutex_lock(&h->w.mu);
    hook *k = &h->hooks[id - 1];
    if (url) {
        snprintf(k->url, sizeof k->url, "%s", url);
        k->ping_pending = 1;
    }
    if (secret)
        snprintf(k->secret, sizeof k->secret, "%s", secret);
    pthread_mutex_unlock(&h->w.mu);
    return 0;
}
