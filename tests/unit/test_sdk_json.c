/*
 * SDK JSON getters: body caps, type checks that name the offending key,
 * optional versus required members, ids as strings or integers, and money
 * recovered exactly from JSON numbers.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

static const char ORDER[] =
    "{\"id\": 4711, \"number\": \"A-17\", \"paid\": true, \"qty\": 3,"
    " \"total\": \"19.99\", \"tax\": 3.47, \"shipping\": 5, \"note\": null,"
    " \"lines\": [1, 2], \"billing\": {\"city\": \"Riga\"},"
    " \"created\": \"2024-05-01T09:04:10+03:30\", \"bad_date\": \"2024-02-30T00:00:00Z\","
    " \"weird\": \"1e2\", \"obj\": {}}";

static json_t *order(void)
{
    json_t *root = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(sl_json_parse(ORDER, strlen(ORDER), 4096, &root, &err), SL_OK);
    return root;
}

static void test_parse_caps_and_errors(void **state)
{
    (void)state;
    json_t *root = (json_t *)0x1;
    sl_error err = {.size = sizeof err};
    const char *body = "{\"a\": 1}";
    assert_int_equal(sl_json_parse(body, strlen(body), 7, &root, &err), SL_ETOOBIG);
    assert_string_equal(err.field, "body");
    assert_non_null(strstr(err.message, "limit of 7"));
    assert_ptr_equal(root, (json_t *)0x1);
    /* Exactly at the cap is fine. */
    assert_int_equal(sl_json_parse(body, strlen(body), strlen(body), &root, &err), SL_OK);
    json_decref(root);
    root = (json_t *)0x1;
    static const char *const bad[] = {"{\"a\": }",       "",
                                      "[\"a\\u0000b\"]", "{\"a\":1,\"a\":2}",
                                      "{\"a\": 1} x",    "\"just a string\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        err.size = sizeof err;
        assert_int_equal(sl_json_parse(bad[i], strlen(bad[i]), 100, &root, &err), SL_EINVALID);
        assert_string_equal(err.field, "body");
        assert_ptr_equal(root, (json_t *)0x1);
    }
    assert_int_equal(sl_json_parse(NULL, 0, 100, &root, &err), SL_EINVALID);
    /* A NULL or too-old error record is tolerated, never written. */
    assert_int_equal(sl_json_parse("{", 1, 100, &root, NULL), SL_EINVALID);
    sl_error tiny = {.size = 8, .code = 1};
    assert_int_equal(sl_json_parse("{", 1, 100, &root, &tiny), SL_EINVALID);
    assert_int_equal(tiny.code, 1);
}

/* Webhook bodies must be one object: arrays and scalars are refused
   naming "body", and a parse error keeps its own reason. */
static void test_parse_object(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    json_t *j = NULL;
    assert_int_equal(sl_json_parse_object("{\"a\":1}", 7, 100, "push body", &j, &err), SL_OK);
    assert_true(json_is_object(j));
    json_decref(j);
    j = NULL;
    assert_int_equal(sl_json_parse_object("[1]", 3, 100, "push body", &j, &err), SL_EINVALID);
    assert_null(j);
    assert_string_equal(err.field, "body");
    assert_non_null(strstr(err.message, "push body is not a JSON object"));
    assert_int_equal(sl_json_parse_object("{\"a\":", 5, 100, "push body", &j, &err), SL_EINVALID);
    assert_non_null(strstr(err.message, "not JSON"));
    assert_int_equal(sl_json_parse_object("{}", 2, 1, "push body", &j, &err), SL_ETOOBIG);
    assert_null(j);
}

