/*
 * Sending one built message through SMTP with libcurl.
 *
 * Policy, owned here and not by the caller: smtp:// with STARTTLS
 * required unless the tenant set smtp_starttls = off (config refuses that
 * for any host but localhost/127.0.0.1), or smtps://; the certificate is
 * always verified (smtp_ca_file or the system store); AUTH only when
 * smtp_user is set; short timeouts; the transfer is abandoned when the
 * host stops (services_http_stopping). Never sleeps, never logs the
 * password.
 */
#ifndef SL_MAIL_SMTP_H
#define SL_MAIL_SMTP_H

#include <stddef.h>

#include "config/config.h"
#include "shopledger/sdk.h"

#define MAIL_CONNECT_TIMEOUT_MS 10000
#define MAIL_TIMEOUT_MS 60000
/* A 4xx reply or a connection failure comes back to the outbox with at
   least this wait (the outbox's own backoff may make it longer). */
#define MAIL_RETRY_AFTER_MS 60000
#define MAIL_RCPT_MAX 300 /* "<" address ">" with the NUL */

/* Sends `msg` (len bytes, CRLF lines) from m->from's address to `to_addr`.
   SL_OK when the server accepted the data. SL_ERETRY with
   err->retry_after_ms for a 4xx reply, a connection failure or a
   timeout; SL_EREMOTE with err->http_status = the SMTP code for a 5xx
   reply; SL_EAUTH when the login is refused (535); SL_EINVALID for a
   setting curl refuses. The server's reply text is in err->message. */
int mail_smtp_send(const config_mail *m, const char *from_addr, const char *to_addr,
                   const char *msg, size_t len, sl_error *err);

#endif
