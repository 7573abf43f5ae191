/*
 * Booking a built document: numbering, posting the sale journal, stock,
 * payment, e-mail and the note back to the shop. Everything happens in the
 * caller's transaction; ledger_post refuses an unbalanced journal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "masters/masters.h"
#include "outbox/outbox.h"
#include "payments/payments.h"
#include "rules/rules_int.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "stock/stock.h"

const char *rules_type_label(const char *type)
{
    if (strcmp(type, LEDGER_RECEIPT) == 0)
        return "Receipt";
    if (strcmp(type, LEDGER_ORDER) == 0)
        return "Sales order";
    if (strcmp(type, LEDGER_CREDIT) == 0)
        return "Credit note";
    return "Invoice";
}

int rules_doc_journal(const config_tenant *t, const ledger_doc *d, ledger_journal *j, sl_error *err)
{
    int rc = ledger_journal_add(j, config_account(t, "receivable"), d->gross, "", d->number, err);
    for (size_t i = 0; rc == SL_OK && i < d->line_count; i++) {
        const ledger_line *l = &d->lines[i];
        rc = ledger_journal_add(j, l->account, -l->net, l->tax_group, l->kind, err);
        if (rc == SL_OK)
            rc = ledger_journal_add(j, config_account(t, "vat_output"), -l->tax, l->tax_group,
                                    "output VAT", err);
    }
    return rc;
}

int rules_note(rules_ctx *c, int64_t doc_id, const char *event, const char *text)
{
    char key[160];
    snprintf(key, sizeof(key), "note:%lld:%s", (long long)doc_id, event);
    json_t *p = json_pack("{s:s}", "note", text);
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    if (!payload)
        return sl_error_set(c->err, SL_ENOMEM, "", "out of memory");
    int queued = 0;
    int rc = outbox_put(c->s, OUTBOX_NOTE, c->ch->name, key, order_text(c->o, SL_ORDER_EXTERNAL_ID),
                        payload, c->now_ms, &queued, c->err);
    free(payload);
    if (rc == SL_OK && c->it)
        rc = inbox_event(c->s, c->it->id, c->now_ms, "rules", text, c->err);
    return rc;
}

/* The payments map gives "CODE" or "CODE:ACCOUNT" ("bank:2620"); without
   an account the cash code books to the tenant's "cash" role. */
void rules_cash(rules_ctx *c, char *code, size_t code_cap, char *account, size_t account_cap)
{
    const char *method = order_text(c->o, SL_ORDER_PAYMENT_METHOD);
    const char *m = *method ? config_channel_map(c->ch, "payments", method) : NULL;
    if (!m || !*m)
        m = "cash";
    const char *colon = strchr(m, ':');
    if (colon && colon[1]) {
        snprintf(code, code_cap, "%.*s", (int)(colon - m), m);
        snprintf(account, account_cap, "%s", colon + 1);
    } else {
        snprintf(code, code_cap, "%s", m);
        snprintf(account, account_cap, "%s", config_account(c->t, "cash"));
    }
}

/* Records and posts a payment of `amount` to cash `code` / `account`. */
static int pay_with(rules_ctx *c, int64_t doc_id, const char *kind, const char *ref, int64_t amount,
                    const char *code, const char *account, const char *against, int sign,
                    int exponent, char *buf, size_t cap)
{
    char m[SL_MONEY_TEXT_MAX];
    int rc = masters_cash_account_ensure(c->s, code, account, c->err);
    if (rc)
        return rc;
    ledger_payment p = {kind,
                        ref,
                        amount,
                        code,
                        account,
                        order_text(c->o, SL_ORDER_PAYMENT_METHOD),
                        order_text(c->o, SL_ORDER_TRANSACTION_ID)};
    int64_t pid = 0;
    rc = ledger_payment_add(c->s, doc_id, &p, c->now_ms, &pid, c->err);
    if (rc || pid == 0)
        return rc; /* already recorded: nothing more to post */
    ledger_journal j;
    ledger_journal_init(&j);
    rc = ledger_journal_add(&j, account, sign * amount, "", kind, c->err);
    if (rc == SL_OK)
        rc = ledger_journal_add(&j, against, -sign * amount, "", kind, c->err);
    if (rc == SL_OK)
        rc = ledger_post(c->s, doc_id, pid, &j, c->now_ms, c->err);
    if (rc == SL_OK)
        snprintf(buf, cap, "%s %s %s %s", sign > 0 ? kind : "refund",
                 sl_money_format(amount, exponent, m), sign > 0 ? "to" : "from", code);
    return rc;
}

int rules_pay(rules_ctx *c, int64_t doc_id, const char *kind, const char *ref, int64_t amount,
              const char *against, int sign, int exponent, char *buf, size_t cap)
{
    char code[LEDGER_CODE_MAX], account[LEDGER_ACCOUNT_MAX];
    rules_cash(c, code, sizeof(code), account, sizeof(account));
    return pay_with(c, doc_id, kind, ref, amount, code, account, against, sign, exponent, buf, cap);
}

