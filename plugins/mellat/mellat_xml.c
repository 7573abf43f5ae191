/*
 * Defensive reading of SOAP answers with libxml2's tree API, under the
 * rules plugins/unas set for remote XML:
 *  - bodies over MELLAT_MAX_ANSWER are refused unread (an answer is one
 *    short string; 64 KiB leaves room for a verbose fault);
 *  - any <!DOCTYPE ...> before the root is refused before libxml2 sees
 *    the body: no DTD means no external entity (XXE) and no expansion
 *    bomb; we never pass XML_PARSE_NOENT, XML_PARSE_DTDLOAD or
 *    XML_PARSE_HUGE, and always XML_PARSE_NONET;
 *  - nesting deeper than MELLAT_MAX_DEPTH is refused after the parse;
 *  - parser messages stay in the parser context, never on stderr.
 * Elements are matched by local name and, where the path asks for one,
 * by namespace URI, never by prefix: Mellat's servers say soap:/ns2:,
 * other deployments S:/env:, and the prefix means nothing by itself.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mellat.h"
#include "shopledger/sdkutil.h"

struct mellat_doc {
    xmlDocPtr doc;
};

static pthread_once_t g_xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
    xmlInitParser();
}

/* The first `needle` (nlen bytes) in [p, end), or NULL. */
static const char *find_bytes(const char *p, const char *end, const char *needle, size_t nlen)
{
    for (; end - p >= (long)nlen; p++)
        if (memcmp(p, needle, nlen) == 0)
            return p;
    return NULL;
}

/* Skips the prolog (declaration, PIs, comments, blanks, a UTF-8 BOM);
   returns 1 when a <!...> other than a comment comes before the root. */
static int prolog_has_doctype(const char *p, const char *end)
{
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            p++;
        } else if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
                   (unsigned char)p[2] == 0xBF) {
            p += 3;
        } else if (end - p >= 2 && p[0] == '<' && p[1] == '?') {
            const char *q = find_bytes(p, end, "?>", 2);
            if (q == NULL)
                return 0;
            p = q + 2;
        } else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *q = find_bytes(p + 4, end, "-->", 3);
            if (q == NULL)
                return 0;
            p = q + 3;
        } else {
            return end - p >= 2 && p[0] == '<' && p[1] == '!';
        }
    }
    return 0;
}

static int depth_ok(const xmlNode *n, int depth)
{
    if (depth > MELLAT_MAX_DEPTH)
        return 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !depth_ok(c, depth + 1))
            return 0;
    return 1;
}

int mellat_xml_parse(const char *data, size_t len, mellat_doc **out, sl_error *err)
{
    if (data == NULL || len == 0)
        return sl_error_set(err, SL_EIO, "body", "empty answer where SOAP was expected");
    if (len > MELLAT_MAX_ANSWER)
        return sl_error_set(err, SL_ETOOBIG, "body", "SOAP answer of %zu bytes is over the %u cap",
                            len, MELLAT_MAX_ANSWER);
    if (prolog_has_doctype(data, data + len))
        return sl_error_set(err, SL_EIO, "body", "SOAP answer carries a DOCTYPE; refused");
    pthread_once(&g_xml_once, xml_init_once);
    xmlParserCtxtPtr pc = xmlNewParserCtxt();
    if (pc == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    xmlDocPtr doc = xmlCtxtReadMemory(pc, data, (int)len, "mellat.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_NOCDATA);
    if (doc == NULL) {
        xmlErrorPtr e = xmlCtxtGetLastError(pc);
        char msg[160];
        snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "?");
        msg[strcspn(msg, "\n")] = '\0';
        xmlFreeParserCtxt(pc);
        return sl_error_set(err, SL_EIO, "body", "answer is not well-formed XML: %s", msg);
    }
    xmlFreeParserCtxt(pc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    int rc = SL_OK;
    if (root == NULL || doc->intSubset != NULL)
        rc = sl_error_set(err, SL_EIO, "body", "XML answer has no root element");
    else if (!depth_ok(root, 1))
        rc = sl_error_set(err, SL_ETOOBIG, "body", "XML answer nests deeper than %d",
                          MELLAT_MAX_DEPTH);
    mellat_doc *d = rc == SL_OK ? calloc(1, sizeof *d) : NULL;
    if (rc == SL_OK && d == NULL)
        rc = sl_error_set(err, SL_ENOMEM, "", "out of memory");
    if (rc != SL_OK) {
        xmlFreeDoc(doc);
        return rc;
    }
    d->doc = doc;
    *out = d;
    return SL_OK;
}

void mellat_doc_free(mellat_doc *d)
{
    if (d == NULL)
        return;
    xmlFreeDoc(d->doc);
    free(d);
}

/* Whether element n matches one path step: "name", "{uri}name" or
   "{}name" (no namespace). */
static int step_matches(const xmlNode *n, const char *step, size_t len)
{
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    const char *name = step;
    size_t nlen = len;
    if (len > 0 && step[0] == '{') {
        const char *close = memchr(step, '}', len);
        if (close == NULL)
            return 0;
        size_t ulen = (size_t)(close - step - 1);
        const char *uri = n->ns && n->ns->href ? (const char *)n->ns->href : "";
        if (strlen(uri) != ulen || memcmp(uri, step + 1, ulen) != 0)
            return 0;
        name = close + 1;
        nlen = len - (size_t)(name - step);
    }
    const char *local = (const char *)n->name;
    return strlen(local) == nlen && memcmp(local, name, nlen) == 0;
}

/* The element at path from the root (the first step names the root). */
static const xmlNode *find(const mellat_doc *d, const char *path)
{
    const xmlNode *cur = NULL;
    const xmlNode *level = xmlDocGetRootElement(d->doc);
    while (*path) {
        const char *close = path[0] == '{' ? strchr(path, '}') : NULL;
        const char *slash = strchr(close ? close : path, '/'); /* URIs hold '/' */
        size_t len = slash ? (size_t)(slash - path) : strlen(path);
        cur = NULL;
        for (const xmlNode *c = level; c != NULL; c = c->next)
            if (step_matches(c, path, len)) {
                cur = c;
                break;
            }
        if (cur == NULL)
            return NULL;
        level = cur->children;
        path += len;
        if (*path == '/')
            path++;
    }
    return cur;
}

int mellat_xml_has(const mellat_doc *d, const char *path)
{
    return find(d, path) != NULL;
}

int mellat_xml_text(const mellat_doc *d, const char *path, char *buf, size_t cap)
{
    buf[0] = '\0';
    const xmlNode *e = find(d, path);
    if (e == NULL)
        return 0;
    size_t used = 0;
    for (const xmlNode *c = e->children; c != NULL; c = c->next) {
        if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
            continue;
        size_t l = strlen((const char *)c->content);
        if (used + l + 1 > cap) {
            buf[0] = '\0';
            return SL_ETOOBIG;
        }
        memcpy(buf + used, c->content, l);
        used += l;
    }
    buf[used] = '\0';
    size_t a = strspn(buf, " \t\r\n");
    while (used > a && strchr(" \t\r\n", buf[used - 1]) != NULL)
        used--;
    memmove(buf, buf + a, used - a);
    buf[used - a] = '\0';
    return 1;
}
