/*
 * JSON text -> jansson tree, read directly from the buffer.
 *
 * Why not json_loadb: jansson's lexer pulls every byte through a stream
 * callback and a growing token buffer; on a 3.4 KB WooCommerce order it
 * took about 50 us, four times what building the same tree costs, and
 * every webhook and every REST page a connector reads goes through here.
 * This reader scans the buffer in place and builds the tree with
 * jansson's own constructors, so callers keep the json_t API unchanged.
 * Its rules are jansson's with JSON_REJECT_DUPLICATES (json_load.h);
 * test_sdk_json_load compares the two on fixtures, edge cases and
 * mutated documents.
 */
#include <errno.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_load.h"
#include "utf8.h"

#define SCRATCH_SMALL 512
#define NUMBER_SMALL 64

typedef struct reader {
    const unsigned char *start, *p, *end;
    int depth;
    sl_json_load_error *err;
    char *scratch; /* unescaped string text */
    size_t scratch_cap;
    char small[SCRATCH_SMALL];
} reader;

static json_t *read_value(reader *r);

/* Records why reading stopped at r->p. Returns NULL for the caller. */
static json_t *fail(reader *r, const char *why)
{
    if (r->err == NULL)
        return NULL;
    int line = 1, column = 1;
    for (const unsigned char *q = r->start; q < r->p && q < r->end; q++) {
        if (*q == '\n')
            line++, column = 1;
        else
            column++;
    }
    snprintf(r->err->text, sizeof r->err->text, "%s", why);
    r->err->line = line;
    r->err->column = column;
    return NULL;
}

static void skip_space(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

static int scratch_reserve(reader *r, size_t need)
{
    if (need <= r->scratch_cap)
        return 1;
    size_t cap = r->scratch_cap * 2;
    while (cap < need)
        cap *= 2;
    char *grown = r->scratch == r->small ? malloc(cap) : realloc(r->scratch, cap);
    if (grown == NULL)
        return 0;
    if (r->scratch == r->small)
        memcpy(grown, r->small, r->scratch_cap);
    r->scratch = grown;
    r->scratch_cap = cap;
    return 1;
}

static int hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
    if (end - p < 4)
        return 0;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return 0;
        v = v << 4 | d;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* One \uXXXX escape (r->p at the 'u'), with its low surrogate when it is
   a high one; the code point's UTF-8 goes to the scratch at *len. */
static int unescape_unicode(reader *r, size_t *len)
{
    unsigned cp, low;
    if (!hex4(r->p + 1, r->end, &cp))
        return fail(r, "invalid \\u escape"), 0;
    r->p += 5;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail(r, "unpaired low surrogate in \\u escape"), 0;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' ||
            !hex4(r->p + 2, r->end, &low) || low < 0xdc00 || low > 0xdfff)
            return fail(r, "unpaired high surrogate in \\u escape"), 0;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        r->p += 6;
    }
    if (cp == 0)
        return fail(r, "\\u0000 is not allowed in a string"), 0;
    *len += put_utf8(r->scratch + *len, cp);
    return 1;
}

/* One escape (r->p at the backslash) appended to the scratch at *len. */
static int unescape(reader *r, size_t *len)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (!scratch_reserve(r, *len + 4))
        return fail(r, "out of memory"), 0;
    r->p++;
    if (r->p >= r->end)
        return fail(r, "unterminated string"), 0;
    if (*r->p == 'u')
        return unescape_unicode(r, len);
    const char *k = *r->p ? strchr(from, *r->p) : NULL;
    if (k == NULL)
        return fail(r, "invalid escape in string"), 0;
    r->scratch[(*len)++] = to[k - from];
    r->p++;
    return 1;
}

/* A string (r->p just after the opening quote). *text is the input
   itself while nothing needs unescaping, else the scratch. */
