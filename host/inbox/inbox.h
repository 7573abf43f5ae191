/*
 * The order inbox: every order a connector hands over (webhook or poll),
 * stored with its raw payload and normalized JSON, keyed by (channel,
 * external id). Idempotency comes from UNIQUE constraints, not from a
 * SELECT before INSERT.
 *
 * Revisions: each distinct content (by order_content_hash) of an order is
 * one revision row. A repeat delivery with the same hash changes nothing
 * (an event notes it). A changed one becomes a new revision; if its
 * modified time is not older than the current one it becomes current and
 * the item goes back to `received` so the rules run again; an older one is
 * recorded as `stale` and does not roll state back.
 *
 * Item states: received -> processed | draft | failed; failed -> retried
 * (back to received) until attempts reach INBOX_MAX_ATTEMPTS -> dead.
 * Every change writes an event (time, kind, text).
 *
 * All functions run inside the caller's transaction when one is open and
 * open their own otherwise, except where noted.
 */
#ifndef SL_INBOX_H
#define SL_INBOX_H

#include <stdint.h>

#include "order/order.h"
#include "store/store.h"

#define INBOX_MAX_ATTEMPTS 5

enum inbox_state { INBOX_RECEIVED = 1, INBOX_PROCESSED, INBOX_DRAFT, INBOX_FAILED, INBOX_DEAD };
const char *inbox_state_name(int state);
/* The state for a name ("received" ...), or 0 when unknown. */
int inbox_state_parse(const char *name);

enum inbox_intake_result {
    INBOX_NEW = 1,   /* first time seen */
    INBOX_REVISION,  /* changed content, became current */
    INBOX_DUPLICATE, /* same content as a known revision */
    INBOX_STALE      /* older than the current revision: recorded only */
};

/* Stores one order (takes nothing; the caller still owns `o`) received at
   `now_ms`. Must be called inside a transaction (the caller groups several
   deliveries and a cursor in one commit; SL_EINTERNAL otherwise). Runs
   order_validate first. *result and *item_id are written on success. */
int inbox_intake(store *s, const order *o, int64_t now_ms, int *result, int64_t *item_id,
                 sl_error *err);

/* An order made ready for storage: validated, in canonical JSON, hashed.
   Preparing needs no database, so the HTTP threads do it in parallel and
   the single writer only stores. channel, external_id and raw are
   borrowed from the order (or a row) and must outlive the arrival. */
typedef struct inbox_arrival {
    const char *channel;
    const char *external_id;
    int64_t modified_ms;
    char hash[65];    /* SHA-256 of json, hex */
    const char *json; /* canonical order JSON */
    const void *raw;  /* verbatim payload or NULL */
    size_t raw_len;
    char *owned_json; /* json when prepared here; freed by clear */
} inbox_arrival;

/* Validates `o` and fills *a (written in full either way; clear it). */
int inbox_arrival_prepare(const order *o, inbox_arrival *a, sl_error *err);
void inbox_arrival_clear(inbox_arrival *a);
/* inbox_intake for a prepared arrival (same contract). */
int inbox_intake_arrival(store *s, const inbox_arrival *a, int64_t now_ms, int *result,
                         int64_t *item_id, sl_error *err);

/* The arrivals queue (inbox_arrivals.c). Serving appends each delivered
   order as one row, the cheapest durable write there is, and acknowledges
   the delivery after that commit; sorting then files the rows, oldest
   first, into items and revisions exactly as inbox_intake does, and
   deletes them, in one transaction. A crash between the two only delays
   the sorting; one during it is rolled back and repeated.
   append: inside the caller's transaction (SL_EINTERNAL otherwise).
   sort: at most `max` rows, in the caller's transaction or its own;
   *sorted counts them and *made_current (may be NULL) the new items and
   revisions that became current (what the rules will pick up).
   waiting: the number of rows not yet sorted. */
int inbox_arrival_append(store *s, const inbox_arrival *a, int64_t now_ms, sl_error *err);
int inbox_arrivals_sort(store *s, int max, int *sorted, int *made_current, sl_error *err);
int inbox_arrivals_waiting(store *s, int64_t *n, sl_error *err);
/* Schema version 3: the inbox_arrivals table. */
extern const store_migration inbox_arrivals_migration;

/* Failed intake (inbox_failed.c): authentic input that did not become an
   order, kept verbatim with the reason so nothing a shop sent is lost and
   the operator can replay it once the cause is fixed. Rows are 'failed'
   until a replay files what they hold, then 'replayed' (never deleted).

   An input to record, owned (every string copied): channel, source
   ("webhook" or "poll"), the external id when known ("" otherwise), the
   request headers as a JSON object text ("{}" for none), the body bytes
   and the refusal. new returns NULL when out of memory. */
typedef struct inbox_failed_input {
    char *channel, *source, *external_id, *headers;
    char *body;
    size_t body_len;
    sl_error reason;
} inbox_failed_input;
inbox_failed_input *inbox_failed_input_new(const char *channel, const char *source,
                                           const char *external_id, const char *headers,
                                           const void *body, size_t body_len,
                                           const sl_error *reason);
