/*
 * tarad_sandbox: a TARAD U-Commerce simulator. TARAD has no public API;
 * what it does for the integration (push an order when it becomes paid
 * and again when cancelled, signed with the merchant's user token) is
 * emulated here on demand, in the format assumed in
 * plugins/tarad/tarad_wire.h. Control endpoints (JSON):
 *
 *   POST /__sandbox/config      {"target": URL}  where pushes go
 *   POST /__sandbox/push        order spec -> stores it paid, pushes it
 *   POST /__sandbox/cancel/NO   [knobs]    -> cancels NO, pushes it
 *   GET  /__sandbox/state       target, orders, every delivery
 *
 * It binds 127.0.0.1 only; --port 0 picks a free port written to
 * --port-file once listening. SIGTERM/SIGINT stop it cleanly. One MHD
 * thread serves requests, so the state needs no lock; a push is delivered
 * before its control request is answered.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "tsb.h"

#define MAX_BODY (1u << 20)

typedef struct conn_buf {
    char *data;
    size_t len;
    int too_big;
} conn_buf;

static enum MHD_Result reply(struct MHD_Connection *c, int status, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(j);
    if (text == NULL)
        text = strdup("{}");
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, int status, const char *why)
{
    return reply(c, status, json_pack("{s:s}", "error", why));
}

static enum MHD_Result set_target(tsb_state *s, struct MHD_Connection *c, const json_t *spec)
{
    const char *t = json_string_value(json_object_get(spec, "target"));
    if (t == NULL || strncmp(t, "http://", 7) != 0 || strlen(t) >= TSB_URL_MAX)
        return reply_error(c, 400, "target must be an http:// URL");
    snprintf(s->target, sizeof s->target, "%s", t);
    return reply(c, 200, json_pack("{s:s}", "target", s->target));
}

static enum MHD_Result route(tsb_state *s, struct MHD_Connection *c, const char *method,
                             const char *url, const conn_buf *b)
{
    if (strcmp(method, "GET") == 0 && strcmp(url, "/__sandbox/state") == 0)
        return reply(c, 200,
                     json_pack("{s:s, s:O, s:O}", "target", s->target, "orders", s->orders,
                               "deliveries", s->deliveries));
    if (strcmp(method, "POST") != 0)
        return reply_error(c, 404, "no route");
    if (b->too_big)
        return reply_error(c, 413, "body too large");
    json_t *spec = b->len ? json_loadb(b->data, b->len, 0, NULL) : json_object();
    if (spec == NULL)
        return reply_error(c, 400, "body is not JSON");
    const char *why = "no route";
    int status = 404;
    json_t *out = NULL;
    enum MHD_Result rc;
    if (strcmp(url, "/__sandbox/config") == 0) {
        rc = set_target(s, c, spec);
        json_decref(spec);
        return rc;
    }
    if (strcmp(url, "/__sandbox/push") == 0)
        out = tsb_push(s, spec, &status, &why);
    else if (strncmp(url, "/__sandbox/cancel/", 18) == 0)
        out = tsb_cancel(s, url + 18, spec, &status, &why);
    json_decref(spec);
    return out ? reply(c, status, out) : reply_error(c, status, why);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *size, void **con_cls)
{
    (void)version;
    conn_buf *b = *con_cls;
    if (b == NULL) {
        b = calloc(1, sizeof *b);
        if (b == NULL)
            return MHD_NO;
        *con_cls = b;
        return MHD_YES; /* answer on a later call: keeps keep-alive */
    }
    if (*size > 0) {
        if (b->len + *size > MAX_BODY) {
            b->too_big = 1;
        } else {
            char *n = realloc(b->data, b->len + *size);
            if (n == NULL)
                return MHD_NO;
            memcpy(n + b->len, data, *size);
            b->data = n;
            b->len += *size;
        }
        *size = 0;
        return MHD_YES;
    }
    return route(cls, c, method, url, b);
}

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    conn_buf *b = *con_cls;
    if (b != NULL) {
        free(b->data);
        free(b);
    }
    *con_cls = NULL;
}

static struct MHD_Daemon *start(tsb_state *s, unsigned port, unsigned *bound)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handler, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED, request_done,
        NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30, MHD_OPTION_END);
    if (d == NULL)
        return NULL;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_in got;
    socklen_t gl = sizeof got;
    if (info == NULL || getsockname(info->listen_fd, (struct sockaddr *)&got, &gl)) {
        MHD_stop_daemon(d);
        return NULL;
    }
    *bound = ntohs(got.sin_port);
    return d;
}

/* Reads the token file (first line, no newline). */
static char *read_token(const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[1024];
    if (f == NULL || fgets(buf, sizeof buf, f) == NULL) {
        if (f)
            fclose(f);
        return NULL;
    }
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return strdup(buf);
}

static int usage(void)
{
    fprintf(stderr, "usage: tarad_sandbox --port N [--port-file F] "
                    "(--token T | --token-file F) [--target URL] "
                    "[--hex-signature] [--first-order-no N]\n");
    return 2;
}

static int parse_args(int argc, char **argv, tsb_state *s, long *port, const char **port_file)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(a, "--hex-signature") == 0) {
            s->hex_signature = 1;
            continue;
        }
        if (v == NULL)
            return -1;
        i++;
        if (strcmp(a, "--port") == 0) {
            errno = 0;
            *port = strtol(v, &end, 10);
            if (errno || *end || *port < 0 || *port > 65535)
                return -1;
        } else if (strcmp(a, "--port-file") == 0) {
            *port_file = v;
        } else if (strcmp(a, "--token") == 0) {
            free(s->token);
            s->token = strdup(v);
        } else if (strcmp(a, "--token-file") == 0) {
            free(s->token);
            if ((s->token = read_token(v)) == NULL)
                return -1;
        } else if (strcmp(a, "--target") == 0 && strlen(v) < TSB_URL_MAX) {
            snprintf(s->target, sizeof s->target, "%s", v);
        } else if (strcmp(a, "--first-order-no") == 0) {
            errno = 0;
            s->next_no = strtoll(v, &end, 10);
            if (errno || *end || s->next_no < 0)
                return -1;
        } else {
            return -1;
        }
    }
    return s->token != NULL && *port >= 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    tsb_state s = {.next_no = 100001};
    long port = -1;
    const char *port_file = NULL;
    if (parse_args(argc, argv, &s, &port, &port_file) != 0) {
        free(s.token);
        return usage();
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* before MHD's thread starts */
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    s.orders = json_object();
    s.deliveries = json_array();
    unsigned bound = 0;
    struct MHD_Daemon *d = start(&s, (unsigned)port, &bound);
    int rc = d ? 0 : 1;
    if (d != NULL && port_file != NULL) {
        FILE *f = fopen(port_file, "w");
        rc = f == NULL || fprintf(f, "%u\n", bound) < 0;
        if (f)
            rc |= fclose(f) != 0;
    }
    if (d != NULL && rc == 0) {
        int sig = 0;
        sigwait(&set, &sig);
    }
    if (d != NULL)
        MHD_stop_daemon(d);
    json_decref(s.orders);
    json_decref(s.deliveries);
    free(s.token);
    curl_global_cleanup();
    return rc;
}
