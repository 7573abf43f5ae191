/*
 * Money in the SDK: exact decimal parsing, named rounding (also on negative
 * amounts), rounding to digits, conversion and percentages, formatting, and
 * the currency table.
 */
#include "support.h"

#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdk.h"

/* Parses exactly and returns the minor units; fails the test otherwise. */
static int64_t parse_ok(const char *text, int exponent)
{
    int64_t v = 0;
    assert_int_equal(sl_money_parse(text, exponent, &v), SL_OK);
    return v;
}

static int64_t round_ok(const char *text, int exponent, int mode)
{
    int64_t v = 0;
    assert_int_equal(sl_money_parse_round(text, exponent, mode, &v), SL_OK);
    return v;
}

static void test_parse_accepts_shop_text(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("19.99", 2), 1999);
    assert_int_equal(parse_ok("-74.00", 2), -7400);
    assert_int_equal(parse_ok("+1", 2), 100);
    assert_int_equal(parse_ok("0", 2), 0);
    assert_int_equal(parse_ok("-0.00", 2), 0);
    assert_int_equal(parse_ok("007.5", 2), 750);
    assert_int_equal(parse_ok("1.7355", 4), 17355);
    assert_int_equal(parse_ok("12.500", 2), 1250); /* extra zeros are exact */
    assert_int_equal(parse_ok("480000", 0), 480000);
    assert_int_equal(parse_ok("1.250", 3), 1250);
    assert_int_equal(parse_ok("9223372036854775807", 0), INT64_MAX);
    assert_int_equal(parse_ok("-92233720368547758.07", 2), -INT64_MAX);
}

static void test_parse_refuses_bad_text(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",      "-",   "+",   ".5",   "5.",  ".",   "1e2", "1E2",   " 12", "12 ", "1,5",
        "1.2.3", "--1", "+-1", "0x10", "abc", "12a", "١٢",  "1_000", "- 1", "inf", "NaN",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 42;
        assert_int_equal(sl_money_parse(bad[i], 2, &v), SL_EINVALID);
        assert_int_equal(v, 42); /* untouched on failure */
    }
    int64_t v = 42;
    assert_int_equal(sl_money_parse(NULL, 2, &v), SL_EINVALID);
    assert_int_equal(sl_money_parse("1.001", 2, &v), SL_EINVALID);
    assert_int_equal(sl_money_parse("1.5", 0, &v), SL_EINVALID);
    assert_int_equal(sl_money_parse("1", -1, &v), SL_EINVALID);
    assert_int_equal(sl_money_parse("1", 7, &v), SL_EINVALID);
    char longtext[200];
    memset(longtext, '0', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    assert_int_equal(sl_money_parse(longtext, 2, &v), SL_EINVALID);
    assert_int_equal(v, 42);
}

static void test_parse_overflow_is_an_error(void **state)
{
    (void)state;
    int64_t v = 42;
    assert_int_equal(sl_money_parse("9223372036854775808", 0, &v), SL_ETOOBIG);
    assert_int_equal(sl_money_parse("92233720368547758.08", 2, &v), SL_ETOOBIG);
    assert_int_equal(sl_money_parse("92233720368547758", 3, &v), SL_ETOOBIG);
    assert_int_equal(sl_money_parse("-99999999999999999999", 0, &v), SL_ETOOBIG);
    /* Rounding up the largest value would overflow too. */
    assert_int_equal(sl_money_parse_round("9223372036854775807.9", 0, SL_ROUND_UP, &v), SL_ETOOBIG);
    assert_int_equal(v, 42);
}

