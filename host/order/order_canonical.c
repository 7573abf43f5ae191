/*
 * The canonical text of an order (what the inbox stores and hashes) and
 * its SHA-256.
 *
 * The text is byte for byte what jansson prints for order_to_json(o) with
 * JSON_COMPACT | JSON_SORT_KEYS: that form came first, and hashes already
 * stored must keep matching a repeat delivery. It is written here
 * directly because building the jansson tree and sorting its keys for
 * every delivery took about a seventh of serve's CPU; the key order is
 * sorted once. tests/unit/test_order.c compares the two on many orders.
 *
 * Escaping follows jansson without flags: '"', '\\' and control characters
 * are escaped (\b \f \n \r \t, else \u00XX with upper-case hex), all else
 * (UTF-8, already validated by the setters) is copied.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "order/order.h"
#include "order/order_internal.h"

enum key_kind {
    K_TENANT,
    K_CHANNEL,
    K_EXPONENT,
    K_TEXT,
    K_MONEY,
    K_TIME,
    K_FLAG,
    K_BILLING,
    K_SHIPPING,
    K_LINES,
    K_RATES,
    K_TRUNCATED, /* order */
    K_KIND,
    K_QTY,
    K_TAXES,
    K_RESTOCKED, /* line */
    K_ADDRESS    /* address */
};

typedef struct key {
    const char *name;
    int kind;
    int field;
} key;

typedef struct key_plan {
    key order[SL_ORDER_TEXT_END_V1 + SL_ORDER_MONEY_END_V1 + SL_ORDER_TIME_END_V1 +
              SL_ORDER_FLAG_END_V1_4 + 8];
    key line[SL_LINE_TEXT_END_V1_4 + SL_LINE_MONEY_END_V1 + 4];
    key address[SL_ADDR_FIELD_END_V1];
    size_t orders, lines, addresses;
} key_plan;

static key_plan plan;
static pthread_once_t plan_once = PTHREAD_ONCE_INIT;

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const key *)a)->name, ((const key *)b)->name);
}

static void add(key *keys, size_t *n, const char *name, int kind, int field)
{
    if (name != NULL)
        keys[(*n)++] = (key){name, kind, field};
}

static void build_plan(void)
{
    add(plan.order, &plan.orders, "tenant", K_TENANT, 0);
    add(plan.order, &plan.orders, "channel", K_CHANNEL, 0);
    add(plan.order, &plan.orders, "exponent", K_EXPONENT, 0);
    for (int f = 1; f < SL_ORDER_TEXT_END_V1; f++)
        add(plan.order, &plan.orders, order_text_name(f), K_TEXT, f);
    for (int f = 1; f < SL_ORDER_MONEY_END_V1; f++)
        add(plan.order, &plan.orders, order_money_name(f), K_MONEY, f);
    for (int f = 1; f < SL_ORDER_TIME_END_V1; f++)
        add(plan.order, &plan.orders, order_time_name(f), K_TIME, f);
    for (int f = 1; f < SL_ORDER_FLAG_END_V1_4; f++)
        add(plan.order, &plan.orders, order_flag_name(f), K_FLAG, f);
    add(plan.order, &plan.orders, "billing", K_BILLING, 0);
    add(plan.order, &plan.orders, "shipping", K_SHIPPING, 0);
    add(plan.order, &plan.orders, "lines", K_LINES, 0);
    add(plan.order, &plan.orders, "tax_rates", K_RATES, 0);
    add(plan.order, &plan.orders, "truncated", K_TRUNCATED, 0);
    add(plan.line, &plan.lines, "kind", K_KIND, 0);
    for (int f = 1; f < SL_LINE_TEXT_END_V1_4; f++)
        add(plan.line, &plan.lines, order_line_text_name(f), K_TEXT, f);
    for (int f = 1; f < SL_LINE_MONEY_END_V1; f++)
        add(plan.line, &plan.lines, order_line_money_name(f), K_MONEY, f);
    add(plan.line, &plan.lines, "qty_milli", K_QTY, 0);
    add(plan.line, &plan.lines, "taxes", K_TAXES, 0);
    add(plan.line, &plan.lines, "restocked_milli", K_RESTOCKED, 0);
    for (int f = 1; f < SL_ADDR_FIELD_END_V1; f++)
        add(plan.address, &plan.addresses, order_address_name(f), K_ADDRESS, f);
    qsort(plan.order, plan.orders, sizeof(key), key_cmp);
    qsort(plan.line, plan.lines, sizeof(key), key_cmp);
    qsort(plan.address, plan.addresses, sizeof(key), key_cmp);
}

