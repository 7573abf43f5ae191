/*
 * The normalized order and its validating setters: the host half of the
 * SDK order builder. Everything a connector hands over passes through
 * here, so every setter checks the field id, the text (length, UTF-8) or
 * the decimal money (exact in the order's currency) and names the field in
 * the error: "order.total", "lines[3].sku", "billing.city".
 *
 * Absent text points at one shared empty string, so readers never meet
 * NULL and order_free knows not to free it.
 */
#include <stdlib.h>
#include <string.h>

#include "order/order.h"
#include "order/order_internal.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

static char EMPTY[1];

/* ---- field names ------------------------------------------------------- */

/* The keys of the order's JSON form, from the SDK's field lists. */
#define NAME_AT_(name, key) [name] = key,
static const char *const TEXT_NAMES[SL_ORDER_TEXT_END_V1] = {SL_ORDER_TEXT_FIELDS(NAME_AT_)};
static const char *const MONEY_NAMES[SL_ORDER_MONEY_END_V1] = {SL_ORDER_MONEY_FIELDS(NAME_AT_)};
static const char *const TIME_NAMES[SL_ORDER_TIME_END_V1] = {SL_ORDER_TIME_FIELDS(NAME_AT_)};
static const char *const FLAG_NAMES[SL_ORDER_FLAG_END_V1_4] = {
    SL_ORDER_FLAG_FIELDS(NAME_AT_) SL_ORDER_FLAG_FIELDS_V1_4(NAME_AT_)};
static const char *const ADDR_NAMES[SL_ADDR_FIELD_END_V1] = {SL_ADDRESS_FIELDS(NAME_AT_)};
static const char *const KIND_NAMES[SL_LINE_KIND_END_V1] = {SL_LINE_KINDS(NAME_AT_)};
static const char *const LINE_TEXT_NAMES[SL_LINE_TEXT_END_V1_4] = {
    SL_LINE_TEXT_FIELDS(NAME_AT_) SL_LINE_TEXT_FIELDS_V1_4(NAME_AT_)};
static const char *const LINE_MONEY_NAMES[SL_LINE_MONEY_END_V1] = {SL_LINE_MONEY_FIELDS(NAME_AT_)};
#undef NAME_AT_

static const char *NORMALIZED_STATUSES[] = {
    SL_STATUS_AWAITING,  SL_STATUS_CONFIRMED,      SL_STATUS_NOT_CONFIRMED, SL_STATUS_PREPARING,
    SL_STATUS_RESERVED,  SL_STATUS_INVOICE_DEFECT, SL_STATUS_SENT_TO_POST,  SL_STATUS_SENT,
    SL_STATUS_DELIVERED, SL_STATUS_RETURNED,       SL_STATUS_CANCELLED};

#define NAME_OF(table, end, i) ((i) > 0 && (i) < (end) ? (table)[i] : NULL)

const char *order_text_name(int f)
{
    return NAME_OF(TEXT_NAMES, SL_ORDER_TEXT_END_V1, f);
}
const char *order_money_name(int f)
{
    return NAME_OF(MONEY_NAMES, SL_ORDER_MONEY_END_V1, f);
}
const char *order_time_name(int f)
{
    return NAME_OF(TIME_NAMES, SL_ORDER_TIME_END_V1, f);
}
const char *order_flag_name(int f)
{
    return NAME_OF(FLAG_NAMES, SL_ORDER_FLAG_END_V1_4, f);
}
const char *order_address_name(int f)
{
    return NAME_OF(ADDR_NAMES, SL_ADDR_FIELD_END_V1, f);
}
const char *order_line_kind_name(int k)
{
    return NAME_OF(KIND_NAMES, SL_LINE_KIND_END_V1, k);
}
const char *order_line_text_name(int f)
{
    return NAME_OF(LINE_TEXT_NAMES, SL_LINE_TEXT_END_V1_4, f);
}
const char *order_line_money_name(int f)
{
    return NAME_OF(LINE_MONEY_NAMES, SL_LINE_MONEY_END_V1, f);
}

/* ---- text validation ---------------------------------------------------- */

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static int utf8_valid(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2, min = 0x80, c &= 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3, min = 0x800, c &= 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            c = (c << 6) | (p[i + k] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return 0;
        i += len;
    }
    return 1;
}

/* Notes in o->truncated that `field` (of `n` bytes) was cut; the record
   itself is bounded and says "..." once it is full. */
