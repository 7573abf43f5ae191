/*
 * The tenant's local time (services.h, "local time"): the offset of an
 * IANA zone from UTC at an instant, the local day, and the UTC instant of
 * a local midnight. libc knows zones only through the process-wide TZ
 * variable, so every switch happens here under one lock; nothing else in
 * the host reads local time (the style check bans localtime).
 *
 * Other threads may read the environment meanwhile (libcurl looks up
 * proxy variables), so the switch never adds or removes a variable, which
 * would move glibc's environ array under them: services_global_init sets
 * TZ, when absent, to ":/etc/localtime" (what libc reads without it)
 * before any thread starts, and a switch only replaces its value, which
 * glibc does with one pointer store, keeping the old string.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "services/services.h"
#include "shopledger/sdkutil.h"

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

/* Takes the lock and makes tz the process zone; *old is the TZ to put
   back (malloc'd). SL_ENOMEM (lock released) when the copy fails. */
static int zone_switch(const char *tz, char **old)
{
    pthread_mutex_lock(&tz_lock);
    const char *was = getenv("TZ");
    *old = strdup(was ? was : SERVICES_TZ_SYSTEM);
    if (*old == NULL) {
        pthread_mutex_unlock(&tz_lock);
        return SL_ENOMEM;
    }
    setenv("TZ", tz && tz[0] ? tz : "UTC", 1);
    tzset();
    return SL_OK;
}

/* Puts TZ back (a value replaced, never removed) and releases the lock. */
static void zone_restore(char *old)
{
    setenv("TZ", old, 1);
    free(old);
    tzset();
    pthread_mutex_unlock(&tz_lock);
}

static time_t seconds_of(int64_t utc_ms)
{
    /* floor division, so a time before 1970 lands in the right second */
    return (time_t)(utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000));
}

int services_tz_offset_ms(const char *tz, int64_t utc_ms, int64_t *offset_ms)
{
    char *old = NULL;
    if (zone_switch(tz, &old) != SL_OK)
        return SL_ENOMEM;
    time_t t = seconds_of(utc_ms);
    struct tm tm;
    int ok = localtime_r(&t, &tm) != NULL;
    zone_restore(old);
    if (!ok)
        return SL_EINVALID;
    int64_t local_s = sl_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
                      tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    *offset_ms = (local_s - (int64_t)t) * 1000;
    return SL_OK;
}

int services_zone_enter(const char *tz, services_zone *z)
{
    return zone_switch(tz, &z->saved);
}

int services_zone_local(const services_zone *z, int64_t utc_ms, struct tm *out)
{
    (void)z; /* the entered zone is the process's */
    time_t t = seconds_of(utc_ms);
    return localtime_r(&t, out) != NULL ? SL_OK : SL_EINVALID;
}

int services_zone_midnight_ms(const services_zone *z, int y, int m, int d, int64_t *utc_ms)
{
    (void)z;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
        return SL_EINVALID;
    *utc_ms = (int64_t)t * 1000;
    return SL_OK;
}

void services_zone_leave(services_zone *z)
{
    if (z->saved != NULL)
        zone_restore(z->saved);
    z->saved = NULL;
}

int services_local_day(const char *tz, int64_t utc_ms, char day[16])
{
    int64_t off = 0;
    int rc = services_tz_offset_ms(tz, utc_ms, &off);
    if (rc != SL_OK)
        return rc;
    int64_t local = utc_ms + off;
    int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
    int y, m, d;
    sl_civil_from_days(days, &y, &m, &d);
    snprintf(day, 16, "%04d-%02d-%02d", y, m, d);
    return SL_OK;
}

int services_local_midnight_ms(const char *tz, const char *day, int64_t *utc_ms)
{
    int y, m, d, ok = day != NULL && strlen(day) == 10;
    for (size_t i = 0; ok && i < 10; i++)
        ok = i == 4 || i == 7 ? day[i] == '-' : day[i] >= '0' && day[i] <= '9';
    if (!ok || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return SL_EINVALID;
    int64_t as_utc = sl_days_from_civil(y, m, d) * 86400000;
    int64_t off = 0;
    /* the offset at the local midnight itself: guess with the offset at
       the same clock reading in UTC, then correct once (DST edges) */
    int rc = services_tz_offset_ms(tz, as_utc, &off);
    if (rc == SL_OK)
        rc = services_tz_offset_ms(tz, as_utc - off, &off);
    if (rc == SL_OK)
        *utc_ms = as_utc - off;
    return rc;
}
