/*
 * The host side of the SDK: the sl_host table and the sl_ctx a plugin call
 * runs in. A context belongs to one channel of one tenant; each plugin call
 * gets a fresh arena (services_call_begin / services_call_end) that frees
 * everything the host handed out during the call.
 *
 * Orders the plugin submits and cursors it commits go to the sink the
 * caller installed (the inbox in production, a collector in plugin check),
 * so this module knows nothing about storage.
 */
#ifndef SL_SERVICES_H
#define SL_SERVICES_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"
#include "config/config.h"
#include "order/order.h"

struct tm;

struct store;

/* A product a plugin built (fetch_products). Text fields by enum
   sl_product_field; absent ones are NULL. */
typedef struct services_product {
    char *field[SL_PRODUCT_FIELD_END_V1_2];
} services_product;

/* Where a context sends what the plugin produces. Each callback returns 0
   or a negative SL_E*; order_take takes ownership of `o` in every case. */
typedef struct services_sink {
    void *data;
    int (*order_take)(void *data, order *o, sl_error *err);
    int (*cursor_commit)(void *data, const char *cursor, sl_error *err);
    void (*push_report)(void *data, const char *sku, int outcome, const char *message);
    int (*list_add)(void *data, int kind, const char *id, const char *label, const char *detail);
    int (*result_set)(void *data, const char *key, const char *value);
    /* fetch_products: a validated product (borrowed for the callback). */
    int (*product_take)(void *data, const struct services_product *p, sl_error *err);
    /* result_row (1.3): the next result_set calls start a new row. */
    int (*result_row)(void *data);
    /* Optional: an order the builder refused for its content (`why`),
       taken in every case. SL_OK = the sink recorded it as failed intake
       and order_submit answers the plugin SL_OK, so one bad order does not
       end a poll; without this callback order_submit reports `why`. */
    int (*order_refused)(void *data, order *o, const sl_error *why, sl_error *err);
} services_sink;

/* Whether a status says the input's content is at fault (SL_EINVALID,
   SL_EUNSUPPORTED, SL_ETOOBIG), as opposed to the transport, the store or
   a bug: content failures of authentic input are kept as failed intake,
   never refused. */
int services_content_error(int rc);

/* ---- local time (local_time.c) ------------------------------------------
   A tenant's zone is an IANA name ("Europe/Riga"; NULL or "" is UTC; a
   name libc does not know reads as UTC). One process-wide lock guards the
   TZ switch these need; any thread may call them. */
/* What TZ holds when the environment had none: libc's own default. */
#define SERVICES_TZ_SYSTEM ":/etc/localtime"
/* Offset of `tz` from UTC at instant utc_ms, in ms (Riga in summer:
   +10800000). SL_EINVALID when libc cannot convert the instant. */
int services_tz_offset_ms(const char *tz, int64_t utc_ms, int64_t *offset_ms);
/* The local date "YYYY-MM-DD" of utc_ms in `tz` (day holds 16 bytes). */
int services_local_day(const char *tz, int64_t utc_ms, char day[16]);
/* The UTC instant at which local day `day` ("YYYY-MM-DD") starts in `tz`.
   SL_EINVALID for a malformed day. */
int services_local_midnight_ms(const char *tz, const char *day, int64_t *utc_ms);

/* A walk that converts many instants (an export) enters the zone once:
   switching per value would make libc read the zone file each time. The
   lock is held from enter to leave, so other threads asking local time
   wait meanwhile: for a CLI command, never for a server's request. The
   lock is not recursive: between enter and leave the same thread calls
   no other local-time function (services_tz_offset_ms and the rest). */
typedef struct services_zone {
    char *saved; /* the TZ to put back; NULL once left */
} services_zone;
/* Enters tz (as the functions above read it). SL_OK or SL_ENOMEM (not
   entered: do not leave). */
int services_zone_enter(const char *tz, services_zone *z);
/* utc_ms as local civil time in the entered zone. SL_OK or SL_EINVALID. */
int services_zone_local(const services_zone *z, int64_t utc_ms, struct tm *out);
/* The UTC instant of local midnight starting y-m-d in the entered zone
   (the first instant of the day where DST skips midnight). */
int services_zone_midnight_ms(const services_zone *z, int y, int m, int d, int64_t *utc_ms);
void services_zone_leave(services_zone *z);

/* ---- the install tree (install_path.c) ------------------------------- */
/* The directory of the running binary (/proc/self/exe) into buf. 0, or
   -1 when it cannot be read or does not fit. */
int services_exe_dir(char *buf, size_t cap);
/* The directory `rel` of the install tree the running binary belongs to
   (its directory, up SL_INSTALL_BINDIR_REL, then rel: "lib/shopledger/
   plugins") into buf. 0 when that directory exists, else -1. */
int services_installed_dir(const char *rel, char *buf, size_t cap);

/* The table handed to plugins. Static; valid for the process lifetime. */
const sl_host *services_table(void);

/* A context for one channel. `store` (may be NULL) backs state_get/put;
   the tenant/channel config must outlive the context. */
