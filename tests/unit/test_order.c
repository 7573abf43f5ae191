/*
 * The normalized order: setters refuse bad input naming the field, money is
 * exact in the order's currency (line taxes round half-up), limits hold,
 * the JSON form round-trips exactly and the content hash is stable.
 */
#include "support.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "order/order.h"
#include "shopledger/sdkutil.h"

#define OK(call) assert_int_equal((call), SL_OK)

/* A complete small order: two lines, addresses, taxes, flags, times. */
static order *sample(void)
{
    sl_error err = {.size = sizeof err};
    order *o = order_new("acme", "woo");
    assert_non_null(o);
    OK(order_set_text(o, SL_ORDER_EXTERNAL_ID, "1042", &err));
    OK(order_set_text(o, SL_ORDER_STATUS, "processing", &err));
    OK(order_set_text(o, SL_ORDER_STATUS_NORMALIZED, SL_STATUS_CONFIRMED, &err));
    OK(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err));
    OK(order_set_text(o, SL_ORDER_EMAIL, "anna@example.com", &err));
    OK(order_set_text(o, SL_ORDER_LAST_NAME, "Bērziņa", &err));
    OK(order_set_money(o, SL_ORDER_TOTAL, "121.00", &err));
    OK(order_set_money(o, SL_ORDER_TOTAL_TAX, "21", &err));
    OK(order_set_money(o, SL_ORDER_DISCOUNT_TOTAL, "0.00", &err));
    OK(order_set_time(o, SL_ORDER_CREATED, 1717000000000, &err));
    OK(order_set_time(o, SL_ORDER_MODIFIED, 1717000100000, &err));
    OK(order_set_flag(o, SL_ORDER_IS_PAID, 1, &err));
    OK(order_set_address(o, SL_ADDR_BILLING, SL_ADDR_CITY, "Rīga", &err));
    OK(order_set_address(o, SL_ADDR_SHIPPING, SL_ADDR_COUNTRY, "LV", &err));
    order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
    assert_non_null(l);
    OK(order_line_set_text(o, l, SL_LINE_SKU, "A-1", &err));
    OK(order_line_set_text(o, l, SL_LINE_NAME, "Mug", &err));
    OK(order_line_set_quantity(l, "2", &err));
    OK(order_line_set_money(o, l, SL_LINE_TOTAL, "100.00", &err));
    OK(order_line_set_money(o, l, SL_LINE_TAX_PERCENT, "21", &err));
    OK(order_line_add_tax(o, l, "1", "21.004", &err));
    l = order_add_line(o, SL_LINE_SHIPPING, &err);
    assert_non_null(l);
    OK(order_line_set_money(o, l, SL_LINE_TOTAL, "0", &err));
    const char raw[] = "{\"id\":1042}";
    OK(order_set_raw(o, raw, sizeof raw - 1, &err));
    return o;
}

static void builds_a_valid_order(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = sample();
    OK(order_validate(o, &err));
    assert_int_equal(o->exponent, 2);
    assert_int_equal(o->money[SL_ORDER_TOTAL], 12100);
    assert_int_equal(o->money[SL_ORDER_TOTAL_TAX], 2100);
    assert_true(order_has_money(o, SL_ORDER_DISCOUNT_TOTAL));
    assert_false(order_has_money(o, SL_ORDER_SHIPPING_TOTAL));
    assert_int_equal(o->lines[0].qty_milli, 2000);
    assert_int_equal(o->lines[0].tax_percent_milli, 21000);
    assert_int_equal(o->lines[0].taxes[0].amount, 2100); /* 21.004 rounded */
    assert_int_equal(o->lines[1].qty_milli, 1000);       /* default */
    assert_string_equal(order_text(o, SL_ORDER_PHONE), "");
    assert_string_equal(o->text[SL_ORDER_PHONE], ""); /* never NULL */
    assert_string_equal(order_line_text(&o->lines[1], SL_LINE_SKU), "");
    order_free(o);
}

