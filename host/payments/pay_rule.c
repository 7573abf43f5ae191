/*
 * The conversion rule of a gateway channel: currency, rate (multiply or
 * divide), rounding to 10^N gateway units, fee percent, cash account.
 *
 * Why one division: converting first to gateway minor units and then
 * rounding to 10^N would round twice (1249.5 -> 1250 -> 1300, where one
 * rounding gives 1200). The amount is therefore computed as one exact
 * fraction over __int128 and rounded once, half-up, straight to the
 * multiple of 10^N the gateway charges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payments/payments.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define RULE_MAX_ROUNDING 9
#define RATE_MAX_DIGITS 18

typedef __int128 wide;

static const char *opt(const config_channel *ch, const char *key, const char *dflt)
{
    const char *v = config_channel_get(ch, key);
    return v && *v ? v : dflt;
}

/* A small non-negative integer option. */
static int small_int(const char *v, int max, int *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end != '\0' || n < 0 || n > max)
        return -1;
    *out = (int)n;
    return 0;
}

static int yes_no(const char *v, int *out)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = 1;
    else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

/* Splits a positive decimal rate into digits / 10^scale. */
static int rate_fraction(const char *rate, wide *num, int *scale)
{
    if (sl_decimal_check(rate, strlen(rate)) != SL_OK || rate[0] == '-' || rate[0] == '+')
        return -1;
    wide n = 0;
    int digits = 0, frac = -1;
    for (const char *p = rate; *p; p++) {
        if (*p == '.') {
            frac = 0;
            continue;
        }
        if (++digits > RATE_MAX_DIGITS)
            return -1;
        n = n * 10 + (*p - '0');
        if (frac >= 0)
            frac++;
    }
    if (n <= 0)
        return -1;
    *num = n;
    *scale = frac < 0 ? 0 : frac;
    return 0;
}