static void note_truncated(order *o, const char *field, size_t n)
{
    size_t used = strlen(o->truncated);
    char item[SL_ERROR_FIELD_MAX + 32];
    snprintf(item, sizeof item, "%s%s (%zu bytes)", used ? ", " : "", field, n);
    if (used + strlen(item) < sizeof o->truncated - 4)
        memcpy(o->truncated + used, item, strlen(item) + 1);
    else if (used + 4 < sizeof o->truncated && strstr(o->truncated, "...") == NULL)
        memcpy(o->truncated + used, "...", 4);
}

/* Bytes of value to keep: all of it, or (o given) the longest prefix of
   at most ORDER_MAX_TEXT bytes that ends on a UTF-8 character boundary. */
static size_t kept_length(order *o, const char *value, size_t n, const char *field)
{
    if (n <= ORDER_MAX_TEXT || o == NULL)
        return n;
    size_t keep = ORDER_MAX_TEXT;
    while (keep > 0 && (((unsigned char)value[keep]) & 0xc0) == 0x80)
        keep--;
    note_truncated(o, field, n);
    return keep;
}

/* Replaces *slot with a validated copy of value (NULL or "" = absent).
   With `o`, a value over ORDER_MAX_TEXT is shortened and recorded (see
   order.h); without, it is refused. */
static int set_text_kept(order *o, char **slot, const char *value, const char *field, sl_error *err)
{
    size_t n = value ? strlen(value) : 0;
    if (n > ORDER_MAX_TEXT && o == NULL)
        return sl_error_set(err, SL_ETOOBIG, field, "%s is %zu bytes, more than %d", field, n,
                            ORDER_MAX_TEXT);
    if (!utf8_valid((const unsigned char *)value, n))
        return sl_error_set(err, SL_EINVALID, field, "%s is not valid UTF-8", field);
    n = kept_length(o, value, n, field);
    char *copy = EMPTY;
    if (n > 0) {
        copy = malloc(n + 1);
        if (copy == NULL)
            return sl_error_set(err, SL_ENOMEM, field, "out of memory");
        memcpy(copy, value, n);
        copy[n] = '\0';
    }
    if (*slot != EMPTY)
        free(*slot);
    *slot = copy;
    return SL_OK;
}

static int set_text_slot(char **slot, const char *value, const char *field, sl_error *err)
{
    return set_text_kept(NULL, slot, value, field, err);
}

static void free_text(char *t)
{
    if (t != EMPTY)
        free(t);
}

/* ---- new / free --------------------------------------------------------- */

static void line_init(order_line *l, int kind)
{
    memset(l, 0, sizeof *l);
    l->kind = kind;
    for (int i = 0; i < SL_LINE_TEXT_END_V1_4; i++)
        l->text[i] = EMPTY;
    l->qty_milli = 1000;
}

static void line_clear(order_line *l)
{
    for (int i = 0; i < SL_LINE_TEXT_END_V1_4; i++)
        free_text(l->text[i]);
    for (size_t i = 0; i < l->tax_count; i++)
        free_text(l->taxes[i].rate_id);
}

order *order_new(const char *tenant, const char *channel)
{
    order *o = calloc(1, sizeof *o);
    if (o == NULL)
        return NULL;
    o->tenant = o->channel = EMPTY;
    for (int i = 0; i < SL_ORDER_TEXT_END_V1; i++)
        o->text[i] = EMPTY;
    for (int i = 0; i < SL_ADDR_FIELD_END_V1; i++)
        o->billing.field[i] = o->shipping.field[i] = EMPTY;
    o->exponent = -1;
    if (set_text_slot(&o->tenant, tenant, "tenant", NULL) != SL_OK ||
        set_text_slot(&o->channel, channel, "channel", NULL) != SL_OK) {
        order_free(o);
        return NULL;
    }
    return o;
}

void order_free(order *o)
{
    if (o == NULL)
        return;
    free_text(o->tenant);
    free_text(o->channel);
    for (int i = 0; i < SL_ORDER_TEXT_END_V1; i++)
        free_text(o->text[i]);
    for (int i = 0; i < SL_ADDR_FIELD_END_V1; i++) {
        free_text(o->billing.field[i]);
        free_text(o->shipping.field[i]);
    }
    for (size_t i = 0; i < o->line_count; i++)
        line_clear(&o->lines[i]);
    for (size_t i = 0; i < o->rate_count; i++)
        free_text(o->rates[i].rate_id);
    free(o->lines);
    free(o->raw);
    free(o);
}

