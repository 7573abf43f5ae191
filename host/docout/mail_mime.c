/*
 * Building the document's e-mail. The message grows in one bounded
 * buffer (mbuf); a failed append marks it broken and every later append
 * is a no-op, so the builder checks once at the end.
 *
 * Why base64 for the text body too: it keeps every line short whatever
 * the language, and every mail client decodes it; quoted-printable would
 * make Persian or Thai text three times longer and no easier to read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docout/mail_mime.h"
#include "shopledger/sdkutil.h"

#define LINE_MAX_CHARS 76 /* base64 body lines */
#define WORD_MAX_BYTES                                                                             \
    45                       /* raw bytes per encoded-word: 60 base64 chars,                       \
                                75 with =?UTF-8?B? and ?= (RFC 2047 limit) */
#define PLAIN_SUBJECT_MAX 68 /* "Subject: " + this stays within 78 */
#define MAIL_MAX_BYTES (64u << 20)

typedef struct mbuf {
    char *data;
    size_t len, cap;
    int broken;
} mbuf;

static void put_bytes(mbuf *b, const char *s, size_t n)
{
    if (b->broken)
        return;
    if (b->len + n + 1 > MAIL_MAX_BYTES) {
        b->broken = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (grown == NULL) {
            b->broken = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void put(mbuf *b, const char *s)
{
    put_bytes(b, s, strlen(s));
}

/* Length of the UTF-8 sequence starting at s (1..4), 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = s[0] < 0x80             ? 1
               : (s[0] & 0xE0) == 0xC0 ? 2
               : (s[0] & 0xF0) == 0xE0 ? 3
               : (s[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
    if (n == 2 && s[0] < 0xC2)
        return 0; /* overlong */
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Valid UTF-8 without control characters? */
static int text_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_len(p);
        if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7F)))
            return 0;
        p += n;
    }
    return 1;
}

static int plain_ascii(const char *s, size_t max)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
        if (*p < 0x20 || *p > 0x7E)
            return 0;
    /* "=?" would read as the start of an encoded-word. */
    return n <= max && strstr(s, "=?") == NULL;
}

/* Raw bytes an encoded-word may carry when `used` characters of its line
   come before it (the header name on the first line, one blank after a
   fold): what fits in 78 characters, and never over WORD_MAX_BYTES. */
static size_t word_room(size_t used)
{
    size_t chars = 78 - used - 12; /* =?UTF-8?B? and ?= */
    size_t bytes = chars / 4 * 3;
    return bytes < WORD_MAX_BYTES ? bytes : WORD_MAX_BYTES;
}

/* Appends s as encoded-words of whole characters, separated by CRLF SP
   (folding); the first shares its line with `used` characters. */
