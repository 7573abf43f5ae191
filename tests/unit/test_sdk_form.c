/*
 * sl_form_get (sdk/form.c): form-encoded lookups as the gateways' return
 * routes make them: '+' and %XX decoding, exact and case-blind names, the
 * first of repeated fields, empty and missing values, bad escapes, NUL
 * bytes and a value that does not fit.
 */
#include "support.h"

#include <string.h>

#include "shopledger/sdkutil.h"

static int get(const char *body, const char *name, int nocase, char *out, size_t cap)
{
    return sl_form_get(body, strlen(body), name, nocase, out, cap);
}

static void test_decoding(void **state)
{
    (void)state;
    char v[64];
    assert_int_equal(get("a=1&RefId=7C%2B1+x&b=", "RefId", 0, v, sizeof v), 1);
    assert_string_equal(v, "7C+1 x");
    assert_int_equal(get("a=1&b=", "b", 0, v, sizeof v), 1);
    assert_string_equal(v, "");
    assert_int_equal(get("flag&x=2", "flag", 0, v, sizeof v), 1);
    assert_string_equal(v, "");
    assert_int_equal(get("%53aleOrderId=9", "SaleOrderId", 0, v, sizeof v), 1);
    assert_string_equal(v, "9");
    assert_int_equal(get("x=%D8%B3", "x", 0, v, sizeof v), 1);
    assert_string_equal(v, "\xd8\xb3");
}

static void test_names(void **state)
{
    (void)state;
    char v[64];
    assert_int_equal(get("saleOrderId=7", "SaleOrderId", 0, v, sizeof v), 0);
    assert_string_equal(v, "");
    assert_int_equal(get("saleOrderId=7", "SaleOrderId", 1, v, sizeof v), 1);
    assert_string_equal(v, "7");
    assert_int_equal(get("a=1&a=2", "a", 0, v, sizeof v), 1);
    assert_string_equal(v, "1");
    assert_int_equal(get("&&a=1&", "a", 0, v, sizeof v), 1);
    assert_int_equal(get("ab=1", "a", 0, v, sizeof v), 0);
    assert_int_equal(sl_form_get(NULL, 0, "a", 0, v, sizeof v), 0);
    /* a bad escape in another field's name does not hide ours */
    assert_int_equal(get("%zz=1&a=2", "a", 0, v, sizeof v), 1);
    assert_string_equal(v, "2");
}

static void test_refusals(void **state)
{
    (void)state;
    char v[4];
    assert_int_equal(get("a=%4", "a", 0, v, sizeof v), SL_EINVALID);
    assert_int_equal(get("a=%G1", "a", 0, v, sizeof v), SL_EINVALID);
    assert_int_equal(get("a=x%00y", "a", 0, v, sizeof v), SL_EINVALID);
    assert_string_equal(v, "");
    assert_int_equal(get("a=abc", "a", 0, v, sizeof v), 1);
    assert_int_equal(get("a=abcd", "a", 0, v, sizeof v), SL_ETOOBIG);
    assert_string_equal(v, "");
    /* the length bounds the body: a field past len is not seen */
    assert_int_equal(sl_form_get("a=1&b=2", 3, "b", 0, v, sizeof v), 0);
    assert_int_equal(sl_form_get("a=12", 3, "a", 0, v, sizeof v), 1);
    assert_string_equal(v, "1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decoding),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
