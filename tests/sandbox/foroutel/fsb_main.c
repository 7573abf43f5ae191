/*
 * foroutel_sandbox: the emulated Foroutel seller web service (README.md
 * here) on 1..3 loopback ports, the "three equivalent servers". Each port
 * is its own libmicrohttpd daemon; the knobs reach the shared state from
 * any of them:
 *
 *   POST /ws/v1/rest/{group}/{method}.json   the service (form body)
 *   GET  /__sandbox/state                    parcels, clock, counters
 *   POST /__sandbox/clock {"advance_s": N}   moves the service's clock
 *   POST /__sandbox/next {...}               knobs of the next registration
 *   POST /__sandbox/parcel/{factor} {...}    outcome or a forced label
 *   POST /__sandbox/down {"server": I}       stops server I (0-based)
 *   POST /__sandbox/up {"server": I}         starts it again, same port
 *
 * Binds 127.0.0.1 only; --port-file gets one port per line once all
 * listen. SIGTERM/SIGINT stop it cleanly.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "fsb.h"

#define MAX_BODY (1u << 20)
#define MAX_DELAY_MS 10000
#define SERVICE_PREFIX "/ws/v1/rest/"

typedef struct server {
    fsb_state *state;
    int index;
    unsigned port;
    struct MHD_Daemon *daemon;
} server;

static server SERVERS[FSB_MAX_SERVERS];
static int SERVER_COUNT = 1;
static pthread_mutex_t SERVERS_LOCK = PTHREAD_MUTEX_INITIALIZER;

typedef struct conn_buf {
    char *data;
    size_t len;
    int too_big;
} conn_buf;

static enum MHD_Result reply(struct MHD_Connection *c, int status, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text)
        text = strdup("{}");
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, int status, const char *why)
{
    return reply(c, status, json_pack("{s:s}", "error", why));
}

static struct MHD_Daemon *start_daemon(server *sv);

/* Knobs down/up: server I stops listening (connections are refused) or
   listens again on its port. The server answering the knob cannot stop. */
static enum MHD_Result power(server *self, struct MHD_Connection *c, const json_t *spec, int up)
{
    json_int_t i = json_integer_value(json_object_get(spec, "server"));
    if (!json_is_integer(json_object_get(spec, "server")) || i < 0 || i >= SERVER_COUNT ||
        i == self->index)
        return reply_error(c, 400, "server must be another server's index");
    pthread_mutex_lock(&SERVERS_LOCK);
    server *sv = &SERVERS[i];
    int ok = 1;
    if (!up && sv->daemon) {
        MHD_stop_daemon(sv->daemon);
        sv->daemon = NULL;
    } else if (up && !sv->daemon) {
        sv->daemon = start_daemon(sv);
        ok = sv->daemon != NULL;
    }
    pthread_mutex_unlock(&SERVERS_LOCK);
    return ok ? reply(c, 200, json_pack("{s:I, s:b}", "server", i, "up", up))
              : reply_error(c, 500, "cannot listen again");
}

static enum MHD_Result knob(server *sv, struct MHD_Connection *c, const char *url,
                            const conn_buf *b)
{
    fsb_state *s = sv->state;
    json_t *spec = b->len ? json_loadb(b->data, b->len, 0, NULL) : json_object();
    if (!spec)
        return reply_error(c, 400, "body is not JSON");
    enum MHD_Result rc;
    if (strcmp(url, "/__sandbox/clock") == 0) {
        pthread_mutex_lock(&s->lock);
        s->clock_s += json_integer_value(json_object_get(spec, "advance_s"));
        json_int_t now = s->clock_s;
        pthread_mutex_unlock(&s->lock);
        rc = reply(c, 200, json_pack("{s:I}", "clock_s", now));
    } else if (strcmp(url, "/__sandbox/next") == 0) {
        pthread_mutex_lock(&s->lock);
        json_object_update(s->next, spec);
        pthread_mutex_unlock(&s->lock);
        rc = reply(c, 200, json_incref(spec));
    } else if (strncmp(url, "/__sandbox/parcel/", 18) == 0) {
        rc = fsb_parcel_knob(s, url + 18, spec) == 0 ? reply(c, 200, json_incref(spec))
                                                     : reply_error(c, 404, "no such factor");
    } else if (strcmp(url, "/__sandbox/down") == 0 || strcmp(url, "/__sandbox/up") == 0) {
        rc = power(sv, c, spec, url[11] == 'u');
    } else {
        rc = reply_error(c, 404, "no route");
    }
    json_decref(spec);
    return rc;
}

