/*
 * How the WooCommerce stock and price push finds the shop's items, through
 * the real woocommerce.so and a small in-memory store behind the fake
 * host: a large push resolves its SKUs in filtered listings (sku=A,B,...,
 * 100 per request) and the parents of manage_stock "parent" variations in
 * one include= listing, a small push still looks each SKU up alone, a
 * store that ignores sku lists falls back to single lookups (and the
 * channel remembers), SKUs the shop lacks are NOT_FOUND, and a malformed
 * or refused listing stops the push with an error naming the field.
 */
#include "support.h"

#include <inttypes.h>
#include <strings.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_host.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

/* The store: products and variations as GET shows them, and knobs. */
typedef struct shop {
    json_t *items;
    int ignore_lists; /* an old store: "A,B" is one SKU spelt with a comma */
    const char *bad;  /* NULL, or which malformed answer a listing gives */
} shop;

static json_t *item(int64_t id, const char *sku, const char *type, int64_t parent, json_t *manage,
                    int64_t qty, const char *price)
{
    return json_pack("{s:I, s:s, s:s, s:I, s:o, s:o, s:s}", "id", (json_int_t)id, "sku", sku,
                     "type", type, "parent_id", (json_int_t)parent, "manage_stock", manage,
                     "stock_quantity", json_is_false(manage) ? json_null() : json_integer(qty),
                     "regular_price", price);
}

/* 150 simple products S-000.. (stock 5, price 10.00; S-149 unmanaged) and
   five variable products VAR-k (id 50+10k, stock 40; VAR-4 manages none)
   with variations VAR-k-1 (own stock 3), VAR-k-2 (stock on the parent)
   and VAR-k-3 (unmanaged). */
static void shop_init(shop *s)
{
    memset(s, 0, sizeof *s);
    s->items = json_array();
    char sku[32];
    for (int i = 0; i < 150; i++) {
        snprintf(sku, sizeof sku, "S-%03d", i);
        json_array_append_new(s->items,
                              item(100 + i, sku, "simple", 0, json_boolean(i != 149), 5, "10.00"));
    }
    for (int k = 0; k < 5; k++) {
        int64_t pid = 50 + 10 * k;
        snprintf(sku, sizeof sku, "VAR-%d", k);
        json_t *par = item(pid, sku, "variable", 0, json_boolean(k < 4), 40, "");
        json_object_set_new(
            par, "variations",
            json_pack("[I,I,I]", (json_int_t)pid + 1, (json_int_t)pid + 2, (json_int_t)pid + 3));
        json_array_append_new(s->items, par);
        snprintf(sku, sizeof sku, "VAR-%d-1", k);
        json_array_append_new(s->items,
                              item(pid + 1, sku, "variation", pid, json_true(), 3, "20.00"));
        snprintf(sku, sizeof sku, "VAR-%d-2", k);
        json_array_append_new(
            s->items, item(pid + 2, sku, "variation", pid, json_string("parent"), 40, "21.00"));
        snprintf(sku, sizeof sku, "VAR-%d-3", k);
        json_array_append_new(s->items,
                              item(pid + 3, sku, "variation", pid, json_false(), 0, "22.00"));
    }
}

/* ---- requests ------------------------------------------------------------ */

static int method_is(const json_t *req, const char *m)
{
    return strcmp(json_string_value(json_object_get(req, "method")), m) == 0;
}

/* 1 when `key` is one of the comma-separated entries of `list`. */
static int in_list(const char *list, const char *key)
{
    size_t n = strlen(key);
    for (const char *t = list; t != NULL; t = strchr(t, ',')) {
        if (*t == ',')
            t++;
        if (strncmp(t, key, n) == 0 && (t[n] == ',' || t[n] == '\0'))
            return 1;
    }
    return 0;
}

static int64_t num(const char *v, int64_t dflt)
{
    return v ? strtoll(v, NULL, 10) : dflt;
}

