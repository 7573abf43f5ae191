/*
 * Foroutel's Persian status labels -> the normalized shipping statuses
 * (plugins/foroutel/fr_track.c, compiled in): each known label, the same
 * label typed with Arabic letters or a zero-width non-joiner, the cash
 * collected flag, and unknown labels kept as "other".
 */
#include "support.h"

#include <string.h>

#include "foroutel.h"

typedef struct label_case {
    const char *label;
    const char *word;
    int collected;
} label_case;

static const label_case CASES[] = {
    {"در انتظار بررسی", "not_loaded", 0},
    {"آماده ارسال", "not_loaded", 0},
    {"ارسال شده", "delivered_to_post", 0},
    {"تحویل شده", "delivered_to_customer", 0},
    {"وصول شده", "delivered_to_customer", 1},
    {"برگشتی", "returned", 0},
    {"لغو شده", "cancelled", 0},
    /* spellings: Arabic yeh (U+064A), spaces, a ZWNJ before the suffix */
    {"در انتظار بررسي", "not_loaded", 0},
    {"  ارسال   شده ", "delivered_to_post", 0},
    {"برگشتي", "returned", 0},
    {"تحویل\u200cشده", "delivered_to_customer", 0}, /* a ZWNJ for the space */
    {"وصولشده", "delivered_to_customer", 1},
    /* unknown */
    {"در انتظار تایید گمرک", "other", 0},
    {"delivered", "other", 0},
    {"", "other", 0},
};

static void test_labels(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        int collected = -1;
        const char *word = fr_status_word(CASES[i].label, &collected);
        if (strcmp(word, CASES[i].word) != 0 || collected != CASES[i].collected)
            fail_msg("'%s' -> %s/%d, expected %s/%d", CASES[i].label, word, collected,
                     CASES[i].word, CASES[i].collected);
    }
    int collected = -1;
    assert_string_equal(fr_status_word(NULL, &collected), "other");
    assert_int_equal(collected, 0);
    assert_string_equal(fr_status_word("\xff", &collected), "other");
}

static void test_codes(void **state)
{
    (void)state;
    assert_string_equal(fr_send_type_code("express"), "1");
    assert_string_equal(fr_send_type_code("registered"), "2");
    assert_string_equal(fr_send_type_code("printed"), "3");
    assert_string_equal(fr_send_type_code("courier"), "4");
    assert_string_equal(fr_send_type_code("fixed"), "20");
    assert_null(fr_send_type_code("pigeon"));
    assert_string_equal(fr_send_type_word("20"), "fixed");
    assert_null(fr_send_type_word("5"));
    assert_string_equal(fr_buy_type_code("cod"), "1");
    assert_string_equal(fr_buy_type_code("prepaid"), "2");
    assert_null(fr_buy_type_code("card"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
