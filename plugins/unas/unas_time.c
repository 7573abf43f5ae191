/*
 * UNAS writes dates as Europe/Budapest wall time without an offset
 * ("2024.05.01 12:03:44"; ban messages "05.01.2024 15:00:00", m.d.Y) while
 * its filters take unix seconds. We convert with the EU summer-time rule
 * (CET +1, CEST +2 from the last Sunday of March 01:00 UTC to the last
 * Sunday of October 01:00 UTC) computed here, independent of the process
 * TZ and of the system zone database. Civil-date arithmetic is the
 * SDK's (sl_days_from_civil, proleptic Gregorian).
 */
#include <stdio.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "unas.h"

/* UTC seconds of the last Sunday of `month` in `year`, 01:00 UTC. */
static int64_t last_sunday_1utc(int year, int month)
{
    int64_t last = sl_days_from_civil(year, month + 1, 1) - 1;
    int64_t wd = ((last % 7) + 11) % 7; /* 1970-01-01 was a Thursday: 0=Sun */
    return (last - wd) * 86400 + 3600;
}

int unas_budapest_offset(int64_t utc_s)
{
    int y, m, d;
    int64_t days = utc_s >= 0 ? utc_s / 86400 : -((-utc_s + 86399) / 86400);
    sl_civil_from_days(days, &y, &m, &d);
    int64_t start = last_sunday_1utc(y, 3), end = last_sunday_1utc(y, 10);
    return utc_s >= start && utc_s < end ? 7200 : 3600;
}

static int valid_fields(int y, int mo, int d, int h, int mi, int s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
        mi > 59 || s > 59 || h < 0 || mi < 0 || s < 0)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(mo == 2 && d == 29 && !leap);
}

/* Wall time -> UTC: try the standard offset, then check it against the
   rule at the resulting instant (a wall time in the spring gap is taken
   as standard time; an autumn repeat as summer time). */
static int wall_to_utc(int y, int mo, int d, int h, int mi, int s, int64_t *out)
{
    if (!valid_fields(y, mo, d, h, mi, s))
        return -1;
    int64_t wall = sl_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    int64_t summer = wall - 7200;
    *out = unas_budapest_offset(summer) == 7200 ? summer : wall - 3600;
    return 0;
}

/* Parses exactly the given pattern of digits and separators. */
static int scan_fixed(const char *t, const char *pattern, int v[6])
{
    size_t n = strlen(pattern);
    if (strlen(t) != n)
        return -1;
    int k = -1, prev_digit = 0;
    for (size_t i = 0; i < n; i++) {
        if (pattern[i] == 'd') {
            if (t[i] < '0' || t[i] > '9')
                return -1;
            if (!prev_digit)
                v[++k] = 0;
            v[k] = v[k] * 10 + (t[i] - '0');
            prev_digit = 1;
        } else {
            if (t[i] != pattern[i])
                return -1;
            prev_digit = 0;
        }
    }
    return k == 5 ? 0 : -1;
}

int unas_local_parse(const char *text, int64_t *utc_s)
{
    int v[6];
    if (text == NULL || scan_fixed(text, "dddd.dd.dd dd:dd:dd", v) != 0)
        return -1;
    return wall_to_utc(v[0], v[1], v[2], v[3], v[4], v[5], utc_s);
}

int unas_ban_date_parse(const char *text, int64_t *utc_s)
{
    int v[6];
    if (text == NULL || scan_fixed(text, "dd.dd.dddd dd:dd:dd", v) != 0)
        return -1;
    return wall_to_utc(v[2], v[0], v[1], v[3], v[4], v[5], utc_s);
}

char *unas_local_format(int64_t utc_s, int ban_style, char *buf)
{
    int64_t w = utc_s + unas_budapest_offset(utc_s);
    int64_t days = w >= 0 ? w / 86400 : -((-w + 86399) / 86400);
    int64_t sec = w - days * 86400;
    int y, m, d;
    sl_civil_from_days(days, &y, &m, &d);
    int hh = (int)(sec / 3600), mi = (int)(sec / 60 % 60), ss = (int)(sec % 60);
    if (ban_style)
        snprintf(buf, 32, "%02d.%02d.%04d %02d:%02d:%02d", m, d, y, hh, mi, ss);
    else
        snprintf(buf, 32, "%04d.%02d.%02d %02d:%02d:%02d", y, m, d, hh, mi, ss);
    return buf;
}
