/*
 * The rules driver: for one inbox item decide what the current revision of
 * the order means for its (single) document, and run it in one
 * transaction with the inbox state change.
 *
 *   order moved to the trash            -> recorded, nothing booked: trash
 *                                          is not a refund and WooCommerce
 *                                          does not restock it; a restore
 *                                          is a revision in the real state
 *   no document, created before the
 *   channel's start_date                -> history: recorded, never booked
 *                                          (rules_history.c)
 *   no document, order cancelled        -> nothing to book (processed)
 *   no document, status not triggering  -> wait (processed, no document)
 *   no document, status triggers        -> build; draft with reason on a
 *                                          totals mismatch, else approve/post
 *                                          and credit notes for its refunds
 *   draft document                      -> rebuilt from this revision
 *   document, order cancelled           -> void or credit note
 *   posted document, content edited     -> credit note for it whole + a new
 *                                          invoice, payment moved (rules_revise.c)
 *   posted document                     -> credit notes for new refunds;
 *                                          an edit that books nothing is
 *                                          an event only
 */
#include <stdio.h>
#include <string.h>

#include "payments/payments.h"
#include "rules/rules_int.h"
#include "shipments/ship_send.h"
#include "shopledger/sdkutil.h"

static int is_cancelled(const order *o)
{
    return strcmp(order_text(o, SL_ORDER_STATUS_NORMALIZED), SL_STATUS_CANCELLED) == 0 ||
           strcmp(order_text(o, SL_ORDER_STATUS), "cancelled") == 0;
}

/* The shop took the buyer's money at some point (paid date or flag, or a
   refund, which only follows a payment). */
static int was_paid(const order *o)
{
    if (o->flag[SL_ORDER_IS_PAID] || o->time[SL_ORDER_PAID] != 0)
        return 1;
    for (size_t i = 0; i < o->line_count; i++)
        if (o->lines[i].kind == SL_LINE_REFUND)
            return 1;
    return 0;
}

/* First seen refunded, or cancelled after payment: the money moved twice,
   so the sale, its payment and the credit notes are all booked, whatever
   the channel's trigger statuses. Deleted (trashed) orders are not. */
static int moved_money_already(const order *o)
{
    if (o->flag[SL_ORDER_DELETED] || !was_paid(o))
        return 0;
    const char *norm = order_text(o, SL_ORDER_STATUS_NORMALIZED);
    return strcmp(norm, SL_STATUS_RETURNED) == 0 || strcmp(norm, SL_STATUS_CANCELLED) == 0 ||
           strcmp(order_text(o, SL_ORDER_STATUS), "cancelled") == 0 ||
           strcmp(order_text(o, SL_ORDER_STATUS), "refunded") == 0;
}

static int triggers(const config_channel *ch, const order *o)
{
    return config_channel_processes(ch, order_text(o, SL_ORDER_STATUS)) ||
           config_channel_processes(ch, order_text(o, SL_ORDER_STATUS_NORMALIZED));
}

/* Draft outcome: the reason goes on the document, the inbox event log and
   a note to the shop; no number, no postings, no payment. */
static int leave_draft(rules_ctx *c, const ledger_doc *d, int *state, const char *why)
{
    char text[700], event[48];
    snprintf(text, sizeof(text), "%s for order %s left Draft: %s", rules_type_label(d->type),
             order_text(c->o, SL_ORDER_NUMBER)[0] ? order_text(c->o, SL_ORDER_NUMBER)
                                                  : d->external_id,
             d->reason);
    snprintf(event, sizeof(event), "draft:r%d%s", c->it ? c->it->revision_no : 0, why);
    *state = INBOX_DRAFT;
    return rules_note(c, d->id, event, text);
}

/* Approves (or leaves as a plain draft) a document built without a
   reason. */
