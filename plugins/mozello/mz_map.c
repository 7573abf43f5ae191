/*
 * Mozello order JSON (api/mozello.md §4.3) -> the SDK order builder. One
 * mapping serves notifications and polling, so both build the same order.
 *
 * Mozello has one status word per concern, not one order status: the
 * shop's status we record is payment_status (paid / pending / failed);
 * the normalized word adds dispatch: dispatched -> sent, else paid ->
 * confirmed, pending -> awaiting_confirmation, failed -> not_confirmed.
 *
 * Money arrives as JSON numbers, read as exact decimal text with
 * sl_json_decimal. Tax is a percent per line (tax_inclusive_percent: VAT
 * inside the price; tax_exclusive_percent: VAT added) and on shipping; we
 * compute each line's tax from its value, rounded half-up once per line.
 * Lines carry their undiscounted values; the single discount_code +
 * discount_amount becomes one discount line, in the same tax basis as the
 * prices, whose tax is what the discount took off the shop's own `taxes`
 * (line taxes + shipping tax - taxes, kept within 0..discount), so the
 * document's tax equals the shop's whenever our line rounding does.
 * Dates are the site's local time (see mz_time.c), written as UTC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mozello.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define MZ_MAX_LINES 1000
#define PCT_SCALE 1000000 /* 100 % with 4 decimals */

typedef struct mapper {
    mz_chan *ch;
    const sl_host *h;
    sl_order *o;
    int exp;          /* currency exponent */
    int incl;         /* prices include tax */
    int64_t line_tax; /* sum of computed product + shipping taxes */
    sl_error *err;
} mapper;

int mz_text(const mz_chan *ch, const json_t *obj, const char *key, const char **out, sl_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return SL_OK;
    if (json_is_string(v))
        return sl_json_str(obj, key, 1, out, err);
    if (!json_is_object(v))
        return sl_error_set(err, SL_EINVALID, key, "%s is neither text nor a language object", key);
    const char *lang;
    json_t *t;
    if (ch->language != NULL && json_is_string(json_object_get(v, ch->language)) &&
        json_string_length(json_object_get(v, ch->language)) > 0)
        return sl_json_str(v, ch->language, 1, out, err);
    json_object_foreach(v, lang, t)
    {
        if (json_is_string(t) && json_string_length(t) > 0)
            return sl_json_str(v, lang, 1, out, err);
    }
    return SL_OK;
}

/* A host setter refused `key`. */
static int refused(mapper *m, const char *key, const char *value)
{
    return sl_error_refused(m->err, NULL, key, value, SL_EINVALID);
}

static int set_text(mapper *m, sl_line *l, int field, const char *key, const char *v)
{
    if (v == NULL)
        return SL_OK;
    int rc = sl_put_text(m->h, m->o, l, field, v);
    return rc == SL_OK ? SL_OK : refused(m, key, v);
}

/* Optional plain or multi-language member into a text field. */
static int put_text(mapper *m, sl_line *l, int field, const json_t *obj, const char *key)
{
    const char *v = NULL;
    int rc = mz_text(m->ch, obj, key, &v, m->err);
    return rc != SL_OK ? rc : set_text(m, l, field, key, v);
}

static int set_money(mapper *m, sl_line *l, int field, const char *key, int64_t minor)
{
    char txt[SL_MONEY_TEXT_MAX];
    int rc = sl_put_money(m->h, m->o, l, field, minor, m->exp, txt);
    return rc == SL_OK ? SL_OK : refused(m, key, txt);
}

/* A money member (JSON number) in minor units; absent/null -> 0. */
static int get_money(mapper *m, const json_t *obj, const char *key, int required, int64_t *out)
{
    char dec[MZ_DEC_MAX] = "";
    int rc = sl_json_decimal(obj, key, required, dec, sizeof dec, m->err);
    if (rc != SL_OK)
        return rc;
    *out = 0;
    if (dec[0] != '\0' && sl_money_parse_round(dec, m->exp, SL_ROUND_HALF_UP, out) != SL_OK)
        return sl_error_set(m->err, SL_EINVALID, key, "%s: bad amount \"%s\"", key, dec);
    return SL_OK;
}

/* Tax percent of an object: the inclusive or exclusive member (decimal
   text in pct, "" when untaxed), scaled by 10^4 in *p4. */
