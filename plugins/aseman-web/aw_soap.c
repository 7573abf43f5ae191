/*
 * SOAP v1 as Aseman Web speaks it: rpc style, UTF-8, HTTP Basic on every
 * request (doc §1). A request is an Envelope whose Body holds one element
 * named after the method with one child per parameter, typed xsd:int or
 * xsd:string. An answer's Body holds <METHODResponse> with the result
 * (<return> in PHP SoapServer and nusoap); a struct result has one child
 * per field. Service errors are negative numbers inside those results
 * (aw_codes.c); a <Fault> only reports transport trouble, so it is
 * SL_ERETRY, and an answer we cannot read at all is SL_EIO: for a
 * RegisterOrder both mean "the outcome is unknown" to the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aw.h"
#include "aw_assumed.h"
#include "shopledger/sdkutil.h"

int aw_soap_envelope(const char *method, const aw_param *params, size_t n, char **out,
                     sl_error *err)
{
    sl_xml_buf b;
    sl_xml_buf_init(&b, AW_MAX_REQUEST);
    sl_xml_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<SOAP-ENV:Envelope"
                   " xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\""
                   " xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\""
                   " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
                   " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                   " xmlns:ns1=\"" AW_SOAP_NS "\""
                   " SOAP-ENV:encodingStyle="
                   "\"http://schemas.xmlsoap.org/soap/encoding/\">"
                   "<SOAP-ENV:Body><ns1:");
    sl_xml_add(&b, method);
    sl_xml_add(&b, ">");
    for (size_t i = 0; i < n; i++) {
        sl_xml_add(&b, "<");
        sl_xml_add(&b, params[i].name);
        sl_xml_add(&b, params[i].is_int ? " xsi:type=\"xsd:int\">" : " xsi:type=\"xsd:string\">");
        sl_xml_add_text(&b, params[i].value);
        sl_xml_add(&b, "</");
        sl_xml_add(&b, params[i].name);
        sl_xml_add(&b, ">");
    }
    sl_xml_add(&b, "</ns1:");
    sl_xml_add(&b, method);
    sl_xml_add(&b, "></SOAP-ENV:Body></SOAP-ENV:Envelope>");
    if (b.failed) {
        char what[96];
        snprintf(what, sizeof what, "the %s request", method);
        int rc = sl_xml_buf_error(&b, "", what, err);
        sl_xml_buf_free(&b);
        return rc;
    }
    *out = b.p;
    return SL_OK;
}

/* A <Fault>: SL_ERETRY with its faultstring (SOAP 1.1) or Reason/Text. */
static int fault(const xmlNode *f, const char *method, sl_error *err)
{
    char text[200] = "";
    const xmlNode *s = sl_xml_child(f, "faultstring");
    if (s == NULL)
        s = sl_xml_child(sl_xml_child(f, "Reason"), "Text");
    if (sl_xml_text(s, text, sizeof text) != 1 || text[0] == '\0')
        snprintf(text, sizeof text, "(no faultstring)");
    int rc = sl_error_set(err, SL_ERETRY, "", "%s: SOAP fault: %s", method, text);
    if (err != NULL && err->size >= sizeof *err)
        err->retry_after_ms = AW_RETRY_FAULT_MS;
    return rc;
}

