/*
 * Recovery: the scheduler's pass over a gateway channel's open attempts.
 *
 * An attempt can stop half way: the buyer paid and closed the browser
 * (pending, never returned), serve died between the return and the
 * verify (returned), the verify's answer never came (returned, code
 * marked '?'), or serve died between verify and booking (verified or
 * settled). Each pass takes every such attempt one or more steps on:
 *   requesting  the request's answer never came: no URL was handed out,
 *               closed as failed after PAY_REQUEST_STALE_MS
 *   pending     after recover_after: in the gateway's unverified list
 *               (SL_CAP_LIST_UNVERIFIED) or paid by inquiry -> verify;
 *               failed/reversed at the gateway -> closed; nothing after
 *               PAY_ABANDON_MS -> verified once more, closed as cancelled
 *   returned    verify; after an unknown outcome, inquiry first (paid or
 *               verified -> verify, which answers "already" with the
 *               reference; failed -> cancelled; reversed -> reversed,
 *               said loudly when the buyer's return said paid); while
 *               inquiry cannot answer, nothing is done blindly until
 *               `reverse_after` (default 15m) after the return: then
 *               the payment is reversed where the plugin can, inside the
 *               gateway's own limit (Mellat reverses an unverified sale
 *               itself after 20 minutes, ZarinPal reverses only within 30);
 *               past `verify_deadline` (default 20m) with the outcome
 *               still unknown (no reverse, or the reverse failed) the
 *               attempt is reported once (event deadline_passed, an error
 *               in the log, `gateway reconcile`) and inquiry goes on
 *   verified    settle (where needed) and book; settled: book
 * Gateway failures leave the attempt as it is for the next pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payments/pay_int.h"
#include "rules/rules.h"
#include "services/services.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

#define PAY_RECOVER_BATCH 200
#define PAY_REQUEST_STALE_MS (5LL * 60 * 1000)

typedef struct recover_pass {
    runtime_tenant *rt;
    runtime_channel *gc;
    store *db;
    pay_rule rule;
    int64_t now, after_ms;
    int64_t reverse_after_ms, deadline_ms; /* reverse_after, verify_deadline */
    int listed;                            /* the unverified list was asked for */
    pay_results unverified;
    pay_recover_report *rep;
} recover_pass;

static int64_t duration_key(const config_channel *ch, const char *key, int64_t dflt)
{
    const char *v = config_channel_get(ch, key);
    int64_t ms = dflt;
    sl_error e = {.size = sizeof e};
    if (v && *v && sl_parse_duration(key, v, 0, 7LL * 24 * 3600 * 1000, &ms, &e) != SL_OK)
        return -1;
    return ms;
}

int64_t pay_recover_every_ms(const config_channel *gc)
{
    return duration_key(gc, "recover_every", PAY_RECOVER_EVERY_DEFAULT_MS);
}

int64_t pay_reverse_after_ms(const config_channel *gc)
{
    return duration_key(gc, "reverse_after", PAY_REVERSE_AFTER_DEFAULT_MS);
}

int64_t pay_verify_deadline_ms(const config_channel *gc)
{
    return duration_key(gc, "verify_deadline", PAY_VERIFY_DEADLINE_DEFAULT_MS);
}

/* Is the attempt's authority in the gateway's list of paid, unverified
   sessions? Asked once per pass. */
static int listed_unverified(recover_pass *p, const pay_attempt *a)
{
    if (!pay_has_cap(p->gc, SL_CAP_LIST_UNVERIFIED))
        return 0;
    if (!p->listed) {
        sl_error e = {.size = sizeof e};
        p->listed = 1;
        if (pay_call(p->gc, PAY_SLOT_UNVERIFIED, NULL, 0, &p->unverified, &e) != SL_OK) {
            services_log(p->gc->ctx, SL_LOG_WARN, "unverified list: %s", e.message);
            p->rep->unknown++;
        }
    }
    for (int row = 0; row <= p->unverified.rows; row++) {
        const char *au = pay_result(&p->unverified, row, "authority");
        if (au && strcmp(au, a->authority) == 0)
            return 1;
    }
    return 0;
}