static enum MHD_Result service(server *sv, struct MHD_Connection *c, const char *url,
                               const conn_buf *b)
{
    pthread_mutex_lock(&sv->state->lock);
    sv->state->requests[sv->index]++;
    pthread_mutex_unlock(&sv->state->lock);
    json_t *form = fsb_form_parse(b->data ? b->data : "", b->len);
    int64_t delay = 0;
    json_t *answer = fsb_call(sv->state, url + strlen(SERVICE_PREFIX), form, &delay);
    json_decref(form);
    if (delay > 0) { /* a slow service (knob), bounded */
        struct timespec ts = {.tv_sec = (delay > MAX_DELAY_MS ? MAX_DELAY_MS : delay) / 1000,
                              .tv_nsec = (delay % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    return reply(c, 200, answer); /* HTTP 200 always, as the service */
}

static enum MHD_Result route(server *sv, struct MHD_Connection *c, const char *method,
                             const char *url, const conn_buf *b)
{
    if (strcmp(method, "GET") == 0 && strcmp(url, "/__sandbox/state") == 0)
        return reply(c, 200, fsb_parcels_view(sv->state));
    if (strcmp(method, "POST") != 0)
        return reply_error(c, 404, "no route");
    if (b->too_big)
        return reply_error(c, 413, "body too large");
    if (strncmp(url, SERVICE_PREFIX, strlen(SERVICE_PREFIX)) == 0)
        return service(sv, c, url, b);
    if (strncmp(url, "/__sandbox/", 11) == 0)
        return knob(sv, c, url, b);
    return reply_error(c, 404, "no route");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *size, void **con_cls)
{
    (void)version;
    conn_buf *b = *con_cls;
    if (!b) {
        if (!(b = calloc(1, sizeof *b)))
            return MHD_NO;
        *con_cls = b;
        return MHD_YES;
    }
    if (*size > 0) {
        if (b->len + *size > MAX_BODY) {
            b->too_big = 1;
        } else {
            char *n = realloc(b->data, b->len + *size + 1);
            if (!n)
                return MHD_NO;
            memcpy(n + b->len, data, *size);
            b->data = n;
            b->len += *size;
            b->data[b->len] = '\0';
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
    if (b) {
        free(b->data);
        free(b);
    }
    *con_cls = NULL;
}

static struct MHD_Daemon *start_daemon(server *sv)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)sv->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handler, sv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        (unsigned int)1, MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30, MHD_OPTION_END);
    if (!d)
        return NULL;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_in got;
    socklen_t gl = sizeof got;
    if (!info || getsockname(info->listen_fd, (struct sockaddr *)&got, &gl)) {
        MHD_stop_daemon(d);
        return NULL;
    }
    sv->port = ntohs(got.sin_port);
    return d;
}

/* city_id -> province_id of the city list CSV (header names the columns). */
static json_t *load_cities(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    json_t *ids = json_object();
    char line[1024];
    int city_col = -1, prov_col = -1, first = 1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *cols[16];
        int n = 0;
        for (char *save = NULL, *t = strtok_r(line, ",", &save); t && n < 16;
             t = strtok_r(NULL, ",", &save))
            cols[n++] = t;
        if (first) {
            for (int i = 0; i < n; i++) {
                if (strcmp(cols[i], "city_id") == 0)
                    city_col = i;
                if (strcmp(cols[i], "province_id") == 0)
                    prov_col = i;
            }
            first = 0;
        } else if (city_col >= 0 && prov_col >= 0 && n > city_col && n > prov_col) {
            json_object_set_new(ids, cols[city_col], json_string(cols[prov_col]));
        }
    }
    fclose(f);
    if (city_col < 0 || prov_col < 0) {
        json_decref(ids);
        return NULL;
    }
    return ids;
}

static char *read_first_line(const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[512];
    if (!f || !fgets(buf, sizeof buf, f)) {
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
    fprintf(stderr, "usage: foroutel_sandbox --cities FILE.csv (--api-key K | --api-key-file F)\n"
                    "       [--servers 1..3] [--port-file F] [--clock-s UTC_SECONDS]\n"
                    "       [--first-factor N]\n");
    return 2;
}

static int parse_args(int argc, char **argv, fsb_state *s, const char **port_file)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        char *end = NULL;
        errno = 0;
        if (strcmp(a, "--servers") == 0) {
            SERVER_COUNT = (int)strtol(v, &end, 10);
            if (*end || SERVER_COUNT < 1 || SERVER_COUNT > FSB_MAX_SERVERS)
                return -1;
        } else if (strcmp(a, "--port-file") == 0) {
            *port_file = v;
        } else if (strcmp(a, "--api-key") == 0) {
            free(s->api_key);
            s->api_key = strdup(v);
        } else if (strcmp(a, "--api-key-file") == 0) {
            free(s->api_key);
            if (!(s->api_key = read_first_line(v)))
                return -1;
        } else if (strcmp(a, "--cities") == 0) {
            json_decref(s->city_ids);
            if (!(s->city_ids = load_cities(v)))
                return -1;
        } else if (strcmp(a, "--clock-s") == 0) {
            s->clock_s = strtoll(v, &end, 10);
            if (errno || *end)
                return -1;
        } else if (strcmp(a, "--first-factor") == 0) {
            s->next_factor = strtoll(v, &end, 10);
            if (errno || *end || s->next_factor <= 0)
                return -1;
        } else {
            return -1;
        }
    }
    return (argc % 2 == 1 && s->api_key && s->city_ids) ? 0 : -1;
}

