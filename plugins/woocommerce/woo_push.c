/*
 * Stock and price push by SKU (slots push_stock, push_prices).
 *
 * A real store spends ~62 ms per product in a batch and fires a
 * product.updated webhook for each write, so we write only what changed:
 *  1. resolve every SKU with GET /products?sku=X (recent stores also find
 *     variations, type "variation" with parent_id), cached within the call;
 *  2. stock goes only to items with manage_stock true; a variation with
 *     manage_stock "parent" sends its stock to the parent product (once per
 *     parent); manage_stock false -> SL_PUSH_SKIPPED; unknown -> NOT_FOUND;
 *     prices go to the item itself (regular_price lives on the variation
 *     even when its stock lives on the parent) when it manages stock;
 *  3. equal current values -> SL_PUSH_UNCHANGED;
 *  4. the rest is written in batches of at most 100 (/products/batch, and
 *     /products/{parent}/variations/batch per parent); a per-item error in
 *     the answer -> SL_PUSH_FAILED with its message; the value read back
 *     from the answer is compared -> SL_PUSH_WRITTEN or SL_PUSH_DRIFT.
 * In test mode nothing is written: changed items -> SL_PUSH_WOULD_WRITE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "woo.h"

#define WOO_PUSH_MAX 100000 /* SKUs in one push */

enum push_kind { PUSH_STOCK, PUSH_PRICE };

/* One write to make. parent == 0: a product; else a variation of parent. */
typedef struct push_item {
    const char *sku;
    int64_t id;
    int64_t parent;
    char value[WOO_DEC_MAX]; /* desired: integer stock or price text */
    int done;
} push_item;

typedef struct push_run {
    woo_chan *ch;
    sl_ctx *ctx;
    const sl_stock_list *list;
    int kind;
    int exponent; /* of the list's currency (prices) */
    push_item *items;
    size_t n;
    json_t *targets; /* id -> sku already pushed, for "once" */
} push_run;

static void report(push_run *r, const char *sku, int outcome, const char *msg)
{
    r->ch->host->push_report(r->ctx, sku, outcome, msg);
}

/* GET /products?sku=X; *out is the exact-SKU match or NULL. */
static int lookup_sku(push_run *r, const char *sku, json_t **out,
                      sl_error *err)
{
    woo_call c;
    woo_call_init(&c, "GET", "/products");
    int rc = woo_call_param(&c, r->ch, r->ctx, "sku", sku, err);
    json_t *arr = NULL, *it;
    if (rc == SL_OK)
        rc = woo_call_send(r->ch, r->ctx, &c, &arr, NULL, err);
    if (rc != SL_OK)
        return rc;
    size_t i;
    *out = NULL;
    json_array_foreach(arr, i, it)
    {
        const char *s = NULL;
        if (sl_json_str(it, "sku", 0, &s, NULL) == SL_OK && s != NULL &&
            strcmp(s, sku) == 0) {
            *out = json_incref(it);
            break;
        }
    }
    json_decref(arr);
    return SL_OK;
}

/* GET /products/{id} (the parent of a manage_stock "parent" variation). */
static int get_product(push_run *r, int64_t id, json_t **out, sl_error *err)
{
    woo_call c;
    char path[64];
    snprintf(path, sizeof path, "/products/%lld", (long long)id);
    woo_call_init(&c, "GET", path);
    int rc = woo_call_send(r->ch, r->ctx, &c, out, NULL, err);
    if (rc == SL_OK && !json_is_object(*out)) {
        json_decref(*out);
        return sl_error_set(err, SL_EREMOTE, "body", "GET %s: not an object",
                            path);
    }
    return rc;
}

/* Normalized text of the remote's current value ("" when unset). */
static void current_value(const push_run *r, const json_t *p, char *out)
{
    char dec[WOO_DEC_MAX] = "";
    out[0] = '\0';
    const char *key = r->kind == PUSH_STOCK ? "stock_quantity" : "regular_price";
    if (sl_json_decimal(p, key, 0, dec, sizeof dec, NULL) != SL_OK ||
        dec[0] == '\0')
        return;
    int64_t v = 0;
    int exp = r->kind == PUSH_STOCK ? 0 : r->exponent;
    if (sl_money_parse_round(dec, exp, SL_ROUND_HALF_UP, &v) == SL_OK)
        sl_money_format(v, exp, out);
}