static int get_percent(mapper *m, const json_t *obj, const char *incl_key, const char *excl_key,
                       char pct[MZ_DEC_MAX], int64_t *p4, int *inclusive)
{
    pct[0] = '\0';
    *p4 = 0;
    *inclusive = 1;
    int rc = sl_json_decimal(obj, incl_key, 0, pct, MZ_DEC_MAX, m->err);
    if (rc == SL_OK && pct[0] == '\0') {
        *inclusive = 0;
        rc = sl_json_decimal(obj, excl_key, 0, pct, MZ_DEC_MAX, m->err);
    }
    if (rc != SL_OK || pct[0] == '\0')
        return rc;
    if (sl_money_parse(pct, 4, p4) != SL_OK || *p4 < 0 || *p4 > PCT_SCALE)
        return sl_error_set(m->err, SL_EINVALID, *inclusive ? incl_key : excl_key,
                            "tax percent \"%s\" is not 0..100 with at most 4 "
                            "decimals",
                            pct);
    return SL_OK;
}

/* Net and tax of `value` at p4: VAT inside (inclusive) or on top. */
static int split_tax(mapper *m, int64_t value, int64_t p4, int inclusive, int64_t *net,
                     int64_t *tax)
{
    if (value > INT64_MAX / PCT_SCALE || value < -(INT64_MAX / PCT_SCALE))
        return sl_error_set(m->err, SL_ETOOBIG, "", "amount too large");
    int64_t t = 0;
    int rc = sl_div_round(value * p4, inclusive ? PCT_SCALE + p4 : PCT_SCALE, SL_ROUND_HALF_UP, &t);
    if (rc != SL_OK)
        return sl_error_set(m->err, rc, "", "tax computation overflow");
    *tax = t;
    *net = inclusive ? value - t : value;
    return SL_OK;
}

/* Net, tax, percent and rate id of one taxed line. */
static int put_line_tax(mapper *m, sl_line *l, const json_t *obj, const char *incl_key,
                        const char *excl_key, int64_t value, int64_t *net, int64_t *tax)
{
    char pct[MZ_DEC_MAX];
    int64_t p4 = 0;
    int inclusive = 1;
    int rc = get_percent(m, obj, incl_key, excl_key, pct, &p4, &inclusive);
    if (rc == SL_OK)
        rc = split_tax(m, value, p4, inclusive, net, tax);
    if (rc != SL_OK || pct[0] == '\0')
        return rc;
    m->line_tax += *tax;
    if (m->h->line_set_money(l, SL_LINE_TAX_PERCENT, pct) != SL_OK)
        return refused(m, incl_key, pct);
    rc = set_text(m, l, SL_LINE_TAX_RATE_ID, incl_key, pct);
    return rc != SL_OK ? rc : set_money(m, l, SL_LINE_TOTAL_TAX, "tax", *tax);
}

/* "Mug (Blue, L)" from product_name and product_variant[]. */
static int put_line_name(mapper *m, sl_line *l, const json_t *it)
{
    const char *name = NULL;
    int rc = mz_text(m->ch, it, "product_name", &name, m->err);
    json_t *var = json_object_get(it, "product_variant");
    if (rc != SL_OK || name == NULL)
        return rc;
    char buf[512];
    size_t used = (size_t)snprintf(buf, sizeof buf, "%s", name);
    size_t i;
    json_t *v;
    json_array_foreach(var, i, v)
    {
        if (!json_is_string(v) || used >= sizeof buf)
            continue;
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i == 0 ? " (" : ", ",
                                 json_string_value(v));
    }
    if (json_array_size(var) > 0 && used < sizeof buf)
        snprintf(buf + used, sizeof buf - used, ")");
    return set_text(m, l, SL_LINE_NAME, "product_name", buf);
}

