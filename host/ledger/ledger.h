/*
 * The ledger: documents (invoice, receipt, sales order, credit note) with
 * their lines, journal postings, payments, numbering series and the link
 * from a shop order to its document.
 *
 * A document is built in memory (ledger_doc), then written with
 * ledger_doc_insert. Postings are written one balanced journal at a time
 * (ledger_post): a journal whose debits differ from its credits is refused
 * with SL_EINTERNAL before anything is written, so the ledger as a whole
 * always balances. Every function runs inside the caller's transaction.
 *
 * Money is int64 minor units in the document's currency; quantities are
 * int64 thousandths.
 */
#ifndef SL_LEDGER_H
#define SL_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "shopledger/sdk.h"
#include "store/store.h"

#define LEDGER_MAX_LINES 10000
#define LEDGER_ACCOUNT_MAX 48
#define LEDGER_CODE_MAX 96

/* Document types and statuses as stored (stable names, used in JSON). */
#define LEDGER_INVOICE "invoice"
#define LEDGER_RECEIPT "receipt"
#define LEDGER_ORDER "sales_order"
#define LEDGER_CREDIT "credit_note"
#define LEDGER_DRAFT "draft"
#define LEDGER_APPROVED "approved"
#define LEDGER_POSTED "posted"
#define LEDGER_VOID "void"

/* One document line. Strings are owned by the line (malloc, never NULL). */
typedef struct ledger_line {
    char kind[16];      /* product, shipping, fee, discount, rounding, refund,
                           tax (a further rate group's tax of the line above) */
    int64_t product_id; /* 0 = none */
    int64_t service_id; /* 0 = none */
    char *sku;
    char *text;
    int64_t qty_milli;
    int64_t unit_price; /* net price of one unit */
    int64_t discount;   /* net discount on the line */
    char tax_group[LEDGER_CODE_MAX];
    int64_t tax_percent_milli; /* -1 = unknown */
    int64_t net, tax, gross;
    char account[LEDGER_ACCOUNT_MAX]; /* income/expense account of the net */
} ledger_line;

/* A document header with its lines. Strings owned (never NULL). */
typedef struct ledger_doc {
    int64_t id; /* 0 until inserted */
    char type[16];
    char status[16];
    char number[64]; /* "" until numbered */
    char *channel;
    char *external_id;
    char *order_number;
    char *header_note;
    char *internal_note;
    int64_t customer_id;  /* 0 = none */
    int64_t warehouse_id; /* 0 = none */
    char currency[8];
    int exponent;
    int64_t net, tax, gross;
    char reason[512];     /* why it is a draft, "" otherwise */
    int64_t original_id;  /* credit note: the document it credits */
    char refund_ref[128]; /* credit note for a refund: the shop's refund id */
    ledger_line *lines;
    size_t line_count, line_cap;
} ledger_doc;

/* New empty document of `type` for (channel, external_id); NULL on OOM. */
ledger_doc *ledger_doc_new(const char *type, const char *channel, const char *external_id);
void ledger_doc_free(ledger_doc *d);
/* Appends a zeroed line of `kind` (sku/text ""); NULL on OOM or past
   LEDGER_MAX_LINES. The pointer is valid until the next add. */
ledger_line *ledger_doc_add_line(ledger_doc *d, const char *kind, const char *sku,
                                 const char *text);
/* Recomputes gross of each line and the document's net/tax/gross. */
void ledger_doc_sum(ledger_doc *d);

/* Writes a new document and its lines; sets d->id. */
int ledger_doc_insert(store *s, ledger_doc *d, int64_t now_ms, sl_error *err);
/* Replaces the header totals, reason, status and lines of document d->id
   (used to rebuild a draft from a changed order revision). */
int ledger_doc_rewrite(store *s, const ledger_doc *d, int64_t now_ms, sl_error *err);
/* Loads a document with its lines (caller frees). SL_ENOTFOUND if absent. */
int ledger_doc_load(store *s, int64_t id, ledger_doc **out, sl_error *err);
int ledger_doc_set_status(store *s, int64_t id, const char *status, const char *reason,
                          int64_t now_ms, sl_error *err);

/* Gives d the next number of `series` ("WOO-000123"), gapless: the series
   counter moves in the caller's transaction. Writes d->number. */
int ledger_assign_number(store *s, ledger_doc *d, const char *series, sl_error *err);

/* The document of a shop order, via the UNIQUE (channel, external_id)
   link. *doc_id = 0 when there is none. */
int ledger_link_get(store *s, const char *channel, const char *external_id, int64_t *doc_id,
                    sl_error *err);
int ledger_link_put(store *s, const char *channel, const char *external_id, int64_t doc_id,
                    sl_error *err);
/* Points the order's link from document from_doc to to_doc (a corrected
   order's new document); SL_EINTERNAL when the link is not from_doc's. */
int ledger_link_move(store *s, const char *channel, const char *external_id, int64_t from_doc,
                     int64_t to_doc, sl_error *err);

