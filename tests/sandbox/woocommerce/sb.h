/*
 * woo_sandbox internals: one header shared by the sandbox's files.
 *
 * The sandbox emulates a WooCommerce store (REST API v3 + webhooks) for
 * end-to-end tests. The store's state is a set of jansson objects kept in
 * the exact shapes a real store serializes (see
 * shared/api/woocommerce.md section 11 and shared/fixtures/woocommerce/),
 * guarded by one mutex. Money inside those objects stays in WooCommerce's
 * own text form ("12.50"); arithmetic converts to int64 cents first.
 *
 * Lock order: store.mu before hooks.mu. The delivery thread never holds
 * hooks.mu while it takes store.mu.
 */
#ifndef WOO_SANDBOX_SB_H
#define WOO_SANDBOX_SB_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "sbc.h"

#define SB_VERSION "woo_sandbox 0.1.0 (emulates WooCommerce 10.0.2 REST v3)"
#define SB_MAX_BODY (4u * 1024u * 1024u)
#define SB_BATCH_LIMIT 100
#define SB_MAX_PARAMS 64
#define SB_DUMP_FLAGS                                                                              \
    (JSON_COMPACT | JSON_ESCAPE_SLASH | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(16))

/* ---- util.c: money, text, crypto, time ---------------------------------- */

/* Parses WooCommerce money text ("12.50", "-0.7", "5", "") into cents.
   Up to 2 decimals; "" is 0. Returns 0 or -1 on malformed text. */
int sb_money_parse(const char *text, int64_t *cents);
/* Formats cents as "-12.50" into buf (32 bytes). Returns buf. */
char *sb_money_fmt(int64_t cents, char *buf);
/* A new JSON string holding the money text of cents. */
json_t *sb_money_json(int64_t cents);
/* Reads a money member of obj (string or integer); missing/null/"" is 0.
   Returns 0 or -1 when present but malformed. */
int sb_money_get(const json_t *obj, const char *key, int64_t *cents);
/* Rounds num/den half away from zero (den > 0). */
int64_t sb_div_round(int64_t num, int64_t den);
/* RFC 3986 percent-encoding into a new malloc'ed string. */
char *sb_pct_encode(const char *in);
/* Percent-decoding ('+' kept) into a new malloc'ed string. */
char *sb_pct_decode(const char *in);
/* base64(HMAC(key, data)) with sha1 (use_sha256 = 0) or sha256, into a new
   malloc'ed string; NULL on failure. */
char *sb_hmac_b64(int use_sha256, const char *key, size_t key_len, const char *data, size_t len);
/* Lower-case hex md5 of text into out (33 bytes). */
void sb_md5_hex(const char *text, char out[33]);
/* Formats epoch seconds as "YYYY-MM-DDTHH:MM:SS" (UTC) into buf (32). */
char *sb_time_fmt(int64_t epoch, char *buf);
/* Parses "YYYY-MM-DDTHH:MM:SS" (optional fraction, Z or +HH:MM) as
   epoch seconds; a text without offset is taken as offset_min minutes
   east of UTC. Returns 0 or -1. */
int sb_time_parse(const char *text, int offset_min, int64_t *epoch);
/* Reads a whole file into a new NUL-terminated buffer (cap bytes max). */
char *sb_read_file(const char *path, size_t cap, size_t *len);
/* Integer member of obj or dflt. */
int64_t sb_int(const json_t *obj, const char *key, int64_t dflt);
/* String member of obj or dflt (borrowed). */
const char *sb_str(const json_t *obj, const char *key, const char *dflt);

/* ---- HTTP request/response (http.c) ------------------------------------ */

typedef struct sb_param {
    char *key;
    char *value;
} sb_param;

typedef struct sb_req {
    const char *method;
    const char *path; /* after /wp-json/wc/v3, e.g. "/orders/12" */
    struct MHD_Connection *conn;
    const char *body; /* raw body, NUL-terminated, may be "" */
    size_t body_len;
    sb_param params[SB_MAX_PARAMS]; /* decoded query parameters */
    size_t nparams;
} sb_req;

typedef struct sb_resp {
    int status;
    json_t *json;               /* owned; the body */
    char *link;                 /* owned; Link header for collections, or NULL */
    int64_t total, total_pages; /* X-WP-Total(Pages) when total >= 0 */
    char *raw;                  /* owned; when set, the body sent as is (text/html), not json */
} sb_resp;

/* Query parameter value (decoded, borrowed from req) or NULL. */
const char *sb_param_get(const sb_req *req, const char *key);
/* Sets resp to a WooCommerce error body {code,message,data:{status}}. */
void sb_resp_error(sb_resp *resp, int status, const char *code, const char *message);
/* Sets resp to status + json (taken). */
void sb_resp_json(sb_resp *resp, int status, json_t *json);

/* ---- store.c: the shop's state ------------------------------------------ */

