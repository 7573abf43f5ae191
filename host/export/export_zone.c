/*
 * Days and times of the tenant's zone for exports. The zone is entered
 * once for the whole walk (export_run: services_zone_enter), through
 * services/local_time.c, the one place the process TZ is switched, under
 * its lock; here are only the conversions of one value and the calendar
 * arithmetic of --from/--to.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export/export_int.h"
#include "shopledger/sdkutil.h"

int export_civil(const services_zone *z, int64_t utc_ms, docout_civil *out)
{
    struct tm tm;
    if (services_zone_local(z, utc_ms, &tm) != SL_OK)
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

int export_day_start(const services_zone *z, const char *day, int64_t *utc_ms)
{
    int y, m, d;
    if (!export_day_valid(day) || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return -1;
    return services_zone_midnight_ms(z, y, m, d, utc_ms) == SL_OK ? 0 : -1;
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
    /* export_day_valid bounds y to four digits, m and d to two. */
    snprintf(next, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    return 0;
}
