/*
 * /orders routes: list (filters, ordering, pagination), get, update,
 * create, notes and refunds, with WooCommerce's side effects: a status
 * change bumps date_modified and fires order.updated; processing, on-hold
 * and completed reduce stock once (line meta _reduced_stock), cancelled
 * restores it; a refund bumps the order and fires order.updated, keeps
 * its line_items[] (negative copies of the refunded lines) for
 * GET /orders/{id}/refunds and, with restock_items, puts their quantity
 * back into stock and raises the line meta _restock_refunded_items; DELETE
 * moves it to the trash (order.deleted, no restock) and the control
 * endpoint /__sandbox/restore brings it back (order.restored);
 * /__sandbox/edit is wp-admin's order edit (sb_order_edit: items added
 * and recalculated, stock adjusted for them, addresses and the customer
 * note changed; saving fires order.updated).
 * All functions run with store.mu held (http.c takes it around routes).
 */
#include "sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reduces_stock(const char *s)
{
    return strcmp(s, "processing") == 0 || strcmp(s, "on-hold") == 0 || strcmp(s, "completed") == 0;
}

static json_t *line_meta_find(json_t *line, const char *key, size_t *at)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(line, "meta_data"), i, m)
    {
        if (strcmp(sb_str(m, "key", ""), key) == 0) {
            if (at)
                *at = i;
            return m;
        }
    }
    return NULL;
}

static json_t *line_target(sb_store *st, const json_t *line)
{
    int64_t vid = sb_int(line, "variation_id", 0);
    return sb_product_find(st, vid > 0 ? vid : sb_int(line, "product_id", 0));
}

void sb_order_reduce_stock(sb_ctx *ctx, json_t *order, int apply)
{
    size_t i;
    json_t *line;
    json_array_foreach(json_object_get(order, "line_items"), i, line)
    {
        if (line_meta_find(line, "_reduced_stock", NULL))
            return; /* already reduced once */
    }
    json_array_foreach(json_object_get(order, "line_items"), i, line)
    {
        json_t *item = line_target(&ctx->store, line);
        int64_t qty = sb_int(line, "quantity", 0);
        int managed;
        if (!item)
            continue;
        if (apply) {
            managed = sb_stock_adjust(ctx, item, -qty) != NULL;
        } else {
            json_t *t = json_is_string(json_object_get(item, "manage_stock"))
                            ? sb_product_find(&ctx->store, sb_int(item, "parent_id", 0))
                            : item;
            managed = t && json_object_get(t, "manage_stock") == json_true();
        }
        if (!managed)
            continue;
        char q[32];
        snprintf(q, sizeof q, "%lld", (long long)qty);
        json_array_append_new(json_object_get(line, "meta_data"),
                              json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
                                        (json_int_t)sb_next(&ctx->store.next_meta_id), "key",
                                        "_reduced_stock", "value", q, "display_key",
                                        "_reduced_stock", "display_value", q));
    }
}

static void restore_stock(sb_ctx *ctx, json_t *order)
{
    size_t i, at;
    json_t *line, *m;
    json_array_foreach(json_object_get(order, "line_items"), i, line)
    {
        if (!(m = line_meta_find(line, "_reduced_stock", &at)))
            continue;
        json_t *item = line_target(&ctx->store, line);
        if (item)
            sb_stock_adjust(ctx, item, sb_int(m, "value", 0));
        json_array_remove(json_object_get(line, "meta_data"), at);
    }
}

static void touch(sb_ctx *ctx, json_t *order)
{
    sb_set_date(&ctx->store, order, "date_modified", sb_now(&ctx->store));
    sb_order_flags(order);
    sb_hooks_event(ctx, "order.updated", sb_int(order, "id", 0));
}

