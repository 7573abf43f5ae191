/*
 * UNAS <Order> -> the SDK order builder (api/unas.md §4.2).
 *
 * Lines. UNAS has no shipping/fee/coupon arrays: synthetic <Item>s carry
 * them, recognised by Id/Sku: shipping-cost -> SL_LINE_SHIPPING,
 * handel-cost (the payment handling fee, UNAS's spelling) -> SL_LINE_FEE,
 * discount-* (negative prices) -> SL_LINE_DISCOUNT with positive amounts.
 * Their METHOD_ID is the keyword and NAME the shop's label, so the host
 * matches them to services by the channel's "services" map or by name.
 * Item prices are per unit, net and gross; a line's TOTAL is net * qty and
 * TOTAL_TAX is gross * qty - TOTAL, each rounded half-up to the currency's
 * minor digits once, so the lines add up to SumPriceGross as the shop
 * computed it. Vat is a string ("27%", or textual like "AAM"): it becomes
 * TAX_RATE_ID as is and TAX_PERCENT when it is a number.
 *
 * Head. Key is the external id, the display number and the document's
 * header note; dates are Budapest wall time (unas_time.c); DateMod is
 * required because it orders revisions and moves the poll cursor. Names
 * are split family-first by default (Hungarian order, "Nagy Kata").
 * Status: the shop's own name; the normalized word comes from the
 * channel's "statuses" map (by StatusID, then by name) when present.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "unas.h"

#define TEXT_MAX 512
#define PRICE_SCALE 4 /* decimals kept from UNAS prices before multiplying */

typedef struct mapper {
    unas_chan *ch;
    const sl_host *h;
    sl_ctx *ctx;
    sl_order *o;
    char currency[8];
    int exponent;
    char path[48]; /* element being mapped, for error fields */
    sl_error *err;
} mapper;

static int pow10i(int n, int64_t *out)
{
    int64_t v = 1;
    for (int i = 0; i < n; i++)
        v *= 10;
    *out = v;
    return SL_OK;
}

int unas_money_times(const char *amount, const char *qty, int exponent, int64_t *out)
{
    int64_t a = 0, q = 0, den = 0;
    if (exponent < 0 || exponent > PRICE_SCALE ||
        sl_money_parse_round(amount, PRICE_SCALE, SL_ROUND_HALF_UP, &a) ||
        sl_quantity_parse(qty, &q))
        return SL_EINVALID;
    pow10i(PRICE_SCALE - exponent, &den);
    __int128 num = (__int128)a * q, d = (__int128)den * 1000;
    __int128 r = (num < 0 ? -num : num) / d, rem = (num < 0 ? -num : num) % d;
    if (2 * rem >= d)
        r++;
    if (num < 0)
        r = -r;
    if (r > INT64_MAX || r < -INT64_MAX)
        return SL_ETOOBIG;
    *out = (int64_t)r;
    return SL_OK;
}

int unas_money_text(const char *in, const char *currency, int negate, char out[UNAS_DEC_MAX])
{
    int exp = sl_currency_exponent(currency);
    int64_t minor = 0;
    if (exp < 0)
        return SL_EINVALID;
    int rc = sl_money_parse_round(in, exp, SL_ROUND_HALF_UP, &minor);
    if (rc != SL_OK)
        return rc;
    char buf[SL_MONEY_TEXT_MAX];
    snprintf(out, UNAS_DEC_MAX, "%s", sl_money_format(negate ? -minor : minor, exp, buf));
    return SL_OK;
}

int unas_vat_percent(const char *vat, char out[UNAS_DEC_MAX])
{
    size_t n = strlen(vat);
    out[0] = '\0';
    if (n < 2 || n >= UNAS_DEC_MAX || vat[n - 1] != '%' || sl_decimal_check(vat, n - 1) != SL_OK ||
        vat[0] == '-' || vat[0] == '+')
        return 0;
    memcpy(out, vat, n - 1);
    out[n - 1] = '\0';
    return 1;
}

