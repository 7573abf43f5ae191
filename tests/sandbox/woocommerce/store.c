/*
 * The emulated shop's state: seed loading (partial product objects are
 * completed to WooCommerce's full key set, in the store's key order),
 * lookups, the views GET answers with (_links, derived price, a variation's
 * stock taken from its parent under manage_stock "parent"), stock moves,
 * the test-facing summary and the state dump (seed format, reloadable).
 */
#include "sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char PRODUCT_TEMPLATE[] =
    "{\"id\":0,\"name\":\"\",\"slug\":\"\",\"permalink\":\"\","
    "\"date_created\":null,\"date_created_gmt\":null,\"date_modified\":null,"
    "\"date_modified_gmt\":null,\"type\":\"simple\",\"status\":\"publish\","
    "\"featured\":false,\"catalog_visibility\":\"visible\",\"description\":"
    "\"\",\"short_description\":\"\",\"sku\":\"\",\"price\":\"\","
    "\"regular_price\":\"\",\"sale_price\":\"\",\"date_on_sale_from\":null,"
    "\"date_on_sale_from_gmt\":null,\"date_on_sale_to\":null,"
    "\"date_on_sale_to_gmt\":null,\"on_sale\":false,\"purchasable\":true,"
    "\"total_sales\":0,\"virtual\":false,\"downloadable\":false,\"downloads\":"
    "[],\"download_limit\":-1,\"download_expiry\":-1,\"external_url\":\"\","
    "\"button_text\":\"\",\"tax_status\":\"taxable\",\"tax_class\":\"\","
    "\"manage_stock\":false,\"stock_quantity\":null,\"backorders\":\"no\","
    "\"backorders_allowed\":false,\"backordered\":false,\"low_stock_amount\":"
    "null,\"sold_individually\":false,\"weight\":\"\",\"dimensions\":{"
    "\"length\":\"\",\"width\":\"\",\"height\":\"\"},\"shipping_required\":"
    "true,\"shipping_taxable\":true,\"shipping_class\":\"\","
    "\"shipping_class_id\":0,\"reviews_allowed\":true,\"average_rating\":"
    "\"0.00\",\"rating_count\":0,\"upsell_ids\":[],\"cross_sell_ids\":[],"
    "\"parent_id\":0,\"purchase_note\":\"\",\"categories\":[],\"brands\":[],"
    "\"tags\":[],\"images\":[],\"attributes\":[],\"default_attributes\":[],"
    "\"variations\":[],\"grouped_products\":[],\"menu_order\":0,"
    "\"price_html\":\"\",\"related_ids\":[],\"meta_data\":[],\"stock_status\":"
    "\"instock\",\"has_options\":false,\"post_password\":\"\","
    "\"global_unique_id\":\"\"}";

static const char VARIATION_TEMPLATE[] =
    "{\"id\":0,\"type\":\"variation\",\"date_created\":null,"
    "\"date_created_gmt\":null,\"date_modified\":null,\"date_modified_gmt\":"
    "null,\"description\":\"\",\"permalink\":\"\",\"sku\":\"\","
    "\"global_unique_id\":\"\",\"price\":\"\",\"regular_price\":\"\","
    "\"sale_price\":\"\",\"date_on_sale_from\":null,\"date_on_sale_from_gmt\":"
    "null,\"date_on_sale_to\":null,\"date_on_sale_to_gmt\":null,\"on_sale\":"
    "false,\"status\":\"publish\",\"purchasable\":true,\"virtual\":false,"
    "\"downloadable\":false,\"downloads\":[],\"download_limit\":-1,"
    "\"download_expiry\":-1,\"tax_status\":\"taxable\",\"tax_class\":\"\","
    "\"manage_stock\":false,\"stock_quantity\":null,\"stock_status\":"
    "\"instock\",\"backorders\":\"no\",\"backorders_allowed\":false,"
    "\"backordered\":false,\"low_stock_amount\":null,\"weight\":\"\","
    "\"dimensions\":{\"length\":\"\",\"width\":\"\",\"height\":\"\"},"
    "\"shipping_class\":\"\",\"shipping_class_id\":0,\"image\":null,"
    "\"attributes\":[],\"menu_order\":0,\"meta_data\":[],\"name\":\"\","
    "\"parent_id\":0}";