static int map_cart_line(mapper *m, const json_t *it, size_t idx)
{
    sl_line *l = m->h->order_add_line(m->o, SL_LINE_PRODUCT);
    if (l == NULL)
        return sl_error_set(m->err, SL_ETOOBIG, "cart", "too many lines");
    char id[24], qty[MZ_DEC_MAX];
    snprintf(id, sizeof id, "%zu", idx + 1);
    int64_t value = 0, price = 0, net = 0, tax = 0;
    int rc = sl_json_decimal(it, "product_quantity", 1, qty, sizeof qty, m->err);
    if (rc == SL_OK && m->h->line_set_quantity(l, qty) != SL_OK)
        rc = refused(m, "product_quantity", qty);
    if (rc || (rc = set_text(m, l, SL_LINE_EXTERNAL_ID, "cart", id)) ||
        (rc = put_text(m, l, SL_LINE_SKU, it, "product_sku")) || (rc = put_line_name(m, l, it)) ||
        (rc = put_text(m, l, SL_LINE_PRODUCT_ID, it, "product_handle")) ||
        (rc = put_text(m, l, SL_LINE_VARIATION_ID, it, "product_variant_handle")) ||
        (rc = get_money(m, it, "product_price", 1, &price)) ||
        (rc = get_money(m, it, "product_value", 1, &value)) ||
        (rc = set_money(m, l, SL_LINE_UNIT_PRICE, "product_price", price)) ||
        (rc = put_line_tax(m, l, it, "tax_inclusive_percent", "tax_exclusive_percent", value, &net,
                           &tax)))
        return rc;
    if ((rc = set_money(m, l, SL_LINE_SUBTOTAL, "product_value", net)))
        return rc;
    return set_money(m, l, SL_LINE_TOTAL, "product_value", net);
}

static int map_cart(mapper *m, const json_t *j)
{
    json_t *cart = NULL, *it;
    int rc = sl_json_array(j, "cart", 1, &cart, m->err);
    if (rc != SL_OK)
        return rc;
    if (json_array_size(cart) > MZ_MAX_LINES)
        return sl_error_set(m->err, SL_ETOOBIG, "cart", "cart has %zu lines",
                            json_array_size(cart));
    size_t i;
    json_array_foreach(cart, i, it)
    {
        if (!json_is_object(it))
            return sl_error_set(m->err, SL_EINVALID, "cart", "cart[%zu] is not an object", i);
        rc = map_cart_line(m, it, i);
        if (rc != SL_OK) {
            if (m->err && m->err->size >= sizeof *m->err) {
                char f[SL_ERROR_FIELD_MAX + 32];
                snprintf(f, sizeof f, "cart[%zu].%s", i, m->err->field);
                memcpy(m->err->field, f, SL_ERROR_FIELD_MAX - 1);
                m->err->field[SL_ERROR_FIELD_MAX - 1] = '\0';
            }
            return rc;
        }
    }
    return SL_OK;
}

static int map_shipping_line(mapper *m, const json_t *j)
{
    int64_t gross = 0, net = 0, tax = 0;
    int rc = get_money(m, j, "shipping_price", 0, &gross);
    if (rc != SL_OK || gross == 0)
        return rc;
    sl_line *l = m->h->order_add_line(m->o, SL_LINE_SHIPPING);
    if (l == NULL)
        return sl_error_set(m->err, SL_ETOOBIG, "shipping_price", "no line");
    if ((rc = set_text(m, l, SL_LINE_EXTERNAL_ID, "shipping", "shipping")) ||
        (rc = put_text(m, l, SL_LINE_NAME, j, "shipping_method")) ||
        (rc = put_text(m, l, SL_LINE_METHOD_ID, j, "shipping_method")) ||
        (rc = put_line_tax(m, l, j, "shipping_tax_inclusive_percent",
                           "shipping_tax_exclusive_percent", gross, &net, &tax)) ||
        (rc = set_money(m, l, SL_LINE_TOTAL, "shipping_price", net)) ||
        (rc = set_money(m, NULL, SL_ORDER_SHIPPING_TOTAL, "shipping_price", net)))
        return rc;
    return set_money(m, NULL, SL_ORDER_SHIPPING_TAX, "shipping_price", tax);
}

