/*
 * Helpers for connector authors, in the static library libshopledger_sdk.a
 * (link it; it needs libjansson and libcrypto, the same shared libraries the
 * host uses, never a private copy). None of these touch the host tables:
 * they are plain functions usable from tests too.
 *
 * JSON getters wrap jansson with type checks and fill an sl_error naming the
 * field path on a mismatch; they never abort. Returned strings are borrowed
 * from the json_t and live as long as it does.
 */
#ifndef SHOPLEDGER_SDKUTIL_H
#define SHOPLEDGER_SDKUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "sdk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fills err (if non-NULL and large enough) and returns `code`. */
int sl_error_set(sl_error *err, int code, const char *field, const char *fmt, ...) SL_PRINTF(4, 5);
/* String name of a status ("SL_EINVALID" ...). Never NULL. */
const char *sl_status_name(int code);

/* ---- field paths of mapping errors (sdk/field_path.c) -------------------- */
/* A mapper walking nested input keeps a path prefix ("line_items[2].") and
   names the failing member as prefix + key, so the error reads
   "line_items[2].price" rather than "price". */

/* out = path followed by key, cut to SL_ERROR_FIELD_MAX - 1 bytes. Either
   may be NULL (empty); key may point into out (it is moved first). */
void sl_field_path(const char *path, const char *key, char out[SL_ERROR_FIELD_MAX]);
/* After a getter failed with `rc` and filled err naming its own key:
   puts `path` in front of err->field. Returns rc; nothing changes when
   path is empty or err is NULL or too small. */
int sl_error_in(sl_error *err, const char *path, int rc);
/* A host setter refused `key` below `path` with status rc: fills err with
   field path+key and "the host refused FIELD = "VALUE" (SL_E...)"
   (VALUE cut to 80 bytes). Returns rc when negative, else SL_EINVALID. */
int sl_error_refused(sl_error *err, const char *path, const char *key, const char *value, int rc);

/* ---- the order builder from a mapper (sdk/builder_put.c) ---------------- */
/* A mapper sets fields on the order or on one of its lines alike. The
   builder keeps the first refusal (sticky, sdk.h), so a caller checks the
   result only to stop early or to name its own field (sl_error_refused). */

/* Text `field` of line l, or of order o when l is NULL. Returns the
   setter's status. */
int sl_put_text(const sl_host *h, sl_order *o, sl_line *l, int field, const char *value);
/* Money `field` of line l (or of order o when l is NULL) = minor units at
   `exponent`, handed over as exact decimal text, which is also written
   into text (SL_MONEY_TEXT_MAX bytes) for the caller's error. Returns the
   setter's status. */
int sl_put_money(const sl_host *h, sl_order *o, sl_line *l, int field, int64_t minor, int exponent,
                 char *text);

/* ---- HTTP answers (sdk/http_answer.c) ------------------------------------ */
/* What every REST connector does around host->http_send: send, insist on
   a response, turn a failed status into the SDK's error codes with the
   wait Retry-After asks for. A connector with other rules (a 403 that is
   a throttle, a 404 that is a remote refusal) passes its own code. */

#define SL_RETRY_AFTER_MAX_MS (3600LL * 1000) /* longest wait we honour */

/* Sends req through host->http_send. SL_OK with *resp set whenever a
   response came back, whatever its status; otherwise the host's code with
   its err, or SL_EIO "WHAT: no response" (what: "GET /orders", a call's
   name). *resp is written only on success. Thread: the caller's call. */
int sl_http_exchange(const sl_host *h, sl_http_req *req, const char *what, sl_http_resp **resp,
                     sl_error *err);
/* A connector's own map of an answer outside 2xx to an error (its remote's
   error body, a status with its own meaning); returns the code. */
typedef int (*sl_http_fail_fn)(void *data, const char *what, const sl_http_resp *resp,
                               sl_error *err);
/* sl_http_exchange, then an answer outside 2xx goes to on_fail(data, ...)
   (NULL: sl_http_fail with the default map, no detail). SL_OK with *resp
   only for a 2xx answer. */
