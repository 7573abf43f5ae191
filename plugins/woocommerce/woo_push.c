/*
 * Stock and price push by SKU (slots push_stock, push_prices).
 *
 * A real store spends ~62 ms per product in a batch and fires a
 * product.updated webhook for each write, so we write only what changed:
 *  1. find the shop's item of every SKU before deciding anything
 *     (woo_catalog.c): a few SKUs with GET /products?sku=X each, more in
 *     filtered listings of up to 100 SKUs (recent stores also find
 *     variations, type "variation" with parent_id); the parents of
 *     variations with manage_stock "parent" likewise, in one go;
 *  2. stock goes only to items with manage_stock true; variations with
 *     manage_stock "parent" share the parent's one number, so the parent
 *     gets the SUM of those variations' quantities in the list (the host
 *     lists every sibling when one changed) and each of them is reported
 *     with the parent's outcome; manage_stock false -> SL_PUSH_SKIPPED;
 *     unknown -> NOT_FOUND;
 *     prices go to the item itself (regular_price lives on the variation
 *     even when its stock lives on the parent), whether or not it manages
 *     stock (gift cards and services have prices, not stock);
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

enum push_kind { PUSH_STOCK, PUSH_PRICE };

/* One write to make. parent == 0: a product; else a variation of parent. */
typedef struct push_item {
    const char *sku;
    int64_t id;
    int64_t parent;
    char value[WOO_DEC_MAX]; /* desired: integer stock or price text */
    int done;
    const json_t *shared; /* parent stock: the SKUs of the variations that
                             share it (borrowed from push_run.groups), or
                             NULL for an item of its own */
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
    json_t *found;   /* sku -> the shop's item, or null (not found) */
    json_t *parents; /* id -> parent product of "parent" variations */
    json_t *groups;  /* parent id -> {"sum": int, "skus": [..]} (stock) */
} push_run;

static void report(push_run *r, const char *sku, int outcome, const char *msg)
{
    r->ch->host->push_report(r->ctx, sku, outcome, msg);
}

/* Reports an item's outcome: for parent stock, once per variation that
   shares it. */
static void report_item(push_run *r, const push_item *it, int outcome, const char *msg)
{
    if (it->shared == NULL) {
        report(r, it->sku, outcome, msg);
        return;
    }
    size_t i;
    const json_t *v;
    json_array_foreach(it->shared, i, v) report(r, json_string_value(v), outcome, msg);
}

/* Normalized text of the remote's current value ("" when unset). */
static void current_value(const push_run *r, const json_t *p, char *out)
{
    char dec[WOO_DEC_MAX] = "";
    out[0] = '\0';
    const char *key = r->kind == PUSH_STOCK ? "stock_quantity" : "regular_price";
    if (sl_json_decimal(p, key, 0, dec, sizeof dec, NULL) != SL_OK || dec[0] == '\0')
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
    const char *v =
        r->kind == PUSH_STOCK ? h->stock_quantity(r->list, i) : h->stock_price(r->list, i);
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

/* manage_stock is the string "parent": the variation's stock is its parent's. */
static int stock_on_parent(const json_t *p)
{
    json_t *ms = json_object_get(p, "manage_stock");
    return json_is_string(ms) && strcmp(json_string_value(ms), "parent") == 0;
}

/* The parent product whose stock a variation item follows (stock push
   only), as a decimal id in key; 0 when the item keeps its own. */
static int64_t stock_parent(const push_run *r, const json_t *p, char key[32])
{
    int64_t parent = 0;
    const char *type = "";
    sl_json_str(p, "type", 0, &type, NULL);
    if (r->kind != PUSH_STOCK || strcmp(type, "variation") != 0 || !stock_on_parent(p))
        return 0;
    sl_json_int(p, "parent_id", 0, &parent, NULL);
    snprintf(key, 32, "%lld", (long long)parent);
    return parent;
}

/* Resolves which remote object receives the value; reports and returns 0
   when the SKU needs no write. *shown is borrowed from r->found/parents. */
static int resolve_target(push_run *r, const char *sku, const json_t *p, push_item *it,
                          const json_t **shown)
{
    int64_t id = 0, parent = 0;
    const char *type = "";
    char key[32];
    json_t *ms = json_object_get(p, "manage_stock");
    sl_json_int(p, "id", 1, &id, NULL);
    sl_json_str(p, "type", 0, &type, NULL);
    if (strcmp(type, "variation") == 0)
        sl_json_int(p, "parent_id", 0, &parent, NULL);
    *shown = p;
    if (stock_parent(r, p, key) > 0) {
        *shown = json_object_get(r->parents, key);
        if (json_is_null(*shown) || *shown == NULL) {
            char msg[96];
            snprintf(msg, sizeof msg,
                     "parent product %s of this variation "
                     "is not a product",
                     key);
            report(r, sku, SL_PUSH_FAILED, msg);
            return 0;
        }
        id = parent, parent = 0;
        ms = json_object_get(*shown, "manage_stock");
    } else if (stock_on_parent(p)) {
        ms = json_true(); /* price of a variation whose stock is the parent's */
    }
    if (r->kind == PUSH_PRICE && strcmp(type, "variable") == 0) {
        report(r, sku, SL_PUSH_SKIPPED,
               "a variable product's price is its variations' (WooCommerce shows none)");
        return 0;
    }
    /* Stock and price are separate decisions: a gift card, a service or a
       download (manage_stock false) keeps no stock but has a price. */
    if (r->kind == PUSH_STOCK && !json_is_true(ms)) {
        report(r, sku, SL_PUSH_SKIPPED, "manage_stock is off in the shop");
        return 0;
    }
    it->id = id;
    it->parent = parent;
    return 1;
}

/* Compares an item's desired value with the shop's and reports it or
   appends the write to r->items. */
static void decide(push_run *r, push_item *it, const json_t *shown, const char *want)
{
    char have[WOO_DEC_MAX];
    current_value(r, shown, have);
    if (strcmp(have, want) == 0) {
        report_item(r, it, SL_PUSH_UNCHANGED, NULL);
        return;
    }
    if (r->ch->test_mode) {
        report_item(r, it, SL_PUSH_WOULD_WRITE, NULL);
        return;
    }
    snprintf(it->value, sizeof it->value, "%s", want);
    r->n++;
}

/* Adds a "parent" variation's quantity to its parent's group; the group
   is decided once every SKU is planned (decide_groups). */
static void join_group(push_run *r, const char *sku, int64_t parent, const char *want)
{
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)parent);
    json_t *g = json_object_get(r->groups, key);
    if (g == NULL) {
        g = json_pack("{s:I, s:[]}", "sum", (json_int_t)0, "skus");
        json_object_set_new(r->groups, key, g);
    }
    int64_t q = 0;
    sl_money_parse(want, 0, &q);
    json_object_set_new(g, "sum", json_integer(json_integer_value(json_object_get(g, "sum")) + q));
    json_array_append_new(json_object_get(g, "skus"), json_string(sku));
}