/* ---- setters with error naming ------------------------------------------ */

static int refused(mapper *m, int rc, const char *key, const char *value)
{
    return sl_error_refused(m->err, m->path, key, value, rc);
}

static int set_text(mapper *m, sl_line *l, int field, const char *key, const char *v)
{
    if (v == NULL || v[0] == '\0')
        return SL_OK;
    int rc = sl_put_text(m->h, m->o, l, field, v);
    return rc == SL_OK ? SL_OK : refused(m, rc, key, v);
}

/* Text of `path` below n into a field (absent or empty: nothing). */
static int put(mapper *m, sl_line *l, int field, const xmlNode *n, const char *path)
{
    const char *v = unas_text_dup(m->h, m->ctx, n, path);
    return set_text(m, l, field, path, v);
}

static int set_money(mapper *m, sl_line *l, int field, const char *key, int64_t minor)
{
    char buf[SL_MONEY_TEXT_MAX];
    int rc = sl_put_money(m->h, m->o, l, field, minor, m->exponent, buf);
    return rc == SL_OK ? SL_OK : refused(m, rc, key, buf);
}

/* A required decimal child as text. */
static int decimal(mapper *m, const xmlNode *n, const char *key, char out[UNAS_DEC_MAX])
{
    int rc = sl_xml_path_text(n, key, out, UNAS_DEC_MAX);
    if (rc == 1 && sl_decimal_check(out, strlen(out)) == SL_OK)
        return SL_OK;
    char f[SL_ERROR_FIELD_MAX];
    snprintf(f, sizeof f, "%s%s", m->path, key);
    return sl_error_set(m->err, SL_EINVALID, f, "%s is missing or not a decimal: \"%.40s\"", f,
                        rc == 1 ? out : "");
}

/* ---- lines --------------------------------------------------------------- */

static int line_kind(const char *id, const char *sku)
{
    const char *k = sku[0] ? sku : id;
    if (strcmp(k, "shipping-cost") == 0)
        return SL_LINE_SHIPPING;
    if (strcmp(k, "handel-cost") == 0)
        return SL_LINE_FEE;
    if (strncmp(k, "discount-", 9) == 0)
        return SL_LINE_DISCOUNT;
    return SL_LINE_PRODUCT;
}

/* "Name (Value, Value)" from <Variants><Variant><Value>. */
static const char *display_name(mapper *m, const xmlNode *it)
{
    const char *name = unas_text_dup(m->h, m->ctx, it, "Name");
    xmlNodePtr v = sl_xml_child(sl_xml_child(it, "Variants"), "Variant");
    if (name == NULL || v == NULL)
        return name;
    char buf[TEXT_MAX], val[128];
    size_t used = (size_t)snprintf(buf, sizeof buf, "%s (", name);
    for (int k = 0; v != NULL && used < sizeof buf; v = sl_xml_next_same(v), k++) {
        if (sl_xml_path_text(v, "Value", val, sizeof val) != 1)
            continue;
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", k ? ", " : "", val);
    }
    if (used + 2 >= sizeof buf)
        return name;
    snprintf(buf + used, sizeof buf - used, ")");
    return m->h->strdup(m->ctx, buf);
}

/* Net and tax of an item line: unit prices times quantity. */
static int amounts(mapper *m, const xmlNode *it, const char *qty, int kind, int64_t *net,
                   int64_t *tax, int64_t *unit)
{
    char pn[UNAS_DEC_MAX], pg[UNAS_DEC_MAX];
    int rc = decimal(m, it, "PriceNet", pn);
    if (rc == SL_OK)
        rc = decimal(m, it, "PriceGross", pg);
    if (rc != SL_OK)
        return rc;
    int64_t gross = 0;
    if (unas_money_times(pn, qty, m->exponent, net) ||
        unas_money_times(pg, qty, m->exponent, &gross) ||
        unas_money_times(pn, "1", m->exponent, unit))
        return refused(m, SL_EINVALID, "PriceNet", pn);
    *tax = gross - *net;
    if (kind == SL_LINE_DISCOUNT) { /* the SDK wants discounts positive */
        *net = *net < 0 ? -*net : *net;
        *tax = *tax < 0 ? -*tax : *tax;
        *unit = *unit < 0 ? -*unit : *unit;
    }
    return SL_OK;
}