int64_t sb_now(const sb_store *st)
{
    return st->clock_fixed ? st->clock_fixed : (int64_t)time(NULL);
}

void sb_set_date(const sb_store *st, json_t *obj, const char *name, int64_t t)
{
    char key[64], buf[32];
    int off = (int)sb_int(st->settings, "gmt_offset_minutes", 0);
    snprintf(key, sizeof key, "%s_gmt", name);
    json_object_set_new(obj, name, t ? json_string(sb_time_fmt(t + off * 60, buf)) : json_null());
    json_object_set_new(obj, key, t ? json_string(sb_time_fmt(t, buf)) : json_null());
}

static json_t *find_in(json_t *arr, int64_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (sb_int(v, "id", -1) == id) return v;
    return NULL;
}

json_t *sb_order_find(sb_store *st, int64_t id)
{
    return find_in(st->orders, id);
}
json_t *sb_product_find(sb_store *st, int64_t id)
{
    return find_in(st->products, id);
}

json_t *sb_product_by_sku(sb_store *st, const char *sku)
{
    size_t i;
    json_t *v;
    if (!*sku)
        return NULL;
    json_array_foreach(st->products, i, v)
    {
        if (strcmp(sb_str(v, "sku", ""), sku) == 0)
            return v;
    }
    return NULL;
}

static json_t *links(sb_store *st, const char *self, const char *coll, const char *up)
{
    char a[256], b[256], c[256];
    snprintf(a, sizeof a, "%s/wp-json/wc/v3/%s", st->site_url, self);
    snprintf(b, sizeof b, "%s/wp-json/wc/v3/%s", st->site_url, coll);
    json_t *l =
        json_pack("{s:[{s:s, s:{s:[sssss]}}], s:[{s:s}]}", "self", "href", a, "targetHints",
                  "allow", "GET", "POST", "PUT", "PATCH", "DELETE", "collection", "href", b);
    if (up) {
        snprintf(c, sizeof c, "%s/wp-json/wc/v3/%s", st->site_url, up);
        json_object_set_new(l, "up", json_pack("[{s:s}]", "href", c));
    }
    return l;
}

json_t *sb_order_view(sb_store *st, const json_t *order)
{
    json_t *v = json_deep_copy(order);
    json_object_del(v, "_trashed");
    char self[64], url[256];
    int64_t id = sb_int(order, "id", 0);
    snprintf(url, sizeof url, "%s/checkout/order-pay/%lld/?pay_for_order=true&key=%s", st->site_url,
             (long long)id, sb_str(order, "order_key", ""));
    json_object_set_new(v, "payment_url", json_string(url));
    snprintf(self, sizeof self, "orders/%lld", (long long)id);
    json_t *l = links(st, self, "orders", NULL);
    snprintf(url, sizeof url, "%s/wp-json/wc/v3/orders/%lld/actions/email_templates", st->site_url,
             (long long)id);
    json_object_set_new(l, "email_templates",
                        json_pack("[{s:b, s:s}]", "embeddable", 1, "href", url));
    json_object_set_new(v, "_links", l);
    return v;
}

/* price = sale_price when set, else regular_price; on_sale follows. */
static void derive_price(json_t *p)
{
    const char *sale = sb_str(p, "sale_price", "");
    json_object_set_new(p, "price", json_string(*sale ? sale : sb_str(p, "regular_price", "")));
    json_object_set_new(p, "on_sale", json_boolean(*sale != '\0'));
}

json_t *sb_product_view(sb_store *st, const json_t *product)
{
    json_t *v = json_deep_copy(product);
    char self[96], coll[96], up[64], url[256];
    int64_t id = sb_int(product, "id", 0), parent = sb_int(product, "parent_id", 0);
    int is_var = strcmp(sb_str(product, "type", ""), "variation") == 0;
    derive_price(v);
    if (is_var) {
        json_t *par = sb_product_find(st, parent);
        if (json_is_string(json_object_get(product, "manage_stock")) && par)
            json_object_set(v, "stock_quantity", json_object_get(par, "stock_quantity"));
        snprintf(self, sizeof self, "products/%lld/variations/%lld", (long long)parent,
                 (long long)id);
        snprintf(coll, sizeof coll, "products/%lld/variations", (long long)parent);
        snprintf(up, sizeof up, "products/%lld", (long long)parent);
        snprintf(url, sizeof url, "%s/product/%s/", st->site_url,
                 par ? sb_str(par, "slug", "") : "");
    } else {
        snprintf(self, sizeof self, "products/%lld", (long long)id);
        snprintf(coll, sizeof coll, "products");
        snprintf(url, sizeof url, "%s/product/%s/", st->site_url, sb_str(product, "slug", ""));
    }
    json_object_set_new(v, "permalink", json_string(url));
    json_object_set_new(v, "_links", links(st, self, coll, is_var ? up : NULL));
    return v;
}

