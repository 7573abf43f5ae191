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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asb.h"
#include "aw.h"
#include "sbc.h"

/* Holds an answer back for delay_ms, unless the sandbox is stopping. */
static void hold(const asb *s, int64_t delay_ms)
{
    for (int64_t left = delay_ms; left > 0 && !s->stopping; left -= 50) {
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
}

static enum MHD_Result route(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const sbc_body *b)
{
    asb *s = cls;
    if (b->too_big)
        return sbc_reply(c, 413, strdup("request too large"), "text/plain");
    int status = 404;
    char *out = NULL;
    if (strncmp(url, "/__sandbox/", 11) == 0) {
        asb_knob(s, method, url + 11, b->p, b->len, &status, &out);
        return sbc_reply(c, status, out, "application/json");
    }
    if (strcmp(method, "POST") != 0)
        return sbc_reply(c, 405, strdup("SOAP calls are POSTs"), "text/plain");
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    int64_t delay = 0;
    asb_api(s, auth, b->p, b->len, &status, &out, &delay);
    hold(s, delay);
    return sbc_reply(c, status, out, "text/xml; charset=utf-8");
}

int main(int argc, char **argv)
{
    static asb s; /* large: the parcel table */
    sbc_listen l = {0};
    long long step = 3600;
    int bad = argc % 2 == 0;
    s.username = "aseman-sandbox";
    s.password = "aseman-sandbox-pass";
    for (int i = 1; i + 1 < argc && !bad; i += 2) {
        int taken = sbc_listen_arg(&l, argv[i], argv[i + 1]);
        if (taken != 0)
            bad = taken < 0;
        else if (strcmp(argv[i], "--username") == 0)
            s.username = argv[i + 1];
        else if (strcmp(argv[i], "--password") == 0)
            s.password = argv[i + 1];
        else if (strcmp(argv[i], "--step-seconds") == 0)
            bad = sbc_number(argv[i], argv[i + 1], 1, INT64_MAX / 2, &step) != 0;
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            bad = 1;
        }
    }
    if (bad || l.port_file == NULL) {
        fprintf(stderr, "usage: asemanweb_sandbox --port N --port-file PATH "
                        "[--username U] [--password P] [--step-seconds N]\n");
        return 2;
    }
    s.step_s = step;
    sbc_signals_block();
    pthread_mutex_init(&s.mu, NULL);
    sl_xml_init();
    /* A thread per connection: a "timeout" fault holding one answer back
       does not stall the knobs. */
    sbc_http h;
    sbc_http_opts o = {.port = l.port, .max_body = ASB_MAX_BODY, .per_connection = 1};
    int rc = sbc_http_start(&h, &o, route, &s) == 0 ? sbc_serve_until_stopped(&h, &l) : 1;
    s.stopping = 1; /* cuts a held answer short, so the stop does not wait */
    sbc_http_stop(&h);
    pthread_mutex_destroy(&s.mu);
    return rc;
}
