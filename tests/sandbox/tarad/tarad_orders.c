/*
 * The simulated TARAD shop's orders and pushes. An order spec from a test
 * becomes a §7-shaped order (plugins/tarad/tarad_wire.h describes the
 * assumed format): amounts as JSON numbers with prices including VAT, the
 * VAT of each line derived from its rate and rounded half-up per line,
 * totals added up in integer satang. Each push is signed as assumed:
 * X-Tarad-Timestamp (UTC yyyyMMddHHmmss) and X-Tarad-Signature =
 * base64(HMAC-SHA256(user token, timestamp "." body)).
 *
 * Knobs in a spec: "duplicate": N sends the same body N more times
 * (re-signed, as a sender retrying would); "skew_s": shifts the signed
 * timestamp (a replay of an old delivery); "bad_signature": true signs
 * with a wrong key; "unsigned": true sends no signature headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "sbc.h"
#include "tsb.h"

#define BKK_OFFSET_S (7 * 3600)
#define MAX_DUPLICATE 20

/* ---- time ---------------------------------------------------------------- */

static void bangkok_iso(time_t t, char out[40])
{
    struct tm tm;
    time_t local = t + BKK_OFFSET_S;
    gmtime_r(&local, &tm);
    strftime(out, 40, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
}

static void utc_stamp(time_t t, char out[20])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y%m%d%H%M%S", &tm);
}

/* ---- money --------------------------------------------------------------- */

/* The wire carries JSON numbers (§7); satang are exact up to 2^53. */
static json_t *baht(int64_t satang)
{
    return json_real((double)satang / 100.0);
}

static int satang_of(const json_t *obj, const char *key, int64_t *out)
{
    char dec[64] = "";
    *out = 0;
    if (sl_json_decimal(obj, key, 0, dec, sizeof dec, NULL) != SL_OK)
        return -1;
    return dec[0] == '\0' || sl_money_parse(dec, 2, out) == SL_OK ? 0 : -1;
}

static int64_t int_of(const json_t *obj, const char *key, int64_t dflt)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

/* VAT inside a gross amount at an integer percent, half-up. */
static int64_t vat_in(int64_t gross, int64_t rate)
{
    return (2 * gross * rate + (100 + rate)) / (2 * (100 + rate));
}

/* ---- order building ------------------------------------------------------ */

typedef struct totals {
    int64_t subtotal, vat;
} totals;

/* One item of the spec -> a wire item; adds to the totals. */
static json_t *make_item(const json_t *in, totals *t, const char **why)
{
    int64_t price = 0, qty = int_of(in, "quantity", 1);
    int64_t rate = int_of(in, "vat_rate", 7);
    const char *sku = json_string_value(json_object_get(in, "sku"));
    if (sku == NULL || satang_of(in, "unit_price", &price) != 0 || qty <= 0 || qty > 100000 ||
        price < 0 || price > 100000000000LL || rate < 0 || rate > 100)
        return *why = "each item needs sku, unit_price >= 0, quantity > 0, "
                      "vat_rate 0..100",
               NULL;
    const char *name = json_string_value(json_object_get(in, "name"));
    const char *type = json_string_value(json_object_get(in, "type"));
    t->subtotal += price * qty;
    t->vat += vat_in(price * qty, rate);
    return json_pack("{s:s, s:s, s:I, s:o, s:I, s:s}", "sku", sku, "name", name ? name : sku,
                     "quantity", (json_int_t)qty, "unit_price", baht(price), "vat_rate",
                     (json_int_t)rate, "type", type ? type : "product");
}

static json_t *default_customer(void)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "name",
                     "\xe0\xb8\x99\xe0\xb8\xb2\xe0\xb8\xa2 Somchai Jaidee", "email",
                     "somchai@example.co.th", "phone", "0812345678", "tax_id", "");
}

static json_t *default_address(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "address", "99/1 Sukhumvit Rd", "sub_district",
                     "Khlong Toei Nuea", "district", "Watthana", "province", "Bangkok", "postcode",
                     "10110");
}

/* Shipping and discount with their VAT; then the order's money fields. */
static int add_money(json_t *o, const json_t *spec, totals *t)
{
    int64_t ship = 0, disc = 0;
    int64_t srate = int_of(spec, "shipping_vat_rate", 7);
    int64_t drate = int_of(spec, "discount_vat_rate", 7);
    if (satang_of(spec, "shipping_fee", &ship) || satang_of(spec, "discount", &disc) || ship < 0 ||
        disc < 0 || srate < 0 || srate > 100 || drate < 0 || drate > 100)
        return -1;
    int64_t vat = t->vat + vat_in(ship, srate) - vat_in(disc, drate);
    json_object_set_new(o, "subtotal", baht(t->subtotal));
    json_object_set_new(o, "shipping_fee", baht(ship));
    json_object_set_new(o, "shipping_vat_rate", json_integer(srate));
    json_object_set_new(o, "discount", baht(disc));
    json_object_set_new(o, "discount_vat_rate", json_integer(drate));
    json_object_set_new(o, "vat", baht(vat));
    json_object_set_new(o, "total", baht(t->subtotal + ship - disc));
    return 0;
}

static json_t *copy_or(const json_t *spec, const char *key, json_t *dflt)
{
    json_t *v = json_object_get(spec, key);
    if (v == NULL)
        return dflt;
    json_decref(dflt);
    return json_deep_copy(v);
}

static const char *str_or(const json_t *spec, const char *key, const char *d)
{
    const char *v = json_string_value(json_object_get(spec, key));
    return v ? v : d;
}

