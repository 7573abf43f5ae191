/*
 * The spread of a shop's per-rate tax totals over the order's lines
 * (rules/rules_taxes.c): largest remainder, items and fees apart from
 * shipping, ties to the larger exact amount then the earlier line, Draft
 * when the difference is more than one unit per line. Every expected
 * figure is worked by hand in the comment above its assertion; "exact" is
 * the shop's unrounded tax, "rounded" its half-up rounding to the
 * currency, "excess" exact - rounded.
 */
#include "support.h"

#include <string.h>

#include "order/order.h"
#include "rules/rules_taxes.h"

typedef struct tax_text {
    const char *rate_id;
    const char *amount; /* the shop's decimal text, unrounded */
} tax_text;

static order *new_order(const char *currency, int exponent_override)
{
    sl_error err = {.size = sizeof(err)};
    order *o = order_new("t", "woo");
    assert_non_null(o);
    if (exponent_override >= 0)
        assert_int_equal(order_set_exponent_override(o, currency, exponent_override, &err), SL_OK);
    assert_int_equal(order_set_text(o, SL_ORDER_CURRENCY, currency, &err), SL_OK);
    return o;
}

/* Appends a line of `kind` with net `total` and up to three taxes; returns
   its index. */
static size_t add_line(order *o, int kind, const char *total, const tax_text *taxes,
                       size_t tax_count)
{
    sl_error err = {.size = sizeof(err)};
    order_line *l = order_add_line(o, kind, &err);
    assert_non_null(l);
    size_t idx = (size_t)(l - o->lines);
    assert_int_equal(order_line_set_money(o, l, SL_LINE_TOTAL, total, &err), SL_OK);
    for (size_t i = 0; i < tax_count; i++)
        if (order_line_add_tax(o, &o->lines[idx], taxes[i].rate_id, taxes[i].amount, &err) != SL_OK)
            fail_msg("tax %s: %s", taxes[i].amount, err.message);
    return idx;
}

static size_t add_taxed(order *o, int kind, const char *total, const char *rate_id, const char *tax)
{
    tax_text t = {rate_id, tax};
    return add_line(o, kind, total, &t, 1);
}

static void add_rate(order *o, const char *id, const char *tax, const char *shipping_tax,
                     int compound)
{
    sl_error err = {.size = sizeof(err)};
    assert_int_equal(order_add_tax_rate(o, id, tax, shipping_tax, NULL, compound, &err), SL_OK);
}

static void make_plan(const order *o, rules_tax_plan *p)
{
    sl_error err = {.size = sizeof(err)};
    assert_int_equal(rules_tax_plan_make(o, p, &err), SL_OK);
}

/* Equal excess, equal exact: the earlier line takes the unit. 25 %: two
   lines of 0.50 have exact 0.125, rounded 0.13 each (0.26); the shop's
   total is the rounding of 0.250 = 0.25, D = -1: line 1 gets 0.12, line 2
   keeps 0.13. */
