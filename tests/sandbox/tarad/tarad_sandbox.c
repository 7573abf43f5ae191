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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "sbc.h"
#include "tsb.h"

#define MAX_BODY (1u << 20)

static enum MHD_Result reply(struct MHD_Connection *c, int status, json_t *j)
{
    return sbc_reply_json(c, status, j, JSON_COMPACT | JSON_REAL_PRECISION(15), "application/json");
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

static enum MHD_Result route(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const sbc_body *b)
{
    tsb_state *s = cls;
    if (strcmp(method, "GET") == 0 && strcmp(url, "/__sandbox/state") == 0)
        return reply(c, 200,
                     json_pack("{s:s, s:O, s:O}", "target", s->target, "orders", s->orders,
                               "deliveries", s->deliveries));
    if (strcmp(method, "POST") != 0)
        return reply_error(c, 404, "no route");
    if (b->too_big)
        return reply_error(c, 413, "body too large");
    json_t *spec = b->len ? json_loadb(b->p, b->len, 0, NULL) : json_object();
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

static int usage(void)
{
    fprintf(stderr, "usage: tarad_sandbox --port N [--port-file F] "
                    "(--token T | --token-file F) [--target URL] "
                    "[--hex-signature] [--first-order-no N]\n");
    return 2;
}

static int parse_args(int argc, char **argv, tsb_state *s, sbc_listen *l)
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
        int taken = sbc_listen_arg(l, a, v);
        if (taken != 0) {
            if (taken < 0)
                return -1;
        } else if (strcmp(a, "--token") == 0) {
            free(s->token);
            s->token = strdup(v);
        } else if (strcmp(a, "--token-file") == 0) {
            free(s->token);
            if ((s->token = sbc_read_first_line(v)) == NULL)
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
    return s->token != NULL ? 0 : -1;
}

int main(int argc, char **argv)
{
    tsb_state s = {.next_no = 100001};
    sbc_listen l = {0};
    if (parse_args(argc, argv, &s, &l) != 0) {
        free(s.token);
        return usage();
    }
    sbc_signals_block(); /* before MHD's thread starts */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    s.orders = json_object();
    s.deliveries = json_array();
    /* One thread serves requests, so the state needs no lock. */
    sbc_http h;
    sbc_http_opts o = {.port = l.port, .max_body = MAX_BODY, .timeout_s = 30};
    int rc = sbc_http_start(&h, &o, route, &s) == 0 ? sbc_serve_until_stopped(&h, &l) : 1;
    sbc_http_stop(&h);
    json_decref(s.orders);
    json_decref(s.deliveries);
    free(s.token);
    curl_global_cleanup();
    return rc;
}