sl_ctx *services_ctx_new(const config_tenant *tenant, const config_channel *channel,
                         struct store *db);
void services_ctx_free(sl_ctx *ctx);
void services_ctx_set_sink(sl_ctx *ctx, const services_sink *sink);
/* While on, the context logs errors only: an extra context of a channel
   (runtime_channel_open_copy) need not repeat its open's warnings. */
void services_ctx_set_errors_only(sl_ctx *ctx, int on);
/* For a context made without a store: state_get/put open their own
   connection to db_path on first use (closed with the context), so a
   context whose calls rarely need state holds no connection (db_path must
   outlive the context). */
void services_ctx_open_store_lazily(sl_ctx *ctx, const char *db_path);
/* Gives back what a context holds between calls: the state connection
   it opened lazily and its HTTP connection (both opened again by the next
   call that needs them). No call may run in the context meanwhile: the
   caller holds what serializes its calls (serve's channel or lane lock). */
void services_ctx_release(sl_ctx *ctx);
/* Whether the context holds a state connection now (tests, health). */
int services_ctx_holds_store(const sl_ctx *ctx);

/* The one bracket around a plugin call:
       services_call_enter(ctx, &sink);   (or NULL: no sink of its own)
       rc = plugin->table->slot(state, ctx, ...);
       services_call_end(ctx);
   Enter empties the arena, installs `sink` for this call and, while serve
   marks calls (call_marker.h), records the call (named after the calling
   host function, or `call`). End clears the call's sink (the context's
   standing sink of services_ctx_set_sink, if any, is back), hands back
   orders left open, empties the arena and clears the mark. The sink is
   copied: it may live on the caller's stack. */
void services_call_enter_at(sl_ctx *ctx, const services_sink *sink, const char *call);
#define services_call_enter(ctx, sink) services_call_enter_at((ctx), (sink), __func__)
/* Enter without a sink of the call's own (the standing one applies). */
#define services_call_begin_at(ctx, call) services_call_enter_at((ctx), NULL, (call))
#define services_call_begin(ctx) services_call_enter_at((ctx), NULL, __func__)
void services_call_end(sl_ctx *ctx);
/* For the rest of the current call (until services_call_end), every HTTP
   request of ctx goes on a new connection that is closed after its answer
   (CURLOPT_FRESH_CONNECT + CURLOPT_FORBID_REUSE). Why: libcurl silently
   sends a request again when it went out on a kept-alive connection that
   the server closed before any answer byte, and the server may have done
   the work before closing. A call that must not reach the remote twice
   (a gateway's payment request, verify, settle, reverse: pay_call) asks
   for this; the cost is one connect (and TLS handshake) per request. */
void services_call_fresh_connections(sl_ctx *ctx);
/* The plugin file a context's calls run in, for the call marker. */
void services_ctx_set_plugin_file(sl_ctx *ctx, const char *path, int64_t mtime);

/* Clock used by now_ms: real time unless a test fakes it (0 = real). */
void services_fake_clock(int64_t utc_ms);
int64_t services_now_ms(void);

/* An incoming request for parse_webhook (borrowed pointers; the caller
   keeps them alive during the call). Header lookup is case-insensitive. */
typedef struct services_request_header {
    const char *name, *value;
} services_request_header;
typedef struct sl_request {
    const services_request_header *headers;
    size_t header_count;
    const char *body;
    size_t body_len;
    int verified; /* operator replay: skip signature */
} services_request;

/* Stock list for push_stock/push_prices. */
typedef struct services_stock_item {
    char *sku;
    char quantity[32];
    char price[48]; /* "" = no price */
} services_stock_item;
typedef struct sl_stock_list {
    services_stock_item *items;
    size_t count;
    char currency[8];
} services_stock_list;

/* Key/value parameters for postal and gateway calls. */
typedef struct sl_params {
    const char *const *keys;
    const char *const *values;
    size_t count;
} services_params;

/* HTTP policy knobs (tests shorten them). */
typedef struct services_http_policy {
    long connect_timeout_ms;
    long timeout_ms;
    int max_retries; /* for 429/5xx/transport errors */
    int64_t max_retry_wait_ms;
    int64_t min_interval_ms; /* per-channel rate limit; 0 = none */
} services_http_policy;
void services_set_http_policy(const services_http_policy *p);
/* Abandons every transfer in flight (they fail with SL_ERETRY within about
   a second) and refuses new ones, until services_http_restart(). Safe from
   any thread; serve calls it first thing on SIGTERM. */
void services_http_stop(void);
void services_http_restart(void);
int services_http_stopping(void);

/* Host log line with the context's tenant/channel (ctx may be NULL);
   secrets of the channel are masked. */
void services_log(sl_ctx *ctx, int level, const char *fmt, ...) SL_PRINTF(3, 4);

/* Process-global init/cleanup the host owns (curl_global_init, TZ set
   when absent so local_time.c never adds it while threads run). Call
   before any thread starts. */
int services_global_init(sl_error *err);
void services_global_cleanup(void);

#endif
