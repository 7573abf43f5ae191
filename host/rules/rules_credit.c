/*
 * Cancellations and refunds of a booked order. A receipt or a document
 * that was never posted is voided (its postings, if any, reversed onto
 * itself, stock returned or reservations released). A posted invoice is
 * never changed: it gets a credit note, one per refund id (the UNIQUE
 * (original_id, refund_ref) index makes it once), and one for what is left
 * when the order is cancelled. A refund that names its lines is credited
 * line by line (rules_refund_lines.c) and must make its amount exactly,
 * else its credit note stays Draft with the reason; one without lines is
 * split over the original's tax groups (rules_refund_split.c), unless
 * its lines exist but were not read (a webhook) and the channel polls:
 * then it waits for the poll. The stock the shop restocked follows the
 * credit notes (rules_restock.c).
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
   was paid and not yet refunded (up to the credited amount) unless
   `keep_cash` (a correction: the payment moves to the new document, no
   money goes back), notes it. */
static int book_credit_as(rules_ctx *c, ledger_doc *cn, const ledger_doc *from, int full,
                          int64_t refunded_before, const char *why, int keep_cash)
{
    char series[64], pay[128] = "", m[SL_MONEY_TEXT_MAX];
    rules_series(c->ch, "CN", series, sizeof(series));
    int rc = ledger_doc_insert(c->s, cn, c->now_ms, c->err);
    if (rc == SL_OK)
        rc = ledger_assign_number(c->s, cn, series, c->err);
    ledger_journal j;
    ledger_journal_init(&j);
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
    if (rc == SL_OK && back > 0 && !keep_cash)
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

static int book_credit(rules_ctx *c, ledger_doc *cn, const ledger_doc *from, int full,
                       int64_t refunded_before, const char *why)
{
    return book_credit_as(c, cn, from, full, refunded_before, why, 0);
}

int rules_credit_whole(rules_ctx *c, const ledger_doc *from, const char *ref, const char *why,
                       char *number, size_t cap)
{
    ledger_doc *cn = credit_header(from, ref);
    if (!cn)
        return sl_error_set(c->err, SL_ENOMEM, "", "out of memory");
    int rc = copy_negated(cn, from, c->err);
    ledger_doc_sum(cn);
    if (rc == SL_OK)
        rc = book_credit_as(c, cn, from, 1, 0, why, 1);
    if (rc == SL_OK)
        snprintf(number, cap, "%s", cn->number);
    ledger_doc_free(cn);
    return rc;
}

/* A credit note that cannot be posted as the shop gave it (its lines do
   not make the refund, or a line matches nothing of the sale): stored
   Draft with the reason, unnumbered, nothing posted or paid back. */
static int leave_credit_draft(rules_ctx *c, ledger_doc *cn, const ledger_doc *from)
{
    snprintf(cn->status, sizeof(cn->status), "%s", LEDGER_DRAFT);
    int rc = ledger_doc_insert(c->s, cn, c->now_ms, c->err);
    if (rc)
        return rc;
    char text[800], event[160];
    snprintf(text, sizeof(text), "Credit note for refund %s of %s %s left Draft: %s",
             cn->refund_ref, rules_type_label(from->type), from->number, cn->reason);
    snprintf(event, sizeof(event), "credit:%s", cn->refund_ref);
    return rules_note(c, from->id, event, text);
}

/* The lines of a refund that names them must make its amount exactly:
   the shop's figures are booked as they are, never nudged to agree. */
static void check_lines_total(ledger_doc *cn, int64_t asked, int64_t left)
{
    char a[SL_MONEY_TEXT_MAX], b[SL_MONEY_TEXT_MAX];
    if (cn->reason[0])
        return;
    if (-cn->gross != asked)
        snprintf(
            cn->reason, sizeof(cn->reason), "the refund's lines add up to %s, the refund is %s",
            sl_money_format(-cn->gross, cn->exponent, a), sl_money_format(asked, cn->exponent, b));
    else if (asked > left)
        snprintf(cn->reason, sizeof(cn->reason),
                 "the refund of %s is more than the %s not yet credited",
                 sl_money_format(asked, cn->exponent, a), sl_money_format(left, cn->exponent, b));
}

/* The credit note's lines: a full reversal, the refund's own lines, or
   its amount split over the tax groups. Writes what was done into told. */
static int credit_lines(rules_ctx *c, ledger_doc *cn, const ledger_doc *from, int full,
                        int64_t amount, const char *why, char *told, size_t cap)
{
    size_t listed = full ? 0 : rules_refund_part_count(c->o, cn->refund_ref), parts = 1;
    int rc = full     ? copy_negated(cn, from, c->err)
             : listed ? rules_refund_lines(c, cn, from, cn->refund_ref)
                      : partial_lines(c, cn, from, amount, why, &parts);
    if (listed)
        snprintf(told, cap, "%s; %zu refunded line%s", why, listed, listed > 1 ? "s" : "");
    else if (parts > 1)
        snprintf(told, cap, "%s; split over %zu tax groups in proportion to their gross", why,
                 parts);
    else
        snprintf(told, cap, "%s", why);
    ledger_doc_sum(cn);
    return rc;
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
    int64_t left = from->gross + credited, asked = amount;
    int listed = rules_refund_part_count(c->o, ref) > 0;
    if (amount > left && !listed)
        amount = left;
    if (amount <= 0 || left <= 0)
        return SL_OK;
    int full = count == 0 && amount == from->gross;
    ledger_doc *cn = credit_header(from, ref);
    if (!cn)
        return sl_error_set(c->err, SL_ENOMEM, "", "out of memory");
    char told[320];
    rc = credit_lines(c, cn, from, full, amount, why, told, sizeof(told));
    if (rc == SL_OK && listed && !full)
        check_lines_total(cn, asked, left);
    if (rc == SL_OK)
        rc = cn->reason[0] ? leave_credit_draft(c, cn, from)
                           : book_credit(c, cn, from, full, refunded, told);
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

int rules_credit_rest(rules_ctx *c, const ledger_doc *from, const char *ref, const char *why)
{
    int64_t id = 0;
    int rc = ledger_credit_find(c->s, from->id, ref, &id, c->err);
    if (rc != SL_OK || id != 0)
        return rc; /* credited under this reference before */
    return credit(c, from, ref, from->gross, why);
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

/* A refund whose lines the connector could not read (a webhook body) on
   a channel that polls: the poll brings them, so nothing is credited
   now. Returns 1 when it waits (the event says so). */
static int waits_for_lines(rules_ctx *c, const char *ref, int *rc)
{
    *rc = SL_OK;
    if (!c->o->flag[SL_ORDER_REFUND_LINES_MISSING] || !c->ch->intake_poll ||
        rules_refund_part_count(c->o, ref) > 0)
        return 0;
    char text[300];
    snprintf(text, sizeof(text),
             "refund %s waits for its lines from the next poll of channel %s (this revision "
             "carries only its amount); the stock it restocked follows with it",
             ref, c->ch->name);
    if (c->it)
        *rc = inbox_event(c->s, c->it->id, c->now_ms, "rules", text, c->err);
    return 1;
}

/* Why a refund is credited, with the reason it is split when the shop
   has lines the connector could not read and no poll will bring them. */
static void refund_why(rules_ctx *c, const order_line *l, const char *ref, char *why, size_t cap)
{
    const char *reason = order_line_text(l, SL_LINE_REASON);
    int unread =
        c->o->flag[SL_ORDER_REFUND_LINES_MISSING] && rules_refund_part_count(c->o, ref) == 0;
    snprintf(why, cap, "refund %s%s%s%s%s", ref, *reason ? ": " : "", reason,
             unread ? "; its lines are not in the webhook and channel " : "",
             unread ? c->ch->name : "");
    if (unread) {
        size_t used = strlen(why);
        snprintf(why + used, cap - used, " does not poll");
    }
}

int rules_refunds(rules_ctx *c, ledger_doc *d)
{
    if (strcmp(d->status, LEDGER_POSTED) != 0 || strcmp(d->type, LEDGER_CREDIT) == 0)
        return SL_OK;
    const order *o = c->o;
    int waiting = 0;
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
        if (waits_for_lines(c, ref, &rc)) {
            waiting++;
            if (rc)
                return rc;
            continue;
        }
        char why[256];
        refund_why(c, l, ref, why, sizeof(why));
        int64_t amount =
            order_line_has_money(l, SL_LINE_TOTAL) ? abs64(l->money[SL_LINE_TOTAL]) : 0;
        rc = credit(c, d, ref, amount, why);
        if (rc)
            return rc;
    }
    /* What the shop restocked with a waiting refund belongs on its credit
       note: it is returned when the lines arrive (stock_restocks books
       each figure once, whichever revision brings it). */
    return waiting ? SL_OK : rules_restock(c, d);
}
