/*
 * The emulated service calls (foroutel.md §3-§5, §7) and the parcels.
 *
 * Envelope: always HTTP 200, {"code":0,"message":"","result":...}; errors
 * carry a non-zero code and a Persian message. Quirks kept on purpose:
 * numbers sometimes as strings (getPrices' "post", tracking's "price"),
 * factor.id a string, dates Jalali in Tehran time (+03:30: the sandbox's
 * clock is after 1402, when Iran dropped daylight saving).
 *
 * A parcel's label follows the sandbox clock from its registration:
 * day 0 «در انتظار بررسی», day 1 «آماده ارسال», day 2 «ارسال شده» (the
 * Iran Post barcode appears), from day 4 its outcome: delivered
 * («وصول شده» when cash on delivery, «تحویل شده» when prepaid) or
 * returned («برگشتی»). A cancelled parcel stays «لغو شده».
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsb.h"
#include "shopledger/sdkutil.h"

#define DAY 86400
#define TEHRAN_OFFSET_S (3 * 3600 + 30 * 60)

static json_t *fail(int code, const char *message)
{
    return json_pack("{s:i, s:s, s:s}", "code", code, "message", message, "result", "");
}

static json_t *ok(json_t *result)
{
    return json_pack("{s:i, s:s, s:o}", "code", 0, "message", "", "result", result);
}

static const char *field(const json_t *form, const char *key)
{
    return json_string_value(json_object_get(form, key));
}

static int all_digits(const char *s, size_t min, size_t max)
{
    if (!s || strlen(s) < min || strlen(s) > max)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static void jalali_text(int64_t utc_s, char out[16])
{
    int64_t local = utc_s + TEHRAN_OFFSET_S;
    int64_t days = local >= 0 ? local / DAY : (local - DAY + 1) / DAY;
    int gy, gm, gd, jy = 0, jm = 0, jd = 0;
    sl_civil_from_days(days, &gy, &gm, &gd);
    sl_jalali_from_gregorian(gy, gm, gd, &jy, &jm, &jd);
    snprintf(out, 16, "%04d/%02d/%02d", jy, jm, jd);
}

/* Post costs in Rial of one (send type, buy type) by weight. */
typedef struct costs {
    int64_t post, tax, service;
} costs;

static int price_of(const char *send_type, const char *buy_type, int64_t weight_g, costs *c)
{
    int64_t base;
    if (strcmp(send_type, "1") == 0)
        base = 205000;
    else if (strcmp(send_type, "2") == 0)
        base = 158000;
    else
        return -1;
    int cod = strcmp(buy_type, "1") == 0;
    if (!cod && strcmp(buy_type, "2") != 0)
        return -1;
    c->post = base + (cod ? 10000 : 0) + (weight_g / 1000) * 12000;
    c->tax = c->post * 9 / 100;
    c->service = cod ? 30000 : 20000;
    return 0;
}

static int auth_ok(fsb_state *s, const json_t *form)
{
    const char *k = field(form, "api");
    return k && strcmp(k, s->api_key) == 0;
}

static json_t *get_prices(fsb_state *s, const json_t *form)
{
    const char *city = field(form, "des_city"), *weight = field(form, "weight");
    if (!all_digits(field(form, "price"), 1, 15) || !all_digits(weight, 1, 9))
        return fail(3, "فیلدهای قیمت و وزن الزامی است");
    if (!city || !json_object_get(s->city_ids, city))
        return fail(4, "شهر مقصد نامعتبر است");
    json_t *result = json_object();
    for (int b = 0; b < 2; b++) {
        char bk[24];
        snprintf(bk, sizeof bk, "buy_type[%d]", b);
        const char *buy = field(form, bk);
        if (!buy)
            break;
        const char *group = strcmp(buy, "1") == 0 ? "posti" : "naghdi";
        for (int t = 0; t < 5; t++) {
            char tk[24];
            snprintf(tk, sizeof tk, "send_type[%d]", t);
            const char *send = field(form, tk);
            costs c;
            if (!send)
                break;
            if (price_of(send, buy, strtoll(weight, NULL, 10), &c) != 0)
                continue;
            char post[24];
            snprintf(post, sizeof post, "%lld", (long long)c.post); /* a string, as seen */
            json_t *g = json_object_get(result, group);
            if (!g)
                json_object_set_new(result, group, g = json_object());
            json_object_set_new(g, send,
                                json_pack("{s:s, s:I, s:I, s:i}", "post", post, "tax",
                                          (json_int_t)c.tax, "frotel_service",
                                          (json_int_t)c.service, "packing", 0));
        }
    }
    return ok(result);
}

