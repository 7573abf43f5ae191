/*
 * A hardened XML reader for connectors whose remote speaks XML (SOAP
 * gateways and postal services, the UNAS API), in its own static library
 * libsl_xml.a (sdk/xml/): link it and libxml2 (pkg-config libxml-2.0) only
 * in a connector that reads XML, so the others never pull libxml2 in.
 *
 * Remote XML is hostile input. What sl_xml_parse refuses or caps, before
 * and while parsing:
 *  - a body over the caller's max_len (SL_ETOOBIG), unread;
 *  - any <!DOCTYPE ...> (any <!...> but a comment) before the root, before
 *    libxml2 sees the body: no DTD means no external entity (XXE) and no
 *    entity expansion bomb. XML_PARSE_NOENT, XML_PARSE_DTDLOAD and
 *    XML_PARSE_HUGE are never passed, XML_PARSE_NONET always;
 *  - nesting deeper than the caller's max_depth (SL_ETOOBIG), on the tree;
 *  - a root other than the one the caller names, when it names one.
 * Parser messages stay in the parser context, never on stderr. CDATA
 * sections are merged into text (XML_PARSE_NOCDATA).
 *
 * Elements are matched by local name (what follows the prefix) and, in a
 * path step written "{URI}name", by namespace URI too ("{}name": no
 * namespace), never by prefix: SOAP toolkits pick whatever prefixes they
 * like (soap:, S:, SOAP-ENV:, ns2:), and a prefix means nothing alone.
 *
 * Threads: sl_xml_init may be called from any thread, any number of times
 * (sl_xml_parse calls it); a parsed document belongs to the thread that
 * holds it. Every node returned is borrowed from its document and lives
 * until xmlFreeDoc of it.
 */
#ifndef SHOPLEDGER_XML_H
#define SHOPLEDGER_XML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "sdk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What one parse accepts. */
typedef struct sl_xml_limits {
    size_t max_len;   /* bytes; a longer body is SL_ETOOBIG, unread */
    int max_depth;    /* element nesting, the root being depth 1 */
    int not_xml;      /* the code for input that is not usable XML (empty,
                         not well-formed, a DOCTYPE, no root, the wrong root):
                         SL_EIO or SL_EREMOTE, as the connector's contract
                         says of a remote that answers garbage */
    const char *root; /* the root element's local name, or NULL: any */
} sl_xml_limits;

/* Initialises libxml2 once per process (pthread_once). */
void sl_xml_init(void);

/* Parses data[0..len) under lim. On success *out is a document the caller
   frees with xmlFreeDoc; on failure *out is untouched and err (if given)
   says why, naming the field "body": lim->not_xml, SL_ETOOBIG (size,
   depth) or SL_ENOMEM. Messages say "DOCTYPE", "not well-formed XML (line
   N)", "nests deeper than N", "over the N cap" as the case is. */
int sl_xml_parse(const char *data, size_t len, const sl_xml_limits *lim, xmlDocPtr *out,
                 sl_error *err);

/* The first element child of n named name (local name; NULL: any element),
   or NULL (also when n is NULL). */
xmlNodePtr sl_xml_child(const xmlNode *n, const char *name);

/* The next element sibling of n, any name, or NULL (n NULL too). */
xmlNodePtr sl_xml_next(const xmlNode *n);

/* The next element sibling of n with n's local name, or NULL: the walk
   over a list that may hold one item or many ("one child vs list"). */
xmlNodePtr sl_xml_next_same(const xmlNode *n);

/* How many element children of n are named name. */
size_t sl_xml_count(const xmlNode *n, const char *name);

/* The element at path below n: steps separated by '/', each "name",
   "{URI}name" or "{}name" (URIs may hold '/'), each step a child of the
   one before ("" is n itself). NULL when a step is missing. */
xmlNodePtr sl_xml_path(const xmlNode *n, const char *path);

/* As sl_xml_path from the document, the first step naming the root
   ("Envelope/Body/x"); NULL for a document without a root. */
xmlNodePtr sl_xml_doc_path(const xmlDoc *doc, const char *path);

/* The text of n's direct text children, joined and trimmed of blanks
   (space, tab, CR, LF), into buf (cap bytes, NUL-terminated). Returns 1,
   0 when n is NULL (buf ""), or SL_ETOOBIG when it does not fit (buf "").
   Text of nested elements is not included. */
int sl_xml_text(const xmlNode *n, char *buf, size_t cap);

/* sl_xml_text of sl_xml_path(n, path): 1, 0 (no such element) or
   SL_ETOOBIG. */
int sl_xml_path_text(const xmlNode *n, const char *path, char *buf, size_t cap);

/* The buffer size sl_xml_text needs for n (its direct text and the NUL),
   before trimming; 1 for NULL. */
size_t sl_xml_text_size(const xmlNode *n);

/* Whether n carries xsi:nil="true" (or "1"): SOAP's explicit null, which
   is not the same as an empty string. */
int sl_xml_is_nil(const xmlNode *n);

/* ---- writing XML requests (sdk/xml/sl_xml_write.c) ----------------------- */
/* A growable text buffer with a hard maximum, for the small requests a
   connector builds (SOAP envelopes, UNAS <Params>). The first failure is
   kept in `failed` (a status: SL_ETOOBIG past the maximum, SL_EINVALID for
   a character XML 1.0 cannot carry, SL_ENOMEM) and every later append is
   then a no-op, so a builder checks once at the end.

   One rule for text: the five specials & < > " ' are escaped (so a value
   is safe in an element or an attribute), tab, LF and CR pass, and any
   other byte below 0x20 is refused, never dropped: dropping it would send
   something other than what the caller asked for. Bytes from 0x80 pass
   unchecked (the caller's UTF-8). Names and markup given to sl_xml_add
   are the caller's and are not checked. */
typedef struct sl_xml_buf {
    char *p;               /* NUL-terminated once anything was added; NULL before */
    size_t len, cap, max;  /* max counts the NUL */
    int failed;            /* SL_OK, or the first failure's status */
    unsigned char refused; /* the control byte an SL_EINVALID refused */
} sl_xml_buf;

/* An empty buffer that holds at most max - 1 bytes of text. */
void sl_xml_buf_init(sl_xml_buf *b, size_t max);
/* Frees the text; b is then as after init with max 0. */
void sl_xml_buf_free(sl_xml_buf *b);
/* Appends markup as it is (s NUL-terminated, or n bytes). */
void sl_xml_add(sl_xml_buf *b, const char *s);
void sl_xml_addn(sl_xml_buf *b, const char *s, size_t n);
/* Appends s (NULL: nothing) as XML text under the rule above. */
void sl_xml_add_text(sl_xml_buf *b, const char *s);
/* Appends <name>text</name>, the text as sl_xml_add_text. */
void sl_xml_add_elem(sl_xml_buf *b, const char *name, const char *text);
/* After b->failed: fills err naming field and returns b->failed, with
   "WHAT is over N bytes", "WHAT carries control character 0xNN, which
   XML 1.0 cannot carry" or "out of memory building WHAT". SL_OK (err
   untouched) when b has not failed. */
int sl_xml_buf_error(const sl_xml_buf *b, const char *field, const char *what, sl_error *err);

#ifdef __cplusplus
}
#endif

#endif
