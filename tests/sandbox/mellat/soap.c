/*
 * The SOAP endpoint of mellat_sandbox. A request is a SOAP 1.1 envelope
 * whose Body holds one operation element in the service namespace with
 * unqualified children, as the WSDL's schema says. What a JAX-WS server
 * built from that WSDL does is what we do:
 *   - a child carrying a namespace, a missing envelope, an unknown
 *     operation: a soap:Fault (HTTP 500), no ResCode;
 *   - a long argument that is not a number: the fault "Unmarshalling
 *     Error: For input string: ..." (mellat.md §11.6);
 *   - otherwise a {op}Response with one <return> string.
 * The operations' rules live in sales.c's state; this file reads the
 * request, checks the terminal and applies each operation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "msb.h"

#define NS "http://interfaces.core.sw.bps.com/"
#define SOAP_NS "http://schemas.xmlsoap.org/soap/envelope/"

static char *fault(const char *text)
{
    char *out = malloc(1024 + strlen(text));
    if (out != NULL)
        snprintf(out, 1024 + strlen(text),
                 "<soap:Envelope xmlns:soap=\"" SOAP_NS "\"><soap:Body><soap:Fault>"
                 "<faultcode>soap:Client</faultcode><faultstring>%s</faultstring>"
                 "</soap:Fault></soap:Body></soap:Envelope>",
                 text);
    return out;
}

static char *answer(const char *op, const char *ret)
{
    size_t n = 512 + 2 * strlen(op) + strlen(ret);
    char *out = malloc(n);
    if (out != NULL)
        snprintf(out, n,
                 "<soap:Envelope xmlns:soap=\"" SOAP_NS "\"><soap:Body>"
                 "<ns2:%sResponse xmlns:ns2=\"" NS "\"><return>%s</return>"
                 "</ns2:%sResponse></soap:Body></soap:Envelope>",
                 op, ret, op);
    return out;
}

static const xmlNode *first_element(const xmlNode *n)
{
    for (; n != NULL; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            return n;
    return NULL;
}

static int is(const xmlNode *n, const char *ns, const char *name)
{
    return n != NULL && strcmp((const char *)n->name, name) == 0 && n->ns != NULL &&
           strcmp((const char *)n->ns->href, ns) == 0;
}

/* The arguments of the operation element as a JSON object; a qualified
   child is refused (fault text in *why). */
static json_t *read_args(const xmlNode *op, const char **why)
{
    json_t *args = json_object();
    for (const xmlNode *c = first_element(op->children); c; c = first_element(c->next)) {
        if (c->ns != NULL) {
            *why = "qualified";
            json_object_set_new(args, "__bad", json_string((const char *)c->name));
            return args;
        }
        xmlChar *t = xmlNodeGetContent(c);
        json_object_set_new(args, (const char *)c->name, json_string(t ? (char *)t : ""));
        xmlFree(t);
    }
    return args;
}

/* A long argument: digits (JAX-WS trims spaces). 0 when not a number. */
static int long_arg(const json_t *args, const char *name, long long *out, char *why, size_t cap)
{
    const char *v = json_string_value(json_object_get(args, name));
    char *end = NULL;
    long long n = v ? strtoll(v, &end, 10) : 0;
    if (v == NULL || end == v || *end != '\0') {
        snprintf(why, cap, "Unmarshalling Error: For input string: \"%.60s\" ", v ? v : "");
        return 0;
    }
    *out = n;
    return 1;
}

static const char *text_arg(const json_t *args, const char *name)
{
    const char *v = json_string_value(json_object_get(args, name));
    return v ? v : "";
}

static void new_refid(char out[17])
{
    static const char HEX[] = "0123456789ABCDEF";
    unsigned char r[8];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(r, 1, sizeof r, f) : 0;
    if (f)
        fclose(f);
    for (size_t i = 0; i < 8; i++) {
        unsigned v = i < got ? r[i] : (unsigned)(rand() & 0xff);
        out[2 * i] = HEX[v >> 4];
        out[2 * i + 1] = HEX[v & 15];
    }
    out[16] = '\0';
}

static int date_ok(const char *d, const char *t)
{
    return strlen(d) == 8 && strspn(d, "0123456789") == 8 && strlen(t) == 6 &&
           strspn(t, "0123456789") == 6;
}

