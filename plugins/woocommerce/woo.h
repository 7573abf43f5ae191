/*
 * Internal contract of the WooCommerce connector (woocommerce.so). The
 * plugin is split by concern: woo_plugin.c (table, channel config),
 * woo_auth.c (Basic / OAuth 1.0a signing), woo_http.c (requests and the
 * mapping of HTTP errors to SL_E*), woo_map.c (order JSON -> SDK order
 * builder), woo_webhook.c, woo_fetch.c, woo_push.c (finding the items in
 * woo_catalog.c), woo_lists.c and woo_notes.c. Nothing here is exported from the .so: the build
 * uses hidden visibility and a version script that keeps only sl_plugin_entry.
 */
#ifndef WOO_H
#define WOO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "shopledger/sdk.h"
#include "shopledger/sdkutil.h"

#define WOO_API_PREFIX "/wp-json/wc/v3"
#define WOO_URL_MAX 512
#define WOO_KEY_MAX 256
#define WOO_MAX_PARAMS 16           /* query parameters of one request */
#define WOO_MAX_BODY (32u << 20)    /* bytes of one REST answer we parse */
#define WOO_MAX_WEBHOOK (16u << 20) /* one webhook delivery: serve's 16 MiB */
#define WOO_MAX_PAGES 1000          /* pages followed by one paged listing */
#define WOO_BATCH_MAX 100           /* items per batch request (WC limit) */
#define WOO_ID_MAX 32               /* text of a numeric id */
#define WOO_DEC_MAX 64              /* text of one decimal value */

/* One open channel. Allocated by channel_open, freed by channel_close;
   filled from the option table in woo_plugin.c. `key`, `secret` and
   `webhook_secret` are borrowed from the host until close. */
typedef struct woo_chan {
    const sl_host *host;
    char base[WOO_URL_MAX];     /* store URL, no trailing slash */
    int auth_mode;              /* the `auth` key: 0 auto, 1 basic, 2 oauth */
    int oauth;                  /* 1: http:// with OAuth 1.0a; 0: https Basic */
    int oauth_sha1;             /* 1: HMAC-SHA1; 0: HMAC-SHA256 */
    const char *key;            /* consumer key ck_..., borrowed until close */
    const char *secret;         /* consumer secret cs_... */
    const char *webhook_secret; /* may be NULL (then only replays pass) */
    sl_hmac_key *webhook_key;   /* webhook_secret prepared, owned (NULL with it) */
    int per_page;               /* 1..100 */
    int64_t overlap_ms;         /* poll window overlap */
    int test_mode;              /* read everything, write nothing */
    const char *currency;       /* the store's currency for imported prices, or
                                   NULL (the tenant's); borrowed until close */
    int sku_lists;              /* sku=A,B lists: 1 work, -1 ignored, 0 unknown */
    char first_after[32];       /* the host's start_date as a UTC lower bound
                                   for the first poll ("" = none) */
    int history_import;         /* the host's `history = import` */
} woo_chan;

/* ---- woo_http.c ---------------------------------------------------------- */

/* What a successful answer must be. Any 2xx answer must be JSON: a 200
   from a proxy or cache with an HTML page (or nothing) is not the store
   having done the call. */
enum woo_answer {
    WOO_ANSWER_JSON = 0, /* any JSON value */
    WOO_ANSWER_OBJECT,   /* a JSON object (one resource, a batch answer) */
    WOO_ANSWER_ARRAY     /* a JSON array (a listing) */
};

/* One REST call under construction: method, path below /wp-json/wc/v3 and
   query parameters (the values are copied into the call's arena). */
typedef struct woo_call {
    const char *method;
    int answer; /* enum woo_answer; woo_call_init sets WOO_ANSWER_JSON */
    char path[256];
    const char *qname[WOO_MAX_PARAMS];
    const char *qval[WOO_MAX_PARAMS];
    size_t nq;
    const char *body; /* JSON text or NULL; borrowed until send */
    size_t body_len;
} woo_call;