static int map_item(mapper *m, const xmlNode *it, size_t index)
{
    char id[128], sku[128], qty[UNAS_DEC_MAX], vat[32], pct[UNAS_DEC_MAX];
    sl_xml_path_text(it, "Id", id, sizeof id);
    sl_xml_path_text(it, "Sku", sku, sizeof sku);
    int kind = line_kind(id, sku), rc = decimal(m, it, "Quantity", qty);
    if (rc != SL_OK)
        return rc;
    int64_t net = 0, tax = 0, unit = 0;
    if ((rc = amounts(m, it, qty, kind, &net, &tax, &unit)))
        return rc;
    sl_line *l = m->h->order_add_line(m->o, kind);
    if (l == NULL)
        return refused(m, SL_ETOOBIG, "Item", "");
    char ext[24];
    snprintf(ext, sizeof ext, "%zu", index + 1);
    if (m->h->line_set_quantity(l, qty) != SL_OK)
        return refused(m, SL_EINVALID, "Quantity", qty);
    if ((rc = set_text(m, l, SL_LINE_EXTERNAL_ID, "Item", ext)) ||
        (rc = set_text(m, l, SL_LINE_NAME, "Name", display_name(m, it))) ||
        (rc = put(m, l, SL_LINE_UNIT, it, "Unit")) ||
        (rc = set_money(m, l, SL_LINE_UNIT_PRICE, "PriceNet", unit)) ||
        (rc = set_money(m, l, SL_LINE_TOTAL, "PriceNet", net)) ||
        (rc = set_money(m, l, SL_LINE_TOTAL_TAX, "PriceGross", tax)))
        return rc;
    if (kind == SL_LINE_PRODUCT)
        rc = set_text(m, l, SL_LINE_SKU, "Sku", sku);
    else
        rc = set_text(m, l, SL_LINE_METHOD_ID, "Sku", sku[0] ? sku : id);
    if (rc == SL_OK && kind == SL_LINE_PRODUCT)
        rc = set_text(m, l, SL_LINE_PRODUCT_ID, "Id", id);
    if (rc != SL_OK || sl_xml_path_text(it, "Vat", vat, sizeof vat) != 1 || !vat[0])
        return rc;
    if ((rc = set_text(m, l, SL_LINE_TAX_RATE_ID, "Vat", vat)))
        return rc;
    if (unas_vat_percent(vat, pct) && m->h->line_set_money(l, SL_LINE_TAX_PERCENT, pct) != SL_OK)
        return refused(m, SL_EINVALID, "Vat", vat);
    return SL_OK;
}

static int map_items(mapper *m, const xmlNode *order)
{
    xmlNodePtr items = sl_xml_child(order, "Items");
    if (sl_xml_count(items, "Item") > UNAS_MAX_ITEMS)
        return sl_error_set(m->err, SL_ETOOBIG, "Items", "order has more than %d items",
                            UNAS_MAX_ITEMS);
    size_t i = 0;
    for (xmlNodePtr it = sl_xml_child(items, "Item"); it; it = sl_xml_next_same(it), i++) {
        snprintf(m->path, sizeof m->path, "Items.Item[%zu].", i);
        int rc = map_item(m, it, i);
        if (rc != SL_OK)
            return rc;
    }
    m->path[0] = '\0';
    return SL_OK;
}

/* ---- head ---------------------------------------------------------------- */

/* Splits "Nagy Kata" into family "Nagy" and given "Kata" (family-first),
   or the other way round; a single word is the family name. */
