/*
 * The money of a parcel (ship_money.h) on the ledger's APIs: payments are
 * keyed (document, kind, ref), so a booking found there is not posted
 * again; credit notes come from the rules (rules_credit_return).
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"
#include "masters/masters.h"
#include "rules/rules.h"
#include "shipments/ship_money.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

typedef struct cash_place {
    char code[64];
    char account[48];
} cash_place;

/* "CODE:ACCOUNT" or "CODE" (the tenant's cash role) into c. */
static void cash_from(const config_tenant *t, const char *spec, const char *fallback_code,
                      cash_place *c)
{
    const char *v = spec && *spec ? spec : fallback_code;
    const char *colon = strchr(v, ':');
    if (colon && colon[1]) {
        snprintf(c->code, sizeof c->code, "%.*s", (int)(colon - v), v);
        snprintf(c->account, sizeof c->account, "%s", colon + 1);
    } else {
        snprintf(c->code, sizeof c->code, "%.*s", (int)(colon ? colon - v : (long)strlen(v)), v);
        snprintf(c->account, sizeof c->account, "%s", config_account(t, "cash"));
    }
}

static void clearing_of(const config_tenant *t, const shipment *sh, cash_place *c)
{
    const config_channel *pc = config_find_channel(t, sh->postal_channel);
    cash_from(t, pc ? config_channel_get(pc, "cod_cash") : NULL, sh->postal_channel, c);
}

static const char *fees_account(const config_tenant *t, const shipment *sh)
{
    const config_channel *pc = config_find_channel(t, sh->postal_channel);
    const char *v = pc ? config_channel_get(pc, "fees_account") : NULL;
    return v && *v ? v : config_account(t, "gateway_fees");
}

static int document_of(store *s, const shipment *sh, ledger_doc **d, sl_error *err)
{
    int64_t id = sh->document_id;
    if (id == 0 && ledger_link_get(s, sh->shop_channel, sh->external_id, &id, err) != SL_OK)
        id = 0;
    if (id == 0)
        return sl_error_set(err, SL_ENOTFOUND, "document_id",
                            "order %.64s has no document to book the parcel's money on",
                            sh->external_id);
    return ledger_doc_load(s, id, d, err);
}

int ship_money_cod(store *s, const config_tenant *t, const shipment *sh, int64_t collected,
                   int64_t fee, int64_t now_ms, int *booked, sl_error *err)
{
    *booked = 0;
    ledger_doc *d = NULL;
    int rc = document_of(s, sh, &d, err);
    if (rc != SL_OK)
        return rc;
    int64_t goods = d->gross;
    if (collected < goods)
        collected = goods; /* the service reported no (or a short) figure: the invoice's */
    cash_place clr;
    clearing_of(t, sh, &clr);
    char ref[48];
    snprintf(ref, sizeof ref, "cod:%lld", (long long)sh->id);
    ledger_payment p = {"payment",          ref,          goods, clr.code, clr.account,
                        sh->postal_channel, sh->parcel_id};
    int64_t pid = 0;
    rc = masters_cash_account_ensure(s, clr.code, clr.account, err);
    if (rc == SL_OK)
        rc = ledger_payment_add(s, d->id, &p, now_ms, &pid, err);
    if (rc == SL_OK && pid != 0) { /* 0: booked before */
        ledger_journal j;
        ledger_journal_init(&j);
        rc = ledger_journal_add(&j, clr.account, collected, "", "cash on delivery", err);
        if (rc == SL_OK)
            rc = ledger_journal_add(&j, config_account(t, "receivable"), -goods, "",
                                    "cash on delivery", err);
        if (rc == SL_OK)
            rc = ledger_journal_add(&j, config_account(t, "shipping_income"), goods - collected, "",
                                    "postage paid at the door", err);
        if (rc == SL_OK && fee > 0)
            rc = ledger_journal_add(&j, fees_account(t, sh), fee, "", "postal service fees", err);
        if (rc == SL_OK && fee > 0)
            rc = ledger_journal_add(&j, clr.account, -fee, "", "postal service fees", err);
        if (rc == SL_OK)
            rc = ledger_post(s, d->id, pid, &j, now_ms, err);
        *booked = rc == SL_OK;
    }
    ledger_doc_free(d);
    return rc;
}

int ship_money_returned(store *s, const config_tenant *t, const shipment *sh, int64_t fee,
                        int64_t now_ms, sl_error *err)
{
    ledger_doc *d = NULL;
    int rc = document_of(s, sh, &d, err);
    if (rc != SL_OK)
        return rc;
    char ref[48], why[160];
    snprintf(ref, sizeof ref, "return:%lld", (long long)sh->id);
    snprintf(why, sizeof why, "parcel %s returned by the post", sh->parcel_id);
    rc = rules_credit_return(s, t, sh->shop_channel, sh->external_id, d->id, ref, why, now_ms, err);
    cash_place clr;
    clearing_of(t, sh, &clr);
    /* the postage is owed for a returned parcel too */
    int fresh = 0;
    if (rc == SL_OK && fee > 0)
        rc = shipment_booking_claim(s, sh->id, "postage", ref, fee, d->id, now_ms, &fresh, err);
    if (rc == SL_OK && fresh) {
        ledger_journal j;
        ledger_journal_init(&j);
        rc = ledger_journal_add(&j, fees_account(t, sh), fee, "", "postage of a returned parcel",
                                err);
        if (rc == SL_OK)
            rc = ledger_journal_add(&j, clr.account, -fee, "", "postage of a returned parcel", err);
        if (rc == SL_OK)
            rc = ledger_post(s, d->id, 0, &j, now_ms, err);
    }
    ledger_doc_free(d);
    return rc;
}

int ship_money_settle(store *s, const config_tenant *t, const shipment *sh, int64_t amount,
                      const char *bank, const char *ref, int64_t now_ms, sl_error *err)
{
    if (amount <= 0)
        return sl_error_set(err, SL_EINVALID, "amount", "a settlement is a positive amount");
    ledger_doc *d = NULL;
    int rc = document_of(s, sh, &d, err);
    if (rc != SL_OK)
        return rc;
    cash_place clr, to;
    clearing_of(t, sh, &clr);
    cash_from(t, bank, "bank", &to);
    int fresh = 0;
    rc = masters_cash_account_ensure(s, to.code, to.account, err);
    if (rc == SL_OK)
        rc = shipment_booking_claim(s, sh->id, "settlement", ref, amount, d->id, now_ms, &fresh,
                                    err);
    if (rc == SL_OK && !fresh)
        rc = sl_error_set(err, SL_ECONFLICT, "ref", "settlement %.64s is booked already", ref);
    if (rc == SL_OK) {
        ledger_journal j;
        ledger_journal_init(&j);
        rc = ledger_journal_add(&j, to.account, amount, "", "postal settlement", err);
        if (rc == SL_OK)
            rc = ledger_journal_add(&j, clr.account, -amount, "", "postal settlement", err);
        if (rc == SL_OK)
            rc = ledger_post(s, d->id, 0, &j, now_ms, err);
    }
    ledger_doc_free(d);
    return rc;
}
