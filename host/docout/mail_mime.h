/*
 * The e-mail that carries a document: one MIME message (RFC 5322 + 2045
 * to 2047), built in memory and handed to mail_smtp.
 *
 * Shape: multipart/mixed with a short text/plain UTF-8 body (base64) and
 * the PDF as application/pdf (base64, filename = the document number).
 * Every line ends in CRLF and is at most 78 characters. Subject and
 * display names that are not plain short ASCII become RFC 2047
 * encoded-words (=?UTF-8?B?...?=), cut on character boundaries and folded
 * one word per line. The Message-ID is derived from the tenant, the
 * document and the resend number, so the same send after a crash carries
 * the same id and a receiver can tell it is one message.
 */
#ifndef SL_MAIL_MIME_H
#define SL_MAIL_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"

#define MAIL_ADDR_MAX 255 /* an address (RFC 5321: 254) with the NUL */
#define MAIL_NAME_MAX 256 /* a display name with the NUL */
#define MAIL_MSGID_MAX 512

/* A mailbox: "Name <local@domain>" or a bare "local@domain". */
typedef struct mail_address {
    char name[MAIL_NAME_MAX]; /* "" when not given */
    char addr[MAIL_ADDR_MAX];
} mail_address;

/* Parses `text` as a mailbox into *out. The address must be local@domain
   in printable ASCII without spaces, quotes, angle brackets or control
   characters, the domain letters, digits, dots and hyphens; the name any
   UTF-8 without control characters or angle brackets. SL_EINVALID naming
   `field` otherwise. */
int mail_address_parse(const char *text, const char *field, mail_address *out, sl_error *err);

/* Writes "<doc-ID.TENANT@DOMAIN>" (resend 0) or "<doc-ID-rN.TENANT@DOMAIN>"
   into buf, DOMAIN being the domain part of from_addr. SL_ETOOBIG when it
   does not fit n bytes. */
int mail_message_id(const char *tenant, int64_t doc_id, int resend, const char *from_addr,
                    char *buf, size_t n, sl_error *err);

typedef struct mail_parts {
    const mail_address *from;
    const mail_address *reply_to; /* NULL: none */
    const mail_address *to;
    const char *subject;    /* UTF-8, one line */
    const char *body;       /* UTF-8 text; "\n" line ends */
    const char *message_id; /* with the angle brackets */
    int64_t date_ms;        /* UTC ms for the Date header */
    const unsigned char *pdf;
    size_t pdf_len;
    const char *filename; /* attachment name, e.g. "TS-000001.pdf" */
} mail_parts;

/* Builds the message into a malloc'd buffer (*out, *len; caller frees;
   NUL-terminated for convenience). SL_EINVALID naming "subject" for a
   subject with a line break or invalid UTF-8; SL_ENOMEM. */
int mail_mime_build(const mail_parts *m, char **out, size_t *len, sl_error *err);

#endif
