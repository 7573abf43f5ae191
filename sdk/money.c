/*
 * Exact decimal money: text in, int64 minor units out, and the few pieces
 * of arithmetic every connector and the ledger need (rounding to a number
 * of digits, currency conversion at a decimal rate, percentages).
 *
 * The grammar of decimal text is deliberately narrow, the same on both
 * sides of the plugin boundary:  [+-]? DIGITS ( "." DIGITS )?
 * Leading zeros are allowed ("007.50"); ".5", "5.", "1e2", " 1", "1 ",
 * "1,5", "", "-" and "+" are refused. Shops print money this way (PHP's
 * number_format, JSON numbers without exponent), so anything else is a
 * sign the field is not what we think it is.
 *
 * Every intermediate that multiplies two int64 values is held in __int128
 * and checked with __builtin_*_overflow, so a product never wraps; the only
 * rounding happens once, at the end, by a named mode. There is no floating
 * point in this file.
 */
#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdk.h"

/* Longest decimal text we look at; longer text is refused, not truncated. */
#define DEC_TEXT_MAX 128
/* Most fractional digits a rate or percentage may carry after trailing
   zeros are dropped (10^18 still fits int64). */
#define DEC_SCALE_MAX 18

typedef __int128 i128;

/* Decimal text split into its parts; pointers into the caller's text. */
typedef struct dec_text {
    int neg;
    const char *ip; /* integer digits */
    size_t ni;
    const char *fp; /* fraction digits (may be empty) */
    size_t nf;
} dec_text;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Splits text against the grammar above. SL_OK or SL_EINVALID. */
static int dec_scan(const char *s, size_t len, dec_text *d)
{
    if (s == NULL || len == 0 || len > DEC_TEXT_MAX)
        return SL_EINVALID;
    size_t i = 0;
    d->neg = 0;
    if (s[0] == '-' || s[0] == '+') {
        d->neg = s[0] == '-';
        i = 1;
    }
    d->ip = s + i;
    while (i < len && is_digit(s[i]))
        i++;
    d->ni = (size_t)(s + i - d->ip);
    if (d->ni == 0)
        return SL_EINVALID;
    d->fp = s + i;
    d->nf = 0;
    if (i < len && s[i] == '.') {
        i++;
        d->fp = s + i;
        while (i < len && is_digit(s[i]))
            i++;
        d->nf = (size_t)(s + i - d->fp);
        if (d->nf == 0)
            return SL_EINVALID;
    }
    return i == len ? SL_OK : SL_EINVALID;
}

int sl_decimal_check(const char *text, size_t len)
{
    dec_text d;
    return dec_scan(text, len, &d);
}

static int mode_valid(int mode)
{
    return mode >= SL_ROUND_HALF_UP && mode <= SL_ROUND_CEIL;
}

/*
 * The one rounding decision of the library. The exact value has magnitude
 * q + f with 0 <= f < 1 (q the truncated magnitude); `half` compares f with
 * 1/2 (-1, 0, 1) and `inexact` says f > 0. Returns 1 when the magnitude
 * must grow by one unit.
 */
static int round_up_magnitude(int mode, int neg, int q_odd, int half, int inexact)
{
    if (!inexact)
        return 0;
    switch (mode) {
    case SL_ROUND_HALF_UP:
        return half >= 0;
    case SL_ROUND_HALF_EVEN:
        return half > 0 || (half == 0 && q_odd);
    case SL_ROUND_DOWN:
        return 0;
    case SL_ROUND_UP:
        return 1;
    case SL_ROUND_FLOOR:
        return neg;
    case SL_ROUND_CEIL:
        return !neg;
    default:
        return 0;
    }
}

/* num / den rounded by mode into int64; den > 0 and below 2^125 so that
   2 * remainder cannot overflow. */
static int div_round128(i128 num, i128 den, int mode, int64_t *out)
{
    int neg = num < 0;
    i128 a = neg ? -num : num;
    i128 q = a / den;
    i128 r = a % den;
    int half = (2 * r > den) - (2 * r < den);
    q += round_up_magnitude(mode, neg, (int)(q & 1), half, r != 0);
    if (q > (i128)INT64_MAX)
        return SL_ETOOBIG;
    *out = (int64_t)(neg ? -q : q);
    return SL_OK;
}