static void test_parse_round_modes_positive_and_negative(void **state)
{
    (void)state;
    /* text, HALF_UP, HALF_EVEN, DOWN, UP, FLOOR, CEIL at exponent 2 */
    static const struct {
        const char *text;
        int64_t want[6];
    } rows[] = {
        {"1.005", {101, 100, 100, 101, 100, 101}},
        {"1.015", {102, 102, 101, 102, 101, 102}},
        {"1.0051", {101, 101, 100, 101, 100, 101}},
        {"1.0049", {100, 100, 100, 101, 100, 101}},
        {"1.00", {100, 100, 100, 100, 100, 100}},
        {"-1.005", {-101, -100, -100, -101, -101, -100}},
        {"-1.015", {-102, -102, -101, -102, -102, -101}},
        {"-1.0049", {-100, -100, -100, -101, -101, -100}},
        {"-0.001", {0, 0, 0, -1, -1, 0}},
        {"0.0000000000000000000001", {0, 0, 0, 1, 0, 1}},
    };
    static const int modes[6] = {SL_ROUND_HALF_UP, SL_ROUND_HALF_EVEN, SL_ROUND_DOWN,
                                 SL_ROUND_UP,      SL_ROUND_FLOOR,     SL_ROUND_CEIL};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
        for (int m = 0; m < 6; m++)
            assert_int_equal(round_ok(rows[r].text, 2, modes[m]), rows[r].want[m]);
    int64_t v = 7;
    assert_int_equal(sl_money_parse_round("1.005", 2, 0, &v), SL_EINVALID);
    assert_int_equal(sl_money_parse_round("1.005", 2, 99, &v), SL_EINVALID);
    assert_int_equal(v, 7);
}

static void test_parse_n_reads_only_len_bytes(void **state)
{
    (void)state;
    int64_t v = 0;
    const char *tok = "12.345,\"next\"";
    assert_int_equal(sl_money_parse_n(tok, 5, 2, 0, &v), SL_OK); /* 12.34 */
    assert_int_equal(v, 1234);
    assert_int_equal(sl_money_parse_n(tok, 6, 2, 0, &v), SL_EINVALID);
    assert_int_equal(sl_money_parse_n(tok, 6, 2, SL_ROUND_HALF_UP, &v), SL_OK);
    assert_int_equal(v, 1235);
    assert_int_equal(sl_money_parse_n(tok, 7, 2, SL_ROUND_HALF_UP, &v),
                     SL_EINVALID); /* the comma is inside len now */
    assert_int_equal(v, 1235);
}

static void test_quantity_in_thousandths(void **state)
{
    (void)state;
    int64_t q = 0;
    assert_int_equal(sl_quantity_parse("2", &q), SL_OK);
    assert_int_equal(q, 2000);
    assert_int_equal(sl_quantity_parse("0.5", &q), SL_OK);
    assert_int_equal(q, 500);
    assert_int_equal(sl_quantity_parse("-1", &q), SL_OK);
    assert_int_equal(q, -1000);
    assert_int_equal(sl_quantity_parse("1.2345", &q), SL_EINVALID);
    assert_int_equal(sl_quantity_parse("two", &q), SL_EINVALID);
    assert_int_equal(q, -1000);
}

static void test_format(void **state)
{
    (void)state;
    char buf[SL_MONEY_TEXT_MAX];
    assert_string_equal(sl_money_format(1999, 2, buf), "19.99");
    assert_string_equal(sl_money_format(-5, 2, buf), "-0.05");
    assert_string_equal(sl_money_format(0, 2, buf), "0.00");
    assert_string_equal(sl_money_format(7, 0, buf), "7");
    assert_string_equal(sl_money_format(-1234, 3, buf), "-1.234");
    assert_string_equal(sl_money_format(INT64_MIN, 2, buf), "-92233720368547758.08");
    assert_string_equal(sl_money_format(INT64_MAX, 0, buf), "9223372036854775807");
    assert_string_equal(sl_money_format(5, 6, buf), "0.000005");
    /* Format then parse gives the same number back. */
    static const int64_t vals[] = {0, 1, -1, 99, -100, 123456789, -98765};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        for (int e = 0; e <= SL_MONEY_MAX_EXPONENT; e++)
            assert_int_equal(parse_ok(sl_money_format(vals[i], e, buf), e), vals[i]);
}