void inbox_failed_input_free(inbox_failed_input *f);
/* Stores one input received at now_ms, in the caller's transaction when
   one is open (serve's writer groups it with good deliveries); *id (may
   be NULL) gets the row id, or 0 when the channel holds the same body
   already (kept once: the first reason stays). */
int inbox_failed_put(store *s, const inbox_failed_input *f, int64_t now_ms, int64_t *id,
                     sl_error *err);

/* A stored row, for replay (body NUL-terminated beyond body_len). */
typedef struct inbox_failed_row {
    int64_t id;
    char channel[64];
    char source[16];
    char external_id[128];
    char *headers; /* JSON object text */
    char *body;
    size_t body_len;
    char field[SL_ERROR_FIELD_MAX];
    char reason[SL_ERROR_MSG_MAX];
    int replayed;
    int attempts;
} inbox_failed_row;
/* Ids of rows still failed, oldest first, at most `max`, count in *n. */
int inbox_failed_waiting(store *s, int64_t *ids, int max, int *n, sl_error *err);
/* How many rows are still failed. */
int inbox_failed_open_count(store *s, int64_t *n, sl_error *err);
/* SL_ENOTFOUND for an unknown id. */
int inbox_failed_load(store *s, int64_t id, inbox_failed_row **out, sl_error *err);
void inbox_failed_row_free(inbox_failed_row *r);
/* A replay filed the row's orders (call it in the same transaction):
   failed -> replayed. SL_ECONFLICT when the row is not failed (so two
   replays racing cannot both file it). */
int inbox_failed_mark_replayed(store *s, int64_t id, int64_t now_ms, sl_error *err);
/* A delivery replayed from the deliveries log filed: its failed row (the
   same channel and body), if one waits, becomes replayed. */
int inbox_failed_resolve_body(store *s, const char *channel, const void *body, size_t body_len,
                              int64_t now_ms, sl_error *err);
/* A replay was refused again: attempts + 1, the reason becomes `why`. */
int inbox_failed_refused_again(store *s, int64_t id, int64_t now_ms, const sl_error *why,
                               sl_error *err);
/* JSON view, oldest first: rows still failed, or every row. */
json_t *inbox_failed_list_json(store *s, int include_replayed, int limit, sl_error *err);
/* Schema version 5: the inbox_failed table. */
extern const store_migration inbox_failed_migration;

/* The deliveries log (inbox_deliveries.c): each authentic webhook
   delivery, verbatim, appended before it is acknowledged and parsed after
   (by serve's writer, or by `inbox replay`). Rows are 'new' until parsed,
   then 'parsed' (orders filed in the same transaction), 'failed' (the
   parser refused it; also kept in inbox_failed) or 'ignored' (nothing
   to book). They are kept, so a fixed connector can parse them again,
   for the tenant's keep_deliveries (see the retention rule below).
   append: inside the caller's transaction (SL_EINTERNAL otherwise); the
   headers are a JSON object text without credentials; *id may be NULL. */
int inbox_delivery_append(store *s, const char *channel, const char *headers, const void *body,
                          size_t body_len, int64_t now_ms, int64_t *id, sl_error *err);
typedef struct inbox_delivery_row {
    int64_t id;
    char channel[64];
    int64_t received_ms;
    char *headers; /* JSON object text */
    char *body;    /* NUL-terminated beyond body_len */
    size_t body_len;
    char state[12]; /* as read: new, parsed, failed or ignored */
} inbox_delivery_row;
void inbox_delivery_rows_free(inbox_delivery_row *rows, int n);
/* Records a parse: state "parsed", "failed" or "ignored", the orders it
   filed and the refusal (or NULL). In the caller's transaction. */
int inbox_delivery_mark(store *s, int64_t id, const char *state, int orders, const char *reason,
                        int64_t now_ms, sl_error *err);
/* How many rows are 'new'. */
int inbox_deliveries_waiting(store *s, int64_t *n, sl_error *err);
/* A page of rows in id order after `after_id` (malloc'd; free with
   rows_free): of one channel (NULL: every channel), received at or after
   since_ms, in `state` (NULL: any). A replay reads it, and serve's parse
   stage its next 'new' deliveries. */
int inbox_deliveries_page(store *s, const char *channel, int64_t since_ms, const char *state,
                          int64_t after_id, int max, inbox_delivery_row **rows, int *n,
                          sl_error *err);
/* Retention of the deliveries log (inbox_prune.c). A delivery may be
   pruned when all of these hold:
   - its state is 'parsed' or 'ignored': a 'new' one is not parsed yet,
     and a 'failed' one is replayable evidence, kept until a replay files
     it (which makes it 'parsed', so its age counts again);
   - it was received before cutoff_ms (the caller's retention period);
   - no inbox item of its channel that is not processed (received,
     failed, draft or dead: what a fixed connector and `inbox replay
     --since` may still change) had its current revision filed at or
     before the delivery's last parse. The item's own delivery is among
     those, so it stays; the test is per channel, so one old draft keeps
     every delivery of its channel parsed after it until it is settled.
   An inbox item never needs its delivery to be booked: a revision keeps
   the order's raw and normalized copies. */