static void money_needs_currency_first(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = order_new("t", "c");
    assert_int_equal(order_set_money(o, SL_ORDER_TOTAL, "1.00", &err), SL_EINVALID);
    assert_string_equal(err.field, "order.total");
    assert_non_null(strstr(err.message, "currency"));
    order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
    assert_int_equal(order_line_set_money(o, l, SL_LINE_TOTAL, "1", &err), SL_EINVALID);
    assert_string_equal(err.field, "lines[0].total");
    for (int i = 0; i < 11; i++)
        l = order_add_line(o, SL_LINE_PRODUCT, &err);
    assert_int_equal(order_line_set_money(o, l, SL_LINE_UNIT_PRICE, "1", &err), SL_EINVALID);
    assert_string_equal(err.field, "lines[11].unit_price");
    assert_int_equal(order_set_text(o, SL_ORDER_STATUS_NORMALIZED, "nonsense", &err), SL_EINVALID);
    assert_string_equal(err.field, "order.status_normalized");
    order_free(o);
}

static void money_is_exact_in_currency(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = order_new("t", "c");
    OK(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err));
    assert_int_equal(order_set_money(o, SL_ORDER_TOTAL, "1.005", &err), SL_EINVALID);
    assert_string_equal(err.field, "order.total");
    assert_int_equal(order_set_money(o, SL_ORDER_SHIPPING_TAX, "abc", &err), SL_EINVALID);
    assert_string_equal(err.field, "order.shipping_tax");
    assert_int_equal(order_set_money(o, SL_ORDER_TOTAL, "99999999999999999999999", &err),
                     SL_ETOOBIG);
    assert_false(order_has_money(o, SL_ORDER_TOTAL));
    /* Trailing zeros beyond the exponent are exact, so accepted. */
    OK(order_set_money(o, SL_ORDER_TOTAL, "-74.500", &err));
    assert_int_equal(o->money[SL_ORDER_TOTAL], -7450);
    order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
    assert_int_equal(order_line_set_money(o, l, SL_LINE_UNIT_PRICE, "0.123", &err), SL_EINVALID);
    assert_string_equal(err.field, "lines[0].unit_price");
    /* Tax amounts round half-up per rate instead. */
    OK(order_line_add_tax(o, l, "r", "0.125", &err));
    OK(order_line_add_tax(o, l, "r2", "-0.125", &err));
    assert_int_equal(l->taxes[0].amount, 13);
    assert_int_equal(l->taxes[1].amount, -13);
    assert_int_equal(order_line_set_money(o, l, SL_LINE_TAX_PERCENT, "7.2505", &err), SL_EINVALID);
    assert_string_equal(err.field, "lines[0].tax_percent");
    assert_int_equal(order_line_set_quantity(l, "1.0005", &err), SL_EINVALID);
    assert_string_equal(err.field, "line.quantity");
    order_free(o);
}

static void exponent_override_applies(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = order_new("t", "c");
    OK(order_set_exponent_override(o, "HUF", 0, &err));
    OK(order_set_text(o, SL_ORDER_CURRENCY, "HUF", &err));
    assert_int_equal(o->exponent, 0);
    assert_int_equal(order_set_money(o, SL_ORDER_TOTAL, "1990.50", &err), SL_EINVALID);
    OK(order_set_money(o, SL_ORDER_TOTAL, "1990", &err));
    assert_int_equal(o->money[SL_ORDER_TOTAL], 1990);
    /* Currency cannot change once money was parsed in it. */
    assert_int_equal(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err), SL_EINVALID);
    assert_string_equal(err.field, "order.currency");
    assert_int_equal(order_set_exponent_override(o, "HUF", 9, &err), SL_EINVALID);
    order_free(o);
    o = order_new("t", "c");
    assert_int_equal(order_set_text(o, SL_ORDER_CURRENCY, "XYZ", &err), SL_EINVALID);
    assert_string_equal(err.field, "order.currency");
    order_free(o);
}

