/*
 * ISO 8601 / RFC 3339 date-times as shops send them, to and from UTC
 * milliseconds.
 *
 * The conversion is plain calendar arithmetic on the proleptic Gregorian
 * calendar, never mktime/timegm/localtime: those read the process's TZ,
 * and a connector must give the same answer on a server in New York and in
 * Tehran. Accepted form:
 *
 *   YYYY-MM-DD ("T" | "t" | " ") HH:MM:SS [ "." 1-9 digits ]
 *              [ "Z" | "z" | ("+" | "-") HH ":"? MM ]
 *
 * Year 0001-9999; every field range is checked (day against the month's
 * length, leap years included). Leap seconds (":60") are refused. A
 * fraction is truncated to milliseconds. Formatting uses the same
 * arithmetic backwards, so parse(format(t)) == t for every whole second.
 */
#include <string.h>

#include "shopledger/sdkutil.h"

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/*
 * Days from 1970-01-01 to y-m-d (y >= 1). Counts whole years since year 1
 * (365 each plus the leap days before year y), then the days of the
 * months before m, then the day; the epoch is the same count for 1970.
 */
static int64_t days_from_civil(int y, int m, int d)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int64_t py = y - 1;
    int64_t n = 365 * py + py / 4 - py / 100 + py / 400;
    n += before[m - 1] + (m > 2 && is_leap(y)) + (d - 1);
    const int64_t epoch = 365 * 1969LL + 1969 / 4 - 1969 / 100 + 1969 / 400;
    return n - epoch;
}

/* Reads exactly n digits at s into *v. */
static int digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 1;
}

static int bad(sl_error *err, const char *text, const char *why)
{
    return sl_error_set(err, SL_EINVALID, "", "bad date-time \"%.40s\": %s", text, why);
}

/* Parses "YYYY-MM-DD?HH:MM:SS" (19 chars) into its fields. */
static int parse_fields(const char *s, int f[6])
{
    return strlen(s) >= 19 && digits(s, 4, &f[0]) && s[4] == '-' && digits(s + 5, 2, &f[1]) &&
           s[7] == '-' && digits(s + 8, 2, &f[2]) &&
           (s[10] == 'T' || s[10] == 't' || s[10] == ' ') && digits(s + 11, 2, &f[3]) &&
           s[13] == ':' && digits(s + 14, 2, &f[4]) && s[16] == ':' && digits(s + 17, 2, &f[5]);
}

/* Reads an optional ".ddd" fraction; returns chars used or -1. */
static int parse_fraction(const char *s, int *ms)
{
    *ms = 0;
    if (*s != '.')
        return 0;
    int n = 0, scale = 100;
    while (s[1 + n] >= '0' && s[1 + n] <= '9') {
        if (n >= 9)
            return -1;
        if (scale > 0)
            *ms += (s[1 + n] - '0') * scale;
        scale /= 10;
        n++;
    }
    return n == 0 ? -1 : n + 1;
}

/* Reads the zone: "" (has = 0), "Z", "+HH:MM" or "+HHMM". Offset in
   minutes east of UTC. Returns 1 on success, 0 on bad text. */
static int parse_zone(const char *s, int *has, int *minutes)
{
    int h, m;
    *has = 0;
    *minutes = 0;
    if (*s == '\0')
        return 1;
    *has = 1;
    if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0')
        return 1;
    if (s[0] != '+' && s[0] != '-')
        return 0;
    if (!digits(s + 1, 2, &h))
        return 0;
    const char *mm = s[3] == ':' ? s + 4 : s + 3;
    if (!digits(mm, 2, &m) || mm[2] != '\0' || h > 23 || m > 59)
        return 0;
    *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
    return 1;
}

int sl_iso8601_parse(const char *text, int assume_utc, int64_t *utc_ms, sl_error *err)
{
    int f[6], ms, has_zone, off;
    if (text == NULL)
        return bad(err, "", "missing");
    if (!parse_fields(text, f))
        return bad(err, text, "expected YYYY-MM-DDTHH:MM:SS");
    if (f[0] < 1 || f[1] < 1 || f[1] > 12)
        return bad(err, text, "year or month out of range");
    if (f[2] < 1 || f[2] > days_in_month(f[0], f[1]))
        return bad(err, text, "no such day in that month");
    if (f[3] > 23 || f[4] > 59 || f[5] > 59)
        return bad(err, text, "time of day out of range");
    int used = parse_fraction(text + 19, &ms);
    if (used < 0)
        return bad(err, text, "bad fraction of a second");
    if (!parse_zone(text + 19 + used, &has_zone, &off))
        return bad(err, text, "bad zone (expected Z, +HH:MM or -HH:MM)");
    if (!has_zone && !assume_utc)
        return bad(err, text, "no zone offset");
    int64_t secs = days_from_civil(f[0], f[1], f[2]) * 86400LL + f[3] * 3600LL + f[4] * 60LL +
                   f[5] - off * 60LL;
    *utc_ms = secs * 1000 + ms;
    return SL_OK;
}

/*
 * Inverse of days_from_civil: splits days since 1970-01-01 into a date by
 * peeling off 400-, 100-, 4- and 1-year blocks counted from 0001-01-01.
 * Returns 0 outside years 1-9999.
 */
static int civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t n = days - days_from_civil(1, 1, 1); /* days since 0001-01-01 */
    if (n < 0 || n >= days_from_civil(10000, 1, 1) - days_from_civil(1, 1, 1))
        return 0;
    int64_t c400 = n / 146097, r = n % 146097;
    int64_t c100 = r / 36524;
    if (c100 == 4) /* the last day of a 400-year block is Dec 31 */
        c100 = 3;
    r -= c100 * 36524;
    int64_t c4 = r / 1461;
    r %= 1461;
    int64_t c1 = r / 365;
    if (c1 == 4)
        c1 = 3;
    r -= c1 * 365;
    int year = (int)(1 + 400 * c400 + 100 * c100 + 4 * c4 + c1);
    int month = 1;
    while (r >= days_in_month(year, month)) {
        r -= days_in_month(year, month);
        month++;
    }
    *y = year;
    *m = month;
    *d = (int)r + 1;
    return 1;
}

/* Writes v as exactly `width` zero-padded digits. */
static char *put_num(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

char *sl_iso8601_format(int64_t utc_ms, int zulu, char *buf)
{
    /* Floor division so times before 1970 keep their date. */
    int64_t secs = utc_ms / 1000 - (utc_ms % 1000 < 0);
    int64_t days = secs / 86400 - (secs % 86400 < 0);
    int64_t sod = secs - days * 86400;
    int y, m, d;
    if (!civil_from_days(days, &y, &m, &d)) {
        buf[0] = '\0';
        return buf;
    }
    char *p = put_num(buf, y, 4);
    *p++ = '-';
    p = put_num(p, m, 2);
    *p++ = '-';
    p = put_num(p, d, 2);
    *p++ = 'T';
    p = put_num(p, (int)(sod / 3600), 2);
    *p++ = ':';
    p = put_num(p, (int)(sod / 60 % 60), 2);
    *p++ = ':';
    p = put_num(p, (int)(sod % 60), 2);
    if (zulu)
        *p++ = 'Z';
    *p = '\0';
    return buf;
}
