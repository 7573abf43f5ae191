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

/* The attempt of (gateway, authority), stored now when the reference is
   new. a->id = 0 after the insert means it was stored before: loaded. */
static int store_or_load(store *db, const config_tenant *t, const config_channel *gc,
                         pay_attempt *a, int64_t now_ms, sl_error *err)
{
    pay_rule rule;
    int rc = pay_rule_load(t, gc, &rule, err);
    snprintf(a->gateway_currency, sizeof a->gateway_currency, "%s", rule.currency);
    a->gateway_exponent = rule.exponent;
    if (rc == SL_OK)
        rc = pay_rule_to_gateway(&rule, a->shop_currency, a->shop_exponent, a->shop_amount,
                                 &a->gateway_amount, a->rule, sizeof a->rule, err);
    if (rc == SL_OK)
        rc = pay_attempt_insert(db, a, now_ms, err);
    if (rc != SL_OK)
        return rc;
    if (a->id == 0)
        return pay_attempt_by_authority(db, a->channel, a->authority, a, err);
    snprintf(a->code, sizeof a->code, "OK");
    snprintf(a->message, sizeof a->message, "the shop says paid: to confirm with %s", a->channel);
    rc = pay_attempt_save(db, a, now_ms, err);
    return rc == SL_OK ? pay_event(db, a->channel, a->id, "shop_reference", a->message, now_ms, err)
                       : rc;
}

int pay_shop_reference(store *db, const config_tenant *t, const char *gateway,
                       const char *shop_channel, const char *external_id, int64_t doc_id,
                       const char *currency, int exponent, int64_t amount, const char *authority,
                       int64_t now_ms, pay_shop_state *out, sl_error *err)
{
    memset(out, 0, sizeof *out);
    const config_channel *gc = config_find_channel(t, gateway);
    if (gc == NULL)
        return sl_error_set(err, SL_EINVALID, "payments",
                            "[channel:%s.payments] names gateway %s, which is not a channel",
                            shop_channel, gateway);
    if (authority == NULL || *authority == '\0')
        return sl_error_set(err, SL_EINVALID, "transaction_id",
                            "order %s/%s: paid through %s, but without a reference to confirm",
                            shop_channel, external_id, gateway);
    pay_attempt a = {.document_id = doc_id, .fee_gateway = -1, .returned_ms = now_ms};
    snprintf(a.channel, sizeof a.channel, "%s", gateway);
    snprintf(a.shop_channel, sizeof a.shop_channel, "%s", shop_channel);
    snprintf(a.external_id, sizeof a.external_id, "%s", external_id);
    snprintf(a.origin, sizeof a.origin, "shop");
    snprintf(a.authority, sizeof a.authority, "%s", authority);
    snprintf(a.status, sizeof a.status, "%s", PAY_RETURNED);
    snprintf(a.shop_currency, sizeof a.shop_currency, "%s", currency);
    a.shop_exponent = exponent;
    a.shop_amount = amount;
    int rc = store_or_load(db, t, gc, &a, now_ms, err);
    if (rc != SL_OK)
        return rc;
    out->attempt_id = a.id;
    if (strcmp(a.shop_channel, shop_channel) != 0 || strcmp(a.external_id, external_id) != 0) {
        /* a reference the shop copied from another order proves nothing */
        out->state = PAY_SHOP_REFUSED;
        snprintf(out->why, sizeof out->why,
                 "%s reference %.64s belongs to order %.64s/%.64s (attempt %lld), not this one",
                 gateway, authority, a.shop_channel, a.external_id, (long long)a.id);
        return SL_OK;
    }
    if (!strcmp(a.status, PAY_VERIFIED) || !strcmp(a.status, PAY_SETTLED) ||
        !strcmp(a.status, PAY_BOOKED)) {
        out->state = PAY_SHOP_CONFIRMED;
        snprintf(out->why, sizeof out->why,
                 "payment confirmed by %s (reference %.64s), booked by its pass", gateway,
                 authority);
    } else if (pay_status_final(a.status)) {
        out->state = PAY_SHOP_REFUSED;
        snprintf(out->why, sizeof out->why, "%s did not confirm the payment (reference %.64s): %s",
                 gateway, authority, a.message);
    } else {
        out->state = PAY_SHOP_WAITING;
        snprintf(out->why, sizeof out->why,
                 "waiting for %s to confirm the payment the shop reports (reference %.64s)",
                 gateway, authority);
    }
    return SL_OK;
}
