/*
 * The processing rules: turn an inbox item (the current revision of a
 * shop order) into ledger documents by the channel's configuration.
 *
 * One transaction per item: the document, its lines, numbering, postings,
 * payment, stock moves, outbox notes and the inbox state change commit
 * together; on any failure everything rolls back and the item is marked
 * failed in a separate transaction (inbox_mark_failed, with backoff).
 *
 * An order has at most one document (UNIQUE link channel + external id);
 * later revisions act on it: a draft is rebuilt, a cancellation voids or
 * credits it, each new refund id gets one credit note.
 */
#ifndef SL_RULES_H
#define SL_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "inbox/inbox.h"
#include "ledger/ledger.h"
#include "order/order.h"
#include "store/store.h"

typedef struct rules_summary {
    int processed; /* items that ended processed */
    int drafts;    /* items left draft (totals mismatch, unknown product) */
    int failed;    /* items that failed (rolled back, retried later) */
} rules_summary;

/* Applies the rules to one loaded item inside the caller's open
   transaction, including the inbox state change. *state gets the new
   inbox state. Does not commit or roll back. */
int rules_apply(store *s, const config_tenant *t, const inbox_item *it, int64_t now_ms, int *state,
                sl_error *err);

/* A returned parcel (shipments/ship_money.c): credits the posted invoice
   `doc_id` of order (channel, external_id) in full with refund reference
   `ref` (once: a second call finds its credit note), the stock of the
   sale back, a note to the shop saying `why`. A document that is not a
   posted invoice is voided as a cancellation would. Joins the caller's
   transaction (one must be open). */
int rules_credit_return(store *s, const config_tenant *t, const char *channel,
                        const char *external_id, int64_t doc_id, const char *ref, const char *why,
                        int64_t now_ms, sl_error *err);

/* Loads and processes one item in its own transaction; on failure rolls
   back and records the failure (inbox_mark_failed) in a second one.
   *state gets the item's new state. Returns the processing error, if any. */
int rules_process_item(store *s, const config_tenant *t, int64_t item_id, int64_t now_ms,
                       int *state, sl_error *err);

/* rules_process_item for the inbox item of order (channel, external_id):
   the gateway's pass runs it once a reference the shop reported is
   confirmed or refused (rules_gateway.c). SL_ENOTFOUND without one. */
int rules_reprocess_order(store *s, const config_tenant *t, const char *channel,
                          const char *external_id, int64_t now_ms, int *state, sl_error *err);
/* Processes up to `max` pending items (oldest first), each on its own,
   adding outcomes to *sum. Fails only when the store itself fails. */
int rules_process_pending(store *s, const config_tenant *t, int64_t now_ms, int max,
                          rules_summary *sum, sl_error *err);

/* Processes up to `max` (at most 256) pending items in ONE transaction,
   each under its own savepoint: an item that fails is rolled back alone
   and marked failed after the commit. Used by the server, where one fsync
   per batch instead of per item is what keeps up with intake. */
int rules_process_batch(store *s, const config_tenant *t, int64_t now_ms, int max,
                        rules_summary *sum, sl_error *err);

/* ---- day one (rules_history.c) --------------------------------------------- */

/* The UTC instant at which the channel's start_date begins in the
   tenant's time zone; 0 when the channel has no start_date. */
int64_t rules_start_ms(const config_tenant *t, const config_channel *ch);
/* 1 when `o` was created before start_ms (0: no start date): history,
   which is never booked. An order without a creation time is not. */
int rules_is_history_at(int64_t start_ms, const order *o);
int rules_is_history(const config_tenant *t, const config_channel *ch, const order *o);

/* ---- used between the rules files ---------------------------------------- */

/* Builds the document for order `o` (type from the channel, status draft)
   with masters resolved and the totals check done: a difference beyond the
   tolerance leaves d->reason set; within it a rounding line is added. */
int rules_build_doc(store *s, const config_tenant *t, const config_channel *ch, const order *o,
                    int64_t now_ms, ledger_doc **out, sl_error *err);

/* What is never guessed: an order in a currency other than the tenant's
   (no conversion rule exists yet) and a line whose quantity is not
   positive are SL_EINVALID naming the field, so the item is recorded
   failed with that reason. */
int rules_check_order(const config_tenant *t, const order *o, sl_error *err);

/* Adds a document's sale journal: receivable debit gross, each line's
   account credited its net, output VAT its tax (credit notes carry
   negative amounts, so the same rule reverses). */
int rules_doc_journal(const config_tenant *t, const ledger_doc *d, ledger_journal *j,
                      sl_error *err);

/* Channel's numbering series prefix (series or upper-case channel name). */
void rules_series(const config_channel *ch, const char *suffix, char *buf, size_t cap);

#endif
