/*
 * A fake sl_host for connector unit tests, in libsl_fake_host.a
 * (tests/support/fake_host.c): a vendor links it with libshopledger_sdk.a
 * to test a connector without the host. It loads the real built plugin
 * with dlopen, as the host does, and records what the plugin does:
 *   - orders it builds, as JSON in ctx.orders ({"text":{..}, "money":{..},
 *     "time":{..}, "flag":{..}, "billing":{..}, "lines":[..], ...}), with
 *     money checked the way the host checks it (exact decimal in the
 *     currency's exponent, the currency set first);
 *   - orders discarded half-built (ctx.discards), cursors committed
 *     (ctx.cursors), push reports ([sku, outcome, msg]
 *     in ctx.reports), list items (ctx.lists), log lines (ctx.logs);
 *   - every outgoing HTTP request (ctx.requests: {method, url, query,
 *     headers, body, basic}), answered by the test's route function.
 * Config keys and secrets are JSON objects the test fills (ctx.config,
 * ctx.secrets). A plugin call's allocations live until fake_end_call, as
 * the host frees a call's arena on return.
 *
 * The host never looks inside these structs; the test does, so they are
 * defined here. One test binary, one thread: nothing here is thread-safe.
 */
#ifndef SL_FAKE_HOST_H
#define SL_FAKE_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "shopledger/sdk.h"

/* The answer a route gives one request. */
typedef struct fake_resp {
    int status;
    json_t *headers; /* object name -> value, or NULL */
    char *body;      /* malloc'd or NULL; the fake host takes it */
} fake_resp;

/* Answers one recorded request; nonzero = no route (http_send fails with
   SL_EIO and no response). */
typedef int (*fake_route_fn)(sl_ctx *ctx, const json_t *req, fake_resp *out);

struct sl_ctx {
    json_t *config, *secrets; /* what config_get / secret_get answer */
    int64_t now;              /* now_ms */
    json_t *orders, *cursors, *reports, *lists, *requests, *logs;
    json_t *keep; /* json values owned by the current call */
    void **arena;
    size_t narena, cap;
    fake_route_fn route;
    void *route_data;
    int discards; /* orders handed back through order_discard */
};
/* Sticky like the host's: the first refused setter is kept, and
   order_submit fails with it. */
struct sl_order {
    sl_ctx *ctx;
    json_t *j;
    int exponent;
    int first_rc;        /* the first refusal, SL_OK when none */
    char first_what[64]; /* which setter and field refused */
};
struct sl_line {
    sl_order *o;
    json_t *j;
};
struct sl_http_req {
    json_t *j; /* {method,url,query:[[k,v]...],headers:{},body,basic:[u,p]} */
};
struct sl_http_resp {
    int status;
    json_t *headers;
    const char *body;
    size_t len;
};
/* A webhook delivery, as fake_deliver builds it. */
struct sl_request {
    json_t *headers; /* object header -> value */
    const char *body;
    size_t len;
    int verified; /* request_verified: the host vouches for the body */
};
struct sl_stock_list {
    json_t *items; /* [[sku, qty, price|null]...] */
    const char *currency;
};

/* The host table. A test may copy it and replace slots (state_get ...). */
extern const sl_host FAKE_HOST;

/* One plugin under test: its table, the ctx it is called with, its
   channel state and the last call's error. */
typedef struct fake_fixture {
    const sl_plugin *p;
    sl_ctx ctx;
    void *state;
    sl_error err;
} fake_fixture;

/* ---- ctx and calls ------------------------------------------------------- */

/* An empty ctx: no config, no secrets, now = 2026-11-22T08:50:00Z, empty
   records. Free with fake_ctx_free. */
void fake_ctx_init(sl_ctx *c);
void fake_ctx_free(sl_ctx *c);
/* Ends one plugin call: frees its arena and the JSON it kept. */
void fake_end_call(sl_ctx *c);
/* The arena the host table allocates from (live until fake_end_call). */
void *fk_alloc(sl_ctx *c, size_t n);
char *fk_strdup(sl_ctx *c, const char *s);
/* Keeps j until the end of the call; returns it. */
json_t *fk_keep(sl_ctx *c, json_t *j);

/* ---- the plugin ---------------------------------------------------------- */

/* The built plugin NAME.so of this tree (SL_BUILD_PLUGIN_DIR), loaded as
   the host loads it; fails the test when it cannot be. Never unloaded. */
const sl_plugin *fake_plugin_load(const char *name);
/* channel_open of p on f->ctx (the call ended); returns its status, f->err
   says why. */
int fake_open(fake_fixture *f, const sl_plugin *p);
/* channel_close when open; f->state NULL after. */
void fake_close(fake_fixture *f);
/* One webhook delivery to f's channel through parse_webhook. Takes
   `headers` (a JSON object, or NULL); f->err holds any error. */
int fake_deliver(fake_fixture *f, json_t *headers, const char *body, size_t len, int verified);

/* ---- recorded requests and files ----------------------------------------- */

/* A recorded request's query parameter `name`, or NULL. */
const char *fake_query(const json_t *req, const char *name);
/* A recorded request's path below /wp-json/wc/v3 (else its whole URL). */
const char *fake_route(const json_t *req);
/* A whole file in a malloc'd NUL-terminated buffer (NULL if unreadable). */
char *slurp(const char *path, size_t *len);
/* Compares got with the JSON file at path; with SL_GOLDEN_UPDATE=1 in the
   environment, rewrites the file first. Fails the test on a difference. */
void fake_golden_check(const char *path, const json_t *got);

/* ---- the names of the first fake (tests/unit/test_woo_host.h) ------------ */
typedef fake_fixture woo_fixture;
const sl_plugin *woo_plugin(void);             /* woocommerce.so */
void woo_ctx_init(sl_ctx *c, const char *url); /* + url, key, secrets */
#define woo_ctx_free fake_ctx_free
int woo_open(fake_fixture *f); /* fake_open(woocommerce) */
#define woo_close fake_close
/* fake_golden_check of tests/golden/woo/REL. */
void golden_check(const char *rel, const json_t *got);

#endif