static void unknown_ids_are_unsupported(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = order_new("t", "c");
    assert_int_equal(order_set_text(o, 0, "x", &err), SL_EUNSUPPORTED);
    assert_string_equal(err.field, "order.text[0]");
    assert_int_equal(order_set_text(o, SL_ORDER_TEXT_END_V1 + 3, "x", &err), SL_EUNSUPPORTED);
    assert_string_equal(err.field, "order.text[22]");
    assert_int_equal(order_set_money(o, 99, "1", &err), SL_EUNSUPPORTED);
    assert_string_equal(err.field, "order.money[99]");
    assert_int_equal(order_set_time(o, 7, 1, &err), SL_EUNSUPPORTED);
    assert_int_equal(order_set_flag(o, -1, 1, &err), SL_EUNSUPPORTED);
    assert_int_equal(order_set_address(o, 3, SL_ADDR_CITY, "x", &err), SL_EUNSUPPORTED);
    assert_int_equal(order_set_address(o, SL_ADDR_BILLING, 40, "x", &err), SL_EUNSUPPORTED);
    assert_string_equal(err.field, "billing[40]");
    assert_null(order_add_line(o, 77, &err));
    assert_int_equal(err.code, SL_EUNSUPPORTED);
    order_line *l = order_add_line(o, SL_LINE_FEE, &err);
    assert_int_equal(order_line_set_text(o, l, 50, "x", &err), SL_EUNSUPPORTED);
    assert_int_equal(order_line_set_money(o, l, 0, "1", &err), SL_EUNSUPPORTED);
    order_free(o);
}

static void text_is_checked(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = order_new("t", "c");
    assert_int_equal(order_set_text(o, SL_ORDER_EMAIL, "a\xc3(b", &err), SL_EINVALID);
    assert_string_equal(err.field, "order.email");
    assert_int_equal(order_set_text(o, SL_ORDER_EMAIL, "\xc0\xaf", &err),
                     SL_EINVALID); /* overlong '/' */
    assert_int_equal(order_set_text(o, SL_ORDER_EMAIL, "\xed\xa0\x80", &err),
                     SL_EINVALID); /* surrogate */
    OK(order_set_text(o, SL_ORDER_EMAIL, "ok \xf0\x9f\x98\x80", &err));
    char *big = malloc(ORDER_MAX_TEXT + 2);
    memset(big, 'x', ORDER_MAX_TEXT + 1);
    big[ORDER_MAX_TEXT + 1] = '\0';
    /* Longer than the host keeps: shortened, never refused, and said. */
    big[ORDER_MAX_TEXT - 1] = '\xc3', big[ORDER_MAX_TEXT] = '\xa9';
    OK(order_set_address(o, SL_ADDR_SHIPPING, SL_ADDR_LINE1, big, &err));
    assert_int_equal(strlen(o->shipping.field[SL_ADDR_LINE1]),
                     ORDER_MAX_TEXT - 1); /* cut before the split 'é' */
    char want[96];
    snprintf(want, sizeof want, "shipping.line1 (%d bytes)", ORDER_MAX_TEXT + 1);
    assert_string_equal(o->truncated, want);
    memset(big, 'x', ORDER_MAX_TEXT + 1);
    big[ORDER_MAX_TEXT] = '\0';
    OK(order_set_address(o, SL_ADDR_SHIPPING, SL_ADDR_LINE1, big, &err));
    free(big);
    assert_int_equal(order_set_text(o, SL_ORDER_STATUS_NORMALIZED, "paid", &err), SL_EINVALID);
    assert_string_equal(err.field, "order.status_normalized");
    assert_int_equal(order_set_time(o, SL_ORDER_PAID, -5, &err), SL_EINVALID);
    assert_string_equal(err.field, "order.paid_ms");
    order_free(o);
}

