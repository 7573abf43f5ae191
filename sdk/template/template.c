/*
 * Template connector: copy this file to start a connector for a new shop.
 *
 * It talks to an imaginary shop whose API is described in README.md beside
 * this file: GET {url}/orders?since=CURSOR returns a page of orders, and
 * the shop POSTs the same order object as a webhook, signed with
 * X-Signature = base64(HMAC-SHA256(webhook_secret, raw body)). Replace the
 * field names and the status table with your shop's; keep the structure.
 *
 * Rules every connector follows (sdk.h says them in full):
 *  - Memory: whoever allocates frees. Everything the host hands you during
 *    a call (HTTP responses, request bodies, state values) lives until your
 *    function returns; config values and secrets until channel_close. The
 *    host copies every string you pass in. Your own malloc()s (the channel
 *    state below, json_t trees) are yours to free.
 *  - Status codes: return SL_OK or a negative SL_E* and fill `err` with
 *    sl_error_set() naming the offending field. SL_ERETRY for what may pass
 *    later (the host retries), SL_EAUTH for credentials and signatures,
 *    SL_EINVALID for bad data, SL_EREMOTE when the shop said no.
 *  - Never print, never exit, never start a thread, never link your own
 *    libcurl: HTTP goes through host->http_*, logging through host->log.
 *  - Money is decimal text end to end: read it with sl_json_decimal and
 *    hand the text to the order builder. Never a double.
 */
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "shopledger/money.h"
#include "shopledger/options.h"
#include "shopledger/sdk.h"
#include "shopledger/sdkutil.h"

#define BODY_MAX (4u << 20) /* bytes of JSON we accept from the shop */
#define PAGE_MAX 500        /* orders per page; more is a broken shop */
#define URL_MAX 512

/* Per-channel state: malloc'd in channel_open, freed in channel_close.
   Keep everything here, never in globals: channels run concurrently. */
typedef struct tpl_state {
    const sl_host *host; /* valid while the channel is open */
    char url[URL_MAX];   /* base URL, no trailing slash */
} tpl_state;

