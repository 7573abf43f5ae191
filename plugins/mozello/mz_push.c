/*
 * Stock and price push by SKU (slots push_stock, push_prices),
 * api/mozello.md §5.
 *
 *  1. Read the shop's items once (mz_products_walk): products and
 *     variants by SKU with their current stock and regular price.
 *  2. Per SKU of the list: unknown -> SL_PUSH_NOT_FOUND; stock push to an
 *     item whose stock is null (not tracked; for a variant: inherited from
 *     the product) -> SL_PUSH_SKIPPED, never written; equal value ->
 *     SL_PUSH_UNCHANGED; test mode -> SL_PUSH_WOULD_WRITE.
 *  3. The rest goes through POST /store/products/batch_update_by_sku/
 *     (at most 1000 items a call), which matches products and variants by
 *     SKU and touches only the fields sent, so variant handles and stock
 *     history stay (we never send a `variants` array). A refused batch
 *     marks its items SL_PUSH_FAILED with Mozello's message.
 *  4. Per-item results are not documented (an unknown SKU may still get
 *     "error": false), so written items are confirmed by reading the
 *     items again: equal -> SL_PUSH_WRITTEN, else SL_PUSH_DRIFT.
 * Prices go out as JSON numbers printed from the exact decimal text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mozello.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

enum push_kind { PUSH_STOCK, PUSH_PRICE };

typedef struct push_item {
    const char *sku;
    char value[MZ_DEC_MAX]; /* normalized desired value */
} push_item;

typedef struct push_run {
    mz_chan *ch;
    sl_ctx *ctx;
    int kind;
    int exp;      /* 0 for stock; the currency's exponent for prices */
    json_t *shop; /* sku -> {"value": text|null, "variant": bool} */
    push_item *items;
    size_t n;
} push_run;

static void report(push_run *r, const char *sku, int outcome, const char *msg)
{
    r->ch->host->push_report(r->ctx, sku, outcome, msg);
}

/* Normalizes decimal text at r->exp into out; -1 when not valid. */
static int normalize(const push_run *r, const char *in, char *out)
{
    int64_t v = 0;
    if (in == NULL || sl_money_parse_round(in, r->exp, SL_ROUND_HALF_UP, &v))
        return -1;
    sl_money_format(v, r->exp, out);
    return 0;
}

/* mz_item_fn: records one shop item's current value (first SKU wins). */
static int remember(void *data, const mz_item *it, sl_error *err)
{
    push_run *r = data;
    (void)err;
    if (json_object_get(r->shop, it->sku) != NULL)
        return SL_OK;
    const char *src = r->kind == PUSH_STOCK ? it->stock : it->price;
    char norm[MZ_DEC_MAX];
    json_t *v = src[0] != '\0' && normalize(r, src, norm) == 0 ? json_string(norm) : json_null();
    json_object_set_new(r->shop, it->sku,
                        json_pack("{s:o, s:b}", "value", v, "variant", it->variant_handle != NULL));
    return SL_OK;
}