void sb_stock_status(json_t *p)
{
    json_t *q = json_object_get(p, "stock_quantity");
    if (json_object_get(p, "manage_stock") != json_true() || !json_is_integer(q))
        return;
    int backorders = strcmp(sb_str(p, "backorders", "no"), "no") != 0;
    const char *st = json_integer_value(q) > 0 ? "instock"
                     : backorders              ? "onbackorder"
                                               : "outofstock";
    json_object_set_new(p, "stock_status", json_string(st));
}

json_t *sb_stock_adjust(sb_ctx *ctx, json_t *item, int64_t delta)
{
    sb_store *st = &ctx->store;
    json_t *target = item;
    if (json_is_string(json_object_get(item, "manage_stock")))
        target = sb_product_find(st, sb_int(item, "parent_id", 0));
    if (!target || json_object_get(target, "manage_stock") != json_true())
        return NULL;
    int64_t q = sb_int(target, "stock_quantity", 0) + delta;
    json_object_set_new(target, "stock_quantity", json_integer(q));
    sb_stock_status(target);
    sb_set_date(st, target, "date_modified", sb_now(st));
    sb_hooks_event(ctx, "product.updated", sb_int(target, "id", 0));
    return target;
}

json_t *sb_product_complete(sb_store *st, const json_t *seed, int is_var, int64_t parent)
{
    json_error_t jerr;
    json_t *p = json_loads(is_var ? VARIATION_TEMPLATE : PRODUCT_TEMPLATE, 0, &jerr);
    json_object_update(p, (json_t *)seed);
    json_object_del(p, "_links");
    if (is_var) {
        json_object_set_new(p, "type", json_string("variation"));
        json_object_set_new(p, "parent_id", json_integer(parent));
    } else {
        json_object_set_new(p, "variations", json_array());
    }
    if (!json_is_string(json_object_get(p, "date_created_gmt")))
        sb_set_date(st, p, "date_created", sb_now(st) - 86400);
    if (!json_is_string(json_object_get(p, "date_modified_gmt")))
        sb_set_date(st, p, "date_modified", sb_now(st) - 86400);
    if (json_object_get(p, "manage_stock") == json_true() &&
        !json_is_integer(json_object_get(p, "stock_quantity")))
        json_object_set_new(p, "stock_quantity", json_integer(0));
    derive_price(p);
    sb_stock_status(p);
    return p;
}

static void bump_ids(sb_store *st, int64_t id)
{
    if (id >= st->next_post_id)
        st->next_post_id = id + 1;
}

static int load_products(sb_store *st, json_t *arr)
{
    size_t i, j;
    json_t *seed, *vseed;
    json_array_foreach(arr, i, seed)
    {
        bump_ids(st, sb_int(seed, "id", 0));
    }
    json_array_foreach(arr, i, seed)
    {
        json_array_foreach(json_object_get(seed, "variations"), j, vseed)
        {
            if (json_is_object(vseed))
                bump_ids(st, sb_int(vseed, "id", 0));
        }
    }
    json_array_foreach(arr, i, seed)
    {
        if (!json_is_object(seed) || !json_is_string(json_object_get(seed, "name"))) {
            fprintf(stderr, "seed: products[%zu].name: missing\n", i);
            return -1;
        }
        int is_var = strcmp(sb_str(seed, "type", ""), "variation") == 0;
        int64_t id = sb_int(seed, "id", 0);
        if (id <= 0)
            id = sb_next(&st->next_post_id);
        json_t *p = sb_product_complete(st, seed, is_var, sb_int(seed, "parent_id", 0));
        json_object_set_new(p, "id", json_integer(id));
        json_array_append_new(st->products, p);
        json_array_foreach(json_object_get(seed, "variations"), j, vseed)
        {
            if (!json_is_object(vseed)) /* a dump lists ids here */
                continue;
            json_t *v = sb_product_complete(st, vseed, 1, id);
            int64_t vid = sb_int(vseed, "id", 0);
            json_object_set_new(v, "id", json_integer(vid > 0 ? vid : sb_next(&st->next_post_id)));
            json_array_append_new(st->products, v);
        }
    }
    /* Parents list their variations' ids. */
    json_array_foreach(st->products, i, seed)
    {
        json_t *par = sb_product_find(st, sb_int(seed, "parent_id", 0));
        if (par && strcmp(sb_str(seed, "type", ""), "variation") == 0)
            json_array_append_new(json_object_get(par, "variations"),
                                  json_integer(sb_int(seed, "id", 0)));
    }
    return 0;
}

