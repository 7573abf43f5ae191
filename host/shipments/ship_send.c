/*
 * Building a shipment from an order and queueing its registration
 * (ship_send.h). The parameters of the register call are fixed here, at
 * queue time, in the outbox row: a retry sends exactly what was decided.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox_find.h"
#include "ledger/ledger.h"
#include "shipments/ship_address.h"
#include "shipments/ship_send.h"
#include "shopledger/sdkutil.h"

#define DEFAULT_ITEM_WEIGHT_G 500

void ship_register_key(int64_t shipment_id, char *out, size_t cap)
{
    snprintf(out, cap, "ship:%lld:register", (long long)shipment_id);
}

static const char *jtext(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* The first non-empty of the shipping address's key, the billing one's
   and the order's own `order_key` (NULL = none). */
static const char *addr(const json_t *order, const char *key, const char *order_key)
{
    const char *v = jtext(json_object_get(order, "shipping"), key);
    if (!*v)
        v = jtext(json_object_get(order, "billing"), key);
    if (!*v && order_key)
        v = jtext(order, order_key);
    return v;
}

static int set_param(json_t *params, const char *key, const char *value)
{
    return json_object_set_new(params, key, json_string(value ? value : ""));
}

static int set_number(json_t *params, const char *key, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    return set_param(params, key, buf);
}

