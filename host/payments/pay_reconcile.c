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
 * The inquiry costs one call per booked attempt of the period.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "payments/pay_int.h"
#include "services/services.h"
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
    for (int i = 0; rc == SL_OK && i < n; i++) {
        const pay_attempt *a = &list[i];
        if (!strcmp(a->status, PAY_VERIFIED) || !strcmp(a->status, PAY_SETTLED))
            issue(issues, "verified_not_booked", a, NULL, a->message);
        else if (!strcmp(a->status, PAY_RETURNED) && a->code[0] == '?')
            issue(issues, "outcome_unknown", a, NULL, a->message);
        else if (!strcmp(a->status, PAY_BOOKED))
            rc = booked_checks(rt->db, gc, list, n, i, issues, err);
    }
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
    return json_pack("{s:s,s:i,s:i,s:o}", "channel", gc->config->name, "checked", n,
                     "gateway_listed", listed, "issues", issues);
}
