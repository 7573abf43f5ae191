/*
 * SOAP 1.1 as Mellat's gateway speaks it (shared/api/mellat.md §3, §6,
 * §11.5): a document/literal envelope whose operation element carries the
 * service namespace under a prefix while its children carry none (the
 * schema is elementFormDefault="unqualified"; a prefixed child gets a
 * fault, not a ResCode), POSTed as text/xml with a SOAPAction header; the
 * answer is {op}Response with one unqualified <return> string, or a
 * soap:Fault with a faultstring. Requests are small, so they are built in
 * one bounded buffer; a value can never break out of its element because
 * the five XML specials are escaped and control characters refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mellat.h"
#include "shopledger/sdkutil.h"
#include "shopledger/xml.h"

int mellat_soap_build(const char *op, const mellat_arg *args, size_t nargs, char **out, size_t *len,
                      sl_error *err)
{
    sl_xml_buf b;
    sl_xml_buf_init(&b, MELLAT_MAX_REQUEST);
    sl_xml_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                   "<soapenv:Envelope xmlns:soapenv=\"" MELLAT_SOAP_NS "\" "
                   "xmlns:int=\"" MELLAT_NS "\"><soapenv:Header/><soapenv:Body><int:");
    sl_xml_add(&b, op);
    sl_xml_add(&b, ">");
    for (size_t i = 0; i < nargs; i++)
        sl_xml_add_elem(&b, args[i].name, args[i].value);
    sl_xml_add(&b, "</int:");
    sl_xml_add(&b, op);
    sl_xml_add(&b, "></soapenv:Body></soapenv:Envelope>");
    if (b.failed) {
        char what[96];
        snprintf(what, sizeof what, "the %s envelope", op);
        int rc = sl_xml_buf_error(&b, "request", what, err);
        sl_xml_buf_free(&b);
        return rc;
    }
    *out = b.p;
    *len = b.len;
    return SL_OK;
}

/* What a Mellat answer may be: one short string (64 KiB leaves room for a
   verbose fault); garbage is SL_EIO (the outcome of the call is unknown). */
static const sl_xml_limits ANSWER = {
    .max_len = MELLAT_MAX_ANSWER, .max_depth = MELLAT_MAX_DEPTH, .not_xml = SL_EIO};

#define SOAP_BODY "{" MELLAT_SOAP_NS "}Envelope/{" MELLAT_SOAP_NS "}Body/"

/* The <return> of op's answer in doc, or the SOAP fault, as the contract
   of mellat_soap_answer says. */
static int read_return(const char *op, xmlDocPtr doc, char ret[MELLAT_RETURN_MAX], sl_error *err)
{
    char path[384], fault[MELLAT_RETURN_MAX];
    snprintf(path, sizeof path, SOAP_BODY "{%s}%sResponse/{}return", MELLAT_NS, op);
    int found = sl_xml_text(sl_xml_doc_path(doc, path), ret, MELLAT_RETURN_MAX);
    if (found == 1)
        return SL_OK;
    xmlNodePtr f = sl_xml_doc_path(doc, SOAP_BODY "{" MELLAT_SOAP_NS "}Fault");
    if (f != NULL) {
        if (sl_xml_path_text(f, "faultstring", fault, 200) != 1)
            snprintf(fault, sizeof fault, "no faultstring");
        return sl_error_set(err, SL_ERETRY, "soap", "%s answered a SOAP fault: %s", op, fault);
    }
    if (found == SL_ETOOBIG)
        return sl_error_set(err, SL_EIO, "return", "%s answer's <return> is over %d bytes", op,
                            MELLAT_RETURN_MAX - 1);
    return sl_error_set(err, SL_EIO, "body", "%s answer has no %sResponse/return", op, op);
}

int mellat_soap_answer(const char *op, const char *data, size_t len, char ret[MELLAT_RETURN_MAX],
                       sl_error *err)
{
    xmlDocPtr doc = NULL;
    int rc = sl_xml_parse(data, len, &ANSWER, &doc, err);
    if (rc == SL_ETOOBIG && err != NULL && err->size >= sizeof *err)
        err->code = SL_EIO; /* an answer too big to read: outcome unknown */
    if (rc != SL_OK)
        return rc == SL_ETOOBIG ? SL_EIO : rc;
    rc = read_return(op, doc, ret, err);
    xmlFreeDoc(doc);
    return rc;
}

int mellat_split_return(const char *ret, int *code, char *refid, size_t cap, sl_error *err)
{
    const char *p = ret + strspn(ret, " ");
    int value = 0, digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 6) {
        value = value * 10 + (*p++ - '0');
        digits++;
    }
    p += strspn(p, " ");
    if (digits == 0 || (*p != '\0' && *p != ','))
        return sl_error_set(err, SL_EIO, "return",
                            "result \"%.40s\" is not a ResCode[,RefId] string", ret);
    size_t used = 0;
    if (*p == ',') {
        p++;
        p += strspn(p, " ");
        for (; *p && *p != ' '; p++) {
            int ok =
                (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
            if (!ok || used + 1 >= cap)
                return sl_error_set(err, SL_EIO, "return",
                                    "RefId in \"%.40s\" is not letters and digits (at most "
                                    "%zu)",
                                    ret, cap - 1);
            refid[used++] = *p;
        }
        if (p[strspn(p, " ")] != '\0')
            return sl_error_set(err, SL_EIO, "return", "result \"%.40s\" has text after its RefId",
                                ret);
    }
    refid[used] = '\0';
    *code = value;
    return SL_OK;
}

/* A bank's fault text may echo what it was sent ("For input string: ...");
   the password must never reach the host's records through it. */
static void mask_secret(char *text, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    char *hit;
    while (n > 0 && (hit = strstr(text, secret)) != NULL) {
        memset(hit, '*', n < 3 ? n : 3);
        memmove(hit + (n < 3 ? n : 3), hit + n, strlen(hit + n) + 1);
    }
}

int mellat_soap_call(mellat_chan *ch, sl_ctx *ctx, const char *op, const mellat_arg *args,
                     size_t nargs, char ret[MELLAT_RETURN_MAX], sl_error *err)
{
    const sl_host *h = ch->host;
    char *body = NULL;
    size_t blen = 0;
    int rc = mellat_soap_build(op, args, nargs, &body, &blen, err);
    if (rc != SL_OK)
        return rc;
    sl_http_req *req = h->http_new(ctx, "POST", ch->url);
    char action[96];
    /* The WSDL's soapAction is empty and the server dispatches on the body;
       a quoted operation name is what the published clients send. */
    snprintf(action, sizeof action, "\"%s\"", op);
    if (req == NULL || h->http_header(req, "SOAPAction", action) != SL_OK ||
        h->http_body(req, body, blen, "text/xml; charset=utf-8") != SL_OK) {
        free(body);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory building %s", op);
    }
    free(body); /* the host copied it */
    sl_http_resp *resp = NULL;
    rc = h->http_send(req, &resp, err);
    if (rc != SL_OK)
        return rc;
    size_t len = 0;
    const char *data = h->http_resp_body(resp, &len);
    int status = h->http_status(resp);
    rc = mellat_soap_answer(op, data, len, ret, err);
    if (rc != SL_OK && err != NULL && err->size >= sizeof *err) {
        err->http_status = status;
        mask_secret(err->message, ch->password);
    }
    if (rc == SL_OK && status != 200) /* a <return> under an error status: not trusted */
        return sl_error_set(err, SL_EIO, "http", "%s answered HTTP %d with a result", op, status);
    return rc;
}
