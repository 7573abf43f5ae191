/*
 * JSON getters for connectors: jansson underneath, with the checks every
 * mapping needs written once. Each getter looks up one key of an object,
 * checks the type, and on a mismatch fills sl_error with the key in
 * err->field and the type it found, so a bad order from a shop is reported
 * as "total: expected a decimal, got an object", not as a crash.
 *
 * Money never goes through a double here: see sl_json_decimal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_load.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

/* |exponent| beyond which a JSON number cannot be money (1e30 ...). */
#define DECIMAL_EXP_MAX 30

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    default:
        return "something else";
    }
}

int sl_json_parse(const char *data, size_t len, size_t max_len, json_t **out, sl_error *err)
{
    if (data == NULL)
        return sl_error_set(err, SL_EINVALID, "body", "no body");
    if (len > max_len)
        return sl_error_set(err, SL_ETOOBIG, "body", "body of %zu bytes is over the limit of %zu",
                            len, max_len);
    sl_json_load_error je;
    json_t *root = sl_json_load(data, len, &je);
    if (root == NULL)
        return sl_error_set(err, SL_EINVALID, "body", "not JSON: %s (line %d, column %d)", je.text,
                            je.line, je.column);
    *out = root;
    return SL_OK;
}

int sl_json_parse_object(const char *data, size_t len, size_t max_len, const char *what,
                         json_t **out, sl_error *err)
{
    json_t *root = NULL;
    int rc = sl_json_parse(data, len, max_len, &root, err);
    if (rc != SL_OK)
        return rc;
    if (!json_is_object(root)) {
        json_decref(root);
        return sl_error_set(err, SL_EINVALID, "body", "%s is not a JSON object",
                            what ? what : "body");
    }
    *out = root;
    return SL_OK;
}

/*
 * Finds obj[key]. SL_OK with *v = NULL when it is missing or null and not
 * required; SL_EINVALID naming key when required, or when obj is no object.
 */
static int member(const json_t *obj, const char *key, int required, json_t **v, sl_error *err)
{
    if (!json_is_object(obj))
        return sl_error_set(err, SL_EINVALID, key, "%s: the enclosing value is not an object", key);
    json_t *m = json_object_get(obj, key);
    if (m == NULL || json_is_null(m)) {
        if (required)
            return sl_error_set(err, SL_EINVALID, key, "%s: %s", key, m ? "is null" : "is missing");
        m = NULL;
    }
    *v = m;
    return SL_OK;
}

static int wrong_type(sl_error *err, const char *key, const char *want, const json_t *got)
{
    return sl_error_set(err, SL_EINVALID, key, "%s: expected %s, got %s", key, want,
                        type_name(got));
}

/* Copies text into buf or fails naming key when it does not fit. */
static int copy_out(const char *text, size_t len, char *buf, size_t buflen, const char *key,
                    sl_error *err)
{
    if (len + 1 > buflen)
        return sl_error_set(err, SL_ETOOBIG, key, "%s: %zu characters, at most %zu fit", key, len,
                            buflen ? buflen - 1 : 0);
    memcpy(buf, text, len);
    buf[len] = '\0';
    return SL_OK;
}

int sl_json_str(const json_t *obj, const char *key, int required, const char **out, sl_error *err)
{
    json_t *v;
    int rc = member(obj, key, required, &v, err);
    if (rc != SL_OK || v == NULL)
        return rc;
    if (!json_is_string(v))
        return wrong_type(err, key, "a string", v);
    const char *s = json_string_value(v);
    /* A \u0000 inside would silently cut the text in every C consumer. */
    if (strlen(s) != json_string_length(v))
        return sl_error_set(err, SL_EINVALID, key, "%s: contains a NUL", key);
    *out = s;
    return SL_OK;
}

int sl_json_int(const json_t *obj, const char *key, int required, int64_t *out, sl_error *err)
{
    json_t *v;
    int rc = member(obj, key, required, &v, err);
    if (rc != SL_OK || v == NULL)
        return rc;
    if (!json_is_integer(v))
        return wrong_type(err, key, "an integer", v);
    *out = (int64_t)json_integer_value(v);
    return SL_OK;
}

int sl_json_bool(const json_t *obj, const char *key, int required, int *out, sl_error *err)
{
    json_t *v;
    int rc = member(obj, key, required, &v, err);
    if (rc != SL_OK || v == NULL)
        return rc;
    if (!json_is_boolean(v))
        return wrong_type(err, key, "a boolean", v);
    *out = json_is_true(v);
    return SL_OK;
}

int sl_json_array(const json_t *obj, const char *key, int required, json_t **out, sl_error *err)
{
    json_t *v;
    int rc = member(obj, key, required, &v, err);
    if (rc != SL_OK || v == NULL)
        return rc;
    if (!json_is_array(v))
        return wrong_type(err, key, "an array", v);
    *out = v;
    return SL_OK;
}

int sl_json_object(const json_t *obj, const char *key, int required, json_t **out, sl_error *err)
{
    json_t *v;
    int rc = member(obj, key, required, &v, err);
    if (rc != SL_OK || v == NULL)
        return rc;
    if (!json_is_object(v))
        return wrong_type(err, key, "an object", v);
    *out = v;
    return SL_OK;
}

