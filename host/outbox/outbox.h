/*
 * The outbox: external side effects (notes and status back to a shop,
 * e-mails, stock pushes) written as rows in the same transaction as the
 * change that caused them, and sent after commit.
 *
 * Each row has a unique idempotency key (e.g. "note:<doc id>:posted"), so
 * a retry of the producing transaction cannot queue it twice. Sending:
 * a row is claimed (state sending, attempt++) in its own commit before the
 * remote call, and marked sent after; a crash between the two leaves it
 * `sending`, and at restart it is resent with the same idempotency key,
 * which remotes that dedupe honour; for remotes that do not, the kind's
 * sender checks first (send-once marker) where the remote allows reading.
 * Failures back off exponentially up to OUTBOX_MAX_ATTEMPTS, then `dead`;
 * a sender that knows retrying cannot help (an SMTP 5xx: the address does
 * not exist) gives up at once (OUTBOX_GIVE_UP): `dead` with the reason.
 */
#ifndef SL_OUTBOX_H
#define SL_OUTBOX_H

#include <stdint.h>

#include <jansson.h>

#include "store/store.h"

#define OUTBOX_MAX_ATTEMPTS 10
/* Backoff after failed attempt n: BASE * 2^(n-1), capped at MAX; a larger
   err->retry_after_ms from the sender wins. */
#define OUTBOX_BACKOFF_BASE_MS 10000
#define OUTBOX_BACKOFF_MAX_MS 3600000
/* A claimed row is not due again before this lease ends, so a second
   dispatcher (CLI beside the server) does not resend it mid-flight; after
   a crash it becomes due when the lease ends. */
#define OUTBOX_LEASE_MS 60000
#define OUTBOX_CLAIM_BATCH 32     /* rows claimed (and finished) per commit */
/* A sender's "never again": the row goes `dead` now, whatever attempts
   are left, with last_error "gave up: <err->message>". Outside the SL_E*
   range, so no plugin's status can mean it by accident. */
#define OUTBOX_GIVE_UP (-100)

enum outbox_kind {
    OUTBOX_NOTE = 1,     /* order note / status back to the shop */
    OUTBOX_EMAIL,        /* e-mail the document: payload document_id, number,
                            type, to (docout/mail_send.h) */
    OUTBOX_STOCK_PUSH    /* push stock/prices of a channel */
};
const char *outbox_kind_name(int kind);

/* Queues a row inside the caller's transaction (or its own when none is
   open). A duplicate key is not an error (*queued = 0). `payload` is JSON
   text (copied; refused when it does not parse). channel, key and
   external_id must fit outbox_row's arrays (SL_ETOOBIG naming the field). */
int outbox_put(store *s, int kind, const char *channel, const char *key,
               const char *external_id, const char *payload, int64_t now_ms,
               int *queued, sl_error *err);

typedef struct outbox_row {
    int64_t id;
    int kind;
    char channel[64];
    char key[160];
    char external_id[128];
    char *payload;     /* owned */
    int attempts;      /* including the one in progress */
} outbox_row;

/* The sender: returns SL_OK when the remote accepted, SL_ERETRY (with
   err->retry_after_ms) to back off, OUTBOX_GIVE_UP to stop for good, any
   other code to count a failure.
   Every call is an attempt (row->attempts counts this one); attempts > 1
   means an earlier try may have reached the remote, so a sender whose
   remote does not dedupe by key checks there first. */
typedef int (*outbox_send_fn)(void *data, const outbox_row *row, sl_error *err);

/* Sends due rows (state pending or sending, next_attempt <= now), at most
   `max`, claimed and finished in short transactions of up to
   OUTBOX_CLAIM_BATCH rows, so it must be called outside a transaction
   (SL_EINTERNAL otherwise). *sent
   counts rows the remote accepted, *failed every other outcome (backed
   off or dead). A store error stops the run and is returned. */
int outbox_dispatch(store *s, int64_t now_ms, int max, outbox_send_fn send,
                    void *data, int *sent, int *failed, sl_error *err);

/* Sends the one row with idempotency key `key` when it is due (as
   outbox_dispatch, for `doc send`: the row just queued, and nothing of
   the tenant's other rows). *sent is 1 when the remote accepted it. */
int outbox_dispatch_key(store *s, const char *key, int64_t now_ms, outbox_send_fn send,
                        void *data, int *sent, sl_error *err);

/* Rows newest first, `state_filter` pending|sending|sent|dead or NULL
   (new reference; NULL with err). */
json_t *outbox_list_json(store *s, const char *state_filter, int limit,
                         sl_error *err);

#endif