int sl_http_send_2xx(const sl_host *h, sl_http_req *req, const char *what, sl_http_fail_fn on_fail,
                     void *data, sl_http_resp **resp, sl_error *err);
/* The default map of a final HTTP status: 2xx SL_OK, 401 SL_EAUTH, 404
   SL_ENOTFOUND, 429 and 5xx SL_ERETRY, any other SL_EREMOTE. */
int sl_http_status_code(int status);
/* Retry-After in delta seconds as milliseconds: the larger of floor_ms and
   the header, at most SL_RETRY_AFTER_MAX_MS; floor_ms when the header is
   absent or not seconds (an HTTP-date is left to the host's backoff). */
int64_t sl_http_retry_after_ms(const sl_host *h, const sl_http_resp *resp, int64_t floor_ms);
/* Fills err for a failed answer and returns `code` (0: the default map
   of its status): message "WHAT: HTTP STATUS" and ": DETAIL" when detail
   is not empty, err->http_status, and for SL_ERETRY err->retry_after_ms
   from sl_http_retry_after_ms(retry_floor_ms). */
int sl_http_fail(const sl_host *h, const sl_http_resp *resp, int code, int64_t retry_floor_ms,
                 const char *what, const char *detail, sl_error *err);

/* ---- webhook deliveries (sdk/webhook.c) ---------------------------------- */
/* The prologue of verify_webhook / parse_webhook: the body within its cap,
   then the signature, unless the host vouches for the body (an operator's
   `inbox add` replay, host->request_verified). */

/* *body = the delivery's body ("" when it has none), *len its bytes.
   SL_ETOOBIG naming "body" when over max. Out-parameters written only on
   success; the body is borrowed for the call. */
int sl_webhook_body(const sl_host *h, const sl_request *req, size_t max, const char **body,
                    size_t *len, sl_error *err);
/* A prepared HMAC-SHA256 key: sl_hmac_key_open, with the crypto below. */
typedef struct sl_hmac_key sl_hmac_key;
/* How a shop signs its deliveries: base64(HMAC-SHA256(key, raw body)) in
   one header. */
typedef struct sl_webhook_hmac {
    const char *header;   /* "X-WC-Webhook-Signature" */
    const char *what;     /* the signature in messages: "webhook signature" */
    const char *key;      /* the channel's key, NULL when none is configured */
    const char *key_name; /* its option name, for the error field */
} sl_webhook_hmac;
/* Checks the signature over the exact bytes, in constant time, trailing
   blanks of the header ignored; SL_OK at once when the host vouches for
   the body. SL_EAUTH naming the header when it is absent, empty ("unsigned
   delivery refused") or does not match ("WHAT does not match the body");
   SL_EAUTH naming key_name when key is NULL. */
int sl_webhook_check_hmac(const sl_host *h, const sl_request *req, const sl_webhook_hmac *sig,
                          const char *body, size_t len, sl_error *err);
/* The same check with sig->key prepared once (sl_hmac_key_open of the same
   bytes) for a channel that checks every delivery; NULL prepared is the
   call above. */
int sl_webhook_check_hmac_prepared(const sl_host *h, const sl_request *req,
                                   const sl_webhook_hmac *sig, sl_hmac_key *prepared,
                                   const char *body, size_t len, sl_error *err);

/* ---- batch pushes (sdk/push.c) ------------------------------------------- */
/* What push_stock / push_prices of every connector share: the list's size
   and currency checked up front, and one way to report a read-back. */

#define SL_PUSH_LIST_MAX 100000 /* SKUs in one push a connector accepts */

/* The prologue of a push: *count = the list's items (SL_ETOOBIG naming
   "list" over SL_PUSH_LIST_MAX); for prices (prices != 0) *exponent = the
   minor-unit exponent of the list's currency (SL_EINVALID naming
   "currency" when unknown), for stock 0 (whole units). Out-parameters
   written only on success. */
int sl_push_begin(const sl_host *h, const sl_stock_list *list, int prices, size_t *count,
                  int *exponent, sl_error *err);