/* ---- order fields ------------------------------------------------------- */

/* Appends `s` to buf (of n bytes) at *at, truncating. The setters name
   their field for a possible error on every call, so this stays cheaper
   than snprintf. */
static void name_append(char *buf, size_t n, size_t *at, const char *s)
{
    while (*s && *at + 1 < n)
        buf[(*at)++] = *s++;
    buf[*at] = '\0';
}

/* "a.b" into buf. */
static void name_join(char *buf, size_t n, const char *a, const char *b)
{
    size_t at = 0;
    buf[0] = '\0';
    name_append(buf, n, &at, a);
    name_append(buf, n, &at, ".");
    name_append(buf, n, &at, b);
}

static int unsupported(sl_error *err, const char *what, int id)
{
    char field[SL_ERROR_FIELD_MAX];
    snprintf(field, sizeof field, "%s[%d]", what, id);
    return sl_error_set(err, SL_EUNSUPPORTED, field, "unknown %s field id %d", what, id);
}

int order_set_exponent_override(order *o, const char *currency, int exponent, sl_error *err)
{
    if (currency == NULL || strlen(currency) != 3 || exponent < 0 ||
        exponent > SL_MONEY_MAX_EXPONENT)
        return sl_error_set(err, SL_EINVALID, "currency_exponent",
                            "exponent override needs a 3-letter code and "
                            "0..%d digits",
                            SL_MONEY_MAX_EXPONENT);
    snprintf(o->override_currency, sizeof o->override_currency, "%s", currency);
    o->override_exponent = exponent;
    return SL_OK;
}

/* The exponent of `code` honouring the tenant override; -1 when unknown. */
static int exponent_for(const order *o, const char *code)
{
    if (o->override_currency[0] && strcmp(o->override_currency, code) == 0)
        return o->override_exponent;
    return sl_currency_exponent(code);
}

static int any_money_set(const order *o)
{
    if (o->money_set)
        return 1;
    for (size_t i = 0; i < o->line_count; i++)
        if (o->lines[i].money_set || o->lines[i].tax_count)
            return 1;
    return 0;
}

static int set_currency(order *o, const char *value, sl_error *err)
{
    const char *f = "order.currency";
    int e = value ? exponent_for(o, value) : -1;
    if (e < 0)
        return sl_error_set(err, SL_EINVALID, f, "unknown currency '%.16s'", value ? value : "");
    if (o->text[SL_ORDER_CURRENCY][0] && strcmp(o->text[SL_ORDER_CURRENCY], value) != 0 &&
        any_money_set(o))
        return sl_error_set(err, SL_EINVALID, f, "currency changed after money was set");
    int rc = set_text_slot(&o->text[SL_ORDER_CURRENCY], value, f, err);
    if (rc == SL_OK)
        o->exponent = e;
    return rc;
}

static int known_status(const char *value)
{
    if (value == NULL || *value == '\0')
        return 1;
    for (size_t i = 0; i < sizeof NORMALIZED_STATUSES / sizeof(char *); i++)
        if (strcmp(value, NORMALIZED_STATUSES[i]) == 0)
            return 1;
    return 0;
}

int order_set_text(order *o, int field, const char *value, sl_error *err)
{
    const char *name = order_text_name(field);
    if (name == NULL)
        return unsupported(err, "order.text", field);
    if (field == SL_ORDER_CURRENCY)
        return set_currency(o, value, err);
    char fname[SL_ERROR_FIELD_MAX];
    name_join(fname, sizeof fname, "order", name);
    if (field == SL_ORDER_STATUS_NORMALIZED && !known_status(value))
        return sl_error_set(err, SL_EINVALID, fname, "'%.40s' is not a normalized status word",
                            value);
    return set_text_kept(o, &o->text[field], value, fname, err);
}

/* Parses decimal money at the order's exponent: exact, or rounded half-up
   when `round` (line taxes only). */
