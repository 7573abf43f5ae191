/*
 * mozello_sandbox internals: one header shared by its files.
 *
 * The sandbox emulates the Mozello Store API v1 (shared/api/mozello.md):
 * the shop's products and orders are jansson objects in Mozello's own
 * shapes (money as JSON numbers, multi-language titles), guarded by one
 * mutex; a delivery thread sends signed notifications and redelivers
 * them with back-off. Lock order: store.mu before notify.mu.
 */
#ifndef MOZELLO_SANDBOX_H
#define MOZELLO_SANDBOX_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "sbc.h"

#define MSB_VERSION "mozello_sandbox 0.1.0 (emulates Mozello Store API v1)"
#define MSB_MAX_BODY (4u * 1024u * 1024u)
#define MSB_BATCH_LIMIT 1000
#define MSB_PAGE_MAX 100
/* %.15g: a shop's two-decimal prices print back as written (9.99). */
#define MSB_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

struct msb_notify;

typedef struct msb {
    pthread_mutex_t mu;
    json_t *products; /* array of product objects */
    json_t *orders;   /* array of order objects (with hidden "_id") */
    json_t *calls;    /* "METHOD /route" -> count */
    json_t *changes;  /* [{sku, field, from, to}] from batch updates */
    json_t *wanted;   /* notifications_wanted (array) */
    char *notify_url; /* NULL = notifications disabled */
    const char *api_key, *alias;
    int64_t next_id;
    int64_t throttle_next; /* knob: answer the next N calls with 403 */
    int64_t rate_limit;    /* calls per minute before 403 */
    int64_t window_start_ms, window_calls, throttled;
    struct msb_notify *notify;
} msb;

/* ---- store.c ---- */
int msb_load(msb *s, const char *path);
void msb_free(msb *s);
/* Order / product (borrowed) by order_id / handle, or NULL. */
json_t *msb_order_find(msb *s, const char *order_id);
json_t *msb_product_find(msb *s, const char *handle);
/* The public view (new ref): a copy without hidden "_" members. */
json_t *msb_view(const json_t *obj);
/* A cursor-paged list answer for `key` ("orders"/"products"). */
json_t *msb_list(msb *s, const char *key, json_t *items, const char *route, const char *page_size,
                 const char *page_start, const char *desc, const char *filter, const char *archived,
                 int *status);
/* POST batch_update_by_sku body -> answer; *status set. */
json_t *msb_batch_by_sku(msb *s, const json_t *body, int *status);
/* The /__sandbox/state summary (new ref). */
json_t *msb_state(msb *s);
int64_t msb_now_ms(void);

/* ---- notify.c ---- */
typedef struct msb_notify_opts {
    long retry_base_ms;  /* first redelivery delay; doubles each time */
    long retry_window_s; /* give up after this long (48 h) */
} msb_notify_opts;
int msb_notify_start(msb *s, const msb_notify_opts *o);
void msb_notify_stop(msb *s);
/* Queues one event with its payload object (taken). Caller holds s->mu. */
void msb_notify_event(msb *s, const char *event, const char *member, json_t *payload);
/* Knobs: "duplicate_next", "fail_next" (n deliveries answered as failed
   by the sandbox itself, before sending). */
void msb_notify_knob(msb *s, const char *knob, int64_t n);
/* Waits (bounded) until nothing is due within `horizon_ms`. */
void msb_notify_flush(msb *s, long horizon_ms);
json_t *msb_notify_summary(msb *s);

/* Mozello's error body {"error":true,"error_code":N,"error_message":M}. */
json_t *msb_error(int code, const char *msg);

/* ---- server.c / admin.c ---- */
struct MHD_Connection;
typedef struct msb_req {
    const char *method, *path, *body;
    size_t len;
    struct MHD_Connection *conn;
} msb_req;
/* /__sandbox/... control endpoints (no auth); *status set. */
json_t *msb_admin(msb *s, const msb_req *r, int *status);
/* Starts the API and the control endpoints on 127.0.0.1:port (0: a free
   one, then in h->port); 0 or -1. */
int msb_start(msb *s, sbc_http *h, unsigned port);

#endif
