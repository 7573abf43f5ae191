/*
 * The XML request writer of include/shopledger/xml.h: a growable buffer
 * with a hard maximum and one escaping rule, shared by every connector
 * that builds XML by hand (SOAP envelopes, UNAS requests) so that none
 * carries its own copy with its own idea of control characters.
 * Capacity doubles from 256 bytes up to the maximum (curl's dynbuf idea).
 */
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "shopledger/xml.h"

void sl_xml_buf_init(sl_xml_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void sl_xml_buf_free(sl_xml_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* Makes room for need bytes (the NUL included); 0 or the failure. */
static int reserve(sl_xml_buf *b, size_t need)
{
    if (need <= b->cap)
        return SL_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > b->max)
        cap = b->max;
    char *p = realloc(b->p, cap);
    if (p == NULL)
        return SL_ENOMEM;
    b->p = p;
    b->cap = cap;
    return SL_OK;
}

void sl_xml_addn(sl_xml_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (n >= b->max || b->len + n + 1 > b->max) {
        b->failed = SL_ETOOBIG;
        return;
    }
    b->failed = reserve(b, b->len + n + 1);
    if (b->failed)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sl_xml_add(sl_xml_buf *b, const char *s)
{
    sl_xml_addn(b, s, strlen(s));
}

/* The entity for c, NULL when c stands as itself. */
static const char *entity(char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&apos;";
    default:
        return NULL;
    }
}

void sl_xml_add_text(sl_xml_buf *b, const char *s)
{
    if (s == NULL)
        return;
    const char *run = s;
    for (; *s && !b->failed; s++) {
        unsigned char c = (unsigned char)*s;
        const char *rep = entity(*s);
        if (rep == NULL && c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            b->failed = SL_EINVALID;
            b->refused = c;
            return;
        }
        if (rep != NULL) {
            sl_xml_addn(b, run, (size_t)(s - run));
            sl_xml_add(b, rep);
            run = s + 1;
        }
    }
    sl_xml_addn(b, run, (size_t)(s - run));
}

void sl_xml_add_elem(sl_xml_buf *b, const char *name, const char *text)
{
    sl_xml_add(b, "<");
    sl_xml_add(b, name);
    sl_xml_add(b, ">");
    sl_xml_add_text(b, text);
    sl_xml_add(b, "</");
    sl_xml_add(b, name);
    sl_xml_add(b, ">");
}

int sl_xml_buf_error(const sl_xml_buf *b, const char *field, const char *what, sl_error *err)
{
    switch (b->failed) {
    case SL_OK:
        return SL_OK;
    case SL_ETOOBIG:
        return sl_error_set(err, SL_ETOOBIG, field, "%s is over %zu bytes", what,
                            b->max ? b->max - 1 : 0);
    case SL_EINVALID:
        return sl_error_set(err, SL_EINVALID, field,
                            "%s carries control character 0x%02x, which XML 1.0 cannot carry", what,
                            (unsigned)b->refused);
    default:
        return sl_error_set(err, b->failed, field, "out of memory building %s", what);
    }
}