static void test_div_round(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_int_equal(sl_div_round(7, 2, SL_ROUND_HALF_UP, &v), SL_OK);
    assert_int_equal(v, 4);
    assert_int_equal(sl_div_round(-7, 2, SL_ROUND_HALF_UP, &v), SL_OK);
    assert_int_equal(v, -4);
    assert_int_equal(sl_div_round(5, 2, SL_ROUND_HALF_EVEN, &v), SL_OK);
    assert_int_equal(v, 2);
    assert_int_equal(sl_div_round(-5, 2, SL_ROUND_HALF_EVEN, &v), SL_OK);
    assert_int_equal(v, -2);
    assert_int_equal(sl_div_round(-7, 3, SL_ROUND_FLOOR, &v), SL_OK);
    assert_int_equal(v, -3);
    assert_int_equal(sl_div_round(-7, 3, SL_ROUND_CEIL, &v), SL_OK);
    assert_int_equal(v, -2);
    assert_int_equal(sl_div_round(INT64_MIN, 1, SL_ROUND_DOWN, &v),
                     SL_ETOOBIG); /* |INT64_MIN| does not fit */
    v = 9;
    assert_int_equal(sl_div_round(1, 0, SL_ROUND_DOWN, &v), SL_EINVALID);
    assert_int_equal(sl_div_round(1, -2, SL_ROUND_DOWN, &v), SL_EINVALID);
    assert_int_equal(sl_div_round(1, 2, 0, &v), SL_EINVALID);
    assert_int_equal(v, 9);
}

static void test_round_digits(void **state)
{
    (void)state;
    int64_t v = 0;
    static const struct {
        int64_t in;
        int digits, mode;
        int64_t want;
    } rows[] = {
        {1223, 2, SL_ROUND_HALF_UP, 1200},     {1288, 2, SL_ROUND_HALF_UP, 1300},
        {1250, 2, SL_ROUND_HALF_UP, 1300},     {1250, 2, SL_ROUND_HALF_EVEN, 1200},
        {1350, 2, SL_ROUND_HALF_EVEN, 1400},   {-1250, 2, SL_ROUND_HALF_UP, -1300},
        {-1250, 2, SL_ROUND_HALF_EVEN, -1200}, {-1223, 2, SL_ROUND_FLOOR, -1300},
        {-1288, 2, SL_ROUND_CEIL, -1200},      {1201, 2, SL_ROUND_UP, 1300},
        {1299, 2, SL_ROUND_DOWN, 1200},        {1299, 0, SL_ROUND_UP, 1299},
        {49, 2, SL_ROUND_HALF_UP, 0},          {50, 2, SL_ROUND_HALF_UP, 100},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(sl_money_round_digits(rows[i].in, rows[i].digits, rows[i].mode, &v),
                         SL_OK);
        assert_int_equal(v, rows[i].want);
    }
    v = 5;
    assert_int_equal(sl_money_round_digits(INT64_MAX, 3, SL_ROUND_UP, &v), SL_ETOOBIG);
    assert_int_equal(sl_money_round_digits(1, -1, SL_ROUND_UP, &v), SL_EINVALID);
    assert_int_equal(sl_money_round_digits(1, 19, SL_ROUND_UP, &v), SL_EINVALID);
    assert_int_equal(v, 5);
}

static int64_t convert_ok(int64_t from, int fe, const char *rate, int mul, int te, int mode)
{
    int64_t v = 0;
    assert_int_equal(sl_money_convert(from, fe, rate, mul, te, mode, &v), SL_OK);
    return v;
}

