/*
 * One document, one recipient, one message: load the document, render
 * its PDF, build the message, send it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "docout/docout.h"
#include "docout/mail_mime.h"
#include "docout/mail_send.h"
#include "docout/mail_smtp.h"
#include "shopledger/sdkutil.h"

#define SUBJECT_MAX 512

/* The addresses of the message: From and Reply-To from the tenant (the
   tenant's name when mail_from has none), To from the request or the
   document (the buyer's name with it). */
static int addresses(const config_tenant *t, const config_mail *m, const docout_doc *d,
                     const char *to, mail_address a[3], sl_error *err)
{
    int rc = mail_address_parse(m->from, "mail_from", &a[0], err);
    if (rc == SL_OK && a[0].name[0] == '\0' && t->name)
        snprintf(a[0].name, sizeof a[0].name, "%s", t->name);
    if (rc == SL_OK && m->reply_to)
        rc = mail_address_parse(m->reply_to, "reply_to", &a[1], err);
    if (rc != SL_OK)
        return rc;
    if (to == NULL || *to == '\0')
        to = d->buyer_email;
    /* The buyer's name goes with the buyer's address, not another one. */
    int buyer = d->buyer_email && strcasecmp(to, d->buyer_email) == 0;
    if (to == NULL || *to == '\0')
        return sl_error_set(err, SL_EINVALID, "to",
                            "document %s has no buyer e-mail (give one with --to)", d->number);
    rc = mail_address_parse(to, "to", &a[2], err);
    if (rc == SL_OK && buyer && a[2].name[0] == '\0' && d->buyer_name &&
        strpbrk(d->buyer_name, "<>\"\\") == NULL)
        snprintf(a[2].name, sizeof a[2].name, "%s", d->buyer_name);
    return rc;
}

static int build(const config_tenant *t, const config_mail *m, const docout_doc *d,
                 const docout_labels *l, const mail_request *rq, const unsigned char *pdf,
                 size_t pdf_len, int64_t now_ms, mail_address a[3], char **msg, size_t *len,
                 sl_error *err)
{
    int rc = addresses(t, m, d, rq->to, a, err);
    char msgid[MAIL_MSGID_MAX], subject[SUBJECT_MAX], file[96];
    if (rc == SL_OK)
        rc = mail_message_id(t->id, d->id, (int)rq->resend, a[0].addr, msgid, sizeof msgid, err);
    if (rc != SL_OK)
        return rc;
    snprintf(subject, sizeof subject, "%s: %s %s", docout_label(l, "mail_subject"),
             docout_label(l, d->type), d->number);
    snprintf(file, sizeof file, "%s.pdf", d->number);
    mail_parts parts = {.from = &a[0],
                        .reply_to = m->reply_to ? &a[1] : NULL,
                        .to = &a[2],
                        .subject = subject,
                        .body = docout_label(l, "mail_body"),
                        .message_id = msgid,
                        .date_ms = now_ms,
                        .pdf = pdf,
                        .pdf_len = pdf_len,
                        .filename = file};
    return mail_mime_build(&parts, msg, len, err);
}

int mail_send_document(store *s, const config_tenant *t, const mail_request *rq, int64_t now_ms,
                       sl_error *err)
{
    config_mail m;
    int rc = config_mail_get(t, &m, err);
    docout_doc *d = NULL;
    docout_labels *l = NULL;
    unsigned char *pdf = NULL;
    size_t pdf_len = 0, len = 0;
    char *msg = NULL;
    mail_address a[3];
    memset(a, 0, sizeof a);
    if (rc == SL_OK)
        rc = docout_doc_load(s, t, NULL, rq->doc_id, &d, err);
    if (rc == SL_OK)
        rc = docout_labels_load(NULL, d->style.lang, &l, err);
    if (rc == SL_OK)
        rc = docout_render_pdf(d, l, &pdf, &pdf_len, err);
    if (rc == SL_OK)
        rc = build(t, &m, d, l, rq, pdf, pdf_len, now_ms, a, &msg, &len, err);
    if (rc == SL_OK)
        rc = mail_smtp_send(&m, a[0].addr, a[2].addr, msg, len, err);
    free(msg);
    free(pdf);
    docout_labels_free(l);
    docout_doc_free(d);
    return rc;
}

static int gives_up(int rc)
{
    return rc == SL_EREMOTE || rc == SL_EINVALID || rc == SL_ENOTFOUND || rc == SL_ETOOBIG;
}

int mail_send_row(store *s, const config_tenant *t, const outbox_row *row, int64_t now_ms,
                  sl_error *err)
{
    json_t *p = json_loads(row->payload ? row->payload : "", 0, NULL);
    json_t *id = json_object_get(p, "document_id");
    mail_request rq = {.doc_id = json_is_integer(id) ? (int64_t)json_integer_value(id) : 0,
                       .to = json_string_value(json_object_get(p, "to")),
                       .resend = json_is_true(json_object_get(p, "by_hand")) ? row->id : 0};
    int rc = rq.doc_id > 0 ? mail_send_document(s, t, &rq, now_ms, err)
                           : sl_error_set(err, SL_EINVALID, "document_id",
                                          "e-mail row %s has no document_id", row->key);
    json_decref(p);
    return gives_up(rc) ? OUTBOX_GIVE_UP : rc;
}

int mail_hand_key(int64_t doc_id, const char *to, int64_t now_ms, char *key, size_t n,
                  sl_error *err)
{
    int w = snprintf(key, n, "email:%lld:%s:%lld", (long long)doc_id, to, (long long)now_ms);
    if (w < 0 || (size_t)w >= n)
        return sl_error_set(err, SL_ETOOBIG, "to", "the address is too long for an outbox key");
    return SL_OK;
}
