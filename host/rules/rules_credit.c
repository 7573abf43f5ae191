/*
 * Cancellations and refunds of a booked order. A receipt or a document
 * that was never posted is voided (its postings, if any, reversed onto
 * itself, stock returned or reservations released). A posted invoice is
 * never changed: it gets a credit note, one per refund id (the UNIQUE
 * (original_id, refund_ref) index makes it once), and one for what is left
 * when the order is cancelled. A refund without lines is split over the
 * original's tax groups (rules_refund_split.c); the stock the shop
 * restocked follows the credit notes (rules_restock.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "stock/stock.h"

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* Copies every line of `from` negated: a full reversal. */
static int copy_negated(ledger_doc *cn, const ledger_doc *from, sl_error *err)
{
    for (size_t i = 0; i < from->line_count; i++) {
        const ledger_line *l = &from->lines[i];
        ledger_line *n = ledger_doc_add_line(cn, l->kind, l->sku, l->text);
        if (!n)
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
        char *sku = n->sku, *text = n->text;
        *n = *l;
        n->sku = sku, n->text = text;
        n->net = -l->net, n->tax = -l->tax, n->discount = -l->discount;
    }
    return SL_OK;
}

/* A refund without lines: one refund line per tax group of the original,
   the amount split in proportion to the groups' gross (the rule is in
   rules_refund_split.c). *parts tells the caller how many groups shared. */
static int partial_lines(rules_ctx *c, ledger_doc *cn, const ledger_doc *from, int64_t amount,
                         const char *text, size_t *parts)
{
    rules_refund_part p[RULES_REFUND_MAX_PARTS];
    size_t n = 0;
    int rc = rules_refund_split(from, amount, p, &n, c->err);
    for (size_t i = 0; rc == SL_OK && i < n; i++) {
        ledger_line *l = ledger_doc_add_line(cn, "refund", "", text);
        if (!l)
            return sl_error_set(c->err, SL_ENOMEM, "", "out of memory");
        l->net = -(p[i].gross - p[i].tax);
        l->tax = -p[i].tax;
        l->unit_price = p[i].gross - p[i].tax;
        l->tax_percent_milli = p[i].tax_percent_milli;
        memcpy(l->tax_group, p[i].tax_group, sizeof(l->tax_group));
        snprintf(l->account, sizeof(l->account), "%s", config_account(c->t, "revenue"));
    }
    *parts = n;
    return rc;
}

static ledger_doc *credit_header(const ledger_doc *from, const char *ref)
{
    ledger_doc *cn = ledger_doc_new(LEDGER_CREDIT, from->channel, from->external_id);
    if (!cn)
        return NULL;
    memcpy(cn->currency, from->currency, sizeof(cn->currency));
    cn->exponent = from->exponent;
    cn->customer_id = from->customer_id;
    cn->warehouse_id = from->warehouse_id;
    cn->original_id = from->id;
    snprintf(cn->refund_ref, sizeof(cn->refund_ref), "%s", ref);
    snprintf(cn->status, sizeof(cn->status), "%s", LEDGER_POSTED);
    free(cn->order_number);
    cn->order_number = strdup(from->order_number);
    if (!cn->order_number) {
        ledger_doc_free(cn);
        return NULL;
    }
    return cn;
}

/* Posts the credit note's journal, returns stock when full, refunds what
   was paid and not yet refunded (up to the credited amount), notes it. */
static int book_credit(rules_ctx *c, ledger_doc *cn, const ledger_doc *from, int full,
                       int64_t refunded_before, const char *why)
{
    char series[64], pay[128] = "", m[SL_MONEY_TEXT_MAX];
    rules_series(c->ch, "CN", series, sizeof(series));
    int rc = ledger_doc_insert(c->s, cn, c->now_ms, c->err);
    if (rc == SL_OK)
        rc = ledger_assign_number(c->s, cn, series, c->err);
    ledger_journal j = {.n = 0};
    if (rc == SL_OK)
        rc = rules_doc_journal(c->t, cn, &j, c->err);
    if (rc == SL_OK)
        rc = ledger_post(c->s, cn->id, 0, &j, c->now_ms, c->err);
    if (rc == SL_OK && full)
        rc = stock_reverse_doc(c->s, from->id, cn->id, c->now_ms, c->err);
    int64_t paid = 0;
    if (rc == SL_OK)
        rc = ledger_payment_sum(c->s, from->id, "payment", &paid, c->err);
    int64_t back = paid - refunded_before;
    if (back > -cn->gross)
        back = -cn->gross;
    if (rc == SL_OK && back > 0)
        rc = rules_refund_pay(c, cn->id, from->id, cn->refund_ref, back, cn->exponent, pay,
                              sizeof(pay));
    if (rc)
        return rc;
    char text[512], event[160];
    snprintf(text, sizeof(text), "Credit note %s for %s %s: %s (%s)%s%s", cn->number,
             rules_type_label(from->type), from->number,
             sl_money_format(-cn->gross, cn->exponent, m), why, pay[0] ? "; " : "", pay);
    snprintf(event, sizeof(event), "credit:%s", cn->refund_ref);
    return rules_note(c, from->id, event, text);
}

