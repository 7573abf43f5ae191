/*
 * serve: start-up, the HTTP front (libmicrohttpd, a thread per connection
 * so a delivery can wait for its group commit without blocking others),
 * routing, and an orderly stop on SIGTERM/SIGINT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define DEFAULT_MAX_BODY (1u << 20)
#define MAX_CONNECTIONS 1024
/* Slow or hostile clients: one address may hold only so many connections
   (the rest of the limit stays for other shops), and a connection that
   sends nothing for this long is closed (deliveries waiting for their
   commit are suspended and not subject to it). */
#define MAX_CONNECTIONS_PER_ADDRESS 64
#define IDLE_TIMEOUT_S 10

typedef struct conn_state {
    char *body;
    size_t len, cap;
    int too_big;
    hook_call *pending;  /* a delivery waiting for its commit */
} conn_state;

server_tenant *server_find_tenant(server_state *s, const char *id)
{
    for (size_t i = 0; i < s->tenant_count; i++)
        if (strcmp(s->tenants[i].rt->config->id, id) == 0)
            return &s->tenants[i];
    return NULL;
}

int server_channel_index(server_tenant *st, const char *name)
{
    for (size_t i = 0; i < st->rt->channel_count; i++)
        if (strcmp(st->rt->channels[i].config->name, name) == 0)
            return (int)i;
    return -1;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, int status, char *text)
{
    const char *body = text ? text : "{}";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    free(text);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Appends upload data, remembering (not storing) what exceeds the limit. */
static void take_upload(conn_state *cs, const char *data, size_t n, size_t max)
{
    if (cs->too_big || cs->len + n > max) {
        cs->too_big = 1;
        return;
    }
    if (cs->len + n + 1 > cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 4096;
        while (cap < cs->len + n + 1)
            cap *= 2;
        char *grown = realloc(cs->body, cap);
        if (grown == NULL) {
            cs->too_big = 1;
            return;
        }
        cs->body = grown;
        cs->cap = cap;
    }
    memcpy(cs->body + cs->len, data, n);
    cs->len += n;
    cs->body[cs->len] = '\0';
}

static int declared_too_big(struct MHD_Connection *conn, size_t max)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (cl == NULL)
        return 0;
    char *end;
    unsigned long long n = strtoull(cl, &end, 10);
    return *end == '\0' && n > max;
}

/* One suspended delivery less; the stop waits for none to be left. */
static void release_suspended(server_state *s)
{
    pthread_mutex_lock(&s->suspend_lock);
    if (atomic_fetch_sub(&s->suspended, 1) == 1)
        pthread_cond_broadcast(&s->suspend_done);
    pthread_mutex_unlock(&s->suspend_lock);
}

typedef struct length_count {
    const char *first;
    int differ;
} length_count;

static enum MHD_Result note_length(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    length_count *lc = cls;
    if (key == NULL || value == NULL || strcasecmp(key, "Content-Length") != 0)
        return MHD_YES;
    if (lc->first == NULL)
        lc->first = value;
    else if (strcmp(lc->first, value) != 0)
        lc->differ = 1;
    return MHD_YES;
}

/* Content-Length given twice with different values: which one frames the
   body is ambiguous (a smuggling vector behind a proxy), so it is 400. */
static int lengths_conflict(struct MHD_Connection *conn)
{
    length_count lc = {NULL, 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, note_length, &lc);
    return lc.differ;
}

static enum MHD_Result route(server_state *s, struct MHD_Connection *conn, const char *url,
                             const char *method, conn_state *cs)
{
    int status = 404;
    char *reply = NULL;
    if (cs->pending != NULL) { /* resumed after the group commit */
        hooks_finish(cs->pending, &status, &reply);
        cs->pending = NULL;
        release_suspended(s);
    } else if (strncmp(url, "/hooks/", 7) == 0 && strcmp(method, "POST") == 0) {
        if (cs->too_big) {
            status = 413;
            reply = strdup("{\"error\":\"body over the limit\"}");
        } else if (hooks_begin(s, url, cs->body ? cs->body : "", cs->len, conn, &cs->pending,
                               &status, &reply)) {
            atomic_fetch_add(&s->suspended, 1);
            return MHD_YES; /* suspended until the writer commits */
        }
    } else if (strncmp(url, "/admin/", 7) == 0) {
        admin_handle(s, method, url, conn, &status, &reply);
    } else {
        reply = strdup("{\"error\":\"not found\"}");
    }
    return send_reply(conn, status, reply);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size,
                                  void **con_cls)
{
    (void)version;
    server_state *s = cls;
    size_t max = s->opt->max_body ? s->opt->max_body : DEFAULT_MAX_BODY;
    conn_state *cs = *con_cls;
    if (cs == NULL) {
        if (lengths_conflict(conn))
            return send_reply(conn, 400,
                              strdup("{\"error\":\"Content-Length given twice, differently\"}"));
        if (declared_too_big(conn, max))
            return send_reply(conn, 413, strdup("{\"error\":\"body over the limit\"}"));
        if ((cs = calloc(1, sizeof *cs)) == NULL)
            return MHD_NO;
        *con_cls = cs;
        return MHD_YES; /* answer on a later call: keeps keep-alive (TOOLCHAIN.md) */
    }
    if (*upload_size != 0) {
        take_upload(cs, upload_data, *upload_size, max);
        *upload_size = 0;
        return MHD_YES;
    }
    return route(s, conn, url, method, cs);
}

