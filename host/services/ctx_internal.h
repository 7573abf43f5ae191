/*
 * The layout of a call context, shared by the services files only. Plugins
 * see sl_ctx as opaque; other host modules go through services.h.
 */
#ifndef SL_CTX_INTERNAL_H
#define SL_CTX_INTERNAL_H

#include <stdarg.h>

#include <curl/curl.h>

#include "services/arena.h"
#include "services/services.h"

#define CTX_ARENA_LIMIT (256u << 20)

/* An order under construction: the host order plus the first builder
   error, which submit reports (so a plugin may check only submit). */
struct sl_order {
    sl_ctx *ctx;
    order *o;
    sl_error first_error;
    struct sl_order *next, *prev; /* in ctx->open_orders */
};
struct sl_line {
    struct sl_order *owner;
    size_t index; /* lines move when the array grows; an index does not */
};

/* Frees orders a plugin built but never submitted (call end). */
void services_drop_open_orders(sl_ctx *ctx);

struct sl_ctx {
    const config_tenant *tenant;
    const config_channel *channel;
    struct store *store;
    services_sink sink;
    services_sink standing_sink; /* set_sink's, while a call has its own */
    int call_has_sink;           /* the current call installed `sink` */
    arena call_arena;
    CURL *curl;                   /* reused for keep-alive within a channel */
    int fresh_connections;        /* this call: no reuse (services.h) */
    int64_t last_request_ms;      /* for the per-channel rate limit */
    int orders_submitted;         /* during the current call */
    struct sl_order *open_orders; /* built but not yet submitted */
    int errors_only;              /* services_ctx_set_errors_only */
    const char *lazy_db_path;     /* services_ctx_open_store_lazily */
    struct store *owned_store;    /* opened from lazy_db_path, closed with ctx */
    const char *plugin_file;      /* services_ctx_set_plugin_file; borrowed */
    int64_t plugin_mtime;
    uint64_t serial; /* unique per context made: call_marker.c */
};

/* The context's state store into *out, opened on first use when the
   context was made with services_ctx_open_store_lazily. SL_EUNSUPPORTED
   when the context has none, or the open's error. */
int services_ctx_store(sl_ctx *ctx, struct store **out, sl_error *err);

/* call_marker.c: marks this thread's slot as in a call of ctx (a no-op
   when marking is off) / clears it. */
void services_mark_call(const sl_ctx *ctx, const char *call);
void services_unmark_call(void);

/* Writes a log line with tenant/channel context, masking secret values. */
void services_vlog(sl_ctx *ctx, int level, const char *fmt, va_list ap);

/* HTTP slots of the host table (http.c). */
sl_http_req *services_http_new(sl_ctx *ctx, const char *method, const char *url);
int services_http_header(sl_http_req *r, const char *name, const char *value);
int services_http_query(sl_http_req *r, const char *name, const char *value);
int services_http_body(sl_http_req *r, const char *data, size_t len, const char *content_type);
int services_http_basic_auth(sl_http_req *r, const char *user, const char *password);
int services_http_send(sl_http_req *r, sl_http_resp **out, sl_error *err);
int services_http_status(const sl_http_resp *resp);
const char *services_http_resp_header(const sl_http_resp *resp, const char *name);
const char *services_http_resp_body(const sl_http_resp *resp, size_t *len);

/* Order builder slots (builder.c). */
sl_order *services_order_new(sl_ctx *ctx);
int services_order_set_text(sl_order *o, int field, const char *value);
int services_order_set_money(sl_order *o, int field, const char *decimal);
int services_order_set_time(sl_order *o, int field, int64_t utc_ms);
int services_order_set_flag(sl_order *o, int field, int value);
int services_order_set_address(sl_order *o, int which, int field, const char *value);
int services_order_set_raw(sl_order *o, const char *data, size_t len);
sl_line *services_order_add_line(sl_order *o, int kind);
int services_line_set_text(sl_line *l, int field, const char *value);
int services_line_set_money(sl_line *l, int field, const char *decimal);
int services_line_set_quantity(sl_line *l, const char *decimal);
int services_line_add_tax(sl_line *l, const char *rate_id, const char *decimal);
int services_line_set_restocked(sl_line *l, const char *decimal_qty);
int services_order_add_tax_rate(sl_order *so, const char *rate_id, const char *tax,
                                const char *shipping_tax, const char *percent, int compound);
int services_order_submit(sl_ctx *ctx, sl_order *o, sl_error *err);
void services_order_discard(sl_order *o);
int services_order_refuse(sl_ctx *ctx, sl_order *o, const sl_error *why, sl_error *err);

/* Product builder slots (product.c). */
sl_product *services_product_new(sl_ctx *ctx);
int services_product_set(sl_product *p, int field, const char *value);
int services_product_submit(sl_ctx *ctx, sl_product *p, sl_error *err);

#endif
