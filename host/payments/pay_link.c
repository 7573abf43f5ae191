/*
 * `pay link`: a start-pay URL for an order awaiting payment.
 *
 * The open amount of the order's document (gross less what is paid) is
 * converted by the gateway channel's rule, the attempt is committed
 * ("requesting") before the gateway is asked, and only an attempt that
 * has the gateway's authority stored ("pending") hands out the URL. So
 * every URL a buyer can hold belongs to a stored attempt, and a crash
 * after the request leaves a "requesting" attempt that recovery closes
 * (its URL was never printed).
 *
 * An order with an attempt past the buyer's return (returned, verified,
 * settled) is refused: that payment is being confirmed. One still
 * pending does not block a new link (the buyer may have closed the
 * page); `gateway reconcile` shows an order paid twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "payments/pay_int.h"
#include "services/services.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define PAY_ORDER_ATTEMPTS_MAX 64

static int open_amount(store *db, const char *shop_channel, const char *external_id,
                       ledger_doc **doc, int64_t *open, sl_error *err)
{
    int64_t id = 0, paid = 0, prepaid = 0;
    int rc = ledger_link_get(db, shop_channel, external_id, &id, err);
    if (rc == SL_OK && id == 0)
        return sl_error_set(err, SL_ENOTFOUND, "external_id",
                            "order %s of channel %s has no document yet (process it first)",
                            external_id, shop_channel);
    if (rc == SL_OK)
        rc = ledger_doc_load(db, id, doc, err);
    if (rc != SL_OK)
        return rc;
    if (strcmp((*doc)->status, LEDGER_POSTED) != 0 && strcmp((*doc)->status, LEDGER_APPROVED) != 0)
        rc = sl_error_set(err, SL_ECONFLICT, "external_id",
                          "the order's document %lld is %s, not posted", (long long)id,
                          (*doc)->status);
    if (rc == SL_OK)
        rc = ledger_payment_sum(db, id, "payment", &paid, err);
    if (rc == SL_OK)
        rc = ledger_payment_sum(db, id, "prepayment", &prepaid, err);
    if (rc == SL_OK && (*open = (*doc)->gross - paid - prepaid) <= 0)
        rc = sl_error_set(err, SL_ECONFLICT, "external_id",
                          "order %s is paid already (nothing open)", external_id);
    if (rc != SL_OK) {
        ledger_doc_free(*doc);
        *doc = NULL;
    }
    return rc;
}

static int none_in_progress(store *db, const char *shop_channel, const char *external_id,
                            sl_error *err)
{
    pay_attempt *list = calloc(PAY_ORDER_ATTEMPTS_MAX, sizeof *list);
    int n = 0;
    if (list == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    int rc =
        pay_attempts_of_order(db, shop_channel, external_id, list, PAY_ORDER_ATTEMPTS_MAX, &n, err);
    for (int i = 0; rc == SL_OK && i < n; i++) {
        const char *s = list[i].status;
        if (strcmp(s, PAY_RETURNED) == 0 || strcmp(s, PAY_VERIFIED) == 0 ||
            strcmp(s, PAY_SETTLED) == 0 || strcmp(s, PAY_BOOKED) == 0)
            rc = sl_error_set(err, SL_ECONFLICT, "external_id", "attempt %lld of this order is %s",
                              (long long)list[i].id, s);
    }
    free(list);
    return rc;
}

static int ask_gateway(runtime_tenant *rt, store *db, runtime_channel *gc, const pay_rule *rule,
                       const ledger_doc *d, pay_attempt *a, pay_link_result *out, sl_error *err)
{
    char amount[32], ref[32], cb[512], desc[160];
    snprintf(amount, sizeof amount, "%lld", (long long)a->gateway_amount);
    snprintf(ref, sizeof ref, "%lld", (long long)a->id);
    snprintf(cb, sizeof cb, "%s/pay/%s/%s/return", rule->public_url, rt->config->id,
             gc->config->name);
    snprintf(desc, sizeof desc, "Order %s", d->order_number[0] ? d->order_number : d->external_id);
    const char *pairs[] = {"amount", amount,         "currency", rule->currency, "order_ref",
                           ref,      "callback_url", cb,         "description",  desc};
    pay_results res;
    sl_error e = {.size = sizeof e};
    int64_t now = services_now_ms();
    int rc = pay_call(gc, PAY_SLOT_REQUEST, pairs, 10, &res, &e);
    const char *auth = pay_result(&res, 0, "authority"), *url = pay_result(&res, 0, "start_url");
    if (rc == SL_OK && (auth == NULL || !*auth || url == NULL || !*url))
        rc = sl_error_set(&e, SL_EINTERNAL, "authority",
                          "the plugin answered a request without authority or start_url");
    int saved;
    if (rc == SL_OK) {
        snprintf(a->authority, sizeof a->authority, "%s", auth);
        const char *fee = pay_result(&res, 0, "fee");
        int64_t f;
        if (fee && sl_money_parse(fee, 0, &f) == SL_OK && f >= 0)
            a->fee_gateway = f;
        a->entered_ms = now;
        snprintf(out->start_url, sizeof out->start_url, "%s", url);
        const char *m = pay_result(&res, 0, "start_method"),
                   *fld = pay_result(&res, 0, "start_field");
        snprintf(out->start_method, sizeof out->start_method, "%s", m ? m : "GET");
        snprintf(out->start_field, sizeof out->start_field, "%s", fld ? fld : "");
        saved = pay_attempt_move(db, a, PAY_PENDING, "requested", "start URL handed out", now, err);
    } else if (rc == SL_EREMOTE) {
        saved = pay_attempt_move(db, a, PAY_FAILED, "request_refused", e.message, now, err);
    } else {
        saved = pay_attempt_move(db, a, PAY_REQUESTING, "request_unknown", e.message, now, err);
    }
    pay_results_free(&res);
    if (saved != SL_OK)
        return saved;
    if (rc != SL_OK)
        *err = e;
    return rc;
}

int pay_link(runtime_tenant *rt, store *db, const char *shop_channel, const char *external_id,
             const char *gateway, pay_link_result *out, sl_error *err)
{
    memset(out, 0, sizeof *out);
    runtime_channel *gc = runtime_channel_find(rt, gateway);
    if (gc == NULL || !pay_has_cap(gc, SL_CAP_REQUEST_PAYMENT))
        return sl_error_set(err, SL_EINVALID, "via", "%s is not a gateway channel of tenant %s",
                            gateway, rt->config->id);
    if (config_find_channel(rt->config, shop_channel) == NULL)
        return sl_error_set(err, SL_EINVALID, "channel", "no channel %s", shop_channel);
    pay_rule rule;
    int rc = pay_rule_load(rt->config, gc->config, &rule, err);
    if (rc == SL_OK && !rule.active)
        rc = sl_error_set(err, SL_EINVALID, "active", "gateway %s is not active", gateway);
    if (rc == SL_OK && !rule.public_url[0])
        rc = sl_error_set(err, SL_EINVALID, "public_url",
                          "[channel:%s] public_url (where buyers return to serve) is not set",
                          gateway);
    if (rc != SL_OK)
        return rc;
    ledger_doc *d = NULL;
    int64_t open = 0;
    if ((rc = none_in_progress(db, shop_channel, external_id, err)) != SL_OK ||
        (rc = open_amount(db, shop_channel, external_id, &d, &open, err)) != SL_OK)
        return rc;
    pay_attempt a = {.document_id = d->id, .fee_gateway = -1};
    snprintf(a.channel, sizeof a.channel, "%s", gateway);
    snprintf(a.shop_channel, sizeof a.shop_channel, "%s", shop_channel);
    snprintf(a.external_id, sizeof a.external_id, "%s", external_id);
    snprintf(a.origin, sizeof a.origin, "link");
    snprintf(a.status, sizeof a.status, "%s", PAY_REQUESTING);
    snprintf(a.shop_currency, sizeof a.shop_currency, "%s", d->currency);
    snprintf(a.gateway_currency, sizeof a.gateway_currency, "%s", rule.currency);
    a.shop_exponent = d->exponent;
    a.shop_amount = open;
    a.gateway_exponent = rule.exponent;
    rc = pay_rule_to_gateway(&rule, d->currency, d->exponent, open, &a.gateway_amount, a.rule,
                             sizeof a.rule, err);
    if (rc == SL_OK) /* committed before the gateway hears of it */
        rc = pay_attempt_insert(db, &a, services_now_ms(), err);
    if (rc == SL_OK)
        rc = ask_gateway(rt, db, gc, &rule, d, &a, out, err);
    out->attempt_id = a.id;
    snprintf(out->authority, sizeof out->authority, "%s", a.authority);
    snprintf(out->status, sizeof out->status, "%s", a.status);
    snprintf(out->shop_currency, sizeof out->shop_currency, "%s", a.shop_currency);
    snprintf(out->gateway_currency, sizeof out->gateway_currency, "%s", a.gateway_currency);
    snprintf(out->rule, sizeof out->rule, "%s", a.rule);
    out->shop_amount = a.shop_amount;
    out->shop_exponent = a.shop_exponent;
    out->gateway_amount = a.gateway_amount;
    out->gateway_exponent = a.gateway_exponent;
    ledger_doc_free(d);
    return rc;
}