/* The gateway's state word for the attempt, or NULL (no inquiry, or no
   usable answer). */
static const char *inquire(recover_pass *p, const pay_attempt *a, char *word, size_t cap)
{
    if (!pay_has_cap(p->gc, SL_CAP_INQUIRE_PAYMENT))
        return NULL;
    const char *pairs[10];
    char amount[32], ref[32];
    pay_attempt_params(a, pairs, amount, ref);
    pay_results r;
    sl_error e = {.size = sizeof e};
    int rc = pay_call(p->gc, PAY_SLOT_INQUIRE, pairs, 10, &r, &e);
    const char *s = pay_result(&r, 0, "state");
    snprintf(word, cap, "%s", rc == SL_OK && s ? s : "");
    pay_results_free(&r);
    if (rc != SL_OK) { /* logged, not an event: it would repeat every pass */
        services_log(p->gc->ctx, SL_LOG_WARN, "attempt %lld: inquiry: %s", (long long)a->id,
                     e.message);
        p->rep->unknown++;
    } else if (strcmp(word, "in_bank") != 0) { /* "still at the bank" is no news either */
        char text[PAY_TEXT_MAX];
        snprintf(text, sizeof text, "inquiry: the gateway says %s", word);
        sl_error e2 = {.size = sizeof e2};
        pay_event(p->db, a->channel, a->id, "inquiry", text, p->now, &e2);
    }
    return word[0] ? word : NULL;
}

static int close_as(recover_pass *p, pay_attempt *a, const char *status, const char *why,
                    sl_error *err)
{
    p->rep->closed++;
    services_log(p->gc->ctx, SL_LOG_INFO, "attempt %lld: %s: %s", (long long)a->id, status, why);
    return pay_attempt_move(p->db, a, status, status, why, p->now, err);
}

/* Verify, then settle and book on success. Gateway trouble is counted,
   not returned: the next pass tries again. */
static int verify_and_finish(recover_pass *p, pay_attempt *a, sl_error *err)
{
    (void)err;
    sl_error e = {.size = sizeof e};
    int rc = pay_step_verify(p->gc, p->db, a, p->now, &e);
    if (rc == SL_OK) {
        p->rep->verified++;
    } else if (rc == SL_EREMOTE) {
        p->rep->closed++;
        return SL_OK;
    } else {
        p->rep->unknown++; /* logged by the step; the next pass tries again */
        return SL_OK;
    }
    rc = pay_step_finish(p->rt, p->gc, p->db, &p->rule, a, p->now, &e);
    if (rc == SL_OK) {
        p->rep->booked++;
        services_log(p->gc->ctx, SL_LOG_INFO, "attempt %lld booked (reference %s)",
                     (long long)a->id, a->reference[0] ? a->reference : "-");
    } else {
        p->rep->unknown++;
        services_log(p->gc->ctx, SL_LOG_WARN, "attempt %lld: %s", (long long)a->id, e.message);
    }
    return SL_OK;
}

/* Did the buyer's return say paid ("OK", "?OK")? */
static int return_said_paid(const pay_attempt *a)
{
    return strcmp(a->code[0] == '?' ? a->code + 1 : a->code, "OK") == 0;
}

/* After a gateway state word: go on to verify, close, or wait. */
static int by_state(recover_pass *p, pay_attempt *a, const char *state, sl_error *err)
{
    if (!strcmp(state, "paid") || !strcmp(state, "verified") || !strcmp(state, "settled"))
        return verify_and_finish(p, a, err);
    if (!strcmp(state, "failed"))
        return close_as(p, a, PAY_CANCELLED, "the gateway says the payment failed", err);
    if (!strcmp(state, "reversed") && return_said_paid(a) && a->code[0] == '?') {
        /* the buyer paid, the host never had the verify's answer, and the
           gateway gave the money back (its own deadline, or an operator):
           the order stays unpaid; said as an error, never dropped quietly */
        services_log(p->gc->ctx, SL_LOG_ERROR,
                     "attempt %lld (order %s/%s): paid, not confirmed in time, reversed by the "
                     "gateway; the order stays unpaid",
                     (long long)a->id, a->shop_channel, a->external_id);
        return close_as(p, a, PAY_REVERSED,
                        "the buyer paid, but the verify's outcome stayed unknown and the gateway "
                        "reversed the payment (its deadline passed): the order stays unpaid",
                        err);
    }
    if (!strcmp(state, "reversed"))
        return close_as(p, a, PAY_REVERSED, "the gateway says the payment was reversed", err);
    return SL_OK; /* in_bank: the buyer is still at the bank */
}