static wide pow10w(int n)
{
    wide p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

#define WIDE_MAX ((wide)(((unsigned __int128)1 << 127) - 1))

/* *acc *= f unless that overflows (both > 0). */
static int mul_into(wide *acc, wide f)
{
    if (*acc > WIDE_MAX / f)
        return -1;
    *acc *= f;
    return 0;
}

/* num / den rounded half-up (both > 0), as int64; -1 on overflow. */
static int div_half_up(wide num, wide den, int64_t *out)
{
    wide q = num / den, r = num % den;
    if (r * 2 >= den)
        q++;
    if (q > (wide)INT64_MAX)
        return -1;
    *out = (int64_t)q;
    return 0;
}

static int cash_option(const config_tenant *t, const config_channel *ch, pay_rule *r)
{
    const char *m = opt(ch, "cash", ch->name);
    const char *colon = strchr(m, ':');
    if (colon && colon[1]) {
        snprintf(r->cash_code, sizeof r->cash_code, "%.*s", (int)(colon - m), m);
        snprintf(r->cash_account, sizeof r->cash_account, "%s", colon + 1);
    } else {
        snprintf(r->cash_code, sizeof r->cash_code, "%.*s",
                 colon ? (int)(colon - m) : (int)strlen(m), m);
        snprintf(r->cash_account, sizeof r->cash_account, "%s", config_account(t, "cash"));
    }
    return r->cash_code[0] ? 0 : -1;
}

/* The rate when the channel sets none. The same currency: 1. Toman and
   Rial: 10, exactly, by definition (a Toman is ten Rial), multiplying
   from Toman and dividing from Rial; without it a Toman shop would send
   ZarinPal (Rial by default) a tenth of the amount. Any other pair has no
   rate the host could know: refused, naming the key to set. */
static int default_rate(const config_tenant *t, const config_channel *ch, pay_rule *r,
                        const char **implied_mode, sl_error *err)
{
    const char *rate = config_channel_get(ch, "rate");
    const char *shop = t && t->currency ? t->currency : r->currency;
    if (rate != NULL) {
        snprintf(r->rate, sizeof r->rate, "%s", rate);
        return SL_OK;
    }
    if (strcmp(shop, r->currency) == 0) {
        snprintf(r->rate, sizeof r->rate, "1");
        return SL_OK;
    }
    int to_rial = strcmp(shop, "IRT") == 0 && strcmp(r->currency, "IRR") == 0;
    int to_toman = strcmp(shop, "IRR") == 0 && strcmp(r->currency, "IRT") == 0;
    if (!to_rial && !to_toman)
        return sl_error_set(err, SL_EINVALID, "rate",
                            "[channel:%s] the tenant books %s and the gateway takes %s: set "
                            "rate (and rate_mode) for the conversion",
                            ch->name, shop, r->currency);
    snprintf(r->rate, sizeof r->rate, "10");
    *implied_mode = to_rial ? "multiply" : "divide";
    return SL_OK;
}

int pay_rule_load(const config_tenant *t, const config_channel *ch, pay_rule *r, sl_error *err)
{
    memset(r, 0, sizeof *r);
    const char *cur = opt(ch, "gateway_currency", "IRR");
    int exp = sl_currency_exponent(cur);
    if (strlen(cur) != 3 || exp < 0)
        return sl_error_set(err, SL_EINVALID, "gateway_currency",
                            "[channel:%s] gateway_currency '%s' is not a known ISO 4217 code",
                            ch->name, cur);
    snprintf(r->currency, sizeof r->currency, "%s", cur);
    r->exponent = exp;
    const char *dec = config_channel_get(ch, "decimals");
    if (dec && small_int(dec, SL_MONEY_MAX_EXPONENT, &r->exponent) != 0)
        return sl_error_set(err, SL_EINVALID, "decimals", "[channel:%s] decimals must be 0..%d",
                            ch->name, SL_MONEY_MAX_EXPONENT);
    wide num;
    int scale;
    const char *implied_mode = NULL;
    int rc = default_rate(t, ch, r, &implied_mode, err);
    if (rc != SL_OK)
        return rc;
    if (rate_fraction(r->rate, &num, &scale) != 0)
        return sl_error_set(err, SL_EINVALID, "rate",
                            "[channel:%s] rate must be a positive decimal, got '%s'", ch->name,
                            r->rate);
    const char *mode = opt(ch, "rate_mode", implied_mode ? implied_mode : "multiply");
    if (strcmp(mode, "multiply") != 0 && strcmp(mode, "divide") != 0)
        return sl_error_set(err, SL_EINVALID, "rate_mode",
                            "[channel:%s] rate_mode must be multiply or divide", ch->name);
    r->multiply = strcmp(mode, "multiply") == 0;
    if (small_int(opt(ch, "rounding", "0"), RULE_MAX_ROUNDING, &r->rounding) != 0)
        return sl_error_set(err, SL_EINVALID, "rounding",
                            "[channel:%s] rounding must be 0..%d digits", ch->name,
                            RULE_MAX_ROUNDING);
    if (yes_no(opt(ch, "active", "yes"), &r->active) != 0)
        return sl_error_set(err, SL_EINVALID, "active", "[channel:%s] active must be yes or no",
                            ch->name);
    const char *fee = opt(ch, "fee_percent", "");
    int64_t probe;
    if (*fee && (strlen(fee) >= sizeof r->fee_percent || fee[0] == '-' ||
                 sl_money_percent(100, fee, SL_ROUND_HALF_UP, &probe) != SL_OK))
        return sl_error_set(err, SL_EINVALID, "fee_percent",
                            "[channel:%s] fee_percent must be a decimal >= 0, got '%s'", ch->name,
                            fee);
    snprintf(r->fee_percent, sizeof r->fee_percent, "%s", fee);
    if (cash_option(t, ch, r) != 0)
        return sl_error_set(err, SL_EINVALID, "cash", "[channel:%s] cash must be CODE[:ACCOUNT]",
                            ch->name);
    const char *url = opt(ch, "public_url", "");
    if (*url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        return sl_error_set(err, SL_EINVALID, "public_url",
                            "[channel:%s] public_url must be an http(s) URL", ch->name);
    snprintf(r->public_url, sizeof r->public_url, "%s", url);
    return SL_OK;
}

int pay_rule_to_gateway(const pay_rule *r, const char *shop_currency, int shop_exp,
                        int64_t shop_minor, int64_t *gateway_minor, char *text, size_t cap,
                        sl_error *err)
{
    if (shop_minor <= 0)
        return sl_error_set(err, SL_EINVALID, "amount", "nothing to pay (amount %lld)",
                            (long long)shop_minor);
    wide rate;
    int scale;
    if (rate_fraction(r->rate, &rate, &scale) != 0)
        return sl_error_set(err, SL_EINVALID, "rate", "bad rate '%s'", r->rate);
    /* gateway units of 10^rounding minor units:
       multiply: shop * rate * 10^gexp / (10^(sexp+scale) * 10^rounding)
       divide:   shop * 10^(gexp+scale) / (rate * 10^sexp * 10^rounding) */
    wide num = (wide)shop_minor, den = pow10w(shop_exp + r->rounding);
    int over = mul_into(&num, pow10w(r->exponent));
    if (r->multiply)
        over |= mul_into(&num, rate) | mul_into(&den, pow10w(scale));
    else
        over |= mul_into(&num, pow10w(scale)) | mul_into(&den, rate);
    int64_t units;
    if (over || div_half_up(num, den, &units) != 0 ||
        units > INT64_MAX / (int64_t)pow10w(r->rounding))
        return sl_error_set(err, SL_ETOOBIG, "amount", "converted amount overflows");
    int64_t g = units * (int64_t)pow10w(r->rounding);
    if (g <= 0)
        return sl_error_set(err, SL_EINVALID, "amount",
                            "the amount rounds to 0 %s by the channel's rule", r->currency);
    if (text) {
        char a[SL_MONEY_TEXT_MAX], b[SL_MONEY_TEXT_MAX];
        snprintf(text, cap, "%s %s %s %s = %s %s, rounded once half-up to 10^%d", shop_currency,
                 sl_money_format(shop_minor, shop_exp, a), r->multiply ? "x" : "/", r->rate,
                 r->currency, sl_money_format(g, r->exponent, b), r->rounding);
    }
    *gateway_minor = g;
    return SL_OK;
}

int pay_rule_to_shop(const pay_rule *r, int shop_exp, int64_t gateway_minor, int64_t *shop_minor,
                     sl_error *err)
{
    wide rate;
    int scale;
    if (gateway_minor < 0 || rate_fraction(r->rate, &rate, &scale) != 0)
        return sl_error_set(err, SL_EINVALID, "amount", "cannot convert %lld back",
                            (long long)gateway_minor);
    wide num = (wide)gateway_minor, den = pow10w(r->exponent);
    int over = mul_into(&num, pow10w(shop_exp));
    if (r->multiply)
        over |= mul_into(&num, pow10w(scale)) | mul_into(&den, rate);
    else
        over |= mul_into(&num, rate) | mul_into(&den, pow10w(scale));
    if (over || div_half_up(num, den, shop_minor) != 0)
        return sl_error_set(err, SL_ETOOBIG, "amount", "amount overflows");
    return SL_OK;
}