int sl_json_id(const json_t *obj, const char *key, int required, char *buf, size_t buflen,
               sl_error *err)
{
    json_t *v;
    int rc = member(obj, key, required, &v, err);
    if (rc != SL_OK || v == NULL)
        return rc;
    if (json_is_integer(v)) {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return copy_out(tmp, (size_t)n, buf, buflen, key, err);
    }
    const char *s = NULL;
    if (!json_is_string(v))
        return wrong_type(err, key, "a string or an integer", v);
    rc = sl_json_str(obj, key, 1, &s, err);
    if (rc != SL_OK)
        return rc;
    return copy_out(s, strlen(s), buf, buflen, key, err);
}

/*
 * Writes the plain decimal form of d (no exponent) into out, from the
 * shortest "%.*e" text that strtod reads back as the very same double.
 *
 * Why this is exact for the numbers shops print: a shop prints money with
 * at most 15 significant digits ("19.99", "1234.5"). Any decimal of at
 * most 15 significant digits survives the trip text -> double -> text at
 * 15 digits (DBL_DIG), so two different such decimals never share a
 * double. The printed text therefore round-trips, and the shortest text
 * that round-trips has at most as many digits and the same double, so it
 * is the printed number itself (less trailing zeros, which do not change
 * the value). Numbers printed with 16 or 17 digits may come back
 * differently; no shop prints money that way. Only text is produced here;
 * the caller parses it with the exact decimal code.
 */
static int shortest_decimal(double d, char *out, size_t cap)
{
    char e[40];
    int p;
    /* Starting at DBL_DIG gives the same digits as starting at 1: when a
       shorter text round-trips, the 15-digit text is that text with
       trailing zeros (stripped below), for the reason given above. */
    for (p = 15; p <= 17; p++) {
        snprintf(e, sizeof e, "%.*e", p - 1, d);
        if (strtod(e, NULL) == d)
            break;
    }
    /* e is "[-]D[.DDD]e[+-]XX"; the radix char is skipped as non-digit so
       a locale's decimal comma does not matter. */
    char digits[24];
    size_t nd = 0;
    const char *s = e;
    int neg = *s == '-';
    if (neg)
        s++;
    for (; *s && *s != 'e' && *s != 'E'; s++)
        if (*s >= '0' && *s <= '9' && nd < sizeof digits)
            digits[nd++] = *s;
    if (*s == '\0')
        return SL_EINVALID; /* inf or nan: not a number a shop prints */
    long x = strtol(s + 1, NULL, 10);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (nd == 1 && digits[0] == '0')
        neg = 0, x = 0;
    if (x > DECIMAL_EXP_MAX || x < -DECIMAL_EXP_MAX)
        return SL_ETOOBIG;
    /* value = 0.d1d2..dn * 10^(x+1): point after x+1 digits. */
    char plain[96];
    size_t o = 0;
    long point = x + 1;
    if (neg)
        plain[o++] = '-';
    if (point <= 0) {
        plain[o++] = '0';
        plain[o++] = '.';
        for (long i = point; i < 0; i++)
            plain[o++] = '0';
        for (size_t i = 0; i < nd; i++)
            plain[o++] = digits[i];
    } else {
        for (long i = 0; i < point || i < (long)nd; i++) {
            if (i == point)
                plain[o++] = '.';
            plain[o++] = i < (long)nd ? digits[i] : '0';
        }
    }
    if (o + 1 > cap)
        return SL_ETOOBIG;
    memcpy(out, plain, o);
    out[o] = '\0';
    return SL_OK;
}

int sl_json_decimal(const json_t *obj, const char *key, int required, char *buf, size_t buflen,
                    sl_error *err)
{
    json_t *v;
    int rc = member(obj, key, required, &v, err);
    if (rc != SL_OK || v == NULL)
        return rc;
    if (json_is_integer(v))
        return sl_json_id(obj, key, 1, buf, buflen, err);
    if (json_is_real(v)) {
        char tmp[96];
        rc = shortest_decimal(json_real_value(v), tmp, sizeof tmp);
        if (rc != SL_OK)
            return sl_error_set(err, rc, key, "%s: number out of range", key);
        return copy_out(tmp, strlen(tmp), buf, buflen, key, err);
    }
    if (!json_is_string(v))
        return wrong_type(err, key, "a decimal", v);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (sl_decimal_check(s, n) != SL_OK)
        return sl_error_set(err, SL_EINVALID, key, "%s: \"%.40s\" is not decimal text", key, s);
    return copy_out(s, n, buf, buflen, key, err);
}

int sl_json_time(const json_t *obj, const char *key, int required, int assume_utc, int64_t *utc_ms,
                 sl_error *err)
{
    const char *s = NULL;
    int rc = sl_json_str(obj, key, required, &s, err);
    if (rc != SL_OK || s == NULL)
        return rc;
    rc = sl_iso8601_parse(s, assume_utc, utc_ms, err);
    if (rc != SL_OK && err != NULL && err->size >= sizeof(sl_error))
        snprintf(err->field, sizeof err->field, "%s", key);
    return rc;
}