static void test_typed_getters(void **state)
{
    (void)state;
    json_t *root = order();
    sl_error err = {.size = sizeof err};
    const char *s = NULL;
    int64_t i = 0;
    int b = 0;
    json_t *v = NULL;
    assert_int_equal(sl_json_str(root, "number", 1, &s, &err), SL_OK);
    assert_string_equal(s, "A-17");
    assert_int_equal(sl_json_int(root, "qty", 1, &i, &err), SL_OK);
    assert_int_equal(i, 3);
    assert_int_equal(sl_json_bool(root, "paid", 1, &b, &err), SL_OK);
    assert_int_equal(b, 1);
    assert_int_equal(sl_json_array(root, "lines", 1, &v, &err), SL_OK);
    assert_int_equal(json_array_size(v), 2);
    assert_int_equal(sl_json_object(root, "billing", 1, &v, &err), SL_OK);
    assert_int_equal(sl_json_str(v, "city", 1, &s, &err), SL_OK);
    assert_string_equal(s, "Riga");
    json_decref(root);
}

/* Runs one getter failure and checks the key and message it reports. */
#define EXPECT_FAIL(call, key, words)                                                              \
    do {                                                                                           \
        memset(&err, 0, sizeof err);                                                               \
        err.size = sizeof err;                                                                     \
        assert_int_equal((call), SL_EINVALID);                                                     \
        assert_string_equal(err.field, key);                                                       \
        if (strstr(err.message, words) == NULL)                                                    \
            fail_msg("message \"%s\" lacks \"%s\"", err.message, words);                           \
    } while (0)

static void test_wrong_types_name_the_field(void **state)
{
    (void)state;
    json_t *root = order();
    sl_error err;
    const char *s = "untouched";
    int64_t i = 42;
    int b = 7;
    json_t *v = NULL;
    char buf[32] = "untouched";
    EXPECT_FAIL(sl_json_str(root, "qty", 1, &s, &err), "qty", "expected a string, got an integer");
    EXPECT_FAIL(sl_json_int(root, "total", 1, &i, &err), "total",
                "expected an integer, got a string");
    EXPECT_FAIL(sl_json_int(root, "tax", 0, &i, &err), "tax", "got a number");
    EXPECT_FAIL(sl_json_bool(root, "qty", 1, &b, &err), "qty", "a boolean");
    EXPECT_FAIL(sl_json_array(root, "billing", 1, &v, &err), "billing",
                "expected an array, got an object");
    EXPECT_FAIL(sl_json_object(root, "lines", 1, &v, &err), "lines",
                "expected an object, got an array");
    EXPECT_FAIL(sl_json_id(root, "paid", 1, buf, sizeof buf, &err), "paid",
                "a string or an integer");
    EXPECT_FAIL(sl_json_decimal(root, "billing", 1, buf, sizeof buf, &err), "billing",
                "expected a decimal");
    /* jansson refuses \u0000 when parsing; a value built in code can
       still carry one, and the getter refuses it rather than cut it. */
    json_object_set_new(root, "nul", json_stringn("a\0b", 3));
    EXPECT_FAIL(sl_json_str(root, "nul", 1, &s, &err), "nul", "NUL");
    EXPECT_FAIL(sl_json_str(root, "missing", 1, &s, &err), "missing", "is missing");
    EXPECT_FAIL(sl_json_str(root, "note", 1, &s, &err), "note", "is null");
    /* The enclosing value itself is not an object. */
    json_t *arr = json_object_get(root, "lines");
    EXPECT_FAIL(sl_json_str(arr, "x", 1, &s, &err), "x", "not an object");
    assert_string_equal(s, "untouched");
    assert_int_equal(i, 42);
    assert_int_equal(b, 7);
    assert_null(v);
    assert_string_equal(buf, "untouched");
    json_decref(root);
}