static i128 pow10_128(int n)
{
    i128 p = 1;
    for (int i = 0; i < n; i++)
        p *= 10;
    return p;
}

/* Appends one decimal digit to a magnitude that must stay <= INT64_MAX. */
static int push_digit(uint64_t *mag, char c)
{
    uint64_t m;
    if (__builtin_mul_overflow(*mag, 10u, &m) ||
        __builtin_add_overflow(m, (uint64_t)(c - '0'), &m) || m > (uint64_t)INT64_MAX)
        return SL_ETOOBIG;
    *mag = m;
    return SL_OK;
}

/*
 * Scales split text to `exponent` minor digits. mode 0 means exact: extra
 * fraction digits must all be zero. Otherwise they are rounded by mode.
 */
static int dec_to_minor(const dec_text *d, int exponent, int mode, int64_t *out)
{
    uint64_t mag = 0;
    for (size_t i = 0; i < d->ni; i++)
        if (push_digit(&mag, d->ip[i]) != SL_OK)
            return SL_ETOOBIG;
    for (size_t i = 0; i < (size_t)exponent; i++)
        if (push_digit(&mag, i < d->nf ? d->fp[i] : '0') != SL_OK)
            return SL_ETOOBIG;
    int first = 0, sticky = 0;
    if (d->nf > (size_t)exponent) {
        first = d->fp[exponent] - '0';
        for (size_t i = (size_t)exponent + 1; i < d->nf; i++)
            sticky |= d->fp[i] != '0';
    }
    int inexact = first != 0 || sticky;
    if (mode == 0 && inexact)
        return SL_EINVALID;
    int half = first > 5 || (first == 5 && sticky) ? 1 : first == 5 ? 0 : -1;
    if (mode != 0 && round_up_magnitude(mode, d->neg, (int)(mag & 1), half, inexact)) {
        if (mag == (uint64_t)INT64_MAX)
            return SL_ETOOBIG;
        mag++;
    }
    *out = d->neg ? -(int64_t)mag : (int64_t)mag;
    return SL_OK;
}

/*
 * Reads split text as mantissa / 10^scale with trailing fraction zeros
 * dropped ("1.50" -> 15 / 10^1). Used for rates and percentages, which
 * may carry more digits than any currency.
 */
static int dec_to_ratio(const dec_text *d, int64_t *mant, int *scale)
{
    size_t nf = d->nf;
    while (nf > 0 && d->fp[nf - 1] == '0')
        nf--;
    if (nf > DEC_SCALE_MAX)
        return SL_EINVALID;
    uint64_t mag = 0;
    for (size_t i = 0; i < d->ni; i++)
        if (push_digit(&mag, d->ip[i]) != SL_OK)
            return SL_ETOOBIG;
    for (size_t i = 0; i < nf; i++)
        if (push_digit(&mag, d->fp[i]) != SL_OK)
            return SL_ETOOBIG;
    *mant = d->neg ? -(int64_t)mag : (int64_t)mag;
    *scale = (int)nf;
    return SL_OK;
}

int sl_money_parse_n(const char *text, size_t len, int exponent, int mode, int64_t *out)
{
    dec_text d;
    if (exponent < 0 || exponent > SL_MONEY_MAX_EXPONENT || (mode != 0 && !mode_valid(mode)))
        return SL_EINVALID;
    if (dec_scan(text, len, &d) != SL_OK)
        return SL_EINVALID;
    return dec_to_minor(&d, exponent, mode, out);
}

int sl_money_parse(const char *text, int exponent, int64_t *out)
{
    if (text == NULL)
        return SL_EINVALID;
    return sl_money_parse_n(text, strlen(text), exponent, 0, out);
}

int sl_money_parse_round(const char *text, int exponent, int mode, int64_t *out)
{
    if (text == NULL || !mode_valid(mode))
        return SL_EINVALID;
    return sl_money_parse_n(text, strlen(text), exponent, mode, out);
}

