/*
 * Gregorian <-> Jalali conversion in the SDK: known Nowruz and Esfand-end
 * dates around the leap years 1399 and 1403 (from the official Iranian
 * calendar), refused dates, the range ends, and a round trip over every
 * day of 1398..1405.
 */
#include "support.h"

#include "shopledger/sdkutil.h"

typedef struct pair {
    int jy, jm, jd, gy, gm, gd;
} pair;

/* Facts from the published calendar. */
static const pair KNOWN[] = {
    {1300, 1, 1, 1921, 3, 21},   {1357, 11, 22, 1979, 2, 11}, {1398, 12, 29, 2020, 3, 19},
    {1399, 1, 1, 2020, 3, 20},   {1399, 12, 30, 2021, 3, 20}, {1400, 1, 1, 2021, 3, 21},
    {1402, 12, 29, 2024, 3, 19}, {1403, 1, 1, 2024, 3, 20},   {1403, 11, 22, 2025, 2, 10},
    {1403, 12, 30, 2025, 3, 20}, {1404, 1, 1, 2025, 3, 21},   {1405, 1, 1, 2026, 3, 21},
};

static void test_known_dates(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++) {
        const pair *p = &KNOWN[i];
        int y = 0, m = 0, d = 0;
        assert_int_equal(sl_jalali_from_gregorian(p->gy, p->gm, p->gd, &y, &m, &d), SL_OK);
        if (y != p->jy || m != p->jm || d != p->jd)
            fail_msg("%04d-%02d-%02d gave %d/%d/%d, expected %d/%d/%d", p->gy, p->gm, p->gd, y, m,
                     d, p->jy, p->jm, p->jd);
        assert_int_equal(sl_gregorian_from_jalali(p->jy, p->jm, p->jd, &y, &m, &d), SL_OK);
        if (y != p->gy || m != p->gm || d != p->gd)
            fail_msg("%d/%d/%d gave %04d-%02d-%02d", p->jy, p->jm, p->jd, y, m, d);
    }
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_true(sl_jalali_is_leap(1399));
    assert_true(sl_jalali_is_leap(1403));
    assert_true(sl_jalali_is_leap(1408));
    assert_false(sl_jalali_is_leap(1400));
    assert_false(sl_jalali_is_leap(1402));
    assert_false(sl_jalali_is_leap(1404));
    assert_int_equal(sl_jalali_month_days(1403, 12), 30);
    assert_int_equal(sl_jalali_month_days(1402, 12), 29);
    assert_int_equal(sl_jalali_month_days(1402, 6), 31);
    assert_int_equal(sl_jalali_month_days(1402, 7), 30);
    assert_int_equal(sl_jalali_month_days(1402, 13), 0);
}

static void test_refused(void **state)
{
    (void)state;
    int y = -1, m = -1, d = -1;
    assert_int_equal(sl_gregorian_from_jalali(1402, 12, 30, &y, &m, &d), SL_EINVALID);
    assert_int_equal(sl_gregorian_from_jalali(1404, 12, 30, &y, &m, &d), SL_EINVALID);
    assert_int_equal(sl_gregorian_from_jalali(1403, 7, 31, &y, &m, &d), SL_EINVALID);
    assert_int_equal(sl_gregorian_from_jalali(1403, 0, 1, &y, &m, &d), SL_EINVALID);
    assert_int_equal(sl_gregorian_from_jalali(1299, 12, 29, &y, &m, &d), SL_EINVALID);
    assert_int_equal(sl_gregorian_from_jalali(1500, 1, 1, &y, &m, &d), SL_EINVALID);
    assert_int_equal(sl_jalali_from_gregorian(2023, 2, 29, &y, &m, &d), SL_EINVALID);
    assert_int_equal(sl_jalali_from_gregorian(2024, 13, 1, &y, &m, &d), SL_EINVALID);
    assert_int_equal(sl_jalali_from_gregorian(1921, 3, 20, &y, &m, &d), SL_EINVALID);
    assert_int_equal(sl_jalali_from_gregorian(2121, 3, 21, &y, &m, &d), SL_EINVALID);
    assert_int_equal(y, -1); /* outputs untouched on refusal */
    assert_int_equal(sl_jalali_from_gregorian(2121, 3, 20, &y, &m, &d), SL_OK);
    assert_int_equal(y, 1499);
    assert_int_equal(m, 12);
    assert_int_equal(d, sl_jalali_month_days(1499, 12));
    assert_int_equal(sl_jalali_from_gregorian(2024, 2, 29, &y, &m, &d), SL_OK);
    assert_int_equal(y, 1402);
    assert_int_equal(m, 12);
    assert_int_equal(d, 10);
}

/* Every Jalali day of 1398..1405 maps to the next Gregorian day after the
   one before it, and back to itself. */
static void test_round_trip(void **state)
{
    (void)state;
    int py = 0, pm = 0, pd = 0, days = 0;
    for (int jy = 1398; jy <= 1405; jy++) {
        for (int jm = 1; jm <= 12; jm++) {
            for (int jd = 1; jd <= sl_jalali_month_days(jy, jm); jd++) {
                int gy, gm, gd, by, bm, bd;
                assert_int_equal(sl_gregorian_from_jalali(jy, jm, jd, &gy, &gm, &gd), SL_OK);
                assert_int_equal(sl_jalali_from_gregorian(gy, gm, gd, &by, &bm, &bd), SL_OK);
                assert_int_equal(by * 10000 + bm * 100 + bd, jy * 10000 + jm * 100 + jd);
                if (days > 0) {
                    int ny = py, nm = pm, nd = pd + 1;
                    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
                    int leap = (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0;
                    if (nd > len[nm - 1] + (nm == 2 && leap)) {
                        nd = 1;
                        if (++nm > 12) {
                            nm = 1;
                            ny++;
                        }
                    }
                    assert_int_equal(gy * 10000 + gm * 100 + gd, ny * 10000 + nm * 100 + nd);
                }
                py = gy, pm = gm, pd = gd;
                days++;
            }
        }
    }
    assert_int_equal(days, 8 * 365 + 2); /* 1399 and 1403 are leap */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_dates),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