/* ---- output buffer ------------------------------------------------------ */

typedef struct text_buf {
    char *p;
    size_t len, cap;
    int oom;
} text_buf;

static void put(text_buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096; /* most orders fit: no regrowth */
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->p, cap);
        if (grown == NULL) {
            b->oom = 1;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void put_c(text_buf *b, char c)
{
    put(b, &c, 1);
}

static void put_int(text_buf *b, int64_t v)
{
    char digits[24];
    size_t i = sizeof digits;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        digits[--i] = '-';
    put(b, digits + i, sizeof digits - i);
}

static const char *short_escape(unsigned char c)
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        return NULL;
    }
}

static void put_string(text_buf *b, const char *s)
{
    static const char HEX[] = "0123456789ABCDEF";
    put_c(b, '"');
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        put(b, run, (size_t)((const char *)p - run));
        const char *esc = short_escape(*p);
        if (esc != NULL) {
            put(b, esc, strlen(esc));
        } else {
            char u[6] = {'\\', 'u', '0', '0', HEX[*p >> 4], HEX[*p & 15]};
            put(b, u, sizeof u);
        }
        run = (const char *)p + 1;
    }
    put(b, run, strlen(run));
    put_c(b, '"');
}

/* Writes ,"name": (the comma unless first). */
static void put_key(text_buf *b, int *first, const char *name)
{
    if (!*first)
        put_c(b, ',');
    *first = 0;
    put_string(b, name);
    put_c(b, ':');
}

/* ---- the order ---------------------------------------------------------- */

static void put_address(text_buf *b, const order_address *a)
{
    int first = 1;
    put_c(b, '{');
    for (size_t i = 0; i < plan.addresses; i++) {
        const char *v = a->field[plan.address[i].field];
        if (v != NULL && *v != '\0') {
            put_key(b, &first, plan.address[i].name);
            put_string(b, v);
        }
    }
    put_c(b, '}');
}

static void put_taxes(text_buf *b, const order *o, const order_line *l)
{
    put_c(b, '[');
    for (size_t i = 0; i < l->tax_count; i++) {
        put(b, i ? ",{\"amount\":" : "{\"amount\":", i ? 11 : 10);
        put_int(b, l->taxes[i].amount);
        if (l->taxes[i].exact != order_exact_of(o, l->taxes[i].amount)) {
            put(b, ",\"exact\":", 9);
            put_int(b, l->taxes[i].exact);
        }
        put(b, ",\"rate_id\":", 11);
        put_string(b, l->taxes[i].rate_id);
        put_c(b, '}');
    }
    put_c(b, ']');
}

static void put_line(text_buf *b, const order *o, const order_line *l)
{
    int first = 1;
    put_c(b, '{');
    for (size_t i = 0; i < plan.lines; i++) {
        const key *k = &plan.line[i];
        if (k->kind == K_KIND) {
            put_key(b, &first, k->name);
            put_string(b, order_line_kind_name(l->kind));
        } else if (k->kind == K_TEXT && l->text[k->field] && *l->text[k->field]) {
            put_key(b, &first, k->name);
            put_string(b, l->text[k->field]);
        } else if (k->kind == K_MONEY && (l->money_set & (1u << k->field))) {
            put_key(b, &first, k->name);
            put_int(b, l->money[k->field]);
        } else if (k->kind == K_QTY) {
            put_key(b, &first, k->name);
            put_int(b, l->qty_milli);
        } else if (k->kind == K_RESTOCKED && l->restocked_milli != 0) {
            put_key(b, &first, k->name);
            put_int(b, l->restocked_milli);
        } else if (k->kind == K_TAXES && l->tax_count > 0) {
            put_key(b, &first, k->name);
            put_taxes(b, o, l);
        }
    }
    put_c(b, '}');
}

