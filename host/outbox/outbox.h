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
/* Backoff after failed attempt n: BASE * 2^(n-1), spread by a jitter of
   -20..+20 % and capped at MAX (outbox_backoff_ms); a larger
   err->retry_after_ms from the sender wins. */
#define OUTBOX_BACKOFF_BASE_MS 10000
#define OUTBOX_BACKOFF_MAX_MS 3600000
#define OUTBOX_JITTER_PCT 20
/* A claimed row is not due again before this lease ends, so a second
   dispatcher (CLI beside the server) does not resend it mid-flight; after
   a crash it becomes due when the lease ends. */
#define OUTBOX_LEASE_MS 60000
#define OUTBOX_CLAIM_BATCH 32 /* rows claimed (and finished) per commit */
/* A sender's "never again": the row goes `dead` now, whatever attempts
   are left, with last_error "gave up: <err->message>". Outside the SL_E*
   range, so no plugin's status can mean it by accident. */
#define OUTBOX_GIVE_UP (-100)

enum outbox_kind {
    OUTBOX_NOTE = 1,   /* order note / status back to the shop */
    OUTBOX_EMAIL,      /* e-mail the document: payload document_id, number,
                          type, to (docout/mail_send.h) */
    OUTBOX_STOCK_PUSH, /* push stock/prices of a channel */
    OUTBOX_SHIPMENT    /* register a parcel with a postal channel: payload
                          shipment_id (shipments/ship_send.h) */
};
const char *outbox_kind_name(int kind);

/* Queues a row inside the caller's transaction (or its own when none is
   open). A duplicate key is not an error (*queued = 0). `payload` is JSON
   text (copied; refused when it does not parse). channel, key and
   external_id must fit outbox_row's arrays (SL_ETOOBIG naming the field). */
int outbox_put(store *s, int kind, const char *channel, const char *key, const char *external_id,
               const char *payload, int64_t now_ms, int *queued, sl_error *err);

typedef struct outbox_row {
    int64_t id;
    int kind;
    char channel[64];
    char key[160];
    char external_id[128];
    char *payload; /* owned */
    int attempts;  /* including the one in progress */
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
int outbox_dispatch(store *s, int64_t now_ms, int max, outbox_send_fn send, void *data, int *sent,
                    int *failed, sl_error *err);
/* When outbox_dispatch next has a row to send: *when_ms 0 for none, else
   the earliest next attempt of a pending or sending row (at least 1).
   serve's scheduler leaves an idle tenant's store closed until then. */
int outbox_next_due(store *s, int64_t *when_ms, sl_error *err);

/* The pause after failed attempt `attempts` of the row (or channel) with
   id `salt`: BASE * 2^(attempts-1), times (100 - 20 + j) % where
   j = (salt * 2654435761 + attempts * 40503) mod 41, so rows that failed
   together do not all come due together, yet the figure is the same on
   every run; then capped at MAX. A longer retry_after_ms wins. */
int64_t outbox_backoff_ms(int attempts, int64_t retry_after_ms, int64_t salt);

/* A channel whose remote fails as a whole (connection refused or reset,
   timeout, TLS refused: no HTTP answer at all) is down: trying its other
   rows would only fail the same way, each counted as an attempt. The gate
   remembers, per channel, until when it is down; while it is, its due rows
   are held (back to pending, the attempt not counted, due again at that
   time), and once the time is reached one row at a time goes as a probe.
   Any answer from the remote, even an error, clears the channel; another
   whole failure doubles the pause (outbox_backoff_ms). The state is in
   memory, owned by the one thread that dispatches (serve's scheduler);
   after a restart every channel starts up. */
#define OUTBOX_GATE_CHANNELS 64 /* channels past this are never held */
typedef struct outbox_gate_channel {
    char channel[64];
    int failures;          /* whole-remote failures in a row */
    int64_t down_until_ms; /* 0: up */
    int probing;           /* a probe row is out now */
} outbox_gate_channel;
typedef struct outbox_gate {
    outbox_gate_channel ch[OUTBOX_GATE_CHANNELS];
    int n;
} outbox_gate;

/* Whether a send outcome means the remote failed as a whole. */
int outbox_remote_down(int send_rc, const sl_error *err);
/* Whether a row of `channel` may be sent at now_ms: 1 when the channel is
   up, or down with its time reached and no probe out (it becomes the
   probe); 0 to hold it, with *until_ms when it is due again. */
int outbox_gate_admit(outbox_gate *g, const char *channel, int64_t now_ms, int64_t *until_ms);
/* Records the outcome of a row the gate admitted. */
void outbox_gate_record(outbox_gate *g, const char *channel, int64_t now_ms, int send_rc,
                        const sl_error *err);

/* outbox_dispatch through a gate (NULL: no gate). Held rows count neither
   as sent nor failed. */
int outbox_dispatch_gated(store *s, int64_t now_ms, int max, outbox_send_fn send, void *data,
                          outbox_gate *gate, int *sent, int *failed, sl_error *err);

/* Sends the one row with idempotency key `key` when it is due (as
   outbox_dispatch, for `doc send`: the row just queued, and nothing of
   the tenant's other rows). *sent is 1 when the remote accepted it. */
int outbox_dispatch_key(store *s, const char *key, int64_t now_ms, outbox_send_fn send, void *data,
                        int *sent, sl_error *err);

/* Rows newest first, `state_filter` pending|sending|sent|dead or NULL
   (new reference; NULL with err). */
json_t *outbox_list_json(store *s, const char *state_filter, int limit, sl_error *err);
/* The notes (OUTBOX_NOTE rows) of one order, oldest first: id, key, note
   (the payload's text), state, attempts, last_error, created_ms, sent_ms
   (0 = not yet). New reference; NULL with err. */
json_t *outbox_order_notes_json(store *s, const char *channel, const char *external_id,
                                sl_error *err);

#endif
