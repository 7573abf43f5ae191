/*
 * The sandbox's control endpoints under /__sandbox/ (not part of Mozello,
 * no auth), for tests:
 *   GET  /__sandbox/state                 stock, prices, order flags, call
 *                                         counts, changes, notifications
 *   POST /__sandbox/knob     {"throttle_next":N, "rate_limit":N,
 *                             "duplicate_next":true, "fail_next":N}
 *   POST /__sandbox/notify   {"event":E, "order_id":X | "handle":H}
 *   POST /__sandbox/order/{id}/ {"payment_status":..., "dispatched":...,
 *                             "deleted":true}   shop-side change + event
 *   POST /__sandbox/orders   {"order":{...full order...}} + ORDER_CREATED
 *   POST /__sandbox/flush    {"horizon_ms":N}  wait for due deliveries
 */
#include "msb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *ok(int *status)
{
    *status = 200;
    return json_pack("{s:b}", "ok", 1);
}

static json_t *bad(int *status, const char *msg)
{
    *status = 400;
    return msb_error(400, msg);
}

static json_t *knob(msb *s, const json_t *b, int *status)
{
    json_t *v;
    if ((v = json_object_get(b, "throttle_next")))
        s->throttle_next = json_integer_value(v);
    if ((v = json_object_get(b, "rate_limit")))
        s->rate_limit = json_integer_value(v);
    if ((v = json_object_get(b, "duplicate_next")))
        msb_notify_knob(s, "duplicate_next", json_is_true(v));
    if ((v = json_object_get(b, "fail_next")))
        msb_notify_knob(s, "fail_next", json_integer_value(v));
    return ok(status);
}

/* The payload Mozello sends for an event about order o. */
static json_t *order_payload(const char *event, const json_t *o)
{
    json_t *id = json_object_get(o, "order_id");
    if (strcmp(event, "PAYMENT_CHANGED") == 0)
        return json_pack("{s:O, s:O}", "order_id", id, "payment_status",
                         json_object_get(o, "payment_status"));
    if (strcmp(event, "DISPATCH_CHANGED") == 0)
        return json_pack("{s:O, s:O}", "order_id", id, "dispatched",
                         json_object_get(o, "dispatched"));
    if (strcmp(event, "ORDER_DELETED") == 0)
        return json_pack("{s:O}", "order_id", id);
    return msb_view(o);
}

static json_t *notify(msb *s, const json_t *b, int *status)
{
    const char *event = json_string_value(json_object_get(b, "event"));
    const char *id = json_string_value(json_object_get(b, "order_id"));
    const char *handle = json_string_value(json_object_get(b, "handle"));
    json_t *o;
    if (!event)
        return bad(status, "event is required");
    if (id && (o = msb_order_find(s, id)))
        msb_notify_event(s, event, "order", order_payload(event, o));
    else if (handle && (o = msb_product_find(s, handle)))
        msb_notify_event(s, event, "product", msb_view(o));
    else
        return *status = 404, msb_error(404, "no such order or product");
    return ok(status);
}

static json_t *order_change(msb *s, const char *id, const json_t *b, int *status)
{
    json_t *o = msb_order_find(s, id), *v;
    if (!o)
        return *status = 404, msb_error(404, "Order not found");
    if (json_is_true(json_object_get(b, "deleted"))) {
        msb_notify_event(s, "ORDER_DELETED", "order", order_payload("ORDER_DELETED", o));
        size_t i;
        json_t *x;
        json_array_foreach(s->orders, i, x) if (x == o)
        {
            json_array_remove(s->orders, i);
            break;
        }
        return ok(status);
    }
    if ((v = json_object_get(b, "payment_status"))) {
        json_object_set(o, "payment_status", v);
        msb_notify_event(s, "PAYMENT_CHANGED", "order", order_payload("PAYMENT_CHANGED", o));
    }
    if ((v = json_object_get(b, "dispatched"))) {
        json_object_set(o, "dispatched", v);
        msb_notify_event(s, "DISPATCH_CHANGED", "order", order_payload("DISPATCH_CHANGED", o));
    }
    return ok(status);
}

static json_t *order_add(msb *s, const json_t *b, int *status)
{
    json_t *o = json_object_get(b, "order");
    const char *id = json_string_value(json_object_get(o, "order_id"));
    if (!json_is_object(o) || !id)
        return bad(status, "order with order_id required");
    if (msb_order_find(s, id))
        return bad(status, "order exists");
    json_t *copy = json_deep_copy(o);
    json_object_set_new(copy, "_id", json_integer(s->next_id++));
    json_array_append_new(s->orders, copy);
    msb_notify_event(s, "ORDER_CREATED", "order", msb_view(copy));
    return ok(status);
}

json_t *msb_admin(msb *s, const msb_req *r, int *status)
{
    const char *p = r->path + strlen("/__sandbox");
    if (strcmp(r->method, "GET") == 0 && strcmp(p, "/state") == 0) {
        pthread_mutex_lock(&s->mu);
        json_t *st = msb_state(s);
        pthread_mutex_unlock(&s->mu);
        return *status = 200, st;
    }
    if (strcmp(r->method, "POST") != 0)
        return *status = 404, msb_error(404, "Not found");
    json_t *b = r->len ? json_loadb(r->body, r->len, 0, NULL) : json_object();
    if (!json_is_object(b)) {
        json_decref(b);
        return bad(status, "body must be a JSON object");
    }
    json_t *out;
    char id[256];
    size_t n = strlen("/order/");
    if (strcmp(p, "/flush") == 0) {
        json_t *h = json_object_get(b, "horizon_ms");
        msb_notify_flush(s, h ? (long)json_integer_value(h) : 0);
        json_decref(b);
        return ok(status);
    }
    pthread_mutex_lock(&s->mu);
    if (strcmp(p, "/knob") == 0)
        out = knob(s, b, status);
    else if (strcmp(p, "/notify") == 0)
        out = notify(s, b, status);
    else if (strcmp(p, "/orders") == 0)
        out = order_add(s, b, status);
    else if (strncmp(p, "/order/", n) == 0 && strlen(p + n) < sizeof id &&
             sscanf(p + n, "%255[^/]", id) == 1)
        out = order_change(s, id, b, status);
    else
        *status = 404, out = msb_error(404, "Not found");
    pthread_mutex_unlock(&s->mu);
    json_decref(b);
    return out;
}
