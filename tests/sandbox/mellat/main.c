/*
 * mellat_sandbox: an emulated Behpardakht Mellat payment gateway.
 *   mellat_sandbox --port 0 --port-file PATH [--terminal 7001234]
 *       [--username shop7] [--password 51x9] [--verify-deadline-s 1200]
 *       [--auto-settle-s 10800 (0 = never)] [--session-s 900]
 *       [--reversal-window-s 10800] [--referer-host shop.example.ir]
 * Listens on 127.0.0.1 only; the chosen port goes to --port-file once the
 * socket listens. Routes (README.md beside this file):
 *   POST /pgwchannel/services/pgw       SOAP (soap.c); GET ...?wsdl: WSDL
 *   POST /pgwchannel/startpay.mellat    the start page (RefId)
 *   POST /pgwchannel/__pay              its pay/cancel buttons
 *   /__sandbox/...                      test knobs (sales.c)
 * SIGTERM/SIGINT stop it cleanly.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "msb.h"
#include "sbc.h"

static const char WSDL[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\" "
    "targetNamespace=\"http://interfaces.core.sw.bps.com/\" name=\"PaymentGatewayImplService\">"
    "<!-- operations: bpPayRequest bpVerifyRequest bpSettleRequest bpInquiryRequest "
    "bpReversalRequest; schema elementFormDefault=\"unqualified\" --></definitions>";

static enum MHD_Result route(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const sbc_body *cb)
{
    msb *s = cls;
    const char *body = cb->p;
    int status = 404, drop = 0;
    if (cb->too_big)
        return sbc_reply(c, 413, strdup("too large"), "text/plain");
    char *out = NULL;
    if (strncmp(url, "/__sandbox/", 11) == 0) {
        msb_knob(s, method, url + 11, body, cb->len, &status, &out);
        return sbc_reply(c, status, out, "application/json");
    }
    if (strcmp(url, "/pgwchannel/services/pgw") == 0 && strcmp(method, "GET") == 0)
        return sbc_reply(c, 200, strdup(WSDL), "text/xml;charset=utf-8");
    if (strcmp(url, "/pgwchannel/services/pgw") == 0 && strcmp(method, "POST") == 0) {
        msb_soap(s, body, cb->len, cb->reused, &status, &out, &drop);
        if (drop)
            return MHD_NO; /* close without an answer: the client sees a timeout */
        return sbc_reply(c, status, out, "text/xml;charset=utf-8");
    }
    if (strcmp(url, "/pgwchannel/startpay.mellat") == 0 && strcmp(method, "POST") == 0) {
        const char *ref = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Referer");
        msb_start_page(s, body, cb->len, ref, &status, &out);
        return sbc_reply(c, status, out, "text/html; charset=utf-8");
    }
    if (strcmp(url, "/pgwchannel/__pay") == 0 && strcmp(method, "POST") == 0) {
        msb_buyer_form(s, body, cb->len, &status, &out);
        return sbc_reply(c, status, out, "text/html; charset=utf-8");
    }
    if (strcmp(url, "/pgwchannel/startpay.mellat") == 0)
        return sbc_reply(c, 405, strdup("<html><body>POST only</body></html>"), "text/html");
    return sbc_reply(c, 404, strdup("<html><body>Not found</body></html>"), "text/html");
}

/* A number of seconds (0 and up) into *out; 0 or -1. */
static int seconds_arg(const char *name, const char *text, int64_t *out)
{
    long long v;
    if (sbc_number(name, text, 0, INT64_MAX / 2, &v) != 0)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    msb s;
    memset(&s, 0, sizeof s);
    s.terminal = "7001234";
    s.username = "shop7";
    s.password = "51x9";
    s.verify_deadline_s = 20 * 60;
    s.auto_settle_s = 180 * 60;
    s.session_s = 15 * 60;
    s.reversal_window_s = 3 * 3600;
    sbc_listen l = {0};
    int bad = argc % 2 == 0;
    for (int i = 1; i + 1 < argc && !bad; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        int taken = sbc_listen_arg(&l, k, v);
        if (taken != 0)
            bad = taken < 0;
        else if (strcmp(k, "--terminal") == 0)
            s.terminal = v;
        else if (strcmp(k, "--username") == 0)
            s.username = v;
        else if (strcmp(k, "--password") == 0)
            s.password = v;
        else if (strcmp(k, "--referer-host") == 0)
            s.referer_host = v;
        else if (strcmp(k, "--verify-deadline-s") == 0)
            bad = seconds_arg(k, v, &s.verify_deadline_s);
        else if (strcmp(k, "--auto-settle-s") == 0)
            bad = seconds_arg(k, v, &s.auto_settle_s);
        else if (strcmp(k, "--session-s") == 0)
            bad = seconds_arg(k, v, &s.session_s);
        else if (strcmp(k, "--reversal-window-s") == 0)
            bad = seconds_arg(k, v, &s.reversal_window_s);
        else
            bad = 1;
    }
    if (bad || l.port_file == NULL) {
        fprintf(stderr, "usage: mellat_sandbox --port N --port-file PATH [--terminal T] "
                        "[--username U] [--password P] [--verify-deadline-s S] "
                        "[--auto-settle-s S] [--session-s S] [--reversal-window-s S] "
                        "[--referer-host H]\n");
        return 2;
    }
    sbc_signals_block();
    pthread_mutex_init(&s.mu, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
    s.sales = json_object();
    s.order_ids = json_object();
    s.calls = json_object();
    s.faults = json_object();
    s.next_reference = 160422018833LL;
    sbc_http h;
    sbc_http_opts o = {.port = l.port, .max_body = MSB_MAX_BODY - 1, .per_connection = 1};
    int rc = sbc_http_start(&h, &o, route, &s) == 0 ? sbc_serve_until_stopped(&h, &l) : 1;
    sbc_http_stop(&h);
    json_decref(s.sales);
    json_decref(s.order_ids);
    json_decref(s.calls);
    json_decref(s.faults);
    xmlCleanupParser();
    curl_global_cleanup();
    pthread_mutex_destroy(&s.mu);
    return rc;
}