/* The desired value of list item i as normalized text, or an error text. */
static int desired_value(push_run *r, size_t i, char *out, const char **why)
{
    const sl_host *h = r->ch->host;
    const char *v = r->kind == PUSH_STOCK ? h->stock_quantity(r->list, i)
                                          : h->stock_price(r->list, i);
    int64_t m = 0;
    if (v == NULL) {
        *why = "no value to push";
        return SL_PUSH_SKIPPED;
    }
    int exp = r->kind == PUSH_STOCK ? 0 : r->exponent;
    if (sl_money_parse(v, exp, &m) != SL_OK || (r->kind == PUSH_PRICE && m < 0)) {
        *why = r->kind == PUSH_STOCK ? "quantity is not a whole number"
                                     : "price is not valid in the currency";
        return SL_PUSH_FAILED;
    }
    sl_money_format(m, exp, out);
    return SL_OK;
}

/* Resolves which remote object receives the value; reports and returns 0
   when the SKU needs no write. */
static int resolve_target(push_run *r, const char *sku, json_t *p,
                          push_item *it, json_t **shown, sl_error *err)
{
    int64_t id = 0, parent = 0;
    const char *type = "";
    json_t *ms = json_object_get(p, "manage_stock");
    sl_json_int(p, "id", 1, &id, NULL);
    sl_json_str(p, "type", 0, &type, NULL);
    if (strcmp(type, "variation") == 0)
        sl_json_int(p, "parent_id", 0, &parent, NULL);
    *shown = json_incref(p);
    if (json_is_string(ms) && strcmp(json_string_value(ms), "parent") == 0 &&
        r->kind == PUSH_STOCK && parent > 0) {
        json_decref(*shown);
        *shown = NULL;
        int rc = get_product(r, parent, shown, err);
        if (rc != SL_OK)
            return rc;
        id = parent, parent = 0;
        ms = json_object_get(*shown, "manage_stock");
    } else if (json_is_string(ms) && strcmp(json_string_value(ms), "parent") == 0) {
        ms = json_true(); /* price of a variation whose stock is the parent's */
    }
    if (!json_is_true(ms)) {
        report(r, sku, SL_PUSH_SKIPPED, "manage_stock is off in the shop");
        return 0;
    }
    it->id = id;
    it->parent = parent;
    return 1;
}

/* Decides one SKU: reports it or appends a write to r->items. */
static int plan_one(push_run *r, size_t i, json_t *cache, sl_error *err)
{
    const sl_host *h = r->ch->host;
    const char *sku = h->stock_sku(r->list, i);
    char want[WOO_DEC_MAX], have[WOO_DEC_MAX], key[32];
    const char *why = NULL;
    if (sku == NULL || *sku == '\0')
        return SL_OK;
    int out = desired_value(r, i, want, &why);
    if (out != SL_OK) {
        report(r, sku, out, why);
        return SL_OK;
    }
    json_t *p = json_object_get(cache, sku);
    if (p == NULL) {
        int rc = lookup_sku(r, sku, &p, err);
        if (rc != SL_OK)
            return rc;
        json_object_set(cache, sku, p ? p : json_null()); /* keeps our ref */
    } else {
        json_incref(p);
    }
    if (p == NULL || json_is_null(p)) {
        json_decref(p);
        report(r, sku, SL_PUSH_NOT_FOUND, "no product or variation has this SKU");
        return SL_OK;
    }
    push_item *it = &r->items[r->n];
    json_t *shown = NULL;
    int rc = resolve_target(r, sku, p, it, &shown, err);
    json_decref(p);
    if (rc <= 0) {
        json_decref(shown);
        return rc;
    }
    current_value(r, shown, have);
    json_decref(shown);
    snprintf(key, sizeof key, "%lld", (long long)it->id);
    json_t *prev = json_object_get(r->targets, key);
    if (prev != NULL) {
        char msg[160];
        snprintf(msg, sizeof msg, "same shop item as SKU %s, pushed once",
                 json_string_value(prev));
        report(r, sku, SL_PUSH_SKIPPED, msg);
        return SL_OK;
    }
    json_object_set_new(r->targets, key, json_string(sku));
    if (strcmp(have, want) == 0) {
        report(r, sku, SL_PUSH_UNCHANGED, NULL);
        return SL_OK;
    }
    if (r->ch->test_mode) {
        report(r, sku, SL_PUSH_WOULD_WRITE, NULL);
        return SL_OK;
    }
    it->sku = sku;
    memcpy(it->value, want, sizeof want);
    r->n++;
    return SL_OK;
}

/* One update entry: {"id":N, "stock_quantity":Q} or {"id":N,"regular_price":"P"}. */
static json_t *update_entry(const push_run *r, const push_item *it)
{
    if (r->kind == PUSH_PRICE)
        return json_pack("{s:I, s:s}", "id", (json_int_t)it->id,
                         "regular_price", it->value);
    int64_t q = 0;
    sl_money_parse(it->value, 0, &q);
    return json_pack("{s:I, s:I}", "id", (json_int_t)it->id, "stock_quantity",
                     (json_int_t)q);
}