static json_t *array_or_empty(json_t *root, const char *key)
{
    json_t *a = json_object_get(root, key);
    return json_is_array(a) ? json_incref(a) : json_array();
}

static void max_ids_in(json_t *v, const char *key, int64_t *counter)
{
    size_t i;
    json_t *x;
    if (json_is_object(v)) {
        const char *k;
        json_object_foreach(v, k, x)
        {
            if (strcmp(k, "id") == 0 && json_is_integer(x) && strcmp(key, "*") == 0 &&
                json_integer_value(x) >= *counter)
                *counter = json_integer_value(x) + 1;
            else
                max_ids_in(x, key, counter);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x) max_ids_in(x, key, counter);
    }
}

static int load_orders(sb_ctx *ctx, json_t *arr)
{
    sb_store *st = &ctx->store;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        bump_ids(st, sb_int(o, "id", 0));
        max_ids_in(json_object_get(o, "line_items"), "*", &st->next_item_id);
        max_ids_in(json_object_get(o, "refunds"), "*", &st->next_post_id);
    }
    json_array_foreach(arr, i, o)
    {
        if (json_is_string(json_object_get(o, "total"))) {
            json_array_append(st->orders, o); /* complete object: kept as is */
            continue;
        }
        sb_resp resp = {.total = -1};
        json_t *built = sb_order_build(ctx, o, &resp);
        if (!built) {
            char *e = json_dumps(resp.json, JSON_COMPACT);
            fprintf(stderr, "seed: orders[%zu]: %s\n", i, e ? e : "invalid");
            free(e);
            json_decref(resp.json);
            return -1;
        }
        json_array_append_new(st->orders, built);
        const char *status = sb_str(built, "status", "");
        if (strcmp(status, "processing") == 0 || strcmp(status, "on-hold") == 0 ||
            strcmp(status, "completed") == 0) /* seed stock already counts it */
            sb_order_reduce_stock(ctx, built, 0);
    }
    return 0;
}

int sb_store_load(sb_ctx *ctx, const char *path)
{
    sb_store *st = &ctx->store;
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!json_is_object(root)) {
        fprintf(stderr, "seed %s: line %d: %s\n", path, jerr.line, jerr.text);
        json_decref(root);
        return -1;
    }
    pthread_mutex_init(&st->mu, NULL);
    st->next_post_id = st->next_item_id = st->next_meta_id = st->next_note_id = 1;
    json_t *settings = json_object_get(root, "settings");
    st->settings = json_is_object(settings) ? json_deep_copy(settings) : json_object();
    st->products = json_array();
    st->orders = json_array();
    st->nonces = json_object();
    st->calls = json_object();
    json_t *n = json_object_get(root, "notes"), *r = json_object_get(root, "refunds");
    st->notes = json_is_object(n) ? json_deep_copy(n) : json_object();
    st->refunds = json_is_object(r) ? json_deep_copy(r) : json_object();
    st->taxes = array_or_empty(root, "taxes");
    st->tax_classes = array_or_empty(root, "tax_classes");
    st->gateways = array_or_empty(root, "payment_gateways");
    st->shipping_methods = array_or_empty(root, "shipping_methods");
    st->shipping_zones = array_or_empty(root, "shipping_zones");
    st->coupons = array_or_empty(root, "coupons");
    max_ids_in(st->notes, "*", &st->next_note_id);
    max_ids_in(st->refunds, "*", &st->next_post_id);
    st->next_meta_id = 1000;
    int rc = load_products(st, json_object_get(root, "products"));
    if (rc == 0)
        rc = load_orders(ctx, json_object_get(root, "orders"));
    json_t *o;
    size_t i;
    json_array_foreach(st->orders, i, o) max_ids_in(o, "*", &st->next_meta_id);
    json_decref(root);
    return rc;
}