static int parse_money(const order *o, const char *decimal, int round, const char *field,
                       int64_t *out, sl_error *err)
{
    if (o->exponent < 0)
        return sl_error_set(err, SL_EINVALID, field, "%s given before the order currency", field);
    if (decimal == NULL)
        return sl_error_set(err, SL_EINVALID, field, "%s is missing", field);
    int rc = round ? sl_money_parse_round(decimal, o->exponent, SL_ROUND_HALF_UP, out)
                   : sl_money_parse(decimal, o->exponent, out);
    if (rc == SL_ETOOBIG)
        return sl_error_set(err, rc, field, "%s '%.48s' is out of range", field, decimal);
    if (rc != SL_OK)
        return sl_error_set(err, SL_EINVALID, field,
                            "%s '%.48s' is not a decimal amount with at most "
                            "%d decimals (%s)",
                            field, decimal, o->exponent, o->text[SL_ORDER_CURRENCY]);
    return SL_OK;
}

int order_set_money(order *o, int field, const char *decimal, sl_error *err)
{
    const char *name = order_money_name(field);
    if (name == NULL)
        return unsupported(err, "order.money", field);
    char fname[SL_ERROR_FIELD_MAX];
    name_join(fname, sizeof fname, "order", name);
    int64_t v;
    int rc = parse_money(o, decimal, 0, fname, &v, err);
    if (rc != SL_OK)
        return rc;
    o->money[field] = v;
    o->money_set |= 1u << field;
    return SL_OK;
}

int order_set_time(order *o, int field, int64_t utc_ms, sl_error *err)
{
    const char *name = order_time_name(field);
    if (name == NULL)
        return unsupported(err, "order.time", field);
    if (utc_ms < 0) {
        char fname[SL_ERROR_FIELD_MAX];
        snprintf(fname, sizeof fname, "order.%s", name);
        return sl_error_set(err, SL_EINVALID, fname, "%s is before 1970", fname);
    }
    o->time[field] = utc_ms;
    return SL_OK;
}

int order_set_flag(order *o, int field, int value, sl_error *err)
{
    if (order_flag_name(field) == NULL)
        return unsupported(err, "order.flag", field);
    o->flag[field] = value != 0;
    return SL_OK;
}

int order_set_address(order *o, int which, int field, const char *value, sl_error *err)
{
    if (which != SL_ADDR_BILLING && which != SL_ADDR_SHIPPING)
        return unsupported(err, "address", which);
    const char *part = which == SL_ADDR_BILLING ? "billing" : "shipping";
    const char *name = order_address_name(field);
    if (name == NULL)
        return unsupported(err, part, field);
    char fname[SL_ERROR_FIELD_MAX];
    name_join(fname, sizeof fname, part, name);
    order_address *a = which == SL_ADDR_BILLING ? &o->billing : &o->shipping;
    return set_text_kept(o, &a->field[field], value, fname, err);
}

int order_set_raw(order *o, const char *data, size_t len, sl_error *err)
{
    if (len > ORDER_MAX_RAW)
        return sl_error_set(err, SL_ETOOBIG, "raw", "raw payload of %zu bytes is over %u", len,
                            ORDER_MAX_RAW);
    if (data == NULL && len > 0)
        return sl_error_set(err, SL_EINVALID, "raw", "raw payload is NULL");
    char *copy = NULL;
    if (len > 0) {
        copy = malloc(len + 1); /* NUL-terminated for convenience */
        if (copy == NULL)
            return sl_error_set(err, SL_ENOMEM, "raw", "out of memory");
        memcpy(copy, data, len);
        copy[len] = '\0';
    }
    free(o->raw);
    o->raw = copy;
    o->raw_len = len;
    return SL_OK;
}

/* ---- lines -------------------------------------------------------------- */

order_line *order_add_line(order *o, int kind, sl_error *err)
{
    if (order_line_kind_name(kind) == NULL) {
        unsupported(err, "line.kind", kind);
        return NULL;
    }
    if (o->line_count >= ORDER_MAX_LINES) {
        sl_error_set(err, SL_ETOOBIG, "lines", "more than %d lines", ORDER_MAX_LINES);
        return NULL;
    }
    if (o->line_count == o->line_cap) {
        size_t cap = o->line_cap ? o->line_cap * 2 : 8;
        if (cap > ORDER_MAX_LINES)
            cap = ORDER_MAX_LINES;
        order_line *n = realloc(o->lines, cap * sizeof *n);
        if (n == NULL) {
            sl_error_set(err, SL_ENOMEM, "lines", "out of memory");
            return NULL;
        }
        o->lines = n;
        o->line_cap = cap;
    }
    order_line *l = &o->lines[o->line_count++];
    line_init(l, kind);
    return l;
}