/* Starts a call; `path` begins with '/'. Returns SL_EINVALID when the path
   does not fit. */
int woo_call_init(woo_call *c, const char *method, const char *path);
/* Appends a query parameter; the value is copied to the ctx arena. */
int woo_call_param(woo_call *c, woo_chan *ch, sl_ctx *ctx, const char *name, const char *value,
                   sl_error *err);
/* Sends the call with authentication (signed afresh: a new OAuth nonce and
   timestamp on every call) and maps the outcome: 2xx whose body is JSON of
   the kind c->answer names -> SL_OK with *out a new JSON reference (caller
   json_decref()s) and *resp the response (arena, for headers); a 2xx
   whose body is not (HTML, empty) -> SL_ERETRY naming what was expected,
   with err->http_status set; 401 -> SL_EAUTH; 429/5xx -> SL_ERETRY with
   retry_after_ms; other 4xx -> SL_EREMOTE with the store's code/message.
   `out` may be NULL when the answer is not needed (it is checked all the
   same). */
int woo_call_send(woo_chan *ch, sl_ctx *ctx, const woo_call *c, json_t **out,
                  const sl_http_resp **resp, sl_error *err);
/* X-WP-TotalPages of a response, or 0 when absent or malformed. */
int woo_total_pages(woo_chan *ch, const sl_http_resp *resp);

/* ---- woo_auth.c ---------------------------------------------------------- */

/* Adds authentication to `req` for a call to `url` (no query string):
   Basic on https, OAuth 1.0a one-legged query parameters on http. `names`
   and `vals` are the call's own query parameters (they are signed too). */
int woo_auth_apply(woo_chan *ch, sl_ctx *ctx, sl_http_req *req, const char *method, const char *url,
                   const woo_call *c, sl_error *err);
/* OAuth 1.0a signature base string: METHOD&enc(url)&enc(sorted k=v&...)
   with each key and value RFC 3986 encoded first. Writes into out (cap
   bytes) and returns SL_OK, or SL_ETOOBIG when it does not fit. */
int woo_oauth_base_string(const char *method, const char *url, const char *const *names,
                          const char *const *vals, size_t n, char *out, size_t cap);
/* base64(HMAC(secret + "&", base)) with SHA1 or SHA256 into out (cap >= 64). */
int woo_oauth_sign(const char *base, const char *secret, int sha1, char *out, size_t cap);

/* ---- woo_map.c ----------------------------------------------------------- */

/* Maps one order object (webhook body or an element of GET /orders) and
   submits it through the host's order builder. `raw` is stored verbatim.
   A checkout-draft is skipped (SL_OK, *submitted 0). On success writes
   the order's date_modified_gmt as UTC ms into *modified_ms (if non-NULL). */
int woo_order_submit(woo_chan *ch, sl_ctx *ctx, const json_t *order, const char *raw,
                     size_t raw_len, int *submitted, int64_t *modified_ms, sl_error *err);
/* The same with the answer of GET /orders/{id}/refunds (a JSON array, or
   NULL when this call did not read it): each refund the order lists adds
   its line_items, shipping_lines and fee_lines as refunded lines (SDK 1.4
   SL_LINE_REFUND_ID, figures made positive). With NULL, an order that
   lists refunds is flagged SL_ORDER_REFUND_LINES_MISSING (the webhook
   path, which cannot call the shop). woo_order_submit passes NULL. */
int woo_order_submit_refunds(woo_chan *ch, sl_ctx *ctx, const json_t *order, const json_t *refunds,
                             const char *raw, size_t raw_len, int *submitted, int64_t *modified_ms,
                             sl_error *err);
/* Submits a deletion notice for the order id `id` (order.deleted: the
   order moved to the trash). `body` is the delivery's JSON: its
   date_modified_gmt orders the revision when present. */
int woo_order_submit_deleted(woo_chan *ch, sl_ctx *ctx, const char *id, const json_t *body,
                             const char *raw, size_t raw_len, sl_error *err);