static void test_optional_members(void **state)
{
    (void)state;
    json_t *root = order();
    sl_error err = {.size = sizeof err};
    const char *s = "keep";
    int64_t i = 42;
    char buf[8] = "keep";
    assert_int_equal(sl_json_str(root, "missing", 0, &s, &err), SL_OK);
    assert_int_equal(sl_json_str(root, "note", 0, &s, &err), SL_OK);
    assert_int_equal(sl_json_int(root, "missing", 0, &i, &err), SL_OK);
    assert_int_equal(sl_json_decimal(root, "note", 0, buf, sizeof buf, &err), SL_OK);
    assert_string_equal(s, "keep");
    assert_int_equal(i, 42);
    assert_string_equal(buf, "keep");
    json_decref(root);
}

static void test_ids(void **state)
{
    (void)state;
    json_t *root = order();
    sl_error err = {.size = sizeof err};
    char buf[16];
    assert_int_equal(sl_json_id(root, "id", 1, buf, sizeof buf, &err), SL_OK);
    assert_string_equal(buf, "4711");
    assert_int_equal(sl_json_id(root, "number", 1, buf, sizeof buf, &err), SL_OK);
    assert_string_equal(buf, "A-17");
    /* "A-17" needs 5 bytes. */
    assert_int_equal(sl_json_id(root, "number", 1, buf, 4, &err), SL_ETOOBIG);
    assert_string_equal(err.field, "number");
    assert_string_equal(buf, "A-17");
    json_decref(root);
}

static void test_decimal_from_strings(void **state)
{
    (void)state;
    json_t *root = order();
    sl_error err = {.size = sizeof err};
    char buf[32];
    assert_int_equal(sl_json_decimal(root, "total", 1, buf, sizeof buf, &err), SL_OK);
    assert_string_equal(buf, "19.99");
    assert_int_equal(sl_json_decimal(root, "shipping", 1, buf, sizeof buf, &err), SL_OK);
    assert_string_equal(buf, "5");
    assert_int_equal(sl_json_decimal(root, "tax", 1, buf, sizeof buf, &err), SL_OK);
    assert_string_equal(buf, "3.47");
    assert_int_equal(sl_json_decimal(root, "weird", 1, buf, sizeof buf, &err), SL_EINVALID);
    assert_string_equal(err.field, "weird");
    assert_int_equal(sl_json_decimal(root, "total", 1, buf, 5, &err), SL_ETOOBIG);
    json_decref(root);
}

/* Decimal text recovered from a JSON number literal. */
static int number_text(const char *literal, char *buf, size_t buflen)
{
    char doc[96];
    snprintf(doc, sizeof doc, "{\"v\": %s}", literal);
    json_t *root = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(sl_json_parse(doc, strlen(doc), 200, &root, &err), SL_OK);
    int rc = sl_json_decimal(root, "v", 1, buf, buflen, &err);
    if (rc != SL_OK)
        assert_string_equal(err.field, "v");
    json_decref(root);
    return rc;
}

static void test_decimal_from_numbers(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"19.99", "19.99"},
        {"0.1", "0.1"},
        {"0.07", "0.07"},
        {"-74.00", "-74"},
        {"1234.50", "1234.5"},
        {"100", "100"},
        {"-0.0", "0"},
        {"1e-7", "0.0000001"},
        {"1.5e20", "150000000000000000000"},
        {"2.5E+3", "2500"},
        {"9999999999999.99", "9999999999999.99"},
        {"123456789012.34", "123456789012.34"},
        {"0.000001", "0.000001"},
        {"1.7355", "1.7355"},
        {"92233720368547758.07", "92233720368547760"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(number_text(rows[i][0], buf, sizeof buf), SL_OK);
        assert_string_equal(buf, rows[i][1]);
    }
    assert_int_equal(number_text("1e31", buf, sizeof buf), SL_ETOOBIG);
    assert_int_equal(number_text("1e-31", buf, sizeof buf), SL_ETOOBIG);
    assert_int_equal(number_text("1234.5", buf, 6), SL_ETOOBIG);
}

