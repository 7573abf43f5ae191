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
 * Files: pay_rule.c (the conversion rule), pay_store.c (attempts and
 * events), pay_call.c (one plugin call with params and results),
 * pay_link.c (the request and the start URL), pay_return.c (the buyer's
 * return and the result page), pay_steps.c (verify, settle, book),
 * pay_recover.c (the scheduler's pass over open attempts), pay_show.c
 * (an order's attempts as text or JSON), pay_reconcile.c (the gateway's
 * view against the books). Every function that calls a plugin expects the
 * caller to own the channel's context (serve: the channel lock).
 */
#ifndef SL_PAYMENTS_H
#define SL_PAYMENTS_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "config/config.h"
#include "runtime/runtime.h"
#include "shopledger/sdk.h"
#include "store/store.h"

#define PAY_TEXT_MAX 256

/* The schema of attempts and their events (appended to store_migrations). */
extern const store_migration payments_migration;

/* ---- the conversion rule of a gateway channel (pay_rule.c) ------------- */
/* (A gateway channel still needs the rules' `process_when` like every
   channel; it is never used for it.) */

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
     public_url = https://...       where the buyer returns (serve's URL;
                                    pay link sends PUBLIC/pay/T/C/return)
     recover_after = 10m            recovery leaves a pending attempt alone
                                    this long before asking the gateway
     recover_every = 1m             how often serve runs the recovery pass
     reverse_after = 15m            an unknown verify outcome is reversed
                                    this long after the return
     verify_deadline = 20m          the gateway's limit: still unknown
                                    past it -> reported (pay_recover.c)
   A shop channel sends an order's payment through a gateway with the map
   value "gateway:NAME" in [channel:SHOP.payments] (pay_shop.c).
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
    char fee_percent[24]; /* "" = none */
    char cash_code[64];
    char cash_account[48];
    char public_url[256]; /* "" = not configured */
} pay_rule;

/* Reads the rule of a gateway channel; SL_EINVALID naming the key. */
int pay_rule_load(const config_tenant *t, const config_channel *ch, pay_rule *r, sl_error *err);
/* Shop minor units (exponent shop_exp) -> gateway minor units by the rule;
   writes the rule used as text ("USD 12.34 x 100000 = IRR 1234000 ...")
   into `text` (cap bytes) when non-NULL. SL_ETOOBIG on overflow,
   SL_EINVALID for an amount <= 0. */
int pay_rule_to_gateway(const pay_rule *r, const char *shop_currency, int shop_exp,
                        int64_t shop_minor, int64_t *gateway_minor, char *text, size_t cap,
                        sl_error *err);
/* Gateway minor units -> shop minor units, rounded once half-up. */
int pay_rule_to_shop(const pay_rule *r, int shop_exp, int64_t gateway_minor, int64_t *shop_minor,
                     sl_error *err);

/* ---- one plugin call with params and results (pay_call.c) -------------- */

/* What a gateway call answered through result_set / result_row: rows
   are numbered from 0 (results before any result_row) upwards. */
typedef struct pay_kv {
    int row;
    char key[32];
    char value[PAY_TEXT_MAX];
} pay_kv;
typedef struct pay_results {
    pay_kv *kv;
    int n, cap;
    int rows; /* the highest row number used */
} pay_results;
void pay_results_free(pay_results *r);
/* The value of `key` in `row`, or NULL. */
const char *pay_result(const pay_results *r, int row, const char *key);

enum pay_slot {
    PAY_SLOT_REQUEST = 1,
    PAY_SLOT_VERIFY,
    PAY_SLOT_SETTLE,
    PAY_SLOT_INQUIRE,
    PAY_SLOT_REVERSE,
    PAY_SLOT_UNVERIFIED
};
/* Does the gateway channel's plugin declare `cap`? */
int pay_has_cap(const runtime_channel *gc, uint64_t cap);
/* Calls one gateway slot of `gc` with `npairs` key/value params (keys at
   even, values at odd places); results into `res` (emptied first, freed
   by the caller with pay_results_free in every case). The caller holds
   whatever lock makes gc's context its own. Returns the plugin's code. */
int pay_call(runtime_channel *gc, int slot, const char *const *pairs, size_t npairs,
             pay_results *res, sl_error *err);
/* parse_return on the buyer's return (urlencoded text). No remote call. */
int pay_call_return(runtime_channel *gc, const char *body, size_t len, pay_results *res,
                    sl_error *err);