void sb_order_set_status(sb_ctx *ctx, json_t *order, const char *status)
{
    sb_store *st = &ctx->store;
    if (strcmp(sb_str(order, "status", ""), status) == 0)
        return;
    json_object_set_new(order, "status", json_string(status));
    if (reduces_stock(status))
        sb_order_reduce_stock(ctx, order, 1);
    else if (strcmp(status, "cancelled") == 0)
        restore_stock(ctx, order);
    if ((strcmp(status, "processing") == 0 || strcmp(status, "completed") == 0) &&
        json_is_null(json_object_get(order, "date_paid_gmt")))
        sb_set_date(st, order, "date_paid", sb_now(st));
    if (strcmp(status, "completed") == 0)
        sb_set_date(st, order, "date_completed", sb_now(st));
    touch(ctx, order);
}

json_t *sb_order_create(sb_ctx *ctx, const json_t *body, sb_resp *resp)
{
    json_t *order = sb_order_build(ctx, body, resp);
    if (!order)
        return NULL;
    json_array_append_new(ctx->store.orders, order);
    if (reduces_stock(sb_str(order, "status", "")))
        sb_order_reduce_stock(ctx, order, 1);
    sb_hooks_event(ctx, "order.created", sb_int(order, "id", 0));
    sb_hooks_event(ctx, "order.updated", sb_int(order, "id", 0));
    return order;
}

/* ---- list ---------------------------------------------------------------- */

typedef struct row {
    int64_t key, id;
    json_t *order;
} row;

static int g_desc; /* qsort has no context; routes run under store.mu */

static int cmp_row(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int c = x->key != y->key ? (x->key < y->key ? -1 : 1) : (x->id < y->id ? -1 : x->id > y->id);
    return g_desc ? -c : c;
}

static int status_wanted(sb_req *req, const char *status)
{
    int any_given = 0;
    for (size_t i = 0; i < req->nparams; i++) {
        const char *k = req->params[i].key;
        if (strcmp(k, "status") != 0 && strncmp(k, "status[", 7) != 0)
            continue;
        any_given = 1;
        char buf[256];
        snprintf(buf, sizeof buf, "%s", req->params[i].value);
        for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (strcmp(tok, status) == 0)
                return 1;
            if (strcmp(tok, "any") == 0 && strcmp(status, "trash") != 0 &&
                strcmp(status, "auto-draft") != 0)
                return 1;
        }
    }
    return !any_given && strcmp(status, "trash") != 0 && strcmp(status, "auto-draft") != 0;
}

static void bad_param(sb_resp *resp, const char *name, const char *why)
{
    char msg[128];
    snprintf(msg, sizeof msg, "Invalid parameter(s): %s", name);
    sb_resp_json(resp, 400,
                 json_pack("{s:s, s:s, s:{s:i, s:{s:s}}}", "code", "rest_invalid_param", "message",
                           msg, "data", "status", 400, "params", name, why));
}

/* Date filters: {param, field}; *_gmt fields are compared in UTC. */
static int date_filters(sb_ctx *ctx, sb_req *req, int64_t lim[4], sb_resp *resp)
{
    static const char *const names[] = {"modified_after", "modified_before", "after", "before"};
    const char *gmt = sb_param_get(req, "dates_are_gmt");
    int off = gmt && (strcmp(gmt, "true") == 0 || strcmp(gmt, "1") == 0)
                  ? 0
                  : (int)sb_int(ctx->store.settings, "gmt_offset_minutes", 0);
    for (int i = 0; i < 4; i++) {
        const char *v = sb_param_get(req, names[i]);
        lim[i] = 0;
        if (v && sb_time_parse(v, off, &lim[i]) != 0) {
            bad_param(resp, names[i], "Invalid date.");
            return -1;
        }
    }
    return 0;
}

static int64_t gmt_field(const json_t *o, const char *name)
{
    int64_t t = 0;
    const char *v = sb_str(o, name, NULL);
    return v && sb_time_parse(v, 0, &t) == 0 ? t : 0;
}

