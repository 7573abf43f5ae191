/*
 * The normalized order: what a connector built through the SDK order
 * builder, after the host validated it. This is the one shape the inbox
 * stores (as JSON, beside the raw payload) and the rules turn into ledger
 * documents. Connectors never see this struct; they see sl_order handles.
 *
 * Money is int64 minor units in the order's currency (exponent `exponent`).
 * Quantities are int64 thousandths. Times are UTC milliseconds, 0 = unset.
 * Every string is owned by the order (malloc) and freed by order_free;
 * absent text is "" (never NULL) so readers need no NULL checks.
 */
#ifndef SL_ORDER_H
#define SL_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "shopledger/sdk.h"

/*
 * Limits, in one place. They follow what the shops themselves allow, so
 * that no real order is refused for its size: WooCommerce keeps notes and
 * addresses as unbounded text and an order may carry hundreds of lines.
 *   ORDER_MAX_LINES    lines of one order (every kind together)
 *   ORDER_MAX_TEXT     bytes of one text field kept in the normalized
 *                      order; a longer value is NOT refused: it is cut at
 *                      a UTF-8 boundary, the order records which field
 *                      (order->truncated) and the inbox writes an event.
 *                      The raw payload keeps the full text.
 *   ORDER_MAX_RAW      bytes of the raw payload (the HTTP transport limit
 *                      of serve, 16 MiB by default, is the same figure)
 *   ORDER_MAX_TAX_RATES  per-rate totals of one order (tax_lines)
 */
#define ORDER_MAX_LINES 5000
#define ORDER_MAX_TAXES_PER_LINE 8
#define ORDER_MAX_TEXT 65536
#define ORDER_MAX_RAW (16u << 20)
#define ORDER_MAX_TAX_RATES 32
#define ORDER_TRUNCATED_MAX 256 /* bytes of the truncation record */

/* Tax amounts keep, beside the rounded minor units, the shop's own figure
   in millionths of the major unit ("1.449275" -> 1449275), which is what
   the largest-remainder spread of a rate's total needs. */
#define ORDER_EXACT_DIGITS 6

typedef struct order_tax {
    char *rate_id;
    int64_t amount; /* minor units, rounded half-up */
    int64_t exact;  /* millionths of the major unit */
} order_tax;

/* One tax rate as the shop totals it for the whole order (WooCommerce
   tax_lines): authoritative for the books. */
typedef struct order_rate {
    char *rate_id;
    int64_t tax;           /* tax of items and fees, minor units */
    int64_t shipping_tax;  /* tax of shipping, minor units */
    int64_t percent_milli; /* -1 = unknown */
    int compound;
} order_rate;

typedef struct order_line {
    int kind;                          /* enum sl_line_kind */
    char *text[SL_LINE_TEXT_END_V1_4]; /* by enum sl_line_text; [0] unused */
    int64_t money[SL_LINE_MONEY_END_V1];
    unsigned money_set;        /* bit per enum sl_line_money */
    int64_t qty_milli;         /* 1000 = one unit; default 1000 */
    int64_t tax_percent_milli; /* SL_LINE_TAX_PERCENT in thousandths */
    order_tax taxes[ORDER_MAX_TAXES_PER_LINE];
    size_t tax_count;
    int64_t restocked_milli; /* product line: cumulative quantity the
                                shop put back after refunds; 0 = none */
} order_line;

typedef struct order_address {
    char *field[SL_ADDR_FIELD_END_V1]; /* by enum sl_address_field */
} order_address;

typedef struct order {
    char *tenant;
    char *channel;
    char *text[SL_ORDER_TEXT_END_V1]; /* by enum sl_order_text */
    int64_t money[SL_ORDER_MONEY_END_V1];
    unsigned money_set;
    int64_t time[SL_ORDER_TIME_END_V1];
    int flag[SL_ORDER_FLAG_END_V1_4];
    int exponent; /* of text[SL_ORDER_CURRENCY] */
    order_address billing, shipping;
    order_line *lines;
    size_t line_count, line_cap;
    char *raw; /* verbatim payload; may be NULL */
    size_t raw_len;
    char override_currency[8]; /* tenant exponent override, "" = none */
    int override_exponent;
    order_rate rates[ORDER_MAX_TAX_RATES]; /* per-rate totals, may be none */
    size_t rate_count;
    char truncated[ORDER_TRUNCATED_MAX]; /* "customer_note (70000 bytes)"..., "" */
} order;

/* Empty order for tenant/channel (NULL = ""); NULL when out of memory.
   Currency exponents come from sl_currency_exponent unless the tenant
   overrides one with order_set_exponent_override. */
order *order_new(const char *tenant, const char *channel);
void order_free(order *o);

