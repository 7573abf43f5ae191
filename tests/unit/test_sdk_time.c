/*
 * ISO 8601 parsing and formatting in the SDK: offsets, fractions, field
 * ranges with leap years, and independence from the process time zone
 * (ctest runs this under TZ=America/New_York; one test also switches TZ).
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shopledger/sdkutil.h"

/* 2024-05-01T09:04:10Z in seconds (from `date -u -d ... +%s`). */
#define T0 1714554250LL

static int64_t parse_ok(const char *text, int assume_utc)
{
    int64_t ms = -1;
    sl_error err = {.size = sizeof err};
    int rc = sl_iso8601_parse(text, assume_utc, &ms, &err);
    if (rc != SL_OK)
        fail_msg("%s: %s", text, err.message);
    return ms;
}

static void test_parse_forms(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1970-01-01T00:00:00Z", 0), 0);
    assert_int_equal(parse_ok("2024-05-01T09:04:10", 1), T0 * 1000);
    assert_int_equal(parse_ok("2024-05-01T09:04:10Z", 0), T0 * 1000);
    assert_int_equal(parse_ok("2024-05-01t09:04:10z", 0), T0 * 1000);
    assert_int_equal(parse_ok("2024-05-01 09:04:10Z", 0), T0 * 1000);
    assert_int_equal(parse_ok("2024-05-01T09:04:10.5Z", 0), T0 * 1000 + 500);
    assert_int_equal(parse_ok("2024-05-01T09:04:10.123456789Z", 0), T0 * 1000 + 123);
    assert_int_equal(parse_ok("2024-05-01T09:04:10.0429", 1), T0 * 1000 + 42);
    assert_int_equal(parse_ok("2024-05-01T09:04:10+03:30", 0), (T0 - 12600) * 1000);
    assert_int_equal(parse_ok("2024-05-01T09:04:10+0330", 0), (T0 - 12600) * 1000);
    assert_int_equal(parse_ok("2024-05-01T09:04:10-05:00", 0), (T0 + 18000) * 1000);
    assert_int_equal(parse_ok("2024-05-01T09:04:10.250-05:00", 0), (T0 + 18000) * 1000 + 250);
    assert_int_equal(parse_ok("2024-05-01T09:04:10+00:00", 0), T0 * 1000);
    /* Crossing a date line backwards and dates before 1970. */
    assert_int_equal(parse_ok("2024-01-01T01:00:00+03:00", 0), (1704067200LL - 7200) * 1000);
    assert_int_equal(parse_ok("1900-01-01T00:00:00Z", 0), -2208988800LL * 1000);
    assert_int_equal(parse_ok("0001-01-01T00:00:00Z", 0), -62135596800LL * 1000);
    assert_int_equal(parse_ok("9999-12-31T23:59:59Z", 0), 253402300799LL * 1000);
    assert_int_equal(parse_ok("1969-12-31T23:59:59.999Z", 0), -1);
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2000-03-01T00:00:00Z", 0), 951868800LL * 1000);
    assert_int_equal(parse_ok("2000-02-29T00:00:00Z", 0), (951868800LL - 86400) * 1000);
    assert_int_equal(parse_ok("2024-02-29T12:00:00Z", 0), (1709164800LL + 43200) * 1000);
    int64_t ms = 5;
    sl_error err = {.size = sizeof err};
    static const char *const no_day[] = {
        "1900-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
        "2024-02-30T00:00:00Z", "2024-04-31T00:00:00Z", "2024-06-31T00:00:00Z",
    };
    for (size_t i = 0; i < sizeof no_day / sizeof no_day[0]; i++) {
        assert_int_equal(sl_iso8601_parse(no_day[i], 0, &ms, &err), SL_EINVALID);
        assert_non_null(strstr(err.message, "no such day"));
    }
    assert_int_equal(ms, 5);
}