/* The basket's value (sum of price x count), or -1 when it is malformed. */
static int64_t basket_total(const json_t *form, int64_t *weight_g)
{
    int64_t total = 0;
    *weight_g = 0;
    int i = 0;
    for (;; i++) {
        char k[64];
        snprintf(k, sizeof k, "basket[%d][price]", i);
        const char *price = field(form, k);
        if (!price)
            break;
        snprintf(k, sizeof k, "basket[%d][count]", i);
        const char *count = field(form, k);
        snprintf(k, sizeof k, "basket[%d][weight]", i);
        const char *w = field(form, k);
        snprintf(k, sizeof k, "basket[%d][name]", i);
        if (!all_digits(price, 1, 15) || !all_digits(count, 1, 6) || !all_digits(w, 1, 9) ||
            !field(form, k))
            return -1;
        total += strtoll(price, NULL, 10) * strtoll(count, NULL, 10);
        *weight_g += strtoll(w, NULL, 10) * strtoll(count, NULL, 10);
    }
    return i == 0 ? -1 : total;
}

static json_t *check_recipient(fsb_state *s, const json_t *form)
{
    static const char *const REQUIRED[] = {"name",    "family",     "mobile",   "province", "city",
                                           "address", "code_posti", "buy_type", "send_type"};
    for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++) {
        const char *v = field(form, REQUIRED[i]);
        if (!v || !*v) {
            char msg[128];
            snprintf(msg, sizeof msg, "فیلد %s ارسال نشده است", REQUIRED[i]);
            return fail(3, msg);
        }
    }
    const char *mobile = field(form, "mobile");
    if (!all_digits(mobile, 11, 11) || strncmp(mobile, "09", 2) != 0)
        return fail(5, "شماره موبایل نامعتبر است");
    if (!all_digits(field(form, "code_posti"), 10, 10))
        return fail(8, "کد پستی نامعتبر است");
    const char *prov = json_string_value(json_object_get(s->city_ids, field(form, "city")));
    if (!prov || strcmp(prov, field(form, "province")) != 0)
        return fail(4, "شهر مقصد نامعتبر است");
    return NULL;
}

static json_t *register_order(fsb_state *s, const json_t *form, int64_t *delay_ms)
{
    json_t *bad = check_recipient(s, form);
    if (bad)
        return bad;
    int64_t weight = 0, items = basket_total(form, &weight);
    if (items < 0)
        return fail(3, "سبد خرید نامعتبر است");
    costs c;
    const char *buy = field(form, "buy_type"), *send = field(form, "send_type");
    if (price_of(send, buy, weight, &c) != 0)
        return fail(9, "نوع ارسال یا نوع پرداخت نامعتبر است");
    json_int_t fail_code = json_integer_value(json_object_get(s->next, "fail_code"));
    *delay_ms = json_integer_value(json_object_get(s->next, "delay_ms"));
    const char *outcome = json_string_value(json_object_get(s->next, "outcome"));
    json_t *answer;
    if (fail_code != 0) {
        const char *m = json_string_value(json_object_get(s->next, "fail_message"));
        answer = fail((int)fail_code, m ? m : "خطا در ثبت سفارش");
    } else if (json_object_size(s->parcels) >= FSB_MAX_PARCELS) {
        answer = fail(10, "ظرفیت ثبت سفارش تکمیل است");
    } else {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)s->next_factor++);
        int64_t total = items + c.post + c.tax + c.service;
        json_object_set_new(
            s->parcels, id,
            json_pack("{s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:b, s:n}", "factor", id,
                      "registered_s", (json_int_t)s->clock_s, "buy_type", buy, "send_type", send,
                      "total", (json_int_t)total, "items_total", (json_int_t)items, "weight_g",
                      (json_int_t)weight, "customer_name", field(form, "name"), "family",
                      field(form, "family"), "outcome", outcome ? outcome : "delivered",
                      "cancelled", 0, "forced"));
        s->registrations++;
        json_t *factor = json_pack("{s:s, s:I, s:s}", "id", id, "total", (json_int_t)total, "view",
                                   "<table><tr><td>فاکتور</td></tr></table>");
        if (strcmp(buy, "2") == 0)
            json_object_set_new(factor, "banks", json_pack("[{s:i, s:s}]", "id", 3, "name", "ملت"));
        answer = ok(json_pack("{s:o, s:[]}", "factor", factor, "items"));
    }
    json_object_clear(s->next); /* a knob is for one registration */
    return answer;
}

/* A parcel's current label, when it took it, and its barcode ("" before
   the post has it). */
static const char *label_of(const fsb_state *s, const json_t *p, int64_t *since_s,
                            const char **barcode_needed)
{
    int64_t reg = json_integer_value(json_object_get(p, "registered_s"));
    const json_t *forced = json_object_get(p, "forced");
    int64_t age = s->clock_s - reg;
    *barcode_needed = age >= 2 * DAY ? "1" : NULL;
    if (json_is_true(json_object_get(p, "cancelled"))) {
        *since_s = json_integer_value(json_object_get(p, "cancelled_s"));
        return "لغو شده";
    }
    if (json_is_object(forced)) {
        *since_s = json_integer_value(json_object_get(forced, "at_s"));
        return json_string_value(json_object_get(forced, "label"));
    }
    if (age < DAY) {
        *since_s = reg;
        return "در انتظار بررسی";
    }
    if (age < 2 * DAY) {
        *since_s = reg + DAY;
        return "آماده ارسال";
    }
    if (age < 4 * DAY) {
        *since_s = reg + 2 * DAY;
        return "ارسال شده";
    }
    *since_s = reg + 4 * DAY;
    const char *outcome = json_string_value(json_object_get(p, "outcome"));
    if (outcome && strcmp(outcome, "returned") == 0)
        return "برگشتی";
    return strcmp(json_string_value(json_object_get(p, "buy_type")), "1") == 0 ? "وصول شده"
                                                                               : "تحویل شده";
}

