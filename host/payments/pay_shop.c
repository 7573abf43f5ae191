/*
 * Orders the shop's own plugin says were paid through a gateway. The
 * shop's word is not proof (a buyer could edit an order's note, a plugin
 * could mark an abandoned session paid), so the payment is not added by
 * the rules: an attempt with the shop's gateway reference is stored as
 * already returned, and the scheduler's pass verifies it like any buyer's
 * return (payments/pay_recover.c), books it once, or records the
 * gateway's refusal. Runs inside the rules' transaction (the writer
 * thread): no remote call here.
 */
#include <stdio.h>
#include <string.h>

#include "payments/pay_int.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define GATEWAY_PREFIX "gateway:"

int pay_method_gateway(const config_channel *shop, const char *method, char *gateway, size_t cap)
{
    const char *m = method && *method ? config_channel_map(shop, "payments", method) : NULL;
    if (m == NULL || strncmp(m, GATEWAY_PREFIX, strlen(GATEWAY_PREFIX)) != 0 ||
        m[strlen(GATEWAY_PREFIX)] == '\0')
        return 0;
    snprintf(gateway, cap, "%s", m + strlen(GATEWAY_PREFIX));
    return 1;
}

int pay_shop_reference(store *db, const config_tenant *t, const char *gateway,
                       const char *shop_channel, const char *external_id, int64_t doc_id,
                       const char *currency, int exponent, int64_t amount, const char *authority,
                       int64_t now_ms, char *text, size_t cap, sl_error *err)
{
    const config_channel *gc = config_find_channel(t, gateway);
    if (gc == NULL)
        return sl_error_set(err, SL_EINVALID, "payments",
                            "[channel:%s.payments] names gateway %s, which is not a channel",
                            shop_channel, gateway);
    if (authority == NULL || *authority == '\0') {
        snprintf(text, cap, "paid through %s by the shop without a reference: not booked", gateway);
        return SL_OK;
    }
    pay_rule rule;
    int rc = pay_rule_load(t, gc, &rule, err);
    pay_attempt a = {.document_id = doc_id, .fee_gateway = -1, .returned_ms = now_ms};
    snprintf(a.channel, sizeof a.channel, "%s", gateway);
    snprintf(a.shop_channel, sizeof a.shop_channel, "%s", shop_channel);
    snprintf(a.external_id, sizeof a.external_id, "%s", external_id);
    snprintf(a.origin, sizeof a.origin, "shop");
    snprintf(a.authority, sizeof a.authority, "%s", authority);
    snprintf(a.status, sizeof a.status, "%s", PAY_RETURNED);
    snprintf(a.shop_currency, sizeof a.shop_currency, "%s", currency);
    snprintf(a.gateway_currency, sizeof a.gateway_currency, "%s", rule.currency);
    a.shop_exponent = exponent;
    a.shop_amount = amount;
    a.gateway_exponent = rule.exponent;
    if (rc == SL_OK)
        rc = pay_rule_to_gateway(&rule, currency, exponent, amount, &a.gateway_amount, a.rule,
                                 sizeof a.rule, err);
    if (rc == SL_OK)
        rc = pay_attempt_insert(db, &a, now_ms, err);
    if (rc == SL_OK && a.id != 0) {
        snprintf(a.code, sizeof a.code, "OK");
        snprintf(a.message, sizeof a.message, "the shop says paid: to confirm with %s", gateway);
        rc = pay_attempt_save(db, &a, now_ms, err);
        if (rc == SL_OK)
            rc = pay_event(db, gateway, a.id, "shop_reference", a.message, now_ms, err);
    }
    if (rc == SL_OK)
        snprintf(text, cap, "payment to confirm with %s (reference %.64s)", gateway, authority);
    return rc;
}