static void test_refuses_bad_text(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "2024-05-01",
        "2024-13-01T00:00:00Z",
        "2024-00-01T00:00:00Z",
        "2024-05-00T00:00:00Z",
        "2024-05-32T00:00:00Z",
        "2024-05-01T24:00:00Z",
        "2024-05-01T23:60:00Z",
        "2024-05-01T23:59:60Z",
        "0000-05-01T00:00:00Z",
        "2024-5-01T00:00:00Z",
        "2024/05/01T00:00:00Z",
        "2024-05-01X00:00:00Z",
        "2024-05-01T00:00:00ZZ",
        "2024-05-01T00:00:00Z ",
        "2024-05-01T00:00:00.Z",
        "2024-05-01T00:00:00.1234567890Z",
        "2024-05-01T00:00:00+24:00",
        "2024-05-01T00:00:00+03:60",
        "2024-05-01T00:00:00+3:30",
        "2024-05-01T00:00:00+03:3",
        "2024-05-01T00:00:00+03",
        "2024-05-01T00:00:00 +03:00",
        "2024-05-01T00:00:00EST",
        " 2024-05-01T00:00:00Z",
        "2024-05-01T0:00:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t ms = 5;
        sl_error err = {.size = sizeof err};
        if (sl_iso8601_parse(bad[i], 1, &ms, &err) != SL_EINVALID)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(err.code, SL_EINVALID);
        assert_true(strlen(err.message) > 0);
        assert_int_equal(ms, 5);
    }
    int64_t ms = 5;
    sl_error err = {.size = sizeof err};
    /* No offset and the caller did not allow assuming UTC. */
    assert_int_equal(sl_iso8601_parse("2024-05-01T09:04:10", 0, &ms, &err), SL_EINVALID);
    assert_non_null(strstr(err.message, "no zone"));
    assert_int_equal(sl_iso8601_parse(NULL, 1, &ms, NULL), SL_EINVALID);
    assert_int_equal(ms, 5);
}

static void test_format(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(sl_iso8601_format(T0 * 1000 + 999, 0, buf), "2024-05-01T09:04:10");
    assert_string_equal(sl_iso8601_format(T0 * 1000, 1, buf), "2024-05-01T09:04:10Z");
    assert_string_equal(sl_iso8601_format(0, 1, buf), "1970-01-01T00:00:00Z");
    assert_string_equal(sl_iso8601_format(-1, 1, buf), "1969-12-31T23:59:59Z");
    assert_string_equal(sl_iso8601_format(951868800LL * 1000 - 1, 1, buf), "2000-02-29T23:59:59Z");
    assert_string_equal(sl_iso8601_format(253402300799LL * 1000, 1, buf), "9999-12-31T23:59:59Z");
    assert_string_equal(sl_iso8601_format(-62135596800LL * 1000, 1, buf), "0001-01-01T00:00:00Z");
    /* Outside years 1-9999 there is no ISO text to give. */
    assert_string_equal(sl_iso8601_format(253402300800LL * 1000, 1, buf), "");
    assert_string_equal(sl_iso8601_format(INT64_MIN, 1, buf), "");
}

/* Format agrees with gmtime_r and parse inverts format, over a bounded
   sweep from year 1 to 9999 in steps that hit every month and leap day. */
static void test_round_trip_against_libc(void **state)
{
    (void)state;
    const int64_t lo = -62135596800LL, hi = 253402300799LL;
    const int64_t step = 3600LL * 24 * 17 + 3607; /* ~17 days, odd seconds */
    int checked = 0;
    for (int64_t t = lo; t <= hi && checked < 300000; t += step, checked++) {
        char mine[32], libc[32];
        sl_iso8601_format(t * 1000, 1, mine);
        time_t tt = (time_t)t;
        struct tm tm;
        assert_non_null(gmtime_r(&tt, &tm));
        strftime(libc, sizeof libc, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (tm.tm_year + 1900 < 1000) /* strftime does not pad %Y */
            continue;
        assert_string_equal(mine, libc);
        assert_int_equal(parse_ok(mine, 0), t * 1000);
    }
    assert_true(checked > 200000);
}

static void test_ignores_process_time_zone(void **state)
{
    (void)state;
    const char *old = getenv("TZ");
    char saved[64] = "";
    if (old)
        snprintf(saved, sizeof saved, "%s", old);
    static const char *const zones[] = {"Asia/Tehran", "Pacific/Kiritimati", "America/New_York",
                                        "UTC"};
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        setenv("TZ", zones[i], 1);
        tzset();
        char buf[32];
        assert_int_equal(parse_ok("2024-03-10T07:30:00", 1), 1710055800LL * 1000);
        assert_string_equal(sl_iso8601_format(1710055800LL * 1000, 1, buf), "2024-03-10T07:30:00Z");
    }
    if (old)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_refuses_bad_text),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trip_against_libc),
        cmocka_unit_test(test_ignores_process_time_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
