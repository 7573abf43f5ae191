/*
 * One libmicrohttpd daemon for an emulator. libmicrohttpd calls the access
 * handler three ways for one request: headers only (answering then would
 * cost keep-alive in 0.9.75, so it only allocates the body), once per
 * piece of the body, and once with nothing left, when the route runs with
 * the whole body. The body lives in the connection's slot until the
 * request ends (request_done), whatever the route did.
 */
#include "sbc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef struct pending {
    char *p;
    size_t len;
    int too_big;
    int reused;
} pending;

/* Requests seen on one connection, in its socket context: a fault may
   act only on a request that came on a kept-alive connection. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls, (void)c;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = calloc(1, sizeof(unsigned));
    } else {
        free(*socket_context);
        *socket_context = NULL;
    }
}

/* 1 when c carried a request before this one (and counts this one). */
static int connection_reused(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    unsigned *seen = i ? i->socket_context : NULL;
    if (seen == NULL)
        return 0;
    return (*seen)++ > 0;
}

/* Appends a piece; past the maximum it keeps nothing more and marks the
   body too big. -1 only when memory runs out. */
static int append(pending *b, size_t max, const char *data, size_t n)
{
    if (b->too_big || n > max || b->len > max - n) {
        b->too_big = 1;
        return 0;
    }
    char *p = realloc(b->p, b->len + n + 1);
    if (p == NULL)
        return -1;
    memcpy(p + b->len, data, n);
    b->p = p;
    b->len += n;
    p[b->len] = '\0';
    return 0;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *size, void **slot)
{
    sbc_http *h = cls;
    (void)version;
    pending *b = *slot;
    if (b == NULL) {
        *slot = b = calloc(1, sizeof *b);
        if (b == NULL)
            return MHD_NO;
        b->reused = connection_reused(c);
        return MHD_YES;
    }
    if (*size > 0) {
        if (append(b, h->max_body, data, *size) != 0)
            return MHD_NO;
        *size = 0;
        return MHD_YES;
    }
    sbc_body body = {b->p && !b->too_big ? b->p : "", b->too_big ? 0 : b->len, b->too_big,
                     b->reused};
    return h->route(h->cls, c, url, method, &body);
}

static void request_done(void *cls, struct MHD_Connection *c, void **slot,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls, (void)c, (void)code;
    pending *b = *slot;
    if (b != NULL) {
        free(b->p);
        free(b);
    }
    *slot = NULL;
}

/* The port the daemon's socket is bound to (it differs from the one asked
   for with port 0), or 0. */
static unsigned bound_port(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_in got;
    socklen_t len = sizeof got;
    if (info == NULL || getsockname(info->listen_fd, (struct sockaddr *)&got, &len) != 0)
        return 0;
    return ntohs(got.sin_port);
}

/* The daemon's options past the address, as an array: an option is given
   only when asked for (LISTENING_ADDRESS_REUSE 0 is not the default but
   "refuse reuse", which Linux cannot do). */
static void options(const sbc_http_opts *o, struct MHD_OptionItem *it, size_t *n)
{
    if (o->timeout_s > 0)
        it[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s, NULL};
    if (o->reuse_address)
        it[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL};
    if (!o->per_connection && o->pool > 1) /* refused with a thread per connection */
        it[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, o->pool, NULL};
    if (o->tls_cert != NULL && o->tls_key != NULL) {
        it[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->tls_cert};
        it[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->tls_key};
    }
    it[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
}

int sbc_http_start(sbc_http *h, const sbc_http_opts *o, sbc_route route, void *cls)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)o->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *h = (sbc_http){.route = route, .cls = cls, .max_body = o->max_body};
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (o->per_connection)
        flags |= MHD_USE_THREAD_PER_CONNECTION;
    if (o->tls_cert != NULL && o->tls_key != NULL)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem it[6];
    size_t n = 0;
    options(o, it, &n);
    h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handler, h, MHD_OPTION_SOCK_ADDR,
                                 (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED, request_done,
                                 NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
                                 MHD_OPTION_ARRAY, it, MHD_OPTION_END);
    if (h->daemon == NULL || (h->port = bound_port(h->daemon)) == 0) {
        fprintf(stderr, "cannot listen on 127.0.0.1:%u\n", o->port);
        sbc_http_stop(h);
        return -1;
    }
    return 0;
}

void sbc_http_stop(sbc_http *h)
{
    if (h->daemon != NULL)
        MHD_stop_daemon(h->daemon);
    h->daemon = NULL;
}

enum MHD_Result sbc_reply(struct MHD_Connection *c, int status, char *body, const char *type)
{
    struct MHD_Response *r =
        body ? MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE)
             : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (r == NULL) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result sbc_reply_json(struct MHD_Connection *c, int status, json_t *j, size_t dump_flags,
                               const char *type)
{
    char *text = j ? json_dumps(j, dump_flags) : NULL;
    json_decref(j);
    return sbc_reply(c, status, text ? text : strdup("{}"), type);
}