/* The outcome of a written item read back from the remote: SL_PUSH_WRITTEN
   when `have` (NULL or "" = nothing) equals `wrote`, else SL_PUSH_DRIFT
   with "wrote X, shop shows Y" in msg (cap bytes; msg "" when written). */
int sl_push_read_back(const char *wrote, const char *have, char *msg, size_t cap);
/* After a batch call failed with err: the report message for the items it
   leaves undone, "not pushed: MESSAGE", into msg (cap bytes). */
void sl_push_not_pushed(const sl_error *why, char *msg, size_t cap);

/* ---- JSON ---------------------------------------------------------------- */

/* Parses a body with a size cap and depth cap (jansson's own depth limit
   is 2048; we refuse bodies over max_len with SL_ETOOBIG, field "body").
   Duplicate keys are refused; the top level must be an object or array.
   On success *out is a new reference the caller json_decref()s. */
int sl_json_parse(const char *data, size_t len, size_t max_len, json_t **out, sl_error *err);
/* sl_json_parse for bodies that must be one JSON object (webhook and push
   bodies): anything else is SL_EINVALID naming "body", with `what` ("webhook
   body") in the message. */
int sl_json_parse_object(const char *data, size_t len, size_t max_len, const char *what,
                         json_t **out, sl_error *err);

/* Typed getters. `required` nonzero: a missing key (or null) is
   SL_EINVALID; zero: a missing key or JSON null leaves *out untouched and
   returns SL_OK. A present value of the wrong type is always SL_EINVALID
   naming `key` in err->field (also when obj itself is not an object).
   sl_json_str refuses strings with an embedded \u0000. */
int sl_json_str(const json_t *obj, const char *key, int required, const char **out, sl_error *err);
int sl_json_int(const json_t *obj, const char *key, int required, int64_t *out, sl_error *err);
int sl_json_bool(const json_t *obj, const char *key, int required, int *out, sl_error *err);
/* An array member (required when `required`); *out borrowed. */
int sl_json_array(const json_t *obj, const char *key, int required, json_t **out, sl_error *err);
int sl_json_object(const json_t *obj, const char *key, int required, json_t **out, sl_error *err);
/* A value that is a string or an integer (ids appear as both), returned as
   text in buf (buflen bytes). */
int sl_json_id(const json_t *obj, const char *key, int required, char *buf, size_t buflen,
               sl_error *err);
/* A money value given as a JSON string ("12.50") or a JSON number (19.99),
   returned as exact decimal text in buf (money.h grammar; a string that
   does not match it is SL_EINVALID). Integers pass through as their text.
   jansson has already made a double of a JSON number with a point, so the
   shop's printed text is recovered as the shortest decimal that reads
   back as the same double (exact for up to 15 significant digits, which
   is all a shop prints; see json.c), never through arithmetic on it.
   Numbers beyond 1e30 or below 1e-30 are refused. SL_ETOOBIG when the
   text does not fit buflen. */
int sl_json_decimal(const json_t *obj, const char *key, int required, char *buf, size_t buflen,
                    sl_error *err);
/* A date-time string (sl_iso8601_parse rules) as UTC milliseconds; a
   bad one fails with err->field = key. */
int sl_json_time(const json_t *obj, const char *key, int required, int assume_utc, int64_t *utc_ms,
                 sl_error *err);

/* ---- crypto and encodings -------------------------------------------------- */

#define SL_SHA256_LEN 32
/* HMAC-SHA256 (and -SHA1 for OAuth 1.0a). out must hold 32 (20) bytes.
   SL_OK, SL_EINVALID (NULL with a length, key over INT_MAX) or
   SL_EINTERNAL (libcrypto failed). */
int sl_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                   unsigned char out[32]);
int sl_hmac_sha1(const void *key, size_t key_len, const void *data, size_t len,
                 unsigned char out[20]);