/* "lines[i].name" for errors; the index makes a long order debuggable. */
static void line_field(const order *o, const order_line *l, const char *name, char *buf, size_t n)
{
    long idx = o && l >= o->lines && l < o->lines + o->line_count ? (long)(l - o->lines) : -1;
    char digits[24], *d = digits + sizeof digits - 1;
    *d = '\0';
    unsigned long v = idx < 0 ? 1 : (unsigned long)idx;
    do
        *--d = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    if (idx < 0)
        *--d = '-';
    size_t at = 0;
    buf[0] = '\0';
    name_append(buf, n, &at, "lines[");
    name_append(buf, n, &at, d);
    name_append(buf, n, &at, "].");
    name_append(buf, n, &at, name);
}

int order_line_set_text(order *o, order_line *l, int field, const char *value, sl_error *err)
{
    const char *name = order_line_text_name(field);
    if (name == NULL)
        return unsupported(err, "line.text", field);
    char fname[SL_ERROR_FIELD_MAX];
    line_field(o, l, name, fname, sizeof fname);
    return set_text_kept(o, &l->text[field], value, fname, err);
}

int order_line_set_money(order *o, order_line *l, int field, const char *decimal, sl_error *err)
{
    const char *name = order_line_money_name(field);
    if (name == NULL)
        return unsupported(err, "line.money", field);
    char fname[SL_ERROR_FIELD_MAX];
    line_field(o, l, field == SL_LINE_TAX_PERCENT ? "tax_percent" : name, fname, sizeof fname);
    int64_t v;
    if (field == SL_LINE_TAX_PERCENT) {
        if (decimal == NULL || sl_quantity_parse(decimal, &v) != SL_OK || v < 0)
            return sl_error_set(err, SL_EINVALID, fname,
                                "%s '%.48s' is not a rate with at most 3 "
                                "decimals",
                                fname, decimal ? decimal : "");
        l->tax_percent_milli = v;
    } else {
        int rc = parse_money(o, decimal, 0, fname, &v, err);
        if (rc != SL_OK)
            return rc;
    }
    l->money[field] = v;
    l->money_set |= 1u << field;
    return SL_OK;
}

int order_line_set_quantity(order_line *l, const char *decimal, sl_error *err)
{
    int64_t v;
    if (decimal == NULL || sl_quantity_parse(decimal, &v) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "line.quantity",
                            "quantity '%.48s' is not a number with at most 3 "
                            "decimals",
                            decimal ? decimal : "");
    l->qty_milli = v;
    return SL_OK;
}

int order_line_set_restocked(order *o, order_line *l, const char *decimal, sl_error *err)
{
    char fname[SL_ERROR_FIELD_MAX];
    line_field(o, l, "restocked", fname, sizeof fname);
    int64_t v;
    if (decimal == NULL || sl_quantity_parse(decimal, &v) != SL_OK || v < 0)
        return sl_error_set(err, SL_EINVALID, fname,
                            "%s '%.48s' is not a quantity >= 0 with at most 3 "
                            "decimals",
                            fname, decimal ? decimal : "");
    l->restocked_milli = v;
    return SL_OK;
}

/* What the shop restocked fits the line: products only, never more than
   was sold (a later revision may only raise it, which the rules see). */
static int line_restock_valid(const order_line *l, size_t i, sl_error *err)
{
    if (l->restocked_milli == 0)
        return SL_OK;
    char f[SL_ERROR_FIELD_MAX];
    snprintf(f, sizeof f, "lines[%zu].restocked", i);
    if (l->kind != SL_LINE_PRODUCT)
        return sl_error_set(err, SL_EINVALID, f,
                            "%s is set on a %s line: only products are "
                            "restocked",
                            f, order_line_kind_name(l->kind));
    if (l->restocked_milli < 0 || l->restocked_milli > l->qty_milli)
        return sl_error_set(err, SL_EINVALID, f,
                            "%s is %lld thousandths, outside 0..quantity "
                            "(%lld)",
                            f, (long long)l->restocked_milli, (long long)l->qty_milli);
    return SL_OK;
}

/* A refunded part names a refund of this same order, and only a product,
   shipping or fee can be refunded line by line. */