void sb_store_free(sb_store *st)
{
    json_t **all[] = {&st->settings,         &st->products,       &st->orders,      &st->notes,
                      &st->refunds,          &st->taxes,          &st->tax_classes, &st->gateways,
                      &st->shipping_methods, &st->shipping_zones, &st->coupons,     &st->calls,
                      &st->nonces,           &st->faults};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        json_decref(*all[i]);
        *all[i] = NULL;
    }
    pthread_mutex_destroy(&st->mu);
}

void sb_call_key(const char *method, const char *path, char *key, size_t cap)
{
    size_t n = (size_t)snprintf(key, cap, "%s ", method);
    for (const char *p = path; *p && n + 6 < cap; p++) {
        if (*p >= '0' && *p <= '9') {
            while (p[1] >= '0' && p[1] <= '9')
                p++;
            n += (size_t)snprintf(key + n, cap - n, "{id}");
        } else {
            key[n++] = *p;
        }
    }
    key[n] = '\0';
}

void sb_count_call(sb_store *st, const char *method, const char *path)
{
    char key[256];
    sb_call_key(method, path, key, sizeof key);
    json_object_set_new(st->calls, key, json_integer(sb_int(st->calls, key, 0) + 1));
    if (strstr(path, "/batch"))
        st->batch_requests++;
}

json_t *sb_store_summary(sb_ctx *ctx)
{
    sb_store *st = &ctx->store;
    json_t *orders = json_array(), *products = json_array(), *o;
    size_t i;
    char buf[32];
    json_array_foreach(st->orders, i, o)
    {
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)sb_int(o, "id", 0));
        json_t *notes = json_array(), *n;
        size_t j;
        json_array_foreach(json_object_get(st->notes, key), j, n)
            json_array_append(notes, json_object_get(n, "note"));
        json_array_append_new(
            orders,
            json_pack("{s:I, s:s, s:s, s:O, s:o, s:I}", "id", (json_int_t)sb_int(o, "id", 0),
                      "status", sb_str(o, "status", ""), "total", sb_str(o, "total", ""),
                      "date_modified_gmt", json_object_get(o, "date_modified_gmt"), "notes", notes,
                      "refunds", (json_int_t)json_array_size(json_object_get(o, "refunds"))));
    }
    json_array_foreach(st->products, i, o)
    {
        json_t *view = sb_product_view(st, o);
        json_array_append_new(
            products,
            json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(view, "id"),
                      "type", json_object_get(view, "type"), "sku", json_object_get(view, "sku"),
                      "parent_id", json_object_get(view, "parent_id"), "manage_stock",
                      json_object_get(view, "manage_stock"), "stock_quantity",
                      json_object_get(view, "stock_quantity"), "stock_status",
                      json_object_get(view, "stock_status"), "regular_price",
                      json_object_get(view, "regular_price")));
        json_decref(view);
    }
    return json_pack("{s:s, s:o, s:o, s:o, s:I, s:o}", "now", sb_time_fmt(sb_now(st), buf),
                     "orders", orders, "products", products, "calls", json_deep_copy(st->calls),
                     "batch_requests", (json_int_t)st->batch_requests, "webhooks",
                     ctx->hooks ? sb_hooks_summary(ctx) : json_array());
}

int sb_store_save(sb_ctx *ctx, const char *path)
{
    sb_store *st = &ctx->store;
    pthread_mutex_lock(&st->mu);
    json_t *root =
        json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "settings",
                  st->settings, "taxes", st->taxes, "tax_classes", st->tax_classes,
                  "payment_gateways", st->gateways, "shipping_methods", st->shipping_methods,
                  "shipping_zones", st->shipping_zones, "coupons", st->coupons, "products",
                  st->products, "orders", st->orders, "notes", st->notes, "refunds", st->refunds);
    pthread_mutex_unlock(&st->mu);
    char *text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(16));
    int rc = text ? sbc_write_file_atomic(path, text) : -1;
    free(text);
    json_decref(root);
    return rc;
}
