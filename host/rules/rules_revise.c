/*
 * Edits of a booked order: an admin adds a line, changes a quantity or a
 * price after the invoice was posted, and the shop fires order.updated
 * with the new total.
 *
 * The rule (the simplest one that keeps the books right, host/
 * ARCHITECTURE.md "Edits in the books"):
 *
 *   the current revision is built into a document as if it were new and
 *   compared with the posted invoice in what a sale books: the totals,
 *   the number of lines and each line's kind, SKU, quantity, net and tax
 *   (tax groups and accounts come from the tenant's maps, not from the
 *   shop, so a changed map alone is no edit);
 *
 *   nothing differs -> an inbox event says so; nothing is booked (a
 *                      customer note, an address typo, a status change);
 *   it differs      -> a credit note for the whole old invoice (its
 *                      stock moves returned, no money back), a new
 *                      invoice from the revision (stock out as usual),
 *                      the order linked to the new invoice, and what was
 *                      paid on the old one moved to the new one: a
 *                      payment row with the old cash account (a later
 *                      refund goes back there) whose posting debits and
 *                      credits receivable, so no cash is counted twice.
 *                      What the new total leaves unpaid stays open; what
 *                      was paid over it stays as the buyer's credit on
 *                      the old invoice. One note back to the shop says it
 *                      all.
 *
 * Not corrected automatically, each with an event and a note saying why:
 * a document other than an invoice (a receipt is voided, a sales order
 * reserves: neither has a credit-and-replace rule yet), an invoice that
 * already has credit notes (its refunds would be credited twice), and a
 * revision whose document could not be posted (a totals mismatch or an
 * unmapped tax: the item is left Draft, the old invoice as booked).
 * Drafts never come here: rules.c rebuilds them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

/* Appends "; "-separated "LABEL A -> B" to what (cut at cap). */
static void say(char *what, size_t cap, const char *label, const char *a, const char *b)
{
    size_t n = strlen(what);
    if (n + 3 >= cap)
        return;
    snprintf(what + n, cap - n, "%s%s %s -> %s", n ? "; " : "", label, a, b);
}

static int same_line(const ledger_line *a, const ledger_line *b)
{
    return strcmp(a->kind, b->kind) == 0 && strcmp(a->sku, b->sku) == 0 &&
           a->qty_milli == b->qty_milli && a->net == b->net && a->tax == b->tax;
}

int rules_revise_differs(const ledger_doc *booked, const ledger_doc *built, char *what, size_t cap)
{
    char x[SL_MONEY_TEXT_MAX], y[SL_MONEY_TEXT_MAX];
    what[0] = '\0';
    int differs = 0;
    if (booked->gross != built->gross) {
        say(what, cap, "total", sl_money_format(booked->gross, booked->exponent, x),
            sl_money_format(built->gross, built->exponent, y));
        differs = 1;
    }
    if (booked->tax != built->tax) {
        say(what, cap, "tax", sl_money_format(booked->tax, booked->exponent, x),
            sl_money_format(built->tax, built->exponent, y));
        differs = 1;
    }
    if (booked->line_count != built->line_count) {
        snprintf(x, sizeof x, "%zu", booked->line_count);
        snprintf(y, sizeof y, "%zu", built->line_count);
        say(what, cap, "lines", x, y);
        return 1;
    }
    for (size_t i = 0; i < booked->line_count; i++) {
        if (same_line(&booked->lines[i], &built->lines[i]))
            continue;
        size_t n = strlen(what);
        if (n + 3 < cap)
            snprintf(what + n, cap - n, "%sline %zu (%s) changed", n ? "; " : "", i + 1,
                     built->lines[i].sku[0] ? built->lines[i].sku : built->lines[i].kind);
        return 1;
    }
    if (!differs && booked->net != built->net) {
        say(what, cap, "net", sl_money_format(booked->net, booked->exponent, x),
            sl_money_format(built->net, built->exponent, y));
        differs = 1;
    }
    return differs;
}