static int listed(const shop *s, const json_t *req, const json_t *it)
{
    const char *sku = fake_query(req, "sku"), *inc = fake_query(req, "include");
    const char *type = json_string_value(json_object_get(it, "type"));
    const char *isku = json_string_value(json_object_get(it, "sku"));
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(it, "id")));
    if (sku != NULL)
        return s->ignore_lists ? strcmp(sku, isku) == 0 : in_list(sku, isku);
    if (inc != NULL)
        return strcmp(type, "variation") != 0 && in_list(inc, id);
    return strcmp(type, "variation") != 0;
}

/* Spoils the answer the way s->bad says. */
static void spoil(const shop *s, json_t *page, fake_resp *out)
{
    json_t *first = json_array_get(page, 0);
    if (strcmp(s->bad, "manage_stock") == 0)
        json_object_set_new(first, "manage_stock", json_integer(7));
    else if (strcmp(s->bad, "parent_id") == 0)
        json_object_del(first, "parent_id");
    else if (strcmp(s->bad, "pages") == 0)
        json_object_set_new(out->headers, "X-WP-TotalPages", json_string("50"));
    else if (strcmp(s->bad, "401") == 0) {
        out->status = 401;
        json_array_clear(page);
    }
}

/* GET /products with sku / include / per_page / page, as a store pages. */
static void list_products(const shop *s, const json_t *req, fake_resp *out)
{
    int64_t per = num(fake_query(req, "per_page"), 10), page = num(fake_query(req, "page"), 1);
    json_t *all = json_array(), *it, *pg = json_array();
    size_t i;
    json_array_foreach(s->items, i, it) if (listed(s, req, it)) json_array_append(all, it);
    size_t total = json_array_size(all);
    for (size_t k = (size_t)((page - 1) * per); k < total && k < (size_t)(page * per); k++)
        json_array_append_new(pg, json_deep_copy(json_array_get(all, k)));
    char n[32], pages[32];
    snprintf(n, sizeof n, "%zu", total);
    snprintf(pages, sizeof pages, "%lld", (long long)((total + (size_t)per - 1) / (size_t)per));
    out->status = 200;
    out->headers = json_pack("{s:s, s:s}", "X-WP-Total", n, "X-WP-TotalPages", pages);
    if (s->bad != NULL && json_array_size(pg) > 0)
        spoil(s, pg, out);
    if (s->bad != NULL && strcmp(s->bad, "body") == 0)
        out->body = strdup("{\"code\":\"oops\"}");
    else
        out->body = out->status == 401
                        ? strdup("{\"code\":\"woocommerce_rest_cannot_view\","
                                 "\"message\":\"Sorry, you cannot list resources.\"}")
                        : json_dumps(pg, JSON_COMPACT);
    json_decref(all);
    json_decref(pg);
}

static json_t *find_id(const shop *s, int64_t id)
{
    size_t i;
    json_t *it;
    json_array_foreach(s->items, i,
                       it) if (json_integer_value(json_object_get(it, "id")) == id) return it;
    return NULL;
}

/* Applies one batch update and returns the item as the store shows it. */
static json_t *update(shop *s, const json_t *u)
{
    json_t *it = find_id(s, json_integer_value(json_object_get(u, "id")));
    if (it == NULL)
        return json_pack("{s:O, s:{s:s, s:s}}", "id", json_object_get(u, "id"), "error", "code",
                         "woocommerce_rest_product_invalid_id", "message", "Invalid ID.");
    json_t *q = json_object_get(u, "stock_quantity");
    if (q != NULL && json_is_true(json_object_get(it, "manage_stock")))
        json_object_set(it, "stock_quantity", q);
    if (json_object_get(u, "regular_price") != NULL)
        json_object_set(it, "regular_price", json_object_get(u, "regular_price"));
    return json_deep_copy(it);
}

static void batch(shop *s, const json_t *req, fake_resp *out)
{
    json_t *body = json_loads(json_string_value(json_object_get(req, "body")), 0, NULL);
    json_t *upd = json_object_get(body, "update"), *u, *ans = json_array();
    size_t i;
    assert_true(json_array_size(upd) <= 100);
    json_array_foreach(upd, i, u) json_array_append_new(ans, update(s, u));
    json_t *a = json_pack("{s:o}", "update", ans);
    out->status = 200;
    out->body = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    json_decref(body);
}

