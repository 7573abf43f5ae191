/*
 * Persian text and Tehran time in the SDK: digits and letters in their
 * Arabic and Persian spellings normalize to one form, and Jalali dates in
 * Tehran wall time become UTC across the daylight-saving years (to 1401)
 * and after (1402 on), including the skipped and repeated hours and the
 * leap years 1399 and 1403. The expected instants are the transitions of
 * the IANA zone Asia/Tehran (zdump -v Asia/Tehran).
 */
#include "support.h"

#include <string.h>

#include "shopledger/sdkutil.h"

static void expect_norm(const char *in, int fold, const char *want)
{
    char out[128];
    int rc = sl_fa_normalize(in, fold, out, sizeof out);
    if (rc != SL_OK || strcmp(out, want) != 0)
        fail_msg("normalize('%s') = %d '%s', expected '%s'", in, rc, out, want);
}

static void test_letters_and_digits(void **state)
{
    (void)state;
    expect_norm("كرج", 0, "کرج");                     /* Arabic kaf */
    expect_norm("علي", 0, "علی");                     /* Arabic yeh */
    expect_norm("موسى", 0, "موسی");                   /* alef maksura */
    expect_norm("کــرج", 0, "کرج");                   /* tatweel */
    expect_norm("می\u200cخواهم", 0, "میخواهم");       /* ZWNJ */
    expect_norm("مُحَمَّد", 0, "محمد");                   /* harakat */
    expect_norm("۰۹۱۲ ۳۴۵ ٦٧٨٩", 0, "0912 345 6789"); /* both digit sets */
    expect_norm("  Tehran \t City\n", 1, "tehran city");
    expect_norm("  Tehran \t City\n", 0, "Tehran City");
    expect_norm("", 0, "");
}

static void test_normalize_refuses(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(sl_fa_normalize("\xff\xfe", 0, out, sizeof out), SL_EINVALID);
    assert_string_equal(out, "");
    assert_int_equal(sl_fa_normalize("\xd9", 0, out, sizeof out), SL_EINVALID);
    assert_int_equal(sl_fa_normalize("abcdefgh", 0, out, sizeof out), SL_ETOOBIG);
    assert_int_equal(sl_fa_normalize("abcdefg", 0, out, sizeof out), SL_OK);
    assert_int_equal(sl_fa_normalize("کرجکرج", 0, out, sizeof out), SL_ETOOBIG);
    assert_int_equal(sl_fa_normalize(NULL, 0, out, sizeof out), SL_EINVALID);
}

typedef struct instant {
    const char *text;
    const char *utc;
} instant;

static const instant KNOWN[] = {
    /* 1399 (leap, daylight saving): 1 Farvardin = 2020-03-20 */
    {"1399/01/01", "2020-03-19T20:30:00Z"},
    {"1399/01/01 23:59:59", "2020-03-20T20:29:59Z"},
    {"1399/01/02 00:30", "2020-03-20T21:00:00Z"}, /* skipped hour: standard */
    {"1399/01/02 01:00", "2020-03-20T20:30:00Z"},
    {"1399/06/30 23:59:59", "2020-09-20T19:29:59Z"}, /* repeated hour: first */
    {"1399/06/31 00:00", "2020-09-20T20:30:00Z"},
    {"1399/12/30 12:00", "2021-03-20T08:30:00Z"}, /* Esfand 30 of a leap year */
    /* 1401: the last year with daylight saving */
    {"1401/04/01 12:00", "2022-06-22T07:30:00Z"},
    /* 1402 on: +03:30 all year */
    {"1402/04/01 12:00", "2023-06-22T08:30:00Z"},
    {"1403/02/12", "2024-04-30T20:30:00Z"},
    {"1403/12/30 10:00", "2025-03-20T06:30:00Z"},
    {"1405/01/01", "2026-03-20T20:30:00Z"},
    /* digits and separators as the services write them */
    {"۱۴۰۳/۰۲/۱۲", "2024-04-30T20:30:00Z"},
    {"١٤٠٣/٠٢/١٢ ١٤:٠٥", "2024-05-01T10:35:00Z"},
    {"1403-2-12 14:05:09", "2024-05-01T10:35:09Z"},
};

static void test_tehran_instants(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++) {
        sl_error err = {.size = sizeof err};
        int64_t ms = 0;
        char buf[32];
        int rc = sl_jalali_parse_tehran(KNOWN[i].text, &ms, &err);
        if (rc != SL_OK || strcmp(sl_iso8601_format(ms, 1, buf), KNOWN[i].utc) != 0)
            fail_msg("'%s' -> %d %s (%s), expected %s", KNOWN[i].text, rc, rc == SL_OK ? buf : "",
                     err.message, KNOWN[i].utc);
    }
}

/* Every day of 1399..1405 at noon is 12:00 minus +04:30 in the daylight
   months of 1399..1401 and minus +03:30 otherwise, and consecutive days
   are 86400 s apart except across a transition (3600 s less or more). */
static void test_every_day(void **state)
{
    (void)state;
    int64_t prev = 0;
    int days = 0, shifts = 0;
    for (int jy = 1399; jy <= 1405; jy++) {
        for (int jm = 1; jm <= 12; jm++) {
            for (int jd = 1; jd <= sl_jalali_month_days(jy, jm); jd++) {
                int64_t ms;
                assert_int_equal(sl_jalali_tehran_to_utc(jy, jm, jd, 12, 0, 0, &ms), SL_OK);
                int gy, gm, gd;
                assert_int_equal(sl_gregorian_from_jalali(jy, jm, jd, &gy, &gm, &gd), SL_OK);
                int64_t noon_utc = (sl_days_from_civil(gy, gm, gd) * 86400 + 12 * 3600) * 1000;
                int daylight =
                    jy <= 1401 && !(jm == 1 && jd == 1) && (jm < 6 || (jm == 6 && jd <= 30));
                assert_int_equal(noon_utc - ms, (daylight ? 16200 : 12600) * 1000LL);
                if (days > 0 && ms - prev != 86400000) {
                    assert_true(ms - prev == 82800000 || ms - prev == 90000000);
                    shifts++;
                }
                prev = ms;
                days++;
            }
        }
    }
    assert_int_equal(days, 7 * 365 + 2);
    assert_int_equal(shifts, 6); /* spring and autumn of 1399, 1400, 1401 */
}

static void test_tehran_refused(void **state)
{
    (void)state;
    static const char *const BAD[] = {
        "1386/12/29",       "1500/01/01",       "1403/13/01", "1402/12/30", "1403/07/31",
        "1403/02/12 24:00", "1403/02/12 12:60", "1403/02",    "1403/02-12", "abc",
        "1403/02/12T10:00", "1403/02/12 9",     "",           "14030/1/1",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        sl_error err = {.size = sizeof err};
        int64_t ms = 42;
        if (sl_jalali_parse_tehran(BAD[i], &ms, &err) != SL_EINVALID)
            fail_msg("'%s' was accepted", BAD[i]);
        assert_string_equal(err.field, "date");
        assert_int_equal(ms, 42);
    }
    int64_t ms = 42;
    assert_int_equal(sl_jalali_tehran_to_utc(1403, 1, 1, -1, 0, 0, &ms), SL_EINVALID);
    assert_int_equal(sl_jalali_tehran_to_utc(1403, 1, 1, 0, 0, 60, &ms), SL_EINVALID);
    assert_int_equal(ms, 42);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_letters_and_digits), cmocka_unit_test(test_normalize_refuses),
        cmocka_unit_test(test_tehran_instants),    cmocka_unit_test(test_every_day),
        cmocka_unit_test(test_tehran_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