static void put_encoded_words(mbuf *b, const char *s, size_t used)
{
    const unsigned char *p = (const unsigned char *)s;
    int first = 1;
    while (*p) {
        size_t take = 0, room = word_room(first ? used : 1);
        while (p[take]) {
            size_t n = utf8_len(p + take);
            if (n == 0 || take + n > room)
                break;
            take += n;
        }
        if (take == 0)
            break; /* invalid UTF-8: text_ok refused it before */
        char word[((WORD_MAX_BYTES + 2) / 3) * 4 + 1];
        sl_base64_encode(p, take, word);
        put(b, first ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
        put(b, word);
        put(b, "?=");
        first = 0;
        p += take;
    }
}

/* Characters of name as a quoted-string: quotes and escapes included. */
static size_t quoted_len(const char *name)
{
    size_t n = 2;
    for (const char *c = name; *c; c++)
        n += (*c == '"' || *c == '\\') ? 2 : 1;
    return n;
}

/* A display name: a quoted-string when plain ASCII that fits its line
   (after `used` characters), else encoded-words. */
static void put_name(mbuf *b, const char *name, size_t used)
{
    if (plain_ascii(name, 78) && used + quoted_len(name) <= 78) {
        put(b, "\"");
        for (const char *c = name; *c; c++) {
            if (*c == '"' || *c == '\\')
                put(b, "\\");
            put_bytes(b, c, 1);
        }
        put(b, "\"");
    } else {
        put_encoded_words(b, name, used);
    }
}

static void put_mailbox(mbuf *b, const char *header, const mail_address *a)
{
    put(b, header);
    if (a->name[0]) {
        put_name(b, a->name, strlen(header));
        put(b, "\r\n <");
    } else {
        put(b, "<");
    }
    put(b, a->addr);
    put(b, ">\r\n");
}

static void put_date(mbuf *b, int64_t utc_ms)
{
    static const char *const DAYS[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(utc_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char line[64];
    snprintf(line, sizeof line, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", DAYS[tm.tm_wday],
             tm.tm_mday, MONTHS[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    put(b, line);
}

/* Appends data as base64 in lines of LINE_MAX_CHARS, each ending CRLF. */
static void put_base64(mbuf *b, const unsigned char *data, size_t len)
{
    enum { CHUNK = LINE_MAX_CHARS / 4 * 3 };
    char line[LINE_MAX_CHARS + 3];
    for (size_t off = 0; off < len; off += CHUNK) {
        size_t n = len - off < CHUNK ? len - off : CHUNK;
        size_t w = sl_base64_encode(data + off, n, line);
        memcpy(line + w, "\r\n", 3);
        put(b, line);
    }
}

/* The body with "\n" made CRLF (a lone CR dropped). */
static int body_crlf(const char *body, mbuf *out)
{
    for (const char *c = body; *c; c++) {
        if (*c == '\n')
            put(out, "\r\n");
        else if (*c != '\r')
            put_bytes(out, c, 1);
    }
    return out->broken ? SL_ENOMEM : SL_OK;
}

/* The attachment name with anything outside [A-Za-z0-9._-] made '_'. */
static void safe_filename(const char *in, char *out, size_t n)
{
    size_t i = 0;
    for (; in[i] && i + 1 < n; i++) {
        char c = in[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        out[i] = ok ? c : '_';
    }
    out[i] = '\0';
}

static void put_headers(mbuf *b, const mail_parts *m, const char *boundary)
{
    put_mailbox(b, "From: ", m->from);
    if (m->reply_to)
        put_mailbox(b, "Reply-To: ", m->reply_to);
    put_mailbox(b, "To: ", m->to);
    put(b, "Subject: ");
    if (plain_ascii(m->subject, PLAIN_SUBJECT_MAX))
        put(b, m->subject);
    else
        put_encoded_words(b, m->subject, strlen("Subject: "));
    put(b, "\r\n");
    put_date(b, m->date_ms);
    put(b, "Message-ID: ");
    put(b, m->message_id);
    put(b, "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n boundary=\"");
    put(b, boundary);
    put(b, "\"\r\n\r\n");
}

static void put_parts(mbuf *b, const mail_parts *m, const char *boundary, const mbuf *body)
{
    char name[128];
    safe_filename(m->filename, name, sizeof name);
    put(b, "This is a MIME message.\r\n\r\n--");
    put(b, boundary);
    put(b, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n");
    put_base64(b, (const unsigned char *)body->data, body->len);
    put(b, "\r\n--");
    put(b, boundary);
    put(b, "\r\nContent-Type: application/pdf;\r\n name=\"");
    put(b, name);
    put(b, "\"\r\nContent-Disposition: attachment;\r\n filename=\"");
    put(b, name);
    put(b, "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    put_base64(b, m->pdf, m->pdf_len);
    put(b, "\r\n--");
    put(b, boundary);
    put(b, "--\r\n");
}

int mail_mime_build(const mail_parts *m, char **out, size_t *len, sl_error *err)
{
    if (m->subject == NULL || !text_ok(m->subject))
        return sl_error_set(err, SL_EINVALID, "subject", "subject must be one line of UTF-8 text");
    if (!text_ok(m->to->name) || !text_ok(m->from->name) ||
        (m->reply_to && !text_ok(m->reply_to->name)))
        return sl_error_set(err, SL_EINVALID, "name",
                            "a display name must be one line of UTF-8 text");
    /* Base64 parts never contain "=_", so this boundary cannot clash. */
    const char *boundary = "=_shopledger_part";
    mbuf body = {0}, b = {0};
    body_crlf(m->body ? m->body : "", &body);
    put_headers(&b, m, boundary);
    put_parts(&b, m, boundary, &body);
    free(body.data);
    if (b.broken || body.broken) {
        free(b.data);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory building the e-mail");
    }
    *out = b.data;
    *len = b.len;
    return SL_OK;
}

/* ---- addresses ------------------------------------------------------------ */

static int addr_char(unsigned char c)
{
    return c > 0x20 && c < 0x7F && !strchr("<>\"(),;:[]\\", c);
}

static int domain_ok(const char *d)
{
    size_t n = strlen(d);
    if (n == 0 || n > 253 || d[0] == '.' || d[0] == '-' || d[n - 1] == '.' ||
        strstr(d, "..") != NULL)
        return 0;
    for (const char *c = d; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-'))
            return 0;
    return 1;
}

static int addr_ok(const char *a)
{
    const char *at = strchr(a, '@');
    if (at == NULL || at == a || strchr(at + 1, '@') != NULL || strlen(a) > 254)
        return 0;
    for (const char *c = a; c < at; c++)
        if (!addr_char((unsigned char)*c))
            return 0;
    return domain_ok(at + 1);
}

/* Copies [s, e) with blank space trimmed at both ends into out (n bytes);
   -1 when it does not fit. */
static int copy_trimmed(const char *s, const char *e, char *out, size_t n)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if ((size_t)(e - s) >= n)
        return -1;
    memcpy(out, s, (size_t)(e - s));
    out[e - s] = '\0';
    return 0;
}

int mail_address_parse(const char *text, const char *field, mail_address *out, sl_error *err)
{
    mail_address a;
    memset(&a, 0, sizeof a);
    const char *lt = text ? strchr(text, '<') : NULL;
    int bad = text == NULL;
    if (!bad && lt) {
        const char *gt = strchr(lt, '>');
        bad = gt == NULL || gt[1] != '\0' || copy_trimmed(text, lt, a.name, sizeof a.name) ||
              copy_trimmed(lt + 1, gt, a.addr, sizeof a.addr);
        /* A quoted name: the quotes are syntax, not part of the name. */
        size_t nl = strlen(a.name);
        if (!bad && nl >= 2 && a.name[0] == '"' && a.name[nl - 1] == '"') {
            memmove(a.name, a.name + 1, nl - 2);
            a.name[nl - 2] = '\0';
        }
        bad = bad || strpbrk(a.name, "<>\"\\") != NULL || !text_ok(a.name);
    } else if (!bad) {
        bad = copy_trimmed(text, text + strlen(text), a.addr, sizeof a.addr);
    }
    if (bad || !addr_ok(a.addr))
        return sl_error_set(err, SL_EINVALID, field,
                            "%s: '%.80s' is not an e-mail address (local@domain, or "
                            "Name <local@domain>)",
                            field, text ? text : "");
    *out = a;
    return SL_OK;
}

int mail_message_id(const char *tenant, int64_t doc_id, int resend, const char *from_addr,
                    char *buf, size_t n, sl_error *err)
{
    const char *at = strchr(from_addr, '@');
    const char *domain = at ? at + 1 : "localhost";
    int w = resend > 0 ? snprintf(buf, n, "<doc-%lld-r%d.%s@%s>", (long long)doc_id, resend, tenant,
                                  domain)
                       : snprintf(buf, n, "<doc-%lld.%s@%s>", (long long)doc_id, tenant, domain);
    if (w < 0 || (size_t)w >= n)
        return sl_error_set(err, SL_ETOOBIG, "message_id", "the Message-ID is too long");
    return SL_OK;
}
