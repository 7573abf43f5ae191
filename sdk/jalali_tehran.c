/*
 * Jalali dates in Tehran time -> UTC, for the Iranian services that write
 * their dates as "1403/02/12" in local time.
 *
 * Iran's standard time is UTC+03:30. From 2008 (1387) to 2022 (1401) the
 * clocks moved one hour forward at the end of 1 Farvardin and back at the
 * end of 30 Shahrivar; a 2022 law ended daylight saving, so from 1402 the
 * offset is +03:30 all year. These are the facts of the IANA zone
 * Asia/Tehran for the years handled here; earlier years had other rules
 * and are refused rather than guessed.
 *
 * The digits of the text may be ASCII, Persian or Arabic-Indic: the text
 * goes through sl_fa_normalize first.
 */
#include <string.h>

#include "shopledger/sdkutil.h"

#define STANDARD_OFFSET_S (3 * 3600 + 30 * 60)
#define LAST_DST_YEAR 1401

/* Whether wall time (jm, jd, hour) of year jy is daylight time: from
   2 Farvardin 01:00 (the skipped hour reads as standard) up to the end of
   30 Shahrivar (the repeated hour reads as daylight). */
static int is_daylight(int jy, int jm, int jd, int hour)
{
    if (jy > LAST_DST_YEAR)
        return 0;
    if (jm == 1 && (jd == 1 || (jd == 2 && hour == 0)))
        return 0;
    if (jm > 6 || (jm == 6 && jd == 31))
        return 0;
    return 1;
}

int sl_jalali_tehran_to_utc(int jy, int jm, int jd, int hour, int minute, int second,
                            int64_t *utc_ms)
{
    if (jy < SL_JALALI_TEHRAN_MIN_YEAR || jy > SL_JALALI_MAX_YEAR || hour < 0 || hour > 23 ||
        minute < 0 || minute > 59 || second < 0 || second > 59)
        return SL_EINVALID;
    int gy, gm, gd;
    if (sl_gregorian_from_jalali(jy, jm, jd, &gy, &gm, &gd) != SL_OK)
        return SL_EINVALID;
    int64_t wall = sl_days_from_civil(gy, gm, gd) * 86400 + hour * 3600 + minute * 60 + second;
    int64_t offset = STANDARD_OFFSET_S + (is_daylight(jy, jm, jd, hour) ? 3600 : 0);
    *utc_ms = (wall - offset) * 1000;
    return SL_OK;
}

/* Reads 1..max ASCII digits at *p into *v and advances *p. */
static int read_number(const char **p, int max, int *v)
{
    int n = 0, value = 0;
    while (n < max && (*p)[n] >= '0' && (*p)[n] <= '9') {
        value = value * 10 + ((*p)[n] - '0');
        n++;
    }
    if (n == 0)
        return 0;
    *p += n;
    *v = value;
    return 1;
}

static int parse_fields(const char *s, int f[6])
{
    const char *p = s;
    if (!read_number(&p, 4, &f[0]) || (*p != '/' && *p != '-'))
        return 0;
    char sep = *p++;
    if (!read_number(&p, 2, &f[1]) || *p++ != sep || !read_number(&p, 2, &f[2]))
        return 0;
    f[3] = f[4] = f[5] = 0;
    if (*p == '\0')
        return 1;
    if (*p++ != ' ' || !read_number(&p, 2, &f[3]) || *p++ != ':' || !read_number(&p, 2, &f[4]))
        return 0;
    if (*p == ':' && (p++, !read_number(&p, 2, &f[5])))
        return 0;
    return *p == '\0';
}

int sl_jalali_parse_tehran(const char *text, int64_t *utc_ms, sl_error *err)
{
    char norm[64];
    int f[6];
    if (!text || strlen(text) >= sizeof norm ||
        sl_fa_normalize(text, 0, norm, sizeof norm) != SL_OK || !parse_fields(norm, f))
        return sl_error_set(err, SL_EINVALID, "date",
                            "'%.40s' is not a Jalali date (YYYY/MM/DD [HH:MM[:SS]])",
                            text ? text : "");
    if (sl_jalali_tehran_to_utc(f[0], f[1], f[2], f[3], f[4], f[5], utc_ms) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "date",
                            "'%.40s' is no Jalali date and time of %d..%d", text,
                            SL_JALALI_TEHRAN_MIN_YEAR, SL_JALALI_MAX_YEAR);
    return SL_OK;
}