typedef struct sb_store {
    pthread_mutex_t mu;
    json_t *settings; /* currency, currency_symbol, gmt_offset_minutes ... */
    json_t *products; /* array of products and variations (type variation) */
    json_t *orders;   /* array of order objects */
    json_t *notes;    /* object: order id text -> array of notes */
    json_t *refunds;  /* object: order id text -> array of refund objects */
    json_t *taxes, *tax_classes, *gateways, *shipping_methods, *coupons;
    json_t *shipping_zones; /* array of zones, each with its "methods" (instances) */
    json_t *calls;          /* object: "GET /orders/{id}" -> count */
    json_t *nonces;         /* object: nonce -> timestamp */
    json_t *faults;         /* object: "METHOD /route/{id}" -> {mode, status, left} (faults.c) */
    int64_t batch_requests;
    int64_t next_post_id, next_item_id, next_meta_id, next_note_id;
    int64_t clock_fixed; /* nonzero: fake now (epoch seconds) */
    char site_url[128];  /* "http://127.0.0.1:PORT", no trailing slash */
} sb_store;

struct sb_hooks;

typedef struct sb_ctx {
    sb_store store;
    struct sb_hooks *hooks; /* NULL without --webhook-url */
    const char *consumer_key, *consumer_secret;
    const char *scheme;
    const char *state_file;
    char *tls_cert, *tls_key; /* PEM texts with --tls-cert/--tls-key, else NULL */
} sb_ctx;

/* Loads a seed file into a zeroed store. Returns 0 or -1 (message on
   stderr naming the field). */
int sb_store_load(sb_ctx *ctx, const char *path);
void sb_store_free(sb_store *st);
/* Current time (fake clock aware). */
int64_t sb_now(const sb_store *st);
/* Fills the four date fields name/name_gmt of obj with time t (0 = null). */
void sb_set_date(const sb_store *st, json_t *obj, const char *name, int64_t t);
/* Finds an order/product/variation by id (borrowed) or NULL. */
json_t *sb_order_find(sb_store *st, int64_t id);
json_t *sb_product_find(sb_store *st, int64_t id);
/* Finds a product or variation by exact sku or NULL. */
json_t *sb_product_by_sku(sb_store *st, const char *sku);
/* Serialized copy (new ref) as GET would answer, with _links. */
json_t *sb_order_view(sb_store *st, const json_t *order);
json_t *sb_product_view(sb_store *st, const json_t *product);
/* Adjusts stock of a product/variation (following manage_stock "parent")
   by delta; returns the object whose stock changed or NULL. Fires
   product.updated for it. */
json_t *sb_stock_adjust(sb_ctx *ctx, json_t *item, int64_t delta);
/* A new product (or variation of parent) with WooCommerce's full key set,
   completed from the partial object seed (ids are the caller's). */
json_t *sb_product_complete(sb_store *st, const json_t *seed, int is_var, int64_t parent);
/* Recomputes stock_status from stock_quantity. */
void sb_stock_status(json_t *product);
/* The /__sandbox/state summary (new ref). */
json_t *sb_store_summary(sb_ctx *ctx);
/* Writes the whole state as a seed-format file. Returns 0 or -1. */
int sb_store_save(sb_ctx *ctx, const char *path);
/* Records one API call under "METHOD /route/{id}". */
void sb_count_call(sb_store *st, const char *method, const char *path);
/* The "METHOD /route/{id}" key of a call (ids replaced) into key (cap). */
void sb_call_key(const char *method, const char *path, char *key, size_t cap);
/* Next id from one of the store counters. */
int64_t sb_next(int64_t *counter);

/* ---- order_calc.c: totals of created orders ----------------------------- */

/* Builds a complete order object from a compact create body (WooCommerce
   POST /orders shape). On success returns a new order (not yet stored);
   on failure NULL and resp holds the 400 error. */
json_t *sb_order_build(sb_ctx *ctx, const json_t *body, sb_resp *resp);

/* 1 when status is one WooCommerce accepts on orders. */
int sb_status_valid(const char *status);
/* The exact 400 rest_invalid_param body for a bad order status. */
void sb_resp_bad_status(sb_resp *resp);
/* Recomputes is_editable / needs_payment from status and total. */
void sb_order_flags(json_t *order);
/* Reduces stock for an order's lines (line meta _reduced_stock) once;
   apply = 0 only records the meta (seeded orders whose stock is already
   counted). Caller holds store.mu. */
void sb_order_reduce_stock(sb_ctx *ctx, json_t *order, int apply);

/* ---- routes ------------------------------------------------------------- */

/* Each returns 1 when it handled the route (resp filled), 0 otherwise. */
int sb_route_orders(sb_ctx *ctx, sb_req *req, sb_resp *resp);
int sb_route_products(sb_ctx *ctx, sb_req *req, sb_resp *resp);
int sb_route_misc(sb_ctx *ctx, sb_req *req, sb_resp *resp);
/* /__sandbox/... control endpoints (no auth). */
int sb_route_admin(sb_ctx *ctx, sb_req *req, sb_resp *resp);
/* Order status transition with WooCommerce's stock and date habits and
   order.updated; caller holds store.mu. */
void sb_order_set_status(sb_ctx *ctx, json_t *order, const char *status);
/* 1 when the order is in the trash (kept as a hidden "_trashed" member that
   sb_order_view drops: the store shows the status it had). */
