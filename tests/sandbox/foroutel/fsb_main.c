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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "fsb.h"
#include "sbc.h"

#define MAX_BODY (1u << 20)
#define MAX_DELAY_MS 10000
#define SERVICE_PREFIX "/ws/v1/rest/"

typedef struct server {
    fsb_state *state;
    int index;
    unsigned port; /* 0 until first bound, then kept for "up" */
    sbc_http http; /* http.daemon NULL: down */
} server;

static server SERVERS[FSB_MAX_SERVERS];
static int SERVER_COUNT = 1;
static pthread_mutex_t SERVERS_LOCK = PTHREAD_MUTEX_INITIALIZER;

static enum MHD_Result reply(struct MHD_Connection *c, int status, json_t *j)
{
    return sbc_reply_json(c, status, j, JSON_COMPACT, "application/json; charset=utf-8");
}

static enum MHD_Result reply_error(struct MHD_Connection *c, int status, const char *why)
{
    return reply(c, status, json_pack("{s:s}", "error", why));
}

static int start_server(server *sv);

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
    if (!up && sv->http.daemon) {
        sbc_http_stop(&sv->http);
    } else if (up && !sv->http.daemon) {
        ok = start_server(sv) == 0;
    }
    pthread_mutex_unlock(&SERVERS_LOCK);
    return ok ? reply(c, 200, json_pack("{s:I, s:b}", "server", i, "up", up))
              : reply_error(c, 500, "cannot listen again");
}

static enum MHD_Result knob(server *sv, struct MHD_Connection *c, const char *url,
                            const sbc_body *b)
{
    fsb_state *s = sv->state;
    json_t *spec = b->len ? json_loadb(b->p, b->len, 0, NULL) : json_object();
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
                               const sbc_body *b)
{
    pthread_mutex_lock(&sv->state->lock);
    sv->state->requests[sv->index]++;
    pthread_mutex_unlock(&sv->state->lock);
    json_t *form = fsb_form_parse(b->p, b->len);
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

static enum MHD_Result route(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const sbc_body *b)
{
    server *sv = cls;
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

/* Listens on the server's port (a free one the first time); keeps the
   port, so "up" listens where "down" stopped. 0 or -1. */
static int start_server(server *sv)
{
    sbc_http_opts o = {.port = sv->port, .max_body = MAX_BODY, .timeout_s = 30, .reuse_address = 1};
    if (sbc_http_start(&sv->http, &o, route, sv) != 0)
        return -1;
    sv->port = sv->http.port;
    return 0;
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

static int usage(void)
{
    fprintf(stderr, "usage: foroutel_sandbox --cities FILE.csv (--api-key K | --api-key-file F)\n"
                    "       [--servers 1..3] [--port-file F] [--clock-s UTC_SECONDS]\n"
                    "       [--first-factor N]\n");
    return 2;
}

static int parse_args(int argc, char **argv, fsb_state *s, sbc_listen *l)
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
            l->port_file = v;
        } else if (strcmp(a, "--api-key") == 0) {
            free(s->api_key);
            s->api_key = strdup(v);
        } else if (strcmp(a, "--api-key-file") == 0) {
            free(s->api_key);
            if (!(s->api_key = sbc_read_first_line(v)))
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

/* Every server's port, one a line (no --port-file: nothing). 0 or -1. */
static int write_ports(const char *path)
{
    unsigned ports[FSB_MAX_SERVERS];
    for (int i = 0; i < SERVER_COUNT; i++)
        ports[i] = SERVERS[i].port;
    return path ? sbc_write_ports(path, ports, SERVER_COUNT) : 0;
}

int main(int argc, char **argv)
{
    fsb_state s = {.clock_s = (int64_t)time(NULL), .next_factor = 9204518};
    pthread_mutex_init(&s.lock, NULL);
    sbc_listen l = {0};
    s.parcels = json_object();
    s.next = json_object();
    int rc = parse_args(argc, argv, &s, &l) == 0 ? 0 : 2;
    if (rc)
        usage();
    sbc_signals_block(); /* before any daemon thread */
    for (int i = 0; rc == 0 && i < SERVER_COUNT; i++) {
        SERVERS[i] = (server){.state = &s, .index = i};
        if (start_server(&SERVERS[i]) != 0)
            rc = 1;
    }
    if (rc == 0 && write_ports(l.port_file) != 0)
        rc = 1;
    if (rc == 0)
        sbc_wait_stop();
    pthread_mutex_lock(&SERVERS_LOCK);
    for (int i = 0; i < SERVER_COUNT; i++)
        sbc_http_stop(&SERVERS[i].http);
    pthread_mutex_unlock(&SERVERS_LOCK);
    json_decref(s.parcels);
    json_decref(s.next);
    json_decref(s.city_ids);
    free(s.api_key);
    return rc;
}
