/*
 * Local time of the tenant's zone for exports. The C library converts
 * only through the process's TZ, so an export makes the tenant's zone the
 * process TZ while it runs and restores the old value after: right for a
 * CLI process that runs one export, wrong for a threaded server (the
 * scheduler has its own locked conversion for that).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/export_int.h"
#include "shopledger/sdkutil.h"

int export_zone_enter(const char *tz, export_zone *z, sl_error *err)
{
    const char *old = getenv("TZ");
    z->saved = old ? strdup(old) : NULL;
    if (old && z->saved == NULL)
        return sl_error_set(err, SL_ENOMEM, "timezone", "out of memory");
    if (setenv("TZ", tz && *tz ? tz : "UTC", 1) != 0) {
        free(z->saved);
        return sl_error_set(err, SL_EINVALID, "timezone", "cannot use time zone '%.64s'", tz);
    }
    tzset();
    return SL_OK;
}

void export_zone_leave(export_zone *z)
{
    if (z->saved)
        setenv("TZ", z->saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(z->saved);
    z->saved = NULL;
}

int export_civil(int64_t utc_ms, docout_civil *out)
{
    /* floor division, so a time before 1970 lands in the right second */
    int64_t secs = utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000);
    time_t t = (time_t)secs;
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL)
        return -1;
    *out = (docout_civil){.year = tm.tm_year + 1900,
                          .month = tm.tm_mon + 1,
                          .day = tm.tm_mday,
                          .hour = tm.tm_hour,
                          .minute = tm.tm_min,
                          .second = tm.tm_sec};
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int export_day_valid(const char *text)
{
    int y, m, d, n = 0;
    if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return 0;
    if (sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
        return 0;
    return y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

int export_day_start(const char *day, int64_t *utc_ms)
{
    int y, m, d;
    if (!export_day_valid(day) || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
        return -1;
    *utc_ms = (int64_t)t * 1000;
    return 0;
}

int export_next_day(const char *day, char next[16])
{
    int y, m, d;
    if (!export_day_valid(day) || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return -1;
    if (++d > days_in_month(y, m)) {
        d = 1;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    snprintf(next, 16, "%04d-%02d-%02d", y, m, d);
    return 0;
}
