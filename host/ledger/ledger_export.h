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

#endif