static void list_orders(sb_ctx *ctx, sb_req *req, sb_resp *resp)
{
    sb_store *st = &ctx->store;
    int64_t lim[4];
    const char *orderby = sb_param_get(req, "orderby"), *ord = sb_param_get(req, "order");
    if (!orderby)
        orderby = "date";
    int by_id = strcmp(orderby, "id") == 0 || strcmp(orderby, "include") == 0 ||
                strcmp(orderby, "title") == 0 || strcmp(orderby, "slug") == 0;
    int by_mod = strcmp(orderby, "modified") == 0;
    if (!by_id && !by_mod && strcmp(orderby, "date") != 0) {
        bad_param(resp, "orderby",
                  "orderby is not one of date, id, include, title, slug, and modified.");
        return;
    }
    if (ord && strcmp(ord, "asc") != 0 && strcmp(ord, "desc") != 0) {
        bad_param(resp, "order", "order is not one of asc, and desc.");
        return;
    }
    if (date_filters(ctx, req, lim, resp))
        return;
    size_t n = json_array_size(st->orders), k = 0, i;
    row *rows = calloc(n ? n : 1, sizeof *rows);
    json_t *o;
    json_array_foreach(st->orders, i, o)
    {
        int64_t mod = gmt_field(o, "date_modified_gmt"), cre = gmt_field(o, "date_created_gmt");
        if (!status_wanted(req, sb_order_trashed(o) ? "trash" : sb_str(o, "status", "")) ||
            (lim[0] && mod <= lim[0]) || (lim[1] && mod >= lim[1]) || (lim[2] && cre <= lim[2]) ||
            (lim[3] && cre >= lim[3]))
            continue;
        rows[k].id = sb_int(o, "id", 0);
        rows[k].key = by_id ? rows[k].id : by_mod ? mod : cre;
        rows[k++].order = o;
    }
    g_desc = !ord || strcmp(ord, "desc") == 0;
    qsort(rows, k, sizeof *rows, cmp_row);
    json_t *all = json_array();
    for (i = 0; i < k; i++)
        json_array_append_new(all, sb_order_view(st, rows[i].order));
    free(rows);
    sb_paginate(ctx, req, resp, all, "/orders");
}

/* ---- update ------------------------------------------------------------- */

static void update_order(sb_ctx *ctx, json_t *order, const json_t *body, sb_resp *resp)
{
    const char *status = sb_str(body, "status", NULL);
    if (json_object_get(body, "status") && (!status || !sb_status_valid(status))) {
        sb_resp_bad_status(resp);
        return;
    }
    static const char *const plain[] = {"transaction_id", "customer_note", "payment_method",
                                        "payment_method_title"};
    int changed = 0;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        json_t *v = json_object_get(body, plain[i]);
        if (json_is_string(v) && !json_equal(v, json_object_get(order, plain[i]))) {
            json_object_set(order, plain[i], v);
            changed = 1;
        }
    }
    if (json_is_true(json_object_get(body, "set_paid")) && !status &&
        strcmp(sb_str(order, "status", ""), "pending") == 0)
        status = "processing";
    if (status && strcmp(status, sb_str(order, "status", "")) != 0)
        sb_order_set_status(ctx, order, status); /* bumps and fires */
    else if (changed)
        touch(ctx, order);
    sb_resp_json(resp, 200, sb_order_view(&ctx->store, order));
}

/* ---- trash and restore ---------------------------------------------------- */

int sb_order_trashed(const json_t *order)
{
    return json_is_true(json_object_get(order, "_trashed"));
}

/* DELETE /orders/{id} without force: the store moves the order to the
   trash and fires order.deleted with the order as it was (status
   unchanged); nothing is restocked. Permanent deletion is not emulated. */
static void trash_order(sb_ctx *ctx, sb_req *req, json_t *order, sb_resp *resp)
{
    const char *force = sb_param_get(req, "force");
    if (force && (strcmp(force, "true") == 0 || strcmp(force, "1") == 0)) {
        sb_resp_error(resp, 501, "sandbox_not_emulated",
                      "sandbox: permanent deletion (force=true) is not emulated");
        return;
    }
    if (!sb_order_trashed(order)) {
        json_object_set_new(order, "_trashed", json_true());
        sb_set_date(&ctx->store, order, "date_modified", sb_now(&ctx->store));
        sb_hooks_event(ctx, "order.deleted", sb_int(order, "id", 0));
    }
    sb_resp_json(resp, 200, sb_order_view(&ctx->store, order));
}

