/*
 * Orders the shop says were paid through a gateway channel
 * ([channel:SHOP.payments] METHOD = gateway:NAME) with the gateway's
 * reference. When the rules need the payment (add_payment = yes) the
 * shop's word is not enough to post the document with it: the reference
 * is stored as an attempt to confirm (payments/pay_shop.c) and the
 * document waits Draft, its reason saying for what. The gateway's pass
 * (payments/pay_recover.c) confirms or refuses it and runs the rules on
 * the order again (rules_reprocess_order): confirmed, the document is
 * posted like any other and the pass books the payment; refused, the
 * document stays Draft and unpaid with the gateway's answer as its
 * reason, and the shop is told.
 */
#include <stdio.h>
#include <string.h>

#include "inbox/inbox_find.h"
#include "payments/payments.h"
#include "rules/rules_int.h"
#include "shopledger/sdkutil.h"

int rules_gateway_gate(rules_ctx *c, ledger_doc *d, int *waits)
{
    *waits = 0;
    char gateway[64];
    const char *ref = order_text(c->o, SL_ORDER_TRANSACTION_ID);
    if (!c->ch->add_payment || d->gross <= 0 || ref[0] == '\0' ||
        !pay_method_gateway(c->ch, order_text(c->o, SL_ORDER_PAYMENT_METHOD), gateway,
                            sizeof gateway))
        return SL_OK;
    pay_shop_state st;
    int rc = pay_shop_reference(c->s, c->t, gateway, c->ch->name, d->external_id, d->id,
                                d->currency, d->exponent, d->gross, ref, c->now_ms, &st, c->err);
    if (rc != SL_OK || st.state == PAY_SHOP_CONFIRMED)
        return rc;
    *waits = st.state;
    snprintf(d->reason, sizeof d->reason, "%s", st.why);
    snprintf(d->status, sizeof d->status, "%s", LEDGER_DRAFT);
    return ledger_doc_set_status(c->s, d->id, LEDGER_DRAFT, d->reason, c->now_ms, c->err);
}

int rules_reprocess_order(store *s, const config_tenant *t, const char *channel,
                          const char *external_id, int64_t now_ms, int *state, sl_error *err)
{
    int64_t item = 0;
    int rc = inbox_item_id(s, channel, external_id, &item, err);
    return rc == SL_OK ? rules_process_item(s, t, item, now_ms, state, err) : rc;
}