static int settle(rules_ctx *c, ledger_doc *d, int *state)
{
    if (d->reason[0])
        return leave_draft(c, d, state, "");
    *state = INBOX_PROCESSED;
    if (c->ch->approve) {
        int waits = 0;
        int rc = rules_gateway_gate(c, d, &waits);
        if (rc == SL_OK && waits) /* one note while waiting, one when refused */
            return leave_draft(c, d, state,
                               waits == PAY_SHOP_REFUSED ? ":gateway-refused" : ":gateway-wait");
        return rc == SL_OK ? rules_finalize(c, d) : rc;
    }
    char text[256];
    snprintf(text, sizeof(text), "%s draft created for order %s", rules_type_label(d->type),
             d->order_number[0] ? d->order_number : d->external_id);
    return rules_note(c, d->id, "created", text);
}

static int create(rules_ctx *c, int *state)
{
    ledger_doc *d = NULL;
    int rc = rules_build_doc(c->s, c->t, c->ch, c->o, c->now_ms, &d, c->err);
    if (rc)
        return rc;
    rc = ledger_doc_insert(c->s, d, c->now_ms, c->err);
    if (rc == SL_OK)
        rc = ledger_link_put(c->s, d->channel, d->external_id, d->id, c->err);
    if (rc == SL_OK)
        rc = settle(c, d, state);
    /* An order first seen with refunds already made (a missed webhook the
       poll finds later, a replay) gets their credit notes now. */
    if (rc == SL_OK)
        rc = rules_refunds(c, d);
    ledger_doc_free(d);
    return rc;
}

/* Books the sale of an order first seen refunded or cancelled after
   payment, then what followed: its credit notes (create does those for
   each refund) and, when cancelled, the credit of whatever is left. */
static int create_then_settle_refunds(rules_ctx *c, int cancelled, int *state)
{
    int rc = create(c, state);
    int64_t doc_id = 0;
    if (rc == SL_OK && cancelled && *state == INBOX_PROCESSED)
        rc = ledger_link_get(c->s, c->ch->name, order_text(c->o, SL_ORDER_EXTERNAL_ID), &doc_id,
                             c->err);
    if (rc != SL_OK || doc_id == 0)
        return rc;
    ledger_doc *d = NULL;
    rc = ledger_doc_load(c->s, doc_id, &d, c->err);
    if (rc == SL_OK)
        rc = rules_cancel(c, d);
    ledger_doc_free(d);
    return rc;
}

static int rebuild(rules_ctx *c, const ledger_doc *old, int *state)
{
    ledger_doc *d = NULL;
    int rc = rules_build_doc(c->s, c->t, c->ch, c->o, c->now_ms, &d, c->err);
    if (rc)
        return rc;
    d->id = old->id;
    rc = ledger_doc_rewrite(c->s, d, c->now_ms, c->err);
    if (rc == SL_OK)
        rc = settle(c, d, state);
    if (rc == SL_OK)
        rc = rules_refunds(c, d);
    ledger_doc_free(d);
    return rc;
}

static int existing(rules_ctx *c, int64_t doc_id, int cancelled, int *state)
{
    ledger_doc *d = NULL;
    int rc = ledger_doc_load(c->s, doc_id, &d, c->err);
    if (rc)
        return rc;
    *state = INBOX_PROCESSED;
    if (cancelled)
        rc = rules_cancel(c, d);
    else if (strcmp(d->status, LEDGER_DRAFT) == 0)
        rc = rebuild(c, d, state);
    else {
        int handled = 0;
        rc = rules_revise(c, d, state, &handled);
        if (rc == SL_OK && !handled)
            rc = rules_refunds(c, d);
    }
    ledger_doc_free(d);
    return rc;
}