/* Decides one SKU: reports it, appends a write to r->items, or (stock of
   a "parent" variation) adds it to its parent's group. */
static void plan_one(push_run *r, size_t i)
{
    const sl_host *h = r->ch->host;
    const char *sku = h->stock_sku(r->list, i);
    char want[WOO_DEC_MAX], key[32];
    const char *why = NULL;
    if (sku == NULL || *sku == '\0')
        return;
    int out = desired_value(r, i, want, &why);
    if (out != SL_OK) {
        report(r, sku, out, why);
        return;
    }
    const json_t *p = json_object_get(r->found, sku);
    if (p == NULL || json_is_null(p)) {
        report(r, sku, SL_PUSH_NOT_FOUND, "no product or variation has this SKU");
        return;
    }
    push_item *it = &r->items[r->n];
    const json_t *shown = NULL;
    if (!resolve_target(r, sku, p, it, &shown))
        return;
    if (stock_parent(r, p, key) > 0) {
        join_group(r, sku, it->id, want);
        return;
    }
    snprintf(key, sizeof key, "%lld", (long long)it->id);
    json_t *prev = json_object_get(r->targets, key);
    if (prev != NULL) {
        char msg[160];
        snprintf(msg, sizeof msg, "same shop item as SKU %s, pushed once", json_string_value(prev));
        report(r, sku, SL_PUSH_SKIPPED, msg);
        return;
    }
    json_object_set_new(r->targets, key, json_string(sku));
    it->sku = sku;
    it->shared = NULL;
    decide(r, it, shown, want);
}

/* Decides each parent whose stock its "parent" variations share: the sum
   of their quantities, unless the parent's own SKU was pushed already (the
   ledger keeps the parent's own number then, and it wins). */
static void decide_groups(push_run *r)
{
    const char *key;
    json_t *g;
    json_object_foreach(r->groups, key, g)
    {
        const json_t *skus = json_object_get(g, "skus");
        const json_t *prev = json_object_get(r->targets, key);
        if (prev != NULL) {
            char msg[160];
            snprintf(msg, sizeof msg, "the parent's stock comes from its own SKU %s",
                     json_string_value(prev));
            size_t i;
            const json_t *v;
            json_array_foreach(skus, i, v) report(r, json_string_value(v), SL_PUSH_SKIPPED, msg);
            continue;
        }
        push_item *it = &r->items[r->n];
        char want[WOO_DEC_MAX];
        snprintf(want, sizeof want, "%lld",
                 (long long)json_integer_value(json_object_get(g, "sum")));
        it->id = strtoll(key, NULL, 10);
        it->parent = 0;
        it->sku = json_string_value(json_array_get(skus, 0));
        it->shared = skus;
        decide(r, it, json_object_get(r->parents, key), want);
    }
}