/* wp-admin "Restore": the order leaves the trash in its real state and
   order.restored fires. */
int sb_order_restore(sb_ctx *ctx, json_t *order)
{
    if (!sb_order_trashed(order))
        return -1;
    json_object_del(order, "_trashed");
    sb_set_date(&ctx->store, order, "date_modified", sb_now(&ctx->store));
    sb_hooks_event(ctx, "order.restored", sb_int(order, "id", 0));
    return 0;
}

/* ---- notes and refunds -------------------------------------------------- */

static json_t *bucket(json_t *map, int64_t id)
{
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    json_t *a = json_object_get(map, key);
    if (!a) {
        a = json_array();
        json_object_set_new(map, key, a);
    }
    return a;
}

static json_t *note_view(sb_store *st, int64_t oid, const json_t *note)
{
    char self[256], coll[256];
    json_t *v = json_deep_copy(note);
    snprintf(self, sizeof self, "%s/wp-json/wc/v3/orders/%lld/notes/%lld", st->site_url,
             (long long)oid, (long long)sb_int(note, "id", 0));
    snprintf(coll, sizeof coll, "%s/wp-json/wc/v3/orders/%lld/notes", st->site_url, (long long)oid);
    json_object_set_new(
        v, "_links",
        json_pack("{s:[{s:s}], s:[{s:s}]}", "self", "href", self, "collection", "href", coll));
    return v;
}

static void add_note(sb_ctx *ctx, int64_t oid, const json_t *body, sb_resp *resp)
{
    sb_store *st = &ctx->store;
    const char *text = sb_str(body, "note", NULL);
    if (!text || !*text) {
        sb_resp_json(resp, 400,
                     json_pack("{s:s, s:s, s:{s:i, s:[s]}}", "code", "rest_missing_callback_param",
                               "message", "Missing parameter(s): note", "data", "status", 400,
                               "params", "note"));
        return;
    }
    json_t *note = json_pack(
        "{s:I, s:s, s:n, s:n, s:s, s:b}", "id", (json_int_t)sb_next(&st->next_note_id), "author",
        json_is_true(json_object_get(body, "added_by_user")) ? "admin" : "WooCommerce",
        "date_created", "date_created_gmt", "note", text, "customer_note",
        json_is_true(json_object_get(body, "customer_note")));
    sb_set_date(st, note, "date_created", sb_now(st));
    json_array_insert_new(bucket(st->notes, oid), 0, note); /* newest first */
    sb_resp_json(resp, 201, note_view(st, oid, note));
}

static void list_notes(sb_ctx *ctx, sb_req *req, int64_t oid, sb_resp *resp)
{
    const char *type = sb_param_get(req, "type");
    json_t *out = json_array(), *n;
    size_t i;
    json_array_foreach(bucket(ctx->store.notes, oid), i, n)
    {
        int cust = json_is_true(json_object_get(n, "customer_note"));
        if (type &&
            ((strcmp(type, "customer") == 0 && !cust) || (strcmp(type, "internal") == 0 && cust)))
            continue;
        json_array_append_new(out, note_view(&ctx->store, oid, n));
    }
    sb_resp_json(resp, 200, out);
}

static json_t *line_by_id(json_t *order, int64_t id)
{
    size_t i;
    json_t *line;
    json_array_foreach(json_object_get(order, "line_items"), i, line)
    {
        if (sb_int(line, "id", 0) == id)
            return line;
    }
    return NULL;
}

