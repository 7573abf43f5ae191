/*
 * From a stored webhook delivery to filed orders: the one path serve's
 * writer (after acknowledging) and `inbox replay` (after a connector fix)
 * both take; and the operator's own intake (intake_operator.c: `inbox
 * add`, `inbox retry --failed`), filed at once in one transaction.
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

/* The request headers as the deliveries log keeps them (malloc'd JSON
   object text, NULL when out of memory), in arrival order: credentials
   (Authorization, Cookie, Proxy-Authorization) dropped, as are headers
   whose name or value is not UTF-8; of a name given twice (letter case
   aside) the first, which is the one a plugin's request_header finds. */
char *intake_headers_json(const services_request_header *items, size_t count);

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

/* ---- intake_operator.c: input the operator vouches for ------------------- */

/* The channel `channel` of rt whose plugin takes webhooks (borrowed from
   rt), or NULL: SL_ENOTFOUND (no such channel, or its plugin did not
   load) or SL_EUNSUPPORTED (no parse_webhook) in err, naming "channel". */
runtime_channel *intake_webhook_channel(runtime_tenant *rt, const char *channel, sl_error *err);

/* `inbox add`: body handed to ch's parse_webhook as the operator's
   (request_verified, a JSON Content-Type), every order it submits filed
   in one transaction, all or nothing. On SL_OK *results is a new JSON
   array, one {id, external_id, result: new|revision|duplicate|stale} per
   order (empty: the plugin acknowledged the body and submitted nothing).
   Otherwise the plugin's refusal or the store's error, nothing filed. */
int intake_add(runtime_tenant *rt, runtime_channel *ch, const char *body, size_t len,
               json_t **results, sl_error *err);

/* What `inbox retry --failed` did. */
typedef struct intake_retry_report {
    json_t *outcomes; /* one per row tried: {id, channel, result: replayed|
                         refused|skipped, reason, field, orders: [as
                         intake_add's results]} */
    json_t *errors;   /* rows the store failed on: {id, message} */
    int waiting;      /* rows that were waiting */
    int filed;        /* of them, filed now */
} intake_retry_report;

/* `inbox retry --failed`: every row of inbox_failed still waiting, oldest
   first, replayed through its channel's current parser with the headers
   it came with (as the operator's) and marked replayed in the transaction
   that files its orders; a row refused again keeps its place with the new
   reason, one whose channel cannot parse is skipped. A store failure on
   one row goes to rep->errors and the run goes on. SL_OK (fill *rep;
   free it with intake_retry_report_clear) unless the list itself could
   not be read. */
int intake_retry_failed(runtime_tenant *rt, intake_retry_report *rep, sl_error *err);
void intake_retry_report_clear(intake_retry_report *rep);

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