/* A client that hung up while its delivery waited for the commit: MHD
   ends the connection after the writer resumed it without calling
   on_request again, so the delivery (committed: the shop may send it
   again, intake is idempotent) is freed and counted off here. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)conn;
    (void)code;
    server_state *s = cls;
    conn_state *cs = *con_cls;
    if (cs != NULL) {
        if (cs->pending != NULL) {
            int status;
            char *reply = NULL;
            hooks_finish(cs->pending, &status, &reply);
            free(reply);
            release_suspended(s);
        }
        free(cs->body);
        free(cs);
        *con_cls = NULL;
    }
}

static int parse_listen(const char *listen, struct sockaddr_in *addr, sl_error *err)
{
    char host[64];
    const char *colon = listen ? strrchr(listen, ':') : NULL;
    if (colon == NULL || (size_t)(colon - listen) >= sizeof host)
        return sl_error_set(err, SL_EINVALID, "listen", "listen must be ADDRESS:PORT, got '%s'",
                            listen ? listen : "");
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    if (*end != '\0' || port < 0 || port > 65535 || inet_pton(AF_INET, host, &addr->sin_addr) != 1)
        return sl_error_set(err, SL_EINVALID, "listen", "bad listen address '%s'", listen);
    return SL_OK;
}

static int open_tenants(server_state *s, sl_error *err)
{
    const config_set *cfg = s->cfg;
    s->tenants = calloc(cfg->count ? cfg->count : 1, sizeof *s->tenants);
    if (s->tenants == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < cfg->count; i++) {
        server_tenant *st = &s->tenants[i];
        int r = runtime_open(&cfg->tenants[i], s->opt->plugin_dir, 1, &st->rt, err);
        if (r != SL_OK)
            return r;
        s->tenant_count++;
        st->admin_token = cfg->tenants[i].admin_token;
        st->channel_locks = calloc(st->rt->channel_count + 1, sizeof *st->channel_locks);
        if (st->channel_locks == NULL)
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
        for (size_t c = 0; c < st->rt->channel_count; c++)
            pthread_mutex_init(&st->channel_locks[c], NULL);
        if ((r = hook_lanes_open(st, err)) != SL_OK ||
            (r = checkpoint_start(st, err)) != SL_OK || (r = writer_start(st, err)) != SL_OK) {
            checkpoint_stop(st);
            hook_lanes_close(st);
            for (size_t c = 0; c < st->rt->channel_count; c++)
                pthread_mutex_destroy(&st->channel_locks[c]);
            free(st->channel_locks);
            st->channel_locks = NULL; /* close_tenants: no writer to stop */
            return r;
        }
    }
    return SL_OK;
}

static void close_tenants(server_state *s)
{
    for (size_t i = 0; i < s->tenant_count; i++) {
        server_tenant *st = &s->tenants[i];
        if (st->channel_locks != NULL) {
            writer_stop(st);
            checkpoint_stop(st);
            hook_lanes_close(st);
            for (size_t c = 0; c < st->rt->channel_count; c++)
                pthread_mutex_destroy(&st->channel_locks[c]);
            free(st->channel_locks);
        }
        runtime_close(st->rt);
    }
    free(s->tenants);
}

static int write_port_file(const char *path, unsigned port)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "%u\n", port);
    fclose(f);
    return rename(tmp, path); /* readers never see a half-written file */
}