/* The discount line; its tax is what it took off the shop's `taxes`. */
static int map_discount(mapper *m, const json_t *j, int64_t shop_tax)
{
    int64_t amount = 0;
    int rc = get_money(m, j, "discount_amount", 0, &amount);
    if (rc != SL_OK || amount == 0)
        return rc;
    if (amount < 0)
        amount = -amount;
    int64_t tax = m->line_tax - shop_tax;
    if (tax < 0)
        tax = 0;
    if (tax > amount)
        tax = amount;
    int64_t net = m->incl ? amount - tax : amount;
    sl_line *l = m->h->order_add_line(m->o, SL_LINE_DISCOUNT);
    if (l == NULL)
        return sl_error_set(m->err, SL_ETOOBIG, "discount_amount", "no line");
    if ((rc = set_text(m, l, SL_LINE_EXTERNAL_ID, "discount", "discount")) ||
        (rc = put_text(m, l, SL_LINE_METHOD_ID, j, "discount_code")) ||
        (rc = put_text(m, l, SL_LINE_NAME, j, "discount_code")) ||
        (rc = set_money(m, l, SL_LINE_TOTAL, "discount_amount", net)) ||
        (rc = set_money(m, l, SL_LINE_TOTAL_TAX, "discount_amount", tax)) ||
        (rc = set_money(m, NULL, SL_ORDER_DISCOUNT_TOTAL, "discount_amount", net)))
        return rc;
    return set_money(m, NULL, SL_ORDER_DISCOUNT_TAX, "discount_amount", tax);
}

/* Prices include tax when any line or shipping states an inclusive %. */
static int prices_include_tax(const json_t *j)
{
    json_t *v = json_object_get(j, "shipping_tax_inclusive_percent"), *it;
    if (json_is_number(v))
        return 1;
    size_t i;
    json_array_foreach(json_object_get(j, "cart"), i, it)
    {
        if (json_is_number(json_object_get(it, "tax_inclusive_percent")))
            return 1;
    }
    return 0;
}

/* ---- head ---------------------------------------------------------------- */

static const char *normalized(const char *payment, int dispatched)
{
    if (dispatched)
        return SL_STATUS_SENT;
    if (strcmp(payment, "paid") == 0)
        return SL_STATUS_CONFIRMED;
    if (strcmp(payment, "pending") == 0)
        return SL_STATUS_AWAITING;
    if (strcmp(payment, "failed") == 0)
        return SL_STATUS_NOT_CONFIRMED;
    return NULL;
}

/* Upper-case ISO country from Mozello's lower-case country_code. */
static int put_country(mapper *m, int which, const json_t *obj)
{
    const char *cc = NULL;
    int rc = sl_json_str(obj, "country_code", 0, &cc, m->err);
    if (rc != SL_OK || cc == NULL || *cc == '\0')
        return rc;
    char up[8];
    size_t n = strlen(cc);
    if (n >= sizeof up)
        return sl_error_set(m->err, SL_EINVALID, "country_code",
                            "country_code \"%.16s\" is too long", cc);
    for (size_t i = 0; i <= n; i++)
        up[i] = (cc[i] >= 'a' && cc[i] <= 'z') ? (char)(cc[i] - 32) : cc[i];
    return m->h->order_set_address(m->o, which, SL_ADDR_COUNTRY, up) == SL_OK
               ? SL_OK
               : refused(m, "country_code", up);
}

static int put_addr(mapper *m, int which, int field, const json_t *obj, const char *key)
{
    const char *v = NULL;
    int rc = sl_json_str(obj, key, 0, &v, m->err);
    if (rc != SL_OK || v == NULL || *v == '\0')
        return rc;
    return m->h->order_set_address(m->o, which, field, v) == SL_OK ? SL_OK : refused(m, key, v);
}

/* Street, city, province, zip, country of `obj` into address `which`. */
static int put_place(mapper *m, int which, const json_t *obj)
{
    int rc;
    if ((rc = put_addr(m, which, SL_ADDR_LINE1, obj, "address")) ||
        (rc = put_addr(m, which, SL_ADDR_CITY, obj, "city")) ||
        (rc = put_addr(m, which, SL_ADDR_STATE, obj, "province_code")) ||
        (rc = put_addr(m, which, SL_ADDR_POSTCODE, obj, "zip")))
        return rc;
    return put_country(m, which, obj);
}