/* ---- journal ------------------------------------------------------------ */

typedef struct ledger_entry {
    char account[LEDGER_ACCOUNT_MAX];
    int64_t debit, credit;
    char tax_group[LEDGER_CODE_MAX];
    char memo[96];
} ledger_entry;

/* A set of postings that must balance. Fixed capacity keeps it simple. */
#define LEDGER_JOURNAL_MAX 64
typedef struct ledger_journal {
    ledger_entry e[LEDGER_JOURNAL_MAX];
    size_t n;
} ledger_journal;

/* Empties a journal. Use it instead of "= {0}": a journal is about 12 KB,
   and zeroing it all cost every booked order two such memsets when only
   the entries in use (0..n) are ever read. */
static inline void ledger_journal_init(ledger_journal *j)
{
    j->n = 0;
}

/* Adds `amount` to `account`: positive debits, negative credits. Entries
   with the same account, side and tax group are merged; zero is skipped.
   SL_ETOOBIG when the journal is full. */
int ledger_journal_add(ledger_journal *j, const char *account, int64_t amount,
                       const char *tax_group, const char *memo, sl_error *err);
/* Writes the journal's postings for document doc_id (payment_id 0 = none).
   Refuses an unbalanced journal with SL_EINTERNAL, writing nothing. */
int ledger_post(store *s, int64_t doc_id, int64_t payment_id, const ledger_journal *j,
                int64_t now_ms, sl_error *err);
/* Posts the reverse of every posting of `from_doc` to `to_doc` (void). */
int ledger_post_reverse_of(store *s, int64_t from_doc, int64_t to_doc, int64_t now_ms,
                           sl_error *err);

/* ---- payments ----------------------------------------------------------- */

typedef struct ledger_payment {
    const char *kind;      /* "payment", "prepayment", "refund" */
    const char *ref;       /* idempotency reference within the document */
    int64_t amount;        /* > 0 */
    const char *cash_code; /* e.g. "bank" */
    const char *account;   /* ledger account of the cash code */
    const char *method;
    const char *transaction_id;
} ledger_payment;

/* Records a payment once per (document, kind, ref). *payment_id = 0 when
   it was already there (nothing written). */
int ledger_payment_add(store *s, int64_t doc_id, const ledger_payment *p, int64_t now_ms,
                       int64_t *payment_id, sl_error *err);
/* Sum of payments of a kind on a document. */
int ledger_payment_sum(store *s, int64_t doc_id, const char *kind, int64_t *sum, sl_error *err);

/* A stored payment with its document's order key (ledger_payments.c). */
typedef struct ledger_payment_row {
    int64_t id, document_id, amount, created_ms;
    char kind[16], ref[64], transaction_id[128];
    char channel[64], external_id[128], currency[8];
    int exponent;
} ledger_payment_row;
/* Payments received (kind payment or prepayment) on ledger account
   `account`, recorded in [from_ms, to_ms), in id order: at most `max`
   into out, the count in *n (max rows means there may be more). */
int ledger_payments_to_account(store *s, const char *account, int64_t from_ms, int64_t to_ms,
                               ledger_payment_row *out, int max, int *n, sl_error *err);

/* Cash code and account of the first payment received on `doc_id`
   (kind payment or prepayment), where a refund of it goes back. Writes
   "" to both when there is none. */
int ledger_payment_source(store *s, int64_t doc_id, char *code, size_t code_cap, char *account,
                          size_t account_cap, sl_error *err);

/* What credit notes of document `doc_id` added up to: *credited is the sum
   of their gross (negative), *refunded the sum of their refund payments,
   *count how many there are. */
int ledger_credited(store *s, int64_t doc_id, int64_t *credited, int64_t *refunded, int *count,
                    sl_error *err);
/* Id of the credit note of doc_id for refund reference `ref`, 0 if none. */
int ledger_credit_find(store *s, int64_t doc_id, const char *ref, int64_t *id, sl_error *err);

/* ---- views ---------------------------------------------------------------- */

/* Sum of all debits minus all credits (0 when the ledger balances). */
int ledger_imbalance(store *s, int64_t *diff, sl_error *err);
/* JSON array of documents (id, number, type, status, channel, external_id,
   currency, net, tax, gross, reason, ...), newest last. New reference. */
json_t *ledger_doc_list_json(store *s, int limit, sl_error *err);
/* One document with lines, postings, payments and stock moves. */
json_t *ledger_doc_show_json(store *s, int64_t id, sl_error *err);
/* The documents of one order (as ledger_doc_list_json's rows, oldest
   first), each with its "payments". New reference; NULL with err. */
json_t *ledger_order_docs_json(store *s, const char *channel, const char *external_id,
                               sl_error *err);
/* {"accounts":[{account, debit, credit, balance}], "debit_total",
   "credit_total", "balanced"}. */
json_t *ledger_trial_balance_json(store *s, sl_error *err);

#endif
