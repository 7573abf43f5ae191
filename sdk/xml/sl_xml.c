/*
 * The hardened XML reader of include/shopledger/xml.h, over libxml2's tree
 * API. libxml2 was chosen over a streaming parser because the remotes we
 * read send small documents read by path, with the "one child vs a list"
 * ambiguity (UNAS), SOAP envelopes whose prefixes vary (Mellat, Aseman
 * Web): a tree with sibling walks reads both the same way.
 *
 * The DOCTYPE check runs on the raw bytes before libxml2 does: with no DTD
 * in the document there is nothing to expand or fetch, whatever the
 * library's defaults are. The depth check runs on the tree (libxml2's own
 * limit is 256, or far more with XML_PARSE_HUGE, which we never pass).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "shopledger/sdkutil.h"
#include "shopledger/xml.h"

static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void init_once(void)
{
    xmlInitParser();
}

void sl_xml_init(void)
{
    pthread_once(&g_once, init_once);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The first pat (NUL-terminated) in [p, end), or NULL. */
static const char *find_bytes(const char *p, const char *end, const char *pat)
{
    size_t n = strlen(pat);
    for (; (size_t)(end - p) >= n; p++)
        if (memcmp(p, pat, n) == 0)
            return p;
    return NULL;
}

/* Skips the prolog (declaration, PIs, comments, blanks, a UTF-8 BOM);
   returns 1 when a markup declaration <!...> other than a comment comes
   before the root. An unterminated PI or comment is left to the parser,
   which refuses it. */
static int prolog_has_doctype(const char *p, const char *end)
{
    while (p < end) {
        if (is_blank(*p)) {
            p++;
        } else if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
                   (unsigned char)p[2] == 0xBF) {
            p += 3;
        } else if (end - p >= 2 && p[0] == '<' && p[1] == '?') {
            const char *q = find_bytes(p, end, "?>");
            if (q == NULL)
                return 0;
            p = q + 2;
        } else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *q = find_bytes(p + 4, end, "-->");
            if (q == NULL)
                return 0;
            p = q + 3;
        } else {
            return end - p >= 2 && p[0] == '<' && p[1] == '!';
        }
    }
    return 0;
}

static int depth_ok(const xmlNode *n, int depth, int max)
{
    if (depth > max)
        return 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !depth_ok(c, depth + 1, max))
            return 0;
    return 1;
}

/* libxml2's tree of data into *out: SL_OK, or the error. */
static int read_tree(const char *data, size_t len, int not_xml, xmlDocPtr *out, sl_error *err)
{
    xmlParserCtxtPtr pc = xmlNewParserCtxt();
    if (pc == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    int rc = SL_OK;
    xmlDocPtr doc = xmlCtxtReadMemory(pc, data, (int)len, "remote.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_NOCDATA);
    if (doc == NULL) {
        xmlErrorPtr e = xmlCtxtGetLastError(pc);
        char msg[160];
        snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "?");
        msg[strcspn(msg, "\n")] = '\0';
        int line = e ? e->line : 0; /* e lives in pc: read it before the free */
        rc = sl_error_set(err, not_xml, "body", "answer is not well-formed XML: %s (line %d)", msg,
                          line);
    }
    xmlFreeParserCtxt(pc);
    *out = doc;
    return rc;
}

/* What the tree breaks of lim: SL_OK or the error. */
static int check_tree(const xmlDoc *doc, const sl_xml_limits *lim, sl_error *err)
{
    const xmlNode *r = xmlDocGetRootElement(doc);
    if (r == NULL || doc->intSubset != NULL)
        return sl_error_set(err, lim->not_xml, "body", "XML answer has no root element");
    if (!depth_ok(r, 1, lim->max_depth))
        return sl_error_set(err, SL_ETOOBIG, "body", "XML answer nests deeper than %d",
                            lim->max_depth);
    if (lim->root != NULL && strcmp((const char *)r->name, lim->root) != 0)
        return sl_error_set(err, lim->not_xml, "body", "XML answer root is <%.40s>, expected <%s>",
                            (const char *)r->name, lim->root);
    return SL_OK;
}

int sl_xml_parse(const char *data, size_t len, const sl_xml_limits *lim, xmlDocPtr *out,
                 sl_error *err)
{
    if (data == NULL || len == 0)
        return sl_error_set(err, lim->not_xml, "body", "empty answer where XML was expected");
    if (len > lim->max_len || len > (size_t)INT32_MAX)
        return sl_error_set(err, SL_ETOOBIG, "body", "XML answer of %zu bytes is over the %zu cap",
                            len, lim->max_len);
    if (prolog_has_doctype(data, data + len))
        return sl_error_set(err, lim->not_xml, "body", "XML answer carries a DOCTYPE; refused");
    sl_xml_init();
    xmlDocPtr doc = NULL;
    int rc = read_tree(data, len, lim->not_xml, &doc, err);
    if (rc != SL_OK)
        return rc;
    rc = check_tree(doc, lim, err);
    if (rc != SL_OK) {
        xmlFreeDoc(doc);
        return rc;
    }
    *out = doc;
    return SL_OK;
}
