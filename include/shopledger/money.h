/*
 * Money for connectors and the host: int64 minor units of an ISO 4217
 * currency, parsed from decimal text exactly. No floating point anywhere.
 *
 * A currency's exponent is the number of minor digits (EUR 2, IRR 0). Text
 * with more fractional digits than the exponent is either refused
 * (sl_money_parse) or rounded by a named mode (sl_money_parse_round).
 * Overflow of int64 is always an error, never a wrap.
 *
 * Decimal text grammar (one for the whole SDK):  [+-]? DIGITS ("." DIGITS)?
 * Leading zeros are fine ("007.50"); ".5", "5.", "1e2", " 12", "12 ",
 * "1,5", "", "-" and "+" are refused with SL_EINVALID. At most 128 chars.
 * Every function returns SL_OK or a negative SL_E* status (sdk.h) and
 * writes its out-parameter only on success. Thread-safe (no state).
 *
 * Part of the static SDK helper library (libshopledger_sdk.a); the host
 * links the same code, so both sides agree to the minor unit.
 */
#ifndef SHOPLEDGER_MONEY_H
#define SHOPLEDGER_MONEY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Named rounding modes. HALF_UP rounds halves away from zero. */
enum sl_rounding {
    SL_ROUND_HALF_UP = 1,
    SL_ROUND_HALF_EVEN,
    SL_ROUND_DOWN,  /* toward zero */
    SL_ROUND_UP,    /* away from zero */
    SL_ROUND_FLOOR, /* toward -infinity */
    SL_ROUND_CEIL   /* toward +infinity */
};

#define SL_MONEY_MAX_EXPONENT 6
#define SL_MONEY_TEXT_MAX 48 /* enough for any int64 with sign and point */

/* Exponent of a known ISO 4217 code (EUR 2, HUF 2, IRR 0, IRT 0, JPY 0,
   KWD 3 ...). Returns -1 for an unknown code; tenants may override
   (e.g. HUF 0) in their INI. */
int sl_currency_exponent(const char *code);
/* The built-in table, for listings and tests: number of entries and the
   code at index i (sorted; NULL past the end). */
size_t sl_currency_count(void);
const char *sl_currency_code_at(size_t i);

/* SL_OK when text[0..len) matches the decimal grammar above, else
   SL_EINVALID. Checks form only, not range. */
int sl_decimal_check(const char *text, size_t len);

/* Parses decimal text ("19.99", "-74.00", "1e2" is refused, "  12" is
   refused) into minor units at `exponent`. Fails with SL_EINVALID when the
   text has more fractional digits than `exponent` unless every extra digit
   is 0, and with SL_ETOOBIG on overflow. *out is written only on success. */
int sl_money_parse(const char *text, int exponent, int64_t *out);

/* Like sl_money_parse but rounds extra fractional digits by `mode`. */
int sl_money_parse_round(const char *text, int exponent, int mode, int64_t *out);

/* Same as sl_money_parse_round over a length-delimited buffer (JSON number
   tokens are not NUL-terminated). mode 0 means exact, as sl_money_parse. */
int sl_money_parse_n(const char *text, size_t len, int exponent, int mode, int64_t *out);

/* Formats minor units as decimal text with exactly `exponent` fraction
   digits ("-0.05"). `buf` must hold SL_MONEY_TEXT_MAX bytes. Returns buf. */
char *sl_money_format(int64_t minor, int exponent, char *buf);

/* Divides num by den (den > 0) and rounds the quotient by `mode`. Returns
   SL_ETOOBIG on overflow of the intermediate, SL_EINVALID for den <= 0. */
int sl_div_round(int64_t num, int64_t den, int mode, int64_t *out);

/* Rounds minor units to a multiple of 10^digits ("rounding 2": 1223 -> 1200,
   1288 -> 1300 with HALF_UP). digits 0 is the identity. */
int sl_money_round_digits(int64_t minor, int digits, int mode, int64_t *out);

/* Converts an amount between currencies with a rate given as decimal text.
   `multiply` nonzero: to = from * rate; zero: to = from / rate. Exponents
   of both sides are honoured; the result is rounded once by `mode`.
   The rate must be > 0 with at most 18 significant fraction digits.
   Intermediates are __int128 with overflow checks (SL_ETOOBIG), so
   e.g. 1 EUR -> IRR at rate "480000.123456" is exact before rounding. */
int sl_money_convert(int64_t from_minor, int from_exponent, const char *rate, int multiply,
                     int to_exponent, int mode, int64_t *out);

/* Percent of an amount: amount * percent / 100 with `percent` as decimal
   text ("21", "7.25"), rounded once by `mode`. */
int sl_money_percent(int64_t minor, const char *percent, int mode, int64_t *out);

/* Quantity in thousandths parsed from decimal text ("2", "0.5" -> 500).
   Signed (refund lines may carry "-1"); more than 3 nonzero decimals is
   SL_EINVALID, like sl_money_parse at exponent 3. */
int sl_quantity_parse(const char *text, int64_t *milli_out);

#ifdef __cplusplus
}
#endif
#endif