static json_t *track(fsb_state *s, const json_t *form)
{
    const char *id = field(form, "factor");
    json_t *p = id ? json_object_get(s->parcels, id) : NULL;
    if (!p)
        return fail(6, "فاکتور مورد نظر یافت نشد");
    int64_t since = 0;
    const char *needs_barcode = NULL;
    const char *label = label_of(s, p, &since, &needs_barcode);
    char barcode[32] = "", date[16], changed[16], customer[256], price[24];
    if (needs_barcode)
        snprintf(barcode, sizeof barcode, "1685300%017lld", strtoll(id, NULL, 10));
    jalali_text(json_integer_value(json_object_get(p, "registered_s")), date);
    jalali_text(since, changed);
    snprintf(customer, sizeof customer, "%s %s",
             json_string_value(json_object_get(p, "customer_name")),
             json_string_value(json_object_get(p, "family")));
    snprintf(price, sizeof price, "%lld",
             (long long)json_integer_value(json_object_get(p, "total")));
    return ok(
        json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:i}}", "customer", customer,
                  "order", "factor", id, "barcode", barcode, "status", label, "date", date,
                  "change_date", changed, "price", price, "buy_type",
                  (json_int_t)strtoll(json_string_value(json_object_get(p, "buy_type")), NULL, 10),
                  "desc", "", "type", 1));
}

static json_t *cancel(fsb_state *s, const json_t *form)
{
    const char *id = field(form, "factor");
    json_t *p = id ? json_object_get(s->parcels, id) : NULL;
    if (!p)
        return fail(6, "فاکتور مورد نظر یافت نشد");
    int64_t since;
    const char *needs_barcode = NULL;
    const char *label = label_of(s, p, &since, &needs_barcode);
    if (!json_is_true(json_object_get(p, "cancelled")) &&
        (needs_barcode || json_is_object(json_object_get(p, "forced"))))
        return fail(7, "سفارش ارسال شده و امکان لغو آن وجود ندارد");
    (void)label;
    if (!json_is_true(json_object_get(p, "cancelled"))) {
        json_object_set_new(p, "cancelled", json_true());
        json_object_set_new(p, "cancelled_s", json_integer(s->clock_s));
    }
    return ok(json_pack("{s:s, s:s}", "factor", id, "status", "لغو شده"));
}

json_t *fsb_call(fsb_state *s, const char *path, const json_t *form, int64_t *delay_ms)
{
    *delay_ms = 0;
    pthread_mutex_lock(&s->lock);
    json_t *answer;
    if (!form)
        answer = fail(3, "درخواست نامعتبر است");
    else if (!auth_ok(s, form))
        answer = fail(2, "کلید وب سرویس نامعتبر است");
    else if (strcmp(path, "order/getPrices.json") == 0)
        answer = get_prices(s, form);
    else if (strcmp(path, "order/registerOrder.json") == 0)
        answer = register_order(s, form, delay_ms);
    else if (strcmp(path, "order/tracking.json") == 0)
        answer = track(s, form);
    else if (strcmp(path, "order/cancel.json") == 0)
        answer = cancel(s, form);
    else
        answer = fail(1, "متد درخواستی وجود ندارد");
    pthread_mutex_unlock(&s->lock);
    return answer;
}

json_t *fsb_parcels_view(fsb_state *s)
{
    pthread_mutex_lock(&s->lock);
    json_t *out = json_array();
    const char *id;
    json_t *p;
    json_object_foreach(s->parcels, id, p)
    {
        int64_t since;
        const char *b = NULL;
        json_t *row = json_deep_copy(p);
        json_object_set_new(row, "label", json_string(label_of(s, p, &since, &b)));
        json_array_append_new(out, row);
    }
    json_t *view = json_pack("{s:o, s:I, s:I, s:[I,I,I]}", "parcels", out, "clock_s",
                             (json_int_t)s->clock_s, "registrations", (json_int_t)s->registrations,
                             "requests", (json_int_t)s->requests[0], (json_int_t)s->requests[1],
                             (json_int_t)s->requests[2]);
    pthread_mutex_unlock(&s->lock);
    return view;
}

int fsb_parcel_knob(fsb_state *s, const char *factor, const json_t *knob)
{
    pthread_mutex_lock(&s->lock);
    json_t *p = json_object_get(s->parcels, factor);
    const char *outcome = json_string_value(json_object_get(knob, "outcome"));
    const char *label = json_string_value(json_object_get(knob, "label"));
    if (p && outcome)
        json_object_set_new(p, "outcome", json_string(outcome));
    if (p && label)
        json_object_set_new(
            p, "forced", json_pack("{s:s, s:I}", "label", label, "at_s", (json_int_t)s->clock_s));
    pthread_mutex_unlock(&s->lock);
    return p ? 0 : -1;
}