static const char *pay(msb *s, const json_t *args, char *ret, size_t cap)
{
    long long order = 0, amount = 0, payer = 0;
    static char why[160];
    if (!long_arg(args, "orderId", &order, why, sizeof why) ||
        !long_arg(args, "amount", &amount, why, sizeof why) ||
        !long_arg(args, "payerId", &payer, why, sizeof why))
        return why;
    char key[32];
    snprintf(key, sizeof key, "%lld", order);
    if (json_object_get(s->order_ids, key) != NULL)
        snprintf(ret, cap, "41");
    else if (amount <= 0)
        snprintf(ret, cap, "25");
    else if (!date_ok(text_arg(args, "localDate"), text_arg(args, "localTime")))
        snprintf(ret, cap, "35");
    else if (strncmp(text_arg(args, "callBackUrl"), "http", 4) != 0)
        snprintf(ret, cap, "62");
    else if (strlen(text_arg(args, "additionalData")) > 1000)
        snprintf(ret, cap, "32");
    else {
        char refid[17];
        new_refid(refid);
        json_object_set_new(s->sales, refid,
                            json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:I, s:s}", "order_id", key,
                                      "amount", (json_int_t)amount, "paid_amount",
                                      (json_int_t)amount, "callback", text_arg(args, "callBackUrl"),
                                      "additional_data", text_arg(args, "additionalData"), "local",
                                      text_arg(args, "localDate"), "created",
                                      (json_int_t)msb_now(s), "status", "created"));
        json_object_set_new(s->order_ids, key, json_string(refid));
        snprintf(ret, cap, "0,%s", refid);
    }
    return NULL;
}

/* The sale of saleOrderId, or NULL; once paid, saleReferenceId must be
   its reference too (a sale never paid has none to compare). */
static json_t *find_sale(msb *s, long long sale_order, long long sale_ref)
{
    char key[32];
    snprintf(key, sizeof key, "%lld", sale_order);
    const char *refid = json_string_value(json_object_get(s->order_ids, key));
    json_t *sale = refid ? json_object_get(s->sales, refid) : NULL;
    const char *ref = json_string_value(json_object_get(sale, "sale_reference"));
    char want[32];
    snprintf(want, sizeof want, "%lld", sale_ref);
    return sale && (ref == NULL || strcmp(ref, want) == 0) ? sale : NULL;
}

static void set_status(msb *s, json_t *sale, const char *status, const char *when)
{
    json_object_set_new(sale, "status", json_string(status));
    json_object_set_new(sale, when, json_integer(msb_now(s)));
}

/* verify / settle / inquiry / reversal: the ResCode. */
static int sale_op(msb *s, const char *op, json_t *sale)
{
    const char *st = sale ? json_string_value(json_object_get(sale, "status")) : "none";
    int paid = strcmp(st, "paid") == 0, verified = strcmp(st, "verified") == 0,
        settled = strcmp(st, "settled") == 0, reversed = strcmp(st, "reversed") == 0;
    if (strcmp(op, "bpVerifyRequest") == 0) {
        if (paid)
            return set_status(s, sale, "verified", "verified_at"), 0;
        return verified || settled ? 43 : reversed ? 48 : 42;
    }
    if (strcmp(op, "bpSettleRequest") == 0) {
        if (verified)
            return set_status(s, sale, "settled", "settled_at"), 0;
        return settled ? 45 : reversed ? 48 : paid ? 44 : 42;
    }
    if (strcmp(op, "bpInquiryRequest") == 0) {
        if (verified || settled)
            return 0;
        return reversed ? 48 : paid ? 44 : strcmp(st, "cancelled") == 0 ? 17 : 42;
    }
    /* bpReversalRequest: before settle, within the window after verify */
    if (paid)
        return set_status(s, sale, "reversed", "reversed_at"), 0;
    if (verified) {
        int64_t at = json_integer_value(json_object_get(sale, "verified_at"));
        if (msb_now(s) - at > s->reversal_window_s)
            return 55;
        return set_status(s, sale, "reversed", "reversed_at"), 0;
    }
    return reversed ? 48 : settled ? 45 : 42;
}

/* Applies operation `op` with `args` (locked). NULL and ret, or a fault. */
static const char *apply(msb *s, const char *op, const json_t *args, char *ret, size_t cap)
{
    if (strcmp(text_arg(args, "userName"), s->username) != 0 ||
        strcmp(text_arg(args, "userPassword"), s->password) != 0) {
        long long t = 0;
        static char why[160];
        if (!long_arg(args, "terminalId", &t, why, sizeof why))
            return why;
        snprintf(ret, cap, "24");
        return NULL;
    }
    long long term = 0;
    static char why[160];
    if (!long_arg(args, "terminalId", &term, why, sizeof why))
        return why;
    char tk[32];
    snprintf(tk, sizeof tk, "%lld", term);
    if (strcmp(tk, s->terminal) != 0) {
        snprintf(ret, cap, "21");
        return NULL;
    }
    if (strcmp(op, "bpPayRequest") == 0)
        return pay(s, args, ret, cap);
    long long order = 0, sale_order = 0, sale_ref = 0;
    if (!long_arg(args, "orderId", &order, why, sizeof why) ||
        !long_arg(args, "saleOrderId", &sale_order, why, sizeof why) ||
        !long_arg(args, "saleReferenceId", &sale_ref, why, sizeof why))
        return why;
    snprintf(ret, cap, "%d", sale_op(s, op, find_sale(s, sale_order, sale_ref)));
    return NULL;
}

static int known_op(const char *op)
{
    static const char *const OPS[] = {"bpPayRequest", "bpVerifyRequest", "bpSettleRequest",
                                      "bpInquiryRequest", "bpReversalRequest"};
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
        if (strcmp(op, OPS[i]) == 0)
            return 1;
    return 0;
}

