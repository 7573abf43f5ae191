/*
 * Typed values of the INI files: booleans, durations, bounded integers,
 * comma-separated lists, the stock_sync schedule, and character-set
 * patterns for ids. Each parser is strict (no trailing junk, no silent
 * clamping) and tells why it refused in a short static string that the
 * caller puts after "FILE:LINE: [section] key: ".
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_internal.h"

/* Accepts yes/no/true/false/1/0 in any letter case. */
int cfg_bool(const char *text, int *out, const char **why)
{
    static const char *const yes[] = {"yes", "true", "1"};
    static const char *const no[] = {"no", "false", "0"};
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    *why = "not a boolean (use yes/no, true/false or 1/0)";
    return -1;
}

/* Parses a decimal integer in [min, max]; the whole text must be used. */
int cfg_int(const char *text, int64_t min, int64_t max, int64_t *out,
            const char **why)
{
    if (*text == '\0' || !(isdigit((unsigned char)*text) || *text == '-')) {
        *why = "not an integer";
        return -1;
    }
    errno = 0;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0') {
        *why = "not an integer";
        return -1;
    }
    if (errno == ERANGE || v < min || v > max) {
        *why = "integer out of range";
        return -1;
    }
    *out = v;
    return 0;
}

/* "30s", "5m", "1h", "2d": digits then one unit letter. */
int cfg_duration(const char *text, int64_t *seconds, const char **why)
{
    size_t n = strlen(text);
    *why = "not a duration (use e.g. 30s, 5m, 1h, 1d)";
    if (n < 2 || n > 12)
        return -1;
    int64_t unit;
    switch (text[n - 1]) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return -1;
    }
    int64_t v = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (!isdigit((unsigned char)text[i]))
            return -1;
        v = v * 10 + (text[i] - '0'); /* at most 11 digits: no overflow */
    }
    *seconds = v * unit;
    return 0;
}

static char *trimmed_copy(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    char *c = malloc(n + 1);
    if (c != NULL) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

void cfg_list_free(char **items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(items[i]);
    free(items);
}

int cfg_list(const char *text, char ***items, size_t *count, const char **why)
{
    char **out = calloc(CONFIG_MAX_LIST, sizeof *out);
    size_t n = 0;
    if (out == NULL) {
        *why = "out of memory";
        return -1;
    }
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (n == CONFIG_MAX_LIST) {
            *why = "too many list items";
            goto fail;
        }
        out[n] = trimmed_copy(p, len);
        if (out[n] == NULL) {
            *why = "out of memory";
            goto fail;
        }
        if (out[n++][0] == '\0') {
            *why = "empty list item";
            goto fail;
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    *items = out;
    *count = n;
    return 0;
fail:
    cfg_list_free(out, n);
    return -1;
}

static int two_digits(const char *s, int max)
{
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
        return -1;
    int v = (s[0] - '0') * 10 + (s[1] - '0');
    return v <= max ? v : -1;
}

int cfg_stock_sync(const char *text, int *minute, const char **why)
{
    if (strcmp(text, "manual") == 0) {
        *minute = -1;
        return 0;
    }
    *why = "not a schedule (use \"manual\" or \"daily HH:MM\")";
    if (strncmp(text, "daily ", 6) != 0)
        return -1;
    const char *t = text + 6;
    while (*t == ' ')
        t++;
    if (strlen(t) != 5 || t[2] != ':')
        return -1;
    int h = two_digits(t, 23), m = two_digits(t + 3, 59);
    if (h < 0 || m < 0)
        return -1;
    *minute = h * 60 + m;
    return 0;
}

static int in_set(char c, const char *set)
{
    for (; *set; set++) {
        if ((*set == 'a' && c >= 'a' && c <= 'z') ||
            (*set == 'A' && c >= 'A' && c <= 'Z') ||
            (*set == '0' && c >= '0' && c <= '9') || c == *set)
            return 1;
    }
    return 0;
}

int cfg_match(const char *text, const char *set, size_t max)
{
    size_t n = strlen(text);
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!in_set(text[i], set))
            return 0;
    return 1;
}
