/*
 * Mellat wants the merchant's local date and time of a pay request as
 * localDate "yyyyMMdd" and localTime "HHmmss" (shared/api/mellat.md §2,
 * §11.7: Gregorian, Tehran time, zero-padded). Tehran is UTC+03:30 all
 * year: Iran abolished daylight saving time in 2022, and a pay request is
 * always dated now, so no older rule is needed. Computed from the host's
 * clock with the SDK's civil calendar, independent of TZ.
 */
#include "mellat.h"
#include "shopledger/sdkutil.h"

#define TEHRAN_OFFSET_S (3 * 3600 + 30 * 60)

/* Writes the low `width` decimal digits of v (>= 0), zero-padded. */
static void put_digits(char *out, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void mellat_tehran_local(int64_t utc_ms, char date[9], char time[7])
{
    int64_t s = utc_ms / 1000 + TEHRAN_OFFSET_S;
    int64_t days = s / 86400, rest = s % 86400;
    if (rest < 0) {
        rest += 86400;
        days--;
    }
    int y, m, d;
    sl_civil_from_days(days, &y, &m, &d);
    put_digits(date, y, 4);
    put_digits(date + 4, m, 2);
    put_digits(date + 6, d, 2);
    date[8] = '\0';
    put_digits(time, (int)(rest / 3600), 2);
    put_digits(time + 2, (int)(rest / 60 % 60), 2);
    put_digits(time + 4, (int)(rest % 60), 2);
    time[6] = '\0';
}