static const char *order_name(const rules_ctx *c)
{
    const char *n = order_text(c->o, SL_ORDER_NUMBER);
    return *n ? n : order_text(c->o, SL_ORDER_EXTERNAL_ID);
}

static int revision_no(const rules_ctx *c)
{
    return c->it ? c->it->revision_no : 0;
}

/* An edit the rule does not correct: the event and the note say why, the
   booked invoice stays as it is. */
static int refuse(rules_ctx *c, const ledger_doc *booked, const char *what, const char *why)
{
    char text[900], event[32];
    snprintf(text, sizeof text,
             "Order %s edited in the shop (%s); %s %s stays as booked, not corrected "
             "automatically: %s",
             order_name(c), what, rules_type_label(booked->type), booked->number, why);
    snprintf(event, sizeof event, "revise:r%d", revision_no(c));
    return rules_note(c, booked->id, event, text);
}

/* What was paid on `from` and not given back. */
static int paid_on(rules_ctx *c, const ledger_doc *from, int64_t *paid)
{
    int64_t in = 0, out = 0;
    int rc = ledger_payment_sum(c->s, from->id, "payment", &in, c->err);
    if (rc == SL_OK)
        rc = ledger_payment_sum(c->s, from->id, "refund", &out, c->err);
    if (rc == SL_OK)
        *paid = in > out ? in - out : 0;
    return rc;
}

/* Moves `amount` paid on `from` to `to`: a payment row on `to` with the
   cash code and account the money came in on (so a refund of `to` goes
   back there), posted receivable against receivable: the cash was
   counted once, when it came in. */
static int move_payment(rules_ctx *c, const ledger_doc *from, const ledger_doc *to, int64_t amount)
{
    char code[LEDGER_CODE_MAX], account[LEDGER_ACCOUNT_MAX], ref[48], memo[96];
    int rc =
        ledger_payment_source(c->s, from->id, code, sizeof code, account, sizeof account, c->err);
    if (rc)
        return rc;
    if (!code[0])
        rules_cash(c, code, sizeof code, account, sizeof account);
    snprintf(ref, sizeof ref, "moved:%lld", (long long)from->id);
    ledger_payment p = {"payment",
                        ref,
                        amount,
                        code,
                        account,
                        order_text(c->o, SL_ORDER_PAYMENT_METHOD),
                        order_text(c->o, SL_ORDER_TRANSACTION_ID)};
    int64_t pid = 0;
    rc = ledger_payment_add(c->s, to->id, &p, c->now_ms, &pid, c->err);
    if (rc || pid == 0)
        return rc;
    const char *receivable = config_account(c->t, "receivable");
    ledger_journal j;
    ledger_journal_init(&j);
    snprintf(memo, sizeof memo, "payment moved from %s", from->number);
    rc = ledger_journal_add(&j, receivable, amount, "", memo, c->err);
    snprintf(memo, sizeof memo, "payment moved to %s", to->number);
    if (rc == SL_OK)
        rc = ledger_journal_add(&j, receivable, -amount, "", memo, c->err);
    return rc ? rc : ledger_post(c->s, to->id, pid, &j, c->now_ms, c->err);
}