static int route(sl_ctx *c, const json_t *req, fake_resp *out)
{
    shop *s = c->route_data;
    const char *path = fake_route(req);
    int64_t pid = 0;
    char tail[64] = "";
    if (method_is(req, "GET") && strcmp(path, "/products") == 0) {
        list_products(s, req, out);
    } else if (method_is(req, "POST") &&
               (strcmp(path, "/products/batch") == 0 ||
                (sscanf(path, "/products/%" SCNd64 "%63s", &pid, tail) == 2 &&
                 strcmp(tail, "/variations/batch") == 0))) {
        batch(s, req, out);
    } else if (method_is(req, "GET") &&
               sscanf(path, "/products/%" SCNd64 "%63s", &pid, tail) == 1) {
        json_t *it = find_id(s, pid);
        out->status = it ? 200 : 404;
        out->body = it ? json_dumps(it, JSON_COMPACT)
                       : strdup("{\"code\":\"woocommerce_rest_product_invalid_id\","
                                "\"message\":\"Invalid ID.\"}");
    } else {
        return 1;
    }
    return 0;
}

/* ---- fixture and helpers ------------------------------------------------- */

typedef struct env {
    woo_fixture f;
    shop s;
} env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    shop_init(&e->s);
    woo_ctx_init(&e->f.ctx, "https://shop.example");
    e->f.ctx.route = route;
    e->f.ctx.route_data = &e->s;
    assert_int_equal(woo_open(&e->f), SL_OK);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    woo_close(&e->f);
    woo_ctx_free(&e->f.ctx);
    json_decref(e->s.items);
    free(e);
    return 0;
}

/* Pushes `items` ([[sku, qty, price|null]...], taken); returns the rc. */
static int push(env *e, json_t *items, int prices)
{
    sl_stock_list list = {.items = items, .currency = "EUR"};
    json_array_clear(e->f.ctx.requests);
    json_array_clear(e->f.ctx.reports);
    e->f.err = (sl_error){.size = sizeof e->f.err};
    int rc = prices ? e->f.p->push_prices(e->f.state, &e->f.ctx, &list, &e->f.err)
                    : e->f.p->push_stock(e->f.state, &e->f.ctx, &list, &e->f.err);
    fake_end_call(&e->f.ctx);
    json_decref(items);
    return rc;
}

static void add(json_t *items, const char *sku, const char *qty, const char *price)
{
    json_array_append_new(items, json_pack("[s,s,s?]", sku, qty, price));
}

/* A stock list from NULL-terminated (sku, quantity) pairs. */
static json_t *stock_pairs(const char *const *pairs)
{
    json_t *items = json_array();
    for (size_t i = 0; pairs[i] != NULL && pairs[i + 1] != NULL; i += 2)
        add(items, pairs[i], pairs[i + 1], NULL);
    return items;
}

/* Requests whose method is m and whose path starts with prefix; with
   `comma` >= 0 only those whose sku parameter has (1) or lacks (0) one. */
static size_t count(env *e, const char *m, const char *prefix, int comma)
{
    size_t n = 0, i;
    json_t *r;
    json_array_foreach(e->f.ctx.requests, i, r)
    {
        const char *sku = fake_query(r, "sku");
        if (!method_is(r, m) || strncmp(fake_route(r), prefix, strlen(prefix)) != 0)
            continue;
        if (comma >= 0 && (sku == NULL || (strchr(sku, ',') != NULL) != comma))
            continue;
        n++;
    }
    return n;
}

static const char *outcome(env *e, const char *sku)
{
    size_t i;
    json_t *r;
    const char *last = "none";
    json_array_foreach(e->f.ctx.reports, i, r)
    {
        if (strcmp(json_string_value(json_array_get(r, 0)), sku) == 0)
            last = json_string_value(json_array_get(r, 1));
    }
    return last;
}

static int64_t stock_of(env *e, int64_t id)
{
    return json_integer_value(json_object_get(find_id(&e->s, id), "stock_quantity"));
}

/* The large push of the tests: S-000..S-139 (even ones changed), every
   variation of VAR-0..VAR-4 (own and parent stock changed), MISSING-1. */
