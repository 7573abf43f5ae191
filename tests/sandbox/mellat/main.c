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
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "msb.h"

typedef struct conn_body {
    char *p;
    size_t len;
    int too_big;
    int reused; /* an earlier request came on the same connection */
} conn_body;

/* Requests seen on one connection (MHD's socket context). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls, (void)c;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        *socket_context = calloc(1, sizeof(unsigned));
    else {
        free(*socket_context);
        *socket_context = NULL;
    }
}

/* 1 when `c` carried a request before this one (counts this one). */
static int connection_reused(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    unsigned *seen = i ? i->socket_context : NULL;
    if (seen == NULL)
        return 0;
    return (*seen)++ > 0;
}

static const char WSDL[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\" "
    "targetNamespace=\"http://interfaces.core.sw.bps.com/\" name=\"PaymentGatewayImplService\">"
    "<!-- operations: bpPayRequest bpVerifyRequest bpSettleRequest bpInquiryRequest "
    "bpReversalRequest; schema elementFormDefault=\"unqualified\" --></definitions>";

static enum MHD_Result reply(struct MHD_Connection *c, int status, char *body, const char *type)
{
    struct MHD_Response *r =
        body ? MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE)
             : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result route(msb *s, struct MHD_Connection *c, const char *url, const char *method,
                             conn_body *cb)
{
    const char *body = cb->p ? cb->p : "";
    int status = 404, drop = 0;
    char *out = NULL;
    if (strncmp(url, "/__sandbox/", 11) == 0) {
        msb_knob(s, method, url + 11, body, cb->len, &status, &out);
        return reply(c, status, out, "application/json");
    }
    if (strcmp(url, "/pgwchannel/services/pgw") == 0 && strcmp(method, "GET") == 0)
        return reply(c, 200, strdup(WSDL), "text/xml;charset=utf-8");
    if (strcmp(url, "/pgwchannel/services/pgw") == 0 && strcmp(method, "POST") == 0) {
        msb_soap(s, body, cb->len, cb->reused, &status, &out, &drop);
        if (drop)
            return MHD_NO; /* close without an answer: the client sees a timeout */
        return reply(c, status, out, "text/xml;charset=utf-8");
    }
    if (strcmp(url, "/pgwchannel/startpay.mellat") == 0 && strcmp(method, "POST") == 0) {
        const char *ref = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Referer");
        msb_start_page(s, body, cb->len, ref, &status, &out);
        return reply(c, status, out, "text/html; charset=utf-8");
    }
    if (strcmp(url, "/pgwchannel/__pay") == 0 && strcmp(method, "POST") == 0) {
        msb_buyer_form(s, body, cb->len, &status, &out);
        return reply(c, status, out, "text/html; charset=utf-8");
    }
    if (strcmp(url, "/pgwchannel/startpay.mellat") == 0)
        return reply(c, 405, strdup("<html><body>POST only</body></html>"), "text/html");
    return reply(c, 404, strdup("<html><body>Not found</body></html>"), "text/html");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
    (void)version;
    if (*state == NULL) {
        conn_body *cb = calloc(1, sizeof *cb);
        if (cb == NULL)
            return MHD_NO;
        cb->reused = connection_reused(c);
        *state = cb;
        return MHD_YES;
    }
    conn_body *cb = *state;
    if (*size > 0) {
        if (cb->len + *size >= MSB_MAX_BODY) {
            cb->too_big = 1;
        } else {
            char *p = realloc(cb->p, cb->len + *size + 1);
            if (p == NULL)
                return MHD_NO;
            memcpy(p + cb->len, data, *size);
            cb->p = p;
            cb->len += *size;
            cb->p[cb->len] = '\0';
        }
        *size = 0;
        return MHD_YES;
    }
    if (cb->too_big)
        return reply(c, 413, strdup("too large"), "text/plain");
    return route(cls, c, url, method, cb);
}

static void done(void *cls, struct MHD_Connection *c, void **state,
                 enum MHD_RequestTerminationCode code)
{
    (void)cls, (void)c, (void)code;
    conn_body *cb = *state;
    if (cb != NULL) {
        free(cb->p);
        free(cb);
    }
    *state = NULL;
}

static int write_port(const char *path, unsigned port)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "%u\n", port);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

static int serve(msb *s, unsigned port, const char *port_file)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a,
        MHD_OPTION_NOTIFY_COMPLETED, done, NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "cannot listen on 127.0.0.1:%u\n", port);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    int rc = 0;
    if (info == NULL || write_port(port_file, info->port) != 0) {
        fprintf(stderr, "cannot write %s\n", port_file);
        rc = 1;
    } else {
        sigset_t set;
        int sig = 0;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        sigwait(&set, &sig);
    }
    MHD_stop_daemon(d);
    return rc;
}

static int number_arg(const char *text, int64_t *out)
{
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || v < 0)
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
    const char *port_file = NULL;
    int64_t port = 0;
    int bad = argc % 2 == 0;
    for (int i = 1; i + 1 < argc && !bad; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (strcmp(k, "--port-file") == 0)
            port_file = v;
        else if (strcmp(k, "--terminal") == 0)
            s.terminal = v;
        else if (strcmp(k, "--username") == 0)
            s.username = v;
        else if (strcmp(k, "--password") == 0)
            s.password = v;
        else if (strcmp(k, "--referer-host") == 0)
            s.referer_host = v;
        else if (strcmp(k, "--port") == 0)
            bad = number_arg(v, &port) || port > 65535;
        else if (strcmp(k, "--verify-deadline-s") == 0)
            bad = number_arg(v, &s.verify_deadline_s);
        else if (strcmp(k, "--auto-settle-s") == 0)
            bad = number_arg(v, &s.auto_settle_s);
        else if (strcmp(k, "--session-s") == 0)
            bad = number_arg(v, &s.session_s);
        else if (strcmp(k, "--reversal-window-s") == 0)
            bad = number_arg(v, &s.reversal_window_s);
        else
            bad = 1;
    }
    if (bad || port_file == NULL) {
        fprintf(stderr, "usage: mellat_sandbox --port N --port-file PATH [--terminal T] "
                        "[--username U] [--password P] [--verify-deadline-s S] "
                        "[--auto-settle-s S] [--session-s S] [--reversal-window-s S] "
                        "[--referer-host H]\n");
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    pthread_mutex_init(&s.mu, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
    s.sales = json_object();
    s.order_ids = json_object();
    s.calls = json_object();
    s.faults = json_object();
    s.next_reference = 160422018833LL;
    int rc = serve(&s, (unsigned)port, port_file);
    json_decref(s.sales);
    json_decref(s.order_ids);
    json_decref(s.calls);
    json_decref(s.faults);
    xmlCleanupParser();
    curl_global_cleanup();
    pthread_mutex_destroy(&s.mu);
    return rc;
}
