/*
 * Reading a parsed tree (include/shopledger/xml.h): children and siblings
 * by local name, paths whose steps may name a namespace URI, trimmed text.
 * Nothing here allocates; every node returned is borrowed from its
 * document.
 */
#include <string.h>

#include "shopledger/xml.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether element n matches the path step [step, step+len): "name",
   "{URI}name" or "{}name" (no namespace). */
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

/* The length of the path's first step ('/' inside "{URI}" does not end
   it). */
static size_t step_len(const char *path)
{
    const char *close = path[0] == '{' ? strchr(path, '}') : NULL;
    const char *slash = strchr(close ? close : path, '/');
    return slash ? (size_t)(slash - path) : strlen(path);
}

/* The first node of the list from `first` on matching the step. */
static const xmlNode *first_match(const xmlNode *first, const char *step, size_t len)
{
    for (const xmlNode *c = first; c != NULL; c = c->next)
        if (step_matches(c, step, len))
            return c;
    return NULL;
}

/* Walks path over the sibling list starting at `level`: each step is
   looked for among the children of the one before. */
static const xmlNode *walk(const xmlNode *self, const xmlNode *level, const char *path)
{
    const xmlNode *cur = self;
    while (*path) {
        size_t len = step_len(path);
        if ((cur = first_match(level, path, len)) == NULL)
            return NULL;
        level = cur->children;
        path += len;
        if (*path == '/')
            path++;
    }
    return cur;
}

xmlNodePtr sl_xml_child(const xmlNode *n, const char *name)
{
    if (n == NULL)
        return NULL;
    for (xmlNodePtr c = n->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE &&
            (name == NULL || strcmp((const char *)c->name, name) == 0))
            return c;
    return NULL;
}

xmlNodePtr sl_xml_next(const xmlNode *n)
{
    for (xmlNodePtr c = n ? n->next : NULL; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

xmlNodePtr sl_xml_next_same(const xmlNode *n)
{
    for (xmlNodePtr c = n ? n->next : NULL; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE &&
            strcmp((const char *)c->name, (const char *)n->name) == 0)
            return c;
    return NULL;
}

size_t sl_xml_count(const xmlNode *n, const char *name)
{
    size_t k = 0;
    for (xmlNodePtr c = sl_xml_child(n, name); c != NULL; c = sl_xml_next_same(c))
        k++;
    return k;
}

xmlNodePtr sl_xml_path(const xmlNode *n, const char *path)
{
    return n == NULL ? NULL : (xmlNodePtr)walk(n, n->children, path);
}

xmlNodePtr sl_xml_doc_path(const xmlDoc *doc, const char *path)
{
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    return root == NULL || *path == '\0' ? NULL : (xmlNodePtr)walk(NULL, root, path);
}

size_t sl_xml_text_size(const xmlNode *n)
{
    size_t size = 1;
    for (const xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next)
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            size += strlen((const char *)c->content);
    return size;
}

int sl_xml_text(const xmlNode *n, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (n == NULL)
        return 0;
    size_t used = 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
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
    size_t a = 0;
    while (a < used && is_blank(buf[a]))
        a++;
    while (used > a && is_blank(buf[used - 1]))
        used--;
    memmove(buf, buf + a, used - a);
    buf[used - a] = '\0';
    return 1;
}

int sl_xml_path_text(const xmlNode *n, const char *path, char *buf, size_t cap)
{
    buf[0] = '\0';
    const xmlNode *e = sl_xml_path(n, path);
    return e == NULL ? 0 : sl_xml_text(e, buf, cap);
}

int sl_xml_is_nil(const xmlNode *n)
{
    for (const xmlAttr *a = n ? n->properties : NULL; a != NULL; a = a->next)
        if (strcmp((const char *)a->name, "nil") == 0 && a->children && a->children->content &&
            (strcmp((const char *)a->children->content, "true") == 0 ||
             strcmp((const char *)a->children->content, "1") == 0))
            return 1;
    return 0;
}
