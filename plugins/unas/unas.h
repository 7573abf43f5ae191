/*
 * Internal contract of the UNAS connector (unas.so). UNAS speaks XML over
 * POST, one URL per function (/shop/login, /shop/getOrder ...), with a
 * bearer token from login that lives two hours, and it bans an IP for an
 * hour when an hourly call limit is broken. The plugin is split by concern:
 *   unas_plugin.c  table, channel config, check_connection
 *   unas_xml.c     UNAS's rules for the SDK's hardened XML reader (requests
 *                  are written with its XML writer, shopledger/xml.h)
 *   unas_time.c    Europe/Budapest wall time <-> UTC (also in the sandbox)
 *   unas_budget.c  rolling-hour call counters in channel state, ban memory
 *   unas_http.c    one API call: budget, token (login, cache, renew), errors
 *   unas_map.c     <Order> -> SDK order builder
 *   unas_fetch.c   fetch_orders; unas_push.c  push_stock / push_prices;
 *   unas_products.c fetch_products; unas_notes.c report_status
 * Nothing here is exported from the .so (hidden visibility + version map).
 */
#ifndef UNAS_H
#define UNAS_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/xml.h"

#include "shopledger/sdk.h"

#define UNAS_URL_MAX 256
#define UNAS_KEY_MAX 256
#define UNAS_MAX_BODY (32u << 20)   /* bytes of one XML answer we parse */
#define UNAS_MAX_REQUEST (4u << 20) /* bytes of one XML request we build */
#define UNAS_MAX_DEPTH 24           /* element nesting accepted in answers */
#define UNAS_MAX_ITEMS 1000         /* <Item>s of one order */
#define UNAS_MAX_PAGES 200          /* pages followed by one listing */
#define UNAS_BATCH_MAX 100          /* items per set call (cheap tier) */
#define UNAS_DEC_MAX 64             /* text of one decimal value */
#define UNAS_TOKEN_MAX 128
#define UNAS_TOKEN_MARGIN_MS (5LL * 60 * 1000) /* renew this early */
#define UNAS_TOKEN_LIFE_MS (2LL * 3600 * 1000)

/* Rate categories of the UNAS limits (api/unas.md §3). */
enum unas_rate {
    UNAS_RATE_ALL = 0,    /* every call (successful calls per hour) */
    UNAS_RATE_GET_MULTI,  /* getOrder/getStock/getProduct, many items */
    UNAS_RATE_GET_SINGLE, /* the same with one item */
    UNAS_RATE_SET,        /* setOrder/setStock/setProduct <= 100 items */
    UNAS_RATE_META,       /* getOrderStatus, getMethod */
    UNAS_RATE_LOGIN_FAIL, /* failed logins */
    UNAS_RATE_FAIL,       /* failed calls (reset by a success) */
    UNAS_RATE_COUNT
};

/* One open channel. Allocated by channel_open, freed by channel_close. */
typedef struct unas_chan {
    const sl_host *host;
    char base[UNAS_URL_MAX]; /* API base, e.g. https://api.unas.eu/shop */
    const char *api_key;     /* secret, borrowed until close */
    int vip;                 /* 1: VIP limits; 0: PREMIUM */
    int reserve_pct;         /* share of each limit never used, 5..50 */
    int invoiceable_only;    /* order_filter = invoiceable */
    int family_first;        /* names are "Family Given" (Hungarian) */
    int price_gross;         /* pushed/imported prices are gross */
    int page_size;           /* LimitNum of listings, 1..500 */
    int64_t overlap_ms;      /* TimeModStart overlap (whole seconds) */
    int test_mode;           /* read everything, write nothing */
    /* Copy of the plugin's state keys, used alone when the host has no
       store for this call (e.g. `plugin check`): token and counters then
       live for the channel's lifetime only. */
    struct {
        char key[16];
        char val[1024];
    } mem[4];
} unas_chan;

/* ---- unas_time.c ------------------------------------------------------- */

/* Offset of Europe/Budapest from UTC at the UTC instant t (seconds):
   3600, or 7200 from the last Sunday of March 01:00 UTC to the last
   Sunday of October 01:00 UTC (EU rule). */
int unas_budapest_offset(int64_t utc_s);
/* "YYYY.MM.DD HH:MM:SS" Budapest wall time -> UTC seconds. -1 when bad. */
int unas_local_parse(const char *text, int64_t *utc_s);
/* Ban message date "m.d.Y H:i:s" (e.g. 05.01.2024 15:00:00) -> UTC s. */
int unas_ban_date_parse(const char *text, int64_t *utc_s);
/* Formats UTC seconds as Budapest wall time: "YYYY.MM.DD HH:MM:SS" when
   ban_style is 0, "MM.DD.YYYY HH:MM:SS" when 1. buf holds 32 bytes. */
char *unas_local_format(int64_t utc_s, int ban_style, char *buf);

/* ---- unas_xml.c -------------------------------------------------------- */
/* UNAS's XML is read by the SDK's hardened reader (shopledger/xml.h,
   libsl_xml.a: sl_xml_child, sl_xml_next_same, sl_xml_path,
   sl_xml_path_text, sl_xml_count); what is UNAS's own is here. */