/* Significant digits of plain decimal text ("-0.0070" has 2). */
static int significant_digits(const char *t)
{
    char digits[64];
    int n = 0;
    for (; *t; t++)
        if (*t >= '0' && *t <= '9' && n < (int)sizeof digits)
            digits[n++] = *t;
    int first = 0;
    while (first < n && digits[first] == '0')
        first++;
    while (n > first && digits[n - 1] == '0')
        n--;
    return n - first;
}

/* A JSON number comes back as the shortest text that reads back as the
   same double: checked on numbers printed with 16 and 17 digits (as some
   shops compute prices) and on a bounded pseudo-random sweep. */
static void test_decimal_numbers_shortest(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"16.528925619834709", "16.52892561983471"},
        {"0.30000000000000004", "0.30000000000000004"},
        {"1.0000000000000002", "1.0000000000000002"},
        {"2.4900000000000002", "2.49"},
    };
    char buf[64], lit[40], shorter[40];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(number_text(rows[i][0], buf, sizeof buf), SL_OK);
        assert_string_equal(buf, rows[i][1]);
    }
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double d = (double)(x % 100000000000ULL) / (double)(1ULL << (x >> 59));
        snprintf(lit, sizeof lit, "%.17g", d);
        assert_int_equal(number_text(lit, buf, sizeof buf), SL_OK);
        if (strtod(buf, NULL) != d)
            fail_msg("%s came back as %s", lit, buf);
        int nd = significant_digits(buf);
        if (nd > 1) {
            snprintf(shorter, sizeof shorter, "%.*e", nd - 2, d);
            if (strtod(shorter, NULL) == d)
                fail_msg("%s came back as %s, but %s is shorter", lit, buf, shorter);
        }
    }
}

/* Every price a shop prints with two decimals comes back to the cent:
   a bounded sweep over a wide range of magnitudes. */
static void test_decimal_numbers_exact_for_prices(void **state)
{
    (void)state;
    char lit[40], buf[64];
    int64_t checked = 0;
    for (int64_t cents = 0; cents < 100000000000000LL; cents = cents * 3 + 7, checked++) {
        for (int64_t d = 0; d < 200; d += 1) {
            int64_t c = cents + d;
            snprintf(lit, sizeof lit, "%s%lld.%02lld", c % 2 ? "-" : "", (long long)(c / 100),
                     (long long)(c % 100));
            assert_int_equal(number_text(lit, buf, sizeof buf), SL_OK);
            int64_t back = 0;
            assert_int_equal(sl_money_parse(buf, 2, &back), SL_OK);
            if (back != (c % 2 ? -c : c))
                fail_msg("%s came back as %s", lit, buf);
        }
    }
    assert_true(checked > 20);
}

static void test_time_member(void **state)
{
    (void)state;
    json_t *root = order();
    sl_error err = {.size = sizeof err};
    int64_t ms = 0;
    assert_int_equal(sl_json_time(root, "created", 1, 0, &ms, &err), SL_OK);
    assert_int_equal(ms, (1714554250LL - 12600) * 1000);
    ms = 5;
    assert_int_equal(sl_json_time(root, "bad_date", 1, 0, &ms, &err), SL_EINVALID);
    assert_string_equal(err.field, "bad_date");
    assert_int_equal(sl_json_time(root, "qty", 1, 0, &ms, &err), SL_EINVALID);
    assert_string_equal(err.field, "qty");
    assert_int_equal(sl_json_time(root, "missing", 0, 0, &ms, &err), SL_OK);
    assert_int_equal(ms, 5);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_caps_and_errors),
        cmocka_unit_test(test_parse_object),
        cmocka_unit_test(test_typed_getters),
        cmocka_unit_test(test_wrong_types_name_the_field),
        cmocka_unit_test(test_optional_members),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_decimal_from_strings),
        cmocka_unit_test(test_decimal_from_numbers),
        cmocka_unit_test(test_decimal_numbers_exact_for_prices),
        cmocka_unit_test(test_decimal_numbers_shortest),
        cmocka_unit_test(test_time_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