static int line_refund_part_valid(const order *o, const order_line *l, size_t i, sl_error *err)
{
    const char *ref = l->text[SL_LINE_REFUND_ID];
    if (ref[0] == '\0')
        return SL_OK;
    char f[SL_ERROR_FIELD_MAX];
    snprintf(f, sizeof f, "lines[%zu].refund_id", i);
    if (l->kind != SL_LINE_PRODUCT && l->kind != SL_LINE_SHIPPING && l->kind != SL_LINE_FEE)
        return sl_error_set(err, SL_EINVALID, f,
                            "%s is set on a %s line: only products, shipping "
                            "and fees are refunded line by line",
                            f, order_line_kind_name(l->kind));
    if (l->restocked_milli != 0)
        return sl_error_set(err, SL_EINVALID, f,
                            "%s is set on a line with a restocked quantity: "
                            "that is the sale line's figure, not a refunded "
                            "part's",
                            f);
    for (size_t k = 0; k < o->line_count; k++)
        if (o->lines[k].kind == SL_LINE_REFUND &&
            strcmp(o->lines[k].text[SL_LINE_EXTERNAL_ID], ref) == 0)
            return SL_OK;
    return sl_error_set(err, SL_EINVALID, f, "%s names refund %.40s, which the order does not list",
                        f, ref);
}

int order_tax_put(order_line *l, const char *rate_id, int64_t amount, int64_t exact,
                  const char *field, sl_error *err)
{
    if (l->tax_count >= ORDER_MAX_TAXES_PER_LINE)
        return sl_error_set(err, SL_ETOOBIG, field, "more than %d taxes on one line",
                            ORDER_MAX_TAXES_PER_LINE);
    order_tax *t = &l->taxes[l->tax_count];
    t->rate_id = EMPTY;
    int rc = set_text_slot(&t->rate_id, rate_id, field, err);
    if (rc != SL_OK)
        return rc;
    t->amount = amount;
    t->exact = exact;
    l->tax_count++;
    return SL_OK;
}

int64_t order_exact_of(const order *o, int64_t amount)
{
    int64_t scale = 1;
    for (int e = o->exponent; e >= 0 && e < ORDER_EXACT_DIGITS; e++)
        scale *= 10;
    return amount * scale;
}

int order_line_add_tax(order *o, order_line *l, const char *rate_id, const char *decimal,
                       sl_error *err)
{
    char fname[SL_ERROR_FIELD_MAX];
    line_field(o, l, "taxes", fname, sizeof fname);
    int64_t v, exact;
    int rc = parse_money(o, decimal, 1, fname, &v, err);
    if (rc != SL_OK)
        return rc;
    if (o->exponent > ORDER_EXACT_DIGITS ||
        sl_money_parse_round(decimal, ORDER_EXACT_DIGITS, SL_ROUND_HALF_UP, &exact) != SL_OK)
        exact = order_exact_of(o, v);
    return order_tax_put(l, rate_id, v, exact, fname, err);
}

/* ---- per-rate totals ---------------------------------------------------- */

const order_rate *order_find_rate(const order *o, const char *rate_id)
{
    for (size_t i = 0; rate_id && i < o->rate_count; i++)
        if (strcmp(o->rates[i].rate_id, rate_id) == 0)
            return &o->rates[i];
    return NULL;
}

int order_rate_put(order *o, const order_rate *r, const char *field, sl_error *err)
{
    if (o->rate_count >= ORDER_MAX_TAX_RATES)
        return sl_error_set(err, SL_ETOOBIG, field, "more than %d tax rates", ORDER_MAX_TAX_RATES);
    if (r->rate_id == NULL || *r->rate_id == '\0')
        return sl_error_set(err, SL_EINVALID, field, "tax rate without an id");
    if (order_find_rate(o, r->rate_id) != NULL)
        return sl_error_set(err, SL_EINVALID, field, "tax rate %.32s given twice", r->rate_id);
    order_rate *slot = &o->rates[o->rate_count];
    *slot = *r;
    slot->rate_id = EMPTY;
    int rc = set_text_slot(&slot->rate_id, r->rate_id, field, err);
    if (rc == SL_OK)
        o->rate_count++;
    return rc;
}

