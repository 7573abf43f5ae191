/*
 * Typed values of the INI files: booleans, durations, bounded integers,
 * comma-separated lists, the stock_sync schedule, and character-set
 * patterns for ids. Each parser is strict (no trailing junk, no silent
 * clamping) and tells why it refused in a short static string that the
 * caller puts after "FILE:LINE: [section] key: ".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "shopledger/options.h"

/* The host's keys use the SDK's one grammar (shopledger/options.h), the
   same the connectors' option tables use; these wrappers only turn its
   verdict into the short static reason the config report prints. */

int cfg_bool(const char *text, int *out, const char **why)
{
    sl_error err = {.size = sizeof err};
    if (sl_parse_flag("", text, out, &err) == SL_OK)
        return 0;
    *why = "not a boolean (use yes/no, true/false, on/off or 1/0)";
    return -1;
}

int cfg_int(const char *text, int64_t min, int64_t max, int64_t *out, const char **why)
{
    sl_error err = {.size = sizeof err};
    if (sl_parse_int("", text, min, max, out, &err) == SL_OK)
        return 0;
    *why = strncmp(err.message, "not an", 6) == 0 ? "not an integer" : "integer out of range";
    return -1;
}

int cfg_duration(const char *text, int64_t *seconds, const char **why)
{
    sl_error err = {.size = sizeof err};
    int64_t ms;
    if (sl_parse_duration("", text, 0, INT64_MAX, &ms, &err) == SL_OK) {
        *seconds = ms / 1000;
        return 0;
    }
    *why = "not a duration (use digits and a unit: 30s, 5m, 2h or 1d)";
    return -1;
}

void cfg_list_free(char **items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(items[i]);
    free(items);
}

int cfg_list(const char *text, char ***items, size_t *count, const char **why)
{
    sl_error err = {.size = sizeof err};
    size_t n = 0, pos = 0;
    if (sl_parse_list("", text, CONFIG_MAX_LIST, &n, &err) != SL_OK) {
        *why = strncmp(err.message, "too many", 8) == 0 ? "too many list items" : "empty list item";
        return -1;
    }
    char **out = calloc(n, sizeof *out);
    size_t len = strlen(text) + 1;
    for (size_t i = 0; out != NULL && i < n; i++) {
        if ((out[i] = malloc(len)) == NULL || !sl_list_next(text, &pos, out[i], len)) {
            cfg_list_free(out, i + 1);
            out = NULL;
        }
    }
    if (out == NULL) {
        *why = "out of memory";
        return -1;
    }
    *items = out;
    *count = n;
    return 0;
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
        if ((*set == 'a' && c >= 'a' && c <= 'z') || (*set == 'A' && c >= 'A' && c <= 'Z') ||
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