int sl_quantity_parse(const char *text, int64_t *milli_out)
{
    return sl_money_parse(text, 3, milli_out);
}

char *sl_money_format(int64_t minor, int exponent, char *buf)
{
    char digits[24];
    int exp = exponent < 0 ? 0 : exponent > 18 ? 18 : exponent;
    /* Magnitude in uint64 so INT64_MIN formats too. */
    uint64_t mag = minor < 0 ? 0u - (uint64_t)minor : (uint64_t)minor;
    int n = 0;
    do {
        digits[n++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag != 0);
    while (n <= exp)
        digits[n++] = '0';
    size_t o = 0;
    if (minor < 0)
        buf[o++] = '-';
    for (int i = n - 1; i >= 0; i--) {
        buf[o++] = digits[i];
        if (i == exp && exp > 0)
            buf[o++] = '.';
    }
    buf[o] = '\0';
    return buf;
}

int sl_div_round(int64_t num, int64_t den, int mode, int64_t *out)
{
    if (den <= 0 || !mode_valid(mode))
        return SL_EINVALID;
    return div_round128(num, den, mode, out);
}

int sl_money_round_digits(int64_t minor, int digits, int mode, int64_t *out)
{
    if (digits < 0 || digits > 18 || !mode_valid(mode))
        return SL_EINVALID;
    i128 unit = pow10_128(digits);
    int64_t q;
    int rc = div_round128(minor, unit, mode, &q);
    if (rc != SL_OK)
        return rc;
    i128 back = (i128)q * unit;
    if (back > INT64_MAX || back < INT64_MIN)
        return SL_ETOOBIG;
    *out = (int64_t)back;
    return SL_OK;
}

/* Parses a rate or percentage text into mantissa / 10^scale. */
static int ratio_parse(const char *text, int64_t *mant, int *scale)
{
    dec_text d;
    if (text == NULL || dec_scan(text, strlen(text), &d) != SL_OK)
        return SL_EINVALID;
    return dec_to_ratio(&d, mant, scale);
}

/*
 * With the rate R / 10^k and amounts in minor units (F at exponent fe,
 * result at te), the exact result in minor units is
 *   multiply:  F * R * 10^te / 10^(fe + k)
 *   divide:    F * 10^te * 10^k / (10^fe * R)
 * The numerator is built in __int128 with overflow checks (|F|, |R| <
 * 2^63 and the powers are at most 10^24, so only absurd inputs fail); the
 * denominator stays below 2^84. One division, one rounding.
 */
int sl_money_convert(int64_t from_minor, int from_exponent, const char *rate, int multiply,
                     int to_exponent, int mode, int64_t *out)
{
    int64_t r;
    int k;
    if (from_exponent < 0 || from_exponent > SL_MONEY_MAX_EXPONENT || to_exponent < 0 ||
        to_exponent > SL_MONEY_MAX_EXPONENT || !mode_valid(mode))
        return SL_EINVALID;
    int rc = ratio_parse(rate, &r, &k);
    if (rc != SL_OK)
        return rc;
    if (r <= 0)
        return SL_EINVALID;
    i128 num = from_minor, den;
    if (multiply) {
        if (__builtin_mul_overflow(num, (i128)r, &num) ||
            __builtin_mul_overflow(num, pow10_128(to_exponent), &num))
            return SL_ETOOBIG;
        den = pow10_128(from_exponent + k);
    } else {
        if (__builtin_mul_overflow(num, pow10_128(to_exponent + k), &num))
            return SL_ETOOBIG;
        den = pow10_128(from_exponent) * r;
    }
    return div_round128(num, den, mode, out);
}

int sl_money_percent(int64_t minor, const char *percent, int mode, int64_t *out)
{
    int64_t p;
    int k;
    if (!mode_valid(mode))
        return SL_EINVALID;
    int rc = ratio_parse(percent, &p, &k);
    if (rc != SL_OK)
        return rc;
    i128 num;
    if (__builtin_mul_overflow((i128)minor, (i128)p, &num))
        return SL_ETOOBIG;
    return div_round128(num, 100 * pow10_128(k), mode, out);
}
