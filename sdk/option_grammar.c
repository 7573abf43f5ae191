/*
 * The one grammar of INI values (options.h): flags, integers, durations
 * with units, http(s) URLs, enum words and comma lists. The host parses
 * its own channel and tenant keys with these functions and the connectors
 * parse theirs through option tables, so `poll_every` and a connector's
 * `poll_overlap` can never disagree about what "300" means (it is an
 * error: a duration needs its unit).
 *
 * The parsers read the text strictly: no leading or trailing blank (inih
 * has already trimmed the value), no trailing junk, no silent clamping.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

/* Digits of the largest value we read: 18 keeps v*10+d inside int64. */
#define MAX_DIGITS 18

int sl_parse_flag(const char *key, const char *text, int *out, sl_error *err)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = 1;
            return SL_OK;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = 0;
            return SL_OK;
        }
    }
    return sl_error_set(err, SL_EINVALID, key,
                        "not a boolean (use yes/no, true/false, on/off or 1/0)");
}

/* Reads [digits] into *v; returns the count of digits read, or -1 when
   there are more than MAX_DIGITS. */
static int read_digits(const char **p, int64_t *v)
{
    int n = 0;
    *v = 0;
    while (isdigit((unsigned char)**p)) {
        if (++n > MAX_DIGITS)
            return -1;
        *v = *v * 10 + (**p - '0');
        (*p)++;
    }
    return n;
}

int sl_parse_int(const char *key, const char *text, int64_t min, int64_t max, int64_t *out,
                 sl_error *err)
{
    const char *p = text;
    int neg = *p == '-';
    p += neg;
    int64_t v;
    int n = read_digits(&p, &v);
    if (n == 0 || (n > 0 && *p != '\0'))
        return sl_error_set(err, SL_EINVALID, key, "not an integer (expected %lld..%lld)",
                            (long long)min, (long long)max);
    if (n < 0 || (neg ? -v : v) < min || (neg ? -v : v) > max)
        return sl_error_set(err, SL_EINVALID, key, "integer out of range (expected %lld..%lld)",
                            (long long)min, (long long)max);
    *out = neg ? -v : v;
    return SL_OK;
}

/* Writes ms as the largest whole unit ("90s", "5m", "48h", "0s"). */
static void format_duration(int64_t ms, char *buf, size_t buflen)
{
    static const struct {
        int64_t ms;
        char unit;
    } units[] = {{86400000, 'd'}, {3600000, 'h'}, {60000, 'm'}, {1000, 's'}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (ms != 0 && ms % units[i].ms == 0) {
            snprintf(buf, buflen, "%lld%c", (long long)(ms / units[i].ms), units[i].unit);
            return;
        }
    }
    snprintf(buf, buflen, "%lldms", (long long)ms);
}

int sl_parse_duration(const char *key, const char *text, int64_t min_ms, int64_t max_ms,
                      int64_t *out_ms, sl_error *err)
{
    const char *p = text;
    int64_t v, unit_ms;
    int n = read_digits(&p, &v);
    switch (n > 0 && n <= 12 ? *p : '\0') {
    case 's':
        unit_ms = 1000;
        break;
    case 'm':
        unit_ms = 60000;
        break;
    case 'h':
        unit_ms = 3600000;
        break;
    case 'd':
        unit_ms = 86400000;
        break;
    default:
        unit_ms = 0;
        break;
    }
    if (unit_ms == 0 || p[1] != '\0') {
        const char *why = n > 0 && *p == '\0' ? "; a bare number needs its unit" : "";
        return sl_error_set(err, SL_EINVALID, key,
                            "not a duration (use digits and a unit: 30s, 5m, 2h or 1d%s)", why);
    }
    int64_t ms = v * unit_ms; /* at most 12 digits times 8.64e7: no overflow */
    if (ms < min_ms || ms > max_ms) {
        char lo[32], hi[32];
        format_duration(min_ms, lo, sizeof lo);
        format_duration(max_ms, hi, sizeof hi);
        return sl_error_set(err, SL_EINVALID, key, "must be between %s and %s", lo, hi);
    }
    *out_ms = ms;
    return SL_OK;
}

int sl_parse_url(const char *key, const char *text, size_t max_len, size_t *len, sl_error *err)
{
    size_t skip = strncmp(text, "https://", 8) == 0 ? 8 : strncmp(text, "http://", 7) == 0 ? 7 : 0;
    if (skip == 0)
        return sl_error_set(err, SL_EINVALID, key,
                            "not an http(s) URL (must start with https:// or http://)");
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c <= ' ' || c == 0x7f || c == '?' || c == '#')
            return sl_error_set(err, SL_EINVALID, key,
                                "not an http(s) URL of an API root (no query, fragment, "
                                "spaces or control characters)");
    }
    if (n > max_len)
        return sl_error_set(err, SL_EINVALID, key, "URL longer than %zu bytes", max_len);
    while (n > skip && text[n - 1] == '/')
        n--;
    if (n == skip || text[skip] == '/' || text[skip] == ':' || text[skip] == '@')
        return sl_error_set(err, SL_EINVALID, key, "not an http(s) URL (no host)");
    *len = n;
    return SL_OK;
}

int sl_parse_enum(const char *key, const char *text, const char *choices, int *index, sl_error *err)
{
    size_t tlen = strlen(text);
    const char *p = choices;
    for (int i = 0; p != NULL && *p != '\0'; i++) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == tlen && strncmp(p, text, n) == 0) {
            *index = i;
            return SL_OK;
        }
        p = bar ? bar + 1 : NULL;
    }
    char words[192];
    size_t w = 0;
    for (p = choices ? choices : ""; *p != '\0' && w + 3 < sizeof words; p++) {
        if (*p == '|')
            words[w++] = ',', words[w++] = ' ';
        else
            words[w++] = *p;
    }
    words[w] = '\0';
    return sl_error_set(err, SL_EINVALID, key, "not one of the words %s", words);
}

/* Bounds of the next item at text[*pos]: start and length after trimming;
 *pos moves past the comma. Returns 0 at the end of the text. */
static int next_item(const char *text, size_t *pos, const char **item, size_t *len)
{
    if (*pos > strlen(text))
        return 0;
    const char *p = text + *pos;
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    *pos += n + 1; /* past the comma, or past the NUL at the end */
    while (n > 0 && isspace((unsigned char)*p))
        p++, n--;
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    *item = p;
    *len = n;
    return 1;
}

int sl_list_next(const char *text, size_t *pos, char *buf, size_t buflen)
{
    const char *item;
    size_t n;
    if (!next_item(text, pos, &item, &n))
        return 0;
    if (buf != NULL && buflen > 0) {
        size_t c = n < buflen - 1 ? n : buflen - 1;
        memcpy(buf, item, c);
        buf[c] = '\0';
    }
    return 1;
}

int sl_parse_list(const char *key, const char *text, size_t max_items, size_t *count, sl_error *err)
{
    size_t pos = 0, n = 0, len;
    const char *item;
    if (max_items == 0)
        max_items = SL_OPTIONS_MAX_LIST;
    while (next_item(text, &pos, &item, &len)) {
        if (++n > max_items)
            return sl_error_set(err, SL_EINVALID, key, "too many list items (at most %zu)",
                                max_items);
        if (len == 0)
            return sl_error_set(err, SL_EINVALID, key, "empty list item");
    }
    *count = n;
    return SL_OK;
}