/* Reports one element of a batch answer for item it. */
static void read_back(push_run *r, push_item *it, const json_t *ans)
{
    json_t *e = json_object_get(ans, "error");
    if (e != NULL) {
        const char *code = "", *msg = "";
        sl_json_str(e, "code", 0, &code, NULL);
        sl_json_str(e, "message", 0, &msg, NULL);
        char text[200];
        snprintf(text, sizeof text, "%s: %s", code, msg);
        report(r, it->sku, SL_PUSH_FAILED, text);
    } else {
        char have[WOO_DEC_MAX];
        current_value(r, ans, have);
        if (strcmp(have, it->value) == 0) {
            report(r, it->sku, SL_PUSH_WRITTEN, NULL);
        } else {
            char text[160];
            snprintf(text, sizeof text, "wrote %s, shop shows %s", it->value,
                     have[0] ? have : "nothing");
            report(r, it->sku, SL_PUSH_DRIFT, text);
        }
    }
    it->done = 1;
}

/* Sends up to WOO_BATCH_MAX pending items that share `parent`. */
static int send_batch(push_run *r, int64_t parent, sl_error *err)
{
    push_item *batch[WOO_BATCH_MAX];
    size_t nb = 0;
    json_t *upd = json_array();
    for (size_t i = 0; i < r->n && nb < WOO_BATCH_MAX; i++)
        if (!r->items[i].done && r->items[i].parent == parent) {
            batch[nb++] = &r->items[i];
            json_array_append_new(upd, update_entry(r, &r->items[i]));
        }
    char path[80];
    if (parent == 0)
        snprintf(path, sizeof path, "/products/batch");
    else
        snprintf(path, sizeof path, "/products/%lld/variations/batch",
                 (long long)parent);
    json_t *body_obj = json_pack("{s:o}", "update", upd);
    char *body = body_obj ? json_dumps(body_obj, JSON_COMPACT) : NULL;
    json_decref(body_obj);
    if (body == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "cannot build batch");
    woo_call c;
    woo_call_init(&c, "POST", path);
    c.body = body;
    c.body_len = strlen(body);
    json_t *ans = NULL;
    int rc = woo_call_send(r->ch, r->ctx, &c, &ans, NULL, err);
    free(body);
    if (rc != SL_OK)
        return rc;
    json_t *list = json_object_get(ans, "update");
    for (size_t k = 0; k < nb; k++) {
        json_t *a = json_array_get(list, k);
        int64_t aid = -1;
        if (a == NULL || sl_json_int(a, "id", 0, &aid, NULL) != SL_OK ||
            (aid != batch[k]->id && json_object_get(a, "error") == NULL)) {
            report(r, batch[k]->sku, SL_PUSH_FAILED,
                   "the batch answer has no entry for this item");
            batch[k]->done = 1;
        } else {
            read_back(r, batch[k], a);
        }
    }
    json_decref(ans);
    return SL_OK;
}

/* Sends every pending write, grouped by parent, 100 per request. */
static int send_all(push_run *r, sl_error *err)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->items[i].done)
            continue;
        int rc = send_batch(r, r->items[i].parent, err);
        if (rc != SL_OK)
            return rc;
        i = (size_t)-1; /* rescan: the batch marked its items done */
    }
    return SL_OK;
}

static int push(void *state, sl_ctx *ctx, const sl_stock_list *list, int kind,
                sl_error *err)
{
    woo_chan *ch = state;
    const sl_host *h = ch->host;
    size_t count = h->stock_count(list);
    if (count > WOO_PUSH_MAX)
        return sl_error_set(err, SL_ETOOBIG, "list", "%zu SKUs in one push",
                            count);
    push_run r = {.ch = ch, .ctx = ctx, .list = list, .kind = kind};
    if (kind == PUSH_PRICE) {
        const char *cur = h->stock_currency(list);
        r.exponent = cur ? sl_currency_exponent(cur) : -1;
        if (r.exponent < 0)
            return sl_error_set(err, SL_EINVALID, "currency",
                                "price list currency is unknown");
    }
    r.items = calloc(count ? count : 1, sizeof *r.items);
    json_t *cache = json_object();
    r.targets = json_object();
    int rc = (r.items && cache && r.targets)
                 ? SL_OK
                 : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    for (size_t i = 0; rc == SL_OK && i < count; i++)
        rc = plan_one(&r, i, cache, err);
    if (rc == SL_OK)
        rc = send_all(&r, err);
    json_decref(cache);
    json_decref(r.targets);
    free(r.items);
    return rc;
}

int woo_push_stock(void *state, sl_ctx *ctx, const sl_stock_list *list,
                   sl_error *err)
{
    return push(state, ctx, list, PUSH_STOCK, err);
}

int woo_push_prices(void *state, sl_ctx *ctx, const sl_stock_list *list,
                    sl_error *err)
{
    return push(state, ctx, list, PUSH_PRICE, err);
}
