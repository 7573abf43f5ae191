/*
 * Payments through bank gateways: the host side of a gateway channel.
 *
 * A gateway channel ([channel:NAME] whose plugin declares
 * SL_CAP_REQUEST_PAYMENT) takes payments for orders of the tenant's shop
 * channels. The host owns every attempt: it converts the order's open
 * amount into the gateway's currency by the channel's rule (pay_rule),
 * stores the attempt before the buyer gets the start-pay URL, reads the
 * buyer's return, verifies (and settles where the gateway needs it) and
 * books the payment once. The plugin only speaks the gateway's wire format.
 *
 * An attempt moves through
 *   requesting -> pending -> returned -> verified -> settled -> booked
 * and ends early as failed (the request was refused), cancelled (the buyer
 * did not pay), refused (the gateway did not confirm the payment) or
 * reversed (the money went back to the buyer). Each step is one commit, so
 * a crash leaves the attempt at the last confirmed step and recovery can
 * continue from there; the gateway's idempotent answers ("already
 * verified/settled") make a repeated step harmless and the booking is
 * keyed by the attempt, so nothing is booked twice.
 *
 * Built so far: the schema, the conversion rule and booking (pay_int.h
 * has the attempt and its store functions). The request/return/verify
 * driver and its CLI and serve routes are still to come.
 */
#ifndef SL_PAYMENTS_H
#define SL_PAYMENTS_H

#include <stdint.h>

#include "config/config.h"
#include "runtime/runtime.h"
#include "shopledger/sdk.h"
#include "store/store.h"

#define PAY_TEXT_MAX 256

/* The schema of attempts and their events (appended to store_migrations). */
extern const store_migration payments_migration;

/* ---- the conversion rule of a gateway channel (pay_rule.c) ------------- */

/* Keys of the gateway channel's section (all optional):
     gateway_currency = IRR         the currency the gateway works in
     decimals = 0                   its minor digits (default: ISO table)
     rate = 1                       shop currency -> gateway, decimal text
     rate_mode = multiply|divide    gateway = shop x rate, or shop / rate
     rounding = 0                   round the gateway amount to 10^N units
     active = yes                   no: pay link refuses the channel
     fee_percent = 1.5              the gateway's fee when it reports none
     cash = CODE[:ACCOUNT]          the merchant cash account (default: the
                                    channel name on the tenant's cash role)
     public_url = https://...       where the buyer returns (serve's URL)
   The rule: gateway amount = shop amount x rate (or / rate) in gateway
   minor units, rounded ONCE half-up to a multiple of 10^rounding. The
   booked cash in the shop's currency is the gateway amount converted back
   by the same rate, rounded once half-up to the shop's minor unit. */
typedef struct pay_rule {
    char currency[8];
    int exponent;
    char rate[48];
    int multiply;
    int rounding;
    int active;
    char fee_percent[24];       /* "" = none */
    char cash_code[64];
    char cash_account[48];
    char public_url[256];       /* "" = not configured */
} pay_rule;

/* Reads the rule of a gateway channel; SL_EINVALID naming the key. */
int pay_rule_load(const config_tenant *t, const config_channel *ch, pay_rule *r,
                  sl_error *err);
/* Shop minor units (exponent shop_exp) -> gateway minor units by the rule;
   writes the rule used as text ("USD 12.34 x 100000 = IRR 1234000 ...")
   into `text` (cap bytes) when non-NULL. SL_ETOOBIG on overflow,
   SL_EINVALID for an amount <= 0. */
int pay_rule_to_gateway(const pay_rule *r, const char *shop_currency, int shop_exp,
                        int64_t shop_minor, int64_t *gateway_minor, char *text,
                        size_t cap, sl_error *err);
/* Gateway minor units -> shop minor units, rounded once half-up. */
int pay_rule_to_shop(const pay_rule *r, int shop_exp, int64_t gateway_minor,
                     int64_t *shop_minor, sl_error *err);

#endif
