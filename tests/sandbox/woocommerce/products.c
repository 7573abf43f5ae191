/*
 * /products and /products/{id}/variations routes: lists (sku lookup finds
 * variations too, type "variation" with parent_id; sku and include take
 * comma lists), single get/update and
 * the batch endpoints with WooCommerce's rules: more than 100 items in a
 * batch is a 413, a failed item comes back in place as {id, error} while
 * the HTTP status stays 200, stock_quantity is ignored unless the product
 * manages stock, and every successful write fires product.updated (for a
 * variation with the variation's own id). Runs under store.mu.
 */
#include "sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct item_err {
    int status;
    const char *code, *message;
    json_t *extra; /* extra data members, owned */
} item_err;

static int is(const sb_req *req, const char *m)
{
    return strcmp(req->method, m) == 0;
}

static int is_variation(const json_t *p)
{
    return strcmp(sb_str(p, "type", ""), "variation") == 0;
}

static json_t *error_json(const item_err *e)
{
    json_t *data = json_pack("{s:i}", "status", e->status);
    if (e->extra)
        json_object_update(data, e->extra);
    return json_pack("{s:s, s:s, s:o}", "code", e->code, "message", e->message, "data", data);
}

static int set_err(item_err *e, int status, const char *code, const char *msg)
{
    e->status = status;
    e->code = code;
    e->message = msg;
    return -1;
}

static int check_money(const json_t *body, const char *key, item_err *e)
{
    json_t *v = json_object_get(body, key);
    int64_t c;
    if (v && (!json_is_string(v) || sb_money_parse(json_string_value(v), &c)))
        return set_err(e, 400, "rest_invalid_param", "Invalid parameter(s): price");
    return 0;
}

static int check_sku(sb_store *st, json_t *p, const json_t *body, item_err *e)
{
    json_t *v = json_object_get(body, "sku");
    if (!v)
        return 0;
    if (!json_is_string(v))
        return set_err(e, 400, "rest_invalid_param", "Invalid parameter(s): sku");
    json_t *other = sb_product_by_sku(st, json_string_value(v));
    if (other && other != p) {
        e->extra = json_pack("{s:I, s:s}", "resource_id", (json_int_t)sb_int(other, "id", 0),
                             "unique_sku", json_string_value(v));
        return set_err(e, 400, "product_invalid_sku", "Invalid or duplicated SKU.");
    }
    return 0;
}

