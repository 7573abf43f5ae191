/*
 * Notification delivery as api/mozello.md §6 describes it: a JSON POST
 * {"event": E, "order"|"product": {...}} to the store's notifications_url
 * with X-Mozello-API-Version, X-Mozello-Alias and X-Mozello-Hash =
 * base64(HMAC-SHA256(body, API key)). The body is frozen when the event
 * happens. Anything but HTTP 200 is redelivered with doubling delays
 * (--retry-base-ms, 1 s by default) until --retry-window-s (48 h) has
 * passed since the first attempt. Knobs: duplicate_next (the next event
 * is delivered twice) and fail_next N (the next N attempts count as
 * failed without being sent, to exercise redelivery).
 */
#include "msb.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUEUE 10000
#define FLUSH_WAIT_MS 20000

typedef struct delivery {
    char *body;
    char *url;
    int64_t first_ms, due_ms;
    int attempts;
    int fail; /* this attempt counts as failed unsent (knob fail_next) */
    struct delivery *next;
} delivery;

struct msb_notify {
    sbc_worker w; /* the delivery thread; w.mu guards everything below */
    msb *s;
    msb_notify_opts o;
    delivery *head;
    size_t queued;
    int dup_next;
    int64_t fail_next;
    int64_t events, sent, ok, failed, redelivered, gave_up;
    long flush_horizon_ms; /* msb_notify_flush's, for flush_busy */
};

static char *sign(const char *key, const char *body)
{
    unsigned char mac[32];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)body, strlen(body), mac,
              &len))
        return NULL;
    char *out = malloc(64);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, mac, (int)len);
    return out;
}

/* POSTs one delivery; returns the HTTP status (0 = no answer). */
static long post(struct msb_notify *nt, const delivery *d)
{
    char *hash = sign(nt->s->api_key, d->body);
    char alias[160], hdr_hash[128];
    snprintf(alias, sizeof alias, "X-Mozello-Alias: %s", nt->s->alias);
    snprintf(hdr_hash, sizeof hdr_hash, "X-Mozello-Hash: %s", hash ? hash : "");
    free(hash);
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    h = curl_slist_append(h, "X-Mozello-API-Version: 1.0");
    h = curl_slist_append(h, alias);
    h = curl_slist_append(h, hdr_hash);
    long code = sbc_post(d->url, d->body, h, "Mozello-Notifications/1.0", 15);
    curl_slist_free_all(h);
    return code;
}

/* Appends d to the queue (caller holds nt->w.mu). */
static void enqueue(struct msb_notify *nt, delivery *d)
{
    delivery **tail = &nt->head;
    while (*tail)
        tail = &(*tail)->next;
    d->next = NULL;
    *tail = d;
    nt->queued++;
    sbc_worker_wake(&nt->w);
}

static void free_delivery(delivery *d)
{
    free(d->body);
    free(d->url);
    free(d);
}

static delivery *new_delivery(const char *body, const char *url)
{
    delivery *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->body = strdup(body);
    d->url = strdup(url);
    d->first_ms = d->due_ms = msb_now_ms();
    if (!d->body || !d->url) {
        free_delivery(d);
        return NULL;
    }
    return d;
}

void msb_notify_event(msb *s, const char *event, const char *member, json_t *payload)
{
    struct msb_notify *nt = s->notify;
    json_t *body = json_pack("{s:s, s:o}", "event", event, member, payload);
    int wanted = 0;
    size_t i;
    json_t *w;
    json_array_foreach(s->wanted, i, w) wanted |= strcmp(json_string_value(w), event) == 0;
    char *text = body ? json_dumps(body, MSB_DUMP_FLAGS) : NULL;
    json_decref(body);
    if (!nt || !s->notify_url || !wanted || !text) {
        free(text);
        return;
    }
    pthread_mutex_lock(&nt->w.mu);
    int copies = nt->dup_next ? 2 : 1;
    nt->dup_next = 0;
    nt->events++;
    for (int k = 0; k < copies && nt->queued < MAX_QUEUE; k++) {
        delivery *d = new_delivery(text, s->notify_url);
        if (d)
            enqueue(nt, d);
    }
    pthread_mutex_unlock(&nt->w.mu);
    free(text);
}