static json_t *large_stock(void)
{
    json_t *items = json_array();
    char sku[32];
    for (int i = 0; i < 140; i++) {
        snprintf(sku, sizeof sku, "S-%03d", i);
        add(items, sku, i % 2 ? "5" : "7", NULL);
    }
    for (int k = 0; k < 5; k++) {
        snprintf(sku, sizeof sku, "VAR-%d-1", k);
        add(items, sku, "9", NULL);
        snprintf(sku, sizeof sku, "VAR-%d-2", k);
        add(items, sku, "44", NULL);
        snprintf(sku, sizeof sku, "VAR-%d-3", k);
        add(items, sku, "1", NULL);
    }
    add(items, "MISSING-1", "1", NULL);
    return items;
}

/* ---- tests --------------------------------------------------------------- */

static void test_large_push_lists(void **state)
{
    env *e = *state;
    assert_int_equal(push(e, large_stock(), 0), SL_OK);
    /* 156 SKUs in two sku lists, five parents in one include list, one
       product batch and one variation batch per parent: 9 calls where
       single lookups made 167 */
    assert_int_equal(count(e, "GET", "/products", 1), 2);
    assert_int_equal(count(e, "GET", "/products", 0), 0);
    assert_int_equal(count(e, "GET", "/products/", -1), 0);
    assert_int_equal(count(e, "POST", "/products/batch", -1), 1);
    assert_int_equal(count(e, "POST", "/products/", -1), 6);
    assert_int_equal(json_array_size(e->f.ctx.requests), 9);
    json_t *first = json_array_get(e->f.ctx.requests, 0);
    assert_string_equal(fake_query(first, "per_page"), "100");
    assert_string_equal(fake_query(first, "page"), "1");
    assert_non_null(strstr(fake_query(first, "_fields"), "manage_stock"));
    json_t *inc = json_array_get(e->f.ctx.requests, 2);
    assert_string_equal(fake_query(inc, "include"), "50,60,70,80,90");
    assert_string_equal(outcome(e, "S-000"), "written");
    assert_string_equal(outcome(e, "S-001"), "unchanged");
    assert_int_equal(stock_of(e, 100), 7);
    assert_string_equal(outcome(e, "MISSING-1"), "not_found");
    assert_int_equal(json_array_size(e->f.ctx.reports), 156);
}

static void test_variations(void **state)
{
    env *e = *state;
    assert_int_equal(push(e, large_stock(), 0), SL_OK);
    /* own stock: written on the variation */
    assert_string_equal(outcome(e, "VAR-0-1"), "written");
    assert_int_equal(stock_of(e, 51), 9);
    /* stock "parent": written on the parent product, from the listing */
    assert_string_equal(outcome(e, "VAR-0-2"), "written");
    assert_int_equal(stock_of(e, 50), 44);
    /* the parent manages no stock, or the variation none */
    assert_string_equal(outcome(e, "VAR-4-2"), "skipped");
    assert_string_equal(outcome(e, "VAR-0-3"), "skipped");
    /* the same push again: nothing left to write */
    assert_int_equal(push(e, large_stock(), 0), SL_OK);
    assert_int_equal(count(e, "POST", "/products/", -1), 0);
    assert_string_equal(outcome(e, "VAR-0-2"), "unchanged");
    assert_string_equal(outcome(e, "S-000"), "unchanged");
}

static void test_two_variations_one_parent(void **state)
{
    env *e = *state;
    json_t *par = find_id(&e->s, 51);
    json_object_set_new(par, "manage_stock", json_string("parent"));
    static const char *const list[] = {"VAR-0-1", "44",    "VAR-0-2", "45", "S-000",
                                       "5",       "S-001", "5",       NULL};
    assert_int_equal(push(e, stock_pairs(list), 0), SL_OK);
    /* both share the parent's one number: it gets their sum, 44 + 45 */
    assert_string_equal(outcome(e, "VAR-0-1"), "written");
    assert_string_equal(outcome(e, "VAR-0-2"), "written");
    assert_int_equal(stock_of(e, 50), 89);
    /* one list, one GET of the single parent */
    assert_int_equal(count(e, "GET", "/products", 1), 1);
    assert_int_equal(count(e, "GET", "/products/50", -1), 1);
}

/* The parent's own SKU in the list wins over its variations' sum; a sum
   equal to the shop's number writes nothing. */