int order_add_tax_rate(order *o, const char *rate_id, const char *tax, const char *shipping_tax,
                       const char *percent, int compound, sl_error *err)
{
    char fname[SL_ERROR_FIELD_MAX];
    snprintf(fname, sizeof fname, "tax_rates[%zu]", o->rate_count);
    order_rate r = {.rate_id = (char *)rate_id, .percent_milli = -1, .compound = compound != 0};
    int rc = SL_OK;
    if (tax && *tax)
        rc = parse_money(o, tax, 0, fname, &r.tax, err);
    if (rc == SL_OK && shipping_tax && *shipping_tax)
        rc = parse_money(o, shipping_tax, 0, fname, &r.shipping_tax, err);
    if (rc == SL_OK && percent && *percent &&
        (sl_quantity_parse(percent, &r.percent_milli) != SL_OK || r.percent_milli < 0))
        rc = sl_error_set(err, SL_EINVALID, fname,
                          "%s percent '%.32s' is not a rate with at most 3 "
                          "decimals",
                          fname, percent);
    return rc == SL_OK ? order_rate_put(o, &r, fname, err) : rc;
}

/* ---- whole order -------------------------------------------------------- */

/* Whether an external id is safe as a key wherever the host uses it (the
   store, admin URLs, file names of exports): no control characters, no
   path separators, not "." or "..". Real shops' ids are numbers or short
   codes such as UNAS's "1000-1000000", so this refuses no real order. */
static int external_id_safe(const char *id)
{
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return 0;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
            return 0;
    return 1;
}

int order_validate(const order *o, sl_error *err)
{
    if (o->text[SL_ORDER_EXTERNAL_ID][0] == '\0')
        return sl_error_set(err, SL_EINVALID, "order.external_id", "order has no external id");
    if (!external_id_safe(o->text[SL_ORDER_EXTERNAL_ID]))
        return sl_error_set(err, SL_EINVALID, "order.external_id",
                            "external id has a control character, a slash or a "
                            "backslash, or is a dot path");
    /* A deletion notice (e.g. WooCommerce order.deleted carries only the
       id) needs no money: the rules treat it as a cancellation of the
       document already booked, whose amounts they take from the ledger. */
    if (o->flag[SL_ORDER_DELETED])
        return o->text[SL_ORDER_STATUS][0] != '\0'
                   ? SL_OK
                   : sl_error_set(err, SL_EINVALID, "order.status",
                                  "deleted order %.64s has no status",
                                  o->text[SL_ORDER_EXTERNAL_ID]);
    if (o->text[SL_ORDER_CURRENCY][0] == '\0' || o->exponent < 0)
        return sl_error_set(err, SL_EINVALID, "order.currency", "order %.64s has no currency",
                            o->text[SL_ORDER_EXTERNAL_ID]);
    if (o->text[SL_ORDER_STATUS][0] == '\0')
        return sl_error_set(err, SL_EINVALID, "order.status", "order %.64s has no status",
                            o->text[SL_ORDER_EXTERNAL_ID]);
    if (!(o->money_set & (1u << SL_ORDER_TOTAL)))
        return sl_error_set(err, SL_EINVALID, "order.total", "order %.64s has no total",
                            o->text[SL_ORDER_EXTERNAL_ID]);
    if (o->line_count == 0 && !o->flag[SL_ORDER_DELETED])
        return sl_error_set(err, SL_EINVALID, "lines", "order %.64s has no lines",
                            o->text[SL_ORDER_EXTERNAL_ID]);
    for (size_t i = 0; i < o->line_count; i++)
        if (order_line_kind_name(o->lines[i].kind) == NULL) {
            char f[SL_ERROR_FIELD_MAX];
            snprintf(f, sizeof f, "lines[%zu].kind", i);
            return sl_error_set(err, SL_EINVALID, f, "unknown line kind %d", o->lines[i].kind);
        }
    for (size_t i = 0; i < o->line_count; i++) {
        int rc = line_restock_valid(&o->lines[i], i, err);
        if (rc == SL_OK)
            rc = line_refund_part_valid(o, &o->lines[i], i, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

const char *order_text(const order *o, int field)
{
    return order_text_name(field) && o->text[field] ? o->text[field] : "";
}

const char *order_line_text(const order_line *l, int field)
{
    return order_line_text_name(field) && l->text[field] ? l->text[field] : "";
}

int order_has_money(const order *o, int field)
{
    return order_money_name(field) && (o->money_set & (1u << field));
}

int order_line_has_money(const order_line *l, int field)
{
    return order_line_money_name(field) && (l->money_set & (1u << field));
}

int order_line_is_refunded_part(const order_line *l)
{
    return l->text[SL_LINE_REFUND_ID] != NULL && l->text[SL_LINE_REFUND_ID][0] != '\0';
}
