/*
 * Batched processing for the server: many inbox items in one transaction,
 * each under its own savepoint, so one fsync covers the batch while every
 * item stays atomic (a failing item rolls back to its savepoint, numbering
 * included, and is marked failed after the commit). Why: at one commit per
 * item the disk's fsync rate, not the rules, caps throughput.
 */
#include "rules/rules.h"
#include "shopledger/sdkutil.h"

#define RULES_BATCH_MAX 256

/* Applies one item under a savepoint; returns its processing status. */
static int apply_one(store *s, const config_tenant *t, int64_t id, int64_t now_ms, int *state,
                     sl_error *err)
{
    int rc = store_exec(s, "SAVEPOINT item", err);
    if (rc != SL_OK)
        return rc;
    inbox_item *it = NULL;
    rc = inbox_load(s, id, &it, err);
    if (rc == SL_OK)
        rc = rules_apply(s, t, it, now_ms, state, err);
    inbox_item_free(it);
    if (rc == SL_OK)
        return store_exec(s, "RELEASE item", err);
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
    if ((rc = store_begin(s, err)) != SL_OK)
        return rc;
    int states[RULES_BATCH_MAX];
    for (int i = 0; i < n; i++) {
        sl_error ierr = {.size = sizeof ierr};
        states[i] = 0;
        if (apply_one(s, t, ids[i], now_ms, &states[i], &ierr) != SL_OK) {
            failed_ids[failed] = ids[i];
            reasons[failed++] = ierr;
            states[i] = INBOX_FAILED;
        }
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