int sb_order_trashed(const json_t *order);
/* Brings a trashed order back (order.restored); -1 when not trashed. */
int sb_order_restore(sb_ctx *ctx, json_t *order);
/* wp-admin's edit of an order (POST /__sandbox/edit): body
   {"add_line_items":[{product_id, variation_id?, quantity}], "billing":{..},
   "shipping":{..}, "customer_note":".."}. Added items are priced and taxed
   as the store would, merged into the order's tax rows and totals, and,
   when the order's stock was reduced, reduce stock with an "Adjusted
   stock" note; then order.updated fires. -1 with resp set on a bad item. */
int sb_order_edit(sb_ctx *ctx, json_t *order, const json_t *body, sb_resp *resp);
/* Creates and stores an order from a create body; fires order.created and
   order.updated. Returns the stored order (borrowed) or NULL (resp set). */
json_t *sb_order_create(sb_ctx *ctx, const json_t *body, sb_resp *resp);
/* Matches path against pattern where '#' stands for a decimal id; ids
   receives up to 2 ids. Returns 1 on match. */
int sb_match(const char *path, const char *pattern, int64_t ids[2]);
/* Parses the JSON body of req; on failure sets a 400 and returns NULL. */
json_t *sb_req_json(const sb_req *req, sb_resp *resp);
/* Pagination over a JSON array of views: fills resp with the page, the
   X-WP-Total(Pages) numbers and Link header. Takes `all`. */
void sb_paginate(sb_ctx *ctx, sb_req *req, sb_resp *resp, json_t *all, const char *route);

/* ---- faults.c: answers a real store (or what is in front of it) gives
   now and then, on demand ----------------------------------------------- */

/* POST /__sandbox/fault {"route":"POST /orders/{id}/notes", "mode": M,
   "count": N (default 1), "status": S}: the next N authenticated calls of
   that route fail. Modes: "html-200" answers 200 with a proxy's HTML page
   and does nothing; "store-then-504" does the call, then answers 504 (a
   proxy that forwarded it and gave up waiting); "status" answers S with a
   WooCommerce error body and does nothing. {"clear":true} drops them all.
   Caller holds store.mu. */
void sb_fault_knob(sb_ctx *ctx, const json_t *body, sb_resp *resp);
/* Before the route (store.mu held): 0 (no fault), SB_FAULT_ANSWERED (resp
   holds the fault's answer: skip the route) or SB_FAULT_AFTER (run the
   route, then call sb_fault_after). */
#define SB_FAULT_ANSWERED 1
#define SB_FAULT_AFTER 2
int sb_fault_before(sb_ctx *ctx, const sb_req *req, sb_resp *resp);
/* Replaces the route's answer with a proxy's 504 page. */
void sb_fault_after(sb_resp *resp);

/* ---- auth.c ------------------------------------------------------------- */

/* Checks OAuth 1.0a (query or Authorization header). Returns 1 when the
   request is authenticated, 0 when it carries no usable credentials (the
   route then answers woocommerce_rest_cannot_*), -1 when resp holds an
   authentication error to send as is. */
int sb_auth_check(sb_ctx *ctx, sb_req *req, sb_resp *resp);
/* Signs url for --sign-url; prints the signed url. Returns exit code. */
int sb_sign_url_main(int argc, char **argv);

/* ---- webhooks.c --------------------------------------------------------- */

typedef struct sb_hook_opts {
    const char *url, *secret;
    long delay_ms;
} sb_hook_opts;

/* Starts the delivery thread and queues the creation pings. Without
   opts->url the webhooks start paused with no delivery URL. */
int sb_hooks_start(sb_ctx *ctx, const sb_hook_opts *opts);
void sb_hooks_stop(sb_ctx *ctx);
/* Queues an event ("order.updated", resource id). Caller holds store.mu. */
void sb_hooks_event(sb_ctx *ctx, const char *topic, int64_t id);
/* Admin knobs: "duplicate-next", "reorder", "drop-next", "flush".
   Returns 0 or -1 for an unknown knob. */
int sb_hooks_knob(sb_ctx *ctx, const char *knob);
/* Sets webhook id's status ("active" also resets the failure count).
   Returns 0 or -1 for an unknown id. */
int sb_hooks_set_status(sb_ctx *ctx, int64_t id, const char *status);
/* Sets webhook id's delivery_url and/or secret (NULL: unchanged); a new
   URL gets the creation ping again. Returns 0, -1 for an unknown id, -2
   for a URL that is not http(s) or too long, or a secret too long. */
int sb_hooks_configure(sb_ctx *ctx, int64_t id, const char *url, const char *secret);
/* Webhook summary array for the state endpoint (new ref). */
json_t *sb_hooks_summary(sb_ctx *ctx);

/* ---- receiver.c / http.c ------------------------------------------------ */

/* Runs `--receiver` mode. Returns the exit code. */
int sb_receiver_main(int argc, char **argv);
/* Starts the store's API server on 127.0.0.1:port (0: a free one, then in
   h->port), https when ctx has a certificate. 0 or -1. */
int sb_api_start(sb_ctx *ctx, sbc_http *h, unsigned port);

#endif