static int write_ports(const char *path)
{
    if (!path)
        return 0;
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    int bad = 0;
    for (int i = 0; i < SERVER_COUNT; i++)
        bad |= fprintf(f, "%u\n", SERVERS[i].port) < 0;
    bad |= fclose(f) != 0;
    return bad || rename(tmp, path) != 0 ? -1 : 0; /* whole file or none */
}

int main(int argc, char **argv)
{
    fsb_state s = {.clock_s = (int64_t)time(NULL), .next_factor = 9204518};
    pthread_mutex_init(&s.lock, NULL);
    const char *port_file = NULL;
    s.parcels = json_object();
    s.next = json_object();
    int rc = parse_args(argc, argv, &s, &port_file) == 0 ? 0 : 2;
    if (rc)
        usage();
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* before any daemon thread */
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; rc == 0 && i < SERVER_COUNT; i++) {
        SERVERS[i] = (server){.state = &s, .index = i};
        if (!(SERVERS[i].daemon = start_daemon(&SERVERS[i])))
            rc = 1;
    }
    if (rc == 0 && write_ports(port_file) != 0)
        rc = 1;
    if (rc == 0) {
        int sig = 0;
        sigwait(&set, &sig);
    }
    pthread_mutex_lock(&SERVERS_LOCK);
    for (int i = 0; i < SERVER_COUNT; i++)
        if (SERVERS[i].daemon)
            MHD_stop_daemon(SERVERS[i].daemon);
    pthread_mutex_unlock(&SERVERS_LOCK);
    json_decref(s.parcels);
    json_decref(s.next);
    json_decref(s.city_ids);
    free(s.api_key);
    return rc;
}