static void split_name(const mapper *m, const char *full, char *first, char *last, size_t cap)
{
    first[0] = last[0] = '\0';
    if (full == NULL)
        return;
    const char *sp = m->ch->family_first ? strchr(full, ' ') : strrchr(full, ' ');
    if (sp == NULL) {
        snprintf(last, cap, "%s", full);
        return;
    }
    size_t a = (size_t)(sp - full);
    if (m->ch->family_first) {
        snprintf(last, cap, "%.*s", (int)a, full);
        snprintf(first, cap, "%s", sp + 1);
    } else {
        snprintf(first, cap, "%.*s", (int)a, full);
        snprintf(last, cap, "%s", sp + 1);
    }
}

static int map_address(mapper *m, const xmlNode *a, int which)
{
    if (a == NULL)
        return SL_OK;
    static const struct {
        const char *key;
        int field;
    } K[] = {{"Street", SL_ADDR_LINE1},
             {"City", SL_ADDR_CITY},
             {"ZIP", SL_ADDR_POSTCODE},
             {"County", SL_ADDR_STATE}};
    char first[TEXT_MAX], last[TEXT_MAX], cc[8];
    split_name(m, unas_text_dup(m->h, m->ctx, a, "Name"), first, last, TEXT_MAX);
    const char *vals[2] = {first, last};
    const int fields[2] = {SL_ADDR_FIRST_NAME, SL_ADDR_LAST_NAME};
    for (int i = 0; i < 2; i++)
        if (vals[i][0] && m->h->order_set_address(m->o, which, fields[i], vals[i]) != SL_OK)
            return refused(m, SL_EINVALID, "Name", vals[i]);
    for (size_t i = 0; i < sizeof K / sizeof K[0]; i++) {
        const char *v = unas_text_dup(m->h, m->ctx, a, K[i].key);
        if (v && v[0] && m->h->order_set_address(m->o, which, K[i].field, v))
            return refused(m, SL_EINVALID, K[i].key, v);
    }
    if (sl_xml_path_text(a, "CountryCode", cc, sizeof cc) == 1 && cc[0]) {
        for (char *p = cc; *p; p++)
            *p = (char)toupper((unsigned char)*p); /* UNAS sends "hu" */
        if (m->h->order_set_address(m->o, which, SL_ADDR_COUNTRY, cc))
            return refused(m, SL_EINVALID, "CountryCode", cc);
    }
    return SL_OK;
}

static int map_customer(mapper *m, const xmlNode *order)
{
    xmlNodePtr c = sl_xml_child(order, "Customer");
    xmlNodePtr inv = sl_xml_path(c, "Addresses/Invoice");
    char first[TEXT_MAX], last[TEXT_MAX], type[64];
    const char *name = unas_text_dup(m->h, m->ctx, c, "Contact/Name");
    if (name == NULL || name[0] == '\0')
        name = unas_text_dup(m->h, m->ctx, inv, "Name");
    split_name(m, name, first, last, TEXT_MAX);
    const char *phone = unas_text_dup(m->h, m->ctx, c, "Contact/Mobile");
    if (phone == NULL || phone[0] == '\0')
        phone = unas_text_dup(m->h, m->ctx, c, "Contact/Phone");
    int rc;
    if ((rc = put(m, NULL, SL_ORDER_CUSTOMER_ID, c, "Id")) ||
        (rc = put(m, NULL, SL_ORDER_EMAIL, c, "Email")) ||
        (rc = set_text(m, NULL, SL_ORDER_FIRST_NAME, "Contact/Name", first)) ||
        (rc = set_text(m, NULL, SL_ORDER_LAST_NAME, "Contact/Name", last)) ||
        (rc = set_text(m, NULL, SL_ORDER_PHONE, "Contact/Mobile", phone)))
        return rc;
    if (sl_xml_path_text(inv, "CustomerType", type, sizeof type) == 1 &&
        strcmp(type, "company") == 0 && (rc = put(m, NULL, SL_ORDER_COMPANY, inv, "Name")))
        return rc;
    if ((rc = map_address(m, inv, SL_ADDR_BILLING)) ||
        (rc = map_address(m, sl_xml_path(c, "Addresses/Shipping"), SL_ADDR_SHIPPING)))
        return rc;
    const char *email = unas_text_dup(m->h, m->ctx, c, "Email");
    if (inv && email && email[0] &&
        m->h->order_set_address(m->o, SL_ADDR_BILLING, SL_ADDR_EMAIL, email))
        return refused(m, SL_EINVALID, "Email", email);
    return SL_OK;
}

