/*
 * Defensive XML reading with libxml2's tree API.
 *
 * Why libxml2 (not expat): UNAS answers are small documents we read by
 * path ("Customer/Contact/Name") with the "one child vs list" ambiguity
 * (api/unas.md §8); a tree with sibling walks handles both the same way,
 * and the sandbox reuses the same reader for requests. What we refuse or
 * cap, before and while parsing:
 *  - bodies over a caller-given size (SL_ETOOBIG);
 *  - any <!DOCTYPE ...> in the prolog: no DTD means no external entity
 *    (XXE) and no entity expansion bombs; we never pass XML_PARSE_NOENT,
 *    XML_PARSE_DTDLOAD or XML_PARSE_HUGE, and always XML_PARSE_NONET;
 *  - nesting deeper than UNAS_MAX_DEPTH;
 *  - parser messages go to the parser context, never to stderr.
 * CDATA sections are merged into text (XML_PARSE_NOCDATA).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "shopledger/sdkutil.h"
#include "unas.h"

static pthread_once_t g_xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
    xmlInitParser();
}

void unas_xml_init(void)
{
    pthread_once(&g_xml_once, xml_init_once);
}

/* Skips the prolog (XML declaration, PIs, comments, blanks); returns 1
   when a declaration <!...> other than a comment comes before the root. */
static int prolog_has_doctype(const char *p, const char *end)
{
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            p++;
        } else if (end - p >= 2 && p[0] == '<' && p[1] == '?') {
            const char *q = strstr(p, "?>");
            if (q == NULL || q >= end)
                return 0;
            p = q + 2;
        } else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *q = strstr(p + 4, "-->");
            if (q == NULL || q >= end)
                return 0;
            p = q + 3;
        } else if (end - p >= 2 && p[0] == '<' && p[1] == '!') {
            return 1;
        } else if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
                   (unsigned char)p[2] == 0xBF) {
            p += 3; /* UTF-8 byte order mark */
        } else {
            return 0;
        }
    }
    return 0;
}

static int depth_ok(const xmlNode *n, int depth)
{
    if (depth > UNAS_MAX_DEPTH)
        return 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !depth_ok(c, depth + 1))
            return 0;
    return 1;
}

int unas_xml_parse(const char *data, size_t len, size_t max_len, const char *root, xmlDocPtr *out,
                   sl_error *err)
{
    if (data == NULL || len == 0)
        return sl_error_set(err, SL_EREMOTE, "body", "empty XML answer");
    if (len > max_len || len > (size_t)INT32_MAX)
        return sl_error_set(err, SL_ETOOBIG, "body", "XML answer of %zu bytes is over the %zu cap",
                            len, max_len);
    if (prolog_has_doctype(data, data + len))
        return sl_error_set(err, SL_EREMOTE, "body", "XML answer carries a DOCTYPE; refused");
    unas_xml_init();
    xmlParserCtxtPtr pc = xmlNewParserCtxt();
    if (pc == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    xmlDocPtr doc = xmlCtxtReadMemory(pc, data, (int)len, "unas.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_NOCDATA);
    if (doc == NULL) {
        xmlErrorPtr e = xmlCtxtGetLastError(pc);
        char msg[160];
        snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "?");
        msg[strcspn(msg, "\n")] = '\0';
        int line = e ? e->line : 0; /* e lives in pc: read it before the free */
        xmlFreeParserCtxt(pc);
        return sl_error_set(err, SL_EREMOTE, "body", "answer is not well-formed XML: %s (line %d)",
                            msg, line);
    }
    xmlFreeParserCtxt(pc);
    xmlNodePtr r = xmlDocGetRootElement(doc);
    int rc = SL_OK;
    if (r == NULL || doc->intSubset != NULL)
        rc = sl_error_set(err, SL_EREMOTE, "body", "XML answer has no root");
    else if (!depth_ok(r, 1))
        rc = sl_error_set(err, SL_ETOOBIG, "body", "XML answer nests deeper than %d",
                          UNAS_MAX_DEPTH);
    else if (root != NULL && strcmp((const char *)r->name, root) != 0)
        rc = sl_error_set(err, SL_EREMOTE, "body", "XML answer root is <%.40s>, expected <%s>",
                          (const char *)r->name, root);
    if (rc != SL_OK) {
        xmlFreeDoc(doc);
        return rc;
    }
    *out = doc;
    return SL_OK;
}

xmlNodePtr unas_child(const xmlNode *n, const char *name)
{
    if (n == NULL)
        return NULL;
    for (xmlNodePtr c = n->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

xmlNodePtr unas_next(const xmlNode *n)
{
    for (xmlNodePtr c = n->next; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE &&
            strcmp((const char *)c->name, (const char *)n->name) == 0)
            return c;
    return NULL;
}

xmlNodePtr unas_path(const xmlNode *n, const char *path)
{
    char part[64];
    const xmlNode *cur = n;
    while (cur != NULL && *path) {
        size_t k = strcspn(path, "/");
        if (k == 0 || k >= sizeof part)
            return NULL;
        memcpy(part, path, k);
        part[k] = '\0';
        cur = unas_child(cur, part);
        path += k;
        if (*path == '/')
            path++;
    }
    return (xmlNodePtr)cur;
}

size_t unas_count(const xmlNode *n, const char *name)
{
    size_t k = 0;
    for (xmlNodePtr c = unas_child(n, name); c != NULL; c = unas_next(c))
        k++;
    return k;
}

/* Concatenated text of n's direct text children, trimmed, into buf. */
static int node_text(const xmlNode *n, char *buf, size_t cap)
{
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
    buf[used] = '\0';
    size_t a = 0;
    while (a < used && (buf[a] == ' ' || buf[a] == '\n' || buf[a] == '\r' || buf[a] == '\t'))
        a++;
    while (used > a && (buf[used - 1] == ' ' || buf[used - 1] == '\n' || buf[used - 1] == '\r' ||
                        buf[used - 1] == '\t'))
        used--;
    memmove(buf, buf + a, used - a);
    buf[used - a] = '\0';
    return 1;
}

int unas_text(const xmlNode *n, const char *path, char *buf, size_t cap)
{
    buf[0] = '\0';
    const xmlNode *e = unas_path(n, path);
    if (e == NULL)
        return 0;
    return node_text(e, buf, cap);
}

const char *unas_text_dup(const sl_host *h, sl_ctx *ctx, const xmlNode *n, const char *path)
{
    const xmlNode *e = unas_path(n, path);
    if (e == NULL)
        return NULL;
    size_t cap = 1;
    for (const xmlNode *c = e->children; c != NULL; c = c->next)
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            cap += strlen((const char *)c->content);
    if (cap > (64u << 10))
        return NULL;
    char *buf = h->alloc(ctx, cap);
    if (buf == NULL || node_text(e, buf, cap) != 1)
        return NULL;
    return buf;
}