/* Applies an update body to p; validation happens before any change. */
static int apply_update(sb_ctx *ctx, json_t *p, const json_t *body, item_err *e)
{
    sb_store *st = &ctx->store;
    json_t *ms = json_object_get(body, "manage_stock");
    json_t *sq = json_object_get(body, "stock_quantity");
    if (check_money(body, "regular_price", e) || check_money(body, "sale_price", e) ||
        check_sku(st, p, body, e))
        return -1;
    if ((ms && !json_is_boolean(ms)) ||
        (sq && !json_is_null(sq) && sb_int(body, "stock_quantity", INT64_MIN) == INT64_MIN))
        return set_err(e, 400, "rest_invalid_param",
                       ms && !json_is_boolean(ms) ? "Invalid parameter(s): manage_stock"
                                                  : "Invalid parameter(s): stock_quantity");
    static const char *const plain[] = {"sku",         "regular_price",    "sale_price",
                                        "name",        "status",           "backorders",
                                        "description", "low_stock_amount", "tax_class"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (json_object_get(body, plain[i]))
            json_object_set(p, plain[i], json_object_get(body, plain[i]));
    if (json_is_boolean(ms) && json_is_boolean(json_object_get(p, "manage_stock")) &&
        !json_equal(ms, json_object_get(p, "manage_stock"))) {
        json_object_set(p, "manage_stock", ms);
        json_object_set_new(p, "stock_quantity", json_is_true(ms) ? json_integer(0) : json_null());
    } else if (json_is_true(ms) && json_is_string(json_object_get(p, "manage_stock"))) {
        json_object_set_new(p, "manage_stock", json_true()); /* own stock now */
        json_object_set_new(p, "stock_quantity", json_integer(0));
    }
    if (sq && json_object_get(p, "manage_stock") == json_true())
        json_object_set_new(p, "stock_quantity", json_integer(sb_int(body, "stock_quantity", 0)));
    json_t *ss = json_object_get(body, "stock_status");
    if (json_is_string(ss) && json_object_get(p, "manage_stock") != json_true())
        json_object_set(p, "stock_status", ss);
    sb_stock_status(p);
    sb_set_date(st, p, "date_modified", sb_now(st));
    sb_hooks_event(ctx, "product.updated", sb_int(p, "id", 0));
    return 0;
}

/* Creates a product (parent 0) or a variation of parent. */
static json_t *create_item(sb_ctx *ctx, json_t *parent, const json_t *body, item_err *e)
{
    sb_store *st = &ctx->store;
    if (!parent && !json_is_string(json_object_get(body, "name")))
        return set_err(e, 400, "rest_missing_callback_param", "Missing parameter(s): name"), NULL;
    if (check_money(body, "regular_price", e) || check_sku(st, NULL, body, e))
        return NULL;
    int64_t id = sb_next(&st->next_post_id);
    json_t *seed = json_pack("{s:s, s:s}", "name",
                             sb_str(body, "name", parent ? sb_str(parent, "name", "") : ""), "type",
                             parent ? "variation" : sb_str(body, "type", "simple"));
    json_t *p = sb_product_complete(st, seed, parent != NULL, parent ? sb_int(parent, "id", 0) : 0);
    json_decref(seed);
    json_object_set_new(p, "id", json_integer(id));
    sb_set_date(st, p, "date_created", sb_now(st));
    json_array_append_new(st->products, p);
    if (parent)
        json_array_append_new(json_object_get(parent, "variations"), json_integer(id));
    apply_update(ctx, p, body, e);
    return p;
}

static void remove_item(sb_store *st, json_t *p)
{
    size_t i;
    json_t *x;
    json_array_foreach(st->products, i, x)
    {
        if (x == p) {
            json_array_remove(st->products, i);
            return;
        }
    }
}

/* Looks up the target of an id inside a batch or single route. */
static json_t *lookup(sb_store *st, json_t *parent, int64_t id)
{
    json_t *p = sb_product_find(st, id);
    if (!p)
        return NULL;
    if (parent)
        return is_variation(p) && sb_int(p, "parent_id", 0) == sb_int(parent, "id", 0) ? p : NULL;
    return p;
}

static json_t *batch_item(sb_ctx *ctx, json_t *parent, const char *op, json_t *item)
{
    sb_store *st = &ctx->store;
    item_err e = {0};
    const char *bad_id = parent ? "woocommerce_rest_product_variation_invalid_id"
                                : "woocommerce_rest_product_invalid_id";
    int64_t id = strcmp(op, "delete") == 0 ? (json_is_integer(item) ? json_integer_value(item) : 0)
                                           : sb_int(item, "id", 0);
    json_t *p = NULL, *out = NULL;
    if (strcmp(op, "create") == 0) {
        if (json_is_object(item) && (p = create_item(ctx, parent, item, &e)))
            out = sb_product_view(st, p);
        else if (!json_is_object(item))
            set_err(&e, 400, "rest_invalid_param", "Invalid parameter(s): create");
    } else if (!(p = lookup(st, parent, id))) {
        set_err(&e, 400, bad_id, "Invalid ID.");
    } else if (strcmp(op, "delete") == 0) {
        out = sb_product_view(st, p);
        remove_item(st, p);
    } else if (apply_update(ctx, p, item, &e) == 0) {
        out = sb_product_view(st, p);
    }
    if (out)
        return out;
    json_t *err = json_pack("{s:I, s:o}", "id", (json_int_t)id, "error", error_json(&e));
    json_decref(e.extra);
    return err;
}

static void batch(sb_ctx *ctx, sb_req *req, json_t *parent, sb_resp *resp)
{
    static const char *const ops[] = {"create", "update", "delete"};
    json_t *body = sb_req_json(req, resp);
    if (!body)
        return;
    size_t total = 0, i;
    for (int k = 0; k < 3; k++)
        total += json_array_size(json_object_get(body, ops[k]));
    if (total > SB_BATCH_LIMIT) {
        char msg[96];
        snprintf(msg, sizeof msg, "Unable to accept more than %d items for this request.",
                 SB_BATCH_LIMIT);
        sb_resp_error(resp, 413, "woocommerce_rest_request_entity_too_large", msg);
        json_decref(body);
        return;
    }
    json_t *out = json_object(), *item;
    for (int k = 0; k < 3; k++) {
        json_t *arr = json_object_get(body, ops[k]);
        if (!json_is_array(arr))
            continue;
        json_t *res = json_array();
        json_array_foreach(arr, i, item)
            json_array_append_new(res, batch_item(ctx, parent, ops[k], item));
        json_object_set_new(out, ops[k], res);
    }
    json_decref(body);
    sb_resp_json(resp, 200, out);
}

/* ---- lists --------------------------------------------------------------- */

/* WooCommerce splits `sku` on commas and, for a list, also keeps the
   whole text as one more SKU; an empty SKU never matches. */
static int sku_listed(const char *list, const char *sku)
{
    if (!*sku)
        return 0;
    if (strcmp(list, sku) == 0)
        return 1;
    size_t n = strlen(sku);
    for (const char *t = list; t; t = strchr(t, ',')) {
        if (*t == ',')
            t++;
        if (strncmp(t, sku, n) == 0 && (t[n] == ',' || t[n] == '\0'))
            return 1;
    }
    return 0;
}

/* `include` (ids, comma list as WordPress parses it): 1 when id is in it. */
static int id_listed(const char *list, int64_t id)
{
    for (const char *t = list; t && *t; t = strchr(t, ',')) {
        if (*t == ',')
            t++;
        char *end;
        long long v = strtoll(t, &end, 10);
        if (end != t && v == id && (*end == ',' || *end == '\0'))
            return 1;
    }
    return 0;
}

static void list_products(sb_ctx *ctx, sb_req *req, json_t *parent, sb_resp *resp)
{
    sb_store *st = &ctx->store;
    const char *sku = sb_param_get(req, "sku"), *type = sb_param_get(req, "type");
    const char *order = sb_param_get(req, "order");
    const char *include = sb_param_get(req, "include");
    json_t *all = json_array(), *p;
    size_t i;
    json_array_foreach(st->products, i, p)
    {
        if (parent) {
            if (!is_variation(p) || sb_int(p, "parent_id", 0) != sb_int(parent, "id", 0))
                continue;
        } else if (sku) {
            if (!sku_listed(sku, sb_str(p, "sku", "")))
                continue;
        } else if (is_variation(p)) {
            continue;
        }
        if (type && strcmp(type, sb_str(p, "type", "")) != 0)
            continue;
        if (include && *include && !id_listed(include, sb_int(p, "id", 0)))
            continue;
        json_array_append_new(all, sb_product_view(st, p));
    }
    /* Stored in id order; the default is newest first. */
    if (!order || strcmp(order, "desc") == 0) {
        json_t *rev = json_array();
        for (size_t k = json_array_size(all); k > 0; k--)
            json_array_append(rev, json_array_get(all, k - 1));
        json_decref(all);
        all = rev;
    }
    char route[64];
    if (parent)
        snprintf(route, sizeof route, "/products/%lld/variations",
                 (long long)sb_int(parent, "id", 0));
    sb_paginate(ctx, req, resp, all, parent ? route : "/products");
}

/* ---- dispatch ------------------------------------------------------------ */

static int single(sb_ctx *ctx, sb_req *req, json_t *parent, int64_t id, sb_resp *resp)
{
    sb_store *st = &ctx->store;
    int put = is(req, "PUT") || is(req, "PATCH") || is(req, "POST");
    if (!put && !is(req, "GET") && !is(req, "DELETE"))
        return 0;
    json_t *p = lookup(st, parent, id);
    if (!p) {
        sb_resp_error(resp, put ? 400 : 404,
                      parent ? "woocommerce_rest_product_variation_invalid_id"
                             : "woocommerce_rest_product_invalid_id",
                      "Invalid ID.");
        return 1;
    }
    if (is(req, "DELETE")) {
        sb_resp_json(resp, 200, sb_product_view(st, p));
        remove_item(st, p);
        return 1;
    }
    if (put) {
        item_err e = {0};
        json_t *body = sb_req_json(req, resp);
        if (!body)
            return 1;
        int rc = apply_update(ctx, p, body, &e);
        json_decref(body);
        if (rc) {
            sb_resp_json(resp, e.status, error_json(&e));
            json_decref(e.extra);
            return 1;
        }
    }
    sb_resp_json(resp, 200, sb_product_view(st, p));
    return 1;
}

int sb_route_products(sb_ctx *ctx, sb_req *req, sb_resp *resp)
{
    sb_store *st = &ctx->store;
    int64_t ids[2];
    json_t *parent;
    if (sb_match(req->path, "/products", ids)) {
        if (is(req, "GET")) {
            list_products(ctx, req, NULL, resp);
        } else if (is(req, "POST")) {
            item_err e = {0};
            json_t *body = sb_req_json(req, resp), *p;
            if (!body)
                return 1;
            if ((p = create_item(ctx, NULL, body, &e)))
                sb_resp_json(resp, 201, sb_product_view(st, p));
            else
                sb_resp_json(resp, e.status, error_json(&e));
            json_decref(e.extra);
            json_decref(body);
        } else {
            return 0;
        }
        return 1;
    }
    if (sb_match(req->path, "/products/batch", ids)) {
        if (!is(req, "POST") && !is(req, "PUT") && !is(req, "PATCH"))
            return 0;
        batch(ctx, req, NULL, resp);
        return 1;
    }
    if (sb_match(req->path, "/products/#", ids))
        return single(ctx, req, NULL, ids[0], resp);
    int var_list = sb_match(req->path, "/products/#/variations", ids);
    int var_batch = !var_list && sb_match(req->path, "/products/#/variations/batch", ids);
    int var_one = !var_list && !var_batch && sb_match(req->path, "/products/#/variations/#", ids);
    if (!var_list && !var_batch && !var_one)
        return 0;
    parent = sb_product_find(st, ids[0]);
    if (!parent || is_variation(parent)) {
        sb_resp_error(resp, 404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
        return 1;
    }
    if (var_one)
        return single(ctx, req, parent, ids[1], resp);
    if (var_batch) {
        batch(ctx, req, parent, resp);
        return 1;
    }
    if (!is(req, "GET"))
        return 0;
    list_products(ctx, req, parent, resp);
    return 1;
}