/* A system note as WooCommerce writes it when a refund restocks. */
static void system_note(sb_store *st, int64_t oid, const char *text)
{
    json_t *note = json_pack("{s:I, s:s, s:n, s:n, s:s, s:b}", "id",
                             (json_int_t)sb_next(&st->next_note_id), "author", "system",
                             "date_created", "date_created_gmt", "note", text, "customer_note", 0);
    sb_set_date(st, note, "date_created", sb_now(st));
    json_array_insert_new(bucket(st->notes, oid), 0, note);
}

/* Raises the line's cumulative _restock_refunded_items by qty. */
static void add_restocked_meta(sb_store *st, json_t *line, int64_t qty)
{
    json_t *m = line_meta_find(line, "_restock_refunded_items", NULL);
    int64_t before = m ? strtoll(sb_str(m, "value", "0"), NULL, 10) : 0;
    char q[32];
    snprintf(q, sizeof q, "%lld", (long long)(before + qty));
    if (m) {
        json_object_set_new(m, "value", json_string(q));
        json_object_set_new(m, "display_value", json_string(q));
        return;
    }
    json_array_append_new(json_object_get(line, "meta_data"),
                          json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
                                    (json_int_t)sb_next(&st->next_meta_id), "key",
                                    "_restock_refunded_items", "value", q, "display_key",
                                    "_restock_refunded_items", "display_value", q));
}

/* Puts qty of the line's product back, as wc_restock_refunded_items does:
   stock up, the line's meta, a note naming the change. */
static void restock_line(sb_ctx *ctx, int64_t oid, json_t *line, int64_t qty)
{
    json_t *item = line_target(&ctx->store, line);
    json_t *target = item ? sb_stock_adjust(ctx, item, qty) : NULL;
    if (!target)
        return; /* not stock-managed: WooCommerce restocks nothing */
    add_restocked_meta(&ctx->store, line, qty);
    char text[160];
    int64_t now = sb_int(target, "stock_quantity", 0);
    snprintf(text, sizeof text, "Item #%lld stock increased from %lld to %lld.",
             (long long)sb_int(item, "id", 0), (long long)(now - qty), (long long)now);
    system_note(&ctx->store, oid, text);
}

/* The refund's own copy of a refunded line: negative quantity and
   amounts, _refunded_item_id naming the order line. */
static json_t *refund_item(sb_store *st, const json_t *line, int64_t qty, int64_t net,
                           const json_t *taxes)
{
    char ref[32];
    snprintf(ref, sizeof ref, "%lld", (long long)sb_int(line, "id", 0));
    int64_t tax = 0;
    size_t i;
    json_t *t, *tx = json_array();
    json_array_foreach(taxes, i, t)
    {
        int64_t v = 0;
        sb_money_get(t, "refund_total", &v);
        tax += v;
        json_array_append_new(tx,
                              json_pack("{s:I, s:o, s:o}", "id", (json_int_t)sb_int(t, "id", 0),
                                        "total", sb_money_json(-v), "subtotal", sb_money_json(-v)));
    }
    json_t *item = json_pack(
        "{s:I, s:s, s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:[{s:I, s:s, s:s, s:s, s:s}],"
        " s:s}",
        "id", (json_int_t)sb_next(&st->next_item_id), "name", sb_str(line, "name", ""),
        "product_id", (json_int_t)sb_int(line, "product_id", 0), "variation_id",
        (json_int_t)sb_int(line, "variation_id", 0), "quantity", (json_int_t)-qty, "tax_class",
        sb_str(line, "tax_class", ""), "subtotal", sb_money_json(-net), "subtotal_tax",
        sb_money_json(-tax), "total", sb_money_json(-net), "total_tax", sb_money_json(-tax),
        "taxes", tx, "meta_data", "id", (json_int_t)sb_next(&st->next_meta_id), "key",
        "_refunded_item_id", "value", ref, "display_key", "_refunded_item_id", "display_value", ref,
        "sku", sb_str(line, "sku", ""));
    if (qty > 0 && net % (qty * 100) == 0)
        json_object_set_new(item, "price", json_integer(-net / (qty * 100)));
    else if (qty > 0)
        json_object_set_new(item, "price", json_real(-(double)net / 100.0 / (double)qty));
    return item;
}

