/*
 * Internal to the rules module: the per-item context shared by the driver
 * (rules.c), the booking steps (rules_book.c) and credit notes
 * (rules_credit.c).
 */
#ifndef SL_RULES_INT_H
#define SL_RULES_INT_H

#include "rules/rules.h"

typedef struct rules_ctx {
    store *s;
    const config_tenant *t;
    const config_channel *ch;
    const inbox_item *it;
    const order *o;
    int64_t now_ms;
    sl_error *err;
} rules_ctx;

/* Queues a note to the shop (outbox, key "note:<doc>:<event>") and logs
   the same text as an inbox event. */
int rules_note(rules_ctx *c, int64_t doc_id, const char *event, const char *text);
/* Cash code and its ledger account for the order's payment method. */
void rules_cash(rules_ctx *c, char *code, size_t code_cap, char *account, size_t account_cap);
/* Numbers, posts (or confirms a sales order), moves stock, adds the
   payment, e-mails and notes. */
int rules_finalize(rules_ctx *c, ledger_doc *d);
/* rules_finalize, with the payment added only when `with_payment` (a
   corrected document gets the moved payment instead, rules_revise.c). */
int rules_finalize_as(rules_ctx *c, ledger_doc *d, int with_payment);
/* Records a payment of `amount` on doc and posts cash against `against`
   (receivable or prepayments). sign +1 receives, -1 refunds. Writes the
   text "payment X to CODE" into buf. */
int rules_pay(rules_ctx *c, int64_t doc_id, const char *kind, const char *ref, int64_t amount,
              const char *against, int sign, int exponent, char *buf, size_t cap);
/* Records a refund of `amount` on doc_id back to the cash account the
   payment of paid_doc_id came from (the order's current payment method
   only when that document has no payment), against receivable. */
int rules_refund_pay(rules_ctx *c, int64_t doc_id, int64_t paid_doc_id, const char *ref,
                     int64_t amount, int exponent, char *buf, size_t cap);
/* A full credit note of posted `from` (every line negated, its stock
   moves returned) under refund reference `ref`, posted and noted with
   `why`; no money goes back (what was paid moves to the document that
   replaces it). Writes the credit note's number into number. */
int rules_credit_whole(rules_ctx *c, const ledger_doc *from, const char *ref, const char *why,
                       char *number, size_t cap);
/* An edit of a booked order (rules_revise.c): when the current revision
   changes what the posted invoice books, credits it whole and posts a new
   invoice in its place, the payment moved (*handled = 1); otherwise
   records that nothing booked changed (*handled = 0: refunds follow as
   usual). May set *state to INBOX_DRAFT when the edit cannot be booked. */
int rules_revise(rules_ctx *c, const ledger_doc *booked, int *state, int *handled);
/* The rule's comparison, apart for its tests: 1 when `built` (from the
   current revision) differs from `booked` in what a sale books (the
   totals, the number of lines, each line's kind, SKU, quantity, net and
   tax), with a short account of it in what ("total 28.43 -> 82.88; 1 ->
   2 lines"). Tax groups and accounts (the tenant's maps) do not count. */
int rules_revise_differs(const ledger_doc *booked, const ledger_doc *built, char *what, size_t cap);
/* Cancellation of the order's document: void or credit note. */
int rules_cancel(rules_ctx *c, ledger_doc *d);
/* Credits all that is left of posted `from` with reference `ref` (a
   full reversal with the stock when nothing was credited yet). */
int rules_credit_rest(rules_ctx *c, const ledger_doc *from, const char *ref, const char *why);
/* Refund reference of the credit note for a cancellation. */
#define RULES_CANCEL_REF "cancel"
/* One credit note per new refund id of the order, then the stock the shop
   restocked (rules_restock). */
int rules_refunds(rules_ctx *c, ledger_doc *d);
/* Refund reference of a refund line: its shop id, else "refund". */
const char *rules_refund_ref(const order_line *l);
/* Returns to stock what the shop restocked on the lines of posted sale d
   and the books have not yet given back, as moves of the order's newest
   credit note (rules_restock.c). */
int rules_restock(rules_ctx *c, const ledger_doc *d);
/* One share of a refund without lines (rules_refund_split.c): the tax
   group, its gross and tax on the original, and the refund's gross and
   tax booked to it. */
#define RULES_REFUND_MAX_PARTS 31 /* a credit note's journal holds 2 per group + 1 */
typedef struct rules_refund_part {
    char tax_group[LEDGER_CODE_MAX];
    int64_t tax_percent_milli;
    int64_t group_gross, group_tax; /* of the original document */
    int64_t gross, tax;             /* of this refund, both >= 0 for amount > 0 */
} rules_refund_part;
/* Splits `amount` (> 0, gross) over the tax groups of `from` in proportion
   to each group's gross (largest remainder: the parts sum to amount), each
   part's tax from its own group's tax/gross rounded half-up once. Writes
   *n parts (>= 1) into parts[RULES_REFUND_MAX_PARTS]; SL_ETOOBIG for more
   groups or an amount whose products overflow. */
int rules_refund_split(const ledger_doc *from, int64_t amount, rules_refund_part *parts, size_t *n,
                       sl_error *err);
/* How many refunded parts (SL_LINE_REFUND_ID = ref) the order gives for
   refund `ref` (rules_refund_lines.c). */
size_t rules_refund_part_count(const order *o, const char *ref);
/* Adds to credit note cn one line per refunded part of refund `ref`:
   its quantity, net and tax negated, on the tax group, account and
   product or service of the line of `from` it refunds. A part that
   matches no line of `from`, or a negative figure, writes cn->reason
   (the caller leaves the credit note Draft). SL_ENOMEM only. */
int rules_refund_lines(rules_ctx *c, ledger_doc *cn, const ledger_doc *from, const char *ref);
/* The inbox event of a history order (created before start_date). */
int rules_history_event(rules_ctx *c);
/* rules_gateway.c: before a document is posted with its payment, an
   order the shop says was paid through a gateway with a reference is
   checked against the gateway's attempt of that reference (stored now if
   new). Not confirmed yet, or refused: d becomes Draft with the reason
   (stored), *waits = PAY_SHOP_WAITING or PAY_SHOP_REFUSED; otherwise
   *waits = 0 and the document is posted as usual. In the caller's
   transaction. */
int rules_gateway_gate(rules_ctx *c, ledger_doc *d, int *waits);
/* Upper-case first letter display name of a document type. */
const char *rules_type_label(const char *type);

#endif
