/*
 * Batched processing for the server: many inbox items in one transaction,
 * so one fsync covers the batch while every item stays atomic (a failing
 * item is rolled back alone, numbering included, and is marked failed
 * after the commit). Why: at one commit per item the disk's fsync rate,
 * not the rules, caps throughput.
 *
 * How an item stays atomic: a batch is first run without savepoints (a
 * savepoint copies every page an item touches into its journal: about a
 * tenth of the booking's work); if an item fails, the whole transaction is
 * rolled back, nothing of it stays, and the batch runs again with a
 * savepoint per item, so the failing one is rolled back alone. A batch
 * with a failure costs about twice, one without none of the journal.
 * Rules write only the database (external effects go through the outbox),
 * so running an item twice, the first time rolled back, is invisible.
 */
#include "rules/rules.h"
#include "shopledger/sdkutil.h"

#define RULES_BATCH_MAX 256

/* Applies one item, under a savepoint when `savepoint`; returns its
   processing status. Without one a failure leaves the item half done:
   the caller rolls back the whole transaction. */
static int apply_one(store *s, const config_tenant *t, int64_t id, int64_t now_ms, int savepoint,
                     int *state, sl_error *err)
{
    int rc = savepoint ? store_exec(s, "SAVEPOINT item", err) : SL_OK;
    if (rc != SL_OK)
        return rc;
    inbox_item *it = NULL;
    rc = inbox_load_to_book(s, id, &it, err);
    if (rc == SL_OK)
        rc = rules_apply(s, t, it, now_ms, state, err);
    inbox_item_free(it);
    if (!savepoint || rc == SL_OK)
        return rc == SL_OK && savepoint ? store_exec(s, "RELEASE item", err) : rc;
    sqlite3_exec(store_db(s), "ROLLBACK TO item; RELEASE item", NULL, NULL, NULL);
    return rc;
}

/* Marks the items that failed, in their own transaction. */
static void mark_failures(store *s, const int64_t *ids, sl_error *reasons, int n, int64_t now_ms)
{
    if (n == 0)
        return;
    sl_error err = {.size = sizeof err};
    if (store_begin(s, &err) != SL_OK)
        return;
    for (int i = 0; i < n; i++)
        if (inbox_mark_failed(s, ids[i], now_ms, reasons[i].message, &err) != SL_OK) {
            store_rollback(s);
            return;
        }
    if (store_commit(s, &err) != SL_OK)
        store_rollback(s);
}

int rules_process_batch(store *s, const config_tenant *t, int64_t now_ms, int max,
                        rules_summary *sum, sl_error *err)
{
    int64_t ids[RULES_BATCH_MAX], failed_ids[RULES_BATCH_MAX];
    static _Thread_local sl_error reasons[RULES_BATCH_MAX];
    int n = 0, failed = 0;
    if (max > RULES_BATCH_MAX)
        max = RULES_BATCH_MAX;
    int rc = inbox_pending(s, now_ms, ids, max, &n, err);
    if (rc != SL_OK || n == 0)
        return rc;
    int states[RULES_BATCH_MAX];
    for (int savepoints = 0;; savepoints = 1) {
        if ((rc = store_begin(s, err)) != SL_OK)
            return rc;
        int any_failed = 0;
        for (int i = 0; i < n && !(any_failed && !savepoints); i++) {
            sl_error ierr = {.size = sizeof ierr};
            states[i] = 0;
            if (apply_one(s, t, ids[i], now_ms, savepoints, &states[i], &ierr) != SL_OK) {
                any_failed = 1;
                failed_ids[failed] = ids[i];
                reasons[failed++] = ierr;
                states[i] = INBOX_FAILED;
            }
        }
        if (!any_failed || savepoints)
            break;
        store_rollback(s); /* nothing of this run stays; again, item by item */
        failed = 0;
    }
    if ((rc = store_commit(s, err)) != SL_OK) {
        store_rollback(s); /* nothing of the batch stays; items remain pending */
        return rc;
    }
    mark_failures(s, failed_ids, reasons, failed, now_ms);
    for (int i = 0; i < n; i++) {
        sum->processed += states[i] == INBOX_PROCESSED;
        sum->drafts += states[i] == INBOX_DRAFT;
        sum->failed += states[i] != INBOX_PROCESSED && states[i] != INBOX_DRAFT;
    }
    return SL_OK;
}
