/*
 * The read-only settings endpoints (/taxes, /taxes/classes,
 * /payment_gateways, /shipping_methods, /shipping/zones and each zone's
 * /methods, /webhooks) and the sandbox's own
 * control endpoints under /__sandbox/ (not part of WooCommerce; no auth):
 * webhook knobs, state summary, order creation, status change, restore
 * from the trash (wp-admin's Restore), fake clock.
 */
#include "sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is(const sb_req *req, const char *m)
{
    return strcmp(req->method, m) == 0;
}

/* Copies arr adding _links {self: base/<id>, collection: base}. */
static json_t *with_links(sb_store *st, const json_t *arr, const char *route, const char *id_key)
{
    json_t *out = json_array(), *x;
    size_t i;
    char coll[256], self[320];
    snprintf(coll, sizeof coll, "%s/wp-json/wc/v3%s", st->site_url, route);
    json_array_foreach(arr, i, x)
    {
        json_t *v = json_deep_copy(x);
        json_t *l = json_pack("{s:[{s:s}]}", "collection", "href", coll);
        json_t *idv = id_key ? json_object_get(x, id_key) : NULL;
        if (idv) {
            if (json_is_integer(idv))
                snprintf(self, sizeof self, "%s/%lld", coll, (long long)json_integer_value(idv));
            else
                snprintf(self, sizeof self, "%s/%s", coll, sb_str(x, id_key, ""));
            json_object_set_new(l, "self", json_pack("[{s:s}]", "href", self));
        }
        json_object_set_new(v, "_links", l);
        json_array_append_new(out, v);
    }
    return out;
}

static void whole_list(sb_resp *resp, json_t *list)
{
    resp->total = (int64_t)json_array_size(list);
    resp->total_pages = 1;
    sb_resp_json(resp, 200, list);
}

/* A zone of the seed's shipping_zones by id (0 is "Locations not covered
   by your other zones", which a store always has), or NULL. */
static const json_t *find_zone(const sb_store *st, int64_t id)
{
    size_t i;
    const json_t *z;
    json_array_foreach(st->shipping_zones, i, z)
    {
        if (sb_int(z, "id", -1) == id)
            return z;
    }
    return NULL;
}

/* GET /shipping/zones: each zone's id, name and order (its methods are a
   route of their own), with links. */
static json_t *zones_view(sb_store *st)
{
    json_t *bare = json_array(), *z;
    size_t i;
    json_array_foreach(st->shipping_zones, i, z)
    {
        json_t *v = json_deep_copy(z);
        json_object_del(v, "methods");
        json_array_append_new(bare, v);
    }
    json_t *out = with_links(st, bare, "/shipping/zones", "id");
    json_decref(bare);
    return out;
}

/* GET /shipping/zones/{id}/methods: the zone's method instances as the
   store keeps them (id = instance_id, settings with cost.value). */
static json_t *zone_methods_view(sb_store *st, const json_t *zone)
{
    char route[64];
    snprintf(route, sizeof route, "/shipping/zones/%lld/methods", (long long)sb_int(zone, "id", 0));
    const json_t *m = json_object_get(zone, "methods");
    json_t *empty = json_array();
    json_t *out = with_links(st, json_is_array(m) ? m : empty, route, "instance_id");
    json_decref(empty);
    return out;
}

/* PUT body of /webhooks/{id}: delivery_url, secret, status. Returns 0 or
   -1 with resp set. */