static void counts_are_capped(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = order_new("t", "c");
    OK(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err));
    for (int i = 0; i < ORDER_MAX_LINES; i++)
        assert_non_null(order_add_line(o, SL_LINE_PRODUCT, &err));
    assert_null(order_add_line(o, SL_LINE_PRODUCT, &err));
    assert_int_equal(err.code, SL_ETOOBIG);
    assert_string_equal(err.field, "lines");
    order_line *l = &o->lines[7];
    for (int i = 0; i < ORDER_MAX_TAXES_PER_LINE; i++)
        OK(order_line_add_tax(o, l, "r", "1", &err));
    assert_int_equal(order_line_add_tax(o, l, "r", "1", &err), SL_ETOOBIG);
    assert_string_equal(err.field, "lines[7].taxes");
    char *raw = malloc(ORDER_MAX_RAW + 1);
    memset(raw, 'r', ORDER_MAX_RAW + 1);
    assert_int_equal(order_set_raw(o, raw, ORDER_MAX_RAW + 1, &err), SL_ETOOBIG);
    free(raw);
    order_free(o);
}

static void validate_names_missing_fields(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = order_new("t", "c");
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "order.external_id");
    const char *unsafe[] = {"../../etc", "a\\b", "..", ".", "x\ty"};
    for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++) {
        OK(order_set_text(o, SL_ORDER_EXTERNAL_ID, unsafe[i], &err));
        assert_int_equal(order_validate(o, &err), SL_EINVALID);
        assert_string_equal(err.field, "order.external_id");
    }
    OK(order_set_text(o, SL_ORDER_EXTERNAL_ID, "1000-1000000", &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "order.currency");
    OK(order_set_text(o, SL_ORDER_EXTERNAL_ID, "9", &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "order.currency");
    OK(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "order.status");
    OK(order_set_text(o, SL_ORDER_STATUS, "pending", &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "order.total");
    OK(order_set_money(o, SL_ORDER_TOTAL, "0", &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "lines");
    /* A deleted order needs no lines. */
    OK(order_set_flag(o, SL_ORDER_DELETED, 1, &err));
    OK(order_validate(o, &err));
    order_free(o);
}

/* A deletion notice carries only the id and a status word (WooCommerce
   order.deleted sends {"id":N}); it must still reach the inbox. */
static void deletion_needs_only_id_and_status(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = order_new("t", "c");
    OK(order_set_text(o, SL_ORDER_EXTERNAL_ID, "77", &err));
    OK(order_set_flag(o, SL_ORDER_DELETED, 1, &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "order.status");
    OK(order_set_text(o, SL_ORDER_STATUS, "deleted", &err));
    OK(order_validate(o, &err));
    /* ... and survive the inbox's JSON form. */
    json_t *j = order_to_json(o);
    order *back = NULL;
    OK(order_from_json(j, &back, &err));
    assert_true(back->flag[SL_ORDER_DELETED]);
    assert_string_equal(order_text(back, SL_ORDER_EXTERNAL_ID), "77");
    OK(order_validate(back, &err));
    order_free(back);
    json_decref(j);
    order_free(o);
}

static void json_round_trips_exactly(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = sample();
    OK(order_set_exponent_override(o, "EUR", 2, &err));
    json_t *j = order_to_json(o);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 12100);
    assert_null(json_object_get(j, "raw"));
    order *back = NULL;
    OK(order_from_json(j, &back, &err));
    json_t *j2 = order_to_json(back);
    assert_true(json_equal(j, j2));
    char *a = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    char *b = json_dumps(j2, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(a, b);
    assert_int_equal(back->lines[0].taxes[0].amount, 2100);
    assert_string_equal(back->lines[0].taxes[0].rate_id, "1");
    assert_int_equal(back->lines[0].tax_percent_milli, 21000);
    assert_int_equal(back->money_set, o->money_set);
    assert_int_equal(back->lines[1].money_set, o->lines[1].money_set);
    assert_string_equal(back->billing.field[SL_ADDR_CITY], "Rīga");
    free(a);
    free(b);
    json_decref(j);
    json_decref(j2);
    order_free(back);
    order_free(o);
}

static void assert_canonical_matches_jansson(const order *o);

/* The restocked figure of a product line: a quantity >= 0, at most the
   line's quantity, only on products; kept by the JSON form. */
static void restocked_is_checked_and_kept(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = sample(); /* line 0: 2 mugs; line 1: shipping */
    order_line *mug = &o->lines[0];
    assert_int_equal(order_line_set_restocked(o, mug, "-1", &err), SL_EINVALID);
    assert_string_equal(err.field, "lines[0].restocked");
    assert_int_equal(order_line_set_restocked(o, mug, "1.0001", &err), SL_EINVALID);
    OK(order_line_set_restocked(o, mug, "2.5", &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "lines[0].restocked");
    OK(order_line_set_restocked(o, mug, "2", &err));
    OK(order_validate(o, &err));
    OK(order_line_set_restocked(o, &o->lines[1], "1", &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "lines[1].restocked");
    OK(order_line_set_restocked(o, &o->lines[1], "0", &err));
    json_t *j = order_to_json(o);
    json_t *l0 = json_array_get(json_object_get(j, "lines"), 0);
    assert_int_equal(json_integer_value(json_object_get(l0, "restocked_milli")), 2000);
    assert_null(json_object_get(json_array_get(json_object_get(j, "lines"), 1), "restocked_milli"));
    order *back = NULL;
    OK(order_from_json(j, &back, &err));
    assert_int_equal(back->lines[0].restocked_milli, 2000);
    assert_canonical_matches_jansson(back);
    order_free(back);
    json_decref(j);
    order_free(o);
}

/* A refunded part (1.4): refund_id only on a product, shipping or fee
   line, naming a refund line of the same order, never with a restocked
   figure; kept by the JSON form with the refund_lines_missing flag. */
static void refund_part_is_checked_and_kept(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = sample(); /* line 0: 2 mugs; line 1: shipping */
    order_line *r = order_add_line(o, SL_LINE_REFUND, &err);
    OK(order_line_set_text(o, r, SL_LINE_EXTERNAL_ID, "77", &err));
    OK(order_line_set_money(o, r, SL_LINE_TOTAL, "12.10", &err));
    order_line *part = order_add_line(o, SL_LINE_PRODUCT, &err); /* lines[3] */
    OK(order_line_set_text(o, part, SL_LINE_SKU, "MUG", &err));
    OK(order_line_set_text(o, part, SL_LINE_REFUND_ID, "78", &err));
    OK(order_line_set_money(o, part, SL_LINE_TOTAL, "10.00", &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "lines[3].refund_id");
    OK(order_line_set_text(o, part, SL_LINE_REFUND_ID, "77", &err));
    OK(order_validate(o, &err));
    assert_true(order_line_is_refunded_part(&o->lines[3]));
    assert_false(order_line_is_refunded_part(&o->lines[0]));
    OK(order_line_set_restocked(o, &o->lines[3], "1", &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID);
    assert_string_equal(err.field, "lines[3].refund_id");
    OK(order_line_set_restocked(o, &o->lines[3], "0", &err));
    OK(order_line_set_text(o, &o->lines[2], SL_LINE_REFUND_ID, "77", &err));
    assert_int_equal(order_validate(o, &err), SL_EINVALID); /* a refund line */
    assert_string_equal(err.field, "lines[2].refund_id");
    OK(order_line_set_text(o, &o->lines[2], SL_LINE_REFUND_ID, "", &err));
    OK(order_set_flag(o, SL_ORDER_REFUND_LINES_MISSING, 1, &err));
    assert_int_equal(order_set_flag(o, SL_ORDER_FLAG_END_V1_4, 1, &err), SL_EUNSUPPORTED);
    assert_int_equal(order_line_set_text(o, part, SL_LINE_TEXT_END_V1_4, "x", &err),
                     SL_EUNSUPPORTED);
    json_t *j = order_to_json(o);
    assert_true(json_is_true(json_object_get(j, "refund_lines_missing")));
    json_t *l3 = json_array_get(json_object_get(j, "lines"), 3);
    assert_string_equal(json_string_value(json_object_get(l3, "refund_id")), "77");
    assert_null(json_object_get(json_array_get(json_object_get(j, "lines"), 0), "refund_id"));
    order *back = NULL;
    OK(order_from_json(j, &back, &err));
    assert_string_equal(order_line_text(&back->lines[3], SL_LINE_REFUND_ID), "77");
    assert_int_equal(back->flag[SL_ORDER_REFUND_LINES_MISSING], 1);
    assert_canonical_matches_jansson(back);
    order_free(back);
    json_decref(j);
    order_free(o);
}

static void json_keeps_overridden_exponent(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = order_new("t", "c");
    OK(order_set_exponent_override(o, "HUF", 0, &err));
    OK(order_set_text(o, SL_ORDER_CURRENCY, "HUF", &err));
    OK(order_set_money(o, SL_ORDER_TOTAL, "1500", &err));
    json_t *j = order_to_json(o);
    order *back = NULL;
    OK(order_from_json(j, &back, &err));
    assert_int_equal(back->exponent, 0);
    assert_int_equal(back->money[SL_ORDER_TOTAL], 1500);
    json_decref(j);
    order_free(back);
    order_free(o);
}

static void json_errors_name_the_field(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *o = NULL;
    json_t *j = json_loads("{\"currency\":\"EUR\",\"total\":\"12\"}", 0, NULL);
    assert_int_equal(order_from_json(j, &o, &err), SL_EINVALID);
    assert_string_equal(err.field, "total");
    json_decref(j);
    j = json_loads("{\"lines\":[{\"kind\":\"spaceship\"}]}", 0, NULL);
    assert_int_equal(order_from_json(j, &o, &err), SL_EUNSUPPORTED);
    json_decref(j);
    j = json_loads("{\"lines\":[{\"kind\":\"fee\",\"sku\":5}]}", 0, NULL);
    assert_int_equal(order_from_json(j, &o, &err), SL_EINVALID);
    assert_string_equal(err.field, "lines[0]");
    json_decref(j);
    j = json_loads("[1]", 0, NULL);
    assert_int_equal(order_from_json(j, &o, &err), SL_EINVALID);
    json_decref(j);
    assert_null(o);
}

static void hash_is_stable_and_content_sensitive(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    order *a = sample();
    order *b = sample();
    char ha[65], hb[65];
    order_content_hash(a, ha);
    order_content_hash(b, hb);
    assert_int_equal(strlen(ha), 64);
    assert_string_equal(ha, hb);
    /* The raw payload is not content: a re-serialized body hashes alike. */
    OK(order_set_raw(b, "{ \"id\": 1042 }", 14, &err));
    order_content_hash(b, hb);
    assert_string_equal(ha, hb);
    /* Re-hashing after a JSON trip gives the same value. */
    json_t *j = order_to_json(a);
    order *c = NULL;
    OK(order_from_json(j, &c, &err));
    order_content_hash(c, hb);
    assert_string_equal(ha, hb);
    /* Any field change changes the hash. */
    OK(order_set_text(b, SL_ORDER_STATUS, "cancelled", &err));
    order_content_hash(b, hb);
    assert_string_not_equal(ha, hb);
    json_decref(j);
    order_free(a);
    order_free(b);
    order_free(c);
}

/* The canonical text must stay byte for byte what jansson prints for the
   JSON form: stored hashes depend on it. */
static void assert_canonical_matches_jansson(const order *o)
{
    json_t *j = order_to_json(o);
    assert_non_null(j);
    char *want = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    char *got = order_canonical_json(o);
    assert_non_null(want);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(want);
    free(got);
    json_decref(j);
}

/* Deterministic pseudo-random numbers (xorshift). */
static uint32_t next_rand(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static const char *const TRICKY[] = {
    "plain",
    "quote \" inside",
    "back\\slash",
    "tab\there",
    "new\nline",
    "cr\r",
    "\x01\x02\x1f control",
    "\b\f",
    "Bērziņa Rīga",
    "emoji \xf0\x9f\x98\x80",
    "/slash/",
    "",
    "0",
    "-12",
    "{\"json\":[1]}",
    "\x7f del",
};
#define TRICKY_COUNT (sizeof TRICKY / sizeof TRICKY[0])

/* An order with a pseudo-random subset of every field set (setters may
   refuse some values; those stay unset). */
static order *random_order(uint32_t *seed)
{
    sl_error err = {.size = sizeof err};
    order *o = order_new((next_rand(seed) & 1) ? "acme" : "t\"x", "woo");
    order_set_text(o, SL_ORDER_CURRENCY, (next_rand(seed) & 1) ? "EUR" : "IRR", &err);
    for (int f = 1; f < SL_ORDER_TEXT_END_V1; f++)
        if (f != SL_ORDER_CURRENCY && next_rand(seed) % 3)
            order_set_text(o, f, TRICKY[next_rand(seed) % TRICKY_COUNT], &err);
    for (int f = 1; f < SL_ORDER_MONEY_END_V1; f++)
        if (next_rand(seed) % 2)
            order_set_money(o, f, (next_rand(seed) & 1) ? "-3" : "1234567", &err);
    for (int f = 1; f < SL_ORDER_TIME_END_V1; f++)
        if (next_rand(seed) % 2)
            order_set_time(o, f, (int64_t)next_rand(seed) * 1000, &err);
    for (int f = 1; f < SL_ORDER_FLAG_END_V1_4; f++)
        order_set_flag(o, f, (int)(next_rand(seed) & 1), &err);
    for (int f = 1; f < SL_ADDR_FIELD_END_V1; f++)
        if (next_rand(seed) % 2)
            order_set_address(o, 1 + (int)(next_rand(seed) & 1), f,
                              TRICKY[next_rand(seed) % TRICKY_COUNT], &err);
    for (int n = (int)(next_rand(seed) % 4); n > 0; n--) {
        order_line *l =
            order_add_line(o, 1 + (int)(next_rand(seed) % (SL_LINE_KIND_END_V1 - 1)), &err);
        for (int f = 1; l && f < SL_LINE_TEXT_END_V1_4; f++)
            if (next_rand(seed) % 2)
                order_line_set_text(o, l, f, TRICKY[next_rand(seed) % TRICKY_COUNT], &err);
        for (int f = 1; l && f < SL_LINE_MONEY_END_V1; f++)
            if (next_rand(seed) % 2)
                order_line_set_money(o, l, f, (next_rand(seed) & 1) ? "-0.5" : "99", &err);
        if (l && next_rand(seed) % 2)
            order_line_set_quantity(l, "3", &err);
        for (int t = (int)(next_rand(seed) % 3); l && t > 0; t--)
            order_line_add_tax(o, l, TRICKY[next_rand(seed) % TRICKY_COUNT], "1.25", &err);
        if (l && next_rand(seed) % 3 == 0)
            order_line_set_restocked(o, l, "1.5", &err);
    }
    return o;
}

static void canonical_text_matches_jansson(void **state)
{
    (void)state;
    order *o = sample();
    assert_canonical_matches_jansson(o);
    order_free(o);
    o = order_new("", "");
    assert_canonical_matches_jansson(o); /* nothing set at all */
    order_free(o);
    uint32_t seed = 2463534242u;
    for (int i = 0; i < 500; i++) {
        o = random_order(&seed);
        assert_canonical_matches_jansson(o);
        order_free(o);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_a_valid_order),
        cmocka_unit_test(money_needs_currency_first),
        cmocka_unit_test(money_is_exact_in_currency),
        cmocka_unit_test(exponent_override_applies),
        cmocka_unit_test(unknown_ids_are_unsupported),
        cmocka_unit_test(text_is_checked),
        cmocka_unit_test(counts_are_capped),
        cmocka_unit_test(validate_names_missing_fields),
        cmocka_unit_test(deletion_needs_only_id_and_status),
        cmocka_unit_test(json_round_trips_exactly),
        cmocka_unit_test(json_keeps_overridden_exponent),
        cmocka_unit_test(restocked_is_checked_and_kept),
        cmocka_unit_test(refund_part_is_checked_and_kept),
        cmocka_unit_test(json_errors_name_the_field),
        cmocka_unit_test(hash_is_stable_and_content_sensitive),
        cmocka_unit_test(canonical_text_matches_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
