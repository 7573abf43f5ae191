/*
 * WooCommerce order JSON -> the SDK order builder. One mapping serves both
 * intake paths (webhook body and elements of GET /orders), so a webhook and
 * a poll of the same order revision build the same normalized order.
 *
 * Money: totals are strings with the store's `dp` decimals, line prices are
 * JSON numbers (read through sl_json_decimal, never a double), coupon
 * discounts may be either. Everything handed to a money setter is rounded
 * half-up to the currency's minor digits (dp may exceed them); the unrounded
 * per-rate taxes[] amounts go only through line_add_tax, where the host
 * rounds per rate. Dates come from the *_gmt twins (UTC without offset);
 * date_modified_gmt is required because it orders the revisions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "woo.h"

#define WOO_MAX_LINES_PER_KIND 1000

typedef struct mapper {
    const sl_host *h;
    sl_ctx *ctx;
    sl_order *o;
    const char *currency;
    const json_t *tax_lines; /* borrowed; may be NULL */
    const json_t *items;     /* line_items, borrowed; may be NULL */
    const json_t *refunds;   /* GET /orders/{id}/refunds answer, or NULL
                                when this call could not read it */
    const char *refund_id;   /* the refund whose lines are being mapped */
    char prefix[32];         /* "refunds[i]." while mapping its lines */
    char path[64];           /* prefix of the object being mapped */
    sl_error *err;
} mapper;

typedef struct status_map {
    const char *woo;
    const char *normalized;
} status_map;

static const status_map STATUSES[] = {
    {"pending", SL_STATUS_AWAITING},     {"on-hold", SL_STATUS_AWAITING},
    {"processing", SL_STATUS_CONFIRMED}, {"completed", SL_STATUS_DELIVERED},
    {"cancelled", SL_STATUS_CANCELLED},  {"refunded", SL_STATUS_RETURNED},
    {"failed", SL_STATUS_NOT_CONFIRMED},
};

const char *woo_status_normalized(const char *status)
{
    for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++)
        if (strcmp(STATUSES[i].woo, status) == 0)
            return STATUSES[i].normalized;
    return NULL;
}

/* Copies in (optionally without / with a leading '-') when the currency is
   unknown to the SDK table and no rounding can be named. */
static int pass_through(const char *in, int negate, char out[WOO_DEC_MAX])
{
    const char *sign = "";
    if (negate && in[0] == '-')
        in++;
    else if (negate)
        sign = "-";
    int n = snprintf(out, WOO_DEC_MAX, "%s%s", sign, in);
    return (n < 0 || n >= WOO_DEC_MAX) ? SL_ETOOBIG : SL_OK;
}

int woo_money_text(const char *in, const char *currency, int negate, char out[WOO_DEC_MAX])
{
    int exp = sl_currency_exponent(currency);
    if (exp < 0)
        return pass_through(in, negate, out);
    int64_t minor = 0;
    int rc = sl_money_parse_round(in, exp, SL_ROUND_HALF_UP, &minor);
    if (rc != SL_OK)
        return rc;
    if (negate) {
        if (minor == INT64_MIN)
            return SL_ETOOBIG;
        minor = -minor;
    }
    char buf[SL_MONEY_TEXT_MAX];
    sl_money_format(minor, exp, buf);
    snprintf(out, WOO_DEC_MAX, "%s", buf);
    return SL_OK;
}

/* Rewrites err->field as path + field after a getter failed. */
static int with_path(mapper *m, int rc)
{
    return sl_error_in(m->err, m->path, rc);
}

/* A host setter refused `key`. */
static int refused(mapper *m, int rc, const char *key, const char *value)
{
    return sl_error_refused(m->err, m->path, key, value, rc);
}

static int set_text(mapper *m, sl_line *l, int field, const char *key, const char *v)
{
    int rc = sl_put_text(m->h, m->o, l, field, v);
    return rc == SL_OK ? SL_OK : refused(m, rc, key, v);
}

