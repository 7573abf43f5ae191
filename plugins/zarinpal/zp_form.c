/*
 * The buyer's return to the callback URL: ZarinPal appends
 * Authority=...&Status=OK|NOK to the URL (GET); the host hands the query
 * (or a form body) as urlencoded text. A small strict decoder: '+' is a
 * space, %XX a byte, anything malformed refused.
 */
#include <string.h>

#include "zarinpal.h"

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

static int decode(const char *in, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)in[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
            if (hi < 0 || lo < 0 || hi * 16 + lo == 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return 1;
}

int zp_form_get(const char *body, size_t len, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key), i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end - i > klen && memcmp(body + i, key, klen) == 0 && body[i + klen] == '=')
            return decode(body + i + klen + 1, end - i - klen - 1, out, cap);
        i = end + 1;
    }
    return 0;
}
