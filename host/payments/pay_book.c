/*
 * Booking a confirmed gateway payment, once, in the shop's currency.
 *
 * The document's open amount R (what the attempt asked for) is settled by
 * the cash the gateway took, C = the gateway amount converted back by the
 * channel's rule (one half-up rounding). The difference R - C comes from
 * the conversion and the rounding to 10^N gateway units: it goes to the
 * tenant's rounding account, and the rule text is kept on the attempt.
 * The fee F (the fee the gateway reported, converted back; else the
 * channel's fee_percent of C) moves from the merchant cash account to
 * gateway_fees:
 *     Dr cash C, Dr rounding R-C, Cr receivable R;  Dr gateway_fees F, Cr cash F
 * The payment row is keyed (document, kind, "gateway:<attempt id>"), so a
 * second booking of the same attempt finds it and writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "masters/masters.h"
#include "outbox/outbox.h"
#include "payments/pay_int.h"
#include "shipments/order_status.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

typedef struct book_figures {
    int64_t receivable, cash, rounding, fee;
} book_figures;

static int figures(const pay_rule *rule, const pay_attempt *a, book_figures *f, sl_error *err)
{
    f->receivable = a->shop_amount;
    int rc = pay_rule_to_shop(rule, a->shop_exponent, a->gateway_amount, &f->cash, err);
    if (rc != SL_OK)
        return rc;
    f->rounding = f->receivable - f->cash;
    f->fee = 0;
    if (a->fee_gateway >= 0)
        return pay_rule_to_shop(rule, a->shop_exponent, a->fee_gateway, &f->fee, err);
    if (rule->fee_percent[0])
        return sl_money_percent(f->cash, rule->fee_percent, SL_ROUND_HALF_UP, &f->fee) == SL_OK
                   ? SL_OK
                   : sl_error_set(err, SL_EINVALID, "fee_percent", "bad fee percent");
    return SL_OK;
}

static int journal(runtime_tenant *rt, const pay_rule *rule, const book_figures *f,
                   const char *against, ledger_journal *j, sl_error *err)
{
    const config_tenant *t = rt->config;
    int rc = ledger_journal_add(j, rule->cash_account, f->cash, "", "gateway payment", err);
    if (rc == SL_OK)
        rc = ledger_journal_add(j, config_account(t, "rounding"), f->rounding, "",
                                "gateway conversion", err);
    if (rc == SL_OK)
        rc = ledger_journal_add(j, against, -f->receivable, "", "gateway payment", err);
    if (rc == SL_OK && f->fee != 0) {
        rc = ledger_journal_add(j, config_account(t, "gateway_fees"), f->fee, "", "gateway fee",
                                err);
        if (rc == SL_OK)
            rc = ledger_journal_add(j, rule->cash_account, -f->fee, "", "gateway fee", err);
    }
    return rc;
}

/* The order's status moves to "confirmed" (DESIGN.md vocabulary): in the
   order's status history (shipments/order_status.h, by "gateway:NAME")
   and as a note to the shop with the channel's mapped status, both in the
   same commit as the payment. This is the one place a paid order becomes
   confirmed. */
static int pay_order_confirmed(runtime_tenant *rt, store *db, const pay_attempt *a,
                               const ledger_doc *d, const book_figures *f, int64_t now_ms,
                               sl_error *err)
{
    const config_channel *shop = config_find_channel(rt->config, a->shop_channel);
    const char *status = shop ? config_channel_map(shop, "statuses", SL_STATUS_CONFIRMED) : NULL;
    char m[SL_MONEY_TEXT_MAX], g[SL_MONEY_TEXT_MAX], text[512], key[96];
    snprintf(text, sizeof text, "Paid %s %s through %s (%s %s), reference %s; %s %s",
             sl_money_format(f->receivable, a->shop_exponent, m), a->shop_currency, a->channel,
             sl_money_format(a->gateway_amount, a->gateway_exponent, g), a->gateway_currency,
             a->reference[0] ? a->reference : "-", d->type, d->number);
    json_t *p = json_pack("{s:s}", "note", text);
    if (p && status && *status)
        json_object_set_new(p, "status", json_string(status));
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    if (payload == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    snprintf(key, sizeof key, "note:gateway:%lld", (long long)a->id);
    int queued = 0;
    int rc = outbox_put(db, OUTBOX_NOTE, a->shop_channel, key, a->external_id, payload, now_ms,
                        &queued, err);
    free(payload);
    char who[96];
    snprintf(who, sizeof who, "gateway:%s", a->channel);
    if (rc == SL_OK)
        rc = order_status_record(db, a->shop_channel, a->external_id, SL_STATUS_CONFIRMED, NULL,
                                 who, text, now_ms, NULL, err);
    return rc;
}

int pay_book(runtime_tenant *rt, store *db, const pay_rule *rule, pay_attempt *a, int64_t now_ms,
             sl_error *err)
{
    ledger_doc *d = NULL;
    int rc = ledger_doc_load(db, a->document_id, &d, err);
    if (rc != SL_OK)
        return rc;
    int is_order = strcmp(d->type, LEDGER_ORDER) == 0;
    const char *against = config_account(rt->config, is_order ? "prepayments" : "receivable");
    book_figures f;
    rc = figures(rule, a, &f, err);
    if (rc == SL_OK)
        rc = masters_cash_account_ensure(db, rule->cash_code, rule->cash_account, err);
    char ref[48];
    snprintf(ref, sizeof ref, "gateway:%lld", (long long)a->id);
    ledger_payment p = {is_order ? "prepayment" : "payment",
                        ref,
                        f.receivable,
                        rule->cash_code,
                        rule->cash_account,
                        a->channel,
                        a->reference};
    int64_t pid = 0;
    if (rc == SL_OK)
        rc = ledger_payment_add(db, d->id, &p, now_ms, &pid, err);
    if (rc == SL_OK && pid != 0) { /* 0: booked before, nothing more to post */
        ledger_journal j;
        ledger_journal_init(&j);
        rc = journal(rt, rule, &f, against, &j, err);
        if (rc == SL_OK)
            rc = ledger_post(db, d->id, pid, &j, now_ms, err);
        if (rc == SL_OK)
            rc = pay_order_confirmed(rt, db, a, d, &f, now_ms, err);
    }
    if (rc == SL_OK) {
        char text[PAY_TEXT_MAX + 160], c[SL_MONEY_TEXT_MAX], r[SL_MONEY_TEXT_MAX],
            fe[SL_MONEY_TEXT_MAX];
        snprintf(text, sizeof text, "booked: cash %s, rounding %s, fee %s %s; rule: %s",
                 sl_money_format(f.cash, a->shop_exponent, c),
                 sl_money_format(f.rounding, a->shop_exponent, r),
                 sl_money_format(f.fee, a->shop_exponent, fe), a->shop_currency, a->rule);
        snprintf(a->status, sizeof a->status, "%s", PAY_BOOKED);
        a->booked_ms = now_ms;
        rc = pay_attempt_save(db, a, now_ms, err);
        if (rc == SL_OK)
            rc = pay_event(db, a->channel, a->id, "booked", text, now_ms, err);
    }
    ledger_doc_free(d);
    return rc;
}
