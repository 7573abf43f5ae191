/*
 * A TARAD order (the assumed §7 shape, field names in tarad_wire.h) -> the
 * SDK order builder.
 *
 * Money: amounts are JSON numbers read as exact decimal text
 * (sl_json_decimal), rounded half-up to the currency's minor digits, then
 * handled as int64 minor units. §7 gives a VAT rate per item but no VAT
 * amount, so each line's VAT is derived from its rate, rounded half-up per
 * line: from a VAT-inclusive amount tax = gross * r / (100 + r), else
 * tax = net * r / 100. Lines carry net, tax, rate and a rate id ("VAT7");
 * the host keeps the tax or folds it into revenue by the tenant's
 * vat_registered. Items of type "service" become fee lines (services),
 * everything else product lines with the SKU (products); shipping_fee is
 * one shipping line; discount one discount line.
 */
#include <stdio.h>
#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "tarad.h"
#include "tarad_wire.h"

#define MAX_MINOR 1000000000000LL /* 10^12 minor units: keeps r*x in int64 */
#define MAX_RATE_MILLI 100000     /* 100 % */

typedef struct mapper {
    const sl_host *h;
    sl_order *o;
    int exp;
    int incl; /* amounts include VAT */
    char path[48];
    sl_error *err;
} mapper;

/* A line's amounts in minor units. */
typedef struct amounts {
    int64_t base; /* as the shop shows it (gross when incl) */
    int64_t net, tax;
    int64_t rate_milli; /* -1 = no rate given */
    char rate[TARAD_DEC_MAX];
} amounts;

static const struct {
    const char *tarad, *norm;
} STATUSES[] = {
    {"pending", SL_STATUS_AWAITING},    {"paid", SL_STATUS_CONFIRMED},
    {"shipped", SL_STATUS_SENT},        {"completed", SL_STATUS_DELIVERED},
    {"cancelled", SL_STATUS_CANCELLED},
};

const char *tarad_status_normalized(const char *status)
{
    for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++)
        if (strcmp(STATUSES[i].tarad, status) == 0)
            return STATUSES[i].norm;
    return NULL;
}

/* Fails naming path + key. */
static int fail(mapper *m, int code, const char *key, const char *what)
{
    char f[SL_ERROR_FIELD_MAX];
    sl_field_path(m->path, key, f);
    return sl_error_set(m->err, code, f, "%s: %s", f, what);
}

/* A getter failed: prefix its field with the path. */
static int with_path(mapper *m, int rc)
{
    return sl_error_in(m->err, m->path, rc);
}

static int text(mapper *m, sl_line *l, int field, const char *key, const char *v)
{
    int rc = sl_put_text(m->h, m->o, l, field, v);
    return rc == SL_OK ? SL_OK : fail(m, rc, key, "refused by the host");
}