static void test_parent_stock_own_sku_and_unchanged(void **state)
{
    env *e = *state;
    json_object_set_new(find_id(&e->s, 61), "manage_stock", json_string("parent"));
    static const char *const own[] = {"VAR-0-2", "7", "VAR-0", "12", NULL};
    assert_int_equal(push(e, stock_pairs(own), 0), SL_OK);
    assert_string_equal(outcome(e, "VAR-0"), "written");
    assert_string_equal(outcome(e, "VAR-0-2"), "skipped");
    assert_int_equal(stock_of(e, 50), 12);
    /* VAR-1 holds 40: variations 61 and 62 with 15 + 25 leave it alone */
    static const char *const same[] = {"VAR-1-1", "15", "VAR-1-2", "25", NULL};
    assert_int_equal(push(e, stock_pairs(same), 0), SL_OK);
    assert_string_equal(outcome(e, "VAR-1-1"), "unchanged");
    assert_string_equal(outcome(e, "VAR-1-2"), "unchanged");
    assert_int_equal(stock_of(e, 60), 40);
}

static void test_prices_through_lists(void **state)
{
    env *e = *state;
    json_t *items = json_array();
    char sku[32];
    for (int i = 0; i < 10; i++) {
        snprintf(sku, sizeof sku, "S-%03d", i);
        add(items, sku, "0", "10.00");
    }
    add(items, "VAR-0-1", "0", "20");
    add(items, "VAR-0-2", "0", "22.5");
    add(items, "VAR-0-3", "0", "1");
    assert_int_equal(push(e, items, 1), SL_OK);
    assert_string_equal(outcome(e, "S-000"), "unchanged");
    assert_string_equal(outcome(e, "VAR-0-1"), "unchanged");
    /* a "parent" variation's price is its own: no parent lookup; an
       unmanaged one (manage_stock false) still has a price of its own */
    assert_string_equal(outcome(e, "VAR-0-2"), "written");
    assert_string_equal(outcome(e, "VAR-0-3"), "written");
    assert_int_equal(json_array_size(e->f.ctx.requests), 2);
    json_t *w = json_array_get(e->f.ctx.requests, 1);
    assert_string_equal(fake_route(w), "/products/50/variations/batch");
    assert_string_equal(json_string_value(json_object_get(w, "body")),
                        "{\"update\":[{\"id\":52,\"regular_price\":\"22.50\"},"
                        "{\"id\":53,\"regular_price\":\"1.00\"}]}");
}

static void test_small_push_single_lookups(void **state)
{
    env *e = *state;
    static const char *const list[] = {"S-000", "7", "VAR-0-2", "44", "MISSING-1", "1", NULL};
    assert_int_equal(push(e, stock_pairs(list), 0), SL_OK);
    /* three lookups, the parent, one write */
    assert_int_equal(count(e, "GET", "/products", 0), 3);
    assert_int_equal(count(e, "GET", "/products", 1), 0);
    assert_int_equal(count(e, "GET", "/products/50", -1), 1);
    assert_int_equal(json_array_size(e->f.ctx.requests), 5);
    assert_null(fake_query(json_array_get(e->f.ctx.requests, 0), "per_page"));
    assert_string_equal(outcome(e, "S-000"), "written");
    assert_string_equal(outcome(e, "VAR-0-2"), "written");
    assert_string_equal(outcome(e, "MISSING-1"), "not_found");
}

static void test_store_ignoring_lists(void **state)
{
    env *e = *state;
    e->s.ignore_lists = 1;
    static const char *const list[] = {"S-000", "7",         "S-001", "5", "S-002",
                                       "7",     "MISSING-1", "1",     NULL};
    assert_int_equal(push(e, stock_pairs(list), 0), SL_OK);
    /* the list found nothing: each SKU alone, which found them */
    assert_int_equal(count(e, "GET", "/products", 1), 1);
    assert_int_equal(count(e, "GET", "/products", 0), 4);
    assert_string_equal(outcome(e, "S-000"), "written");
    assert_string_equal(outcome(e, "S-001"), "unchanged");
    assert_string_equal(outcome(e, "MISSING-1"), "not_found");
    /* the channel now knows: no more lists */
    assert_int_equal(push(e, large_stock(), 0), SL_OK);
    assert_int_equal(count(e, "GET", "/products", 1), 0);
    assert_int_equal(count(e, "GET", "/products", 0), 156);
    assert_string_equal(outcome(e, "VAR-0-2"), "written");
}