/* Finds the shop's items of every SKU that has a value to push, then the
   parents whose stock "parent" variations follow: before any decision, so
   the lookups can go in listings (woo_catalog.c) rather than one by one. */
static int find_items(push_run *r, size_t count, sl_error *err)
{
    const sl_host *h = r->ch->host;
    char want[WOO_DEC_MAX], key[32];
    const char *why = NULL, *sku;
    json_t *p;
    for (size_t i = 0; i < count; i++) {
        sku = h->stock_sku(r->list, i);
        if (sku != NULL && *sku != '\0' && desired_value(r, i, want, &why) == SL_OK)
            json_object_set(r->found, sku, json_null());
    }
    int rc = woo_catalog_find_skus(r->ch, r->ctx, r->found, err);
    if (rc != SL_OK)
        return rc;
    json_object_foreach(r->found, sku, p)
    {
        if (json_is_object(p) && stock_parent(r, p, key) > 0)
            json_object_set(r->parents, key, json_null());
    }
    return json_object_size(r->parents) > 0 ? woo_catalog_find_ids(r->ch, r->ctx, r->parents, err)
                                            : SL_OK;
}

/* One update entry: {"id":N, "stock_quantity":Q} or {"id":N,"regular_price":"P"}. */
static json_t *update_entry(const push_run *r, const push_item *it)
{
    if (r->kind == PUSH_PRICE)
        return json_pack("{s:I, s:s}", "id", (json_int_t)it->id, "regular_price", it->value);
    int64_t q = 0;
    sl_money_parse(it->value, 0, &q);
    return json_pack("{s:I, s:I}", "id", (json_int_t)it->id, "stock_quantity", (json_int_t)q);
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
        report_item(r, it, SL_PUSH_FAILED, text);
    } else {
        char have[WOO_DEC_MAX], text[160];
        current_value(r, ans, have);
        int outcome = sl_push_read_back(it->value, have, text, sizeof text);
        report_item(r, it, outcome, text[0] ? text : NULL);
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
        snprintf(path, sizeof path, "/products/%lld/variations/batch", (long long)parent);
    json_t *body_obj = json_pack("{s:o}", "update", upd);
    char *body = body_obj ? json_dumps(body_obj, JSON_COMPACT) : NULL;
    json_decref(body_obj);
    if (body == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "cannot build batch");
    woo_call c;
    woo_call_init(&c, "POST", path);
    c.answer = WOO_ANSWER_OBJECT;
    c.body = body;
    c.body_len = strlen(body);
    json_t *ans = NULL;
    int rc = woo_call_send(r->ch, r->ctx, &c, &ans, NULL, err);
    free(body);
    if (rc != SL_OK)
        return rc;
    json_t *list = json_object_get(ans, "update");
    if (!json_is_array(list)) { /* not the store's batch answer: nothing is known */
        json_decref(ans);
        return sl_error_set(err, SL_ERETRY, "update",
                            "POST %s: HTTP 200 but the answer has no \"update\" list", path);
    }
    for (size_t k = 0; k < nb; k++) {
        json_t *a = json_array_get(list, k);
        int64_t aid = -1;
        if (a == NULL || sl_json_int(a, "id", 0, &aid, NULL) != SL_OK ||
            (aid != batch[k]->id && json_object_get(a, "error") == NULL)) {
            report_item(r, batch[k], SL_PUSH_FAILED, "the batch answer has no entry for this item");
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

static int push(void *state, sl_ctx *ctx, const sl_stock_list *list, int kind, sl_error *err)
{
    woo_chan *ch = state;
    size_t count;
    int exponent;
    int rc = sl_push_begin(ch->host, list, kind == PUSH_PRICE, &count, &exponent, err);
    if (rc != SL_OK)
        return rc;
    push_run r = {.ch = ch, .ctx = ctx, .list = list, .kind = kind, .exponent = exponent};
    r.items = calloc(count ? count : 1, sizeof *r.items);
    r.targets = json_object();
    r.found = json_object();
    r.parents = json_object();
    r.groups = json_object();
    rc = (r.items && r.targets && r.found && r.parents && r.groups)
             ? SL_OK
             : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    if (rc == SL_OK)
        rc = find_items(&r, count, err);
    for (size_t i = 0; rc == SL_OK && i < count; i++)
        plan_one(&r, i);
    if (rc == SL_OK)
        decide_groups(&r);
    if (rc == SL_OK)
        rc = send_all(&r, err);
    json_decref(r.targets);
    json_decref(r.found);
    json_decref(r.parents);
    json_decref(r.groups);
    free(r.items);
    return rc;
}

int woo_push_stock(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err)
{
    return push(state, ctx, list, PUSH_STOCK, err);
}

int woo_push_prices(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err)
{
    return push(state, ctx, list, PUSH_PRICE, err);
}
