/*
 * unas_sandbox: an emulated UNAS shop API for end-to-end tests.
 *   unas_sandbox --seed FILE --port 0 --port-file PATH [--api-key KEY]
 *                [--subscription premium|vip]
 * Listens on 127.0.0.1 only; the chosen port goes to --port-file once the
 * socket listens. POST /shop/{function} is the API (api.c); /__sandbox/
 * holds the test knobs (knobs.c). SIGTERM/SIGINT stop it cleanly.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "usb.h"

typedef struct conn_body {
    unas_buf buf;
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

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
    usb *s = cls;
    (void)version;
    if (*state == NULL) {
        conn_body *cb = calloc(1, sizeof *cb);
        if (cb == NULL)
            return MHD_NO;
        unas_buf_init(&cb->buf, USB_MAX_BODY);
        unas_buf_add(&cb->buf, "");
        *state = cb;
        return MHD_YES;
    }
    conn_body *cb = *state;
    if (*size > 0) {
        unas_buf_addn(&cb->buf, data, *size);
        *size = 0;
        return MHD_YES;
    }
    if (cb->buf.failed)
        return reply(c, 413, strdup("<Error>request too large</Error>"), "application/xml");
    int status = 404;
    char *out = NULL;
    const char *body = cb->buf.p ? cb->buf.p : "";
    if (strncmp(url, "/__sandbox/", 11) == 0) {
        usb_knob(s, method, url + 11, body, cb->buf.len, &status, &out);
        return reply(c, status, out, "application/json");
    }
    if (strncmp(url, "/shop/", 6) == 0 && strcmp(method, "POST") == 0) {
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        usb_api(s, url + 6, auth, body, cb->buf.len, &status, &out);
        return reply(c, status, out, "application/xml; charset=UTF-8");
    }
    return reply(c, 404, strdup("<Error>Not found</Error>"), "application/xml");
}

static void done(void *cls, struct MHD_Connection *c, void **state,
                 enum MHD_RequestTerminationCode code)
{
    (void)cls, (void)c, (void)code;
    conn_body *cb = *state;
    if (cb != NULL) {
        unas_buf_free(&cb->buf);
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

static int serve(usb *s, unsigned port, const char *port_file)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle,
                         s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a,
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
    const char *seed = NULL, *port_file = NULL, *key = "unas-sandbox-key", *sub = NULL;
    long port = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--seed") == 0)
            seed = argv[i + 1];
        else if (strcmp(argv[i], "--port-file") == 0)
            port_file = argv[i + 1];
        else if (strcmp(argv[i], "--api-key") == 0)
            key = argv[i + 1];
        else if (strcmp(argv[i], "--subscription") == 0)
            sub = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0)
            port = strtol(argv[i + 1], NULL, 10);
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (seed == NULL || port_file == NULL || port < 0 || port > 65535 || argc % 2 == 0) {
        fprintf(stderr, "usage: unas_sandbox --seed FILE --port N --port-file PATH "
                        "[--api-key KEY] [--subscription premium|vip]\n");
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    usb s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.mu, NULL);
    s.api_key = key;
    unas_xml_init();
    int rc = usb_load(&s, seed);
    if (rc == 0 && sub != NULL)
        s.vip = strcmp(sub, "vip") == 0;
    if (rc == 0)
        rc = serve(&s, (unsigned)port, port_file);
    else
        rc = 1;
    usb_free(&s);
    pthread_mutex_destroy(&s.mu);
    return rc;
}