static void put_lines(text_buf *b, const order *o)
{
    put_c(b, '[');
    for (size_t i = 0; i < o->line_count; i++) {
        if (i)
            put_c(b, ',');
        put_line(b, o, &o->lines[i]);
    }
    put_c(b, ']');
}

/* tax_rates members in jansson's sorted order: compound, percent_milli,
   rate_id, shipping_tax, tax. */
static void put_rates(text_buf *b, const order *o)
{
    put_c(b, '[');
    for (size_t i = 0; i < o->rate_count; i++) {
        const order_rate *r = &o->rates[i];
        int first = 1;
        put(b, i ? ",{" : "{", i ? 2 : 1);
        if (r->compound) {
            put_key(b, &first, "compound");
            put(b, "true", 4);
        }
        if (r->percent_milli >= 0) {
            put_key(b, &first, "percent_milli");
            put_int(b, r->percent_milli);
        }
        put_key(b, &first, "rate_id");
        put_string(b, r->rate_id);
        put_key(b, &first, "shipping_tax");
        put_int(b, r->shipping_tax);
        put_key(b, &first, "tax");
        put_int(b, r->tax);
        put_c(b, '}');
    }
    put_c(b, ']');
}

/* One top-level member, when the order has it. */
static void put_member(text_buf *b, int *first, const order *o, const key *k)
{
    int f = k->field;
    switch (k->kind) {
    case K_TENANT:
        put_key(b, first, k->name);
        put_string(b, o->tenant);
        break;
    case K_CHANNEL:
        put_key(b, first, k->name);
        put_string(b, o->channel);
        break;
    case K_EXPONENT:
        put_key(b, first, k->name);
        put_int(b, o->exponent);
        break;
    case K_TEXT:
        if (o->text[f] && *o->text[f]) {
            put_key(b, first, k->name);
            put_string(b, o->text[f]);
        }
        break;
    case K_MONEY:
        if (o->money_set & (1u << f)) {
            put_key(b, first, k->name);
            put_int(b, o->money[f]);
        }
        break;
    case K_TIME:
        if (o->time[f] != 0) {
            put_key(b, first, k->name);
            put_int(b, o->time[f]);
        }
        break;
    case K_FLAG:
        if (o->flag[f]) {
            put_key(b, first, k->name);
            put(b, "true", 4);
        }
        break;
    case K_BILLING:
        put_key(b, first, k->name);
        put_address(b, &o->billing);
        break;
    case K_SHIPPING:
        put_key(b, first, k->name);
        put_address(b, &o->shipping);
        break;
    case K_LINES:
        put_key(b, first, k->name);
        put_lines(b, o);
        break;
    case K_RATES:
        if (o->rate_count > 0) {
            put_key(b, first, k->name);
            put_rates(b, o);
        }
        break;
    case K_TRUNCATED:
        if (o->truncated[0]) {
            put_key(b, first, k->name);
            put_string(b, o->truncated);
        }
        break;
    default:
        break;
    }
}

char *order_canonical_json(const order *o)
{
    pthread_once(&plan_once, build_plan);
    text_buf b = {0};
    int first = 1;
    put_c(&b, '{');
    for (size_t i = 0; i < plan.orders; i++)
        put_member(&b, &first, o, &plan.order[i]);
    put_c(&b, '}');
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

void order_hash_text(const char *text, char out[65])
{
    static const char HEX[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    out[0] = '\0';
    if (!EVP_Digest(text, strlen(text), md, &n, EVP_sha256(), NULL) || n != 32)
        return;
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = HEX[md[i] >> 4];
        out[2 * i + 1] = HEX[md[i] & 15];
    }
    out[64] = '\0';
}

void order_content_hash(const order *o, char out[65])
{
    out[0] = '\0';
    char *text = order_canonical_json(o);
    if (text == NULL)
        return;
    order_hash_text(text, out);
    free(text);
}