/* Optional string (or, for ids, number) member into a text field. */
static int put_str(mapper *m, sl_line *l, int field, const json_t *obj, const char *key)
{
    char buf[TARAD_NAME_MAX] = "";
    int rc = sl_json_id(obj, key, 0, buf, sizeof buf, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    return buf[0] ? text(m, l, field, key, buf) : SL_OK;
}

static int money(mapper *m, sl_line *l, int field, const char *key, int64_t minor)
{
    char buf[SL_MONEY_TEXT_MAX];
    int rc = sl_put_money(m->h, m->o, l, field, minor, m->exp, buf);
    return rc == SL_OK ? SL_OK : fail(m, rc, key, "amount refused by the host");
}

/* Amount member in minor units; *present says whether it was there. */
static int get_minor(mapper *m, const json_t *obj, const char *key, int required, int64_t *out,
                     int *present)
{
    char dec[TARAD_DEC_MAX] = "";
    int rc = sl_json_decimal(obj, key, required, dec, sizeof dec, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    *present = dec[0] != '\0';
    *out = 0;
    if (!*present)
        return SL_OK;
    int64_t v = 0;
    if (sl_money_parse_round(dec, m->exp, SL_ROUND_HALF_UP, &v) != SL_OK || v > MAX_MINOR ||
        v < -MAX_MINOR)
        return fail(m, SL_EINVALID, key, "amount out of range");
    *out = v;
    return SL_OK;
}

/* VAT rate member (percent, at most 3 decimals, 0..100); absent = none. */
static int get_rate(mapper *m, const json_t *obj, const char *key, amounts *a)
{
    a->rate[0] = '\0';
    a->rate_milli = -1;
    int rc = sl_json_decimal(obj, key, 0, a->rate, sizeof a->rate, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    if (a->rate[0] == '\0')
        return SL_OK;
    if (sl_quantity_parse(a->rate, &a->rate_milli) != SL_OK || a->rate_milli < 0 ||
        a->rate_milli > MAX_RATE_MILLI)
        return fail(m, SL_EINVALID, key, "VAT rate must be 0..100");
    return SL_OK;
}

/* Splits a->base into net and tax by the rate (half-up per line). */
static int split_vat(mapper *m, amounts *a, const char *key)
{
    int64_t r = a->rate_milli > 0 ? a->rate_milli : 0;
    int rc = m->incl ? sl_div_round(a->base * r, 100000 + r, SL_ROUND_HALF_UP, &a->tax)
                     : sl_div_round(a->base * r, 100000, SL_ROUND_HALF_UP, &a->tax);
    if (rc != SL_OK)
        return fail(m, SL_EINVALID, key, "VAT cannot be computed");
    a->net = m->incl ? a->base - a->tax : a->base;
    return SL_OK;
}

/* Net, subtotal, tax, rate and rate id of one line. */
static int put_amounts(mapper *m, sl_line *l, const amounts *a)
{
    int rc;
    if ((rc = money(m, l, SL_LINE_SUBTOTAL, "amount", a->net)) ||
        (rc = money(m, l, SL_LINE_TOTAL, "amount", a->net)) ||
        (rc = money(m, l, SL_LINE_TOTAL_TAX, "vat", a->tax)))
        return rc;
    if (a->rate_milli < 0)
        return SL_OK;
    char id[TARAD_DEC_MAX + 4];
    snprintf(id, sizeof id, "VAT%s", a->rate);
    if ((rc = text(m, l, SL_LINE_TAX_RATE_ID, "vat_rate", id)))
        return rc;
    rc = m->h->line_set_money(l, SL_LINE_TAX_PERCENT, a->rate);
    return rc == SL_OK ? SL_OK : fail(m, rc, "vat_rate", "refused by the host");
}

/* ---- items ----------------------------------------------------------- */

/* unit_price * quantity, rounded half-up to minor units. */
static int item_base(mapper *m, const json_t *it, sl_line *l, amounts *a)
{
    char qty[TARAD_DEC_MAX] = "";
    int64_t qm = 0, price = 0;
    int present = 0;
    int rc = sl_json_decimal(it, TARAD_I_QTY, 1, qty, sizeof qty, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    if (sl_quantity_parse(qty, &qm) != SL_OK || qm <= 0 || qm > 1000000000)
        return fail(m, SL_EINVALID, TARAD_I_QTY, "quantity must be > 0");
    if (m->h->line_set_quantity(l, qty) != SL_OK)
        return fail(m, SL_EINVALID, TARAD_I_QTY, "refused by the host");
    if ((rc = get_minor(m, it, TARAD_I_PRICE, 1, &price, &present)))
        return rc;
    if (price < 0 || price > MAX_MINOR / 1000)
        return fail(m, SL_EINVALID, TARAD_I_PRICE, "unit price out of range");
    if ((rc = money(m, l, SL_LINE_UNIT_PRICE, TARAD_I_PRICE, price)))
        return rc;
    if (sl_div_round(price * qm, 1000, SL_ROUND_HALF_UP, &a->base) != SL_OK || a->base > MAX_MINOR)
        return fail(m, SL_EINVALID, TARAD_I_PRICE, "line amount out of range");
    return SL_OK;
}

static int map_item(mapper *m, const json_t *it)
{
    const char *type = NULL;
    int rc = sl_json_str(it, TARAD_I_TYPE, 0, &type, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    int service = type != NULL && strcmp(type, "service") == 0;
    if (type != NULL && !service && strcmp(type, "product") != 0)
        return fail(m, SL_EINVALID, TARAD_I_TYPE, "type must be product or service");
    sl_line *l = m->h->order_add_line(m->o, service ? SL_LINE_FEE : SL_LINE_PRODUCT);
    if (l == NULL)
        return fail(m, SL_ETOOBIG, TARAD_I_SKU, "line refused by the host");
    amounts a;
    if ((rc = put_str(m, l, SL_LINE_SKU, it, TARAD_I_SKU)) ||
        (rc = put_str(m, l, SL_LINE_NAME, it, TARAD_I_NAME)) ||
        (service && (rc = put_str(m, l, SL_LINE_METHOD_ID, it, TARAD_I_SKU))) ||
        (rc = item_base(m, it, l, &a)) || (rc = get_rate(m, it, TARAD_I_RATE, &a)) ||
        (rc = split_vat(m, &a, TARAD_I_PRICE)))
        return rc;
    return put_amounts(m, l, &a);
}

static int map_items(mapper *m, const json_t *j)
{
    json_t *arr = NULL, *it;
    int rc = sl_json_array(j, TARAD_O_ITEMS, 1, &arr, m->err);
    if (rc != SL_OK)
        return rc;
    if (json_array_size(arr) == 0)
        return fail(m, SL_EINVALID, TARAD_O_ITEMS, "an order needs items");
    if (json_array_size(arr) > TARAD_MAX_ITEMS)
        return fail(m, SL_ETOOBIG, TARAD_O_ITEMS, "too many items");
    size_t i;
    json_array_foreach(arr, i, it)
    {
        snprintf(m->path, sizeof m->path, "items[%zu].", i);
        if (!json_is_object(it))
            return fail(m, SL_EINVALID, "", "not an object");
        if ((rc = map_item(m, it)))
            return rc;
    }
    m->path[0] = '\0';
    return SL_OK;
}

/* shipping_fee or discount as one line, with its order totals. */
static int map_charge(mapper *m, const json_t *j, int kind, const char *key, const char *rate_key,
                      const char *name)
{
    amounts a;
    int present = 0;
    int rc = get_minor(m, j, key, 0, &a.base, &present);
    if (rc || !present || a.base == 0)
        return rc;
    if (a.base < 0)
        a.base = -a.base; /* a discount may come signed either way */
    if ((rc = get_rate(m, j, rate_key, &a)) || (rc = split_vat(m, &a, key)))
        return rc;
    sl_line *l = m->h->order_add_line(m->o, kind);
    if (l == NULL)
        return fail(m, SL_ETOOBIG, key, "line refused by the host");
    int ship = kind == SL_LINE_SHIPPING;
    if ((rc = text(m, l, SL_LINE_NAME, key, name)) ||
        (ship && (rc = put_str(m, l, SL_LINE_METHOD_ID, j, TARAD_O_SHIP_METHOD))) ||
        (rc = put_amounts(m, l, &a)))
        return rc;
    if ((rc = money(m, NULL, ship ? SL_ORDER_SHIPPING_TOTAL : SL_ORDER_DISCOUNT_TOTAL, key, a.net)))
        return rc;
    return money(m, NULL, ship ? SL_ORDER_SHIPPING_TAX : SL_ORDER_DISCOUNT_TAX, key, a.tax);
}

/* ---- order head ------------------------------------------------------ */

static const struct {
    const char *key;
    int field;
} ADDRESS_KEYS[] = {
    {"address", SL_ADDR_LINE1},  {"sub_district", SL_ADDR_LINE2}, {"district", SL_ADDR_CITY},
    {"province", SL_ADDR_STATE}, {"postcode", SL_ADDR_POSTCODE},
};

static int addr_set(mapper *m, int which, int field, const char *key, const char *v)
{
    if (v == NULL || *v == '\0')
        return SL_OK;
    int rc = m->h->order_set_address(m->o, which, field, v);
    return rc == SL_OK ? SL_OK : fail(m, rc, key, "refused by the host");
}

/* An address object; the buyer's names, e-mail and phone go on both. */
static int map_address(mapper *m, const json_t *j, const char *key, int which,
                       const char *const who[4])
{
    json_t *a = NULL;
    int rc = sl_json_object(j, key, 0, &a, m->err);
    if (rc != SL_OK || a == NULL)
        return rc;
    snprintf(m->path, sizeof m->path, "%s.", key);
    for (size_t i = 0; i < sizeof ADDRESS_KEYS / sizeof ADDRESS_KEYS[0]; i++) {
        const char *v = NULL;
        if ((rc = sl_json_str(a, ADDRESS_KEYS[i].key, 0, &v, m->err)))
            return with_path(m, rc);
        if ((rc = addr_set(m, which, ADDRESS_KEYS[i].field, ADDRESS_KEYS[i].key, v)))
            return rc;
    }
    static const int WHO[4] = {SL_ADDR_FIRST_NAME, SL_ADDR_LAST_NAME, SL_ADDR_EMAIL, SL_ADDR_PHONE};
    for (int i = 0; i < 4; i++)
        if ((rc = addr_set(m, which, WHO[i], "customer", who[i])))
            return rc;
    m->path[0] = '\0';
    return addr_set(m, which, SL_ADDR_COUNTRY, "country", "TH");
}

static int map_customer(mapper *m, const json_t *j)
{
    json_t *c = NULL;
    int rc = sl_json_object(j, TARAD_O_CUSTOMER, 0, &c, m->err);
    if (rc != SL_OK)
        return rc;
    const char *name = NULL, *email = NULL, *phone = NULL;
    snprintf(m->path, sizeof m->path, "customer.");
    if (c != NULL && ((rc = sl_json_str(c, TARAD_C_NAME, 0, &name, m->err)) ||
                      (rc = sl_json_str(c, TARAD_C_EMAIL, 0, &email, m->err)) ||
                      (rc = sl_json_str(c, TARAD_C_PHONE, 0, &phone, m->err))))
        return with_path(m, rc);
    char first[TARAD_NAME_MAX], last[TARAD_NAME_MAX];
    tarad_name_split(name, first, sizeof first, last, sizeof last);
    const char *who[4] = {first, last, email, phone};
    if ((first[0] && (rc = text(m, NULL, SL_ORDER_FIRST_NAME, "name", first))) ||
        (last[0] && (rc = text(m, NULL, SL_ORDER_LAST_NAME, "name", last))) ||
        (email && *email && (rc = text(m, NULL, SL_ORDER_EMAIL, "email", email))) ||
        (phone && *phone && (rc = text(m, NULL, SL_ORDER_PHONE, "phone", phone))) ||
        (c != NULL && (rc = put_str(m, NULL, SL_ORDER_COMPANY, c, TARAD_C_COMPANY))))
        return rc;
    m->path[0] = '\0';
    if ((rc = map_address(m, j, "billing_address", SL_ADDR_BILLING, who)))
        return rc;
    return map_address(m, j, "shipping_address", SL_ADDR_SHIPPING, who);
}

/* ISO 8601 member into a time field; *ms written when present. */
static int put_time(mapper *m, int field, const json_t *j, const char *key, int required,
                    int64_t *ms)
{
    int64_t t = 0;
    const char *v = NULL;
    int rc = sl_json_str(j, key, required, &v, m->err);
    if (rc != SL_OK || v == NULL)
        return rc;
    /* §7 gives +07:00; a time without an offset is Bangkok time, not UTC. */
    if (sl_iso8601_parse(v, 0, &t, NULL) != SL_OK) {
        if (sl_iso8601_parse(v, 1, &t, NULL) != SL_OK)
            return fail(m, SL_EINVALID, key, "not an ISO 8601 date-time");
        t -= 7 * 3600 * 1000LL;
    }
    if (m->h->order_set_time(m->o, field, t) != SL_OK)
        return fail(m, SL_EINVALID, key, "refused by the host");
    if (ms != NULL)
        *ms = t;
    return SL_OK;
}

static int map_times(mapper *m, const json_t *j, int paid)
{
    int64_t updated = 0, paid_at = 0;
    int rc;
    if ((rc = put_time(m, SL_ORDER_CREATED, j, TARAD_O_CREATED, 0, NULL)) ||
        (rc = put_time(m, SL_ORDER_MODIFIED, j, TARAD_O_UPDATED, 1, &updated)) ||
        (rc = put_time(m, SL_ORDER_PAID, j, TARAD_O_PAID_AT, 0, &paid_at)))
        return rc;
    if (!paid)
        return SL_OK;
    if (paid_at == 0 && m->h->order_set_time(m->o, SL_ORDER_PAID, updated))
        return fail(m, SL_EINVALID, TARAD_O_UPDATED, "refused by the host");
    if (m->h->order_set_flag(m->o, SL_ORDER_IS_PAID, 1) != SL_OK)
        return fail(m, SL_EINVALID, TARAD_O_STATUS, "refused by the host");
    return SL_OK;
}

/* Id, number, status, currency (before any money), payment, notes. */
static int map_identity(mapper *m, const json_t *j, const char *status, const char *currency)
{
    const char *norm = tarad_status_normalized(status);
    char no[TARAD_NAME_MAX];
    int rc = sl_json_id(j, TARAD_O_NO, 1, no, sizeof no, m->err);
    if (rc != SL_OK)
        return rc;
    if (no[0] == '\0')
        return fail(m, SL_EINVALID, TARAD_O_NO, "order_no is empty");
    if ((rc = put_str(m, NULL, SL_ORDER_EXTERNAL_ID, j, TARAD_O_NO)) ||
        (rc = put_str(m, NULL, SL_ORDER_NUMBER, j, TARAD_O_NO)) ||
        (rc = text(m, NULL, SL_ORDER_STATUS, TARAD_O_STATUS, status)) ||
        (norm && (rc = text(m, NULL, SL_ORDER_STATUS_NORMALIZED, TARAD_O_STATUS, norm))) ||
        (rc = text(m, NULL, SL_ORDER_CURRENCY, TARAD_O_CURRENCY, currency)) ||
        (rc = put_str(m, NULL, SL_ORDER_PAYMENT_METHOD, j, TARAD_O_PAYMENT)) ||
        (rc = put_str(m, NULL, SL_ORDER_PAYMENT_TITLE, j, TARAD_O_PAYMENT)) ||
        (rc = put_str(m, NULL, SL_ORDER_SHIPPING_METHOD, j, TARAD_O_SHIP_METHOD)) ||
        (rc = put_str(m, NULL, SL_ORDER_CUSTOMER_NOTE, j, TARAD_O_NOTE)))
        return rc;
    if (m->incl && m->h->order_set_flag(m->o, SL_ORDER_PRICES_INCLUDE_TAX, 1))
        return fail(m, SL_EINVALID, TARAD_O_INCL_VAT, "refused by the host");
    return SL_OK;
}

static int map_totals(mapper *m, const json_t *j)
{
    int64_t v = 0;
    int present = 0;
    int rc = get_minor(m, j, TARAD_O_TOTAL, 1, &v, &present);
    if (rc == SL_OK)
        rc = money(m, NULL, SL_ORDER_TOTAL, TARAD_O_TOTAL, v);
    if (rc == SL_OK)
        rc = get_minor(m, j, TARAD_O_VAT, 0, &v, &present);
    if (rc == SL_OK && present)
        rc = money(m, NULL, SL_ORDER_TOTAL_TAX, TARAD_O_VAT, v);
    return rc;
}

/* The event must agree with the status it announces. */
static int check_event(mapper *m, const char *event, const char *status)
{
    int cancelled = strcmp(status, "cancelled") == 0;
    if (strcmp(event, TARAD_EVENT_CANCELLED) == 0 && !cancelled)
        return fail(m, SL_EINVALID, TARAD_O_STATUS,
                    "order.cancelled push for an order that is not cancelled");
    if (strcmp(event, TARAD_EVENT_PAID) == 0 && (cancelled || strcmp(status, "pending") == 0))
        return fail(m, SL_EINVALID, TARAD_O_STATUS,
                    "order.paid push for an order that is not paid");
    return SL_OK;
}

static int map_order(mapper *m, const json_t *j, const char *event, const char *status,
                     const char *currency)
{
    int paid = strcmp(status, "paid") == 0 || strcmp(status, "shipped") == 0 ||
               strcmp(status, "completed") == 0;
    int rc;
    if ((rc = check_event(m, event, status)) || (rc = map_identity(m, j, status, currency)) ||
        (rc = map_times(m, j, paid)) || (rc = map_customer(m, j)) || (rc = map_totals(m, j)) ||
        (rc = map_items(m, j)) ||
        (rc = map_charge(m, j, SL_LINE_SHIPPING, TARAD_O_SHIPPING, TARAD_O_SHIPPING_RATE,
                         "Shipping")))
        return rc;
    return map_charge(m, j, SL_LINE_DISCOUNT, TARAD_O_DISCOUNT, TARAD_O_DISCOUNT_RATE, "Discount");
}

int tarad_order_submit(tarad_chan *ch, sl_ctx *ctx, const json_t *order, const char *event,
                       const char *raw, size_t raw_len, sl_error *err)
{
    mapper m = {.h = ch->host, .err = err, .incl = 1};
    const char *status = NULL, *currency = TARAD_DEFAULT_CURRENCY;
    if (!json_is_object(order))
        return sl_error_set(err, SL_EINVALID, TARAD_KEY_ORDER, "order must be a JSON object");
    int rc = sl_json_str(order, TARAD_O_STATUS, 1, &status, err);
    if (rc == SL_OK)
        rc = sl_json_str(order, TARAD_O_CURRENCY, 0, &currency, err);
    if (rc == SL_OK)
        rc = sl_json_bool(order, TARAD_O_INCL_VAT, 0, &m.incl, err);
    if (rc != SL_OK)
        return rc;
    m.exp = sl_currency_exponent(currency);
    if (m.exp < 0)
        return sl_error_set(err, SL_EINVALID, TARAD_O_CURRENCY, "unknown currency \"%.8s\"",
                            currency);
    m.o = ch->host->order_new(ctx);
    if (m.o == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "order_new failed");
    /* An order left unsubmitted after an error is reclaimed by the host
       when the call returns. */
    rc = map_order(&m, order, event, status, currency);
    if (rc == SL_OK && ch->host->order_set_raw(m.o, raw, raw_len) != SL_OK)
        rc = sl_error_set(err, SL_ETOOBIG, "body", "raw payload refused");
    if (rc != SL_OK)
        return rc;
    return ch->host->order_submit(ctx, m.o, err);
}
