/*
 * The steps that move an attempt forward once the buyer came back (or
 * recovery found the session paid): verify, settle where the gateway
 * needs it, book. Each step is its own commit, so a crash leaves the
 * attempt at the last step the gateway confirmed; repeating a step is
 * harmless (the gateway answers "already verified/settled", the booking
 * is keyed by the attempt).
 *
 * Never trusting the return: whatever the buyer's return said, the
 * attempt is verified with the amount the host stored, so a return
 * claiming success for an unpaid session, or a session paid with another
 * amount, is refused by the gateway and recorded as refused.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"
#include "payments/pay_int.h"
#include "rules/rules.h"
#include "services/services.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

void pay_attempt_params(const pay_attempt *a, const char *pairs[10], char amount[32], char ref[32])
{
    snprintf(amount, 32, "%lld", (long long)a->gateway_amount);
    snprintf(ref, 32, "%lld", (long long)a->id);
    const char *p[10] = {
        "authority", a->authority,     "amount",          amount,     "order_ref",
        ref,         "sale_reference", a->sale_reference, "currency", a->gateway_currency};
    memcpy(pairs, p, sizeof p);
}

int pay_attempt_move(store *db, pay_attempt *a, const char *status, const char *kind,
                     const char *message, int64_t now, sl_error *err)
{
    char moved[sizeof a->status]; /* status may be a->status itself */
    snprintf(moved, sizeof moved, "%s", status);
    snprintf(a->status, sizeof a->status, "%s", moved);
    if (message)
        snprintf(a->message, sizeof a->message, "%s", message);
    int own = 0;
    int rc = store_tx_enter(db, &own, err);
    if (rc == SL_OK)
        rc = pay_attempt_save(db, a, now, err);
    if (rc == SL_OK)
        rc = pay_event(db, a->channel, a->id, kind, a->message, now, err);
    return store_tx_leave(db, own, rc, err);
}

/* The return's word without the unknown mark: "OK" or "NOK" ("" when the
   attempt never saw a return, e.g. found paid by recovery). */
static const char *return_word(const pay_attempt *a)
{
    const char *c = a->code[0] == '?' ? a->code + 1 : a->code;
    return strcmp(c, "OK") == 0 || strcmp(c, "NOK") == 0 ? c : "";
}

static void keep(char *dst, size_t cap, const char *v)
{
    if (v && *v)
        snprintf(dst, cap, "%s", v);
}

int pay_step_verify(runtime_channel *gc, store *db, pay_attempt *a, int64_t now, sl_error *err)
{
    const char *pairs[10];
    char amount[32], ref[32], msg[PAY_TEXT_MAX];
    pay_attempt_params(a, pairs, amount, ref);
    pay_results res;
    sl_error e = {.size = sizeof e};
    int rc = pay_call(gc, PAY_SLOT_VERIFY, pairs, 10, &res, &e);
    const char *code = pay_result(&res, 0, "code"), *gm = pay_result(&res, 0, "message");
    int saved;
    if (rc == SL_OK) {
        keep(a->reference, sizeof a->reference, pay_result(&res, 0, "reference"));
        keep(a->card_mask, sizeof a->card_mask, pay_result(&res, 0, "card_mask"));
        const char *fee = pay_result(&res, 0, "fee");
        int64_t f;
        if (fee && sl_money_parse(fee, 0, &f) == SL_OK && f >= 0)
            a->fee_gateway = f;
        keep(a->code, sizeof a->code, code);
        a->verified_ms = now;
        snprintf(msg, sizeof msg, "verified%s, reference %s%s%s",
                 pay_result(&res, 0, "already") ? " (already)" : "",
                 a->reference[0] ? a->reference : "-", gm && *gm ? ": " : "", gm ? gm : "");
        saved = pay_attempt_move(db, a, PAY_VERIFIED, "verified", msg, now, err);
    } else if (rc == SL_EREMOTE || rc == SL_EINVALID) {
        /* A refusal after a return that said "not paid" is the buyer's
           cancel; after one that said "paid" (or none) the gateway did not
           confirm what the host stored: refused. SL_EINVALID is final too:
           the attempt lacks what a verify needs (a Mellat return that
           says "cancelled" carries no SaleReferenceId), so no verify can
           ever confirm it. */
        int cancelled = strcmp(return_word(a), "NOK") == 0;
        snprintf(a->code, sizeof a->code, "%s", code ? code : "");
        snprintf(msg, sizeof msg, "%s: %.200s", cancelled ? "not paid" : "refused by the gateway",
                 gm && *gm ? gm : e.message);
        saved = pay_attempt_move(db, a, cancelled ? PAY_CANCELLED : PAY_REFUSED,
                                 cancelled ? "cancelled" : "refused", msg, now, err);
        rc = SL_EREMOTE;
    } else {
        char word[8];
        snprintf(word, sizeof word, "%.3s", return_word(a)); /* "OK", "NOK" or "" */
        snprintf(a->code, sizeof a->code, "?%s", word);
        snprintf(msg, sizeof msg, "verify: outcome unknown (%s): %.200s", sl_status_name(rc),
                 e.message);
        saved = pay_attempt_move(db, a, a->status, "unknown", msg, now, err);
    }
    pay_results_free(&res);
    services_log(gc->ctx, rc == SL_OK ? SL_LOG_INFO : SL_LOG_WARN, "attempt %lld: %s",
                 (long long)a->id, msg);
    if (saved != SL_OK)
        return saved;
    if (rc != SL_OK)
        *err = e;
    return rc;
}

