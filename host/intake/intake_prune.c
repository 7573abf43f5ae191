/*
 * Retention of the deliveries log: the tenant's period applied to the
 * rule inbox.h states (inbox_prune.c finds and deletes the rows). Why a
 * limit at all: every raw signed delivery is kept verbatim, a few KB
 * each, and a busy shop sends thousands a day; a parsed one is needed
 * only for `inbox replay`, whose use fades within weeks of a connector
 * fix. Why batches: serve's writer also takes the shops' deliveries, so
 * no single transaction may hold it for long.
 */
#include "intake/intake.h"
#include "shopledger/sdkutil.h"

int intake_prune(store *db, const config_tenant *t, int64_t now_ms, int max_batches, int dry_run,
                 intake_prune_summary *sum, sl_error *err)
{
    if (store_in_tx(db))
        return sl_error_set(err, SL_EINTERNAL, "", "pruning runs its own transactions");
    intake_prune_summary s = {.cutoff_ms = now_ms - t->keep_deliveries_s * 1000};
    int rc = SL_OK;
    if (dry_run) {
        inbox_prune_count c = {0};
        rc = inbox_deliveries_prunable(db, s.cutoff_ms, &c, err);
        s.rows = c.rows;
        s.bytes = c.bytes;
        s.done = 1;
    }
    for (int b = 0; rc == SL_OK && !dry_run && b < max_batches; b++) {
        inbox_prune_count c = {0};
        rc = inbox_deliveries_prune_batch(db, s.cutoff_ms, INTAKE_PRUNE_BATCH, &c, err);
        s.rows += c.rows;
        s.bytes += c.bytes;
        if (rc == SL_OK && c.rows < INTAKE_PRUNE_BATCH) {
            s.done = 1;
            break;
        }
    }
    if (rc == SL_OK)
        *sum = s;
    return rc;
}
