/*
 * The sandbox shop's state: seed loading (products with variants and
 * product-family children, orders with the synthetic items, HUF prices
 * with 27 % VAT) and the clock. Seed format (tests/sandbox/unas/seed.json):
 *   {"api_key": "...", "subscription": "premium|vip",
 *    "products": [{"id", "sku", "name", "unit", "vat", "net", "gross",
 *                  "stock", "purchase", "stock_active", "stock_variant",
 *                  "type": "parent|child", "parent"}],
 *    "orders": [{"key", "id", "date", "datemod" (Budapest wall time),
 *                "status", "status_id", "currency", "invoice_status",
 *                "customer": {...}, "payment": {...}, "shipping": {...},
 *                "comments": [{"type","text"}], "sum",
 *                "items": [{"id","sku","name","qty","net","gross","vat"}]}]}
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "usb.h"

int64_t usb_now(const usb *s)
{
    return sbc_clock_now(&s->clock);
}

/* Turns the wall-time texts of a seeded order into epoch fields. */
static int order_times(usb *s, json_t *o, size_t i)
{
    const char *d = json_string_value(json_object_get(o, "date"));
    const char *m = json_string_value(json_object_get(o, "datemod"));
    int64_t dt = usb_now(s), mt = dt;
    if ((d && unas_local_parse(d, &dt) != 0) || (m && unas_local_parse(m, &mt) != 0)) {
        fprintf(stderr,
                "seed: orders[%zu]: date/datemod must be "
                "YYYY.MM.DD HH:MM:SS\n",
                i);
        return -1;
    }
    if (!m)
        mt = dt;
    json_object_set_new(o, "date_ts", json_integer(dt));
    json_object_set_new(o, "mod_ts", json_integer(mt));
    if (!json_is_string(json_object_get(o, "key")) || !json_is_array(json_object_get(o, "items"))) {
        fprintf(stderr, "seed: orders[%zu]: key and items are required\n", i);
        return -1;
    }
    return 0;
}

int usb_load(usb *s, const char *path)
{
    json_error_t je;
    json_t *seed = json_load_file(path, 0, &je);
    if (seed == NULL) {
        fprintf(stderr, "seed %s: %s (line %d)\n", path, je.text, je.line);
        return -1;
    }
    s->products = json_incref(json_object_get(seed, "products"));
    s->orders = json_incref(json_object_get(seed, "orders"));
    const char *sub = json_string_value(json_object_get(seed, "subscription"));
    if (sub && strcmp(sub, "vip") == 0)
        s->vip = 1;
    json_decref(seed);
    if (!json_is_array(s->products) || !json_is_array(s->orders)) {
        fprintf(stderr, "seed: products and orders must be arrays\n");
        return -1;
    }
    size_t i;
    json_t *o;
    json_array_foreach(s->orders, i, o) if (order_times(s, o, i) != 0) return -1;
    s->tokens = json_object();
    s->hits = json_object();
    s->stats = json_object();
    s->next_id = 80000000;
    return 0;
}

void usb_free(usb *s)
{
    json_decref(s->products);
    json_decref(s->orders);
    json_decref(s->tokens);
    json_decref(s->hits);
    json_decref(s->stats);
}