static int start_http(server_state *s, const char *listen, sl_error *err)
{
    struct sockaddr_in addr;
    int r = parse_listen(listen, &addr, err);
    if (r != SL_OK)
        return r;
    /* A small thread pool; deliveries wait for their commit suspended,
       not by holding a thread, so many connections share few threads. */
    s->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG, 0, NULL,
        NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)HTTP_THREADS, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS_PER_ADDRESS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT_S, MHD_OPTION_END);
    if (s->mhd == NULL)
        return sl_error_set(err, SL_EIO, "listen", "cannot listen on %s: %s", listen,
                            strerror(errno));
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    services_log(NULL, SL_LOG_INFO, "serving on %s (port %u), %zu tenant(s)", listen, port,
                 s->tenant_count);
    if (s->opt->port_file && write_port_file(s->opt->port_file, port) != 0)
        return sl_error_set(err, SL_EIO, "port_file", "cannot write %s", s->opt->port_file);
    return SL_OK;
}

/* Stops accepting, lets every suspended delivery get its commit and its
   answer (bounded), then stops the daemon: MHD aborts the process if it is
   stopped with a connection still suspended. */
#define STOP_SUSPENDED_WAIT_MS 3000

static void stop_http(server_state *s)
{
    MHD_quiesce_daemon(s->mhd);
    struct timespec until = server_deadline_in(STOP_SUSPENDED_WAIT_MS);
    pthread_mutex_lock(&s->suspend_lock);
    while (atomic_load(&s->suspended) > 0 &&
           pthread_cond_timedwait(&s->suspend_done, &s->suspend_lock, &until) == 0)
        ;
    int left = atomic_load(&s->suspended);
    pthread_mutex_unlock(&s->suspend_lock);
    if (left > 0) /* MHD would abort on them: leave the daemon running */
        services_log(NULL, SL_LOG_ERROR, "%d deliveries still wait for their commit", left);
    else
        MHD_stop_daemon(s->mhd);
}

/* Stop signals are caught by a handler (not left to their default action
   in whichever thread the kernel picks) and turned into a byte on a pipe
   the main thread waits on. */
static int stop_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
    char b = 1;
    ssize_t w = write(stop_pipe[1], &b, 1);
    (void)w;
}

static int install_stop_handlers(sl_error *err)
{
    if (pipe(stop_pipe) != 0)
        return sl_error_set(err, SL_EIO, "", "pipe: %s", strerror(errno));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return SL_OK;
}

static void wait_for_stop(void)
{
    char b;
    while (read(stop_pipe[0], &b, 1) < 0 && errno == EINTR)
        ;
    services_log(NULL, SL_LOG_INFO, "signal %d: finishing in-flight work", (int)stop_signal);
}

/* Serving allocates and frees the same few kilobytes per delivery on
   several threads. With glibc's default trim threshold each thread's heap
   was shrunk (madvise) and grown again all the time, and the TLB
   shootdowns that go with it took about a third of serve's CPU in
   bench_webhook. Keep freed memory up to this much per heap. */
#define SERVE_TRIM_THRESHOLD (64 << 20)

int server_run(const config_set *cfg, const server_options *opt, sl_error *err)
{
    mallopt(M_TRIM_THRESHOLD, SERVE_TRIM_THRESHOLD);
    server_state s = {.cfg = cfg, .opt = opt, .started_ms = services_now_ms()};
    pthread_mutex_init(&s.suspend_lock, NULL);
    pthread_cond_init(&s.suspend_done, NULL);
    pthread_mutex_init(&s.sched_lock, NULL);
    pthread_cond_init(&s.sched_wake, NULL);
    services_http_restart();
    int r = install_stop_handlers(err);
    if (r != SL_OK)
        return r;
    const char *listen = opt->listen;
    if (listen == NULL && cfg->count > 0)
        listen = cfg->tenants[0].listen;
    r = open_tenants(&s, err);
    if (r == SL_OK)
        r = start_http(&s, listen ? listen : "127.0.0.1:8080", err);
    pthread_t sched;
    int sched_started = 0;
    if (r == SL_OK && !opt->no_scheduler) {
        r = scheduler_start(&s, &sched);
        sched_started = r == SL_OK;
        if (r != SL_OK)
            sl_error_set(err, r, "scheduler", "cannot start the scheduler");
    }
    if (r == SL_OK)
        wait_for_stop();
    pthread_mutex_lock(&s.sched_lock);
    atomic_store(&s.stopping, 1);
    pthread_cond_broadcast(&s.sched_wake);
    pthread_mutex_unlock(&s.sched_lock);
    services_http_stop(); /* remote calls in flight give up now */
    if (s.mhd != NULL)
        stop_http(&s);
    if (sched_started)
        pthread_join(sched, NULL);
    close_tenants(&s);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    pthread_cond_destroy(&s.suspend_done);
    pthread_cond_destroy(&s.sched_wake);
    pthread_mutex_destroy(&s.sched_lock);
    pthread_mutex_destroy(&s.suspend_lock);
    return r;
}