static json_t *make_order(tsb_state *s, const json_t *spec, const char **why)
{
    json_t *items = json_object_get(spec, "items");
    if (!json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > 500)
        return *why = "items: 1..500 required", NULL;
    char no[32], now[40];
    const char *given = json_string_value(json_object_get(spec, "order_no"));
    snprintf(no, sizeof no, "%s", given ? given : "");
    if (!given)
        snprintf(no, sizeof no, "%lld", (long long)s->next_no++);
    bangkok_iso(time(NULL), now);
    totals t = {0, 0};
    json_t *out_items = json_array(), *it;
    size_t i;
    json_array_foreach(items, i, it)
    {
        json_t *w = make_item(it, &t, why);
        if (w == NULL)
            return json_decref(out_items), NULL;
        json_array_append_new(out_items, w);
    }
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "order_no",
        no, "status", "paid", "created_at", now, "updated_at", now, "paid_at", now, "currency",
        "THB", "prices_include_vat", 1, "payment_method",
        str_or(spec, "payment_method", "bank_transfer"), "shipping_method",
        str_or(spec, "shipping_method", "kerry"), "tracking_no", "", "note",
        str_or(spec, "note", ""), "customer", copy_or(spec, "customer", default_customer()),
        "billing_address", copy_or(spec, "billing_address", default_address()), "shipping_address",
        copy_or(spec, "shipping_address", default_address()), "items", out_items);
    if (o == NULL || add_money(o, spec, &t) != 0)
        return json_decref(o), *why = "bad shipping_fee, discount or rates", NULL;
    return o;
}

/* ---- delivery ------------------------------------------------------------ */

static void sign(const tsb_state *s, const char *key, const char *ts, const char *body, char *out,
                 size_t cap)
{
    size_t tl = strlen(ts), bl = strlen(body);
    char *msg = malloc(tl + 1 + bl);
    unsigned char mac[SL_SHA256_LEN];
    memcpy(msg, ts, tl);
    msg[tl] = '.';
    memcpy(msg + tl + 1, body, bl);
    sl_hmac_sha256(key, strlen(key), msg, tl + 1 + bl, mac);
    free(msg);
    char b64[64], hex[2 * SL_SHA256_LEN + 1];
    sl_base64_encode(mac, sizeof mac, b64);
    sl_hex_encode(mac, sizeof mac, hex);
    snprintf(out, cap, "%s", s->hex_signature ? hex : b64);
}

/* POSTs one signed push; returns the HTTP status (0 = no answer). */
static long deliver(const tsb_state *s, const char *body, const json_t *spec)
{
    char ts[20], sig[160], h1[64], h2[200];
    utc_stamp(time(NULL) + (time_t)int_of(spec, "skew_s", 0), ts);
    sign(s, json_is_true(json_object_get(spec, "bad_signature")) ? "wrong-token" : s->token, ts,
         body, sig, sizeof sig);
    snprintf(h1, sizeof h1, "X-Tarad-Timestamp: %s", ts);
    snprintf(h2, sizeof h2, "X-Tarad-Signature: %s", sig);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "User-Agent: TARAD-U-Commerce-Simulator/1");
    if (!json_is_true(json_object_get(spec, "unsigned"))) {
        hdr = curl_slist_append(hdr, h1);
        hdr = curl_slist_append(hdr, h2);
    }
    long code = sbc_post(s->target, body, hdr, NULL, 20);
    curl_slist_free_all(hdr);
    return code;
}

/* Pushes `event` for `order` 1 + duplicate times; returns the statuses. */
static json_t *push_event(tsb_state *s, const char *event, json_t *order, const json_t *spec)
{
    json_t *env = json_pack("{s:s, s:O}", "event", event, "order", order);
    char *body = json_dumps(env, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(env);
    json_t *codes = json_array();
    int64_t n = 1 + int_of(spec, "duplicate", 0);
    if (n > 1 + MAX_DUPLICATE)
        n = 1 + MAX_DUPLICATE;
    for (int64_t i = 0; body != NULL && i < n; i++) {
        long code = s->target[0] ? deliver(s, body, spec) : 0;
        json_array_append_new(codes, json_integer(code));
        json_array_append_new(s->deliveries,
                              json_pack("{s:s, s:O, s:I}", "event", event, "order_no",
                                        json_object_get(order, "order_no"), "http_status",
                                        (json_int_t)code));
    }
    free(body);
    return codes;
}

json_t *tsb_push(tsb_state *s, const json_t *spec, int *status, const char **why)
{
    *status = 400;
    if (!json_is_object(spec))
        return *why = "body must be a JSON object (an order spec)", NULL;
    if (json_object_size(s->orders) >= TSB_MAX_ORDERS)
        return *why = "too many orders", NULL;
    json_t *o = make_order(s, spec, why);
    if (o == NULL)
        return NULL;
    const char *no = json_string_value(json_object_get(o, "order_no"));
    if (json_object_get(s->orders, no) != NULL)
        return json_decref(o), *why = "order_no already exists", NULL;
    json_object_set_new(s->orders, no, o);
    *status = 200;
    return json_pack("{s:O, s:o}", "order", o, "deliveries", push_event(s, "order.paid", o, spec));
}

json_t *tsb_cancel(tsb_state *s, const char *no, const json_t *spec, int *status, const char **why)
{
    json_t *o = json_object_get(s->orders, no);
    if (o == NULL)
        return *status = 404, *why = "no such order", NULL;
    char now[40];
    bangkok_iso(time(NULL), now);
    json_object_set_new(o, "status", json_string("cancelled"));
    json_object_set_new(o, "updated_at", json_string(now));
    *status = 200;
    return json_pack("{s:O, s:o}", "order", o, "deliveries",
                     push_event(s, "order.cancelled", o, spec));
}
