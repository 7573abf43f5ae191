/*
 * The [documents] keys of e-mail: checked one by one as they are read
 * (smtp_url, smtp_starttls, mail_from, reply_to), then together once the
 * file is parsed (a channel with `email = yes` needs smtp_url and
 * mail_from; smtp_starttls = off only for a server on this machine).
 *
 * Why refuse `off` for any other host: without STARTTLS the password and
 * the buyer's document cross the network in clear text, and curl's
 * CURLUSESSL_TRY would let a man in the middle strip TLS silently. A
 * local relay (the test server, a host's own MTA on 127.0.0.1) is the one
 * case where there is no network to cross.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "docout/mail_mime.h"
#include "shopledger/sdkutil.h"

#define URL_HOST_MAX 256

static const char *doc_value(const config_tenant *t, const char *key)
{
    const config_kv *kv = cfg_kv_find(t->documents, t->document_count, key);
    return kv ? kv->value : NULL;
}

static int doc_line(const config_tenant *t, const char *key)
{
    const config_kv *kv = cfg_kv_find(t->documents, t->document_count, key);
    return kv ? kv->line : 0;
}

/* Splits smtp://HOST[:PORT][/] into host (n bytes); -1 with *why when the
   URL is not of that form. *tls is 1 for smtps. */
static int url_host(const char *url, char *host, size_t n, int *tls, const char **why)
{
    const char *rest;
    if (strncmp(url, "smtp://", 7) == 0)
        rest = url + 7, *tls = 0;
    else if (strncmp(url, "smtps://", 8) == 0)
        rest = url + 8, *tls = 1;
    else {
        *why = "expected smtp://HOST[:PORT] or smtps://HOST[:PORT]";
        return -1;
    }
    size_t h = strcspn(rest, ":/");
    if (h == 0 || h >= n) {
        *why = "the URL has no host (or one longer than 255 bytes)";
        return -1;
    }
    memcpy(host, rest, h);
    host[h] = '\0';
    if (!cfg_match(host, "aA0.-", n - 1)) {
        *why = "the host may hold letters, digits, dots and hyphens only";
        return -1;
    }
    const char *p = rest + h;
    if (*p == ':') {
        char *end = NULL;
        long port = strtol(p + 1, &end, 10);
        if (end == p + 1 || port < 1 || port > 65535) {
            *why = "the port must be 1..65535";
            return -1;
        }
        p = end;
    }
    if (strcmp(p, "") != 0 && strcmp(p, "/") != 0) {
        *why = "no path, user or query after HOST[:PORT] (the user is smtp_user)";
        return -1;
    }
    return 0;
}

static int local_host(const char *host)
{
    return strcmp(host, "localhost") == 0 || strcmp(host, "127.0.0.1") == 0;
}

void cfg_mail_key(cfg_parse *p, const char *key, const char *v)
{
    char host[URL_HOST_MAX];
    int tls;
    const char *why = NULL;
    mail_address a;
    sl_error e = {.size = sizeof e};
    if (strcmp(key, "smtp_url") == 0) {
        if (url_host(v, host, sizeof host, &tls, &why) != 0)
            cfg_error(p, p->line, key, "%s", why);
    } else if (strcmp(key, "smtp_starttls") == 0) {
        if (strcmp(v, "required") != 0 && strcmp(v, "off") != 0)
            cfg_error(p, p->line, key, "expected required or off");
    } else if (strcmp(key, "mail_from") == 0 || strcmp(key, "reply_to") == 0) {
        if (mail_address_parse(v, key, &a, &e) != SL_OK)
            cfg_error(p, p->line, key, "%s", e.message);
    } else if (strcmp(key, "smtp_user") == 0) {
        if (*v == '\0' || strpbrk(v, "\r\n") != NULL)
            cfg_error(p, p->line, key, "expected a user name on one line");
    }
}

static int any_email_channel(const config_tenant *t, int *line)
{
    for (size_t i = 0; i < t->channel_count; i++)
        if (t->channels[i].email) {
            *line = t->channels[i].line;
            return 1;
        }
    return 0;
}

void cfg_mail_validate(cfg_parse *p)
{
    const config_tenant *t = p->t;
    const char *url = doc_value(t, "smtp_url");
    const char *starttls = doc_value(t, "smtp_starttls");
    int line = 0;
    if (any_email_channel(t, &line)) {
        if (url == NULL && !cfg_given(p, "documents", "smtp_url"))
            cfg_error_in(p, "documents", p->documents_line ? p->documents_line : line, "smtp_url",
                         "missing (a channel has email = yes)");
        if (doc_value(t, "mail_from") == NULL && !cfg_given(p, "documents", "mail_from"))
            cfg_error_in(p, "documents", p->documents_line ? p->documents_line : line, "mail_from",
                         "missing (a channel has email = yes)");
    }
    char host[URL_HOST_MAX];
    int tls = 0;
    const char *why = NULL;
    if (url && starttls && strcmp(starttls, "off") == 0 &&
        url_host(url, host, sizeof host, &tls, &why) == 0 && !tls && !local_host(host))
        cfg_error_in(p, "documents", doc_line(t, "smtp_starttls"), "smtp_starttls",
                     "off is allowed only for a server on localhost or 127.0.0.1 (%s would "
                     "get the password and the documents in clear text)",
                     host);
    if (doc_value(t, "smtp_user") != NULL &&
        cfg_kv_find(t->documents, t->document_count, "smtp_password") == NULL)
        cfg_error_in(p, "documents", doc_line(t, "smtp_user"), "smtp_password_file",
                     "missing (smtp_user is set)");
}

int config_mail_get(const config_tenant *t, config_mail *out, sl_error *err)
{
    config_mail m = {.url = doc_value(t, "smtp_url"),
                     .user = doc_value(t, "smtp_user"),
                     .password = doc_value(t, "smtp_password"),
                     .from = doc_value(t, "mail_from"),
                     .reply_to = doc_value(t, "reply_to"),
                     .ca_file = doc_value(t, "smtp_ca_file"),
                     .starttls_required = 1};
    const char *starttls = doc_value(t, "smtp_starttls");
    if (starttls && strcmp(starttls, "off") == 0)
        m.starttls_required = 0;
    if (m.url == NULL)
        return sl_error_set(err, SL_ENOTFOUND, "smtp_url",
                            "tenant %s: [documents] smtp_url is not set", t->id);
    if (m.from == NULL)
        return sl_error_set(err, SL_ENOTFOUND, "mail_from",
                            "tenant %s: [documents] mail_from is not set", t->id);
    if (m.user && m.password == NULL)
        return sl_error_set(err, SL_ENOTFOUND, "smtp_password",
                            "tenant %s: [documents] smtp_password is missing", t->id);
    *out = m;
    return SL_OK;
}
