/*
 * serve: start-up, the HTTP front (libmicrohttpd, a thread per connection
 * so a delivery can wait for its group commit without blocking others),
 * routing, and an orderly stop on SIGTERM/SIGINT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "loader/quarantine.h"
#include "services/call_marker.h"
#include "server/listen.h"
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
/* The reserve for requests that progress (read_deadline.h): past this many
   connections in use, requests read for longer than the grace are cut. */
#define PRESSURE_MARK (MAX_CONNECTIONS * 3 / 4)
#define PRESSURE_GRACE_MS 2000

typedef struct conn_state {
    char *body;
    size_t len, cap;
    int too_big;
    hook_call *pending; /* a delivery waiting for its commit */
} conn_state;

int server_channel_index(server_tenant *st, const char *name)
{
    for (size_t i = 0; i < st->rt->channel_count; i++)
        if (strcmp(st->rt->channels[i].config->name, name) == 0)
            return (int)i;
    return -1;
}

/* Queues `len` bytes of body (0: text's strlen; a NULL text is "{}") of
   `type`, freeing text. */
static enum MHD_Result send_body(struct MHD_Connection *conn, int status, char *text, size_t len,
                                 const char *type, int retry_after_s)
{
    const char *body = text ? text : "{}";
    struct MHD_Response *r = MHD_create_response_from_buffer(text && len ? len : strlen(body),
                                                             (void *)body, MHD_RESPMEM_MUST_COPY);
    free(text);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    if (retry_after_s > 0) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", retry_after_s);
        MHD_add_response_header(r, "Retry-After", secs);
    }
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, int status, char *text)
{
    return send_body(conn, status, text, 0, "application/json", 0);
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

/* Reserves a suspension before a delivery may suspend its connection,
   refused once the stop has begun: the stop's check that none is left and
   MHD_stop_daemon must not have a suspension start between them (MHD
   aborts the process on a connection still suspended at its stop). */
static int reserve_suspended(server_state *s)
{
    pthread_mutex_lock(&s->suspend_lock);
    int ok = !s->suspend_closed;
    if (ok)
        atomic_fetch_add(&s->suspended, 1);
    pthread_mutex_unlock(&s->suspend_lock);
    return ok;
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

/* Is /hooks/<tenant>/<channel> a tenant serve knows but cannot run, or a
   channel whose plugin is quarantined? The shop should deliver again. */
static int hook_unavailable(server_state *s, const char *url)
{
    char tenant[64];
    const char *p = url + strlen("/hooks/");
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 0 || n >= sizeof tenant)
        return 0;
    memcpy(tenant, p, n);
    tenant[n] = '\0';
    server_tenant *st = server_find_tenant(s, tenant);
    if (st == NULL)
        return server_tenant_broken(s, tenant);
    int ci = slash ? server_channel_index(st, slash + 1) : -1;
    return ci >= 0 && quarantine_reason(st->rt->channels[ci].plugin) != NULL;
}

/* A delivery answered without waiting for a commit (acknowledged with no
   orders, or refused): health notes it for its channel. */
static void note_hook_answer(server_state *s, const char *url, int status)
{
    char tenant[64];
    const char *p = url + strlen("/hooks/");
    const char *slash = strchr(p, '/');
    if (slash == NULL || (size_t)(slash - p) >= sizeof tenant)
        return;
    memcpy(tenant, p, (size_t)(slash - p));
    tenant[slash - p] = '\0';
    server_tenant *st = server_find_tenant(s, tenant);
    int ci = st ? server_channel_index(st, slash + 1) : -1;
    if (ci >= 0)
        server_note_webhook(st, ci, status);
}

/* Each listener answers only its own paths: webhooks on one, the admin
   API on the other (so a public webhook address never publishes it). */
static enum MHD_Result route(http_front *f, struct MHD_Connection *conn, const char *url,
                             const char *method, conn_state *cs)
{
    server_state *s = f->s;
    int status = 404;
    char *reply = NULL;
    if (cs->pending != NULL) { /* resumed after the group commit */
        server_note_webhook(cs->pending->st, cs->pending->ci,
                            cs->pending->job.rc == SL_OK ? 200 : 503);
        hooks_finish(cs->pending, &status, &reply);
        cs->pending = NULL;
        release_suspended(s);
    } else if (!f->admin && strncmp(url, "/hooks/", 7) == 0 && strcmp(method, "POST") == 0) {
        if (hook_unavailable(s, url)) {
            status = 503; /* not 404: the shop should deliver again later */
            reply = strdup("{\"status\":\"error\",\"detail\":\"not served now (a "
                           "configuration error or a stopped plugin); deliver again later\"}");
        } else if (cs->too_big) {
            status = 413;
            reply = strdup("{\"error\":\"body over the limit\"}");
        } else if (!reserve_suspended(s)) {
            status = 503; /* stopping: the shop delivers again to the next serve */
            reply = strdup("{\"status\":\"error\",\"detail\":\"stopping; deliver again later\"}");
        } else if (hooks_begin(s, url, cs->body ? cs->body : "", cs->len, conn, &cs->pending,
                               &status, &reply)) {
            return MHD_YES; /* suspended until the writer commits */
        } else {
            release_suspended(s); /* answered without suspending */
            note_hook_answer(s, url, status);
        }
    } else if (!f->admin && strncmp(url, "/pay/", 5) == 0 && !cs->too_big) {
        return pay_route_answer(s, conn, url, method, cs->body, cs->len);
    } else if (f->admin && strncmp(url, "/admin/", 7) == 0) {
        size_t len = 0;
        const char *type = "application/json";
        int retry_after_s = admin_handle(s, method, url, conn, &status, &reply, &len, &type);
        return send_body(conn, status, reply, len, type, retry_after_s);
    } else {
        reply = strdup("{\"error\":\"not found\"}");
    }
    return send_reply(conn, status, reply);
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static read_watch *watch_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* Every connection is watched for its read deadline from its opening to
   its closing (libmicrohttpd's threads call this). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    read_deadline *rd = &((http_front *)cls)->s->reads;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = info ? read_deadline_opened(rd, info->connect_fd, monotonic_ms()) : NULL;
    } else {
        read_deadline_closed(rd, *socket_context);
        *socket_context = NULL;
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    http_front *f = cls;
    server_state *s = f->s;
    size_t max = s->opt->max_body ? s->opt->max_body : DEFAULT_MAX_BODY;
    conn_state *cs = *con_cls;
    if (cs == NULL) {
        int refuse = lengths_conflict(conn) ? 400 : declared_too_big(conn, max) ? 413 : 0;
        if (refuse != 0) {
            read_deadline_request_read(&s->reads, watch_of(conn)); /* answered now */
            return send_reply(conn, refuse,
                              strdup(refuse == 400
                                         ? "{\"error\":\"Content-Length given twice, differently\"}"
                                         : "{\"error\":\"body over the limit\"}"));
        }
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
    read_deadline_request_read(&s->reads, watch_of(conn)); /* the body is in */
    return route(f, conn, url, method, cs);
}

/* A client that hung up while its delivery waited for the commit: MHD
   ends the connection after the writer resumed it without calling
   on_request again, so the delivery (committed: the shop may send it
   again, intake is idempotent) is freed and counted off here. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)code;
    server_state *s = ((http_front *)cls)->s;
    /* A next request on a kept-alive connection has its own deadline. */
    read_deadline_answered(&s->reads, watch_of(conn), monotonic_ms());
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

/* Opens front f's listener on `listen`; its bound port goes to
   port_file when given. */
static int start_http(http_front *f, const char *listen, const char *field, const char *port_file,
                      sl_error *err)
{
    struct sockaddr_in addr;
    int r = server_listen_parse(listen, field, &addr, err);
    if (r != SL_OK)
        return r;
    /* A small thread pool; deliveries wait for their commit suspended,
       not by holding a thread, so many connections share few threads. */
    f->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, f, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)HTTP_THREADS, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, f, MHD_OPTION_NOTIFY_CONNECTION, on_connection, f,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS_PER_ADDRESS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT_S, MHD_OPTION_END);
    if (f->mhd == NULL)
        return sl_error_set(err, SL_EIO, field, "cannot listen on %s: %s", listen, strerror(errno));
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(f->mhd, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    services_log(NULL, SL_LOG_INFO, "%s on %s (port %u), %zu tenant(s)",
                 f->admin ? "admin API" : "webhooks", listen, port,
                 (size_t)atomic_load(&f->s->tenant_count));
    if (port_file && write_port_file(port_file, port) != 0)
        return sl_error_set(err, SL_EIO, "port_file", "cannot write %s", port_file);
    return SL_OK;
}

static int start_listeners(server_state *s, sl_error *err)
{
    server_listen_plan plan;
    int r = server_listen_resolve(s->cfg, s->opt, &plan, err);
    if (r != SL_OK)
        return r;
    s->listen_text = plan.hooks;
    s->hooks_front = (http_front){.s = s, .admin = 0};
    s->admin_front = (http_front){.s = s, .admin = 1};
    r = start_http(&s->hooks_front, plan.hooks, "listen", s->opt->port_file, err);
    if (r == SL_OK)
        r = start_http(&s->admin_front, plan.admin, "admin_listen", s->opt->admin_port_file, err);
    return r;
}

/* Stops accepting, lets every suspended delivery get its commit and its
   answer (bounded), then stops the daemon: MHD aborts the process if it is
   stopped with a connection still suspended. */
#define STOP_SUSPENDED_WAIT_MS 3000

static int stop_http(server_state *s)
{
    if (s->admin_front.mhd != NULL) /* admin requests hold no suspended connection */
        MHD_stop_daemon(s->admin_front.mhd);
    if (s->hooks_front.mhd == NULL)
        return 1;
    MHD_quiesce_daemon(s->hooks_front.mhd);
    struct timespec until = server_deadline_in(STOP_SUSPENDED_WAIT_MS);
    pthread_mutex_lock(&s->suspend_lock);
    s->suspend_closed = 1; /* a request already read now gets 503, never a suspension */
    while (atomic_load(&s->suspended) > 0 &&
           pthread_cond_timedwait(&s->suspend_done, &s->suspend_lock, &until) == 0)
        ;
    int left = atomic_load(&s->suspended);
    pthread_mutex_unlock(&s->suspend_lock);
    if (left > 0) { /* MHD would abort on them: leave the daemon running */
        services_log(NULL, SL_LOG_ERROR, "%d deliveries still wait for their commit", left);
        return 0;
    }
    MHD_stop_daemon(s->hooks_front.mhd);
    return 1;
}

#define READ_SWEEP_MS 1000

/* Stop signals and SIGHUP are caught by a handler (not left to their
   default action in whichever thread the kernel picks) and turned into a
   byte on a pipe the main thread waits on: 'S' stop, 'H' reload. */
static int stop_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    char b = sig == SIGHUP ? 'H' : 'S';
    if (sig != SIGHUP)
        stop_signal = sig;
    ssize_t w = write(stop_pipe[1], &b, 1);
    (void)w;
}

static int install_signal_handlers(sl_error *err)
{
    if (pipe(stop_pipe) != 0)
        return sl_error_set(err, SL_EIO, "", "pipe: %s", strerror(errno));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return SL_OK;
}

/* Serves until a stop signal; each SIGHUP meanwhile re-reads conf.d. */
static void wait_for_stop(server_state *s)
{
    for (;;) {
        struct pollfd pfd = {.fd = stop_pipe[0], .events = POLLIN};
        if (poll(&pfd, 1, READ_SWEEP_MS) == 0) { /* the once-a-second sweep */
            size_t cut = read_deadline_sweep(&s->reads, monotonic_ms());
            if (cut > 0)
                services_log(NULL, SL_LOG_WARN,
                             "%zu connection(s) cut: no whole request within %lld ms, or slow "
                             "while connections ran short (%llu so far)",
                             cut, (long long)s->reads.deadline_ms,
                             (unsigned long long)s->reads.cut_total);
            continue;
        }
        char b;
        ssize_t n = read(stop_pipe[0], &b, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 1 && b == 'H') {
            services_log(NULL, SL_LOG_INFO, "SIGHUP: re-reading the configuration");
            server_tenants_reload(s);
            continue;
        }
        break;
    }
    services_log(NULL, SL_LOG_INFO, "signal %d: finishing in-flight work", (int)stop_signal);
}

static void restore_signals(void)
{
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    stop_pipe[0] = stop_pipe[1] = -1;
}

/* Quarantines what the last run died in, then marks this run's plugin
   calls (loader/quarantine.h). Without a usable state directory serve
   still runs, unprotected, and says so. */
static void start_markers(void)
{
    const char *dir = quarantine_state_dir();
    sl_error err = {.size = sizeof err};
    char path[4096];
    snprintf(path, sizeof path, "%s/%s%ld.map", dir, CALL_MARKER_PREFIX, (long)getpid());
    if (quarantine_prepare(dir, &err) == SL_OK) {
        quarantine_collect(dir);
        quarantine_enable(dir);
        services_markers_open(path, &err);
    }
    if (err.code != SL_OK)
        services_log(NULL, SL_LOG_ERROR, "plugin quarantine is off: %s", err.message);
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
    admin_throttle_init(&s.throttle);
    read_deadline_init(&s.reads,
                       opt->read_deadline_ms > 0 ? opt->read_deadline_ms
                                                 : SERVER_READ_DEADLINE_DEFAULT_MS,
                       PRESSURE_GRACE_MS, PRESSURE_MARK);
    services_http_restart();
    int r = install_signal_handlers(err);
    if (r != SL_OK)
        return r;
    start_markers();
    r = server_tenants_start(&s, cfg, err);
    if (r == SL_OK)
        r = start_listeners(&s, err);
    pthread_t sched;
    int sched_started = 0;
    if (r == SL_OK && !opt->no_scheduler) {
        r = scheduler_start(&s, &sched);
        sched_started = r == SL_OK;
        if (r != SL_OK)
            sl_error_set(err, r, "scheduler", "cannot start the scheduler");
    }
    if (r == SL_OK)
        wait_for_stop(&s);
    pthread_mutex_lock(&s.sched_lock);
    atomic_store(&s.stopping, 1);
    pthread_cond_broadcast(&s.sched_wake);
    pthread_mutex_unlock(&s.sched_lock);
    services_http_stop(); /* remote calls in flight give up now */
    int http_stopped = stop_http(&s);
    if (sched_started)
        pthread_join(sched, NULL);
    server_tenants_close(&s);
    services_markers_close(); /* no plugin call is left to mark */
    quarantine_enable(NULL);
    restore_signals();
    pthread_cond_destroy(&s.suspend_done);
    pthread_cond_destroy(&s.sched_wake);
    pthread_mutex_destroy(&s.sched_lock);
    pthread_mutex_destroy(&s.suspend_lock);
    admin_throttle_destroy(&s.throttle);
    if (http_stopped) /* else its threads may still tell of a closing connection */
        read_deadline_free(&s.reads);
    return r;
}