/* The buyer's comments (Type customer / customer_shipping), joined. */
static int map_comments(mapper *m, const xmlNode *order)
{
    char buf[4096] = "", type[32], text[2048];
    size_t used = 0;
    xmlNodePtr c = sl_xml_child(sl_xml_child(order, "Comments"), "Comment");
    for (; c != NULL; c = sl_xml_next_same(c)) {
        if (sl_xml_path_text(c, "Type", type, sizeof type) != 1 ||
            strncmp(type, "customer", 8) != 0 ||
            sl_xml_path_text(c, "Text", text, sizeof text) != 1 || !text[0])
            continue;
        int n = snprintf(buf + used, sizeof buf - used, "%s%s", used ? "\n" : "", text);
        if (n < 0 || (size_t)n >= sizeof buf - used)
            break;
        used += (size_t)n;
    }
    return set_text(m, NULL, SL_ORDER_CUSTOMER_NOTE, "Comments", buf);
}

static int map_status(mapper *m, const xmlNode *order)
{
    char sid[32];
    const char *name = unas_text_dup(m->h, m->ctx, order, "Status");
    sl_xml_path_text(order, "StatusID", sid, sizeof sid);
    const char *norm = sid[0] ? m->h->config_map(m->ctx, "statuses", sid) : NULL;
    if (norm == NULL && name != NULL && name[0])
        norm = m->h->config_map(m->ctx, "statuses", name);
    int rc = set_text(m, NULL, SL_ORDER_STATUS, "Status", name && name[0] ? name : sid);
    if (rc == SL_OK)
        rc = set_text(m, NULL, SL_ORDER_STATUS_NORMALIZED, "Status", norm);
    return rc;
}

static int map_payment(mapper *m, const xmlNode *order)
{
    xmlNodePtr p = sl_xml_child(order, "Payment");
    char st[32];
    int rc;
    if ((rc = put(m, NULL, SL_ORDER_PAYMENT_METHOD, p, "Type")) ||
        (rc = put(m, NULL, SL_ORDER_PAYMENT_TITLE, p, "Name")) ||
        (rc = put(m, NULL, SL_ORDER_SHIPPING_METHOD, order, "Shipping/Name")))
        return rc;
    if (sl_xml_path_text(p, "Status", st, sizeof st) == 1 &&
        (strcmp(st, "paid") == 0 || strcmp(st, "overpaid") == 0) &&
        m->h->order_set_flag(m->o, SL_ORDER_IS_PAID, 1) != SL_OK)
        return refused(m, SL_EINVALID, "Payment/Status", st);
    return SL_OK;
}

static int map_time(mapper *m, const xmlNode *order, const char *key, int field, int required,
                    int64_t *out_s)
{
    char v[32];
    int64_t s = 0;
    int have = sl_xml_path_text(order, key, v, sizeof v) == 1 && v[0];
    if (!have && !required)
        return SL_OK;
    if (!have || unas_local_parse(v, &s) != 0)
        return sl_error_set(m->err, SL_EINVALID, key,
                            "%s is missing or not YYYY.MM.DD HH:MM:SS: "
                            "\"%.40s\"",
                            key, have ? v : "");
    if (m->h->order_set_time(m->o, field, s * 1000) != SL_OK)
        return refused(m, SL_EINVALID, key, v);
    if (out_s != NULL)
        *out_s = s;
    return SL_OK;
}

