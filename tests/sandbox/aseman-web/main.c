/*
 * asemanweb_sandbox: an emulated Aseman Web SOAP v1 service for tests.
 *   asemanweb_sandbox --port 0 --port-file PATH [--username U]
 *                     [--password P] [--step-seconds N]
 * Listens on 127.0.0.1 only; the chosen port goes to --port-file once the
 * socket listens. POST to any path but /__sandbox/ is a SOAP call
 * (api.c); /__sandbox/ holds the test knobs (knobs.c). One thread per
 * connection, so a "timeout" fault holding one answer back (in 50 ms
 * slices, cut short by SIGTERM) does not stall the knobs. SIGTERM/SIGINT
 * stop it cleanly.
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

#include "asb.h"
#include "aw.h"

typedef struct conn_body {
    char *p;
    size_t len;
    int too_big;
} conn_body;

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

/* Holds an answer back for delay_ms, unless the sandbox is stopping. */
static void hold(const asb *s, int64_t delay_ms)
{
    for (int64_t left = delay_ms; left > 0 && !s->stopping; left -= 50) {
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
}

static int append(conn_body *cb, const char *data, size_t n)
{
    if (cb->too_big || cb->len + n > ASB_MAX_BODY) {
        cb->too_big = 1;
        return 0;
    }
    char *p = realloc(cb->p, cb->len + n + 1);
    if (p == NULL)
        return -1;
    memcpy(p + cb->len, data, n);
    cb->p = p;
    cb->len += n;
    cb->p[cb->len] = '\0';
    return 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
    asb *s = cls;
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
    if (cb->too_big)
        return reply(c, 413, strdup("request too large"), "text/plain");
    int status = 404;
    char *out = NULL;
    const char *body = cb->p ? cb->p : "";
    if (strncmp(url, "/__sandbox/", 11) == 0) {
        asb_knob(s, method, url + 11, body, cb->len, &status, &out);
        return reply(c, status, out, "application/json");
    }
    if (strcmp(method, "POST") != 0)
        return reply(c, 405, strdup("SOAP calls are POSTs"), "text/plain");
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    int64_t delay = 0;
    asb_api(s, auth, body, cb->len, &status, &out, &delay);
    hold(s, delay);
    return reply(c, status, out, "text/xml; charset=utf-8");
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

static int serve(asb *s, unsigned port, const char *port_file)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
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
    s->stopping = 1;
    MHD_stop_daemon(d);
    return rc;
}

int main(int argc, char **argv)
{
    static asb s; /* large: the parcel table */
    const char *port_file = NULL;
    long port = 0, step = 3600;
    s.username = "aseman-sandbox";
    s.password = "aseman-sandbox-pass";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port-file") == 0)
            port_file = argv[i + 1];
        else if (strcmp(argv[i], "--username") == 0)
            s.username = argv[i + 1];
        else if (strcmp(argv[i], "--password") == 0)
            s.password = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0)
            port = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--step-seconds") == 0)
            step = strtol(argv[i + 1], NULL, 10);
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (port_file == NULL || port < 0 || port > 65535 || step < 1 || argc % 2 == 0) {
        fprintf(stderr, "usage: asemanweb_sandbox --port N --port-file PATH "
                        "[--username U] [--password P] [--step-seconds N]\n");
        return 2;
    }
    s.step_s = step;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    pthread_mutex_init(&s.mu, NULL);
    aw_xml_init();
    int rc = serve(&s, (unsigned)port, port_file);
    pthread_mutex_destroy(&s.mu);
    return rc;
}
