/*
 * `gateway reconcile`: the gateway channel's attempts against the books,
 * and the gateway's own list of paid, unverified sessions against the
 * attempts. Every finding is listed, none dropped:
 *   verified_not_booked   confirmed by the gateway, no payment booked yet
 *   outcome_unknown       a verify whose answer never came
 *   payment_missing       booked, but the document's payments are short
 *   paid_twice            an order with more than one booked attempt
 *   gateway_paid_unknown  the gateway lists a paid session no attempt has
 *   gateway_unverified    the gateway lists as paid and unverified an
 *                         attempt the host has not booked (still open, or
 *                         refused: money the buyer paid sits at the gateway)
 *   gateway_says          a booked attempt the gateway's inquiry calls
 *                         failed or reversed (money given back after it
 *                         was booked: the books need a refund)
 *   deadline_passed       a verify whose answer never came, past the
 *                         gateway's verify_deadline (pay_recover.c)
 *   reversed              an attempt reversed (by the host near the
 *                         deadline, or by the gateway): the buyer has the
 *                         money back, the order is unpaid
 *   shop_paid_unconfirmed the shop says the order was paid through this
 *                         gateway (a reference it reported, pay_shop.c),
 *                         and the gateway has not confirmed it
 * and from the books' side, every payment recorded in the period on the
 * gateway's merchant cash account:
 *   paid_without_transaction  a payment no booked attempt of this gateway
 *                         made (the shop's word booked by a payments map
 *                         to this account, a hand entry, an attempt that
 *                         is not booked)
 *   amount_mismatch       a payment an attempt made whose amount is not
 *                         the attempt's
 * The inquiry costs one call per booked attempt of the period.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "payments/pay_int.h"
#include "services/services.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define PAY_RECONCILE_MAX 2000

static void issue(json_t *issues, const char *kind, const pay_attempt *a, const char *authority,
                  const char *detail)
{
    json_t *j = json_pack("{s:s,s:s,s:s}", "kind", kind, "authority", a ? a->authority : authority,
                          "detail", detail);
    if (a) {
        json_object_set_new(j, "attempt", json_integer(a->id));
        json_object_set_new(j, "channel", json_string(a->shop_channel));
        json_object_set_new(j, "external_id", json_string(a->external_id));
    }
    json_array_append_new(issues, j);
}

/* What the gateway says now of a booked attempt. */
static void inquire_booked(runtime_channel *gc, const pay_attempt *a, json_t *issues)
{
    if (!pay_has_cap(gc, SL_CAP_INQUIRE_PAYMENT))
        return;
    char amount[32], ref[32], text[PAY_TEXT_MAX];
    const char *pairs[10];
    pay_attempt_params(a, pairs, amount, ref);
    pay_results r;
    sl_error e = {.size = sizeof e};
    int rc = pay_call(gc, PAY_SLOT_INQUIRE, pairs, 10, &r, &e);
    const char *state = pay_result(&r, 0, "state");
    if (rc == SL_OK && state && (!strcmp(state, "reversed") || !strcmp(state, "failed"))) {
        snprintf(text, sizeof text, "booked, but the gateway says %s", state);
        issue(issues, "gateway_says", a, NULL, text);
    } else if (rc != SL_OK) {
        snprintf(text, sizeof text, "inquiry: %.200s", e.message);
        issue(issues, "gateway_unreachable", a, NULL, text);
    }
    pay_results_free(&r);
}

static int booked_checks(store *db, runtime_channel *gc, pay_attempt *list, int n, int i,
                         json_t *issues, sl_error *err)
{
    pay_attempt *a = &list[i];
    inquire_booked(gc, a, issues);
    int64_t paid = 0, prepaid = 0;
    int rc = ledger_payment_sum(db, a->document_id, "payment", &paid, err);
    if (rc == SL_OK)
        rc = ledger_payment_sum(db, a->document_id, "prepayment", &prepaid, err);
    if (rc == SL_OK && paid + prepaid < a->shop_amount)
        issue(issues, "payment_missing", a, NULL,
              "the document's payments are less than the attempt's amount");
    for (int j = 0; j < i; j++)
        if (!strcmp(list[j].status, PAY_BOOKED) && list[j].document_id == a->document_id)
            issue(issues, "paid_twice", a, NULL, "another attempt of this order is booked too");
    (void)n;
    return rc;
}

