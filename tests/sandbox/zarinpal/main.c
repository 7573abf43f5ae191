/*
 * zarinpal_sandbox: an emulated ZarinPal REST v4 gateway for tests.
 *   zarinpal_sandbox --port 0 --port-file PATH [--fee-permille N]
 * Listens on 127.0.0.1 only; the chosen port goes to --port-file once the
 * socket listens. POST /pg/v4/payment/<call>.json is the API (api.c),
 * GET /pg/StartPay/<authority> the buyer's page and simulator (buyer.c),
 * /__sandbox/ the test knobs. SIGTERM/SIGINT stop it cleanly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sbc.h"
#include "zsb.h"

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

static enum MHD_Result route(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const sbc_body *b)
{
    zsb *s = cls;
    zsb_reply r = {.status = 404, .type = "application/json"};
    static const char API[] = "/pg/v4/payment/", START[] = "/pg/StartPay/";
    if (b->too_big) {
        r.status = 413;
        r.body = strdup("{\"error\":\"too large\"}");
    } else if (strncmp(url, "/__sandbox/", 11) == 0) {
        zsb_knob(s, url + 11, b->p, b->len, &r);
    } else if (strncmp(url, API, sizeof API - 1) == 0 && strcmp(method, "POST") == 0) {
        zsb_api(s, url + sizeof API - 1, b->p, b->len, &r);
    } else if (strncmp(url, START, sizeof START - 1) == 0 && strcmp(method, "GET") == 0) {
        zsb_start_pay(s, url + sizeof START - 1,
                      MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "action"), &r);
    } else {
        r.body = strdup("{\"error\":\"not found\"}");
    }
    return send_reply(c, &r);
}

int main(int argc, char **argv)
{
    sbc_listen l = {0};
    long long fee = 10;
    int bad = argc % 2 == 0;
    for (int i = 1; i + 1 < argc && !bad; i += 2) {
        int taken = sbc_listen_arg(&l, argv[i], argv[i + 1]);
        if (taken == 0 && strcmp(argv[i], "--fee-permille") == 0)
            bad = sbc_number(argv[i], argv[i + 1], 0, 1000, &fee) != 0;
        else if (taken == 0) {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            bad = 1;
        } else
            bad = taken < 0;
    }
    if (bad || l.port_file == NULL) {
        fprintf(stderr, "usage: zarinpal_sandbox --port N --port-file PATH "
                        "[--fee-permille N]\n");
        return 2;
    }
    sbc_signals_block();
    static zsb s;
    pthread_mutex_init(&s.mu, NULL);
    s.next_ref = 38104251;
    s.fee_permille = fee;
    sbc_http h;
    sbc_http_opts o = {.port = l.port, .max_body = ZSB_MAX_BODY, .per_connection = 1};
    int rc = sbc_http_start(&h, &o, route, &s) == 0 ? sbc_serve_until_stopped(&h, &l) : 1;
    sbc_http_stop(&h);
    pthread_mutex_destroy(&s.mu);
    return rc;
}
