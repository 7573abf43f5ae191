/*
 * unas_sandbox: an emulated UNAS shop API for end-to-end tests.
 *   unas_sandbox --seed FILE --port 0 --port-file PATH [--api-key KEY]
 *                [--subscription premium|vip]
 * Listens on 127.0.0.1 only; the chosen port goes to --port-file once the
 * socket listens. POST /shop/{function} is the API (api.c); /__sandbox/
 * holds the test knobs (knobs.c). SIGTERM/SIGINT stop it cleanly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbc.h"
#include "usb.h"

static enum MHD_Result route(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const sbc_body *b)
{
    usb *s = cls;
    if (b->too_big)
        return sbc_reply(c, 413, strdup("<Error>request too large</Error>"), "application/xml");
    int status = 404;
    char *out = NULL;
    if (strncmp(url, "/__sandbox/", 11) == 0) {
        usb_knob(s, method, url + 11, b->p, b->len, &status, &out);
        return sbc_reply(c, status, out, "application/json");
    }
    if (strncmp(url, "/shop/", 6) == 0 && strcmp(method, "POST") == 0) {
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        usb_api(s, url + 6, auth, b->p, b->len, &status, &out);
        return sbc_reply(c, status, out, "application/xml; charset=UTF-8");
    }
    return sbc_reply(c, 404, strdup("<Error>Not found</Error>"), "application/xml");
}

int main(int argc, char **argv)
{
    const char *seed = NULL, *key = "unas-sandbox-key", *sub = NULL;
    sbc_listen l = {0};
    int bad = argc % 2 == 0;
    for (int i = 1; i + 1 < argc && !bad; i += 2) {
        int taken = sbc_listen_arg(&l, argv[i], argv[i + 1]);
        if (taken != 0)
            bad = taken < 0;
        else if (strcmp(argv[i], "--seed") == 0)
            seed = argv[i + 1];
        else if (strcmp(argv[i], "--api-key") == 0)
            key = argv[i + 1];
        else if (strcmp(argv[i], "--subscription") == 0)
            sub = argv[i + 1];
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            bad = 1;
        }
    }
    if (bad || seed == NULL || l.port_file == NULL) {
        fprintf(stderr, "usage: unas_sandbox --seed FILE --port N --port-file PATH "
                        "[--api-key KEY] [--subscription premium|vip]\n");
        return 2;
    }
    sbc_signals_block();
    usb s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.mu, NULL);
    s.api_key = key;
    sl_xml_init();
    int rc = usb_load(&s, seed);
    if (rc == 0 && sub != NULL)
        s.vip = strcmp(sub, "vip") == 0;
    sbc_http h = {0};
    sbc_http_opts o = {.port = l.port, .max_body = USB_MAX_BODY};
    if (rc == 0)
        rc = sbc_http_start(&h, &o, route, &s) == 0 ? sbc_serve_until_stopped(&h, &l) : 1;
    else
        rc = 1;
    sbc_http_stop(&h);
    usb_free(&s);
    pthread_mutex_destroy(&s.mu);
    return rc;
}
