/*
 * Test knobs of unas_sandbox under /__sandbox/ (JSON in, JSON out):
 *   GET  /__sandbox/state          clock, ban, rolling-hour call counts per
 *                                  category, totals, stock/prices, orders
 *   POST /__sandbox/clock          {"advance": seconds} or {"now": epoch}
 *   POST /__sandbox/orders         a new order (seed shape); its Date and
 *                                  DateMod are the sandbox's now
 *   POST /__sandbox/expire-tokens  every token stops working (a 401 mid
 *                                  session)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usb.h"

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

static json_t *hour_counts(usb *s, int64_t now)
{
    json_t *out = json_object();
    const char *k;
    json_t *arr;
    json_object_foreach(s->hits, k, arr)
    {
        json_int_t n = 0;
        size_t i;
        json_t *t;
        json_array_foreach(arr, i, t) n += json_integer_value(t) > now - 3600;
        json_object_set_new(out, k, json_integer(n));
    }
    return out;
}

static json_t *state(usb *s)
{
    int64_t now = usb_now(s);
    json_t *prods = json_array(), *orders = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(s->products, i, p)
    {
        json_array_append_new(
            prods, json_pack("{s:O,s:O,s:O,s:O}", "sku", json_object_get(p, "sku"), "stock",
                             json_object_get(p, "stock"), "net", json_object_get(p, "net"), "gross",
                             json_object_get(p, "gross")));
    }
    json_array_foreach(s->orders, i, p)
    {
        json_t *c = json_object_get(p, "comments");
        json_array_append_new(orders,
                              json_pack("{s:O,s:O,s:o}", "key", json_object_get(p, "key"),
                                        "invoice_status", json_object_get(p, "invoice_status"),
                                        "comments", c ? json_incref(c) : json_array()));
    }
    return json_pack("{s:I,s:I,s:b,s:o,s:O,s:o,s:o}", "now", (json_int_t)now, "ban_until",
                     (json_int_t)s->ban_until, "banned", s->ban_until > now, "last_hour",
                     hour_counts(s, now), "stats", s->stats, "products", prods, "orders", orders);
}

static int add_order(usb *s, json_t *o)
{
    if (!json_is_object(o) || !json_is_string(json_object_get(o, "key")) ||
        !json_is_array(json_object_get(o, "items")))
        return -1;
    int64_t now = usb_now(s);
    json_object_set_new(o, "date_ts", json_integer(now));
    json_object_set_new(o, "mod_ts", json_integer(now));
    if (!json_object_get(o, "id"))
        json_object_set_new(o, "id", json_integer(++s->next_id));
    json_array_append(s->orders, o);
    return 0;
}

static void knob_locked(usb *s, const char *method, const char *path, const char *body, size_t len,
                        int *status, char **out)
{
    *status = 200;
    if (strcmp(method, "GET") == 0 && strcmp(path, "state") == 0) {
        *out = dump(state(s));
        return;
    }
    json_t *in = len ? json_loadb(body, len, 0, NULL) : json_object();
    if (strcmp(method, "POST") != 0 || in == NULL) {
        *status = 400;
        *out = dump(json_pack("{s:s}", "error", "bad knob request"));
    } else if (strcmp(path, "clock") == 0) {
        sbc_clock_knob(&s->clock, in); /* a body without a move leaves it */
        *out = dump(json_pack("{s:I}", "now", (json_int_t)usb_now(s)));
    } else if (strcmp(path, "orders") == 0) {
        int rc = add_order(s, in);
        *status = rc ? 400 : 200;
        *out = dump(json_pack("{s:s}", "status", rc ? "bad order" : "added"));
    } else if (strcmp(path, "expire-tokens") == 0) {
        json_object_clear(s->tokens);
        *out = dump(json_pack("{s:s}", "status", "expired"));
    } else {
        *status = 404;
        *out = dump(json_pack("{s:s}", "error", "no such knob"));
    }
    json_decref(in);
}

void usb_knob(usb *s, const char *method, const char *path, const char *body, size_t len,
              int *status, char **out)
{
    pthread_mutex_lock(&s->mu);
    knob_locked(s, method, path, body, len, status, out);
    pthread_mutex_unlock(&s->mu);
}
