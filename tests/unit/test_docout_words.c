/*
 * Amounts in words (docout_words.c): English with the fraction as NN/100,
 * Persian with every part joined by "و" and the fraction in words,
 * negative amounts, zero, every scale up to INT64_MAX, and the refusals
 * (another language, a buffer too small, a Persian fraction past
 * thousandths).
 */
#include "support.h"

#include <string.h>

#include "docout/docout.h"

static const char *en(int64_t minor, int exponent, const char *currency)
{
    static char buf[DOCOUT_WORDS_MAX];
    assert_int_equal(docout_amount_words("en", minor, exponent, currency, buf, sizeof buf), 0);
    return buf;
}

static const char *fa(int64_t minor, int exponent, const char *currency)
{
    static char buf[DOCOUT_WORDS_MAX];
    assert_int_equal(docout_amount_words("fa", minor, exponent, currency, buf, sizeof buf), 0);
    return buf;
}

static void test_english(void **state)
{
    (void)state;
    assert_string_equal(en(123456, 2, "EUR"),
                        "One thousand two hundred thirty-four and 56/100 EUR");
    assert_string_equal(en(0, 2, "EUR"), "Zero and 00/100 EUR");
    assert_string_equal(en(2015, 2, "EUR"), "Twenty and 15/100 EUR");
    assert_string_equal(en(1000001, 0, "HUF"), "One million one HUF");
    assert_string_equal(en(100000000, 0, "IRR"), "One hundred million IRR");
    assert_string_equal(en(1912, 0, "USD"), "One thousand nine hundred twelve USD");
    assert_string_equal(en(-550, 2, "EUR"), "Minus five and 50/100 EUR");
    assert_string_equal(en(7, 3, "KWD"), "Zero and 007/1000 KWD");
    assert_string_equal(en(INT64_MAX, 0, "IRR"),
                        "Nine quintillion two hundred twenty-three quadrillion three hundred "
                        "seventy-two trillion thirty-six billion eight hundred fifty-four "
                        "million seven hundred seventy-five thousand eight hundred seven IRR");
}

static void test_persian(void **state)
{
    (void)state;
    assert_string_equal(fa(1250000, 0, "IRR"), "یک میلیون و دویست و پنجاه هزار ریال");
    assert_string_equal(fa(1001, 0, "IRT"), "یک هزار و یک تومان");
    assert_string_equal(fa(115, 0, "IRR"), "صد و پانزده ریال");
    assert_string_equal(fa(20000000, 0, "IRR"), "بیست میلیون ریال");
    assert_string_equal(fa(0, 0, "IRR"), "صفر ریال");
    assert_string_equal(fa(1250, 2, "EUR"), "دوازده و پنجاه صدم EUR");
    assert_string_equal(fa(1200, 2, "EUR"), "دوازده EUR");
    assert_string_equal(fa(-3, 1, "XXX"), "منفی صفر و سه دهم XXX");
    assert_string_equal(fa(999999999, 0, "IRR"),
                        "نهصد و نود و نه میلیون و نهصد و نود و نه هزار و نهصد و نود و نه ریال");
    /* the largest amount fits the buffer the model gives it */
    assert_non_null(strstr(fa(INT64_MAX, 0, "IRR"), "نه کوینتیلیون"));
}

static void test_refusals(void **state)
{
    (void)state;
    char buf[DOCOUT_WORDS_MAX], small[12];
    assert_false(docout_words_supported("lv"));
    assert_true(docout_words_supported("fa"));
    assert_int_equal(docout_amount_words("lv", 100, 2, "EUR", buf, sizeof buf), -1);
    assert_int_equal(docout_amount_words("en", 123456, 2, "EUR", small, sizeof small), -1);
    assert_int_equal(docout_amount_words("fa", 12345, 4, "XXX", buf, sizeof buf), -1);
    assert_int_equal(docout_amount_words("fa", 120000, 4, "XXX", buf, sizeof buf), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_english),
                                       cmocka_unit_test(test_persian),
                                       cmocka_unit_test(test_refusals)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