static int webhook_update(sb_ctx *ctx, const json_t *body, int64_t id, sb_resp *resp)
{
    const char *status = sb_str(body, "status", NULL);
    const char *url = sb_str(body, "delivery_url", NULL);
    const char *secret = sb_str(body, "secret", NULL);
    int bad = status && strcmp(status, "active") && strcmp(status, "paused") &&
              strcmp(status, "disabled");
    if (bad) {
        sb_resp_error(resp, 400, "rest_invalid_param", "Invalid parameter(s): status");
        return -1;
    }
    int r = sb_hooks_configure(ctx, id, url, secret);
    if (r == -2) {
        sb_resp_error(resp, 400, "rest_invalid_param",
                      "Invalid parameter(s): delivery_url or secret");
        return -1;
    }
    if (r != 0 || (status && sb_hooks_set_status(ctx, id, status))) {
        sb_resp_error(resp, 404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.");
        return -1;
    }
    return 0;
}

/* GET/PUT /webhooks/{id}: the connector re-enables a disabled webhook; a
   setup (or the demo) points it at the host with delivery_url + secret. */
static int webhook_one(sb_ctx *ctx, sb_req *req, int64_t id, sb_resp *resp)
{
    int put = is(req, "PUT") || is(req, "PATCH") || is(req, "POST");
    if (!put && !is(req, "GET"))
        return 0;
    if (put) {
        json_t *body = sb_req_json(req, resp);
        if (!body)
            return 1;
        int r = webhook_update(ctx, body, id, resp);
        json_decref(body);
        if (r != 0)
            return 1;
    }
    json_t *all = ctx->hooks ? sb_hooks_summary(ctx) : json_array();
    json_t *one = id >= 1 ? json_array_get(all, (size_t)(id - 1)) : NULL;
    if (one)
        sb_resp_json(resp, 200, json_incref(one));
    else
        sb_resp_error(resp, 404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.");
    json_decref(all);
    return 1;
}

int sb_route_misc(sb_ctx *ctx, sb_req *req, sb_resp *resp)
{
    sb_store *st = &ctx->store;
    int64_t ids[2];
    if (sb_match(req->path, "/webhooks/#", ids))
        return webhook_one(ctx, req, ids[0], resp);
    if (!is(req, "GET"))
        return 0;
    if (sb_match(req->path, "/taxes", ids)) {
        const char *cls = sb_param_get(req, "class");
        json_t *all = with_links(st, st->taxes, "/taxes", "id"), *keep = json_array(), *t;
        size_t i;
        json_array_foreach(all, i, t)
        {
            if (!cls || strcmp(cls, sb_str(t, "class", "standard")) == 0)
                json_array_append(keep, t);
        }
        json_decref(all);
        sb_paginate(ctx, req, resp, keep, "/taxes");
        return 1;
    }
    if (sb_match(req->path, "/taxes/classes", ids)) {
        whole_list(resp, with_links(st, st->tax_classes, "/taxes/classes", NULL));
        return 1;
    }
    if (sb_match(req->path, "/payment_gateways", ids)) {
        whole_list(resp, with_links(st, st->gateways, "/payment_gateways", "id"));
        return 1;
    }
    if (sb_match(req->path, "/shipping_methods", ids)) {
        whole_list(resp, with_links(st, st->shipping_methods, "/shipping_methods", "id"));
        return 1;
    }
    if (sb_match(req->path, "/shipping/zones", ids)) {
        whole_list(resp, zones_view(st));
        return 1;
    }
    if (sb_match(req->path, "/shipping/zones/#/methods", ids)) {
        const json_t *z = find_zone(st, ids[0]);
        if (z == NULL)
            sb_resp_error(resp, 404, "woocommerce_rest_shipping_zone_invalid",
                          "Invalid resource id.");
        else
            whole_list(resp, zone_methods_view(st, z));
        return 1;
    }
    if (sb_match(req->path, "/webhooks", ids)) {
        whole_list(resp, ctx->hooks ? sb_hooks_summary(ctx) : json_array());
        return 1;
    }
    return 0;
}

/* ---- /__sandbox/ ---------------------------------------------------------- */

static void ok(sb_resp *resp)
{
    sb_resp_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

static void admin_clock(sb_ctx *ctx, const json_t *body, sb_resp *resp)
{
    sb_store *st = &ctx->store;
    const char *now = sb_str(body, "now", NULL);
    int64_t t;
    if (now) {
        if (sb_time_parse(now, 0, &t)) {
            sb_resp_error(resp, 400, "sandbox_bad_clock", "now: expected ISO 8601 UTC");
            return;
        }
        st->clock_fixed = t;
    } else if (json_is_integer(json_object_get(body, "advance_s"))) {
        st->clock_fixed = sb_now(st) + json_integer_value(json_object_get(body, "advance_s"));
    } else if (json_is_true(json_object_get(body, "real"))) {
        st->clock_fixed = 0;
    } else {
        sb_resp_error(resp, 400, "sandbox_bad_clock",
                      "expected {\"now\":...}, {\"advance_s\":N} or {\"real\":true}");
        return;
    }
    char buf[32];
    sb_resp_json(resp, 200, json_pack("{s:s}", "now", sb_time_fmt(sb_now(st), buf)));
}

static void admin_status(sb_ctx *ctx, const json_t *body, sb_resp *resp)
{
    json_t *order = sb_order_find(&ctx->store, sb_int(body, "order_id", 0));
    const char *status = sb_str(body, "status", "");
    if (!order) {
        sb_resp_error(resp, 404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
        return;
    }
    if (!sb_status_valid(status)) {
        sb_resp_bad_status(resp);
        return;
    }
    sb_order_set_status(ctx, order, status);
    sb_resp_json(resp, 200, sb_order_view(&ctx->store, order));
}

static void admin_restore(sb_ctx *ctx, const json_t *body, sb_resp *resp)
{
    json_t *order = sb_order_find(&ctx->store, sb_int(body, "order_id", 0));
    if (!order)
        sb_resp_error(resp, 404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
    else if (sb_order_restore(ctx, order) != 0)
        sb_resp_error(resp, 409, "sandbox_not_trashed", "the order is not in the trash");
    else
        sb_resp_json(resp, 200, sb_order_view(&ctx->store, order));
}

static void admin_edit(sb_ctx *ctx, const json_t *body, sb_resp *resp)
{
    json_t *order = sb_order_find(&ctx->store, sb_int(body, "order_id", 0));
    if (!order || sb_order_trashed(order))
        sb_resp_error(resp, 404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
    else if (sb_order_edit(ctx, order, body, resp) == 0)
        sb_resp_json(resp, 200, sb_order_view(&ctx->store, order));
}

static int admin_post(sb_ctx *ctx, sb_req *req, const char *what, sb_resp *resp)
{
    static const char *const knobs[] = {"duplicate-next", "reorder", "drop-next", "flush"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(what, knobs[i]) != 0)
            continue;
        if (!ctx->hooks)
            sb_resp_error(resp, 409, "sandbox_no_webhook", "started without --webhook-url");
        else if (sb_hooks_knob(ctx, what) == 0)
            ok(resp);
        return 1;
    }
    if (strcmp(what, "save") == 0) {
        if (!ctx->state_file || sb_store_save(ctx, ctx->state_file))
            sb_resp_error(resp, 500, "sandbox_save_failed", "no --state-file or write failed");
        else
            ok(resp);
        return 1;
    }
    int order = strcmp(what, "order") == 0, clock = strcmp(what, "clock") == 0;
    int status = strcmp(what, "status") == 0, fault = strcmp(what, "fault") == 0;
    int restore = strcmp(what, "restore") == 0, edit = strcmp(what, "edit") == 0;
    if (!order && !clock && !status && !fault && !restore && !edit)
        return 0;
    json_t *body = sb_req_json(req, resp);
    if (!body)
        return 1;
    pthread_mutex_lock(&ctx->store.mu);
    if (order) {
        json_t *o = sb_order_create(ctx, body, resp);
        if (o)
            sb_resp_json(resp, 201, sb_order_view(&ctx->store, o));
    } else if (clock) {
        admin_clock(ctx, body, resp);
    } else if (restore) {
        admin_restore(ctx, body, resp);
    } else if (edit) {
        admin_edit(ctx, body, resp);
    } else if (fault) {
        sb_fault_knob(ctx, body, resp);
    } else {
        admin_status(ctx, body, resp);
    }
    pthread_mutex_unlock(&ctx->store.mu);
    json_decref(body);
    return 1;
}

int sb_route_admin(sb_ctx *ctx, sb_req *req, sb_resp *resp)
{
    const char *what = req->path + strlen("/__sandbox/");
    if (is(req, "GET") && strcmp(what, "state") == 0) {
        pthread_mutex_lock(&ctx->store.mu);
        sb_resp_json(resp, 200, sb_store_summary(ctx));
        pthread_mutex_unlock(&ctx->store.mu);
        return 1;
    }
    if (is(req, "POST"))
        return admin_post(ctx, req, what, resp);
    return 0;
}