static int read_string(reader *r, const char **text, size_t *n)
{
    const unsigned char *begin = r->p;
    int copied = 0;
    size_t len = 0;
    while (r->p < r->end) {
        unsigned char c = *r->p;
        if (c == '"') {
            *text = copied ? r->scratch : (const char *)begin;
            *n = copied ? len : (size_t)(r->p - begin);
            r->p++;
            return 1;
        }
        if (c == '\\') {
            if (!copied) {
                len = (size_t)(r->p - begin);
                if (!scratch_reserve(r, len + 4))
                    return fail(r, "out of memory"), 0;
                memcpy(r->scratch, begin, len);
                copied = 1;
            }
            if (!unescape(r, &len))
                return 0;
            continue;
        }
        size_t step = 1;
        if (c < 0x20)
            return fail(r, "control character in string"), 0;
        if (c >= 0x80 && (step = sl_utf8_length(r->p, r->end)) == 0)
            return fail(r, "invalid UTF-8 in string"), 0;
        if (copied) {
            if (!scratch_reserve(r, len + step))
                return fail(r, "out of memory"), 0;
            memcpy(r->scratch + len, r->p, step);
            len += step;
        }
        r->p += step;
    }
    return fail(r, "unterminated string"), 0;
}

static int is_digit(const unsigned char *p, const unsigned char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

static const unsigned char *skip_digits(const unsigned char *p, const unsigned char *end)
{
    while (is_digit(p, end))
        p++;
    return p;
}

/* The converted value of number text t (NUL-terminated, valid grammar). */
static json_t *number_value(reader *r, char *t, int is_real)
{
    char *stop = NULL;
    errno = 0;
    if (!is_real) {
        long long v = strtoll(t, &stop, 10);
        if (errno == ERANGE)
            return fail(r, "integer out of range");
        return json_integer((json_int_t)v);
    }
    /* strtod reads the locale's decimal point; jansson does the same. */
    const char *point = localeconv()->decimal_point;
    char *dot = strchr(t, '.');
    if (dot != NULL && point != NULL && point[0] != '.' && point[0] != '\0' && point[1] == '\0')
        *dot = point[0];
    double v = strtod(t, &stop);
    if (errno == ERANGE && (v > 1.0 || v < -1.0))
        return fail(r, "real number overflow");
    return json_real(v);
}

/* A number per RFC 8259: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
static json_t *read_number(reader *r)
{
    const unsigned char *q = r->p, *end = r->end;
    int is_real = 0;
    if (q < end && *q == '-')
        q++;
    if (!is_digit(q, end))
        return fail(r, "invalid number");
    q = *q == '0' ? q + 1 : skip_digits(q, end);
    if (is_digit(q, end))
        return fail(r, "invalid number (leading zero)");
    if (q < end && *q == '.') {
        if (!is_digit(++q, end))
            return fail(r, "invalid number (no digit after the point)");
        q = skip_digits(q, end);
        is_real = 1;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < end && (*q == '+' || *q == '-'))
            q++;
        if (!is_digit(q, end))
            return fail(r, "invalid number (no digit in the exponent)");
        q = skip_digits(q, end);
        is_real = 1;
    }
    size_t n = (size_t)(q - r->p);
    char small[NUMBER_SMALL], *t = n < sizeof small ? small : malloc(n + 1);
    if (t == NULL)
        return fail(r, "out of memory");
    memcpy(t, r->p, n);
    t[n] = '\0';
    json_t *v = number_value(r, t, is_real);
    if (t != small)
        free(t);
    if (v != NULL)
        r->p = q;
    return v;
}

static json_t *read_word(reader *r, const char *word, json_t *value)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return fail(r, "invalid token");
    r->p += n;
    return value;
}

/* Skips space; 1 (consumed) when `close` is next. */
static int take_close(reader *r, unsigned char close)
{
    skip_space(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 1;
    }
    return 0;
}

/* After a member or element: 1 when `close` ends the container, 0 after
   a comma (space skipped), -1 (recorded) otherwise. */
static int next_or_close(reader *r, unsigned char close, const char *expected)
{
    if (take_close(r, close))
        return 1;
    if (r->p >= r->end || *r->p != ',') {
        fail(r, expected);
        return -1;
    }
    r->p++;
    skip_space(r);
    return 0;
}

/* r->p after '{'. */
static json_t *read_object(reader *r)
{
    json_t *obj = json_object();
    if (obj == NULL)
        return fail(r, "out of memory");
    if (take_close(r, '}'))
        return obj;
    for (;;) {
        const char *key;
        size_t keylen;
        if (r->p >= r->end || *r->p != '"')
            return json_decref(obj), fail(r, "string or '}' expected");
        r->p++;
        if (!read_string(r, &key, &keylen))
            return json_decref(obj), NULL;
        if (json_object_getn(obj, key, keylen) != NULL)
            return json_decref(obj), fail(r, "duplicate object key");
        /* A key with escapes sits in the scratch, which the value's strings
           reuse: it gets a copy (rare). Others point into the input. */
        char *owned = NULL;
        if (key == r->scratch) {
            if ((owned = malloc(keylen ? keylen : 1)) == NULL)
                return json_decref(obj), fail(r, "out of memory");
            memcpy(owned, key, keylen);
            key = owned;
        }
        skip_space(r);
        json_t *v = NULL;
        if (r->p >= r->end || *r->p != ':')
            fail(r, "':' expected");
        else {
            r->p++;
            skip_space(r);
            v = read_value(r);
        }
        int rc = v == NULL ? -1 : json_object_setn_new_nocheck(obj, key, keylen, v);
        free(owned);
        if (rc != 0)
            return json_decref(obj), v == NULL ? NULL : fail(r, "out of memory");
        int end = next_or_close(r, '}', "',' or '}' expected");
        if (end != 0)
            return end > 0 ? obj : (json_decref(obj), NULL);
    }
}

/* r->p after '['. */
static json_t *read_array(reader *r)
{
    json_t *arr = json_array();
    if (arr == NULL)
        return fail(r, "out of memory");
    if (take_close(r, ']'))
        return arr;
    for (;;) {
        json_t *v = read_value(r);
        if (v == NULL || json_array_append_new(arr, v) != 0)
            return json_decref(arr), v == NULL ? NULL : fail(r, "out of memory");
        int end = next_or_close(r, ']', "',' or ']' expected");
        if (end != 0)
            return end > 0 ? arr : (json_decref(arr), NULL);
    }
}

static json_t *read_scalar_or_container(reader *r)
{
    if (r->p >= r->end)
        return fail(r, "unexpected end of input");
    const char *text;
    size_t n;
    switch (*r->p) {
    case '{':
        r->p++;
        return read_object(r);
    case '[':
        r->p++;
        return read_array(r);
    case '"':
        r->p++;
        if (!read_string(r, &text, &n))
            return NULL;
        json_t *s = json_stringn_nocheck(text, n);
        return s != NULL ? s : fail(r, "out of memory");
    case 't':
        return read_word(r, "true", json_true());
    case 'f':
        return read_word(r, "false", json_false());
    case 'n':
        return read_word(r, "null", json_null());
    default:
        return read_number(r);
    }
}

/* r->p at the value's first byte (space skipped). */
static json_t *read_value(reader *r)
{
    if (++r->depth > SL_JSON_MAX_DEPTH)
        return fail(r, "maximum parsing depth reached");
    json_t *v = read_scalar_or_container(r);
    r->depth--;
    return v;
}

json_t *sl_json_load(const char *data, size_t len, sl_json_load_error *err)
{
    reader r = {.start = (const unsigned char *)data,
                .p = (const unsigned char *)data,
                .end = (const unsigned char *)data + len,
                .err = err,
                .scratch_cap = SCRATCH_SMALL};
    r.scratch = r.small;
    skip_space(&r);
    json_t *root = NULL;
    if (r.p >= r.end || (*r.p != '{' && *r.p != '['))
        fail(&r, "'[' or '{' expected");
    else if ((root = read_value(&r)) != NULL) {
        skip_space(&r);
        if (r.p != r.end) {
            json_decref(root);
            root = fail(&r, "end of input expected");
        }
    }
    if (r.scratch != r.small)
        free(r.scratch);
    return root;
}