/* The fault knob of `op`, consumed: its mode, or NULL. A knob whose mode
   is reused-drop waits (is not consumed) for a request that came on a
   kept-alive connection (`reused`). */
static const char *take_fault(msb *s, const char *op, int reused, int *code, int64_t *delay_ms)
{
    const char *key = json_object_get(s->faults, op) ? op : "*";
    json_t *f = json_object_get(s->faults, key);
    if (f == NULL)
        return NULL;
    static char mode[32];
    snprintf(mode, sizeof mode, "%s", json_string_value(json_object_get(f, "mode")));
    if (strcmp(mode, "reused-drop") == 0 && !reused)
        return NULL;
    json_int_t left = json_integer_value(json_object_get(f, "count"));
    *code = (int)json_integer_value(json_object_get(f, "code"));
    *delay_ms = json_integer_value(json_object_get(f, "delay_ms"));
    if (left <= 1)
        json_object_del(s->faults, key);
    else
        json_object_set_new(f, "count", json_integer(left - 1));
    return mode;
}

static void count(json_t *calls, const char *name)
{
    json_object_set_new(calls, name,
                        json_integer(json_integer_value(json_object_get(calls, name)) + 1));
}

/* test infrastructure: hold a request or its answer for `delay` ms */
static void hold(int64_t delay)
{
    struct timespec ts = {(time_t)(delay / 1000), (long)(delay % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

void msb_soap(msb *s, const char *body, size_t len, int reused, int *status, char **out, int *drop)
{
    *drop = 0;
    *status = 500;
    xmlDocPtr doc = len > 0 && len < MSB_MAX_BODY && strstr(body, "<!DOCTYPE") == NULL
                        ? xmlReadMemory(body, (int)len, "req.xml", NULL,
                                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                        : NULL;
    const xmlNode *env = doc ? xmlDocGetRootElement(doc) : NULL;
    const xmlNode *bodyn = is(env, SOAP_NS, "Envelope") ? first_element(env->children) : NULL;
    if (is(bodyn, SOAP_NS, "Header"))
        bodyn = first_element(bodyn->next);
    const xmlNode *op = is(bodyn, SOAP_NS, "Body") ? first_element(bodyn->children) : NULL;
    if (op == NULL || op->ns == NULL || strcmp((const char *)op->ns->href, NS) != 0 ||
        !known_op((const char *)op->name)) {
        *out = fault(op ? "Cannot find dispatch method" : "Couldn't create SOAP message");
        xmlFreeDoc(doc);
        return;
    }
    char opname[64];
    snprintf(opname, sizeof opname, "%s", (const char *)op->name);
    const char *why = NULL;
    json_t *args = read_args(op, &why);
    xmlFreeDoc(doc);
    pthread_mutex_lock(&s->mu);
    int code = 0;
    int64_t delay = 0;
    const char *mode = take_fault(s, opname, reused, &code, &delay);
    if (mode != NULL && strcmp(mode, "hold") == 0) {
        /* the request never reaches the bank's processing: counted apart,
           held, then the connection is closed with nothing done */
        char held[80];
        snprintf(held, sizeof held, "%s.held", opname);
        count(s->calls, held);
        pthread_mutex_unlock(&s->mu);
        json_decref(args);
        hold(delay);
        *drop = 1;
        *out = NULL;
        return;
    }
    count(s->calls, opname);
    msb_sweep(s);
    char ret[64] = "", msg[200];
    if (why != NULL) {
        snprintf(msg, sizeof msg,
                 "Unmarshalling Error: unexpected element (uri:\"" NS "\", local:\"%s\")",
                 json_string_value(json_object_get(args, "__bad")));
        why = msg;
    } else if (mode != NULL && strcmp(mode, "fault") == 0) {
        why = "java.lang.NullPointerException";
    } else if (mode != NULL && strcmp(mode, "code") == 0) {
        snprintf(ret, sizeof ret, "%d", code);
    } else if (mode == NULL || strcmp(mode, "garbage") != 0) {
        if (mode == NULL || strcmp(mode, "drop") != 0)
            why = apply(s, opname, args, ret, sizeof ret);
    }
    pthread_mutex_unlock(&s->mu);
    json_decref(args);
    if (mode != NULL && (strcmp(mode, "drop") == 0 || strcmp(mode, "done-then-drop") == 0 ||
                         strcmp(mode, "reused-drop") == 0)) {
        *drop = 1;
        *out = NULL;
        return;
    }
    if (mode != NULL && strcmp(mode, "garbage") == 0) {
        *status = 200;
        *out = strdup("<html><body><h1>Service Temporarily Unavailable</h1></body></html>");
        return;
    }
    if (mode != NULL && strcmp(mode, "timeout") == 0 && delay > 0) {
        hold(delay); /* the answer, past the client's timeout */
    }
    if (why != NULL) {
        *out = fault(why);
        return;
    }
    *status = 200;
    *out = answer(opname, ret);
}
