/*
 * Stock and price sync of one channel: what the ledger says is available
 * (stock_list_for_channel, only what changed since the last push) goes to
 * the channel's plugin (push_stock, and push_prices when the channel syncs
 * prices); each SKU's outcome is reported, and only items the shop took
 * (written, unchanged, skipped as unmanaged) are marked pushed, so a failed
 * or unknown SKU is tried again next time. In test mode nothing is marked.
 * Stock and prices are separate decisions per SKU: a product whose stock
 * the ledger does not know (one an order created, never imported, counted
 * or received) gets its price pushed but never a quantity, and is reported
 * as "stock_unknown"; each item's report carries its stock and its price
 * outcome apart, with the reason of each.
 */
#ifndef SL_SYNC_H
#define SL_SYNC_H

#include <jansson.h>

#include "runtime/runtime.h"

/* One side's (stock or price) outcomes, counted apart so the summary
   never merges them. */
typedef struct sync_side_counts {
    int written, unchanged, skipped, not_found, failed, drift, would_write;
    int unknown; /* stock side only: SKUs whose stock is not known */
} sync_side_counts;

typedef struct sync_report {
    int listed; /* SKUs that differed from the last push */
    /* per SKU, the worse of its two sides */
    int written, unchanged, skipped, not_found, failed, drift, would_write;
    int unknown;                   /* SKUs whose stock is not known: no quantity pushed */
    sync_side_counts stock, price; /* each side on its own */
    json_t *items;                 /* [{"sku","outcome","message","stock","stock_message",
                                      "price","price_message"}], owned; "outcome" is the
                                      worse of the two sides */
} sync_report;

/* Runs the sync for `rc` using `db` (a connection the caller owns and no
   other thread uses meanwhile); the caller serializes calls into the
   channel's plugin. Fills *rep (free with sync_report_clear). */
int sync_channel(runtime_tenant *rt, runtime_channel *rc, store *db, int64_t now_ms,
                 sync_report *rep, sl_error *err);
void sync_report_clear(sync_report *rep);
/* The report as the admin API and `stock sync --json` give it, with the
   channel's name, the per-SKU counters and each side's own counters
   ("stock_counts", "price_counts"). New reference. */
json_t *sync_report_json(const char *channel, const sync_report *rep);
const char *sync_outcome_name(int outcome);

#endif