/* Optional string member `key` of obj into a text field. */
static int put_str(mapper *m, sl_line *l, int field, const json_t *obj, const char *key)
{
    const char *v = NULL;
    int rc = sl_json_str(obj, key, 0, &v, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    return v == NULL ? SL_OK : set_text(m, l, field, key, v);
}

/* tax_class of obj into SL_LINE_TAX_CLASS, "" named "standard". */
static int put_tax_class(mapper *m, sl_line *l, const json_t *obj)
{
    const char *v = NULL;
    int rc = sl_json_str(obj, "tax_class", 0, &v, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    return set_text(m, l, SL_LINE_TAX_CLASS, "tax_class", woo_tax_class_name(v));
}

/* Optional id member (string or integer) into a text field. */
static int put_id(mapper *m, sl_line *l, int field, const json_t *obj, const char *key)
{
    char buf[WOO_ID_MAX] = "";
    int rc = sl_json_id(obj, key, 0, buf, sizeof buf, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    return buf[0] == '\0' ? SL_OK : set_text(m, l, field, key, buf);
}

/* Optional money member (string or number); "" counts as absent. */
static int put_money(mapper *m, sl_line *l, int field, const json_t *obj, const char *key,
                     int negate)
{
    char dec[WOO_DEC_MAX] = "", txt[WOO_DEC_MAX];
    int rc = sl_json_decimal(obj, key, 0, dec, sizeof dec, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    if (dec[0] == '\0')
        return SL_OK;
    rc = woo_money_text(dec, m->currency, negate, txt);
    if (rc != SL_OK) {
        char f[SL_ERROR_FIELD_MAX];
        sl_field_path(m->path, key, f);
        return sl_error_set(m->err, SL_EINVALID, f, "%s: bad amount \"%s\"", f, dec);
    }
    rc = l ? m->h->line_set_money(l, field, txt) : m->h->order_set_money(m->o, field, txt);
    return rc == SL_OK ? SL_OK : refused(m, rc, key, txt);
}

/* Optional UTC date member; *ms written when present. */
static int put_time(mapper *m, int field, const json_t *obj, const char *key, int required,
                    int64_t *ms)
{
    const char *v = NULL;
    int rc = sl_json_str(obj, key, required, &v, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    if (v == NULL)
        return SL_OK;
    int64_t t = 0;
    if (sl_iso8601_parse(v, 1, &t, NULL) != SL_OK)
        return sl_error_set(m->err, SL_EINVALID, key, "%s is not an ISO 8601 date: \"%.40s\"", key,
                            v);
    rc = m->h->order_set_time(m->o, field, t);
    if (rc != SL_OK)
        return refused(m, rc, key, v);
    if (ms != NULL)
        *ms = t;
    return SL_OK;
}

/* ---- lines ------------------------------------------------------------- */

/* rate_percent of the tax_lines entry whose rate_id is `id`, or "". */
static void rate_percent(const mapper *m, const char *id, char out[WOO_DEC_MAX])
{
    out[0] = '\0';
    size_t i;
    json_t *tl;
    json_array_foreach(m->tax_lines, i, tl)
    {
        char rid[WOO_ID_MAX] = "";
        if (sl_json_id(tl, "rate_id", 0, rid, sizeof rid, NULL) == SL_OK && strcmp(rid, id) == 0) {
            if (sl_json_decimal(tl, "rate_percent", 0, out, WOO_DEC_MAX, NULL) != SL_OK)
                out[0] = '\0';
            return;
        }
    }
}

/* Rate id and percent of a line that carries exactly one tax rate. */
static int put_single_rate(mapper *m, sl_line *l, const char *id)
{
    int rc = set_text(m, l, SL_LINE_TAX_RATE_ID, "taxes[0].id", id);
    char pct[WOO_DEC_MAX];
    rate_percent(m, id, pct);
    if (rc != SL_OK || pct[0] == '\0')
        return rc;
    rc = m->h->line_set_money(l, SL_LINE_TAX_PERCENT, pct);
    return rc == SL_OK ? SL_OK : refused(m, rc, "rate_percent", pct);
}

static int refund_sign(mapper *m, const char *key, char dec[WOO_DEC_MAX]);

/* Each taxes[] entry {id, total} -> line_add_tax with the unrounded total
   (a refunded line's negative one made positive). */
static int put_taxes(mapper *m, sl_line *l, const json_t *item)
{
    json_t *taxes = NULL, *t;
    int rc = sl_json_array(item, "taxes", 0, &taxes, m->err);
    if (rc != SL_OK || taxes == NULL)
        return rc != SL_OK ? with_path(m, rc) : SL_OK;
    size_t i, used = 0;
    char first[WOO_ID_MAX] = "";
    json_array_foreach(taxes, i, t)
    {
        char id[WOO_ID_MAX] = "", dec[WOO_DEC_MAX] = "";
        rc = sl_json_id(t, "id", 1, id, sizeof id, m->err);
        if (rc == SL_OK)
            rc = sl_json_decimal(t, "total", 0, dec, sizeof dec, m->err);
        if (rc != SL_OK)
            return with_path(m, rc);
        if (dec[0] == '\0')
            continue;
        if (m->refund_id != NULL && (rc = refund_sign(m, "taxes", dec)))
            return rc;
        rc = m->h->line_add_tax(l, id, dec);
        if (rc != SL_OK)
            return refused(m, rc, "taxes", dec);
        if (used++ == 0)
            memcpy(first, id, sizeof first);
    }
    return used == 1 ? put_single_rate(m, l, first) : SL_OK;
}

static sl_line *add_line(mapper *m, int kind, const json_t *item, int *rc)
{
    sl_line *l = m->h->order_add_line(m->o, kind);
    if (l == NULL) {
        *rc = refused(m, SL_ETOOBIG, "id", "");
        return NULL;
    }
    *rc = put_id(m, l, SL_LINE_EXTERNAL_ID, item, "id");
    return *rc == SL_OK ? l : NULL;
}

/* What the shop's refunds put back into stock from this line, cumulative:
   line meta _restock_refunded_items (WooCommerce writes it when a refund
   with restock_items restocks the line). Hosts before 1.4 lack the slot;
   their books then return no stock for partial refunds, as before. */
static int put_restocked(mapper *m, sl_line *l, const json_t *it)
{
    const sl_host *h = m->h;
    if (!SL_HAS_FIELD(h, line_set_restocked) || h->line_set_restocked == NULL)
        return SL_OK;
    json_t *meta = json_object_get(it, "meta_data"), *e;
    size_t i;
    json_array_foreach(meta, i, e)
    {
        const char *key = json_string_value(json_object_get(e, "key"));
        if (key == NULL || strcmp(key, "_restock_refunded_items") != 0)
            continue;
        char qty[WOO_DEC_MAX] = "";
        if (sl_json_decimal(e, "value", 1, qty, sizeof qty, NULL) != SL_OK) {
            char f[SL_ERROR_FIELD_MAX];
            sl_field_path(m->path, "meta_data._restock_refunded_items", f);
            return sl_error_set(m->err, SL_EINVALID, f, "%s is not a quantity", f);
        }
        int rc = h->line_set_restocked(l, qty);
        return rc == SL_OK ? SL_OK : refused(m, rc, "meta_data._restock_refunded_items", qty);
    }
    return SL_OK;
}

static int map_product(mapper *m, const json_t *it)
{
    int rc;
    sl_line *l = add_line(m, SL_LINE_PRODUCT, it, &rc);
    if (l == NULL)
        return rc;
    char qty[WOO_DEC_MAX];
    rc = sl_json_decimal(it, "quantity", 1, qty, sizeof qty, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    rc = m->h->line_set_quantity(l, qty);
    if (rc != SL_OK)
        return refused(m, rc, "quantity", qty);
    if ((rc = put_str(m, l, SL_LINE_SKU, it, "sku")) ||
        (rc = put_str(m, l, SL_LINE_NAME, it, "name")) ||
        (rc = put_id(m, l, SL_LINE_PRODUCT_ID, it, "product_id")) ||
        (rc = put_id(m, l, SL_LINE_VARIATION_ID, it, "variation_id")) ||
        (rc = put_tax_class(m, l, it)) ||
        (rc = put_money(m, l, SL_LINE_UNIT_PRICE, it, "price", 0)) ||
        (rc = put_money(m, l, SL_LINE_SUBTOTAL, it, "subtotal", 0)) ||
        (rc = put_money(m, l, SL_LINE_SUBTOTAL_TAX, it, "subtotal_tax", 0)) ||
        (rc = put_money(m, l, SL_LINE_TOTAL, it, "total", 0)) ||
        (rc = put_money(m, l, SL_LINE_TOTAL_TAX, it, "total_tax", 0)) ||
        (rc = put_restocked(m, l, it)))
        return rc;
    return put_taxes(m, l, it);
}

/* Shipping has no class of its own: it inherits the items' one. */
static int put_shipping_class(mapper *m, sl_line *l, const json_t *it)
{
    const char *cls = woo_shipping_tax_class(m->items, it);
    return cls == NULL ? SL_OK : set_text(m, l, SL_LINE_TAX_CLASS, "tax_class", cls);
}

static int map_shipping(mapper *m, const json_t *it)
{
    int rc;
    sl_line *l = add_line(m, SL_LINE_SHIPPING, it, &rc);
    if (l == NULL)
        return rc;
    if ((rc = put_str(m, l, SL_LINE_NAME, it, "method_title")) ||
        (rc = put_str(m, l, SL_LINE_METHOD_ID, it, "method_id")) ||
        (rc = put_shipping_class(m, l, it)) ||
        (rc = put_money(m, l, SL_LINE_TOTAL, it, "total", 0)) ||
        (rc = put_money(m, l, SL_LINE_TOTAL_TAX, it, "total_tax", 0)))
        return rc;
    return put_taxes(m, l, it);
}

static int map_fee(mapper *m, const json_t *it)
{
    int rc;
    sl_line *l = add_line(m, SL_LINE_FEE, it, &rc);
    if (l == NULL)
        return rc;
    if ((rc = put_str(m, l, SL_LINE_NAME, it, "name")) ||
        (rc = put_str(m, l, SL_LINE_METHOD_ID, it, "name")) || (rc = put_tax_class(m, l, it)) ||
        (rc = put_money(m, l, SL_LINE_TOTAL, it, "total", 0)) ||
        (rc = put_money(m, l, SL_LINE_TOTAL_TAX, it, "total_tax", 0)))
        return rc;
    return put_taxes(m, l, it);
}

static int map_coupon(mapper *m, const json_t *it)
{
    int rc;
    sl_line *l = add_line(m, SL_LINE_DISCOUNT, it, &rc);
    if (l == NULL)
        return rc;
    if ((rc = put_str(m, l, SL_LINE_METHOD_ID, it, "code")) ||
        (rc = put_str(m, l, SL_LINE_NAME, it, "code")) ||
        (rc = put_money(m, l, SL_LINE_TOTAL, it, "discount", 0)))
        return rc;
    return put_money(m, l, SL_LINE_TOTAL_TAX, it, "discount_tax", 0);
}

/* The shop sends a refund's total negative ("-74.00"); the SDK wants the
   refunded amount positive. */
static int map_refund(mapper *m, const json_t *it)
{
    int rc;
    sl_line *l = add_line(m, SL_LINE_REFUND, it, &rc);
    if (l == NULL)
        return rc;
    if ((rc = put_str(m, l, SL_LINE_REASON, it, "reason")))
        return rc;
    return put_money(m, l, SL_LINE_TOTAL, it, "total", 1);
}

typedef int (*line_fn)(mapper *m, const json_t *item);

static int map_lines(mapper *m, const json_t *order, const char *key, line_fn fn);

/* ---- refunded lines (GET /orders/{id}/refunds) --------------------------- */

/* A refund's own lines are negative copies of the order's ("-1", "-10.00");
   the SDK wants the refunded figures positive. Flips dec in place; a
   positive figure is not a refund's and is refused naming the field. */
static int refund_sign(mapper *m, const char *key, char dec[WOO_DEC_MAX])
{
    if (dec[0] == '-') {
        memmove(dec, dec + 1, strlen(dec));
        return SL_OK;
    }
    if (strspn(dec, "0.") == strlen(dec))
        return SL_OK; /* zero has no sign */
    char f[SL_ERROR_FIELD_MAX];
    sl_field_path(m->path, key, f);
    return sl_error_set(m->err, SL_EINVALID, f, "%s is %s: a refund's line figures are negative", f,
                        dec);
}

/* Optional money member of a refunded line, made positive. */
static int put_refunded_money(mapper *m, sl_line *l, int field, const json_t *obj, const char *key)
{
    char dec[WOO_DEC_MAX] = "", txt[WOO_DEC_MAX];
    int rc = sl_json_decimal(obj, key, 0, dec, sizeof dec, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    if (dec[0] == '\0')
        return SL_OK;
    if ((rc = refund_sign(m, key, dec)))
        return rc;
    if (woo_money_text(dec, m->currency, 0, txt) != SL_OK) {
        char f[SL_ERROR_FIELD_MAX];
        sl_field_path(m->path, key, f);
        return sl_error_set(m->err, SL_EINVALID, f, "%s: bad amount \"%s\"", f, dec);
    }
    rc = m->h->line_set_money(l, field, txt);
    return rc == SL_OK ? SL_OK : refused(m, rc, key, txt);
}

/* A refunded line of `kind`: its id, the refund it belongs to, and its
   net total, tax and per-rate taxes, positive. */
static sl_line *add_refunded(mapper *m, int kind, const json_t *it, int *rc)
{
    sl_line *l = add_line(m, kind, it, rc);
    if (l == NULL)
        return NULL;
    if ((*rc = set_text(m, l, SL_LINE_REFUND_ID, "refund_id", m->refund_id)) ||
        (*rc = put_refunded_money(m, l, SL_LINE_TOTAL, it, "total")) ||
        (*rc = put_refunded_money(m, l, SL_LINE_TOTAL_TAX, it, "total_tax")) ||
        (*rc = put_taxes(m, l, it)))
        return NULL;
    return l;
}

static int map_refunded_product(mapper *m, const json_t *it)
{
    int rc;
    sl_line *l = add_refunded(m, SL_LINE_PRODUCT, it, &rc);
    if (l == NULL)
        return rc;
    char qty[WOO_DEC_MAX];
    rc = sl_json_decimal(it, "quantity", 1, qty, sizeof qty, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    if ((rc = refund_sign(m, "quantity", qty)))
        return rc;
    rc = m->h->line_set_quantity(l, qty);
    if (rc != SL_OK)
        return refused(m, rc, "quantity", qty);
    if ((rc = put_str(m, l, SL_LINE_SKU, it, "sku")) ||
        (rc = put_str(m, l, SL_LINE_NAME, it, "name")) ||
        (rc = put_id(m, l, SL_LINE_PRODUCT_ID, it, "product_id")) ||
        (rc = put_id(m, l, SL_LINE_VARIATION_ID, it, "variation_id")) ||
        (rc = put_tax_class(m, l, it)))
        return rc;
    return put_refunded_money(m, l, SL_LINE_SUBTOTAL, it, "subtotal");
}

static int map_refunded_shipping(mapper *m, const json_t *it)
{
    int rc;
    sl_line *l = add_refunded(m, SL_LINE_SHIPPING, it, &rc);
    if (l == NULL)
        return rc;
    if ((rc = put_str(m, l, SL_LINE_NAME, it, "method_title")))
        return rc;
    return put_str(m, l, SL_LINE_METHOD_ID, it, "method_id");
}

static int map_refunded_fee(mapper *m, const json_t *it)
{
    int rc;
    sl_line *l = add_refunded(m, SL_LINE_FEE, it, &rc);
    if (l == NULL)
        return rc;
    if ((rc = put_str(m, l, SL_LINE_NAME, it, "name")))
        return rc;
    return put_str(m, l, SL_LINE_METHOD_ID, it, "name");
}

/* Whether the order body lists refund `id` in refunds[]. */
static int order_lists_refund(const json_t *order, const char *id)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(order, "refunds"), i, r)
    {
        char rid[WOO_ID_MAX] = "";
        if (sl_json_id(r, "id", 0, rid, sizeof rid, NULL) == SL_OK && strcmp(rid, id) == 0)
            return 1;
    }
    return 0;
}

/* One refund of the answer: its line_items, shipping_lines and fee_lines.
   A refund the order body does not list yet (made between the two calls)
   is left to the next revision, which lists it. */
static int map_refund_object(mapper *m, const json_t *order, const json_t *r, size_t i)
{
    char id[WOO_ID_MAX] = "";
    snprintf(m->path, sizeof m->path, "refunds[%zu].", i);
    if (!json_is_object(r))
        return sl_error_set(m->err, SL_EINVALID, m->path, "%s is not an object", m->path);
    int rc = sl_json_id(r, "id", 1, id, sizeof id, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    if (!order_lists_refund(order, id))
        return SL_OK;
    snprintf(m->prefix, sizeof m->prefix, "refunds[%zu].", i);
    m->refund_id = id;
    if ((rc = map_lines(m, r, "line_items", map_refunded_product)) == SL_OK &&
        (rc = map_lines(m, r, "shipping_lines", map_refunded_shipping)) == SL_OK)
        rc = map_lines(m, r, "fee_lines", map_refunded_fee);
    m->refund_id = NULL;
    m->prefix[0] = '\0';
    return rc;
}

/* The refunds' own lines, or (this call could not read them) the flag
   saying so. Hosts before 1.4 know neither: the order goes as before. */
static int map_refunded(mapper *m, const json_t *order)
{
    const json_t *listed = json_object_get(order, "refunds");
    if (json_array_size(listed) == 0 || m->h->abi_minor < 4)
        return SL_OK;
    if (m->refunds == NULL)
        return m->h->order_set_flag(m->o, SL_ORDER_REFUND_LINES_MISSING, 1) == SL_OK
                   ? SL_OK
                   : refused(m, SL_EINVALID, "refunds", "lines not read");
    if (!json_is_array(m->refunds))
        return sl_error_set(m->err, SL_EREMOTE, "refunds",
                            "GET /orders/{id}/refunds did not answer a JSON array");
    size_t i;
    json_t *r;
    json_array_foreach(m->refunds, i, r)
    {
        int rc = map_refund_object(m, order, r, i);
        if (rc != SL_OK)
            return rc;
    }
    m->path[0] = '\0';
    return SL_OK;
}

static int map_lines(mapper *m, const json_t *order, const char *key, line_fn fn)
{
    json_t *arr = NULL, *it;
    int rc = sl_json_array(order, key, 0, &arr, m->err);
    if (rc != SL_OK || arr == NULL)
        return rc;
    if (json_array_size(arr) > WOO_MAX_LINES_PER_KIND)
        return sl_error_set(m->err, SL_ETOOBIG, key, "%s has %zu entries", key,
                            json_array_size(arr));
    size_t i;
    json_array_foreach(arr, i, it)
    {
        snprintf(m->path, sizeof m->path, "%s%s[%zu].", m->prefix, key, i);
        if (!json_is_object(it))
            return sl_error_set(m->err, SL_EINVALID, m->path, "%s is not an object", m->path);
        rc = fn(m, it);
        if (rc != SL_OK)
            return rc;
    }
    m->path[0] = '\0';
    return SL_OK;
}

/* ---- order head ---------------------------------------------------------- */

static const struct {
    const char *key;
    int field;
} ADDRESS_KEYS[] = {
    {"first_name", SL_ADDR_FIRST_NAME}, {"last_name", SL_ADDR_LAST_NAME},
    {"company", SL_ADDR_COMPANY},       {"address_1", SL_ADDR_LINE1},
    {"address_2", SL_ADDR_LINE2},       {"city", SL_ADDR_CITY},
    {"state", SL_ADDR_STATE},           {"postcode", SL_ADDR_POSTCODE},
    {"country", SL_ADDR_COUNTRY},       {"email", SL_ADDR_EMAIL},
    {"phone", SL_ADDR_PHONE},
};

static int map_address(mapper *m, const json_t *order, const char *key, int which)
{
    json_t *a = NULL;
    int rc = sl_json_object(order, key, 0, &a, m->err);
    if (rc != SL_OK || a == NULL)
        return rc;
    snprintf(m->path, sizeof m->path, "%s.", key);
    for (size_t i = 0; i < sizeof ADDRESS_KEYS / sizeof ADDRESS_KEYS[0]; i++) {
        const char *v = NULL;
        rc = sl_json_str(a, ADDRESS_KEYS[i].key, 0, &v, m->err);
        if (rc != SL_OK)
            return with_path(m, rc);
        if (v != NULL &&
            (rc = m->h->order_set_address(m->o, which, ADDRESS_KEYS[i].field, v)) != SL_OK)
            return refused(m, rc, ADDRESS_KEYS[i].key, v);
    }
    if (which == SL_ADDR_BILLING &&
        ((rc = put_str(m, NULL, SL_ORDER_EMAIL, a, "email")) ||
         (rc = put_str(m, NULL, SL_ORDER_FIRST_NAME, a, "first_name")) ||
         (rc = put_str(m, NULL, SL_ORDER_LAST_NAME, a, "last_name")) ||
         (rc = put_str(m, NULL, SL_ORDER_COMPANY, a, "company")) ||
         (rc = put_str(m, NULL, SL_ORDER_PHONE, a, "phone"))))
        return rc;
    m->path[0] = '\0';
    return SL_OK;
}

/* Id, status, currency first (money setters need the currency). */
static int map_identity(mapper *m, const json_t *j, const char *status)
{
    int rc;
    const char *norm = woo_status_normalized(status);
    if ((rc = put_id(m, NULL, SL_ORDER_EXTERNAL_ID, j, "id")) ||
        (rc = set_text(m, NULL, SL_ORDER_STATUS, "status", status)) ||
        (norm != NULL && (rc = set_text(m, NULL, SL_ORDER_STATUS_NORMALIZED, "status", norm))) ||
        (rc = set_text(m, NULL, SL_ORDER_CURRENCY, "currency", m->currency)) ||
        (rc = put_id(m, NULL, SL_ORDER_NUMBER, j, "number")) ||
        (rc = put_id(m, NULL, SL_ORDER_CUSTOMER_ID, j, "customer_id")) ||
        (rc = put_str(m, NULL, SL_ORDER_PAYMENT_METHOD, j, "payment_method")) ||
        (rc = put_str(m, NULL, SL_ORDER_PAYMENT_TITLE, j, "payment_method_title")) ||
        (rc = put_str(m, NULL, SL_ORDER_TRANSACTION_ID, j, "transaction_id")) ||
        (rc = put_str(m, NULL, SL_ORDER_CUSTOMER_NOTE, j, "customer_note")))
        return rc;
    int incl = 0;
    rc = sl_json_bool(j, "prices_include_tax", 0, &incl, m->err);
    if (rc == SL_OK && incl)
        rc = m->h->order_set_flag(m->o, SL_ORDER_PRICES_INCLUDE_TAX, 1) == SL_OK
                 ? SL_OK
                 : refused(m, SL_EINVALID, "prices_include_tax", "true");
    return rc;
}

static int map_times(mapper *m, const json_t *j, int64_t *modified)
{
    int64_t paid = 0;
    int rc;
    if ((rc = put_time(m, SL_ORDER_CREATED, j, "date_created_gmt", 0, NULL)) ||
        (rc = put_time(m, SL_ORDER_MODIFIED, j, "date_modified_gmt", 1, modified)) ||
        (rc = put_time(m, SL_ORDER_PAID, j, "date_paid_gmt", 0, &paid)) ||
        (rc = put_time(m, SL_ORDER_COMPLETED, j, "date_completed_gmt", 0, NULL)))
        return rc;
    if (paid != 0 && m->h->order_set_flag(m->o, SL_ORDER_IS_PAID, 1) != SL_OK)
        return refused(m, SL_EINVALID, "date_paid_gmt", "paid");
    return SL_OK;
}

static int map_totals(mapper *m, const json_t *j)
{
    int rc;
    if ((rc = put_money(m, NULL, SL_ORDER_TOTAL, j, "total", 0)) ||
        (rc = put_money(m, NULL, SL_ORDER_TOTAL_TAX, j, "total_tax", 0)) ||
        (rc = put_money(m, NULL, SL_ORDER_SHIPPING_TOTAL, j, "shipping_total", 0)) ||
        (rc = put_money(m, NULL, SL_ORDER_SHIPPING_TAX, j, "shipping_tax", 0)) ||
        (rc = put_money(m, NULL, SL_ORDER_DISCOUNT_TOTAL, j, "discount_total", 0)))
        return rc;
    return put_money(m, NULL, SL_ORDER_DISCOUNT_TAX, j, "discount_tax", 0);
}

/* The first shipping line's method id names the order's shipping method. */
static int map_shipping_method(mapper *m, const json_t *j)
{
    json_t *arr = json_object_get(j, "shipping_lines");
    json_t *first = json_is_array(arr) ? json_array_get(arr, 0) : NULL;
    return json_is_object(first) ? put_str(m, NULL, SL_ORDER_SHIPPING_METHOD, first, "method_id")
                                 : SL_OK;
}

/* Decimal member `key` of obj rounded to the currency into out ("" when
   absent). */
static int money_member(mapper *m, const json_t *obj, const char *key, char out[WOO_DEC_MAX])
{
    char dec[WOO_DEC_MAX] = "";
    out[0] = '\0';
    int rc = sl_json_decimal(obj, key, 0, dec, sizeof dec, m->err);
    if (rc != SL_OK)
        return with_path(m, rc);
    if (dec[0] != '\0' && woo_money_text(dec, m->currency, 0, out) != SL_OK) {
        char f[SL_ERROR_FIELD_MAX];
        sl_field_path(m->path, key, f);
        return sl_error_set(m->err, SL_EINVALID, f, "%s: bad amount \"%s\"", f, dec);
    }
    return SL_OK;
}

/* One tax_lines[] entry: the shop's total of that rate for the order,
   which the host books as authoritative (a store rounding at subtotal
   rounds only these, not the line taxes). Hosts before 1.3 lack the
   slot; the line taxes alone then decide, as they always did. */
static int map_tax_line(mapper *m, const json_t *tl)
{
    const sl_host *h = m->h;
    if (!SL_HAS_FIELD(h, order_add_tax_rate) || h->order_add_tax_rate == NULL)
        return SL_OK;
    char id[WOO_ID_MAX] = "", tax[WOO_DEC_MAX], ship[WOO_DEC_MAX];
    char pct[WOO_DEC_MAX] = "";
    int compound = 0, rc;
    if ((rc = sl_json_id(tl, "rate_id", 1, id, sizeof id, m->err)) ||
        (rc = sl_json_decimal(tl, "rate_percent", 0, pct, sizeof pct, m->err)) ||
        (rc = sl_json_bool(tl, "compound", 0, &compound, m->err)))
        return with_path(m, rc);
    if ((rc = money_member(m, tl, "tax_total", tax)) ||
        (rc = money_member(m, tl, "shipping_tax_total", ship)))
        return rc;
    rc = h->order_add_tax_rate(m->o, id, tax, ship, pct[0] ? pct : NULL, compound);
    return rc == SL_OK ? SL_OK : refused(m, rc, "rate_id", id);
}

static int map_order(mapper *m, const json_t *j, const char *status, int64_t *modified)
{
    int rc;
    json_t *tl = NULL;
    if ((rc = sl_json_array(j, "tax_lines", 0, &tl, m->err)))
        return rc;
    m->tax_lines = tl;
    m->items = json_object_get(j, "line_items");
    if ((rc = map_identity(m, j, status)) || (rc = map_times(m, j, modified)) ||
        (rc = map_totals(m, j)) || (rc = map_address(m, j, "billing", SL_ADDR_BILLING)) ||
        (rc = map_address(m, j, "shipping", SL_ADDR_SHIPPING)) ||
        (rc = map_shipping_method(m, j)) || (rc = map_lines(m, j, "line_items", map_product)) ||
        (rc = map_lines(m, j, "shipping_lines", map_shipping)) ||
        (rc = map_lines(m, j, "fee_lines", map_fee)) ||
        (rc = map_lines(m, j, "coupon_lines", map_coupon)) ||
        (rc = map_lines(m, j, "refunds", map_refund)) || (rc = map_refunded(m, j)) ||
        (rc = map_lines(m, j, "tax_lines", map_tax_line)))
        return rc;
    return SL_OK;
}

/* An order whose mapping failed on its content: handed to the host as
   refused (1.4 hosts keep it as failed and let a poll go on), with its id
   and raw payload. Older hosts, and other failures, get the error back. */
static int refuse_unmappable(woo_chan *ch, sl_ctx *ctx, mapper *m, const json_t *order,
                             const char *raw, size_t raw_len, int rc, sl_error *err)
{
    const sl_host *h = ch->host;
    if (rc != SL_EINVALID && rc != SL_EUNSUPPORTED && rc != SL_ETOOBIG)
        return rc;
    if (!SL_HAS_FIELD(h, order_refuse) || h->order_refuse == NULL)
        return rc;
    char id[WOO_ID_MAX] = "";
    if (sl_json_id(order, "id", 0, id, sizeof id, NULL) == SL_OK && id[0])
        h->order_set_text(m->o, SL_ORDER_EXTERNAL_ID, id);
    if (raw != NULL)
        h->order_set_raw(m->o, raw, raw_len);
    sl_error why = *err;
    return h->order_refuse(ctx, m->o, &why, err);
}

int woo_order_submit(woo_chan *ch, sl_ctx *ctx, const json_t *order, const char *raw,
                     size_t raw_len, int *submitted, int64_t *modified_ms, sl_error *err)
{
    return woo_order_submit_refunds(ch, ctx, order, NULL, raw, raw_len, submitted, modified_ms,
                                    err);
}

int woo_order_submit_refunds(woo_chan *ch, sl_ctx *ctx, const json_t *order, const json_t *refunds,
                             const char *raw, size_t raw_len, int *submitted, int64_t *modified_ms,
                             sl_error *err)
{
    mapper m = {.h = ch->host, .ctx = ctx, .refunds = refunds, .err = err};
    const char *status = NULL;
    *submitted = 0;
    if (!json_is_object(order))
        return sl_error_set(err, SL_EINVALID, "body", "an order must be a JSON object");
    int rc = sl_json_str(order, "status", 1, &status, err);
    if (rc == SL_OK)
        rc = sl_json_str(order, "currency", 1, &m.currency, err);
    if (rc != SL_OK)
        return rc;
    if (strcmp(status, "checkout-draft") == 0)
        return SL_OK; /* a block checkout still in progress: not an order */
    m.o = ch->host->order_new(ctx);
    if (m.o == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "order_new failed");
    int64_t modified = 0;
    /* An order left unsubmitted after a mapping error belongs to the
       call's arena; the host reclaims it when the call returns. */
    rc = map_order(&m, order, status, &modified);
    if (rc == SL_OK && raw != NULL && ch->host->order_set_raw(m.o, raw, raw_len) != SL_OK)
        rc = sl_error_set(err, SL_ETOOBIG, "body", "raw payload refused");
    if (rc != SL_OK)
        return refuse_unmappable(ch, ctx, &m, order, raw, raw_len, rc, err);
    rc = ch->host->order_submit(ctx, m.o, err);
    if (rc != SL_OK)
        return rc;
    *submitted = 1;
    if (modified_ms != NULL)
        *modified_ms = modified;
    return SL_OK;
}

int woo_order_submit_deleted(woo_chan *ch, sl_ctx *ctx, const char *id, const json_t *body,
                             const char *raw, size_t raw_len, sl_error *err)
{
    const sl_host *h = ch->host;
    /* Moving to the trash bumps the order's date_modified, and a later
       restore bumps it again: the revision is ordered by the shop's own
       time when the body has it (a deletion that carries only the id is
       ordered by the time we learnt of it). The body's status is the one
       the order had; it is not booked (the host records trash only). */
    int64_t modified = 0;
    const char *gmt = json_string_value(json_object_get(body, "date_modified_gmt"));
    if (gmt == NULL || sl_iso8601_parse(gmt, 1, &modified, NULL) != SL_OK)
        modified = h->now_ms(ctx);
    sl_order *o = h->order_new(ctx);
    if (o == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "order_new failed");
    if (h->order_set_text(o, SL_ORDER_EXTERNAL_ID, id) != SL_OK ||
        h->order_set_text(o, SL_ORDER_STATUS, "deleted") != SL_OK ||
        h->order_set_flag(o, SL_ORDER_DELETED, 1) != SL_OK ||
        h->order_set_time(o, SL_ORDER_MODIFIED, modified) != SL_OK ||
        h->order_set_raw(o, raw, raw_len) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "id", "the host refused the deletion of order %s",
                            id);
    return h->order_submit(ctx, o, err);
}
