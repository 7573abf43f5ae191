/*
 * Streaming read of the inbox for `export orders`: every order's current
 * revision, one at a time through a callback, so an export of any size
 * runs in bounded memory. The ledger side of an order (its document) is
 * the ledger's to read (ledger_export.h); this reads only inbox tables.
 */
#ifndef SL_INBOX_EXPORT_H
#define SL_INBOX_EXPORT_H

#include <stdint.h>

#include "store/store.h"

#define INBOX_EXPORT_CODES_MAX 512 /* discount codes of one order, joined */

/* One order as exported. Strings are borrowed for the callback only; an
   absent text is "" and an absent amount 0. */
typedef struct inbox_export_order {
    int64_t item_id;
    const char *channel, *external_id;
    const char *state;   /* inbox state word: processed, draft ... */
    int64_t received_ms; /* registration: first arrival in the inbox */
    int64_t created_ms;  /* the shop's order date; 0 = not given */
    const char *number, *status, *status_normalized;
    const char *currency;
    int exponent;
    int64_t total, total_tax, shipping_total, discount_total;
    const char *payment_method, *transaction_id; /* the shop's method id, its reference */
    char discount_codes[INBOX_EXPORT_CODES_MAX]; /* the discount lines' codes, ", " */
    const char *first_name, *last_name, *company, *email;
} inbox_export_order;

/* Which orders: the order date (the registration date for an order that
   gives none) in [from_ms, to_ms), 0 = open; channel and status (the
   shop's word or the normalized one) NULL = any. */
typedef struct inbox_export_filter {
    int64_t from_ms, to_ms;
    const char *channel;
    const char *status;
} inbox_export_filter;

/* Calls row() for each matching order in inbox order (item id); a nonzero
   return from row() stops and is returned. *total (when not NULL) gets the
   number of matching orders first (for progress). SL_EINTERNAL naming the
   item when a stored revision does not parse. */
int inbox_export_orders(store *s, const inbox_export_filter *f, int64_t *total,
                        int (*row)(void *data, const inbox_export_order *o), void *data,
                        sl_error *err);

#endif
