/*
 * The Jalali (Solar Hijri) calendar of Iran beside the Gregorian one.
 *
 * Month lengths are fixed (Farvardin..Shahrivar 31 days, Mehr..Bahman 30,
 * Esfand 29 or 30); only the leap years need a rule. The official calendar
 * is astronomical (the year starts on the day of the March equinox as seen
 * in Tehran); the 33-year arithmetic rule used here,
 *
 *     year y is leap  <=>  (25 * y + 11) mod 33 < 8,
 *
 * agrees with it for every year of the supported range, which is kept
 * deliberately narrow (1300..1499, i.e. 1921..2121) so nobody relies on
 * it where the two part. A conversion counts days from one anchor that
 * is a fact, not a formula: 1 Farvardin 1300 was 21 March 1921.
 *
 * Gregorian dates are proleptic and counted as days since 1970-01-01.
 */
#include "shopledger/sdkutil.h"

#define ANCHOR_YEAR SL_JALALI_MIN_YEAR /* 1 Farvardin 1300 = 1921-03-21 */

static int gregorian_valid(int y, int m, int d)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= len[m - 1] + (m == 2 && leap);
}

int sl_jalali_is_leap(int jy)
{
    return ((25 * jy + 11) % 33) < 8;
}

int sl_jalali_month_days(int jy, int jm)
{
    if (jm < 1 || jm > 12)
        return 0;
    if (jm <= 6)
        return 31;
    if (jm <= 11)
        return 30;
    return sl_jalali_is_leap(jy) ? 30 : 29;
}

/* Days since 1970-01-01 of 1 Farvardin of year jy (within the range). */
static int64_t nowruz_days(int jy)
{
    int64_t days = sl_days_from_civil(1921, 3, 21);
    for (int y = ANCHOR_YEAR; y < jy; y++)
        days += 365 + sl_jalali_is_leap(y);
    return days;
}

int sl_jalali_from_gregorian(int gy, int gm, int gd, int *jy, int *jm, int *jd)
{
    if (!gregorian_valid(gy, gm, gd))
        return SL_EINVALID;
    int64_t day = sl_days_from_civil(gy, gm, gd);
    int y = SL_JALALI_MIN_YEAR;
    if (day < nowruz_days(y))
        return SL_EINVALID;
    int64_t start = nowruz_days(y);
    while (y <= SL_JALALI_MAX_YEAR && day >= start + 365 + sl_jalali_is_leap(y)) {
        start += 365 + sl_jalali_is_leap(y);
        y++;
    }
    if (y > SL_JALALI_MAX_YEAR)
        return SL_EINVALID;
    int64_t left = day - start;
    int m = 1;
    while (left >= sl_jalali_month_days(y, m)) {
        left -= sl_jalali_month_days(y, m);
        m++;
    }
    *jy = y;
    *jm = m;
    *jd = (int)left + 1;
    return SL_OK;
}

int sl_gregorian_from_jalali(int jy, int jm, int jd, int *gy, int *gm, int *gd)
{
    if (jy < SL_JALALI_MIN_YEAR || jy > SL_JALALI_MAX_YEAR || jd < 1 ||
        jd > sl_jalali_month_days(jy, jm))
        return SL_EINVALID;
    int64_t day = nowruz_days(jy);
    for (int m = 1; m < jm; m++)
        day += sl_jalali_month_days(jy, m);
    sl_civil_from_days(day + jd - 1, gy, gm, gd);
    return SL_OK;
}
