/*
 * Form bodies (application/x-www-form-urlencoded) for the sandbox: '+' is
 * a space, %XX a byte; every name keeps its full text, so
 * "basket[0][name]" is one key, as PHP's parser would see the brackets.
 */
#include <stdlib.h>
#include <string.h>

#include "fsb.h"

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into a new string; NULL on a bad escape. */
static char *decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; out && i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%') {
            int hi = i + 2 < n ? hex(s[i + 1]) : -1;
            int lo = i + 2 < n ? hex(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    if (out)
        out[o] = '\0';
    return out;
}

json_t *fsb_form_parse(const char *body, size_t len)
{
    json_t *form = json_object();
    const char *p = body, *end = body + len;
    while (form && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (stop > p) {
            char *k = decode(p, (size_t)((eq ? eq : stop) - p));
            char *v = eq ? decode(eq + 1, (size_t)(stop - eq - 1)) : strdup("");
            if (!k || !v || json_object_set_new(form, k, json_string(v)) != 0) {
                json_decref(form);
                form = NULL;
            }
            free(k);
            free(v);
        }
        p = stop + 1;
    }
    return form;
}