/* Is `method` one of the comma-separated `list`? */
static int in_list(const char *list, const char *method)
{
    size_t n = strlen(method);
    for (const char *p = list; n && p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        while (len && p[len - 1] == ' ')
            len--;
        if (len == n && strncmp(p, method, n) == 0)
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

/* The city list of the postal channel with its overrides. */
static int load_cities(const config_tenant *t, const config_channel *pc, ship_cities **out,
                       sl_error *err)
{
    const char *file = config_channel_get(pc, "cities");
    if (!file || !*file)
        return sl_error_set(err, SL_EINVALID, "cities",
                            "postal channel %s has no city list (cities = FILE.csv)", pc->name);
    char path[4096];
    const char *slash = t->file ? strrchr(t->file, '/') : NULL;
    if (file[0] != '/' && slash)
        snprintf(path, sizeof path, "%.*s/%s", (int)(slash - t->file), t->file, file);
    else
        snprintf(path, sizeof path, "%s", file);
    int rc = ship_cities_load(pc->plugin, path, out, err);
    for (size_t m = 0; rc == SL_OK && m < pc->map_count; m++) {
        if (strcmp(pc->maps[m].name, "cities") != 0)
            continue;
        for (size_t i = 0; rc == SL_OK && i < pc->maps[m].count; i++)
            rc = ship_cities_override(*out, pc->maps[m].items[i].key, pc->maps[m].items[i].value,
                                      err);
    }
    if (rc != SL_OK && *out) {
        ship_cities_free(*out);
        *out = NULL;
    }
    return rc;
}

/* item.I.* of the product lines: unit gross in Rial when it divides
   exactly, else the whole line as one unit (the post collects the sum). */
static int add_items(json_t *params, const json_t *order, int64_t unit_weight, int64_t *weight,
                     int64_t *value, sl_error *err)
{
    const char *cur = jtext(order, "currency");
    int exp = (int)json_integer_value(json_object_get(order, "exponent"));
    size_t i, n = 0;
    const json_t *l;
    *weight = *value = 0;
    json_array_foreach(json_object_get(order, "lines"), i, l)
    {
        if (strcmp(jtext(l, "kind"), "product") != 0 || json_object_get(l, "refund_id"))
            continue;
        int64_t milli = json_integer_value(json_object_get(l, "qty_milli"));
        int64_t gross = json_integer_value(json_object_get(l, "total")) +
                        json_integer_value(json_object_get(l, "total_tax"));
        int64_t rial;
        int rc = ship_to_rial(cur, exp, gross, &rial, err);
        if (rc != SL_OK)
            return rc;
        int64_t qty = milli % 1000 == 0 && milli > 0 ? milli / 1000 : 1;
        int whole = rial % qty == 0 && milli % 1000 == 0;
        char key[48], name[300];
        snprintf(name, sizeof name, whole || milli <= 0 ? "%s" : "%s (x%lld.%03lld)",
                 jtext(l, "name"), (long long)(milli / 1000), (long long)(milli % 1000));
        if (!whole)
            qty = 1;
        snprintf(key, sizeof key, "item.%zu.sku", n);
        set_param(params, key, jtext(l, "sku"));
        snprintf(key, sizeof key, "item.%zu.name", n);
        set_param(params, key, name);
        snprintf(key, sizeof key, "item.%zu.qty", n);
        set_number(params, key, qty);
        snprintf(key, sizeof key, "item.%zu.price", n);
        set_number(params, key, rial / qty);
        int64_t units = (milli + 999) / 1000;
        snprintf(key, sizeof key, "item.%zu.weight_g", n);
        set_number(params, key, unit_weight * units / qty);
        *weight += unit_weight * units;
        *value += rial;
        n++;
    }
    if (n == 0)
        return sl_error_set(err, SL_EINVALID, "lines", "the order has no product to ship");
    return set_number(params, "items", (int64_t)n) == 0 ? SL_OK : SL_ENOMEM;
}

/* The recipient in the service's form. */
static int add_recipient(json_t *params, const json_t *order, const ship_cities *cities,
                         sl_error *err)
{
    ship_place place;
    char mobile[12], postal[11], street[600];
    int rc =
        ship_cities_map(cities, addr(order, "state", NULL), addr(order, "city", NULL), &place, err);
    if (rc == SL_OK)
        rc = ship_mobile(addr(order, "phone", "phone"), "phone", mobile, err);
    if (rc == SL_OK)
        rc = ship_postal_code(addr(order, "postcode", NULL), "postcode", postal, err);
    if (rc != SL_OK)
        return rc;
    snprintf(street, sizeof street, "%s%s%s", addr(order, "line1", NULL),
             *addr(order, "line2", NULL) ? " " : "", addr(order, "line2", NULL));
    if (!street[0])
        return sl_error_set(err, SL_EINVALID, "line1", "the shipping address has no street");
    set_param(params, "province_id", place.province_id);
    set_param(params, "city_id", place.city_id);
    set_param(params, "first_name", addr(order, "first_name", "first_name"));
    set_param(params, "last_name", addr(order, "last_name", "last_name"));
    set_param(params, "mobile", mobile);
    set_param(params, "phone", "");
    set_param(params, "email", jtext(order, "email"));
    set_param(params, "address", street);
    set_param(params, "postal_code", postal);
    set_param(params, "note", jtext(order, "customer_note"));
    return SL_OK;
}

/* Fills sh and params from the order; an address error is returned with
   sh complete enough to be recorded as failed. */
static int build(const config_tenant *t, const config_channel *pc, const ship_send_request *rq,
                 const json_t *order, shipment *sh, json_t *params, sl_error *err)
{
    const char *method = jtext(order, "payment_method");
    const char *cod_methods = config_channel_get(pc, "cod_methods");
    const char *weight_text = config_channel_get(pc, "item_weight_g");
    const char *send = rq->send_type ? rq->send_type : config_channel_get(pc, "send_type");
    snprintf(sh->send_type, sizeof sh->send_type, "%s", send && *send ? send : "express");
    const char *pay = rq->payment ? rq->payment
                      : in_list(cod_methods ? cod_methods : "cod", method) ? "cod"
                                                                           : "prepaid";
    snprintf(sh->payment, sizeof sh->payment, "%s", pay);
    char *end = NULL;
    long long unit_weight = weight_text ? strtoll(weight_text, &end, 10) : DEFAULT_ITEM_WEIGHT_G;
    if (weight_text && (*end || unit_weight <= 0 || unit_weight > 1000000))
        return sl_error_set(err, SL_EINVALID, "item_weight_g",
                            "item_weight_g of %s must be grams, 1..1000000", pc->name);
    int64_t weight = 0, value = 0, total = json_integer_value(json_object_get(order, "total"));
    int rc = add_items(params, order, unit_weight, &weight, &value, err);
    int64_t total_rial = 0;
    if (rc == SL_OK)
        rc = ship_to_rial(sh->currency, sh->exponent, total, &total_rial, err);
    sh->weight_g = weight;
    sh->declared_value = total;
    sh->cod_amount = strcmp(sh->payment, "cod") == 0 ? total : 0;
    if (rc != SL_OK)
        return rc;
    set_param(params, "send_type", sh->send_type);
    set_param(params, "payment", sh->payment);
    set_number(params, "weight_g", weight);
    set_number(params, "value", value);
    set_number(params, "cod_amount", strcmp(sh->payment, "cod") == 0 ? total_rial : 0);
    ship_cities *cities = NULL;
    rc = load_cities(t, pc, &cities, err);
    if (rc == SL_OK)
        rc = add_recipient(params, order, cities, err);
    ship_cities_free(cities);
    return rc;
}

static int queue(store *s, shipment *sh, json_t *params, int64_t now_ms, sl_error *err)
{
    int own = 0;
    int rc = store_tx_enter(s, &own, err);
    if (rc != SL_OK)
        return rc;
    rc = shipment_insert(s, sh, now_ms, err);
    char key[64];
    ship_register_key(sh->id, key, sizeof key);
    char ref[32];
    snprintf(ref, sizeof ref, "%lld", (long long)sh->id);
    set_param(params, "order_ref", ref);
    json_t *payload = json_pack("{s:I, s:O}", "shipment_id", (json_int_t)sh->id, "params", params);
    char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    json_decref(payload);
    int queued = 0;
    if (rc == SL_OK)
        rc = text ? outbox_put(s, OUTBOX_SHIPMENT, sh->postal_channel, key, sh->external_id, text,
                               now_ms, &queued, err)
                  : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    free(text);
    return store_tx_leave(s, own, rc, err);
}

/* The failed shipment that records why the order could not be sent. */
static int record_failure(store *s, shipment *sh, const sl_error *why, int64_t now_ms)
{
    snprintf(sh->reg_state, sizeof sh->reg_state, SHIP_REG_FAILED);
    snprintf(sh->last_error, sizeof sh->last_error, "%s", why->message);
    sl_error ignore = {.size = sizeof ignore};
    return shipment_insert(s, sh, now_ms, &ignore);
}

int ship_send_queue(store *s, const config_tenant *t, const ship_send_request *rq, int64_t now_ms,
                    shipment *out, sl_error *err)
{
    const config_channel *pc = config_find_channel(t, rq->postal_channel);
    if (!pc)
        return sl_error_set(err, SL_EINVALID, "via", "tenant %s has no channel %.64s", t->id,
                            rq->postal_channel);
    if (!config_find_channel(t, rq->shop_channel))
        return sl_error_set(err, SL_EINVALID, "channel", "tenant %s has no channel %.64s", t->id,
                            rq->shop_channel);
    if (shipment_find_live(s, rq->shop_channel, rq->external_id, out, err) == SL_OK)
        return sl_error_set(err, SL_ECONFLICT, "external_id",
                            "order %.64s already has shipment %lld (%s, %s)", rq->external_id,
                            (long long)out->id, out->reg_state, out->status);
    json_t *order = NULL;
    int rc = inbox_find_order_json(s, rq->shop_channel, rq->external_id, &order, err);
    if (rc != SL_OK)
        return rc == SL_ENOTFOUND ? sl_error_set(err, SL_ENOTFOUND, "external_id",
                                                 "channel %.64s has no order %.64s in the inbox",
                                                 rq->shop_channel, rq->external_id)
                                  : rc;
    shipment_init(out);
    snprintf(out->shop_channel, sizeof out->shop_channel, "%s", rq->shop_channel);
    snprintf(out->external_id, sizeof out->external_id, "%s", rq->external_id);
    snprintf(out->postal_channel, sizeof out->postal_channel, "%s", rq->postal_channel);
    snprintf(out->currency, sizeof out->currency, "%s", jtext(order, "currency"));
    out->exponent = (int)json_integer_value(json_object_get(order, "exponent"));
    int64_t doc = 0;
    if (ledger_link_get(s, rq->shop_channel, rq->external_id, &doc, err) == SL_OK)
        out->document_id = doc;
    json_t *params = json_object();
    rc = params ? build(t, pc, rq, order, out, params, err)
                : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    json_decref(order);
    if (rc == SL_OK)
        rc = queue(s, out, params, now_ms, err);
    else if (rc != SL_ENOMEM && strcmp(out->send_type, "") != 0)
        record_failure(s, out, err, now_ms);
    json_decref(params);
    return rc;
}