static int map_buyer(mapper *m, const json_t *j)
{
    static const struct {
        const char *key;
        int order_field, addr_field;
    } BUYER[] = {{"name", SL_ORDER_FIRST_NAME, SL_ADDR_FIRST_NAME},
                 {"company", SL_ORDER_COMPANY, SL_ADDR_COMPANY},
                 {"email", SL_ORDER_EMAIL, SL_ADDR_EMAIL},
                 {"phone", SL_ORDER_PHONE, SL_ADDR_PHONE}};
    int rc;
    for (size_t i = 0; i < sizeof BUYER / sizeof BUYER[0]; i++) {
        const char *v = NULL;
        if ((rc = sl_json_str(j, BUYER[i].key, 0, &v, m->err)))
            return rc;
        if (v == NULL || *v == '\0')
            continue;
        if ((rc = set_text(m, NULL, BUYER[i].order_field, BUYER[i].key, v)) ||
            (rc = put_addr(m, SL_ADDR_BILLING, BUYER[i].addr_field, j, BUYER[i].key)) ||
            (i != 2 && (rc = put_addr(m, SL_ADDR_SHIPPING, BUYER[i].addr_field, j, BUYER[i].key))))
            return rc;
    }
    if ((rc = put_place(m, SL_ADDR_BILLING, j)))
        return rc;
    json_t *ship = NULL;
    if ((rc = sl_json_object(j, "shipping", 0, &ship, m->err)) || !ship)
        return rc;
    if ((rc = put_place(m, SL_ADDR_SHIPPING, ship)))
        return rc;
    const char *pp = NULL;
    if ((rc = sl_json_str(ship, "pickup_point_id", 0, &pp, m->err)) || !pp || !*pp)
        return rc;
    char line[160];
    snprintf(line, sizeof line, "pickup point %s", pp);
    return m->h->order_set_address(m->o, SL_ADDR_SHIPPING, SL_ADDR_LINE2, line) == SL_OK
               ? SL_OK
               : refused(m, "pickup_point_id", pp);
}

static int map_head(mapper *m, const json_t *j, const char *id, const char *currency,
                    const char **created)
{
    const char *pay = NULL;
    int dispatched = 0, rc;
    if ((rc = sl_json_str(j, "payment_status", 1, &pay, m->err)) ||
        (rc = sl_json_bool(j, "dispatched", 0, &dispatched, m->err)) ||
        (rc = sl_json_str(j, "created_at", 1, created, m->err)))
        return rc;
    const char *norm = normalized(pay, dispatched);
    int64_t t = 0;
    if (mz_local_to_utc(&m->ch->zone, *created, &t) != SL_OK)
        return sl_error_set(m->err, SL_EINVALID, "created_at",
                            "created_at \"%.40s\" is not YYYY-MM-DD HH:MM:SS", *created);
    if ((rc = set_text(m, NULL, SL_ORDER_EXTERNAL_ID, "order_id", id)) ||
        (rc = set_text(m, NULL, SL_ORDER_NUMBER, "order_id", id)) ||
        (rc = set_text(m, NULL, SL_ORDER_STATUS, "payment_status", pay)) ||
        (rc = set_text(m, NULL, SL_ORDER_STATUS_NORMALIZED, "payment_status", norm)) ||
        (rc = set_text(m, NULL, SL_ORDER_CURRENCY, "currency", currency)) ||
        (rc = put_text(m, NULL, SL_ORDER_PAYMENT_METHOD, j, "payment_method")) ||
        (rc = put_text(m, NULL, SL_ORDER_SHIPPING_METHOD, j, "shipping_method")) ||
        (rc = put_text(m, NULL, SL_ORDER_CUSTOMER_NOTE, j, "notes")) ||
        (rc = set_text(m, NULL, SL_ORDER_LANGUAGE, "language", m->ch->language)))
        return rc;
    if (m->h->order_set_time(m->o, SL_ORDER_CREATED, t) != SL_OK ||
        (strcmp(pay, "paid") == 0 && m->h->order_set_flag(m->o, SL_ORDER_IS_PAID, 1) != SL_OK) ||
        (m->incl && m->h->order_set_flag(m->o, SL_ORDER_PRICES_INCLUDE_TAX, 1) != SL_OK))
        return refused(m, "created_at", *created);
    return map_buyer(m, j);
}