typedef struct inbox_prune_count {
    int64_t rows;
    int64_t bytes; /* body + headers */
} inbox_prune_count;
#define INBOX_PRUNE_BATCH_MAX 1000
/* Counts what the rule allows to prune now (nothing is changed). */
int inbox_deliveries_prunable(store *s, int64_t cutoff_ms, inbox_prune_count *out, sl_error *err);
/* Deletes at most `max` (1..INBOX_PRUNE_BATCH_MAX) prunable deliveries,
   oldest first per channel, in one transaction: its own, or the caller's
   when one is open. *out gets what was deleted; out->rows < max means
   nothing prunable is left. A batch reads about the rows it deletes, so
   its time is bounded by `max`: call it again for more. */
int inbox_deliveries_prune_batch(store *s, int64_t cutoff_ms, int max, inbox_prune_count *out,
                                 sl_error *err);
/* Deliveries received before cutoff_ms, and of them the failed and the
   not yet parsed ones (for a report: the rest that stays is held for
   replay). Scans the log: for the CLI, not for serve's periodic work. */
typedef struct inbox_old_deliveries {
    int64_t total, failed, unparsed;
} inbox_old_deliveries;
int inbox_deliveries_old(store *s, int64_t cutoff_ms, inbox_old_deliveries *out, sl_error *err);
/* Schema version 8: the inbox_deliveries table; 10: their bytes in
   inbox_delivery_bodies, apart from the parse state. */
extern const store_migration inbox_deliveries_migration;
extern const store_migration inbox_delivery_bodies_migration;

/* One inbox item with its current revision. */
typedef struct inbox_item {
    int64_t id;
    char channel[64];
    char external_id[128];
    int state;
    int attempts;
    int64_t revision_id; /* current revision */
    int revision_no;     /* 1, 2, ... */
    int64_t received_ms;
    int64_t next_attempt_ms; /* failed items wait until then */
    int64_t updated_ms;      /* last state change */
    char last_error[256];    /* reason of the last failure, or "" */
    order *order;            /* parsed current revision, owned */
} inbox_item;
void inbox_item_free(inbox_item *it);

/* Loads an item and its current order. */
int inbox_load(store *s, int64_t id, inbox_item **out, sl_error *err);
/* The same without the order's raw payload (o->raw NULL): what the rules
   load to book, which never read it (a copy of the shop's few KB per
   booked order saved). */
int inbox_load_to_book(store *s, int64_t id, inbox_item **out, sl_error *err);
/* Ids of items in state received (and failed whose next attempt is due at
   `now_ms`), oldest first, at most `max`. Returns the count in *n. */
int inbox_pending(store *s, int64_t now_ms, int64_t *ids, int max, int *n, sl_error *err);
/* When inbox_pending next has work: *when_ms 0 for none, 1 for now (an
   item is received), else the earliest next attempt of a failed item.
   serve's writer closes an idle tenant's connection and wakes then. */
int inbox_next_due(store *s, int64_t *when_ms, sl_error *err);

/* State changes at `now_ms`. `reason` (may be NULL) is recorded in the
   event log. mark_failed increments attempts, schedules the next attempt
   with exponential backoff (INBOX_BACKOFF_BASE_MS * 2^(attempts-1),
   capped at INBOX_BACKOFF_MAX_MS), and moves to dead at the limit.
   SL_ENOTFOUND for an unknown id. */
#define INBOX_BACKOFF_BASE_MS 30000
#define INBOX_BACKOFF_MAX_MS 3600000
int inbox_mark(store *s, int64_t id, int64_t now_ms, int state, const char *reason, sl_error *err);
int inbox_mark_failed(store *s, int64_t id, int64_t now_ms, const char *reason, sl_error *err);
/* Operator retry: failed/dead/draft -> received, attempts reset.
   Processed items are refused (SL_ECONFLICT): reprocessing would post the
   document twice. */
int inbox_retry(store *s, int64_t id, int64_t now_ms, sl_error *err);
/* Appends an event to an item's log. */
int inbox_event(store *s, int64_t id, int64_t now_ms, const char *kind, const char *text,
                sl_error *err);

/* Poll cursor of a channel, saved in the caller's transaction. get writes
   a malloc'd string the caller frees, or NULL when none is stored yet. */
int inbox_cursor_get(store *s, const char *channel, char **cursor, sl_error *err);
int inbox_cursor_put(store *s, const char *channel, int64_t now_ms, const char *cursor,
                     sl_error *err);

/* JSON views for the CLI and admin API (new references; NULL with err on
   failure). list: newest first, `state_filter` a state name or NULL, at
   most `limit` items. show: the item, its revisions (normalized JSON and
   raw size) and its events. */
json_t *inbox_list_json(store *s, const char *state_filter, int limit, sl_error *err);
json_t *inbox_show_json(store *s, int64_t id, sl_error *err);

#endif
