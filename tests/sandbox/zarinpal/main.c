/*
 * zarinpal_sandbox: an emulated ZarinPal REST v4 gateway for tests.
 *   zarinpal_sandbox --port 0 --port-file PATH [--fee-permille N]
 * Listens on 127.0.0.1 only; the chosen port goes to --port-file once the
 * socket listens. POST /pg/v4/payment/<call>.json is the API (api.c),
 * GET /pg/StartPay/<authority> the buyer's page and simulator (buyer.c),
 * /__sandbox/ the test knobs. SIGTERM/SIGINT stop it cleanly.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zsb.h"

typedef struct conn_body {
    char *p;
    size_t len;
    int too_big;
} conn_body;

static enum MHD_Result send_reply(struct MHD_Connection *c, zsb_reply *r)
{
    if (r->delay_ms > 0) { /* fault "timeout": a test server may stall */
        struct timespec ts = {r->delay_ms / 1000, (r->delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    char *body = r->body ? r->body : strdup("");
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "application/json");
    if (r->location[0])
        MHD_add_response_header(resp, "Location", r->location);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static int append(conn_body *cb, const char *data, size_t n)
{
    if (cb->too_big || cb->len + n > ZSB_MAX_BODY) {
        cb->too_big = 1;
        return 0;
    }
    char *p = realloc(cb->p, cb->len + n + 1);
    if (p == NULL)
        return -1;
    memcpy(p + cb->len, data, n);
    cb->len += n;
    p[cb->len] = '\0';
    cb->p = p;
    return 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
    zsb *s = cls;
    (void)version;
    if (*state == NULL) {
        conn_body *cb = calloc(1, sizeof *cb);
        if (cb == NULL)
            return MHD_NO;
        *state = cb;
        return MHD_YES;
    }
    conn_body *cb = *state;
    if (*size > 0) {
        if (append(cb, data, *size) != 0)
            return MHD_NO;
        *size = 0;
        return MHD_YES;
    }
    zsb_reply r = {.status = 404, .type = "application/json"};
    const char *body = cb->p ? cb->p : "";
    static const char API[] = "/pg/v4/payment/", START[] = "/pg/StartPay/";
    if (cb->too_big) {
        r.status = 413;
        r.body = strdup("{\"error\":\"too large\"}");
    } else if (strncmp(url, "/__sandbox/", 11) == 0) {
        zsb_knob(s, url + 11, body, cb->len, &r);
    } else if (strncmp(url, API, sizeof API - 1) == 0 && strcmp(method, "POST") == 0) {
        zsb_api(s, url + sizeof API - 1, body, cb->len, &r);
    } else if (strncmp(url, START, sizeof START - 1) == 0 && strcmp(method, "GET") == 0) {
        zsb_start_pay(s, url + sizeof START - 1,
                      MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "action"), &r);
    } else {
        r.body = strdup("{\"error\":\"not found\"}");
    }
    return send_reply(c, &r);
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

static int serve(zsb *s, unsigned port, const char *port_file)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a,
        MHD_OPTION_NOTIFY_COMPLETED, done, NULL, MHD_OPTION_END);
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

int main(int argc, char **argv)
{
    const char *port_file = NULL;
    long port = 0, fee = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port-file") == 0)
            port_file = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0)
            port = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--fee-permille") == 0)
            fee = strtol(argv[i + 1], NULL, 10);
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (port_file == NULL || port < 0 || port > 65535 || fee < 0 || fee > 1000 || argc % 2 == 0) {
        fprintf(stderr, "usage: zarinpal_sandbox --port N --port-file PATH "
                        "[--fee-permille N]\n");
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    static zsb s;
    pthread_mutex_init(&s.mu, NULL);
    s.next_ref = 38104251;
    s.fee_permille = fee;
    int rc = serve(&s, (unsigned)port, port_file);
    pthread_mutex_destroy(&s.mu);
    return rc;
}