/* An HMAC-SHA256 key prepared once for many messages (a channel's webhook
   secret): each sl_hmac_key_sha256 gives what sl_hmac_sha256 gives with the
   same key, at about half the cost on a body of a few KB. The key's bytes
   are copied in; the caller may free them. One thread at a time per key
   (as a channel's state is used). open: SL_OK and *out, SL_EINVALID (NULL
   with a length), SL_ENOMEM or SL_EINTERNAL, *out untouched on failure.
   close takes NULL. (The type is declared with sl_webhook_hmac.) */
int sl_hmac_key_open(const void *key, size_t key_len, sl_hmac_key **out);
int sl_hmac_key_sha256(sl_hmac_key *k, const void *data, size_t len, unsigned char out[32]);
void sl_hmac_key_close(sl_hmac_key *k);
/* Standard base64 with padding. out must hold ((len+2)/3)*4+1 bytes.
   Returns the encoded length. */
size_t sl_base64_encode(const unsigned char *in, size_t len, char *out);
/* Decodes padded standard base64, strictly: no whitespace, no missing
   padding, no nonzero leftover bits. SL_EINVALID on bad input,
   SL_ETOOBIG when out_cap is short; out and *out_len written on success. */
int sl_base64_decode(const char *in, size_t len, unsigned char *out, size_t out_cap,
                     size_t *out_len);
/* Lower-case hex. out must hold 2*len+1 bytes. */
void sl_hex_encode(const unsigned char *in, size_t len, char *out);
/* Decodes hex of either case; errors as sl_base64_decode. */
int sl_hex_decode(const char *in, size_t len, unsigned char *out, size_t out_cap, size_t *out_len);
/* SHA-256 of data. */
int sl_sha256(const void *data, size_t len, unsigned char out[32]);
/* Constant-time equality of two buffers (lengths compared first; the
   length itself is not secret). Returns 1 when equal. */
int sl_ct_equal(const void *a, size_t a_len, const void *b, size_t b_len);
/* RFC 3986 percent-encoding (unreserved kept). Returns bytes written
   excluding NUL, or (size_t)-1 when out_cap is too small. */
size_t sl_url_encode(const char *in, char *out, size_t out_cap);
/* Looks up field `name` in an application/x-www-form-urlencoded body of
   len bytes (name=value pairs joined by '&'; '+' is a space, %XX a byte):
   the first pair whose decoded name equals `name` (ignoring ASCII letter
   case when `nocase` is nonzero; a pair without '=' has an empty value)
   is decoded into out (cap bytes, NUL-terminated). Returns 1 when found,
   0 when absent, SL_EINVALID for a bad %-escape or a NUL byte in the value,
   SL_ETOOBIG when it needs more than cap-1 bytes; out is "" unless found.
   The gateways' return routes use it (GET query text and POST bodies). */
int sl_form_get(const char *body, size_t len, const char *name, int nocase, char *out, size_t cap);
/* Fills buf (n+1 bytes) with n random alphanumeric chars and a NUL (OAuth
   nonce), from RAND_bytes without modulo bias. SL_EINTERNAL when the
   generator fails (buf is then ""). */
int sl_random_token(char *buf, size_t n);

/* ---- time ------------------------------------------------------------------ */

/* Parses ISO 8601 "YYYY-MM-DDTHH:MM:SS" with optional fraction and optional
   "Z" or "+HH:MM"/"-HH:MM" (also "+HHMM"; "t"/space for "T"). Text without
   an offset is read as UTC when `assume_utc` is nonzero and refused
   otherwise. Every field is range-checked (Feb 29 only in leap years, no
   leap second); year 0001-9999; fraction 1-9 digits, truncated to ms.
   Independent of TZ. Writes UTC milliseconds; SL_EINVALID otherwise. */
int sl_iso8601_parse(const char *text, int assume_utc, int64_t *utc_ms, sl_error *err);
/* Formats UTC ms as "YYYY-MM-DDTHH:MM:SS" (no offset) when `zulu` is 0,
   with a trailing "Z" otherwise. buf must hold 32 bytes. Milliseconds are
   dropped (floor, also before 1970). Independent of TZ. */
char *sl_iso8601_format(int64_t utc_ms, int zulu, char *buf);