/* After an attempt: done, or back into the queue with a longer delay. */
static void settle(struct msb_notify *nt, delivery *d, long code)
{
    pthread_mutex_lock(&nt->w.mu);
    nt->sent += code != -1;
    if (code == 200) {
        nt->ok++;
        free_delivery(d);
    } else {
        nt->failed++;
        d->attempts++;
        int shift = d->attempts < 20 ? d->attempts - 1 : 19;
        d->due_ms = msb_now_ms() + (int64_t)nt->o.retry_base_ms * (1LL << shift);
        if (d->due_ms - d->first_ms > (int64_t)nt->o.retry_window_s * 1000) {
            nt->gave_up++;
            free_delivery(d);
        } else {
            nt->redelivered++;
            enqueue(nt, d);
        }
    }
    pthread_mutex_unlock(&nt->w.mu);
}

/* The worker's take: the first due delivery (taken off the queue) or NULL
   with *wait_ms; an attempt the fail_next knob fails is marked. */
static void *take_due(void *cls, int64_t *wait_ms)
{
    struct msb_notify *nt = cls;
    *wait_ms = -1;
    int64_t now = msb_now_ms();
    for (delivery **pp = &nt->head; *pp; pp = &(*pp)->next) {
        delivery *d = *pp;
        if (d->due_ms <= now) {
            *pp = d->next;
            nt->queued--;
            d->fail = nt->fail_next > 0;
            nt->fail_next -= d->fail;
            return d;
        }
        if (*wait_ms < 0 || d->due_ms - now < *wait_ms)
            *wait_ms = d->due_ms - now;
    }
    return NULL;
}

/* The worker's send: one attempt, then done or queued again. */
static void send_one(void *cls, void *item)
{
    struct msb_notify *nt = cls;
    delivery *d = item;
    settle(nt, d, d->fail ? -1 : post(nt, d));
}

int msb_notify_start(msb *s, const msb_notify_opts *o)
{
    struct msb_notify *nt = calloc(1, sizeof *nt);
    if (!nt)
        return -1;
    nt->s = s;
    nt->o = *o;
    nt->w = (sbc_worker){.take = take_due, .send = send_one, .cls = nt};
    s->notify = nt;
    if (sbc_worker_start(&nt->w) != 0) {
        s->notify = NULL;
        free(nt);
        return -1;
    }
    return 0;
}

void msb_notify_stop(msb *s)
{
    struct msb_notify *nt = s->notify;
    if (!nt)
        return;
    sbc_worker_stop(&nt->w);
    while (nt->head) {
        delivery *d = nt->head;
        nt->head = d->next;
        free_delivery(d);
    }
    free(nt);
    s->notify = NULL;
}

void msb_notify_knob(msb *s, const char *knob, int64_t n)
{
    struct msb_notify *nt = s->notify;
    if (!nt)
        return;
    pthread_mutex_lock(&nt->w.mu);
    if (strcmp(knob, "duplicate_next") == 0)
        nt->dup_next = n != 0;
    else if (strcmp(knob, "fail_next") == 0)
        nt->fail_next = n;
    pthread_mutex_unlock(&nt->w.mu);
}

/* Whether a delivery is in flight or due within the flush's horizon. */
static int flush_busy(void *cls)
{
    struct msb_notify *nt = cls;
    int busy = nt->w.inflight;
    for (delivery *d = nt->head; d && !busy; d = d->next)
        busy = d->due_ms <= msb_now_ms() + nt->flush_horizon_ms;
    return busy;
}

void msb_notify_flush(msb *s, long horizon_ms)
{
    struct msb_notify *nt = s->notify;
    if (!nt)
        return;
    pthread_mutex_lock(&nt->w.mu);
    nt->flush_horizon_ms = horizon_ms;
    sbc_worker_wait(&nt->w, flush_busy, FLUSH_WAIT_MS);
    pthread_mutex_unlock(&nt->w.mu);
}

json_t *msb_notify_summary(msb *s)
{
    struct msb_notify *nt = s->notify;
    if (!nt)
        return json_object();
    pthread_mutex_lock(&nt->w.mu);
    json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "events", (json_int_t)nt->events,
                          "sent", (json_int_t)nt->sent, "ok", (json_int_t)nt->ok, "failed",
                          (json_int_t)nt->failed, "redelivered", (json_int_t)nt->redelivered,
                          "gave_up", (json_int_t)nt->gave_up, "queued", (json_int_t)nt->queued);
    pthread_mutex_unlock(&nt->w.mu);
    return j;
}
