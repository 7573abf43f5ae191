/*
 * Defensive XML reading for SOAP answers (and, in the sandbox, requests)
 * with libxml2's tree API, hardened the way plugins/unas does it: a size
 * cap checked before parsing, any <!DOCTYPE> in the prolog refused before
 * libxml2 sees it (no DTD: no external entities, no expansion bombs), no
 * network, never NOENT/DTDLOAD/HUGE, parser messages kept in the parser
 * context rather than on stderr, and a nesting cap checked on the tree.
 * Element names are compared by local name: SOAP answers use whatever
 * prefixes the server's toolkit picks (SOAP-ENV:, soap:, ns1:).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "aw.h"
#include "shopledger/sdkutil.h"

static pthread_once_t g_xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
    xmlInitParser();
}

void aw_xml_init(void)
{
    pthread_once(&g_xml_once, xml_init_once);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* First occurrence of the NUL-terminated `pat` in [p, end), or NULL. */
static const char *find(const char *p, const char *end, const char *pat)
{
    size_t n = strlen(pat);
    for (; (size_t)(end - p) >= n; p++)
        if (memcmp(p, pat, n) == 0)
            return p;
    return NULL;
}

/* Skips the prolog (declaration, PIs, comments, blanks, a BOM); returns
   1 when a markup declaration <!...> other than a comment comes first. */
static int prolog_has_doctype(const char *p, const char *end)
{
    while (p < end) {
        if (is_blank(*p)) {
            p++;
        } else if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
                   (unsigned char)p[2] == 0xBF) {
            p += 3;
        } else if (end - p >= 2 && p[0] == '<' && p[1] == '?') {
            const char *q = find(p, end, "?>");
            if (q == NULL)
                return 0;
            p = q + 2;
        } else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *q = find(p + 4, end, "-->");
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
    if (depth > AW_MAX_DEPTH)
        return 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !depth_ok(c, depth + 1))
            return 0;
    return 1;
}

int aw_xml_parse(const char *data, size_t len, size_t max_len, xmlDocPtr *out, sl_error *err)
{
    if (data == NULL || len == 0)
        return sl_error_set(err, SL_EIO, "body", "empty answer");
    if (len > max_len || len > (size_t)INT32_MAX)
        return sl_error_set(err, SL_ETOOBIG, "body", "answer of %zu bytes is over the %zu cap", len,
                            max_len);
    if (prolog_has_doctype(data, data + len))
        return sl_error_set(err, SL_EIO, "body", "answer carries a DOCTYPE; refused");
    aw_xml_init();
    xmlParserCtxtPtr pc = xmlNewParserCtxt();
    if (pc == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    xmlDocPtr doc = xmlCtxtReadMemory(pc, data, (int)len, "soap.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_NOCDATA);
    if (doc == NULL) {
        xmlErrorPtr e = xmlCtxtGetLastError(pc);
        char msg[160];
        snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "?");
        msg[strcspn(msg, "\n")] = '\0';
        int line = e ? e->line : 0; /* e lives in pc: read before the free */
        xmlFreeParserCtxt(pc);
        return sl_error_set(err, SL_EIO, "body", "answer is not well-formed XML: %s (line %d)", msg,
                            line);
    }
    xmlFreeParserCtxt(pc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    int rc = SL_OK;
    if (root == NULL || doc->intSubset != NULL)
        rc = sl_error_set(err, SL_EIO, "body", "answer has no root element");
    else if (!depth_ok(root, 1))
        rc = sl_error_set(err, SL_ETOOBIG, "body", "answer nests deeper than %d", AW_MAX_DEPTH);
    if (rc != SL_OK) {
        xmlFreeDoc(doc);
        return rc;
    }
    *out = doc;
    return SL_OK;
}

xmlNodePtr aw_xml_child(const xmlNode *n, const char *name)
{
    if (n == NULL)
        return NULL;
    for (xmlNodePtr c = n->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE &&
            (name == NULL || strcmp((const char *)c->name, name) == 0))
            return c;
    return NULL;
}

xmlNodePtr aw_xml_next(const xmlNode *n)
{
    for (xmlNodePtr c = n ? n->next : NULL; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

int aw_xml_text(const xmlNode *n, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (n == NULL)
        return 0;
    size_t used = 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
            continue;
        size_t l = strlen((const char *)c->content);
        if (used + l + 1 > cap)
            return SL_ETOOBIG;
        memcpy(buf + used, c->content, l);
        used += l;
    }
    size_t a = 0;
    while (a < used && is_blank(buf[a]))
        a++;
    while (used > a && is_blank(buf[used - 1]))
        used--;
    memmove(buf, buf + a, used - a);
    buf[used - a] = '\0';
    return 1;
}

int aw_xml_is_nil(const xmlNode *n)
{
    for (const xmlAttr *a = n ? n->properties : NULL; a != NULL; a = a->next)
        if (strcmp((const char *)a->name, "nil") == 0 && a->children && a->children->content &&
            (strcmp((const char *)a->children->content, "true") == 0 ||
             strcmp((const char *)a->children->content, "1") == 0))
            return 1;
    return 0;
}