static void test_convert(void **state)
{
    (void)state;
    /* 10.00 EUR * 1.0850 = 10.85 USD */
    assert_int_equal(convert_ok(1000, 2, "1.0850", 1, 2, SL_ROUND_HALF_UP), 1085);
    /* 1.00 EUR -> IRR at 480000.5 per EUR: 480000.5 rounds half-up. */
    assert_int_equal(convert_ok(100, 2, "480000.5", 1, 0, SL_ROUND_HALF_UP), 480001);
    assert_int_equal(convert_ok(100, 2, "480000.5", 1, 0, SL_ROUND_HALF_EVEN), 480000);
    /* 1,000,000 IRR / 480000 per EUR = 2.083333 EUR -> 2.08 */
    assert_int_equal(convert_ok(1000000, 0, "480000", 0, 2, SL_ROUND_HALF_UP), 208);
    assert_int_equal(convert_ok(1000000, 0, "480000", 0, 2, SL_ROUND_UP), 209);
    /* Negative amounts round symmetric or toward -inf by mode. */
    assert_int_equal(convert_ok(-1000000, 0, "480000", 0, 2, SL_ROUND_UP), -209);
    assert_int_equal(convert_ok(-1000000, 0, "480000", 0, 2, SL_ROUND_CEIL), -208);
    /* KWD (3) to JPY (0): 1.250 KWD * 487.3 = 609.125 -> 609 */
    assert_int_equal(convert_ok(1250, 3, "487.3", 1, 0, SL_ROUND_HALF_UP), 609);
    /* A tiny rate with 18 fraction digits stays exact in __int128. */
    assert_int_equal(convert_ok(1000, 2, "0.000000000000000003", 0, 0, SL_ROUND_DOWN),
                     3333333333333333333LL);
    /* Trailing zeros do not count against the 18-digit limit. */
    assert_int_equal(convert_ok(100, 2, "2.0000000000000000000000", 1, 2, SL_ROUND_DOWN), 200);
    /* Rial to toman: divide by 10, then "rounding 2" by round_digits. */
    int64_t toman = convert_ok(1234567, 0, "10", 0, 0, SL_ROUND_HALF_UP);
    assert_int_equal(toman, 123457);
    int64_t rounded = 0;
    assert_int_equal(sl_money_round_digits(toman, 2, SL_ROUND_HALF_UP, &rounded), SL_OK);
    assert_int_equal(rounded, 123500);
}

static void test_convert_errors(void **state)
{
    (void)state;
    int64_t v = 11;
    assert_int_equal(sl_money_convert(1, 2, "0", 1, 2, SL_ROUND_DOWN, &v), SL_EINVALID);
    assert_int_equal(sl_money_convert(1, 2, "-1.5", 1, 2, SL_ROUND_DOWN, &v), SL_EINVALID);
    assert_int_equal(sl_money_convert(1, 2, "1e3", 1, 2, SL_ROUND_DOWN, &v), SL_EINVALID);
    assert_int_equal(sl_money_convert(1, 2, NULL, 1, 2, SL_ROUND_DOWN, &v), SL_EINVALID);
    assert_int_equal(sl_money_convert(1, 2, "1", 1, 9, SL_ROUND_DOWN, &v), SL_EINVALID);
    assert_int_equal(sl_money_convert(1, 2, "1.0000000000000000001", 1, 2, SL_ROUND_DOWN, &v),
                     SL_EINVALID);
    assert_int_equal(sl_money_convert(INT64_MAX, 0, "9223372036854775807", 1, 6, SL_ROUND_DOWN, &v),
                     SL_ETOOBIG);
    assert_int_equal(sl_money_convert(INT64_MAX, 0, "2", 1, 0, SL_ROUND_DOWN, &v), SL_ETOOBIG);
    assert_int_equal(sl_money_convert(1, 2, "1", 1, 2, 0, &v), SL_EINVALID);
    assert_int_equal(v, 11);
}

