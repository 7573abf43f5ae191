/*
 * Small helpers of the sandbox: WooCommerce money text <-> int64 cents,
 * percent-encoding, HMAC/base64 through OpenSSL, UTC date text. Money never
 * passes through floating point here.
 */
#include "sb.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SB_MONEY_MAX (INT64_MAX / 1000)

int sb_money_parse(const char *text, int64_t *cents)
{
    const char *p = text;
    int neg = 0;
    int64_t units = 0, frac = 0;
    int fdigits = 0, idigits = 0;
    if (*p == '\0') {
        *cents = 0;
        return 0;
    }
    if (*p == '-' || *p == '+')
        neg = (*p++ == '-');
    for (; isdigit((unsigned char)*p); p++, idigits++) {
        if (units > SB_MONEY_MAX / 10)
            return -1;
        units = units * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++, fdigits++) {
            if (fdigits >= 2) {
                if (*p != '0') /* more precision than cents: refuse, never round */
                    return -1;
                continue;
            }
            frac = frac * 10 + (*p - '0');
        }
    }
    if (*p != '\0' || (idigits == 0 && fdigits == 0))
        return -1;
    if (fdigits == 1)
        frac *= 10;
    *cents = (neg ? -1 : 1) * (units * 100 + frac);
    return 0;
}

char *sb_money_fmt(int64_t cents, char *buf)
{
    uint64_t mag = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
    snprintf(buf, 32, "%s%llu.%02llu", cents < 0 ? "-" : "", (unsigned long long)(mag / 100),
             (unsigned long long)(mag % 100));
    return buf;
}

json_t *sb_money_json(int64_t cents)
{
    char buf[32];
    return json_string(sb_money_fmt(cents, buf));
}

int sb_money_get(const json_t *obj, const char *key, int64_t *cents)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *cents = 0;
        return 0;
    }
    if (json_is_integer(v)) {
        if (json_integer_value(v) > SB_MONEY_MAX / 100 ||
            json_integer_value(v) < -SB_MONEY_MAX / 100)
            return -1;
        *cents = json_integer_value(v) * 100;
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    return sb_money_parse(json_string_value(v), cents);
}

int64_t sb_div_round(int64_t num, int64_t den)
{
    int64_t q = num / den, r = num % den;
    if (r < 0)
        r = -r;
    if (2 * r >= den) /* half away from zero, as PHP round() */
        q += num < 0 ? -1 : 1;
    return q;
}

char *sb_pct_encode(const char *in)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(in);
    char *out = malloc(3 * n + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

char *sb_pct_decode(const char *in)
{
    char *out = malloc(strlen(in) + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = in; *p; p++) {
        int hi, lo;
        if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

char *sb_hmac_b64(int use_sha256, const char *key, size_t key_len, const char *data, size_t len)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (!HMAC(use_sha256 ? EVP_sha256() : EVP_sha1(), key, (int)key_len,
              (const unsigned char *)data, len, mac, &mac_len))
        return NULL;
    char *out = malloc(((mac_len + 2) / 3) * 4 + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, mac, (int)mac_len);
    return out;
}

void sb_md5_hex(const char *text, char out[33])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text, strlen(text), md, &len, EVP_md5(), NULL);
    for (unsigned i = 0; i < len && i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[32] = '\0';
}

char *sb_time_fmt(int64_t epoch, char *buf)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

static int take_num(const char **p, int digits, int *out)
{
    int v = 0;
    for (int i = 0; i < digits; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
    }
    *out = v;
    return 0;
}

int sb_time_parse(const char *text, int offset_min, int64_t *epoch)
{
    const char *p = text;
    int y, mo, d, h = 0, mi = 0, s = 0;
    struct tm tm;
    if (take_num(&p, 4, &y) || *p++ != '-' || take_num(&p, 2, &mo) || *p++ != '-' ||
        take_num(&p, 2, &d))
        return -1;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (take_num(&p, 2, &h) || *p++ != ':' || take_num(&p, 2, &mi))
            return -1;
        if (*p == ':' && (p++, take_num(&p, 2, &s)))
            return -1;
        if (*p == '.')
            for (p++; isdigit((unsigned char)*p); p++)
                ;
    }
    if (*p == 'Z') {
        offset_min = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (take_num(&p, 2, &oh) || (*p == ':' && !*++p) || take_num(&p, 2, &om))
            return -1;
        offset_min = sign * (oh * 60 + om);
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    *epoch = (int64_t)timegm(&tm) - (int64_t)offset_min * 60;
    return 0;
}

char *sb_read_file(const char *path, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(cap + 1);
    size_t n = buf ? fread(buf, 1, cap + 1, f) : 0;
    fclose(f);
    if (!buf || n > cap) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int64_t sb_int(const json_t *obj, const char *key, int64_t dflt)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v))
        return json_integer_value(v);
    if (json_is_string(v)) {
        char *end;
        errno = 0;
        long long x = strtoll(json_string_value(v), &end, 10);
        if (!errno && *end == '\0' && end != json_string_value(v))
            return x;
    }
    return dflt;
}

const char *sb_str(const json_t *obj, const char *key, const char *dflt)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

int64_t sb_next(int64_t *counter)
{
    return (*counter)++;
}