/* The new invoice's internal note says what it replaces. */
static int note_replaces(ledger_doc *nd, const ledger_doc *booked, sl_error *err)
{
    size_t cap = strlen(nd->internal_note) + strlen(booked->number) + 64;
    char *n = malloc(cap);
    if (n == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    snprintf(n, cap, "%s%sreplaces %s (order edited in the shop)", nd->internal_note,
             nd->internal_note[0] ? "\n" : "", booked->number);
    free(nd->internal_note);
    nd->internal_note = n;
    return SL_OK;
}

/* Credit the old invoice, post the new one, move the payment, note it. */
static int replace(rules_ctx *c, const ledger_doc *booked, ledger_doc *nd, const char *what)
{
    char why[320], ref[48], cn[64];
    snprintf(why, sizeof why, "order edited in the shop: %s", what);
    snprintf(ref, sizeof ref, "revise:r%d", revision_no(c));
    int64_t paid = 0;
    int rc = paid_on(c, booked, &paid);
    if (rc == SL_OK)
        rc = rules_credit_whole(c, booked, ref, why, cn, sizeof cn);
    if (rc == SL_OK)
        rc = note_replaces(nd, booked, c->err);
    if (rc == SL_OK)
        rc = ledger_doc_insert(c->s, nd, c->now_ms, c->err);
    if (rc == SL_OK)
        rc = ledger_link_move(c->s, booked->channel, booked->external_id, booked->id, nd->id,
                              c->err);
    if (rc == SL_OK)
        rc = rules_finalize_as(c, nd, 0);
    int64_t moved = paid < nd->gross ? paid : nd->gross;
    if (rc == SL_OK && moved > 0)
        rc = move_payment(c, booked, nd, moved);
    if (rc)
        return rc;
    char text[900], m[SL_MONEY_TEXT_MAX], rest[SL_MONEY_TEXT_MAX + 96] = "";
    if (nd->gross > moved)
        snprintf(rest, sizeof rest, "; %s open",
                 sl_money_format(nd->gross - moved, nd->exponent, m));
    else if (paid > moved)
        snprintf(rest, sizeof rest, "; %s paid over the new total stays as the buyer's credit",
                 sl_money_format(paid - moved, nd->exponent, m));
    char pay[SL_MONEY_TEXT_MAX + 64] = "";
    if (moved > 0)
        snprintf(pay, sizeof pay, "; payment %s moved to %s",
                 sl_money_format(moved, nd->exponent, m), nd->number);
    snprintf(text, sizeof text,
             "Order %s edited in the shop (%s): %s %s credited by %s and "
             "replaced by %s %s%s%s",
             order_name(c), what, rules_type_label(booked->type), booked->number, cn,
             rules_type_label(nd->type), nd->number, pay, rest);
    return rules_note(c, nd->id, "revised", text);
}

int rules_revise(rules_ctx *c, const ledger_doc *booked, int *state, int *handled)
{
    *handled = 0;
    if (strcmp(booked->status, LEDGER_POSTED) != 0 && strcmp(booked->status, LEDGER_APPROVED) != 0)
        return SL_OK;
    ledger_doc *nd = NULL;
    int rc = rules_build_doc(c->s, c->t, c->ch, c->o, c->now_ms, &nd, c->err);
    if (rc)
        return rc;
    char what[256], text[600];
    int64_t credited = 0, refunded = 0;
    int count = 0;
    if (!rules_revise_differs(booked, nd, what, sizeof what)) {
        snprintf(text, sizeof text,
                 "revision %d changes nothing booked on %s %s (lines, taxes and total as "
                 "booked): recorded only",
                 revision_no(c), rules_type_label(booked->type), booked->number);
        rc = c->it ? inbox_event(c->s, c->it->id, c->now_ms, "rules", text, c->err) : SL_OK;
    } else if (strcmp(booked->type, LEDGER_INVOICE) != 0) {
        rc = refuse(c, booked, what, "only a posted invoice is credited and replaced");
    } else if ((rc = ledger_credited(c->s, booked->id, &credited, &refunded, &count, c->err)) !=
               SL_OK) {
        /* rc carries the error */
    } else if (count > 0) {
        rc = refuse(c, booked, what,
                    "it has credit notes already (refunds), which a replacement would "
                    "credit twice; correct it by hand");
    } else if (nd->reason[0]) {
        snprintf(text, sizeof text, "the new content cannot be posted: %s", nd->reason);
        rc = refuse(c, booked, what, text);
        *state = INBOX_DRAFT;
    } else {
        *handled = 1;
        rc = replace(c, booked, nd, what);
        if (rc == SL_OK)
            rc = rules_refunds(c, nd);
    }
    ledger_doc_free(nd);
    return rc;
}