/* Four SKUs the shop does not have. */
static json_t *unknown_skus(void)
{
    json_t *items = json_array();
    char sku[16];
    for (int i = 1; i <= 4; i++) {
        snprintf(sku, sizeof sku, "NOPE-%d", i);
        add(items, sku, "1", NULL);
    }
    return items;
}

static void test_missing_skus(void **state)
{
    env *e = *state;
    /* lists never proved to work: an empty list is checked one by one */
    assert_int_equal(push(e, unknown_skus(), 0), SL_OK);
    assert_int_equal(count(e, "GET", "/products", 1), 1);
    assert_int_equal(count(e, "GET", "/products", 0), 4);
    assert_string_equal(outcome(e, "NOPE-4"), "not_found");
    /* once a list found something, a SKU it lacks is simply not there */
    assert_int_equal(push(e, large_stock(), 0), SL_OK);
    assert_int_equal(push(e, unknown_skus(), 0), SL_OK);
    assert_int_equal(json_array_size(e->f.ctx.requests), 1);
    assert_string_equal(outcome(e, "NOPE-1"), "not_found");
    assert_int_equal(json_array_size(e->f.ctx.reports), 4);
}

/* A listing answer spoiled as `bad` stops the push before any write or
   report, with `code` and err.field `field`. */
static void expect_bad_listing(env *e, const char *bad, int code, const char *field,
                               const char *msg_part)
{
    e->s.bad = bad;
    assert_int_equal(push(e, large_stock(), 0), code);
    assert_string_equal(e->f.err.field, field);
    assert_non_null(strstr(e->f.err.message, msg_part));
    assert_int_equal(count(e, "POST", "/products", -1), 0);
    assert_int_equal(json_array_size(e->f.ctx.reports), 0);
    e->s.bad = NULL;
}

static void test_bad_listing_fails_clearly(void **state)
{
    env *e = *state;
    expect_bad_listing(e, "manage_stock", SL_EREMOTE, "manage_stock",
                       "GET /products (sku list, page 1): item 0");
    expect_bad_listing(e, "body", SL_EREMOTE, "body", "not a JSON array");
    expect_bad_listing(e, "pages", SL_EREMOTE, "X-WP-TotalPages", "50 pages");
    expect_bad_listing(e, "401", SL_EAUTH, "", "Sorry, you cannot list resources.");
    assert_int_equal(json_array_size(e->f.ctx.requests), 1); /* 401 stops */
}

static void test_bad_variation_item(void **state)
{
    env *e = *state;
    /* the first item a list returns for VAR-0-1 alone lacks parent_id */
    e->s.bad = "parent_id";
    static const char *const list[] = {"VAR-0-1", "1",       "VAR-0-2", "1", "VAR-0-3",
                                       "1",       "VAR-1-1", "1",       NULL};
    assert_int_equal(push(e, stock_pairs(list), 0), SL_EREMOTE);
    assert_string_equal(e->f.err.field, "parent_id");
}

static void test_test_mode_large(void **state)
{
    env *e = *state;
    woo_close(&e->f);
    json_object_set_new(e->f.ctx.config, "test_mode", json_string("yes"));
    assert_int_equal(woo_open(&e->f), SL_OK);
    assert_int_equal(push(e, large_stock(), 0), SL_OK);
    assert_string_equal(outcome(e, "S-000"), "would_write");
    assert_string_equal(outcome(e, "VAR-0-2"), "would_write");
    assert_int_equal(count(e, "POST", "/", -1), 0);
    assert_int_equal(json_array_size(e->f.ctx.requests), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_large_push_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_variations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_variations_one_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parent_stock_own_sku_and_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prices_through_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_push_single_lookups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_ignoring_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_skus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_listing_fails_clearly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_variation_item, setup, teardown),
        cmocka_unit_test_setup_teardown(test_test_mode_large, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
