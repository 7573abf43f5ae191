/*
 * The emulated shop's data: seed loading, cursor-paged lists with
 * Mozello's filter syntax, batch_update_by_sku on products and variants,
 * and the /__sandbox/state summary the tests read.
 *
 * Every order and product gets a hidden "_id" (growing with creation):
 * the list cursor is page_start=id:N (N = first id of the next page) and
 * next_page_uri is relative to /v1, as the real API answers.
 */
#include "msb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t msb_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int tag_ids(msb *s, json_t *arr, const char *what, const char *key)
{
    size_t i;
    json_t *x;
    if (!json_is_array(arr)) {
        fprintf(stderr, "seed: %s must be an array\n", what);
        return -1;
    }
    json_array_foreach(arr, i, x)
    {
        if (!json_is_object(x) || !json_is_string(json_object_get(x, key))) {
            fprintf(stderr, "seed: %s[%zu].%s must be a string\n", what, i, key);
            return -1;
        }
        json_object_set_new(x, "_id", json_integer(s->next_id++));
    }
    return 0;
}

int msb_load(msb *s, const char *path)
{
    json_error_t je;
    json_t *seed = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!seed) {
        fprintf(stderr, "seed %s:%d: %s\n", path, je.line, je.text);
        return -1;
    }
    pthread_mutex_init(&s->mu, NULL);
    s->next_id = 1001;
    s->products = json_incref(json_object_get(seed, "products"));
    s->orders = json_incref(json_object_get(seed, "orders"));
    json_decref(seed);
    s->calls = json_object();
    s->changes = json_array();
    s->wanted =
        json_pack("[s,s,s,s,s,s,s]", "ORDER_CREATED", "ORDER_DELETED", "PAYMENT_CHANGED",
                  "DISPATCH_CHANGED", "PRODUCT_CHANGED", "PRODUCT_DELETED", "STOCK_CHANGED");
    if (tag_ids(s, s->products, "products", "handle") ||
        tag_ids(s, s->orders, "orders", "order_id"))
        return -1;
    return 0;
}

void msb_free(msb *s)
{
    json_t *all[] = {s->products, s->orders, s->calls, s->changes, s->wanted};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        json_decref(all[i]);
    free(s->notify_url);
    pthread_mutex_destroy(&s->mu);
}

static json_t *find(json_t *arr, const char *key, const char *value)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        const char *v = json_string_value(json_object_get(x, key));
        if (v && strcmp(v, value) == 0)
            return x;
    }
    return NULL;
}

json_t *msb_order_find(msb *s, const char *id)
{
    return find(s->orders, "order_id", id);
}
json_t *msb_product_find(msb *s, const char *h)
{
    return find(s->products, "handle", h);
}

json_t *msb_view(const json_t *obj)
{
    json_t *v = json_deep_copy(obj);
    json_object_del(v, "_id");
    return v;
}

/* "created_at>=2024-05-01 00:00:00" against obj; 1 = keep, -1 = bad. */
static int filter_keep(const json_t *obj, const char *filter)
{
    static const char *const ops[] = {">=", "<=", "<>", "=", "<", ">"};
    const char *p = filter + strcspn(filter, "<>=");
    size_t flen = (size_t)(p - filter);
    char field[64];
    if (*p == '\0' || flen == 0 || flen >= sizeof field)
        return -1;
    memcpy(field, filter, flen);
    field[flen] = '\0';
    if (strcmp(field, "created_at") && strcmp(field, "modified_at"))
        return -1;
    size_t k = 0;
    while (k < 6 && strncmp(p, ops[k], strlen(ops[k])) != 0)
        k++;
    const char *val = p + strlen(ops[k]);
    const char *have = json_string_value(json_object_get(obj, field));
    int c = strcmp(have ? have : "", val);
    switch (k) {
    case 0:
        return c >= 0;
    case 1:
        return c <= 0;
    case 2:
        return c != 0;
    case 3:
        return c == 0;
    case 4:
        return c < 0;
    default:
        return c > 0;
    }
}

json_t *msb_error(int code, const char *msg)
{
    return json_pack("{s:b, s:i, s:s}", "error", 1, "error_code", code, "error_message", msg);
}

static void append_param(char *uri, size_t cap, const char *k, const char *v)
{
    char enc[512];
    size_t n = 0;
    for (const char *c = v; *c && n + 4 < sizeof enc; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("-_.~:", *c))
            enc[n++] = *c;
        else
            n += (size_t)snprintf(enc + n, sizeof enc - n, "%%%02X", (unsigned char)*c);
    }
    enc[n] = '\0';
    size_t used = strlen(uri);
    snprintf(uri + used, cap - used, "&%s=%s", k, enc);
}

