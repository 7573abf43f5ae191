/*
 * Numbers and dates as each language writes them. Integer arithmetic only
 * (money never passes through floating point).
 *
 *   lang  thousands  decimal  date
 *   en    ,          .        2026-12-02
 *   lv    space      ,        02.12.2026.
 *   hu    space      ,        2026.12.02.
 *   th    ,          .        02/12/2026
 *   fa    ٬ (U+066C) ٫ (U+066B) 1405/09/11 (Jalali), digits ۰..۹ when asked
 *
 * The space is U+00A0 so a number never wraps inside.
 */
#include <stdio.h>
#include <string.h>

#include "docout/docout.h"
#include "shopledger/sdkutil.h"

typedef struct seps {
    const char *thousands, *decimal;
} seps;

static seps seps_of(const docout_style *st)
{
    if (strcmp(st->lang, "lv") == 0 || strcmp(st->lang, "hu") == 0)
        return (seps){"\u00a0", ","};
    if (strcmp(st->lang, "fa") == 0 && st->persian_digits)
        return (seps){"\u066c", "\u066b"};
    return (seps){",", "."};
}

char *docout_digits(const docout_style *st, const char *text, char buf[DOCOUT_TEXT_MAX])
{
    size_t w = 0;
    for (const char *r = text; *r && w + 3 < DOCOUT_TEXT_MAX; r++) {
        if (st->persian_digits && *r >= '0' && *r <= '9') {
            /* U+06F0 + d in UTF-8: DB B0..B9 */
            buf[w++] = (char)0xDB;
            buf[w++] = (char)(0xB0 + (*r - '0'));
        } else {
            buf[w++] = *r;
        }
    }
    buf[w] = '\0';
    return buf;
}

/* Appends s to buf at *w when it fits. */
static void put(char *buf, size_t *w, const char *s)
{
    size_t n = strlen(s);
    if (*w + n < DOCOUT_TEXT_MAX) {
        memcpy(buf + *w, s, n);
        *w += n;
        buf[*w] = '\0';
    }
}

/* Groups the integer digits of `digits` by three. */
static void put_grouped(char *buf, size_t *w, const char *digits, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++) {
        char one[2] = {digits[i], '\0'};
        if (i > 0 && (n - i) % 3 == 0)
            put(buf, w, sep);
        put(buf, w, one);
    }
}

static const char *currency_name(const docout_style *st, const char *code)
{
    if (strcmp(st->lang, "fa") == 0 && strcmp(code, "IRR") == 0)
        return "ریال";
    if (strcmp(st->lang, "fa") == 0 && strcmp(code, "IRT") == 0)
        return "تومان";
    return code;
}

char *docout_money(const docout_style *st, int64_t minor, int exponent, const char *currency,
                   char buf[DOCOUT_TEXT_MAX])
{
    seps s = seps_of(st);
    char digits[32];
    uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    int n = snprintf(digits, sizeof digits, "%0*llu", exponent + 1, (unsigned long long)mag);
    size_t whole = (size_t)n - (size_t)exponent;
    char ascii[DOCOUT_TEXT_MAX];
    size_t w = 0;
    ascii[0] = '\0';
    if (minor < 0)
        put(ascii, &w, "-");
    put_grouped(ascii, &w, digits, whole, s.thousands);
    if (exponent > 0) {
        put(ascii, &w, s.decimal);
        put(ascii, &w, digits + whole);
    }
    if (currency != NULL && *currency) {
        put(ascii, &w, "\u00a0");
        put(ascii, &w, currency_name(st, currency));
    }
    return docout_digits(st, ascii, buf);
}

char *docout_qty(const docout_style *st, int64_t milli, char buf[DOCOUT_TEXT_MAX])
{
    int exponent = 3;
    while (exponent > 0 && milli % 10 == 0) {
        milli /= 10;
        exponent--;
    }
    return docout_money(st, milli, exponent, NULL, buf);
}

char *docout_date(const docout_style *st, int64_t utc_ms, char buf[DOCOUT_TEXT_MAX])
{
    int64_t days = utc_ms >= 0 ? utc_ms / 86400000 : -((-utc_ms + 86399999) / 86400000);
    int y, m, d, jy, jm, jd;
    sl_civil_from_days(days, &y, &m, &d);
    char ascii[DOCOUT_TEXT_MAX];
    if (strcmp(st->lang, "lv") == 0)
        snprintf(ascii, sizeof ascii, "%02d.%02d.%04d.", d, m, y);
    else if (strcmp(st->lang, "hu") == 0)
        snprintf(ascii, sizeof ascii, "%04d.%02d.%02d.", y, m, d);
    else if (strcmp(st->lang, "th") == 0)
        snprintf(ascii, sizeof ascii, "%02d/%02d/%04d", d, m, y);
    else
        snprintf(ascii, sizeof ascii, "%04d-%02d-%02d", y, m, d);
    if (strcmp(st->lang, "fa") == 0 && st->jalali &&
        sl_jalali_from_gregorian(y, m, d, &jy, &jm, &jd) == SL_OK) {
        char g[DOCOUT_TEXT_MAX];
        memcpy(g, ascii, sizeof g);
        if (st->jalali == 2)
            snprintf(ascii, sizeof ascii, "%04d/%02d/%02d", jy, jm, jd);
        else
            snprintf(ascii, sizeof ascii, "%04d/%02d/%02d (%.16s)", jy, jm, jd, g);
    }
    return docout_digits(st, ascii, buf);
}