/* Credits `amount` of `from` (a full reversal when nothing was credited
   yet and the amount is everything). */
static int credit(rules_ctx *c, const ledger_doc *from, const char *ref, int64_t amount,
                  const char *why)
{
    int64_t credited = 0, refunded = 0;
    int count = 0;
    int rc = ledger_credited(c->s, from->id, &credited, &refunded, &count, c->err);
    if (rc)
        return rc;
    int64_t left = from->gross + credited;
    if (amount > left)
        amount = left;
    if (amount <= 0)
        return SL_OK;
    int full = count == 0 && amount == from->gross;
    ledger_doc *cn = credit_header(from, ref);
    if (!cn)
        return sl_error_set(c->err, SL_ENOMEM, "", "out of memory");
    size_t parts = 1;
    rc = full ? copy_negated(cn, from, c->err)
              : partial_lines(c, cn, from, amount, why, &parts);
    char told[320];
    if (parts > 1)
        snprintf(told, sizeof(told), "%s; split over %zu tax groups in proportion to their gross",
                 why, parts);
    else
        snprintf(told, sizeof(told), "%s", why);
    if (rc == SL_OK) {
        ledger_doc_sum(cn);
        rc = book_credit(c, cn, from, full, refunded, told);
    }
    ledger_doc_free(cn);
    return rc;
}

/* Gives back what was paid on d and not yet refunded: a refund payment
   row with its own posting (cash out against receivable), so the void
   that follows reverses only what is left, the sale. */
static int refund_paid(rules_ctx *c, const ledger_doc *d, char *pay, size_t cap)
{
    int64_t paid = 0, refunded = 0;
    int rc = ledger_payment_sum(c->s, d->id, "payment", &paid, c->err);
    if (rc == SL_OK)
        rc = ledger_payment_sum(c->s, d->id, "refund", &refunded, c->err);
    if (rc == SL_OK && paid > refunded)
        rc = rules_refund_pay(c, d->id, d->id, "void", paid - refunded, d->exponent, pay, cap);
    return rc;
}

static int void_doc(rules_ctx *c, ledger_doc *d)
{
    char pay[128] = "";
    int rc = refund_paid(c, d, pay, sizeof(pay));
    if (rc == SL_OK)
        rc = ledger_post_reverse_of(c->s, d->id, d->id, c->now_ms, c->err);
    if (rc == SL_OK)
        rc = stock_reverse_doc(c->s, d->id, d->id, c->now_ms, c->err);
    if (rc == SL_OK)
        rc = ledger_doc_set_status(c->s, d->id, LEDGER_VOID, NULL, c->now_ms, c->err);
    if (rc)
        return rc;
    char text[256];
    snprintf(text, sizeof(text), "%s %s voided (order cancelled)%s%s", rules_type_label(d->type),
             d->number[0] ? d->number : "draft", pay[0] ? "; " : "", pay);
    return rules_note(c, d->id, "void", text);
}

int rules_cancel(rules_ctx *c, ledger_doc *d)
{
    if (strcmp(d->status, LEDGER_VOID) == 0)
        return SL_OK;
    int64_t credited = 0, refunded = 0;
    int count = 0;
    int rc = ledger_credited(c->s, d->id, &credited, &refunded, &count, c->err);
    if (rc)
        return rc;
    int posted = strcmp(d->status, LEDGER_POSTED) == 0;
    if (posted && (strcmp(d->type, LEDGER_INVOICE) == 0 || count > 0))
        return credit(c, d, RULES_CANCEL_REF, d->gross, "order cancelled");
    return void_doc(c, d);
}

const char *rules_refund_ref(const order_line *l)
{
    const char *id = order_line_text(l, SL_LINE_EXTERNAL_ID);
    return *id ? id : "refund";
}

int rules_refunds(rules_ctx *c, ledger_doc *d)
{
    if (strcmp(d->status, LEDGER_POSTED) != 0 || strcmp(d->type, LEDGER_CREDIT) == 0)
        return SL_OK;
    const order *o = c->o;
    for (size_t i = 0; i < o->line_count; i++) {
        const order_line *l = &o->lines[i];
        if (l->kind != SL_LINE_REFUND)
            continue;
        char ref[128];
        snprintf(ref, sizeof(ref), "%s", rules_refund_ref(l));
        int64_t have = 0;
        int rc = ledger_credit_find(c->s, d->id, ref, &have, c->err);
        if (rc)
            return rc;
        if (have)
            continue;
        char why[256];
        snprintf(why, sizeof(why), "refund %s%s%s", ref,
                 *order_line_text(l, SL_LINE_REASON) ? ": " : "",
                 order_line_text(l, SL_LINE_REASON));
        int64_t amount = order_line_has_money(l, SL_LINE_TOTAL) ? abs64(l->money[SL_LINE_TOTAL]) : 0;
        rc = credit(c, d, ref, amount, why);
        if (rc)
            return rc;
    }
    return rules_restock(c, d);
}
