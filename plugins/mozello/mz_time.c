/*
 * Mozello's timestamps ("2024-05-01 14:22:05") carry no offset; they are in
 * the site's local time (api/mozello.md §3, marked *assumed*: most shops
 * are Latvian, Europe/Riga). The host wants UTC, and we may not touch the
 * process-wide TZ, so the zone is a fixed standard offset plus, for EU
 * zones, the EU summer-time rule (since 1996: from the last Sunday of
 * March to the last Sunday of October, switching at 01:00 UTC). A local
 * time in the repeated October hour is read as summer time.
 */
#include <stdio.h>
#include <string.h>

#include "mozello.h"
#include "shopledger/sdkutil.h"

#define DAY_MS (86400LL * 1000)
#define MIN_MS (60LL * 1000)

static const struct {
    const char *name;
    int offset_min;
} EU_ZONES[] = {
    {"Europe/Riga", 120},      {"Europe/Tallinn", 120},  {"Europe/Vilnius", 120},
    {"Europe/Helsinki", 120},  {"Europe/Sofia", 120},    {"Europe/Athens", 120},
    {"Europe/Bucharest", 120}, {"Europe/London", 0},     {"Europe/Dublin", 0},
    {"Europe/Lisbon", 0},      {"Europe/Berlin", 60},    {"Europe/Paris", 60},
    {"Europe/Warsaw", 60},     {"Europe/Stockholm", 60}, {"Europe/Amsterdam", 60},
    {"Europe/Madrid", 60},     {"Europe/Rome", 60},      {"Europe/Prague", 60},
    {"Europe/Vienna", 60},     {"Europe/Budapest", 60},  {"Europe/Copenhagen", 60},
    {"Europe/Oslo", 60},
};

int mz_zone_parse(const char *text, mz_zone *out)
{
    for (size_t i = 0; i < sizeof EU_ZONES / sizeof EU_ZONES[0]; i++)
        if (strcmp(text, EU_ZONES[i].name) == 0) {
            *out = (mz_zone){EU_ZONES[i].offset_min, 1};
            return SL_OK;
        }
    if (strcmp(text, "UTC") == 0) {
        *out = (mz_zone){0, 0};
        return SL_OK;
    }
    int hh = 0, mm = 0, n = 0;
    if ((text[0] != '+' && text[0] != '-') || strlen(text) != 6 ||
        sscanf(text + 1, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5 || hh > 14 || mm > 59)
        return SL_EINVALID;
    int off = hh * 60 + mm;
    *out = (mz_zone){text[0] == '-' ? -off : off, 0};
    return SL_OK;
}

/* 01:00 UTC on the last Sunday of `month` (3 or 10) of `year`. */
static int64_t last_sunday_1am(int year, int month)
{
    char iso[32];
    int64_t ms = 0;
    snprintf(iso, sizeof iso, "%04d-%02d-31T01:00:00", year, month);
    sl_iso8601_parse(iso, 1, &ms, NULL);
    int64_t days = ms >= 0 ? ms / DAY_MS : (ms - DAY_MS + 1) / DAY_MS;
    int wd = (int)(((days + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
    return ms - wd * DAY_MS;
}

static int in_eu_summer(int64_t utc_ms, int year)
{
    return utc_ms >= last_sunday_1am(year, 3) && utc_ms < last_sunday_1am(year, 10);
}

int mz_local_to_utc(const mz_zone *z, const char *text, int64_t *utc_ms)
{
    int64_t wall = 0;
    int year = 0;
    if (text == NULL || sl_iso8601_parse(text, 1, &wall, NULL) != SL_OK ||
        sscanf(text, "%4d", &year) != 1)
        return SL_EINVALID;
    int64_t std = wall - z->offset_min * MIN_MS;
    if (z->eu_dst && in_eu_summer(std - 60 * MIN_MS, year))
        std -= 60 * MIN_MS;
    *utc_ms = std;
    return SL_OK;
}