static int read_shop(push_run *r, sl_error *err)
{
    json_decref(r->shop);
    r->shop = json_object();
    if (r->shop == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    return mz_products_walk(r->ch, r->ctx, remember, r, err);
}

/* Decides one SKU of the list: reports it or queues a write. */
static void plan_one(push_run *r, const sl_stock_list *list, size_t i)
{
    const sl_host *h = r->ch->host;
    const char *sku = h->stock_sku(list, i);
    const char *want = r->kind == PUSH_STOCK ? h->stock_quantity(list, i) : h->stock_price(list, i);
    char norm[MZ_DEC_MAX];
    if (sku == NULL || *sku == '\0')
        return;
    if (want == NULL) {
        report(r, sku, SL_PUSH_SKIPPED, "no value to push");
        return;
    }
    if (normalize(r, want, norm) != 0 || norm[0] == '-') {
        report(r, sku, SL_PUSH_FAILED,
               r->kind == PUSH_STOCK ? "quantity is not a whole number >= 0"
                                     : "price is not valid in the currency");
        return;
    }
    json_t *item = json_object_get(r->shop, sku);
    json_t *have = json_object_get(item, "value");
    if (item == NULL) {
        report(r, sku, SL_PUSH_NOT_FOUND, "no product or variant has this SKU");
    } else if (r->kind == PUSH_STOCK && json_is_null(have)) {
        report(r, sku, SL_PUSH_SKIPPED,
               json_is_true(json_object_get(item, "variant"))
                   ? "variant stock is null: the product's stock applies"
                   : "stock is null: not tracked in the shop");
    } else if (json_is_string(have) && strcmp(json_string_value(have), norm) == 0) {
        report(r, sku, SL_PUSH_UNCHANGED, NULL);
    } else if (r->ch->test_mode) {
        report(r, sku, SL_PUSH_WOULD_WRITE, NULL);
    } else {
        r->items[r->n].sku = sku;
        memcpy(r->items[r->n].value, norm, sizeof norm);
        r->n++;
    }
}

/* {"products":[{"sku":"X","stock":N}...]} for items [from, to). The
   value is printed from its decimal text: a JSON number, never a double. */
static char *batch_body(const push_run *r, size_t from, size_t to)
{
    size_t cap = 64 + (to - from) * (MZ_DEC_MAX + 32), used = 0;
    for (size_t i = from; i < to; i++)
        cap += 6 * strlen(r->items[i].sku);
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    used += (size_t)snprintf(buf, cap, "{\"products\":[");
    for (size_t i = from; i < to; i++) {
        json_t *s = json_string(r->items[i].sku);
        char *sku = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
        json_decref(s);
        if (sku == NULL) {
            free(buf);
            return NULL;
        }
        used += (size_t)snprintf(buf + used, cap - used, "%s{\"sku\":%s,\"%s\":%s}",
                                 i > from ? "," : "", sku,
                                 r->kind == PUSH_STOCK ? "stock" : "price", r->items[i].value);
        free(sku);
    }
    snprintf(buf + used, cap - used, "]}");
    return buf;
}

/* Sends every queued write; a refused batch fails its items. Returns an
   error only when the whole push must stop (auth, throttle, transport). */
static int send_all(push_run *r, int *failed, sl_error *err)
{
    for (size_t from = 0; from < r->n; from += MZ_BATCH_MAX) {
        size_t to = r->n - from > MZ_BATCH_MAX ? from + MZ_BATCH_MAX : r->n;
        char *body = batch_body(r, from, to);
        if (body == NULL)
            return sl_error_set(err, SL_ENOMEM, "", "cannot build batch");
        json_t *ans = NULL;
        sl_error e = {.size = sizeof e};
        int rc = mz_call(r->ch, r->ctx, "POST", "/store/products/batch_update_by_sku/", NULL, body,
                         &ans, &e);
        free(body);
        json_decref(ans);
        if (rc == SL_EREMOTE) {
            for (size_t i = from; i < to; i++) {
                report(r, r->items[i].sku, SL_PUSH_FAILED, e.message);
                failed[i] = 1;
            }
        } else if (rc != SL_OK) {
            *err = e;
            return rc;
        }
    }
    return SL_OK;
}

/* Reads the shop again and reports each sent item. */
static int confirm(push_run *r, const int *failed, sl_error *err)
{
    int rc = read_shop(r, err);
    if (rc != SL_OK)
        return rc;
    for (size_t i = 0; i < r->n; i++) {
        if (failed[i])
            continue;
        json_t *item = json_object_get(r->shop, r->items[i].sku);
        const char *have = json_string_value(json_object_get(item, "value"));
        char msg[160];
        int outcome = sl_push_read_back(r->items[i].value, have, msg, sizeof msg);
        report(r, r->items[i].sku, outcome, msg[0] ? msg : NULL);
    }
    return SL_OK;
}

static int push(void *state, sl_ctx *ctx, const sl_stock_list *list, int kind, sl_error *err)
{
    mz_chan *ch = state;
    size_t count;
    int exp;
    int rc = sl_push_begin(ch->host, list, kind == PUSH_PRICE, &count, &exp, err);
    if (rc != SL_OK)
        return rc;
    push_run r = {.ch = ch, .ctx = ctx, .kind = kind, .exp = exp};
    r.items = calloc(count ? count : 1, sizeof *r.items);
    int *failed = calloc(count ? count : 1, sizeof *failed);
    rc = r.items && failed ? read_shop(&r, err) : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    for (size_t i = 0; rc == SL_OK && i < count; i++)
        plan_one(&r, list, i);
    if (rc == SL_OK && r.n > 0)
        rc = send_all(&r, failed, err);
    if (rc == SL_OK && r.n > 0)
        rc = confirm(&r, failed, err);
    json_decref(r.shop);
    free(r.items);
    free(failed);
    return rc;
}

int mz_push_stock(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err)
{
    return push(state, ctx, list, PUSH_STOCK, err);
}

int mz_push_prices(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err)
{
    return push(state, ctx, list, PUSH_PRICE, err);
}