/* sl_xml_parse under UNAS's rules: at most max_len bytes, nesting at most
   UNAS_MAX_DEPTH, the root named `root` (NULL = any), anything that is
   not usable XML SL_EREMOTE. On success *out is a document the caller
   frees with xmlFreeDoc. */
int unas_xml_parse(const char *data, size_t len, size_t max_len, const char *root, xmlDocPtr *out,
                   sl_error *err);
/* Like sl_xml_path_text but a copy in the call arena (NULL when absent or
   out of memory). At most 64 KiB. */
const char *unas_text_dup(const sl_host *h, sl_ctx *ctx, const xmlNode *n, const char *path);

/* ---- unas_budget.c ----------------------------------------------------- */

/* Channel state through the host (state_get/state_put), falling back to
   the channel's in-memory copy when the host has no store for the call
   (SL_EUNSUPPORTED). *value is borrowed until the call returns or the
   next put of that key; NULL when absent. */
int unas_state_get(unas_chan *ch, sl_ctx *ctx, const char *key, const char **value);
int unas_state_put(unas_chan *ch, sl_ctx *ctx, const char *key, const char *value, sl_error *err);

/* The hourly limit of category `cat` for the channel's subscription. */
int unas_limit(const unas_chan *ch, int cat);
/* The part of the limit the plugin lets itself use (limit - reserve). */
int unas_usable(const unas_chan *ch, int cat);
/* Checks the ban memory and the rolling-hour counters, then counts one
   call in UNAS_RATE_ALL and in `cat` (-1 for none) before it is made, and
   persists the counters. SL_EBANNED while a ban lasts, SL_ERETRY with
   retry_after_ms when a counter is at its usable limit. */
int unas_budget_take(unas_chan *ch, sl_ctx *ctx, int cat, sl_error *err);
/* Records the outcome: ok resets the failure streak; a failure counts in
   UNAS_RATE_FAIL (and UNAS_RATE_LOGIN_FAIL when login is nonzero). */
int unas_budget_outcome(unas_chan *ch, sl_ctx *ctx, int ok, int login, sl_error *err);
/* Remembers a ban until `until_ms` (UTC ms) in channel state. */
int unas_budget_ban(unas_chan *ch, sl_ctx *ctx, int64_t until_ms, sl_error *err);
/* Rolling-hour count of `cat` as stored (for tests and logs). */
int unas_budget_count(unas_chan *ch, sl_ctx *ctx, int cat);

/* ---- unas_http.c ------------------------------------------------------- */

/* Calls /shop/{fn} with the XML body (NUL-terminated), counted in rate
   category `cat`, with the cached token (logging in when it is missing
   or about to expire, and once more after an auth refusal). On success
   *doc is the parsed answer whose root must be `root` (caller frees).
   Errors: SL_EBANNED (ban, retry_after_ms = its length), SL_ERETRY (rate
   budget, transport), SL_EAUTH (key refused), SL_EREMOTE (an <Error>). */
int unas_call(unas_chan *ch, sl_ctx *ctx, const char *fn, const char *body, int cat,
              const char *root, xmlDocPtr *doc, sl_error *err);
/* Drops the cached token (state) so the next call logs in. */
int unas_token_forget(unas_chan *ch, sl_ctx *ctx, sl_error *err);

/* ---- unas_map.c -------------------------------------------------------- */

/* Maps one <Order> and submits it. `raw` is stored verbatim. Orders the
   channel's order_filter excludes are skipped (*submitted 0). On success
   *modified_s is the order's DateMod in UTC seconds. */
int unas_order_submit(unas_chan *ch, sl_ctx *ctx, const xmlNode *order, const char *raw,
                      size_t raw_len, int *submitted, int64_t *modified_s, sl_error *err);
/* Decimal text rounded half-up to the currency's minor digits; negate
   flips the sign; absolute makes it non-negative. */
int unas_money_text(const char *in, const char *currency, int negate, char out[UNAS_DEC_MAX]);
/* amount * qty (decimal texts), rounded half-up to `exponent`, as text. */
int unas_money_times(const char *amount, const char *qty, int exponent, int64_t *out);
/* "27%" -> "27"; "5.5%" -> "5.5"; textual rates (AAM) -> 0 (no percent).
   Returns 1 when a percent was found. */
int unas_vat_percent(const char *vat, char out[UNAS_DEC_MAX]);

/* ---- plugin slots ------------------------------------------------------ */

int unas_fetch_orders(void *state, sl_ctx *ctx, const char *cursor, sl_error *err);
int unas_push_stock(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err);
int unas_push_prices(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err);
int unas_fetch_products(void *state, sl_ctx *ctx, sl_error *err);
int unas_report_status(void *state, sl_ctx *ctx, const char *external_id, const char *note,
                       const char *status, const char *idempotency_key, sl_error *err);
int unas_check_connection(void *state, sl_ctx *ctx, sl_error *err);

#endif
