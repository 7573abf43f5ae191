/*
 * The SOAP side of asemanweb_sandbox: request envelopes read with the
 * connector's hardened reader (aw_xml.c: no DTD, size and depth caps),
 * answers written the way PHP's SoapServer writes rpc/encoded ones
 * (SOAP-ENV prefix, ns1:METHODResponse, a <return> typed with xsi:type),
 * faults as SOAP 1.1 <SOAP-ENV:Fault> with faultcode and faultstring.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asb.h"
#include "aw.h"

void asb_out_add(asb_out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->failed || o->len + n + 1 > o->cap) {
        o->failed = 1;
        return;
    }
    memcpy(o->p + o->len, s, n + 1);
    o->len += n;
}

void asb_out_fmt(asb_out *o, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        o->failed = 1;
    else
        asb_out_add(o, tmp);
}

void asb_out_esc(asb_out *o, const char *s)
{
    char one[2] = {0};
    for (; *s; s++) {
        switch (*s) {
        case '&':
            asb_out_add(o, "&amp;");
            break;
        case '<':
            asb_out_add(o, "&lt;");
            break;
        case '>':
            asb_out_add(o, "&gt;");
            break;
        default:
            one[0] = *s;
            asb_out_add(o, one);
        }
    }
}

#define ENV_OPEN                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope "                              \
    "xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" "                                \
    "xmlns:ns1=\"urn:WebServicewsdl\" "                                                            \
    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "                                              \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "                                     \
    "xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" "                                \
    "SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">"                        \
    "<SOAP-ENV:Body>"

void asb_envelope_open(asb_out *o, const char *method)
{
    asb_out_add(o, ENV_OPEN);
    asb_out_fmt(o, "<ns1:%sResponse>", method);
}

void asb_envelope_close(asb_out *o, const char *method)
{
    asb_out_fmt(o, "</ns1:%sResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>\n", method);
}

void asb_fault(asb_out *o, const char *code, const char *text)
{
    asb_out_add(o, ENV_OPEN);
    asb_out_fmt(o,
                "<SOAP-ENV:Fault><faultcode>SOAP-ENV:%s</faultcode>"
                "<faultstring>",
                code);
    asb_out_esc(o, text);
    asb_out_add(o, "</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body>"
                   "</SOAP-ENV:Envelope>\n");
}

int asb_call_parse(const char *body, size_t len, asb_call *c, const char **why)
{
    memset(c, 0, sizeof *c);
    xmlDocPtr doc = NULL;
    sl_error err = {.size = sizeof err};
    static const sl_xml_limits lim = {
        .max_len = ASB_MAX_BODY, .max_depth = AW_MAX_DEPTH, .not_xml = SL_EIO};
    if (sl_xml_parse(body, len, &lim, &doc, &err) != SL_OK) {
        *why = "request is not well-formed XML";
        return -1;
    }
    xmlNodePtr env = xmlDocGetRootElement(doc);
    xmlNodePtr m = sl_xml_child(sl_xml_child(env, "Body"), NULL);
    int rc = 0;
    if (strcmp((const char *)env->name, "Envelope") != 0 || m == NULL ||
        strlen((const char *)m->name) >= sizeof c->method) {
        *why = "request is not a SOAP envelope with a method";
        rc = -1;
    } else {
        snprintf(c->method, sizeof c->method, "%s", (const char *)m->name);
        for (xmlNodePtr a = sl_xml_child(m, NULL); a && rc == 0; a = sl_xml_next(a)) {
            char *v = malloc(ASB_MAX_ANSWER);
            if (c->n == ASB_MAX_PARAMS || v == NULL ||
                strlen((const char *)a->name) >= sizeof c->p[0].name ||
                sl_xml_text(a, v, ASB_MAX_ANSWER) != 1) {
                free(v);
                *why = "too many or too large parameters";
                rc = -1;
                break;
            }
            snprintf(c->p[c->n].name, sizeof c->p[0].name, "%s", (const char *)a->name);
            c->p[c->n++].value = v;
        }
    }
    xmlFreeDoc(doc);
    if (rc != 0)
        asb_call_free(c);
    return rc;
}

void asb_call_free(asb_call *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->p[i].value);
    c->n = 0;
}

const char *asb_param(const asb_call *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->p[i].name, name) == 0)
            return c->p[i].value;
    return NULL;
}