static void test_percent(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_int_equal(sl_money_percent(10000, "21", SL_ROUND_HALF_UP, &v), SL_OK);
    assert_int_equal(v, 2100);
    /* 7.25% of 1.99 = 0.144275 -> 0.14 */
    assert_int_equal(sl_money_percent(199, "7.25", SL_ROUND_HALF_UP, &v), SL_OK);
    assert_int_equal(v, 14);
    /* 2.5% of 1.00 = 0.025 -> half cases by mode */
    assert_int_equal(sl_money_percent(100, "2.5", SL_ROUND_HALF_UP, &v), SL_OK);
    assert_int_equal(v, 3);
    assert_int_equal(sl_money_percent(100, "2.5", SL_ROUND_HALF_EVEN, &v), SL_OK);
    assert_int_equal(v, 2);
    assert_int_equal(sl_money_percent(-100, "2.5", SL_ROUND_HALF_UP, &v), SL_OK);
    assert_int_equal(v, -3);
    assert_int_equal(sl_money_percent(-100, "2.5", SL_ROUND_FLOOR, &v), SL_OK);
    assert_int_equal(v, -3);
    v = 4;
    assert_int_equal(sl_money_percent(100, "21%", SL_ROUND_HALF_UP, &v), SL_EINVALID);
    assert_int_equal(sl_money_percent(100, "", SL_ROUND_HALF_UP, &v), SL_EINVALID);
    assert_int_equal(sl_money_percent(INT64_MAX, "1000", SL_ROUND_HALF_UP, &v), SL_ETOOBIG);
    assert_int_equal(v, 4);
}

static void test_currency_table(void **state)
{
    (void)state;
    static const struct {
        const char *code;
        int exp;
    } rows[] = {
        {"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"THB", 2}, {"HUF", 2}, {"PLN", 2},
        {"CZK", 2}, {"SEK", 2}, {"NOK", 2}, {"DKK", 2}, {"CHF", 2}, {"JPY", 0},
        {"KRW", 0}, {"IRR", 0}, {"IRT", 0}, {"KWD", 3}, {"BHD", 3}, {"OMR", 3},
        {"TND", 3}, {"JOD", 3}, {"IQD", 3}, {"LYD", 3}, {"AED", 2}, {"SAR", 2},
        {"TRY", 2}, {"RUB", 2}, {"UAH", 2}, {"RON", 2}, {"BGN", 2}, {"eur", 2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(sl_currency_exponent(rows[i].code), rows[i].exp);
    assert_int_equal(sl_currency_exponent("XXX"), -1);
    assert_int_equal(sl_currency_exponent("EU"), -1);
    assert_int_equal(sl_currency_exponent("EURO"), -1);
    assert_int_equal(sl_currency_exponent("E1R"), -1);
    assert_int_equal(sl_currency_exponent(""), -1);
    assert_int_equal(sl_currency_exponent(NULL), -1);
    /* The table is sorted (binary search depends on it) and every entry
       is found by its own code. */
    size_t n = sl_currency_count();
    assert_true(n >= 30);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            assert_true(strcmp(sl_currency_code_at(i - 1), sl_currency_code_at(i)) < 0);
        assert_true(sl_currency_exponent(sl_currency_code_at(i)) >= 0);
    }
    assert_null(sl_currency_code_at(n));
}

static void test_decimal_check(void **state)
{
    (void)state;
    assert_int_equal(sl_decimal_check("1.5", 3), SL_OK);
    assert_int_equal(sl_decimal_check("1.5x", 3), SL_OK);
    assert_int_equal(sl_decimal_check("1.5x", 4), SL_EINVALID);
    assert_int_equal(sl_decimal_check("-", 1), SL_EINVALID);
    assert_int_equal(sl_decimal_check("", 0), SL_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepts_shop_text),
        cmocka_unit_test(test_parse_refuses_bad_text),
        cmocka_unit_test(test_parse_overflow_is_an_error),
        cmocka_unit_test(test_parse_round_modes_positive_and_negative),
        cmocka_unit_test(test_parse_n_reads_only_len_bytes),
        cmocka_unit_test(test_quantity_in_thousandths),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_div_round),
        cmocka_unit_test(test_round_digits),
        cmocka_unit_test(test_convert),
        cmocka_unit_test(test_convert_errors),
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_currency_table),
        cmocka_unit_test(test_decimal_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