/* The tenant books `currency` with `exponent` minor digits instead of the
   ISO one (e.g. HUF 0). Call before SL_ORDER_CURRENCY is set; services
   does so right after order_new from the tenant's config. */
int order_set_exponent_override(order *o, const char *currency, int exponent, sl_error *err);

/* Field setters used by the SDK builder. They validate (length, UTF-8,
   enum range, money text in the currency) and fill err naming the field.
   Money setters require the currency to be set first. */
int order_set_text(order *o, int field, const char *value, sl_error *err);
int order_set_money(order *o, int field, const char *decimal, sl_error *err);
int order_set_time(order *o, int field, int64_t utc_ms, sl_error *err);
int order_set_flag(order *o, int field, int value, sl_error *err);
int order_set_address(order *o, int which, int field, const char *value, sl_error *err);
int order_set_raw(order *o, const char *data, size_t len, sl_error *err);
/* Appends a line. The lines array may move on the next order_add_line, so
   the returned pointer is valid only until then: keep the index
   (l - o->lines) across calls. NULL with err (SL_ETOOBIG past
   ORDER_MAX_LINES, SL_EUNSUPPORTED for an unknown kind). */
order_line *order_add_line(order *o, int kind, sl_error *err);
int order_line_set_text(order *o, order_line *l, int field, const char *value, sl_error *err);
/* SL_LINE_TAX_PERCENT is a rate, not money: it is parsed with at most 3
   decimals into tax_percent_milli (and money[SL_LINE_TAX_PERCENT] holds
   the same thousandths). Every other field is money in the currency. */
int order_line_set_money(order *o, order_line *l, int field, const char *decimal, sl_error *err);
int order_line_set_quantity(order_line *l, const char *decimal, sl_error *err);
int order_line_add_tax(order *o, order_line *l, const char *rate_id, const char *decimal,
                       sl_error *err);
/* Cumulative restocked quantity of a product line (decimal text, at most
   3 decimals, >= 0). order_validate checks it against the quantity and the
   kind, once every field is set. */
int order_line_set_restocked(order *o, order_line *l, const char *decimal, sl_error *err);
/* Adds the shop's total of one tax rate: `tax` on items and fees and
   `shipping_tax` on shipping, decimal text exact in the currency (NULL or
   "" = 0); `percent` decimal text or NULL; compound nonzero for a rate
   levied on top of the others. A rate id given twice is SL_EINVALID. */
int order_add_tax_rate(order *o, const char *rate_id, const char *tax, const char *shipping_tax,
                       const char *percent, int compound, sl_error *err);
/* The order's total for rate_id, or NULL when the order has none. */
const order_rate *order_find_rate(const order *o, const char *rate_id);

/* Whole-order validation before intake: external id, currency, status and
   total present; at least one line unless the DELETED flag is set; line
   kinds sane; a restocked quantity only on a product line and within
   0..quantity; a refund_id (a refunded part) only on a product, shipping
   or fee line and naming a refund line of the order. Names the first bad
   field (SL_EINVALID). */
int order_validate(const order *o, sl_error *err);

/* Names used in JSON and error fields ("external_id", "total", "sku" ...),
   NULL for an id out of range. */
const char *order_text_name(int field);
const char *order_money_name(int field);
const char *order_time_name(int field);
const char *order_flag_name(int field);
const char *order_address_name(int field);
const char *order_line_kind_name(int kind);
const char *order_line_text_name(int field);
const char *order_line_money_name(int field);

/* A refunded part (SL_LINE_REFUND_ID set): not part of the sale, the
   figures of its refund, positive. */
int order_line_is_refunded_part(const order_line *l);

/* Accessors with "" for absent text. */
const char *order_text(const order *o, int field);
const char *order_line_text(const order_line *l, int field);
int order_has_money(const order *o, int field);
int order_line_has_money(const order_line *l, int field);

/* Normalized JSON form (stable key names; money as integers in minor
   units). order_to_json returns a new reference; order_from_json builds a
   new order (caller frees) from that form. The raw payload is not part of
   the JSON: the inbox stores it beside. */
json_t *order_to_json(const order *o);
int order_from_json(const json_t *j, order **out, sl_error *err);

/* SHA-256 hex of the normalized JSON (compact, sorted keys): two deliveries
   with the same content have the same hash. out holds 65 bytes; it is ""
   only when memory ran out. */
void order_content_hash(const order *o, char out[65]);
/* The canonical text hashed above (malloc'd, caller frees; NULL on OOM). */
char *order_canonical_json(const order *o);
/* SHA-256 hex of a canonical text (so a caller that stores the text hashes
   it without serializing twice). */
void order_hash_text(const char *text, char out[65]);

#endif