/* Is the document one a payment can be booked on? */
static int bookable(const ledger_doc *d)
{
    return strcmp(d->status, LEDGER_POSTED) == 0 || strcmp(d->status, LEDGER_APPROVED) == 0;
}

int pay_shop_post(runtime_tenant *rt, store *db, const pay_attempt *a, int64_t now, sl_error *err)
{
    ledger_doc *d = NULL;
    int rc = ledger_doc_load(db, a->document_id, &d, err);
    if (rc == SL_OK && strcmp(d->status, LEDGER_DRAFT) == 0) {
        ledger_doc_free(d);
        d = NULL;
        int state = 0;
        rc = rules_reprocess_order(db, rt->config, a->shop_channel, a->external_id, now, &state,
                                   err);
        if (rc == SL_OK)
            rc = ledger_doc_load(db, a->document_id, &d, err);
    }
    if (rc == SL_OK && !bookable(d)) /* kept Draft by a reason of its own, or void */
        rc = sl_error_set(err, SL_ECONFLICT, "document",
                          "attempt %lld is confirmed, but its document is %s%s%.300s",
                          (long long)a->id, d->status, d->reason[0] ? ": " : "", d->reason);
    ledger_doc_free(d);
    return rc;
}

int pay_step_finish(runtime_tenant *rt, runtime_channel *gc, store *db, const pay_rule *rule,
                    pay_attempt *a, int64_t now, sl_error *err)
{
    if (strcmp(a->status, PAY_VERIFIED) == 0 && pay_has_cap(gc, SL_CAP_SETTLE_PAYMENT)) {
        const char *pairs[10];
        char amount[32], ref[32], msg[PAY_TEXT_MAX];
        pay_attempt_params(a, pairs, amount, ref);
        pay_results res;
        sl_error e = {.size = sizeof e};
        int rc = pay_call(gc, PAY_SLOT_SETTLE, pairs, 10, &res, &e);
        pay_results_free(&res);
        if (rc != SL_OK) {
            snprintf(msg, sizeof msg, "settle: %.200s", e.message);
            pay_event(db, a->channel, a->id, "settle_failed", msg, now, err);
            *err = e;
            return rc;
        }
        a->settled_ms = now;
        if (pay_attempt_move(db, a, PAY_SETTLED, "settled", "settled", now, err) != SL_OK)
            return err->code;
    }
    if (a->document_id == 0)
        return sl_error_set(err, SL_ENOTFOUND, "document",
                            "attempt %lld has no document to book on", (long long)a->id);
    int rc = strcmp(a->origin, "shop") == 0 ? pay_shop_post(rt, db, a, now, err) : SL_OK;
    if (rc != SL_OK)
        return rc;
    rc = store_begin(db, err);
    if (rc != SL_OK)
        return rc;
    rc = pay_book(rt, db, rule, a, now, err);
    if (rc == SL_OK)
        return store_commit(db, err);
    store_rollback(db);
    return rc;
}