int rules_refund_pay(rules_ctx *c, int64_t doc_id, int64_t paid_doc_id, const char *ref,
                     int64_t amount, int exponent, char *buf, size_t cap)
{
    char code[LEDGER_CODE_MAX], account[LEDGER_ACCOUNT_MAX];
    int rc = ledger_payment_source(c->s, paid_doc_id, code, sizeof(code), account, sizeof(account),
                                   c->err);
    if (rc)
        return rc;
    if (!code[0])
        rules_cash(c, code, sizeof(code), account, sizeof(account));
    return pay_with(c, doc_id, "refund", ref, amount, code, account,
                    config_account(c->t, "receivable"), -1, exponent, buf, cap);
}

static int move_lines(rules_ctx *c, const ledger_doc *d, const char *kind)
{
    for (size_t i = 0; i < d->line_count; i++) {
        const ledger_line *l = &d->lines[i];
        if (!l->product_id || l->qty_milli <= 0)
            continue;
        int rc = stock_move(c->s, d->id, d->warehouse_id, l->product_id, kind, l->qty_milli,
                            c->now_ms, c->err);
        if (rc)
            return rc;
    }
    return SL_OK;
}

static int queue_email(rules_ctx *c, const ledger_doc *d)
{
    char key[64];
    snprintf(key, sizeof(key), "email:%lld", (long long)d->id);
    json_t *p = json_pack("{s:I, s:s, s:s, s:s}", "document_id", (json_int_t)d->id, "number",
                          d->number, "type", d->type, "to", order_text(c->o, SL_ORDER_EMAIL));
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    if (!payload)
        return sl_error_set(c->err, SL_ENOMEM, "", "out of memory");
    int queued = 0;
    int rc =
        outbox_put(c->s, OUTBOX_EMAIL, c->ch->name, key, order_text(c->o, SL_ORDER_EXTERNAL_ID),
                   payload, c->now_ms, &queued, c->err);
    free(payload);
    return rc;
}

/* Sale documents post their journal and move stock out; a sales order is
   confirmed and reserves. */
static int book(rules_ctx *c, ledger_doc *d, int is_order)
{
    if (is_order)
        return move_lines(c, d, "reserve");
    ledger_journal j;
    ledger_journal_init(&j);
    int rc = rules_doc_journal(c->t, d, &j, c->err);
    if (rc == SL_OK)
        rc = ledger_post(c->s, d->id, 0, &j, c->now_ms, c->err);
    return rc ? rc : move_lines(c, d, "out");
}

int rules_finalize(rules_ctx *c, ledger_doc *d)
{
    return rules_finalize_as(c, d, c->ch->add_payment);
}

int rules_finalize_as(rules_ctx *c, ledger_doc *d, int with_payment)
{
    char series[64];
    rules_series(c->ch, "", series, sizeof(series));
    int rc = ledger_assign_number(c->s, d, series, c->err);
    if (rc)
        return rc;
    int is_order = strcmp(d->type, LEDGER_ORDER) == 0;
    snprintf(d->status, sizeof(d->status), "%s", is_order ? LEDGER_APPROVED : LEDGER_POSTED);
    rc = ledger_doc_set_status(c->s, d->id, d->status, "", c->now_ms, c->err);
    if (rc == SL_OK)
        rc = book(c, d, is_order);
    char pay[256] = "", gateway[64];
    int via_gateway = pay_method_gateway(c->ch, order_text(c->o, SL_ORDER_PAYMENT_METHOD), gateway,
                                         sizeof gateway);
    const char *ref = order_text(c->o, SL_ORDER_TRANSACTION_ID);
    if (rc == SL_OK && with_payment && d->gross > 0 && via_gateway)
        /* rules_gateway_gate let it through: confirmed, or no reference
           (then it waits for a pay link); the gateway's pass books it */
        if (ref[0])
            snprintf(pay, sizeof pay, "payment confirmed by %s (reference %.64s): booked by it",
                     gateway, ref);
        else
            snprintf(pay, sizeof pay, "paid through %s by the shop without a reference: not booked",
                     gateway);
    else if (rc == SL_OK && with_payment && d->gross > 0)
        rc = rules_pay(c, d->id, is_order ? "prepayment" : "payment", "order", d->gross,
                       config_account(c->t, is_order ? "prepayments" : "receivable"), 1,
                       d->exponent, pay, sizeof(pay));
    if (rc == SL_OK && c->ch->email)
        rc = queue_email(c, d);
    if (rc)
        return rc;
    char text[512];
    snprintf(text, sizeof(text), "%s %s %s%s%s", rules_type_label(d->type), d->number,
             is_order ? "confirmed" : "posted", pay[0] ? "; " : "", pay);
    return rules_note(c, d->id, d->status, text);
}