static int map_head(mapper *m, const xmlNode *o, int64_t *modified)
{
    char total[UNAS_DEC_MAX];
    int64_t t = 0;
    int rc;
    if ((rc = put(m, NULL, SL_ORDER_EXTERNAL_ID, o, "Key")) ||
        (rc = set_text(m, NULL, SL_ORDER_CURRENCY, "Currency", m->currency)) ||
        (rc = put(m, NULL, SL_ORDER_NUMBER, o, "Key")) ||
        (rc = put(m, NULL, SL_ORDER_HEADER_NOTE, o, "Key")) ||
        (rc = put(m, NULL, SL_ORDER_LANGUAGE, o, "Lang")) || (rc = map_status(m, o)) ||
        (rc = map_payment(m, o)) || (rc = map_comments(m, o)) ||
        (rc = map_time(m, o, "Date", SL_ORDER_CREATED, 0, NULL)) ||
        (rc = map_time(m, o, "DateMod", SL_ORDER_MODIFIED, 1, modified)) ||
        (rc = decimal(m, o, "SumPriceGross", total)))
        return rc;
    if (sl_money_parse_round(total, m->exponent, SL_ROUND_HALF_UP, &t))
        return refused(m, SL_EINVALID, "SumPriceGross", total);
    return set_money(m, NULL, SL_ORDER_TOTAL, "SumPriceGross", t);
}

/* Whether order_filter lets the order through: "invoiceable" takes orders
   whose Invoice/Status is 1 (billable) or 2 (invoiced). */
static int wanted(const unas_chan *ch, const xmlNode *order)
{
    char st[8];
    if (!ch->invoiceable_only)
        return 1;
    return sl_xml_path_text(order, "Invoice/Status", st, sizeof st) == 1 &&
           (strcmp(st, "1") == 0 || strcmp(st, "2") == 0);
}

int unas_order_submit(unas_chan *ch, sl_ctx *ctx, const xmlNode *order, const char *raw,
                      size_t raw_len, int *submitted, int64_t *modified_s, sl_error *err)
{
    mapper m = {.ch = ch, .h = ch->host, .ctx = ctx, .err = err};
    char key[128], dm[32];
    *submitted = 0;
    if (sl_xml_path_text(order, "Key", key, sizeof key) != 1 || !key[0])
        return sl_error_set(err, SL_EINVALID, "Key", "order has no <Key>");
    if (sl_xml_path_text(order, "Currency", m.currency, sizeof m.currency) != 1 ||
        (m.exponent = sl_currency_exponent(m.currency)) < 0 || m.exponent > PRICE_SCALE)
        return sl_error_set(err, SL_EINVALID, "Currency", "order %s: unknown currency \"%s\"", key,
                            m.currency);
    int64_t mod = 0;
    if (sl_xml_path_text(order, "DateMod", dm, sizeof dm) != 1 || unas_local_parse(dm, &mod) != 0)
        return sl_error_set(err, SL_EINVALID, "DateMod",
                            "order %s: DateMod \"%.32s\" is not a date", key, dm);
    *modified_s = mod;
    if (!wanted(ch, order))
        return SL_OK;
    m.o = ch->host->order_new(ctx);
    if (m.o == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "order_new failed");
    int rc = map_head(&m, order, NULL);
    if (rc == SL_OK)
        rc = map_customer(&m, order);
    if (rc == SL_OK)
        rc = map_items(&m, order);
    if (rc == SL_OK && raw != NULL && ch->host->order_set_raw(m.o, raw, raw_len))
        rc = sl_error_set(err, SL_ETOOBIG, "body", "raw payload refused");
    if (rc != SL_OK) {
        if (SL_HAS_FIELD(ch->host, order_discard) && ch->host->order_discard)
            ch->host->order_discard(m.o);
        return rc;
    }
    rc = ch->host->order_submit(ctx, m.o, err);
    if (rc == SL_OK)
        *submitted = 1;
    return rc;
}
