/*
 * application/x-www-form-urlencoded bodies (a bank's browser POST back to
 * the shop, or a GET query handed on as one): name=value pairs joined by
 * '&', '+' for a space, %XX for any byte. Gateways' return routes read a
 * handful of named fields, so this is a lookup, not a parse into a map:
 * each call walks the body once and decodes only the names it compares
 * and the one value it returns. Nothing is allocated.
 */
#include <strings.h>
#include <string.h>

#include "shopledger/sdkutil.h"

#define FORM_NAME_MAX 128 /* a longer name never matches a field we read */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes in[0..len) into out (cap bytes with the NUL). Returns the
   decoded length, -1 for a bad escape or a decoded NUL, -2 when it does
   not fit. */
static long decode(const char *in, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)in[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (len - i < 3)
                return -1;
            int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0)
            return -1;
        if (o + 1 >= cap)
            return -2;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return (long)o;
}

int sl_form_get(const char *body, size_t len, const char *name, int nocase, char *out, size_t cap)
{
    if (out == NULL || cap == 0 || name == NULL)
        return SL_EINVALID;
    out[0] = '\0';
    if (body == NULL)
        return 0;
    size_t pos = 0;
    while (pos < len) {
        const char *pair = body + pos;
        const char *amp = memchr(pair, '&', len - pos);
        size_t plen = amp ? (size_t)(amp - pair) : len - pos;
        pos += plen + 1;
        const char *eq = memchr(pair, '=', plen);
        size_t nlen = eq ? (size_t)(eq - pair) : plen;
        char key[FORM_NAME_MAX];
        if (plen == 0 || decode(pair, nlen, key, sizeof key) < 0)
            continue; /* empty pair, or a name too odd to be one we read */
        if (nocase ? strcasecmp(key, name) != 0 : strcmp(key, name) != 0)
            continue;
        const char *val = eq ? eq + 1 : pair + plen;
        long n = decode(val, eq ? plen - nlen - 1 : 0, out, cap);
        if (n == -2) {
            out[0] = '\0';
            return SL_ETOOBIG;
        }
        if (n < 0) {
            out[0] = '\0';
            return SL_EINVALID;
        }
        return 1;
    }
    return 0;
}