/* A finding of the books' side: a payment row, with its order. */
static void payment_issue(json_t *issues, const char *kind, const ledger_payment_row *p,
                          int64_t attempt_id, const char *detail)
{
    json_t *j =
        json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "kind", kind, "authority", p->transaction_id,
                  "channel", p->channel, "external_id", p->external_id, "document",
                  (json_int_t)p->document_id, "amount", (json_int_t)p->amount, "detail", detail);
    if (j && attempt_id)
        json_object_set_new(j, "attempt", json_integer(attempt_id));
    json_array_append_new(issues, j);
}

/* One payment on the gateway's account: made by a booked attempt of this
   gateway with the attempt's amount, or listed. */
static int check_payment(runtime_tenant *rt, runtime_channel *gc, const ledger_payment_row *p,
                         json_t *issues, sl_error *err)
{
    char text[PAY_TEXT_MAX + 160], m[SL_MONEY_TEXT_MAX], w[SL_MONEY_TEXT_MAX];
    const char *prefix = "gateway:";
    char *end = NULL;
    long long id = strncmp(p->ref, prefix, strlen(prefix)) == 0
                       ? strtoll(p->ref + strlen(prefix), &end, 10)
                       : 0;
    pay_attempt a;
    sl_error e = {.size = sizeof e};
    int found = id > 0 && end && *end == '\0' && pay_attempt_load(rt->db, id, &a, &e) == SL_OK;
    if (found && strcmp(a.channel, gc->config->name) != 0)
        return SL_OK; /* another gateway's attempt on a shared account: its own reconcile */
    sl_money_format(p->amount, p->exponent, m);
    if (found && strcmp(a.status, PAY_BOOKED) == 0) {
        if (a.shop_amount == p->amount)
            return SL_OK;
        snprintf(text, sizeof text, "booked %s %s; the attempt's amount is %s %s", m, p->currency,
                 sl_money_format(a.shop_amount, a.shop_exponent, w), a.shop_currency);
        payment_issue(issues, "amount_mismatch", p, a.id, text);
        return SL_OK;
    }
    if (found)
        snprintf(text, sizeof text,
                 "a payment of %s %s booked for attempt %lld, which is %s, not booked", m,
                 p->currency, (long long)a.id, a.status);
    else
        snprintf(text, sizeof text,
                 "a payment of %s %s on the gateway's account %s (%s, ref %s%s%s) that no "
                 "confirmed transaction of %s made",
                 m, p->currency, gc->config->name, p->kind, p->ref[0] ? p->ref : "-",
                 p->transaction_id[0] ? ", the shop's transaction " : "", p->transaction_id,
                 gc->config->name);
    payment_issue(issues, "paid_without_transaction", p, found ? a.id : 0, text);
    (void)err;
    return SL_OK;
}

/* The books' side: every payment of the period on the merchant account. */
static int books_side(runtime_tenant *rt, runtime_channel *gc, int64_t from_ms, int64_t to_ms,
                      json_t *issues, int *checked, sl_error *err)
{
    pay_rule rule;
    int rc = pay_rule_load(rt->config, gc->config, &rule, err);
    ledger_payment_row *rows = rc == SL_OK ? calloc(PAY_RECONCILE_MAX, sizeof *rows) : NULL;
    if (rc == SL_OK && rows == NULL)
        rc = sl_error_set(err, SL_ENOMEM, "", "out of memory");
    int n = 0;
    if (rc == SL_OK)
        rc = ledger_payments_to_account(rt->db, rule.cash_account, from_ms, to_ms, rows,
                                        PAY_RECONCILE_MAX, &n, err);
    for (int i = 0; rc == SL_OK && i < n; i++)
        rc = check_payment(rt, gc, &rows[i], issues, err);
    if (rc == SL_OK && n == PAY_RECONCILE_MAX)
        issue(issues, "truncated", NULL, "",
              "more payments on the gateway's account than one reconcile reads: narrow "
              "--from/--to");
    *checked = n;
    free(rows);
    return rc;
}