/* The shop's status words mapped to the host's normalized vocabulary. */
static const char *normalize_status(const char *s)
{
    static const char *const map[][2] = {
        {"pending", SL_STATUS_AWAITING},    {"paid", SL_STATUS_CONFIRMED},
        {"packing", SL_STATUS_PREPARING},   {"shipped", SL_STATUS_SENT},
        {"delivered", SL_STATUS_DELIVERED}, {"refunded", SL_STATUS_RETURNED},
        {"cancelled", SL_STATUS_CANCELLED},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(s, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* The channel keys this connector reads: the host checks the INI section
   against this table (file and line in every error, unknown keys refused)
   and lists it in `config check`; sl_options_read fills tpl_state. */
static const sl_option TPL_OPTION_ROWS[] = {
    SL_OPT_URL("url", tpl_state, url, SL_OPT_REQUIRED, NULL, URL_MAX - 1,
               "the shop's API root, e.g. https://shop.example/api"),
    SL_OPT_SECRET_DECLARED("webhook_secret", 0, "HMAC key the shop signs webhooks with"),
};
static const sl_option_table TPL_OPTIONS = SL_OPTION_TABLE(TPL_OPTION_ROWS);

/* Your rules on top of the option table go in a settle function (the
   spec's last member: rules that span options, derived fields); this
   template has none. */
static const sl_channel_spec TPL_CHANNEL = {&TPL_OPTIONS, sizeof(tpl_state),
                                            offsetof(tpl_state, host), NULL};

static int tpl_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    return sl_channel_open(host, ctx, &TPL_CHANNEL, state, err);
}

/* The parts of one shop order we read, checked before anything is built. */
typedef struct tpl_order {
    char id[64], total[48], tax[48];
    char qty[24], line_total[48], line_tax[48];
    const char *status, *currency, *sku, *name, *email;
    int64_t created_ms;
} tpl_order;

/* Reads and validates one order object. On error nothing is built. */
static int read_order(const json_t *o, tpl_order *r, sl_error *err)
{
    json_t *item = NULL;
    int rc;
    r->email = NULL;
    r->created_ms = -1;
    if ((rc = sl_json_id(o, "id", 1, r->id, sizeof r->id, err)) ||
        (rc = sl_json_str(o, "status", 1, &r->status, err)) ||
        (rc = sl_json_str(o, "currency", 1, &r->currency, err)) ||
        (rc = sl_json_decimal(o, "total", 1, r->total, sizeof r->total, err)) ||
        (rc = sl_json_decimal(o, "total_tax", 1, r->tax, sizeof r->tax, err)) ||
        (rc = sl_json_str(o, "email", 0, &r->email, err)) ||
        (rc = sl_json_time(o, "created", 0, 0, &r->created_ms, err)) ||
        (rc = sl_json_object(o, "item", 1, &item, err)) ||
        (rc = sl_json_str(item, "sku", 1, &r->sku, err)) ||
        (rc = sl_json_str(item, "name", 1, &r->name, err)) ||
        (rc = sl_json_decimal(item, "quantity", 1, r->qty, sizeof r->qty, err)) ||
        (rc = sl_json_decimal(item, "total", 1, r->line_total, sizeof r->line_total, err)) ||
        (rc = sl_json_decimal(item, "tax", 1, r->line_tax, sizeof r->line_tax, err)))
        return rc;
    if (sl_currency_exponent(r->currency) < 0)
        return sl_error_set(err, SL_EINVALID, "currency", "unknown currency \"%.8s\"", r->currency);
    if (normalize_status(r->status) == NULL)
        return sl_error_set(err, SL_EINVALID, "status", "unknown status \"%.40s\"", r->status);
    return SL_OK;
}

/* Gives back an order we will not submit. order_discard came in host 1.1;
   an older host reclaims unsubmitted orders itself when the call returns. */
static void drop_order(const sl_host *h, sl_order *o)
{
    if (SL_HAS_FIELD(h, order_discard) && h->order_discard != NULL)
        h->order_discard(o);
}

/* Fills the order's header fields; the currency first, since money
   fields are parsed in it. Returns the first builder refusal. */
static int fill_header(const sl_host *h, sl_order *ord, const tpl_order *r, const char *raw,
                       size_t raw_len)
{
    int rc;
    if ((rc = h->order_set_text(ord, SL_ORDER_CURRENCY, r->currency)) ||
        (rc = h->order_set_text(ord, SL_ORDER_EXTERNAL_ID, r->id)) ||
        (rc = h->order_set_text(ord, SL_ORDER_STATUS, r->status)) ||
        (rc = h->order_set_text(ord, SL_ORDER_STATUS_NORMALIZED, normalize_status(r->status))) ||
        (rc = h->order_set_money(ord, SL_ORDER_TOTAL, r->total)) ||
        (rc = h->order_set_money(ord, SL_ORDER_TOTAL_TAX, r->tax)) ||
        (rc = h->order_set_raw(ord, raw, raw_len)))
        return rc;
    /* Optional fields: set only when the shop sent them. */
    if (r->email && (rc = h->order_set_text(ord, SL_ORDER_EMAIL, r->email)))
        return rc;
    if (r->created_ms >= 0)
        return h->order_set_time(ord, SL_ORDER_CREATED, r->created_ms);
    return SL_OK;
}

/* Adds the order's one product line. */
static int fill_line(const sl_host *h, sl_order *ord, const tpl_order *r)
{
    sl_line *l = h->order_add_line(ord, SL_LINE_PRODUCT);
    int rc;
    if (l == NULL)
        return SL_ENOMEM;
    if ((rc = h->line_set_text(l, SL_LINE_SKU, r->sku)) ||
        (rc = h->line_set_text(l, SL_LINE_NAME, r->name)) ||
        (rc = h->line_set_quantity(l, r->qty)) ||
        (rc = h->line_set_money(l, SL_LINE_TOTAL, r->line_total)) ||
        (rc = h->line_set_money(l, SL_LINE_TOTAL_TAX, r->line_tax)))
        return rc;
    return SL_OK;
}

/*
 * Builds one order with the host's builder and submits it. `raw` is the
 * shop's JSON for this order, stored verbatim beside the normal form.
 * order_submit takes the order in every case (success or not); an order
 * we give up on before that goes back with drop_order.
 */
static int submit_order(const sl_host *h, sl_ctx *ctx, const json_t *o, const char *raw,
                        size_t raw_len, sl_error *err)
{
    tpl_order r;
    int rc = read_order(o, &r, err);
    if (rc != SL_OK)
        return rc;
    sl_order *ord = h->order_new(ctx);
    if (ord == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "order_new failed");
    if ((rc = fill_header(h, ord, &r, raw, raw_len)) != SL_OK ||
        (rc = fill_line(h, ord, &r)) != SL_OK) {
        drop_order(h, ord);
        return sl_error_set(err, rc, "", "order %s: the host refused a field", r.id);
    }
    return h->order_submit(ctx, ord, err);
}

/* Our shop's answers outside 2xx: 401 and 403 are the credentials, any
   other the shop refusing (the host has already retried 429 and 5xx). A
   shop without such rules passes NULL to sl_http_send_2xx and gets the
   SDK's default map. */
static int shop_refused(void *host, const char *what, const sl_http_resp *resp, sl_error *err)
{
    const sl_host *h = host;
    int status = h->http_status(resp);
    int rc = status == 401 || status == 403 ? SL_EAUTH : SL_EREMOTE;
    return sl_http_fail(h, resp, rc, 0, what, NULL, err);
}

/* SL_CAP_FETCH_ORDERS: one page of orders since `cursor`, then the new
   cursor, which the host stores in the same transaction as the orders. */
static int tpl_fetch(void *state, sl_ctx *ctx, const char *cursor, sl_error *err)
{
    tpl_state *st = state;
    const sl_host *h = st->host;
    char url[URL_MAX + 16];
    snprintf(url, sizeof url, "%s/orders", st->url);
    sl_http_req *req = h->http_new(ctx, "GET", url);
    if (req == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "http_new failed");
    int rc = h->http_query(req, "since", cursor ? cursor : "");
    sl_http_resp *resp = NULL;
    if (rc == SL_OK) /* err filled on failure (SL_ERETRY: the host retries) */
        rc = sl_http_send_2xx(h, req, "GET /orders", shop_refused, (void *)h, &resp, err);
    if (rc != SL_OK)
        return rc;
    size_t len = 0;
    const char *body = h->http_resp_body(resp, &len);
    json_t *root = NULL, *orders = NULL;
    const char *next = NULL;
    if ((rc = sl_json_parse(body, len, BODY_MAX, &root, err)) != SL_OK)
        return rc;
    if ((rc = sl_json_array(root, "orders", 1, &orders, err)) == SL_OK &&
        (rc = sl_json_str(root, "next_cursor", 1, &next, err)) == SL_OK &&
        json_array_size(orders) > PAGE_MAX)
        rc = sl_error_set(err, SL_ETOOBIG, "orders", "more than %d orders", PAGE_MAX);
    for (size_t i = 0; rc == SL_OK && i < json_array_size(orders); i++) {
        json_t *o = json_array_get(orders, i);
        char *raw = json_dumps(o, JSON_COMPACT); /* ours: free below */
        rc = raw ? submit_order(h, ctx, o, raw, strlen(raw), err)
                 : sl_error_set(err, SL_ENOMEM, "orders", "json_dumps");
        free(raw);
    }
    if (rc == SL_OK)
        rc = h->cursor_commit(ctx, next, err);
    json_decref(root); /* `next` pointed into root: used before this */
    return rc;
}

/* The delivery's body within `max` bytes, and X-Signature checked against
   our HMAC of it (constant time) unless the host vouches for the body. */
static int read_delivery(const sl_host *h, sl_ctx *ctx, const sl_request *req, size_t max,
                         const char **body, size_t *len, sl_error *err)
{
    int rc = sl_webhook_body(h, req, max, body, len, err);
    if (rc != SL_OK)
        return rc;
    const char *secret = h->secret_get(ctx, "webhook_secret");
    sl_webhook_hmac how = {"X-Signature", "signature", secret && secret[0] ? secret : NULL,
                           "webhook_secret"};
    return sl_webhook_check_hmac(h, req, &how, *body, *len, err);
}

/* 1.4, beside SL_CAP_WEBHOOK: the signature alone. With it the host stores
   an authentic delivery that fails to parse as failed (answered 200, to be
   replayed) instead of refusing it; every signed body here is an order. */
static int tpl_verify(void *state, sl_ctx *ctx, const sl_request *req, int *acknowledge_only,
                      sl_error *err)
{
    tpl_state *st = state;
    const char *body;
    size_t len;
    *acknowledge_only = 0;
    /* the size is parse's to refuse: then the host keeps it as failed */
    return read_delivery(st->host, ctx, req, SIZE_MAX, &body, &len, err);
}

/* SL_CAP_WEBHOOK: one order per delivery, the same object as in a page. */
static int tpl_webhook(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err)
{
    tpl_state *st = state;
    const sl_host *h = st->host;
    const char *body;
    size_t len;
    int rc = read_delivery(h, ctx, req, BODY_MAX, &body, &len, err);
    if (rc != SL_OK)
        return rc;
    json_t *root = NULL;
    if ((rc = sl_json_parse(body, len, BODY_MAX, &root, err)) != SL_OK)
        return rc;
    rc = submit_order(h, ctx, root, body, len, err);
    json_decref(root);
    return rc;
}

static const sl_plugin PLUGIN = {
    SL_PLUGIN_HEAD,
    .min_host_minor = 0, /* we use no host slot newer than 1.0 */
    .name = "template",
    .version = "0.2.0",
    .description = "template connector (copy me)",
    .caps = SL_CAP_FETCH_ORDERS | SL_CAP_WEBHOOK,
    .channel_open = tpl_open,
    .channel_close = sl_channel_free,
    .fetch_orders = tpl_fetch,
    .parse_webhook = tpl_webhook,
    .options = &TPL_OPTIONS,      /* 1.3: read by hosts that know it */
    .verify_webhook = tpl_verify, /* 1.4: likewise */
    /* Every other slot stays NULL: the host never calls a capability the
       caps bits do not announce. check_connection (1.1) is optional. */
};

/* The one exported symbol (plugin.map hides everything else). */
SL_PLUGIN_ENTRY(PLUGIN)