json_t *msb_list(msb *s, const char *key, json_t *items, const char *route, const char *page_size,
                 const char *page_start, const char *desc, const char *filter, const char *archived,
                 int *status)
{
    (void)s;
    long size = page_size ? strtol(page_size, NULL, 10) : 20;
    long long start = -1;
    int down = desc && strcmp(desc, "1") == 0;
    if (size < 1 || size > MSB_PAGE_MAX ||
        (page_start && sscanf(page_start, "id:%lld", &start) != 1)) {
        *status = 400;
        return msb_error(400, "Invalid paging parameters");
    }
    json_t *page = json_array();
    size_t n = json_array_size(items);
    long long next = -1;
    for (size_t k = 0; k < n; k++) {
        json_t *x = json_array_get(items, down ? n - 1 - k : k);
        long long id = json_integer_value(json_object_get(x, "_id"));
        if (start >= 0 && (down ? id > start : id < start))
            continue;
        int keep = filter ? filter_keep(x, filter) : 1;
        if (keep < 0) {
            json_decref(page);
            *status = 400;
            return msb_error(400, "Invalid filter");
        }
        if (archived &&
            json_is_true(json_object_get(x, "archived")) != (strcmp(archived, "true") == 0))
            keep = 0;
        if (!keep)
            continue;
        if ((long)json_array_size(page) == size) {
            next = id;
            break;
        }
        json_array_append_new(page, msb_view(x));
    }
    json_t *out = json_pack("{s:b, s:o}", "error", 0, key, page);
    if (next >= 0) {
        char uri[1024];
        snprintf(uri, sizeof uri, "%s?page_size=%ld", route, size);
        char cur[32];
        snprintf(cur, sizeof cur, "id:%lld", next);
        append_param(uri, sizeof uri, "page_start", cur);
        if (down)
            append_param(uri, sizeof uri, "desc", "1");
        if (filter)
            append_param(uri, sizeof uri, "filter", filter);
        if (archived)
            append_param(uri, sizeof uri, "archived", archived);
        json_object_set_new(out, "next_page_uri", json_string(uri));
    } else {
        json_object_set_new(out, "next_page_uri", json_null());
    }
    *status = 200;
    return out;
}

/* Sets obj[field] = value, recording the change under sku. */
static void change(msb *s, json_t *obj, const char *sku, const char *field, json_t *value)
{
    json_t *old = json_object_get(obj, field);
    if (old && json_equal(old, value))
        return;
    json_array_append_new(s->changes, json_pack("{s:s, s:s, s:O?, s:O}", "sku", sku, "field", field,
                                                "from", old, "to", value));
    json_object_set(obj, field, value);
}

/* The product or variant with this SKU; *parent = its product. */
static json_t *by_sku(msb *s, const char *sku, json_t **parent)
{
    size_t i, k;
    json_t *p, *v;
    json_array_foreach(s->products, i, p)
    {
        *parent = p;
        const char *ps = json_string_value(json_object_get(p, "sku"));
        if (ps && strcmp(ps, sku) == 0)
            return p;
        json_array_foreach(json_object_get(p, "variants"), k, v)
        {
            const char *vs = json_string_value(json_object_get(v, "sku"));
            if (vs && strcmp(vs, sku) == 0)
                return v;
        }
    }
    return NULL;
}

json_t *msb_batch_by_sku(msb *s, const json_t *body, int *status)
{
    json_t *list = json_object_get(body, "products"), *it;
    if (!json_is_array(list)) {
        *status = 400;
        return msb_error(400, "products must be an array");
    }
    if (json_array_size(list) > MSB_BATCH_LIMIT) {
        *status = 400;
        return msb_error(400, "Too many products in one batch (max 1000)");
    }
    static const char *const fields[] = {"price", "sale_price", "stock"};
    size_t i;
    json_array_foreach(list, i, it)
    {
        const char *sku = json_string_value(json_object_get(it, "sku"));
        json_t *parent = NULL, *target = sku ? by_sku(s, sku, &parent) : NULL;
        if (!target)
            continue; /* unknown SKU: silently ignored, as the docs allow */
        for (size_t f = 0; f < 3; f++) {
            json_t *v = json_object_get(it, fields[f]);
            int ok = v && (json_is_number(v) || json_is_null(v)) && (f != 2 || !json_is_real(v));
            if (ok)
                change(s, target, sku, fields[f], v);
        }
        if (json_object_get(it, "stock"))
            msb_notify_event(s, "STOCK_CHANGED", "product", msb_view(parent));
    }
    *status = 200;
    return json_pack("{s:b}", "error", 0);
}

json_t *msb_state(msb *s)
{
    json_t *items = json_object(), *orders = json_object(), *p, *v, *o;
    size_t i, k;
    json_array_foreach(s->products, i, p)
    {
        const char *sku = json_string_value(json_object_get(p, "sku"));
        if (sku)
            json_object_set_new(items, sku,
                                json_pack("{s:O?, s:O?}", "stock", json_object_get(p, "stock"),
                                          "price", json_object_get(p, "price")));
        json_array_foreach(json_object_get(p, "variants"), k, v)
        {
            const char *vs = json_string_value(json_object_get(v, "sku"));
            if (vs)
                json_object_set_new(items, vs,
                                    json_pack("{s:O?, s:O?}", "stock", json_object_get(v, "stock"),
                                              "price", json_object_get(v, "price")));
        }
    }
    json_array_foreach(s->orders, i, o)
    {
        json_object_set_new(orders, json_string_value(json_object_get(o, "order_id")),
                            json_pack("{s:O?, s:O?, s:O?}", "payment_status",
                                      json_object_get(o, "payment_status"), "dispatched",
                                      json_object_get(o, "dispatched"), "archived",
                                      json_object_get(o, "archived")));
    }
    return json_pack("{s:o, s:o, s:O, s:O, s:I, s:o, s:s?}", "items", items, "orders", orders,
                     "calls", s->calls, "changes", s->changes, "throttled",
                     (json_int_t)s->throttled, "notifications", msb_notify_summary(s),
                     "notifications_url", s->notify_url);
}
