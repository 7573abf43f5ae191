/*
 * THE ASSUMED TARAD PUSH FORMAT — the one place that describes it.
 *
 * TARAD U-Commerce publishes no merchant API (shared/api/tarad-peak.md:
 * TARAD's side is "assumed"; only PEAK's Open API is known, and only from
 * client code). What the connector expects from TARAD is therefore written
 * down here and nowhere else: the sandbox (tests/sandbox/tarad/) sends
 * exactly this, and when TARAD's real format is obtained this header and
 * tarad_wire.c are what changes.
 *
 * Connection (documented pattern, tarad-peak.md §1): the merchant pastes a
 * *user token* into TARAD; it is the channel's secret `user_token`
 * (user_token_file / user_token_env in the INI).
 *
 * Delivery (assumed; shape of the §7 sketch, with the user token as the
 * HMAC key and a signed timestamp so a captured delivery cannot be replayed
 * later):
 *
 *   POST <our webhook URL>            Content-Type: application/json
 *   X-Tarad-Timestamp: yyyyMMddHHmmss UTC, PEAK's Time-Stamp format (§2)
 *   X-Tarad-Signature: base64(HMAC-SHA256(key = user token,
 *                                         msg = timestamp "." raw body))
 *                      (lower-case hex of the same MAC is accepted too:
 *                      the PEAK ecosystem uses both encodings, §2)
 *   body: {"event": "order.paid" | "order.cancelled", "order": {Order}}
 *
 * The timestamp must lie within max_skew (default 300 s, §6.2) of the
 * host's clock. TARAD is assumed to push when an order becomes paid and
 * again when it is cancelled, re-signing each (re)delivery.
 *
 * Order (the §7 sketch; fields marked [ext] are our own additions to it):
 *   order_no (string|number, required), status (pending|paid|shipped|
 *   completed|cancelled, required), created_at, updated_at (ISO 8601 with
 *   +07:00; updated_at required: it orders the revisions), paid_at [ext],
 *   currency (default THB), prices_include_vat [ext] (bool, default true:
 *   Thai retail prices are VAT-inclusive, PEAK taxStatus 1), subtotal,
 *   shipping_fee, shipping_vat_rate [ext] (default 0), discount,
 *   discount_vat_rate [ext] (default 0), vat, total (JSON numbers, THB),
 *   payment_method, shipping_method, tracking_no, note [ext] (buyer's
 *   comment), customer{name, email, phone, tax_id, company [ext]},
 *   billing_address / shipping_address {address, sub_district, district,
 *   province, postcode}, items[]{sku, name, quantity, unit_price,
 *   vat_rate, type [ext] "product"|"service" (default product)}.
 * Amounts of items, shipping and discount are as the shop shows them
 * (gross when prices_include_vat); the VAT of each line is derived from
 * its rate (there is no per-line VAT amount in §7) and rounded half-up per
 * line, which is also how `vat` is assumed to be computed.
 */
#ifndef TARAD_WIRE_H
#define TARAD_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"

/* Headers of a delivery. */
#define TARAD_HDR_TIMESTAMP "X-Tarad-Timestamp"
#define TARAD_HDR_SIGNATURE "X-Tarad-Signature"
#define TARAD_TIMESTAMP_LEN 14  /* yyyyMMddHHmmss */
#define TARAD_DEFAULT_SKEW "5m" /* an option default: a duration */
#define TARAD_MAX_SKEW_S 3600

/* Envelope. */
#define TARAD_KEY_EVENT "event"
#define TARAD_KEY_ORDER "order"
#define TARAD_EVENT_PAID "order.paid"
#define TARAD_EVENT_CANCELLED "order.cancelled"

/* Order fields (§7 plus [ext]). */
#define TARAD_O_NO "order_no"
#define TARAD_O_STATUS "status"
#define TARAD_O_CREATED "created_at"
#define TARAD_O_UPDATED "updated_at"
#define TARAD_O_PAID_AT "paid_at"
#define TARAD_O_CURRENCY "currency"
#define TARAD_O_INCL_VAT "prices_include_vat"
#define TARAD_O_SHIPPING "shipping_fee"
#define TARAD_O_SHIPPING_RATE "shipping_vat_rate"
#define TARAD_O_DISCOUNT "discount"
#define TARAD_O_DISCOUNT_RATE "discount_vat_rate"
#define TARAD_O_VAT "vat"
#define TARAD_O_TOTAL "total"
#define TARAD_O_PAYMENT "payment_method"
#define TARAD_O_SHIP_METHOD "shipping_method"
#define TARAD_O_TRACKING "tracking_no"
#define TARAD_O_NOTE "note"
#define TARAD_O_CUSTOMER "customer"
#define TARAD_O_ITEMS "items"
#define TARAD_C_NAME "name"
#define TARAD_C_EMAIL "email"
#define TARAD_C_PHONE "phone"
#define TARAD_C_COMPANY "company"
#define TARAD_I_SKU "sku"
#define TARAD_I_NAME "name"
#define TARAD_I_QTY "quantity"
#define TARAD_I_PRICE "unit_price"
#define TARAD_I_RATE "vat_rate"
#define TARAD_I_TYPE "type"
#define TARAD_DEFAULT_CURRENCY "THB"

/* Checks one delivery's timestamp and signature against the user token,
   in constant time. `ts` and `sig` are the header values (NULL when
   absent), `now_ms` the host's clock, `max_skew_s` the accepted clock
   difference. SL_OK, or SL_EAUTH naming the offending header in
   err->field (missing, malformed, outside the window, wrong MAC). */
int tarad_wire_verify(const char *token, const char *ts, const char *sig, const char *body,
                      size_t len, int64_t now_ms, int64_t max_skew_s, sl_error *err);

/* The signature a sender puts in X-Tarad-Signature (base64) for `ts` and
   `body`; out holds at least 45 bytes. SL_OK or SL_EINTERNAL. Used by the
   unit tests and documents the construction once more in code. */
int tarad_wire_sign(const char *token, const char *ts, const char *body, size_t len, char out[64]);

/* Parses yyyyMMddHHmmss (UTC) into epoch seconds. SL_OK or SL_EINVALID. */
int tarad_wire_timestamp(const char *ts, int64_t *epoch_s);

#endif