/* Days since 1970-01-01 of proleptic Gregorian y-m-d (fields not checked)
   and back. Pure integer arithmetic, independent of TZ. */
int64_t sl_days_from_civil(int64_t y, int m, int d);
void sl_civil_from_days(int64_t days, int *y, int *m, int *d);

/* ---- Jalali (Solar Hijri) calendar ------------------------------------------ */

/* Years this conversion supports (1921-03-21 .. 2121-03-20 Gregorian). The
   leap rule is the 33-year arithmetic one, which matches the official
   astronomical calendar throughout this range. */
#define SL_JALALI_MIN_YEAR 1300
#define SL_JALALI_MAX_YEAR 1499
/* 1 when Jalali year jy has 366 days (Esfand 30), else 0. */
int sl_jalali_is_leap(int jy);
/* Days in month jm (1..12) of year jy; 0 for a month out of range. */
int sl_jalali_month_days(int jy, int jm);
/* Gregorian -> Jalali and back. Both check every field (Feb 29 only in
   Gregorian leap years, Esfand 30 only in Jalali leap years) and the
   supported range; SL_EINVALID otherwise, the outputs then unwritten.
   Pure functions: no time zone, no locale, thread-safe. */
int sl_jalali_from_gregorian(int gy, int gm, int gd, int *jy, int *jm, int *jd);
int sl_gregorian_from_jalali(int jy, int jm, int jd, int *gy, int *gm, int *gd);

/* Tehran wall-clock time of a Jalali date -> UTC milliseconds. Iran kept
   +03:30 with daylight saving +04:30 from 2 Farvardin 00:00 to 30 Shahrivar
   24:00 in the years 1387..1401 (2008..2022, as the IANA zone Asia/Tehran
   has it) and no daylight saving from 1402 on. A wall time in the skipped
   hour (2 Farvardin 00:00-00:59) is read as standard time; one in the
   repeated hour (30 Shahrivar 23:00-23:59) as the first, daylight one.
   Years 1387..SL_JALALI_MAX_YEAR (earlier rules are not modelled);
   hour 0-23, minute and second 0-59. SL_EINVALID otherwise, *utc_ms
   then unwritten. Pure: no TZ, no locale. */
#define SL_JALALI_TEHRAN_MIN_YEAR 1387
int sl_jalali_tehran_to_utc(int jy, int jm, int jd, int hour, int minute, int second,
                            int64_t *utc_ms);
/* Parses a Jalali date as Iranian services write it, "1403/02/12" or
   "1403-2-12", optionally followed by " HH:MM" or " HH:MM:SS", in ASCII,
   Persian or Arabic-Indic digits, as Tehran time (sl_jalali_tehran_to_utc;
   no time = 00:00). SL_EINVALID naming field "date" otherwise. */
int sl_jalali_parse_tehran(const char *text, int64_t *utc_ms, sl_error *err);

/* ---- UTF-8 (sdk/utf8.c) --------------------------------------------------- */

/* Whether text[0..len) is strict UTF-8: no overlong forms, no surrogates,
   nothing above U+10FFFF (NUL bytes count as characters). */
int sl_utf8_valid(const char *text, size_t len);

/* ---- Persian text ----------------------------------------------------------- */

/* Normalizes UTF-8 text from Iranian sources for comparison and numbers:
   Persian (U+06F0..06F9) and Arabic-Indic (U+0660..0669) digits become
   ASCII, Arabic yeh/alef maksura (U+064A, U+0649) become Persian yeh
   (U+06CC), Arabic kaf (U+0643) Persian keheh (U+06A9), teh marbuta
   (U+0629) heh (U+0647); zero-width non-joiner, tatweel and harakat
   (U+064B..0652) are dropped; runs of white space become one space, none
   leading or trailing; ASCII letters are lower-cased when `fold_case`.
   Writes a NUL-terminated result into out (cap bytes; never longer than
   the input). SL_ETOOBIG when it does not fit, SL_EINVALID for text that
   is not UTF-8 (out is then ""). */
int sl_fa_normalize(const char *in, int fold_case, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