/* Checks the body's line_items[] ({id, quantity, refund_total,
   refund_tax[]}) against the order; names the first bad entry. */
static int refund_lines_valid(json_t *order, const json_t *lines, sb_resp *resp)
{
    size_t i;
    json_t *x;
    char msg[128];
    json_array_foreach(lines, i, x)
    {
        json_t *line = line_by_id(order, sb_int(x, "id", 0));
        int64_t qty = sb_int(x, "quantity", 0), v;
        if (line && qty >= 0 && qty <= sb_int(line, "quantity", 0) &&
            sb_money_get(x, "refund_total", &v) == 0 && v >= 0)
            continue;
        snprintf(msg, sizeof msg, "Invalid refund line item %zu (order item %lld).", i,
                 (long long)sb_int(x, "id", 0));
        sb_resp_error(resp, 400, "woocommerce_rest_invalid_order_refund", msg);
        return 0;
    }
    return 1;
}

/* The refunded lines: the refund's own line_items, and the stock put
   back when restock_items is true (a refund without lines restocks
   nothing). */
static void refund_lines(sb_ctx *ctx, json_t *order, json_t *refund, const json_t *body)
{
    int restock = json_is_true(json_object_get(body, "restock_items"));
    int64_t oid = sb_int(order, "id", 0);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(body, "line_items"), i, x)
    {
        json_t *line = line_by_id(order, sb_int(x, "id", 0));
        int64_t qty = sb_int(x, "quantity", 0), net = 0;
        sb_money_get(x, "refund_total", &net);
        json_array_append_new(
            json_object_get(refund, "line_items"),
            refund_item(&ctx->store, line, qty, net, json_object_get(x, "refund_tax")));
        if (restock && qty > 0)
            restock_line(ctx, oid, line, qty);
    }
}

static void add_refund(sb_ctx *ctx, json_t *order, const json_t *body, sb_resp *resp)
{
    sb_store *st = &ctx->store;
    int64_t amount, total, done = 0, r;
    size_t i;
    json_t *x;
    if (sb_money_get(body, "amount", &amount) || amount <= 0) {
        sb_resp_error(resp, 400, "woocommerce_rest_invalid_order_refund",
                      "Refund amount must be greater than zero.");
        return;
    }
    sb_money_get(order, "total", &total);
    json_array_foreach(json_object_get(order, "refunds"), i, x)
    {
        sb_money_get(x, "total", &r);
        done -= r;
    }
    if (amount > total - done) {
        sb_resp_error(resp, 500, "woocommerce_rest_cannot_create_order_refund",
                      "Invalid refund amount.");
        return;
    }
    if (!refund_lines_valid(order, json_object_get(body, "line_items"), resp))
        return;
    int64_t oid = sb_int(order, "id", 0), id = sb_next(&st->next_post_id);
    const char *reason = sb_str(body, "reason", "");
    json_t *refund = json_pack(
        "{s:I, s:n, s:n, s:o, s:s, s:i, s:b, s:[], s:[], s:[], s:[], s:[]}", "id", (json_int_t)id,
        "date_created", "date_created_gmt", "amount", sb_money_json(amount), "reason", reason,
        "refunded_by", 1, "refunded_payment", json_is_true(json_object_get(body, "api_refund")),
        "meta_data", "line_items", "shipping_lines", "tax_lines", "fee_lines");
    sb_set_date(st, refund, "date_created", sb_now(st));
    refund_lines(ctx, order, refund, body);
    json_array_append_new(bucket(st->refunds, oid), refund);
    json_array_append_new(json_object_get(order, "refunds"),
                          json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "reason", reason,
                                    "total", sb_money_json(-amount)));
    if (amount == total - done)
        sb_order_set_status(ctx, order, "refunded");
    else
        touch(ctx, order);
    sb_resp_json(resp, 201, json_deep_copy(refund));
}