static void test_tie_goes_to_earlier_line(void **state)
{
    (void)state;
    order *o = new_order("EUR", -1);
    add_taxed(o, SL_LINE_PRODUCT, "0.50", "1", "0.125");
    add_taxed(o, SL_LINE_PRODUCT, "0.50", "1", "0.125");
    add_rate(o, "1", "0.25", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "");
    assert_int_equal(p.line_tax[0], 12);
    assert_int_equal(p.line_tax[1], 13);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* Equal excess, different exact: the larger exact amount takes the unit,
   though it is the later line. 25 % of 0.50 and 0.98: 0.125 -> 0.13 and
   0.245 -> 0.25, both excess -0.005; sum 0.38 against the shop's 0.37
   (exact 0.370): D = -1 goes to line 2 (0.245 > 0.125): 0.13 and 0.24. */
static void test_tie_goes_to_larger_exact(void **state)
{
    (void)state;
    order *o = new_order("EUR", -1);
    add_taxed(o, SL_LINE_PRODUCT, "0.50", "1", "0.125");
    add_taxed(o, SL_LINE_PRODUCT, "0.98", "1", "0.245");
    add_rate(o, "1", "0.37", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "");
    assert_int_equal(p.line_tax[0], 13);
    assert_int_equal(p.line_tax[1], 24);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* Negative fees take part like any line. 21 %: product 1.00 -> exact 0.21
   (excess 0); three fees of -0.07 -> exact -0.0147, rounded -0.01, excess
   -0.0047 each. Rounded sum 0.21 - 0.03 = 0.18; exact sum 0.21 - 0.0441 =
   0.1659, the shop's 0.17: D = -1 goes to the line rounded up the most,
   the first fee (tie among the fees, earlier line): -0.02. Lines: 0.21,
   -0.02, -0.01, -0.01 = 0.17. */
static void test_negative_fee_takes_the_unit(void **state)
{
    (void)state;
    order *o = new_order("EUR", -1);
    add_taxed(o, SL_LINE_PRODUCT, "1.00", "1", "0.21");
    for (int i = 0; i < 3; i++)
        add_taxed(o, SL_LINE_FEE, "-0.07", "1", "-0.0147");
    add_rate(o, "1", "0.17", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "");
    assert_int_equal(p.line_tax[0], 21);
    assert_int_equal(p.line_tax[1], -2);
    assert_int_equal(p.line_tax[2], -1);
    assert_int_equal(p.line_tax[3], -1);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* A coupon line (WooCommerce carries the discount inside the product
   lines' totals) is no part of the spread and keeps its own discount tax.
   Products after a 10 % coupon: 0.837 net -> 21 % exact 0.17577 (0.18),
   twice; rounded sum 0.36, exact 0.35154, shop 0.35: D = -1, tie, line 1
   gets 0.17. The coupon line's own 0.04 (0.186 * 21 %, rounded) stays. */
static void test_coupon_line_keeps_its_own_tax(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof(err)};
    order *o = new_order("EUR", -1);
    add_taxed(o, SL_LINE_PRODUCT, "0.84", "1", "0.17577");
    add_taxed(o, SL_LINE_PRODUCT, "0.84", "1", "0.17577");
    order_line *c = order_add_line(o, SL_LINE_DISCOUNT, &err);
    assert_non_null(c);
    assert_int_equal(order_line_set_money(o, c, SL_LINE_TOTAL, "0.19", &err), SL_OK);
    assert_int_equal(order_line_set_money(o, c, SL_LINE_TOTAL_TAX, "0.04", &err), SL_OK);
    add_rate(o, "1", "0.35", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "");
    assert_int_equal(p.line_tax[0], 17);
    assert_int_equal(p.line_tax[1], 18);
    assert_int_equal(p.line_tax[2], 4);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* The shop's total equals the sum of the rounded line taxes (a store that
   rounds per line): nothing moves. 0.1953 -> 0.20, 0.1953 -> 0.20,
   0.0987 -> 0.10, shop 0.50. */
static void test_total_equal_to_sum_moves_nothing(void **state)
{
    (void)state;
    order *o = new_order("EUR", -1);
    add_taxed(o, SL_LINE_PRODUCT, "0.93", "1", "0.1953");
    add_taxed(o, SL_LINE_PRODUCT, "0.93", "1", "0.1953");
    add_taxed(o, SL_LINE_PRODUCT, "0.47", "1", "0.0987");
    add_rate(o, "1", "0.50", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "");
    assert_int_equal(p.line_tax[0], 20);
    assert_int_equal(p.line_tax[1], 20);
    assert_int_equal(p.line_tax[2], 10);
    assert_int_equal(p.net_shift[0] + p.net_shift[1] + p.net_shift[2], 0);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* Items and shipping are spread apart. 7 %: three items of 0.20 have
   exact 0.014, rounded 0.01 each (0.03); the rate's tax_total is 0.04
   (exact 0.042): D = +1, a three-way tie, line 1 gets 0.02. Two shipping
   lines of 6.22 have exact 0.4354, rounded 0.44 each (0.88);
   shipping_tax_total 0.87 (exact 0.8708): D = -1, tie, the first shipping
   line gets 0.43. Pooled, +1 and -1 would cancel and nothing would move:
   both parts would then disagree with the shop. */
static void test_shipping_and_items_apart(void **state)
{
    (void)state;
    order *o = new_order("EUR", -1);
    for (int i = 0; i < 3; i++)
        add_taxed(o, SL_LINE_PRODUCT, "0.20", "1", "0.014");
    add_taxed(o, SL_LINE_SHIPPING, "6.22", "1", "0.4354");
    add_taxed(o, SL_LINE_SHIPPING, "6.22", "1", "0.4354");
    add_rate(o, "1", "0.04", "0.87", 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "");
    assert_int_equal(p.line_tax[0], 2);
    assert_int_equal(p.line_tax[1], 1);
    assert_int_equal(p.line_tax[2], 1);
    assert_int_equal(p.line_tax[3], 43);
    assert_int_equal(p.line_tax[4], 44);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* More than one unit per line is no rounding: 0.20 + 0.20 + 0.10 = 0.50
   against the shop's 0.45, D = -5 over 3 lines. The reason names the rate
   and both figures; the lines keep their own rounded taxes. */
static void test_more_than_a_unit_per_line_is_draft(void **state)
{
    (void)state;
    order *o = new_order("EUR", -1);
    add_taxed(o, SL_LINE_PRODUCT, "0.93", "1", "0.1953");
    add_taxed(o, SL_LINE_PRODUCT, "0.93", "1", "0.1953");
    add_taxed(o, SL_LINE_PRODUCT, "0.47", "1", "0.0987");
    add_rate(o, "1", "0.45", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "tax of rate 1: lines 0.50, shop 0.45");
    assert_int_equal(p.line_tax[0], 20);
    assert_int_equal(p.line_tax[1], 20);
    assert_int_equal(p.line_tax[2], 10);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* Exactly one unit per line is still rounding: two lines, D = -2 (0.20 +
   0.20 = 0.40 against 0.38): each line gives one unit, 0.19 and 0.19. */
static void test_one_unit_per_line_is_rounding(void **state)
{
    (void)state;
    order *o = new_order("EUR", -1);
    add_taxed(o, SL_LINE_PRODUCT, "0.93", "1", "0.1953");
    add_taxed(o, SL_LINE_PRODUCT, "0.93", "1", "0.1953");
    add_rate(o, "1", "0.38", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "");
    assert_int_equal(p.line_tax[0], 19);
    assert_int_equal(p.line_tax[1], 19);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* A line rate the order's totals do not name: Draft, lines keep their own. */
static void test_unknown_line_rate_is_draft(void **state)
{
    (void)state;
    order *o = new_order("EUR", -1);
    add_taxed(o, SL_LINE_PRODUCT, "0.93", "1", "0.1953");
    add_taxed(o, SL_LINE_PRODUCT, "0.93", "9", "0.1953");
    add_rate(o, "1", "0.20", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason,
                        "line 2 has tax rate 9, which the order's tax totals do not name");
    assert_int_equal(p.line_tax[0], 20);
    assert_int_equal(p.line_tax[1], 20);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* HUF in whole forints (tenant exponent 0), 27 %: three lines of 1150 net
   have exact tax 310.5 each, rounded half-up 311 (933); the shop rounds
   931.5 to 932: D = -1, a three-way tie, line 1 gets 310. */
static void test_huf_whole_units(void **state)
{
    (void)state;
    order *o = new_order("HUF", 0);
    assert_int_equal(o->exponent, 0);
    for (int i = 0; i < 3; i++)
        add_taxed(o, SL_LINE_PRODUCT, "1150", "1", "310.5");
    add_rate(o, "1", "932", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "");
    assert_int_equal(p.line_tax[0], 310);
    assert_int_equal(p.line_tax[1], 311);
    assert_int_equal(p.line_tax[2], 311);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* Two rates on each line, each spread on its own. State 7.25 % and county
   1 %: line A 9.99 -> state 0.724275 (0.72, excess +0.004275), county
   0.0999 (0.10); line B 4.99 -> state 0.361775 (0.36, excess +0.001775),
   county 0.0499 (0.05). State: 1.08 rounded against the shop's 1.09
   (exact 1.08605): D = +1 to the line rounded down the most, A: 0.73.
   County: 0.15 against 0.15 (exact 0.1498): nothing moves. Line taxes:
   A 0.73 + 0.10 = 0.83, B 0.36 + 0.05 = 0.41. */
static void test_two_rates_on_one_line(void **state)
{
    (void)state;
    order *o = new_order("USD", -1);
    tax_text a[] = {{"1", "0.724275"}, {"2", "0.0999"}};
    tax_text b[] = {{"1", "0.361775"}, {"2", "0.0499"}};
    add_line(o, SL_LINE_PRODUCT, "9.99", a, 2);
    add_line(o, SL_LINE_PRODUCT, "4.99", b, 2);
    add_rate(o, "1", "1.09", NULL, 0);
    add_rate(o, "2", "0.15", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "");
    assert_int_equal(p.line_tax[0], 83);
    assert_int_equal(p.line_tax[1], 41);
    rules_tax_plan_free(&p);
    order_free(o);
}

/* A compound rate (levied on the net plus the other taxes) is spread like
   any rate: its own total is the shop's. Two lines of 10.00: state 7.25 %
   exact 0.725 (0.73 each, 1.46; shop 1.45: D = -1, tie, line 1 gets 0.72);
   compound 2 % on 10.725 = exact 0.2145 (0.21 each, 0.42; shop 0.43 from
   0.429: D = +1, tie, line 1 gets 0.22). Lines: 0.72 + 0.22 = 0.94 and
   0.73 + 0.21 = 0.94; 1.88 = 1.45 + 0.43. */
static void test_compound_rate(void **state)
{
    (void)state;
    order *o = new_order("USD", -1);
    tax_text t[] = {{"1", "0.725"}, {"2", "0.2145"}};
    add_line(o, SL_LINE_PRODUCT, "10.00", t, 2);
    add_line(o, SL_LINE_PRODUCT, "10.00", t, 2);
    add_rate(o, "1", "1.45", NULL, 0);
    add_rate(o, "2", "0.43", NULL, 1);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_string_equal(p.reason, "");
    assert_int_equal(p.line_tax[0], 94);
    assert_int_equal(p.line_tax[1], 94);
    assert_int_equal(o->lines[0].taxes[0].amount, 73); /* the order itself is untouched */
    rules_tax_plan_free(&p);
    order_free(o);
}

/* Prices including tax: a product line whose tax gives a unit moves its
   net the other way, so its gross stays the shop's. Two lines of gross
   1.13 have exact tax 1.13 - 1.13 / 1.21 = 0.196116 (0.20 each); the shop
   rounds 0.392231 to 0.39: D = -1, tie, line 1 gets 0.19 and net + 0.01. */
static void test_prices_include_tax_shift_net(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof(err)};
    order *o = new_order("EUR", -1);
    assert_int_equal(order_set_flag(o, SL_ORDER_PRICES_INCLUDE_TAX, 1, &err), SL_OK);
    add_taxed(o, SL_LINE_PRODUCT, "0.93", "1", "0.196116");
    add_taxed(o, SL_LINE_PRODUCT, "0.93", "1", "0.196116");
    add_rate(o, "1", "0.39", NULL, 0);
    rules_tax_plan p;
    make_plan(o, &p);
    assert_int_equal(p.line_tax[0], 19);
    assert_int_equal(p.net_shift[0], 1);
    assert_int_equal(p.line_tax[1], 20);
    assert_int_equal(p.net_shift[1], 0);
    rules_tax_plan_free(&p);
    order_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tie_goes_to_earlier_line),
        cmocka_unit_test(test_tie_goes_to_larger_exact),
        cmocka_unit_test(test_negative_fee_takes_the_unit),
        cmocka_unit_test(test_coupon_line_keeps_its_own_tax),
        cmocka_unit_test(test_total_equal_to_sum_moves_nothing),
        cmocka_unit_test(test_shipping_and_items_apart),
        cmocka_unit_test(test_more_than_a_unit_per_line_is_draft),
        cmocka_unit_test(test_one_unit_per_line_is_rounding),
        cmocka_unit_test(test_unknown_line_rate_is_draft),
        cmocka_unit_test(test_huf_whole_units),
        cmocka_unit_test(test_two_rates_on_one_line),
        cmocka_unit_test(test_compound_rate),
        cmocka_unit_test(test_prices_include_tax_shift_net),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