/* ---- pay link (pay_link.c) --------------------------------------------- */

typedef struct pay_link_result {
    int64_t attempt_id; /* 0 when nothing was stored */
    char status[16];    /* pending when the URL is valid */
    char authority[128];
    char start_url[512];  /* public, no secrets */
    char start_method[8]; /* GET or POST */
    char start_field[64]; /* POST: the form field of the authority */
    char shop_currency[8], gateway_currency[8];
    int shop_exponent, gateway_exponent;
    int64_t shop_amount, gateway_amount;
    char rule[PAY_TEXT_MAX]; /* the conversion as text */
} pay_link_result;

/* Asks gateway channel `gateway` of `rt` (its plugin open) for a payment
   (on `db`, the calling thread's own connection: serve's scheduler, or
   rt->db in the CLI)
   of the open amount of order (shop_channel, external_id): the attempt
   is committed before the request, and SL_OK means the attempt is pending
   with its authority stored and out->start_url valid. SL_EREMOTE: the
   gateway refused (attempt failed); SL_ERETRY/SL_EIO: no answer (the
   attempt stays "requesting", recovery closes it); SL_EINVALID naming
   the key for a gateway channel not set up for links (public_url,
   active); SL_ECONFLICT when the order is paid or being confirmed. */
int pay_link(runtime_tenant *rt, store *db, const char *shop_channel, const char *external_id,
             const char *gateway, pay_link_result *out, sl_error *err);

/* ---- orders paid through the shop's own plugin (pay_shop.c) ------------ */

/* The gateway channel a shop's payment method goes through: the
   [channel:SHOP.payments] value "gateway:NAME" for `method`, written into
   `gateway` (cap bytes). 0 when the method is booked as cash. */
int pay_method_gateway(const config_channel *shop, const char *method, char *gateway, size_t cap);
/* What the gateway said so far of a reference the shop reported. */
enum pay_shop_outcome {
    PAY_SHOP_WAITING = 1, /* stored, not confirmed yet: the document waits Draft */
    PAY_SHOP_CONFIRMED,   /* verified (and settled where needed): post it */
    PAY_SHOP_REFUSED      /* the gateway did not confirm it: stays Draft, unpaid */
};
typedef struct pay_shop_state {
    int state; /* enum pay_shop_outcome */
    int64_t attempt_id;
    char why[PAY_TEXT_MAX + 128]; /* the reason for the document (the gateway's answer) */
} pay_shop_state;
/* An order the shop says was paid through `gateway` with the gateway's
   reference `authority` (SL_ORDER_TRANSACTION_ID). The shop's word is not
   proof, and the rules need the payment (add_payment = yes), so the
   document waits Draft until the gateway confirms: this stores an attempt
   (origin "shop", already returned) in the caller's transaction, once per
   (gateway, authority), for the scheduler to confirm (inquiry/verify;
   settle where needed), and says where it stands: waiting, confirmed (the
   rules post the document; the gateway's pass books the payment), or
   refused with the gateway's answer (the document stays Draft and unpaid,
   that answer as its reason). A reference stored for another order is
   refused. The amount is converted by the gateway's rule (the shop is
   assumed to have asked the gateway for the same figure; a different one
   is the gateway's -50 and shows as refused). No remote call. */
int pay_shop_reference(store *db, const config_tenant *t, const char *gateway,
                       const char *shop_channel, const char *external_id, int64_t doc_id,
                       const char *currency, int exponent, int64_t amount, const char *authority,
                       int64_t now_ms, pay_shop_state *out, sl_error *err);

/* ---- the buyer's return (pay_return.c) ---------------------------------- */

/* What a return page shows. */
typedef struct pay_return_view {
    int known;       /* the return named a stored attempt */
    char status[16]; /* the attempt's status, "" when unknown */
    char reference[64];
    char shop_currency[8];
    int shop_exponent;
    int64_t shop_amount;
    char shop_channel[64];
    char external_id[128];
} pay_return_view;

/* Records the buyer's return to gateway channel `gc`: `body` is the
   urlencoded query or form (the plugin's parse_return reads it, no
   remote call). The return's own status is never taken as proof: a
   pending attempt moves to "returned" with what the return said, for the
   scheduler to verify; a repeated return changes nothing. A return naming
   no stored attempt is recorded as an event ("forged_return") and
   answered SL_ENOTFOUND. `db` is the caller's own connection. Fills *v.
   With `look_only` (the result page reloading itself) nothing is
   recorded or changed: the attempt is only looked up. */