int aw_soap_parse(const char *body, size_t len, const char *method, aw_answer *a, sl_error *err)
{
    static const sl_xml_limits lim = {
        .max_len = AW_MAX_ANSWER, .max_depth = AW_MAX_DEPTH, .not_xml = SL_EIO};
    xmlDocPtr doc = NULL;
    int rc = sl_xml_parse(body, len, &lim, &doc, err);
    if (rc != SL_OK)
        return rc == SL_ETOOBIG ? SL_EIO : rc;
    xmlNodePtr env = xmlDocGetRootElement(doc);
    xmlNodePtr resp = sl_xml_child(sl_xml_child(env, "Body"), NULL);
    char want[96];
    snprintf(want, sizeof want, "%sResponse", method);
    if (strcmp((const char *)env->name, "Envelope") != 0 || resp == NULL)
        rc = sl_error_set(err, SL_EIO, "body", "%s: answer is not a SOAP envelope with a body",
                          method);
    else if (strcmp((const char *)resp->name, "Fault") == 0)
        rc = fault(resp, method, err);
    else if (strcmp((const char *)resp->name, want) != 0)
        rc = sl_error_set(err, SL_EIO, "body", "%s: answer holds <%.40s>, expected <%s>", method,
                          (const char *)resp->name, want);
    if (rc != SL_OK) {
        xmlFreeDoc(doc);
        return rc;
    }
    xmlNodePtr result = sl_xml_child(resp, "return");
    a->doc = doc;
    a->result = result != NULL ? result : sl_xml_child(resp, NULL);
    if (a->result == NULL) { /* an empty response: no result at all */
        xmlFreeDoc(doc);
        a->doc = NULL;
        return sl_error_set(err, SL_EIO, "body", "%s: answer has no result", method);
    }
    return SL_OK;
}

void aw_answer_free(aw_answer *a)
{
    if (a->doc != NULL)
        xmlFreeDoc(a->doc);
    a->doc = NULL;
    a->result = NULL;
}

int aw_answer_field(const aw_answer *a, const char *name, char *buf, size_t cap)
{
    buf[0] = '\0';
    const xmlNode *n = a->result;
    if (name != NULL) {
        n = sl_xml_child(a->result, name);
        /* a toolkit without the <return> wrapper puts the fields straight
           into the response: they are then the result's siblings */
        if (n == NULL && a->result->parent != NULL)
            n = sl_xml_child(a->result->parent, name);
        if (n == NULL)
            return 0;
    }
    if (sl_xml_is_nil(n))
        return 1;
    return sl_xml_text(n, buf, cap);
}

/* Maps an HTTP status with no SOAP answer in its body. */
static int http_failure(const char *method, int status, sl_error *err)
{
    int code = SL_EIO;
    if (status == 401 || status == 403)
        code = SL_EAUTH;
    else if (status == 429 || status >= 500)
        code = SL_ERETRY;
    sl_error_set(err, code, "", "%s: HTTP %d without a SOAP answer", method, status);
    if (err != NULL && err->size >= sizeof *err) {
        err->http_status = status;
        if (code == SL_ERETRY)
            err->retry_after_ms = AW_RETRY_FAULT_MS;
    }
    return code;
}

int aw_call(aw_chan *ch, sl_ctx *ctx, const char *method, const aw_param *params, size_t n,
            aw_answer *a, sl_error *err)
{
    const sl_host *h = ch->host;
    char *env = NULL;
    int rc = aw_soap_envelope(method, params, n, &env, err);
    if (rc != SL_OK)
        return rc;
    char action[128];
    snprintf(action, sizeof action, "\"" AW_SOAP_ACTION_FMT "\"", method);
    sl_http_req *req = h->http_new(ctx, "POST", ch->url);
    if (req == NULL || h->http_basic_auth(req, ch->username, ch->password) != SL_OK ||
        h->http_header(req, "SOAPAction", action) != SL_OK ||
        h->http_body(req, env, strlen(env), "text/xml; charset=utf-8") != SL_OK) {
        free(env);
        return sl_error_set(err, SL_EINTERNAL, "", "%s: cannot build the request", method);
    }
    free(env); /* http_body copied it */
    sl_http_resp *resp = NULL;
    rc = h->http_send(req, &resp, err);
    if (resp == NULL)
        return rc != SL_OK ? rc : sl_error_set(err, SL_EIO, "", "%s: no response", method);
    a->answered = 1;
    int status = h->http_status(resp);
    size_t len = 0;
    const char *body = h->http_resp_body(resp, &len);
    rc = aw_soap_parse(body, len, method, a, err);
    if (status >= 200 && status < 300)
        return rc;
    /* a fault comes with HTTP 500: keep the fault's own message */
    if (rc == SL_ERETRY) {
        if (err != NULL && err->size >= sizeof *err)
            err->http_status = status;
        return rc;
    }
    if (rc == SL_OK)
        aw_answer_free(a);
    return http_failure(method, status, err);
}
