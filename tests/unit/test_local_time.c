/*
 * services/local_time.c: a tenant's zone as offsets, local days and the
 * UTC instant a local day begins, across a DST change, and the process's
 * own TZ left as it was (tests run under TZ=America/New_York).
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "services/services.h"
#include "shopledger/sdkutil.h"

static int64_t at(const char *iso)
{
    int64_t ms = 0;
    assert_int_equal(sl_iso8601_parse(iso, 1, &ms, NULL), SL_OK);
    return ms;
}

static void offsets_follow_dst(void **state)
{
    (void)state;
    int64_t off = 0;
    assert_int_equal(services_tz_offset_ms("Europe/Riga", at("2026-07-01T12:00:00Z"), &off), SL_OK);
    assert_int_equal(off, 3 * 3600000);
    assert_int_equal(services_tz_offset_ms("Europe/Riga", at("2026-12-01T12:00:00Z"), &off), SL_OK);
    assert_int_equal(off, 2 * 3600000);
    assert_int_equal(services_tz_offset_ms(NULL, at("2026-12-01T12:00:00Z"), &off), SL_OK);
    assert_int_equal(off, 0);
}

static void local_day_is_the_zones(void **state)
{
    (void)state;
    char day[16];
    /* 22:30 UTC on 31 October is 00:30 on 1 November in Riga (winter time) */
    assert_int_equal(services_local_day("Europe/Riga", at("2026-10-31T22:30:00Z"), day), SL_OK);
    assert_string_equal(day, "2026-11-01");
    assert_int_equal(services_local_day("UTC", at("2026-10-31T22:30:00Z"), day), SL_OK);
    assert_string_equal(day, "2026-10-31");
}

static void midnight_in_utc(void **state)
{
    (void)state;
    int64_t ms = 0;
    assert_int_equal(services_local_midnight_ms("Europe/Riga", "2026-11-01", &ms), SL_OK);
    assert_int_equal(ms, at("2026-10-31T22:00:00Z"));
    /* the day DST ends (25 October 2026, 04:00 -> 03:00) starts at +3 */
    assert_int_equal(services_local_midnight_ms("Europe/Riga", "2026-10-25", &ms), SL_OK);
    assert_int_equal(ms, at("2026-10-24T21:00:00Z"));
    assert_int_equal(services_local_midnight_ms("Europe/Riga", "2026-1-01", &ms), SL_EINVALID);
}

static void process_tz_is_kept(void **state)
{
    (void)state;
    const char *before = getenv("TZ");
    char *copy = before ? strdup(before) : NULL;
    int64_t off = 0;
    assert_int_equal(services_tz_offset_ms("Asia/Tehran", at("2026-12-01T12:00:00Z"), &off), SL_OK);
    assert_int_equal(off, 3 * 3600000 + 30 * 60000);
    const char *after = getenv("TZ");
    assert_non_null(after);
    assert_string_equal(after, copy ? copy : SERVICES_TZ_SYSTEM);
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(offsets_follow_dst),
        cmocka_unit_test(local_day_is_the_zones),
        cmocka_unit_test(midnight_in_utc),
        cmocka_unit_test(process_tz_is_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