/* ---- wp-admin edits ------------------------------------------------------- */

/* Adds `delta` (cents) of obj[key] as money text. */
static void money_add(json_t *obj, const char *key, int64_t delta)
{
    int64_t v = 0;
    sb_money_get(obj, key, &v);
    json_object_set_new(obj, key, sb_money_json(v + delta));
}

/* The added lines' tax rows into the order's tax_lines, by rate_id. */
static void merge_tax_lines(json_t *order, const json_t *added)
{
    size_t i, j;
    json_t *t, *have;
    json_array_foreach(json_object_get(added, "tax_lines"), i, t)
    {
        int64_t rid = sb_int(t, "rate_id", 0), v = 0;
        sb_money_get(t, "tax_total", &v);
        json_t *into = NULL;
        json_array_foreach(json_object_get(order, "tax_lines"), j, have)
        {
            if (sb_int(have, "rate_id", -1) == rid)
                into = have;
        }
        if (into)
            money_add(into, "tax_total", v);
        else
            json_array_append(json_object_get(order, "tax_lines"), t);
    }
}

/* wp-admin reduces stock for an item added to an order whose stock was
   already reduced, marks the line and notes it ("Adjusted stock"). */
static void reduce_added_line(sb_ctx *ctx, json_t *order, json_t *line)
{
    size_t i;
    json_t *l;
    int reduced = 0;
    json_array_foreach(json_object_get(order, "line_items"), i, l)
    {
        if (l != line && line_meta_find(l, "_reduced_stock", NULL))
            reduced = 1;
    }
    json_t *item = line_target(&ctx->store, line);
    int64_t qty = sb_int(line, "quantity", 0);
    json_t *target = reduced && item ? sb_stock_adjust(ctx, item, -qty) : NULL;
    if (!target)
        return;
    char q[32], text[256];
    snprintf(q, sizeof q, "%lld", (long long)qty);
    json_array_append_new(json_object_get(line, "meta_data"),
                          json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
                                    (json_int_t)sb_next(&ctx->store.next_meta_id), "key",
                                    "_reduced_stock", "value", q, "display_key", "_reduced_stock",
                                    "display_value", q));
    int64_t now = sb_int(target, "stock_quantity", 0);
    snprintf(text, sizeof text, "Adjusted stock: %s (%s) %lld&rarr;%lld", sb_str(line, "name", ""),
             sb_str(line, "sku", ""), (long long)(now + qty), (long long)now);
    system_note(&ctx->store, sb_int(order, "id", 0), text);
}

/* "Add item(s)" + "Recalculate": the new lines priced and taxed as the
   store would (sb_order_build on them alone), appended with fresh ids,
   their taxes merged into the order's rows and totals. */
static int add_line_items(sb_ctx *ctx, json_t *order, const json_t *items, sb_resp *resp)
{
    json_t *body = json_pack("{s:I, s:s, s:O}", "id", (json_int_t)sb_int(order, "id", 0), "status",
                             "pending", "line_items", items);
    json_t *added = sb_order_build(ctx, body, resp);
    json_decref(body);
    if (!added)
        return -1;
    size_t i;
    json_t *line;
    char names[512] = "";
    size_t n = 0;
    json_array_foreach(json_object_get(added, "line_items"), i, line)
    {
        json_array_append(json_object_get(order, "line_items"), line);
        if (n + 2 < sizeof names)
            n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", n ? ", " : "",
                                  sb_str(line, "name", ""));
    }
    merge_tax_lines(order, added);
    static const char *const sums[] = {"total", "cart_tax", "total_tax", "discount_total",
                                       "discount_tax"};
    for (i = 0; i < sizeof sums / sizeof sums[0]; i++) {
        int64_t v = 0;
        sb_money_get(added, sums[i], &v);
        money_add(order, sums[i], v);
    }
    json_decref(added);
    char text[600];
    snprintf(text, sizeof text, "Added line items: %s", names);
    system_note(&ctx->store, sb_int(order, "id", 0), text);
    size_t total = json_array_size(json_object_get(order, "line_items"));
    for (i = total - json_array_size(items); i < total; i++)
        reduce_added_line(ctx, order, json_array_get(json_object_get(order, "line_items"), i));
    return 0;
}