/* An attempt still unknown past the gateway's deadline: reported once
   (the event is the mark), then left open for inquiry to settle. */
static int report_deadline(recover_pass *p, pay_attempt *a, sl_error *err)
{
    int seen = 0;
    int rc = pay_event_count(p->db, a->id, "deadline_passed", &seen, err);
    if (rc != SL_OK || seen > 0)
        return rc;
    char text[PAY_TEXT_MAX + 64];
    snprintf(text, sizeof text,
             "verify outcome still unknown %llds after the return, past verify_deadline (%llds), "
             "and %s: the money may be at the gateway or back with the buyer; look "
             "(gateway reconcile)",
             (long long)((p->now - pay_attempt_since(a)) / 1000),
             (long long)(p->deadline_ms / 1000),
             pay_has_cap(p->gc, SL_CAP_REVERSE_PAYMENT) ? "the reversal failed"
                                                        : "the gateway cannot reverse");
    services_log(p->gc->ctx, SL_LOG_ERROR, "attempt %lld (order %s/%s): %s", (long long)a->id,
                 a->shop_channel, a->external_id, text);
    return pay_event(p->db, a->channel, a->id, "deadline_passed", text, p->now, err);
}

/* Outcome unknown and no inquiry answer: reverse once the deadline is
   near (reverse_after), report once it has passed. */
static int reverse_near_deadline(recover_pass *p, pay_attempt *a, sl_error *err)
{
    int64_t waited = p->now - pay_attempt_since(a);
    if (waited >= p->reverse_after_ms && pay_has_cap(p->gc, SL_CAP_REVERSE_PAYMENT)) {
        const char *pairs[10];
        char amount[32], ref[32], why[PAY_TEXT_MAX];
        pay_attempt_params(a, pairs, amount, ref);
        pay_results r;
        sl_error e = {.size = sizeof e};
        int rc = pay_call(p->gc, PAY_SLOT_REVERSE, pairs, 10, &r, &e);
        pay_results_free(&r);
        if (rc == SL_OK) {
            snprintf(why, sizeof why,
                     "outcome unknown %llds after the return and inquiry unanswered: reversed "
                     "before the gateway's deadline",
                     (long long)(waited / 1000));
            return close_as(p, a, PAY_REVERSED, why, err);
        }
        services_log(p->gc->ctx, SL_LOG_WARN, "attempt %lld: reverse: %s", (long long)a->id,
                     e.message);
        p->rep->unknown++;
    }
    return waited >= p->deadline_ms ? report_deadline(p, a, err) : SL_OK;
}

static int recover_pending(recover_pass *p, pay_attempt *a, sl_error *err)
{
    int64_t since = a->entered_ms ? a->entered_ms : a->created_ms;
    if (p->now - since < p->after_ms)
        return SL_OK;
    p->rep->looked++;
    char word[16];
    const char *state = listed_unverified(p, a) ? "paid" : inquire(p, a, word, sizeof word);
    if (state && strcmp(state, "in_bank") != 0) {
        if (!strcmp(state, "paid") || !strcmp(state, "verified")) {
            snprintf(a->code, sizeof a->code, "OK");
            int rc =
                pay_attempt_move(p->db, a, PAY_RETURNED, "found_paid",
                                 "the buyer never returned; the gateway says paid", p->now, err);
            if (rc != SL_OK)
                return rc;
        }
        return by_state(p, a, state, err);
    }
    if (p->now - since < PAY_ABANDON_MS)
        return SL_OK;
    /* Abandoned: one last verify; its refusal closes it as cancelled. */
    snprintf(a->code, sizeof a->code, "NOK");
    int rc = pay_attempt_move(p->db, a, PAY_RETURNED, "abandoned",
                              "the buyer never returned: verified once more", p->now, err);
    return rc == SL_OK ? verify_and_finish(p, a, err) : rc;
}