int rules_apply(store *s, const config_tenant *t, const inbox_item *it, int64_t now_ms, int *state,
                sl_error *err)
{
    const config_channel *ch = config_find_channel(t, it->channel);
    if (!ch)
        return sl_error_set(err, SL_ENOTFOUND, "channel", "channel %s is not configured",
                            it->channel);
    if (!it->order)
        return sl_error_set(err, SL_EINTERNAL, "order", "inbox item %lld has no order",
                            (long long)it->id);
    rules_ctx c = {s, t, ch, it, it->order, now_ms, err};
    int64_t doc_id = 0;
    int rc = ledger_link_get(s, ch->name, it->external_id, &doc_id, err);
    if (rc)
        return rc;
    int cancelled = is_cancelled(it->order);
    int st = INBOX_PROCESSED;
    if (it->order->flag[SL_ORDER_DELETED])
        rc = inbox_event(s, it->id, now_ms, "rules",
                         doc_id ? "order deleted in the shop (trash); its document stays as "
                                  "booked: a deletion is not a refund"
                                : "order deleted in the shop (trash); nothing booked",
                         err);
    else if (doc_id)
        rc = existing(&c, doc_id, cancelled, &st);
    else if (rules_is_history(t, ch, it->order))
        rc = rules_history_event(&c);
    else if (moved_money_already(it->order))
        rc = create_then_settle_refunds(&c, cancelled, &st);
    else if (cancelled)
        rc = inbox_event(s, it->id, now_ms, "rules",
                         "order cancelled before any document; nothing booked", err);
    else if (!triggers(ch, it->order))
        rc = inbox_event(s, it->id, now_ms, "rules", "status does not trigger processing; waiting",
                         err);
    else
        rc = create(&c, &st);
    if (rc == SL_OK)
        rc = inbox_mark(s, it->id, now_ms, st, st == INBOX_DRAFT ? "left draft" : "processed", err);
    /* a booked order whose shipping method and status say so goes to the post */
    if (rc == SL_OK && st == INBOX_PROCESSED && !cancelled && !it->order->flag[SL_ORDER_DELETED])
        rc = ship_rule_apply(s, t, ch, it, now_ms, err);
    if (rc == SL_OK)
        *state = st;
    return rc;
}

int rules_process_item(store *s, const config_tenant *t, int64_t item_id, int64_t now_ms,
                       int *state, sl_error *err)
{
    inbox_item *it = NULL;
    int rc = store_begin(s, err);
    if (rc)
        return rc;
    rc = inbox_load_to_book(s, item_id, &it, err);
    int st = 0;
    if (rc == SL_OK)
        rc = rules_apply(s, t, it, now_ms, &st, err);
    inbox_item_free(it);
    if (rc == SL_OK)
        rc = store_commit(s, err);
    if (rc == SL_OK) {
        *state = st;
        return SL_OK;
    }
    store_rollback(s);
    sl_error ferr = {.size = sizeof(ferr)};
    if (store_begin(s, &ferr) == SL_OK) {
        if (inbox_mark_failed(s, item_id, now_ms, err->message, &ferr) == SL_OK &&
            store_commit(s, &ferr) == SL_OK)
            *state = INBOX_FAILED;
        else
            store_rollback(s);
    }
    return rc;
}

int rules_process_pending(store *s, const config_tenant *t, int64_t now_ms, int max,
                          rules_summary *sum, sl_error *err)
{
    enum { BATCH = 256 };
    int64_t ids[BATCH];
    int done = 0;
    while (done < max) {
        int want = max - done < BATCH ? max - done : BATCH, n = 0;
        int rc = inbox_pending(s, now_ms, ids, want, &n, err);
        if (rc)
            return rc;
        if (n == 0)
            break;
        for (int i = 0; i < n; i++) {
            sl_error ierr = {.size = sizeof(ierr)};
            int st = 0;
            rules_process_item(s, t, ids[i], now_ms, &st, &ierr);
            sum->processed += st == INBOX_PROCESSED;
            sum->drafts += st == INBOX_DRAFT;
            sum->failed += st != INBOX_PROCESSED && st != INBOX_DRAFT;
        }
        done += n;
        if (n < want)
            break;
    }
    return SL_OK;
}