int sb_order_edit(sb_ctx *ctx, json_t *order, const json_t *body, sb_resp *resp)
{
    const json_t *items = json_object_get(body, "add_line_items");
    if (json_is_array(items) && json_array_size(items) > 0 &&
        add_line_items(ctx, order, items, resp) != 0)
        return -1;
    static const char *const objects[] = {"billing", "shipping"};
    for (size_t k = 0; k < 2; k++) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)json_object_get(body, objects[k]), key, v)
        {
            if (json_is_string(v))
                json_object_set(json_object_get(order, objects[k]), key, v);
        }
    }
    json_t *note = json_object_get(body, "customer_note");
    if (json_is_string(note))
        json_object_set(order, "customer_note", note);
    touch(ctx, order); /* saving the order in wp-admin fires order.updated */
    return 0;
}

/* ---- dispatch ----------------------------------------------------------- */

static int is(const sb_req *req, const char *m)
{
    return strcmp(req->method, m) == 0;
}

static int order_sub(sb_ctx *ctx, sb_req *req, sb_resp *resp, int64_t oid, int notes)
{
    json_t *order = sb_order_find(&ctx->store, oid), *body = NULL;
    if (!is(req, "GET") && !is(req, "POST"))
        return 0;
    if (!order) {
        sb_resp_error(resp, 404, "woocommerce_rest_order_invalid_id", "Invalid order ID.");
        return 1;
    }
    if (is(req, "GET")) {
        if (notes)
            list_notes(ctx, req, oid, resp);
        else
            sb_resp_json(resp, 200, json_deep_copy(bucket(ctx->store.refunds, oid)));
        return 1;
    }
    if (!(body = sb_req_json(req, resp)))
        return 1;
    if (notes)
        add_note(ctx, oid, body, resp);
    else
        add_refund(ctx, order, body, resp);
    json_decref(body);
    return 1;
}

int sb_route_orders(sb_ctx *ctx, sb_req *req, sb_resp *resp)
{
    int64_t ids[2];
    json_t *body;
    if (sb_match(req->path, "/orders", ids)) {
        if (is(req, "GET")) {
            list_orders(ctx, req, resp);
        } else if (is(req, "POST")) {
            if (!(body = sb_req_json(req, resp)))
                return 1;
            json_t *o = sb_order_create(ctx, body, resp);
            if (o)
                sb_resp_json(resp, 201, sb_order_view(&ctx->store, o));
            json_decref(body);
        } else {
            return 0;
        }
        return 1;
    }
    if (sb_match(req->path, "/orders/#/notes", ids))
        return order_sub(ctx, req, resp, ids[0], 1);
    if (sb_match(req->path, "/orders/#/refunds", ids))
        return order_sub(ctx, req, resp, ids[0], 0);
    if (!sb_match(req->path, "/orders/#", ids))
        return 0;
    json_t *order = sb_order_find(&ctx->store, ids[0]);
    int put = is(req, "PUT") || is(req, "PATCH") || is(req, "POST");
    int del = is(req, "DELETE");
    if (!put && !del && !is(req, "GET"))
        return 0;
    if (!order) {
        sb_resp_error(resp, put ? 400 : 404, "woocommerce_rest_shop_order_invalid_id",
                      "Invalid ID.");
        return 1;
    }
    if (del) {
        trash_order(ctx, req, order, resp);
        return 1;
    }
    if (!put) {
        sb_resp_json(resp, 200, sb_order_view(&ctx->store, order));
        return 1;
    }
    if ((body = sb_req_json(req, resp))) {
        update_order(ctx, order, body, resp);
        json_decref(body);
    }
    return 1;
}
