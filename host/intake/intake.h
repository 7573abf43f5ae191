/*
 * From a stored webhook delivery to filed orders: the one path serve's
 * writer (after acknowledging) and `inbox replay` (after a connector fix)
 * both take.
 *
 * Two steps, so no plugin code runs inside a write transaction (a plugin
 * may use its own state connection, which would wait on the writer):
 *   intake_parse  runs the channel's parse_webhook on the stored request,
 *                 with its stored headers, collecting the orders it
 *                 submits or the reason it refused the delivery;
 *   intake_file   in the caller's open transaction, files those orders
 *                 into the inbox (idempotent by content hash, so a replay
 *                 files only what changed) and marks the delivery parsed,
 *                 or keeps a refused one as failed (inbox_failed, where the
 *                 operator lists and replays it) and marks it failed.
 */
#ifndef SL_INTAKE_H
#define SL_INTAKE_H

#include "inbox/inbox.h"
#include "order/order.h"
#include "runtime/runtime.h"
#include "services/services.h"

#define INTAKE_DELIVERY_MAX_ORDERS 64 /* orders one delivery may carry */

typedef struct intake_parsed {
    order **orders; /* what the parser submitted (owned) */
    size_t count, cap;
    int rc;       /* the parser's answer */
    sl_error why; /* its refusal when rc != SL_OK */
} intake_parsed;

/* A stored request as a plugin is handed it: the headers (a JSON object
   text, as the deliveries log and inbox_failed keep them; at most `max`
   string values kept) and the body; `verified` as request_verified says.
   Names and values are borrowed from the returned JSON (NULL when the
   text is not an object: then no headers), which the caller decrefs after
   the plugin call. */
json_t *intake_request(const char *headers_json, const char *body, size_t body_len, int verified,
                       services_request_header *items, size_t max, services_request *req);

/* Parses `d` with the channel `ch` (its plugin must take webhooks).
   `operator_replay` hands the request as the operator's (request_verified:
   no signature check, and a plugin may accept what only a person vouches
   for, e.g. a body without its topic); serve's own parse passes 0, so the
   plugin checks exactly what it checked before logging was introduced.
   Fills *p in every case (free it with intake_parsed_clear). Returns
   p->rc: SL_OK, a content refusal (services_content_error), SL_EAUTH (the
   channel's secret changed since the delivery was acknowledged), or
   another code when the outcome says nothing about the delivery (out of
   memory, a plugin fault): then the caller leaves it for later. */
int intake_parse(runtime_channel *ch, const inbox_delivery_row *d, int operator_replay,
                 intake_parsed *p);
void intake_parsed_clear(intake_parsed *p);

typedef struct intake_filed {
    int orders;  /* orders filed (new, revision, repeat, stale) */
    int current; /* of them: new items or revisions to book */
    int failed;  /* 1: kept as failed with p->why */
} intake_filed;

/* Files what intake_parse gave, in the caller's transaction, under a
   savepoint of its own: on a store failure nothing of this delivery
   stays. SL_OK or the store's error. */
int intake_file(store *db, const inbox_delivery_row *d, const intake_parsed *p, int64_t now_ms,
                intake_filed *out, sl_error *err);

/* intake_replay.c: every stored delivery of `channel` (NULL: all
   channels) received at or after since_ms (only the failed ones with
   failed_only) parsed again by the current connector, as the operator's,
   and filed. A failed one that now files also clears its inbox_failed
   row. Stops at the first delivery whose parse fails for a reason that is
   not its content (the error names it); pages filed before stay filed. */
typedef struct intake_replay_summary {
    long deliveries; /* parsed and recorded */
    long orders;     /* orders filed (repeats included) */
    long changed;    /* new items or revisions the rules will book */
    long failed;     /* refused again, kept as failed */
    long fixed;      /* failed before, filed now */
} intake_replay_summary;
int intake_replay(runtime_tenant *rt, const char *channel, int64_t since_ms, int failed_only,
                  intake_replay_summary *sum, sl_error *err);
/* Parses and files every delivery still 'new' (what a stopped or killed
   serve acknowledged and had not parsed), exactly as serve's writer would
   (`shopledger process` runs it before booking). */
int intake_drain(runtime_tenant *rt, intake_replay_summary *sum, sl_error *err);

/* intake_prune.c: retention of the deliveries log by the tenant's
   [intake] keep_deliveries (default 90 days). What may go is inbox.h's
   rule with cutoff now_ms - keep_deliveries: parsed or ignored
   deliveries received before it, never a failed one (until a replay
   files it) or one an unsettled inbox item may still be replayed from.
   Runs at most `max_batches` batches of INTAKE_PRUNE_BATCH rows, each in
   a transaction of its own (so serve's writer is held for one batch at a
   time: call it again while sum->done is 0); `dry_run` counts what would
   go and changes nothing. Must be called outside a transaction. */
#define INTAKE_PRUNE_BATCH 1000
typedef struct intake_prune_summary {
    int64_t cutoff_ms; /* received before this: old enough */
    int64_t rows;      /* deliveries pruned (dry run: prunable) */
    int64_t bytes;     /* their body and header bytes */
    int done;          /* 1: nothing prunable is left */
} intake_prune_summary;
int intake_prune(store *db, const config_tenant *t, int64_t now_ms, int max_batches, int dry_run,
                 intake_prune_summary *sum, sl_error *err);

#endif
