/*
 * Internals of host/payments: the stored attempt, its SQL (pay_store.c)
 * and booking (pay_book.c).
 */
#ifndef SL_PAY_INT_H
#define SL_PAY_INT_H

#include "payments/payments.h"

/* Attempt statuses as stored. */
#define PAY_REQUESTING "requesting"
#define PAY_PENDING "pending"
#define PAY_RETURNED "returned"
#define PAY_VERIFIED "verified"
#define PAY_SETTLED "settled"
#define PAY_BOOKED "booked"
#define PAY_FAILED "failed"
#define PAY_CANCELLED "cancelled"
#define PAY_REFUSED "refused"
#define PAY_REVERSED "reversed"

/* The attempt's `code` column: after the buyer's return "OK" or "NOK"
   (what the return said: never proof); after a gateway answer, the
   gateway's code; a '?' in front ("?OK") marks a verify whose outcome
   is unknown (timeout, fault), which recovery settles by inquiry first. */
typedef struct pay_attempt {
    int64_t id;
    char channel[64]; /* the gateway channel */
    char shop_channel[64];
    char external_id[128];
    int64_t document_id;
    char origin[8]; /* "link" or "shop" */
    char authority[128];
    char status[16];
    char shop_currency[8];
    int shop_exponent;
    int64_t shop_amount;
    char gateway_currency[8];
    int gateway_exponent;
    int64_t gateway_amount;
    char rule[PAY_TEXT_MAX];
    char reference[64];
    char sale_reference[64];
    char card_mask[64];
    char message[PAY_TEXT_MAX];
    char code[16];
    int64_t fee_gateway; /* -1: the gateway reported none */
    int64_t created_ms, entered_ms, returned_ms, verified_ms, settled_ms, booked_ms;
} pay_attempt;

/* pay_store.c. Every write runs in the caller's transaction when one is
   open, else commits at once. An insert whose (channel, authority) is
   stored already writes nothing and sets a->id = 0. */
int pay_attempt_insert(store *db, pay_attempt *a, int64_t now_ms, sl_error *err);
int pay_attempt_load(store *db, int64_t id, pay_attempt *a, sl_error *err);
/* SL_ENOTFOUND when the channel has no attempt with that authority. */
int pay_attempt_by_authority(store *db, const char *channel, const char *authority, pay_attempt *a,
                             sl_error *err);
/* Writes the mutable fields of `a` (status, authority, references, fee,
   times, message) back. */
int pay_attempt_save(store *db, const pay_attempt *a, int64_t now_ms, sl_error *err);
/* Ids of the channel's attempts in a non-final status, oldest first. */
int pay_attempts_open(store *db, const char *channel, int64_t *ids, int max, int *n, sl_error *err);
/* How many events of `kind` attempt `attempt_id` has. */
int pay_event_count(store *db, int64_t attempt_id, const char *kind, int *n, sl_error *err);
/* An event of a channel (attempt_id 0 = none, e.g. a forged return). */
int pay_event(store *db, const char *channel, int64_t attempt_id, const char *kind,
              const char *text, int64_t now_ms, sl_error *err);

/* pay_book.c: books a verified (and settled) attempt once, in the
   caller's transaction: payment, fee, rounding, status booked, outbox. */
int pay_book(runtime_tenant *rt, store *db, const pay_rule *rule, pay_attempt *a, int64_t now_ms,
             sl_error *err);

/* Since when the attempt's outcome may be money at the gateway, for the
   deadline path: the buyer's return, else (found paid by recovery, never
   returned) when the buyer entered the gateway, else its creation. The
   earliest time the host knows, so a reversal is never late. */
int64_t pay_attempt_since(const pay_attempt *a);
/* Is `status` final (nothing more will happen)? */
int pay_status_final(const char *status);

/* The attempts of one shop order, oldest first (at most `max`). */
int pay_attempts_of_order(store *db, const char *shop_channel, const char *external_id,
                          pay_attempt *out, int max, int *n, sl_error *err);
/* Attempts of a gateway channel created in [from_ms, to_ms), oldest first. */
int pay_attempts_between(store *db, const char *channel, int64_t from_ms, int64_t to_ms,
                         pay_attempt *out, int max, int *n, sl_error *err);

/* ---- the attempt's steps (pay_steps.c) --------------------------------- */

/* The verify params of an attempt ("authority", "amount", "order_ref",
   "sale_reference", "currency") into pairs (10 entries) backed by bufs. */
void pay_attempt_params(const pay_attempt *a, const char *pairs[10], char amount[32], char ref[32]);
/* Verifies (SL_OK: status verified, references kept; SL_EREMOTE: status
   cancelled or refused, final; otherwise the outcome is unknown and the
   code gets the '?' mark) and saves the attempt with an event. A plugin's
   SL_EINVALID (the attempt lacks what a verify needs) is final like a
   refusal and answered SL_EREMOTE. */
int pay_step_verify(runtime_channel *gc, store *db, pay_attempt *a, int64_t now, sl_error *err);
/* Settles where the plugin declares SL_CAP_SETTLE_PAYMENT (else nothing),
   then books in one transaction. */
int pay_step_finish(runtime_tenant *rt, runtime_channel *gc, store *db, const pay_rule *rule,
                    pay_attempt *a, int64_t now, sl_error *err);
/* An attempt of origin "shop" (pay_shop.c): its document waited Draft
   for the gateway; once the attempt is confirmed or refused the rules run
   on the order again (rules_reprocess_order), posting the document or
   writing the gateway's answer as its reason. pay_shop_post does that for
   a confirmed attempt whose document is still Draft (SL_ECONFLICT when
   the document stays Draft for a reason of its own, or was voided: the
   order cancelled meanwhile); pay_step_finish calls it before booking. */
int pay_shop_post(runtime_tenant *rt, store *db, const pay_attempt *a, int64_t now, sl_error *err);
/* Sets status/message/code and saves with an event of kind `kind`. */
int pay_attempt_move(store *db, pay_attempt *a, const char *status, const char *kind,
                     const char *message, int64_t now, sl_error *err);

#endif