json_t *pay_reconcile_json(runtime_tenant *rt, runtime_channel *gc, int64_t from_ms, int64_t to_ms,
                           sl_error *err)
{
    pay_attempt *list = calloc(PAY_RECONCILE_MAX, sizeof *list);
    int n = 0;
    if (list == NULL) {
        sl_error_set(err, SL_ENOMEM, "", "out of memory");
        return NULL;
    }
    if (pay_attempts_between(rt->db, gc->config->name, from_ms, to_ms, list, PAY_RECONCILE_MAX, &n,
                             err) != SL_OK) {
        free(list);
        return NULL;
    }
    json_t *issues = json_array();
    int rc = SL_OK;
    int64_t deadline = pay_verify_deadline_ms(gc->config), now = services_now_ms();
    for (int i = 0; rc == SL_OK && i < n; i++) {
        const pay_attempt *a = &list[i];
        char text[PAY_TEXT_MAX + 96];
        if (!strcmp(a->status, PAY_VERIFIED) || !strcmp(a->status, PAY_SETTLED))
            issue(issues, "verified_not_booked", a, NULL, a->message);
        else if (!strcmp(a->status, PAY_RETURNED) && a->code[0] == '?')
            issue(issues,
                  deadline >= 0 && now - pay_attempt_since(a) >= deadline ? "deadline_passed"
                                                                          : "outcome_unknown",
                  a, NULL, a->message);
        else if (!strcmp(a->status, PAY_BOOKED))
            rc = booked_checks(rt->db, gc, list, n, i, issues, err);
        else if (!strcmp(a->status, PAY_REVERSED))
            issue(issues, "reversed", a, NULL, a->message);
        else if (!strcmp(a->origin, "shop")) {
            snprintf(text, sizeof text, "the shop says paid; the attempt is %s: %s", a->status,
                     a->message);
            issue(issues, "shop_paid_unconfirmed", a, NULL, text);
        }
    }
    int payments = 0;
    if (rc == SL_OK)
        rc = books_side(rt, gc, from_ms, to_ms, issues, &payments, err);
    int listed = 0;
    if (rc == SL_OK && pay_has_cap(gc, SL_CAP_LIST_UNVERIFIED)) {
        pay_results r;
        sl_error e = {.size = sizeof e};
        if (pay_call(gc, PAY_SLOT_UNVERIFIED, NULL, 0, &r, &e) == SL_OK) {
            for (int row = 0; row <= r.rows; row++) {
                const char *au = pay_result(&r, row, "authority");
                if (au == NULL)
                    continue;
                listed++;
                pay_attempt a;
                sl_error e2 = {.size = sizeof e2};
                if (pay_attempt_by_authority(rt->db, gc->config->name, au, &a, &e2) != SL_OK)
                    issue(issues, "gateway_paid_unknown", NULL, au,
                          "the gateway lists this paid session; no attempt has it");
                else if (strcmp(a.status, PAY_BOOKED) != 0) {
                    char text[PAY_TEXT_MAX];
                    snprintf(text, sizeof text,
                             "paid at the gateway, not verified; the attempt "
                             "is %s",
                             a.status);
                    issue(issues, "gateway_unverified", &a, NULL, text);
                }
            }
        } else {
            issue(issues, "gateway_unreachable", NULL, "", e.message);
        }
        pay_results_free(&r);
    }
    free(list);
    if (rc != SL_OK) {
        json_decref(issues);
        return NULL;
    }
    return json_pack("{s:s,s:i,s:i,s:i,s:o}", "channel", gc->config->name, "checked", n,
                     "payments_checked", payments, "gateway_listed", listed, "issues", issues);
}
