/*
 * E-mailing a ledger document: the PDF rendered by docout, the message
 * built by mail_mime in the document's language (labels mail_subject,
 * mail_body), sent by mail_smtp with the tenant's [documents] settings.
 * The outbox calls this for OUTBOX_EMAIL rows; `doc send` through it too.
 */
#ifndef SL_MAIL_SEND_H
#define SL_MAIL_SEND_H

#include <stdint.h>

#include "config/config.h"
#include "outbox/outbox.h"
#include "store/store.h"

typedef struct mail_request {
    int64_t doc_id;
    const char *to; /* NULL or "": the buyer's e-mail on the document */
    int64_t resend; /* 0: the automatic e-mail; else the outbox row id of a
                       send by hand, so its Message-ID is its own */
} mail_request;

/* Sends the e-mail once. SL_OK when the server took it; SL_ERETRY (with
   err->retry_after_ms) for a 4xx, a connection failure or a timeout;
   SL_EREMOTE for a 5xx refusal (err->http_status the code, the reply in
   the message); SL_EINVALID for a bad or missing address (field "to"),
   SL_ENOTFOUND for an unknown document or mail settings not configured;
   SL_EAUTH for a refused login. Never sleeps. */
int mail_send_document(store *s, const config_tenant *t, const mail_request *rq, int64_t now_ms,
                       sl_error *err);

/* The outbox sender of OUTBOX_EMAIL rows. Payload {"document_id": N,
   "to": ADDRESS or null, "by_hand": true for `doc send`}. Outcomes as
   mail_send_document, except that what retrying cannot fix (a 5xx, a bad
   or missing address, an unknown document, mail not configured, a bad
   payload) is OUTBOX_GIVE_UP, so the row ends dead with the reason. */
int mail_send_row(store *s, const config_tenant *t, const outbox_row *row, int64_t now_ms,
                  sl_error *err);

/* The idempotency key of an e-mail sent by hand: "email:DOC:ADDRESS:MS"
   (one row per command; the automatic one is "email:DOC"). SL_ETOOBIG
   when it does not fit outbox_row's key. */
int mail_hand_key(int64_t doc_id, const char *to, int64_t now_ms, char *key, size_t n,
                  sl_error *err);

#endif
