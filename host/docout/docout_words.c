/*
 * An amount in words, for the line under a document's totals (tenant key
 * [documents] amount_in_words = yes). English and Persian; the figures are
 * the document's int64 minor units, split into whole and fraction by the
 * exponent with integer arithmetic only.
 *
 *   en   1234.56 EUR  ->  "One thousand two hundred thirty-four and 56/100 EUR"
 *   fa   1250000 IRR  ->  "یک میلیون و دویست و پنجاه هزار ریال"
 *        12.50 EUR    ->  "دوازده و پنجاه صدم EUR"  (the fraction in words:
 *                          tenths, hundredths, thousandths)
 * English joins groups with spaces and tens with a hyphen; Persian joins
 * every part with " و " ("and"), as amounts are written on Iranian
 * invoices and cheques. Scales run to quintillion, past INT64_MAX.
 */
#include <stdio.h>
#include <string.h>

#include "docout/docout.h"

typedef struct words {
    char *buf;
    size_t cap, used;
    int full; /* the text did not fit */
} words;

static void put(words *w, const char *s)
{
    size_t n = strlen(s);
    if (w->full || w->used + n + 1 > w->cap) {
        w->full = 1;
        return;
    }
    memcpy(w->buf + w->used, s, n + 1);
    w->used += n;
}

/* ---- English ---------------------------------------------------------------- */

static const char *const EN_SMALL[] = {"zero",    "one",     "two",       "three",    "four",
                                       "five",    "six",     "seven",     "eight",    "nine",
                                       "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                       "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
static const char *const EN_TENS[] = {"",      "",      "twenty",  "thirty", "forty",
                                      "fifty", "sixty", "seventy", "eighty", "ninety"};
static const char *const EN_SCALES[] = {"",         "thousand",    "million",    "billion",
                                        "trillion", "quadrillion", "quintillion"};

/* 1..999 */
static void en_triplet(words *w, unsigned n)
{
    if (n >= 100) {
        put(w, EN_SMALL[n / 100]);
        put(w, " hundred");
        n %= 100;
        if (n)
            put(w, " ");
    }
    if (n >= 20) {
        put(w, EN_TENS[n / 10]);
        if (n % 10) {
            put(w, "-");
            put(w, EN_SMALL[n % 10]);
        }
    } else if (n > 0) {
        put(w, EN_SMALL[n]);
    }
}

static void en_number(words *w, uint64_t v)
{
    if (v == 0) {
        put(w, EN_SMALL[0]);
        return;
    }
    unsigned groups[7];
    int n = 0;
    for (; v > 0; v /= 1000)
        groups[n++] = (unsigned)(v % 1000);
    int first = 1;
    for (int i = n - 1; i >= 0; i--) {
        if (groups[i] == 0)
            continue;
        if (!first)
            put(w, " ");
        en_triplet(w, groups[i]);
        if (i > 0) {
            put(w, " ");
            put(w, EN_SCALES[i]);
        }
        first = 0;
    }
}

/* ---- Persian ---------------------------------------------------------------- */

static const char *const FA_SMALL[] = {
    "صفر", "یک",    "دو",     "سه",    "چهار",   "پنج",    "شش",     "هفت",  "هشت",  "نه",
    "ده",  "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده"};
static const char *const FA_TENS[] = {"",      "",    "بیست",  "سی",    "چهل",
                                      "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"};
static const char *const FA_HUNDREDS[] = {"",      "صد",   "دویست", "سیصد",  "چهارصد",
                                          "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد"};
static const char *const FA_SCALES[] = {"",        "هزار",       "میلیون",    "میلیارد",
                                        "تریلیون", "کوادریلیون", "کوینتیلیون"};
#define FA_AND " و "

static void fa_triplet(words *w, unsigned n)
{
    int joined = 0;
    if (n >= 100) {
        put(w, FA_HUNDREDS[n / 100]);
        joined = 1;
        n %= 100;
    }
    if (n >= 20) {
        if (joined)
            put(w, FA_AND);
        put(w, FA_TENS[n / 10]);
        joined = 1;
        n %= 10;
    }
    if (n > 0) {
        if (joined)
            put(w, FA_AND);
        put(w, FA_SMALL[n]);
    }
}

static void fa_number(words *w, uint64_t v)
{
    if (v == 0) {
        put(w, FA_SMALL[0]);
        return;
    }
    unsigned groups[7];
    int n = 0;
    for (; v > 0; v /= 1000)
        groups[n++] = (unsigned)(v % 1000);
    int first = 1;
    for (int i = n - 1; i >= 0; i--) {
        if (groups[i] == 0)
            continue;
        if (!first)
            put(w, FA_AND);
        fa_triplet(w, groups[i]);
        if (i > 0) {
            put(w, " ");
            put(w, FA_SCALES[i]);
        }
        first = 0;
    }
}

static const char *fa_currency(const char *code)
{
    if (strcmp(code, "IRR") == 0)
        return "ریال";
    if (strcmp(code, "IRT") == 0)
        return "تومان";
    return code;
}

/* ---- the amount ---------------------------------------------------------------- */

int docout_words_supported(const char *lang)
{
    return lang && (strcmp(lang, "en") == 0 || strcmp(lang, "fa") == 0);
}

int docout_amount_words(const char *lang, int64_t minor, int exponent, const char *currency,
                        char *buf, size_t cap)
{
    if (!docout_words_supported(lang) || cap == 0 || exponent < 0 || exponent > 9)
        return -1;
    words w = {.buf = buf, .cap = cap};
    buf[0] = '\0';
    uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    uint64_t scale = 1;
    for (int i = 0; i < exponent; i++)
        scale *= 10;
    uint64_t whole = mag / scale, frac = mag % scale;
    int fa = strcmp(lang, "fa") == 0;
    if (fa && frac && exponent > 3)
        return -1; /* Persian has no common word past thousandths */
    if (minor < 0)
        put(&w, fa ? "منفی " : "minus ");
    if (fa) {
        static const char *const PARTS[] = {"", "دهم", "صدم", "هزارم"};
        fa_number(&w, whole);
        if (frac && exponent <= 3) {
            put(&w, FA_AND);
            fa_number(&w, frac);
            put(&w, " ");
            put(&w, PARTS[exponent]);
        }
        put(&w, " ");
        put(&w, fa_currency(currency));
    } else {
        en_number(&w, whole);
        if (exponent > 0) {
            char part[48];
            snprintf(part, sizeof part, " and %0*llu/%llu", exponent, (unsigned long long)frac,
                     (unsigned long long)scale);
            put(&w, part);
        }
        put(&w, " ");
        put(&w, currency);
        if (!w.full && minor >= 0 && buf[0] >= 'a' && buf[0] <= 'z')
            buf[0] = (char)(buf[0] - 'a' + 'A');
        else if (!w.full && minor < 0)
            buf[0] = 'M';
    }
    return w.full ? -1 : 0;
}