static int map_order(mapper *m, const json_t *j, const char *id, const char *currency,
                     const char **created)
{
    int64_t total = 0, taxes = 0;
    int rc;
    if ((rc = map_head(m, j, id, currency, created)) ||
        (rc = get_money(m, j, "total", 1, &total)) || (rc = get_money(m, j, "taxes", 0, &taxes)) ||
        (rc = set_money(m, NULL, SL_ORDER_TOTAL, "total", total)) ||
        (rc = set_money(m, NULL, SL_ORDER_TOTAL_TAX, "taxes", taxes)) || (rc = map_cart(m, j)) ||
        (rc = map_shipping_line(m, j)))
        return rc;
    return map_discount(m, j, taxes);
}

int mz_order_submit(mz_chan *ch, sl_ctx *ctx, const json_t *order, const char *raw, size_t raw_len,
                    const char **created_text, sl_error *err)
{
    mapper m = {.ch = ch, .h = ch->host, .err = err};
    const char *id = NULL, *currency = NULL, *created = NULL;
    if (!json_is_object(order))
        return sl_error_set(err, SL_EINVALID, "order", "an order must be a JSON object");
    int rc = sl_json_str(order, "order_id", 1, &id, err);
    if (rc == SL_OK)
        rc = sl_json_str(order, "currency", 1, &currency, err);
    if (rc != SL_OK)
        return rc;
    m.exp = sl_currency_exponent(currency);
    if (m.exp < 0 || *id == '\0' || strlen(id) >= MZ_ID_MAX)
        return sl_error_set(err, SL_EINVALID, m.exp < 0 ? "currency" : "order_id",
                            m.exp < 0 ? "unknown currency \"%.16s\""
                                      : "order_id \"%.16s\" is empty or too "
                                        "long",
                            m.exp < 0 ? currency : id);
    m.incl = prices_include_tax(order);
    m.o = ch->host->order_new(ctx);
    if (m.o == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "order_new failed");
    /* An order left unsubmitted after a mapping error belongs to the call's
       arena; the host reclaims it when the call returns. */
    rc = map_order(&m, order, id, currency, &created);
    if (rc == SL_OK && raw != NULL && ch->host->order_set_raw(m.o, raw, raw_len) != SL_OK)
        rc = sl_error_set(err, SL_ETOOBIG, "body", "raw payload refused");
    if (rc != SL_OK)
        return rc;
    rc = ch->host->order_submit(ctx, m.o, err);
    if (rc == SL_OK && created_text != NULL)
        *created_text = created;
    return rc;
}

int mz_order_submit_deleted(mz_chan *ch, sl_ctx *ctx, const char *id, const char *raw,
                            size_t raw_len, sl_error *err)
{
    const sl_host *h = ch->host;
    sl_order *o = h->order_new(ctx);
    if (o == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "order_new failed");
    /* A deletion carries no currency or totals and the order can no longer
       be read; the host takes a deletion notice with only its id and status
       and voids or credits the existing document by its own amounts. */
    if (h->order_set_text(o, SL_ORDER_EXTERNAL_ID, id) != SL_OK ||
        h->order_set_text(o, SL_ORDER_STATUS, "deleted") != SL_OK ||
        h->order_set_text(o, SL_ORDER_STATUS_NORMALIZED, SL_STATUS_CANCELLED) != SL_OK ||
        h->order_set_flag(o, SL_ORDER_DELETED, 1) != SL_OK ||
        h->order_set_raw(o, raw, raw_len) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "order_id",
                            "the host refused the deletion of order %.64s", id);
    return h->order_submit(ctx, o, err);
}

int mz_order_get(mz_chan *ch, sl_ctx *ctx, const char *id, json_t **out, sl_error *err)
{
    char path[MZ_ID_MAX * 3 + 32], enc[MZ_ID_MAX * 3];
    if (sl_url_encode(id, enc, sizeof enc) == (size_t)-1)
        return sl_error_set(err, SL_EINVALID, "order_id", "order_id too long");
    snprintf(path, sizeof path, "/store/order/%s/", enc);
    json_t *ans = NULL;
    int rc = mz_call(ch, ctx, "GET", path, NULL, NULL, &ans, err);
    if (rc != SL_OK)
        return rc;
    json_t *o = json_object_get(ans, "order");
    *out = json_incref(json_is_object(o) ? o : ans); /* wrapped or bare */
    json_decref(ans);
    return SL_OK;
}
