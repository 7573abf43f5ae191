/*
 * Streaming reads of the ledger for exports: one row at a time through a
 * callback, so an export of any size runs in bounded memory.
 */
#ifndef SL_LEDGER_EXPORT_H
#define SL_LEDGER_EXPORT_H

#include <stdint.h>

#include "store/store.h"

/* One document as exported; strings borrowed for the callback only. */
typedef struct ledger_export_doc {
    int64_t id;
    const char *number, *type, *status, *channel, *external_id, *order_number;
    const char *currency;
    int exponent;
    int64_t net, tax, gross, paid;
    const char *customer_name, *customer_email;
    int64_t created_ms;
} ledger_export_doc;

typedef struct ledger_export_filter {
    int64_t from_ms, to_ms; /* created_ms in [from, to); 0 = open */
    const char *channel;    /* NULL = every channel */
    const char *status;     /* NULL = every status */
} ledger_export_filter;

/* Calls row() for each matching document in id order; a nonzero return
   from row() stops and is returned. *total (when not NULL) gets the
   number of matching documents first (for progress). */
int ledger_export_documents(store *s, const ledger_export_filter *f, int64_t *total,
                            int (*row)(void *data, const ledger_export_doc *d), void *data,
                            sl_error *err);

/* The document an order became (order_links), for `export orders`:
   number ("" while a draft has none), type, status and what was paid on
   it. *found is 0 (and out untouched) for an order with no document. */
typedef struct ledger_export_order_doc {
    char number[64], type[16], status[16];
    int64_t paid;
} ledger_export_order_doc;
int ledger_export_order_doc_get(store *s, const char *channel, const char *external_id,
                                ledger_export_order_doc *out, int *found, sl_error *err);

/* One journal posting as exported, with its document; strings borrowed
   for the callback only. payment_kind/ref are "" for a posting that
   belongs to no payment. */
typedef struct ledger_export_posting {
    int64_t id, created_ms;
    const char *number, *doc_type, *doc_status, *channel, *external_id, *order_number;
    const char *account, *tax_group, *memo, *payment_kind, *payment_ref;
    int64_t debit, credit;
    const char *currency;
    int exponent;
} ledger_export_posting;

/* Calls row() for each posting in id order whose own time is in the
   filter's range and whose document matches its channel and status;
   otherwise as ledger_export_documents. */
int ledger_export_journal(store *s, const ledger_export_filter *f, int64_t *total,
                          int (*row)(void *data, const ledger_export_posting *p), void *data,
                          sl_error *err);

#endif
