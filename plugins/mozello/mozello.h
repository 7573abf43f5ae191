/*
 * Internal contract of the Mozello connector (mozello.so), after
 * shared/api/mozello.md. The plugin is split by concern: mz_plugin.c
 * (table, channel config, connection check), mz_http.c (Store API calls,
 * ApiKey auth, relative next_page_uri, HTTP and body errors -> SL_E*),
 * mz_time.c (the site's local timestamps -> UTC), mz_map.c (order JSON ->
 * SDK order builder, multi-language text), mz_webhook.c (signed
 * notifications), mz_fetch.c (cursor-paged order polling), mz_push.c
 * (stock and price by SKU) and mz_products.c (product walk shared by push
 * and the master-data import). Nothing here is exported from the .so.
 */
#ifndef MOZELLO_H
#define MOZELLO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "shopledger/sdk.h"

#define MZ_DEFAULT_BASE "https://api.mozello.com/v1"
#define MZ_URL_MAX 512
#define MZ_LANG_MAX 16
#define MZ_MAX_BODY (32u << 20)      /* bytes of one API answer we parse */
#define MZ_MAX_WEBHOOK (8u << 20)    /* bytes of one notification */
#define MZ_MAX_PAGES 1000            /* pages followed by one listing */
#define MZ_BATCH_MAX 1000            /* items per batch call (API limit) */
#define MZ_ID_MAX 96                 /* text of an order id / handle */
#define MZ_DEC_MAX 64                /* text of one decimal value */
#define MZ_THROTTLE_MS (60LL * 1000) /* back-off after a 403 (doc §2) */

/* Time zone of the site's timestamps: a fixed offset, optionally with the
   EU summer-time rule (last Sunday of March .. of October, 01:00 UTC). */
typedef struct mz_zone {
    int offset_min; /* standard offset east of UTC */
    int eu_dst;     /* 1: +60 min during EU summer time */
} mz_zone;

/* One open channel. Allocated by channel_open, freed by channel_close.
   The strings are borrowed from the host until close. */
typedef struct mz_chan {
    const sl_host *host;
    char base[MZ_URL_MAX];     /* ".../v1", no trailing slash */
    const char *api_key;       /* "MZL-..." */
    const char *api_key_alias; /* the same under its older name `secret` */
    const char *hook_key;      /* HMAC key of notifications: webhook_secret
                                  when configured (the same key), else api_key */
    const char *language;      /* preferred key of multi-language text, or NULL */
    int page_size;             /* 1..100 */
    int64_t overlap_ms;        /* poll window overlap */
    const char *zone_name;     /* site_timezone as configured */
    mz_zone zone;
    const char *currency; /* of imported product prices */
    int test_mode;        /* read everything, write nothing */
} mz_chan;

/* ---- mz_http.c ----------------------------------------------------------- */

/* Sends one Store API call. `path` is relative to the base and starts
   with '/' (it may carry a query, as next_page_uri does); `query` holds
   extra name/value pairs (NULL-terminated pairs, or NULL); `body` is JSON
   text or NULL. On success *out is a new reference to the answer object
   (caller json_decref()s). Outcomes: 401 -> SL_EAUTH; 403 (Mozello's
   throttle) -> SL_ERETRY with retry_after_ms >= 60 s; 429/5xx ->
   SL_ERETRY; 404 -> SL_ENOTFOUND; other status or a 200 body with
   "error": true -> SL_EREMOTE with error_message. */
int mz_call(mz_chan *ch, sl_ctx *ctx, const char *method, const char *path,
            const char *const *query, const char *body, json_t **out, sl_error *err);
/* Reduces next_page_uri (or next_page_link) of a list answer to a path
   relative to the base in buf: an absolute URL must lie under the base,
   a path starting with the base's own path ("/v1/...") is accepted too.
   *has_next 0 when the member is absent or null. SL_EINVALID otherwise. */
int mz_next_page(const mz_chan *ch, const json_t *answer, char *buf, size_t cap, int *has_next,
                 sl_error *err);

/* ---- mz_time.c ----------------------------------------------------------- */

/* Parses a zone setting: "UTC", "+HH:MM" / "-HH:MM", or an EU zone name
   from a small table (Europe/Riga ...). SL_EINVALID for anything else. */
int mz_zone_parse(const char *text, mz_zone *out);
/* "YYYY-MM-DD HH:MM:SS" in the site's zone -> UTC ms. */
int mz_local_to_utc(const mz_zone *z, const char *text, int64_t *utc_ms);

/* ---- mz_map.c ------------------------------------------------------------ */

/* The text of a multi-language member: a plain string, or an object keyed
   by language (the channel's language when present, else the first
   non-empty string member). NULL when absent/null; SL_EINVALID naming
   `key` when it is neither. *out is borrowed from obj. */
int mz_text(const mz_chan *ch, const json_t *obj, const char *key, const char **out, sl_error *err);
/* Maps one full order object and submits it. `raw` is stored verbatim.
 *created_text (if non-NULL) receives a borrowed pointer to created_at. */
int mz_order_submit(mz_chan *ch, sl_ctx *ctx, const json_t *order, const char *raw, size_t raw_len,
                    const char **created_text, sl_error *err);
/* Submits a deletion notice for order `id` (ORDER_DELETED). */
int mz_order_submit_deleted(mz_chan *ch, sl_ctx *ctx, const char *id, const char *raw,
                            size_t raw_len, sl_error *err);
/* GET /store/order/{id}/ (wrapped or bare) -> new reference. */
int mz_order_get(mz_chan *ch, sl_ctx *ctx, const char *id, json_t **out, sl_error *err);

/* ---- mz_products.c -------------------------------------------------------- */

/* Called for each sellable item: a product without variants, or each
   variant (with its parent). `stock` is NULL when not tracked. */
typedef struct mz_item {
    const char *sku;
    const char *handle;         /* product handle */
    const char *variant_handle; /* NULL for a product */
    const char *parent_sku;     /* product SKU of a variant, may be NULL */
    const char *name;
    char price[MZ_DEC_MAX]; /* effective regular price ("" = none) */
    char stock[MZ_DEC_MAX]; /* "" = not tracked (stock null) */
} mz_item;
typedef int (*mz_item_fn)(void *data, const mz_item *it, sl_error *err);
/* Walks GET /store/products/ (every page) and calls fn per item. A
   variant's null price / stock / sku inherits the product's. */
int mz_products_walk(mz_chan *ch, sl_ctx *ctx, mz_item_fn fn, void *data, sl_error *err);

/* ---- plugin slots --------------------------------------------------------- */

/* Slot verify_webhook (1.4): the notification hash only. */
int mz_verify_webhook(void *state, sl_ctx *ctx, const sl_request *req, int *acknowledge_only,
                      sl_error *err);
int mz_parse_webhook(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err);
int mz_fetch_orders(void *state, sl_ctx *ctx, const char *cursor, sl_error *err);
int mz_push_stock(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err);
int mz_push_prices(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err);
int mz_fetch_products(void *state, sl_ctx *ctx, sl_error *err);

#endif
