/*
 * One SMTP transaction through libcurl. The message is uploaded from
 * memory by a read callback; the server's first refusal (a 4xx or 5xx
 * line) is kept from curl's debug stream to explain the outcome: incoming
 * lines only, so nothing we sent, AUTH included, is ever copied, and the
 * first, because curl's QUIT after a refusal gets "221 Bye" last.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "docout/mail_smtp.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

typedef struct upload {
    const char *data;
    size_t len, off;
    char reply[256]; /* the server's first 4xx/5xx reply line, or "" */
} upload;

static size_t read_body(char *buf, size_t size, size_t n, void *data)
{
    upload *u = data;
    size_t left = u->len - u->off, room = size * n;
    size_t take = left < room ? left : room;
    memcpy(buf, u->data + u->off, take);
    u->off += take;
    return take;
}

static int keep_reply(CURL *c, curl_infotype type, char *text, size_t n, void *data)
{
    (void)c;
    upload *u = data;
    if (type != CURLINFO_HEADER_IN || n < 3 || u->reply[0] != '\0' ||
        (text[0] != '4' && text[0] != '5'))
        return 0;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    size_t keep = n < sizeof u->reply - 1 ? n : sizeof u->reply - 1;
    for (size_t i = 0; i < keep; i++) /* printable only: it goes into logs */
        u->reply[i] = (text[i] >= 0x20 && text[i] < 0x7F) ? text[i] : '?';
    u->reply[keep] = '\0';
    return 0;
}

static int on_progress(void *data, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)data, (void)a, (void)b, (void)c, (void)d;
    return services_http_stopping(); /* non-zero abandons the transfer */
}

static void setup(CURL *c, const config_mail *m, const char *from, struct curl_slist *rcpt,
                  upload *u)
{
    curl_easy_setopt(c, CURLOPT_URL, m->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)MAIL_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)MAIL_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    if (m->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, m->ca_file);
    /* smtps:// is TLS from the first byte; smtp:// must upgrade unless
       the tenant turned it off for a local server. */
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     m->starttls_required ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
    if (m->user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, m->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, m->password);
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->len);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(c, CURLOPT_READDATA, u);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* feeds keep_reply, prints nothing */
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, keep_reply);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, u);
}

/* Maps curl's result and the last SMTP code to the outbox's outcomes. */
static int outcome(CURLcode cc, long code, const upload *u, const char *to, sl_error *err)
{
    if (cc == CURLE_OK)
        return SL_OK;
    const char *reply = u->reply[0] ? u->reply : curl_easy_strerror(cc);
    int r;
    if (code == 535 || cc == CURLE_LOGIN_DENIED)
        r = sl_error_set(err, SL_EAUTH, "smtp_user", "SMTP login refused: %s", reply);
    else if (code >= 500 && code < 600)
        r = sl_error_set(err, SL_EREMOTE, "to", "SMTP refused %s: %s", to, reply);
    else if (cc == CURLE_USE_SSL_FAILED)
        r = sl_error_set(err, SL_ERETRY, "smtp_url",
                         "the SMTP server offers no STARTTLS (smtp_starttls = required)");
    else
        r = sl_error_set(err, SL_ERETRY, "smtp_url", "SMTP: %s (%s)", reply,
                         curl_easy_strerror(cc));
    err->http_status = (int)code;
    if (r == SL_ERETRY)
        err->retry_after_ms = MAIL_RETRY_AFTER_MS;
    return r;
}

int mail_smtp_send(const config_mail *m, const char *from_addr, const char *to_addr,
                   const char *msg, size_t len, sl_error *err)
{
    if (services_http_stopping())
        return sl_error_set(err, SL_ERETRY, "smtp_url", "not sent: the host is stopping");
    CURL *c = curl_easy_init();
    char to[MAIL_RCPT_MAX];
    int w = snprintf(to, sizeof to, "<%s>", to_addr);
    struct curl_slist *rcpt =
        c && w > 0 && (size_t)w < sizeof to ? curl_slist_append(NULL, to) : NULL;
    char from[MAIL_RCPT_MAX];
    snprintf(from, sizeof from, "<%s>", from_addr);
    if (rcpt == NULL) {
        curl_easy_cleanup(c);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory starting an SMTP transfer");
    }
    upload u = {.data = msg, .len = len};
    setup(c, m, from, rcpt, &u);
    CURLcode cc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    int r = outcome(cc, code, &u, to_addr, err);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return r;
}