int pay_return_take(runtime_channel *gc, store *db, const char *body, size_t len, int look_only,
                    int64_t now_ms, pay_return_view *v, sl_error *err);
/* The buyer's result page (malloc'd HTML, UTF-8) for a view: paid (with
   the reference), not paid, or "checking" (loading `refresh_url`, a URL
   relative to the return's, after `refresh_s` seconds). `lang` "fa"
   gives the Persian page, right to left; anything else English. */
char *pay_return_page(const pay_return_view *v, const char *lang, int refresh_s,
                      const char *refresh_url);
/* The language of the tenant's buyer pages: [documents] language, else
   the shop channel's `language` key, else "en". Borrowed. */
const char *pay_tenant_language(const config_tenant *t, const char *shop_channel);

/* ---- recovery (pay_recover.c) ------------------------------------------- */

/* How long the scheduler leaves an attempt alone before asking the
   gateway about it (gateway channel key `recover_after`, a duration;
   default 10m), and how often one pass runs (`recover_every`, default 1m). */
#define PAY_RECOVER_AFTER_DEFAULT_MS (10LL * 60 * 1000)
#define PAY_RECOVER_EVERY_DEFAULT_MS (60LL * 1000)
/* A pending attempt whose buyer never came back is closed as cancelled
   this long after its URL was handed out, unless the gateway says paid. */
#define PAY_ABANDON_MS (60LL * 60 * 1000)

typedef struct pay_recover_report {
    int looked, verified, booked, closed, unknown;
} pay_recover_report;

/* One pass over the open attempts of gateway channel `gc`: returned ones
   are verified (after an unknown outcome: inquiry first), verified ones
   settled and booked, pending ones older than recover_after looked up in
   the gateway's unverified list or by inquiry, requesting ones whose
   answer never came closed. Each step is logged and recorded as an
   event. Returns the first store error; gateway failures only count in
   rep->unknown (they are tried again on the next pass). */
int pay_recover_channel(runtime_tenant *rt, runtime_channel *gc, store *db, int64_t now_ms,
                        pay_recover_report *rep, sl_error *err);
/* The channel's recover_every in ms (default above); -1 when the key is
   malformed (config check reports it). */
int64_t pay_recover_every_ms(const config_channel *gc);
/* The deadline path of a verify whose outcome stays unknown while the
   gateway's inquiry cannot answer (pay_recover.c): `reverse_after` after
   the buyer's return the payment is reversed (where the plugin can), so it
   must stay under the gateway's own limit (Mellat reverses an unverified
   sale itself after 20 minutes; ZarinPal reverses only within 30);
   `verify_deadline` is that limit: past it an attempt still unknown is
   reported once (event deadline_passed, an error logged, listed by
   `gateway reconcile`). Both durations; -1 when malformed. */
#define PAY_REVERSE_AFTER_DEFAULT_MS (15LL * 60 * 1000)
#define PAY_VERIFY_DEADLINE_DEFAULT_MS (20LL * 60 * 1000)
int64_t pay_reverse_after_ms(const config_channel *gc);
int64_t pay_verify_deadline_ms(const config_channel *gc);

/* ---- listing and reconciliation (pay_show.c, pay_reconcile.c) ----------- */

/* Every attempt of order (shop_channel, external_id) as a JSON array (new
   reference; NULL on error): id, gateway, status, amounts in both
   currencies, entered/returned/verified/booked times (UTC ISO-8601),
   message, reference, card mask, rule. */
json_t *pay_show_json(store *db, const char *shop_channel, const char *external_id, sl_error *err);
/* The same list as text on `out` (one block per attempt), or as JSON
   when `as_json`. `order show` calls this for its gateway tab. */
int pay_show_print(store *db, const char *shop_channel, const char *external_id, int as_json,
                   FILE *out, sl_error *err);

/* `gateway reconcile`: over attempts of `gc` created in [from_ms, to_ms)
   and the gateway's own unverified list (when the plugin has one and
   `gc` is open): verified attempts not booked, booked ones whose payment
   is missing or differs from the attempt, sessions the gateway lists as
   paid and unverified that the host does not know or has not finished.
   A JSON object {"issues": [...], "checked": N} (new reference). */
json_t *pay_reconcile_json(runtime_tenant *rt, runtime_channel *gc, int64_t from_ms, int64_t to_ms,
                           sl_error *err);

#endif