/* The normalized status word for a WooCommerce status, or NULL. */
const char *woo_status_normalized(const char *status);

/* The tenant-facing name of a shop tax class: "" (how the shop sends the
   standard class) becomes "standard", any other slug is returned as is.
   Never NULL; the result is `shop_class` or a static string. */
const char *woo_tax_class_name(const char *shop_class);

/* The class a shipping line's tax follows: that of the first item in
   line_items taxed at the shipping line's first rate id, by
   woo_tax_class_name; NULL when the line is untaxed or no item matches.
   Borrowed from line_items (or static), valid as long as it is. */
const char *woo_shipping_tax_class(const json_t *line_items, const json_t *shipping_line);
/* Decimal text rounded half-up to the currency's minor digits (unknown
   currency: the text is passed through). negate flips the sign. */
int woo_money_text(const char *in, const char *currency, int negate, char out[WOO_DEC_MAX]);

/* ---- woo_catalog.c ------------------------------------------------------ */

/* Below this many distinct SKUs a push looks each up alone: a listing of
   100 items with _fields took ~0.8 s on a real store, a single lookup
   ~0.29 s, so a list of 3 SKUs cannot save the shop time, and single
   lookups work on every store version. */
#define WOO_LIST_MIN_SKUS 4
#define WOO_LIST_SKUS 100       /* SKUs (or ids) in one filtered listing */
#define WOO_LIST_SKU_CHARS 1500 /* bytes of one sku list (URL length) */
#define WOO_LIST_PAGES 5        /* pages followed for one filtered list */

/* Finds the shop's items for the SKUs that are the keys of `skus` (a JSON
   object; its values are replaced): each value becomes the item whose sku
   is exactly the key (a product, or a variation with type "variation" and
   parent_id), or JSON null when the shop has none. Items are checked
   (id, type, parent_id, manage_stock, stock_quantity, regular_price).
   Many SKUs go in filtered listings (see woo_catalog.c), a few one by
   one. Returns SL_OK, or the first failed call's error (SL_EREMOTE naming
   the field for a malformed answer; SL_EAUTH; SL_ERETRY ...). */
int woo_catalog_find_skus(woo_chan *ch, sl_ctx *ctx, json_t *skus, sl_error *err);
/* The same for products by id: the keys of `ids` are decimal ids; each
   value becomes the product (never a variation) or null. Used for the
   parents of variations whose stock is the parent's: a few by GET
   /products/{id}, more by include= listings. */
int woo_catalog_find_ids(woo_chan *ch, sl_ctx *ctx, json_t *ids, sl_error *err);

/* ---- plugin slots (one file each) ---------------------------------------- */

int woo_verify_webhook(void *state, sl_ctx *ctx, const sl_request *req, int *acknowledge_only,
                       sl_error *err);
int woo_parse_webhook(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err);
/* Reads the host's day-one keys (start_date, history) for the first poll. */
int woo_fetch_config(woo_chan *ch, sl_ctx *ctx, sl_error *err);
int woo_fetch_orders(void *state, sl_ctx *ctx, const char *cursor, sl_error *err);
int woo_push_stock(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err);
int woo_push_prices(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err);
int woo_list_taxes(void *state, sl_ctx *ctx, sl_error *err);
int woo_list_payment_methods(void *state, sl_ctx *ctx, sl_error *err);
int woo_list_shipping_methods(void *state, sl_ctx *ctx, sl_error *err);
int woo_report_status(void *state, sl_ctx *ctx, const char *external_id, const char *note,
                      const char *status, const char *idempotency_key, sl_error *err);
int woo_check_connection(void *state, sl_ctx *ctx, sl_error *err);

/* ---- woo_products.c ------------------------------------------------------ */

/* Slot fetch_products: every product and variation with SKU, name,
   parent, regular price and (where the store keeps it) stock. */
int woo_fetch_products(void *state, sl_ctx *ctx, sl_error *err);

#endif