static int recover_returned(recover_pass *p, pay_attempt *a, sl_error *err)
{
    if (a->code[0] != '?')
        return verify_and_finish(p, a, err);
    p->rep->looked++;
    char word[16];
    const char *state = inquire(p, a, word, sizeof word);
    if (state)
        return by_state(p, a, state, err);
    if (!pay_has_cap(p->gc, SL_CAP_INQUIRE_PAYMENT))
        return verify_and_finish(p, a, err);
    return reverse_near_deadline(p, a, err);
}

static int recover_one(recover_pass *p, pay_attempt *a, sl_error *err)
{
    if (!strcmp(a->status, PAY_REQUESTING))
        return p->now - a->created_ms > PAY_REQUEST_STALE_MS
                   ? close_as(p, a, PAY_FAILED,
                              "the request's answer never came; no start URL was handed out", err)
                   : SL_OK;
    if (!strcmp(a->status, PAY_PENDING))
        return recover_pending(p, a, err);
    if (!strcmp(a->status, PAY_RETURNED))
        return recover_returned(p, a, err);
    sl_error e = {.size = sizeof e}; /* verified or settled: finish */
    int rc = pay_step_finish(p->rt, p->gc, p->db, &p->rule, a, p->now, &e);
    if (rc == SL_OK)
        p->rep->booked++;
    else
        p->rep->unknown++;
    return SL_OK;
}

/* A reference the shop reported that the gateway did not confirm: the
   rules run on the order again, so its Draft document carries the
   gateway's answer as the reason and the shop is told (rules_gateway.c). */
static int shop_refused(recover_pass *p, const pay_attempt *a, sl_error *err)
{
    if (strcmp(a->origin, "shop") != 0 || !pay_status_final(a->status) ||
        strcmp(a->status, PAY_BOOKED) == 0)
        return SL_OK;
    int state = 0;
    sl_error e = {.size = sizeof e};
    if (rules_reprocess_order(p->db, p->rt->config, a->shop_channel, a->external_id, p->now, &state,
                              &e) != SL_OK)
        services_log(p->gc->ctx, SL_LOG_WARN, "attempt %lld: the order's rules: %s",
                     (long long)a->id, e.message);
    (void)err;
    return SL_OK;
}

int pay_recover_channel(runtime_tenant *rt, runtime_channel *gc, store *db, int64_t now_ms,
                        pay_recover_report *rep, sl_error *err)
{
    memset(rep, 0, sizeof *rep);
    recover_pass p = {.rt = rt, .gc = gc, .db = db, .now = now_ms, .rep = rep};
    p.after_ms = duration_key(gc->config, "recover_after", PAY_RECOVER_AFTER_DEFAULT_MS);
    if (p.after_ms < 0)
        return sl_error_set(err, SL_EINVALID, "recover_after",
                            "[channel:%s] recover_after must be a duration like 10m",
                            gc->config->name);
    p.reverse_after_ms = pay_reverse_after_ms(gc->config);
    p.deadline_ms = pay_verify_deadline_ms(gc->config);
    if (p.reverse_after_ms < 0 || p.deadline_ms < 0)
        return sl_error_set(err, SL_EINVALID,
                            p.deadline_ms < 0 ? "verify_deadline" : "reverse_after",
                            "[channel:%s] %s must be a duration like 15m", gc->config->name,
                            p.deadline_ms < 0 ? "verify_deadline" : "reverse_after");
    int rc = pay_rule_load(rt->config, gc->config, &p.rule, err);
    int64_t ids[PAY_RECOVER_BATCH];
    int n = 0;
    if (rc == SL_OK)
        rc = pay_attempts_open(db, gc->config->name, ids, PAY_RECOVER_BATCH, &n, err);
    for (int i = 0; rc == SL_OK && i < n; i++) {
        pay_attempt a;
        rc = pay_attempt_load(db, ids[i], &a, err);
        if (rc == SL_OK)
            rc = recover_one(&p, &a, err);
        if (rc == SL_OK)
            rc = shop_refused(&p, &a, err);
    }
    pay_results_free(&p.unverified);
    return rc;
}
