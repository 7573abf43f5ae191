/*
 * `woo_sandbox --receiver`: a tiny webhook receiver for the shell tests.
 * Every request is stored in --capture-dir as NNNNNN.json (method, path,
 * headers, body, and signature_ok when --webhook-secret is given) plus
 * NNNNNN.body (the raw body bytes). It answers --respond-status (200 by
 * default); GET or POST /__receiver/status/NNN changes that at run time.
 */
#include "sb.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct receiver {
    pthread_mutex_t mu;
    const char *dir, *secret;
    int status;
    long seq;
} receiver;

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    json_object_set_new(cls, key, json_string(value ? value : ""));
    return MHD_YES;
}

static void store(receiver *r, struct MHD_Connection *conn, const char *method, const char *url,
                  const sbc_body *c)
{
    json_t *headers = json_object();
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header, headers);
    json_t *rec = json_pack("{s:s, s:s, s:o, s:s%}", "method", method, "path", url, "headers",
                            headers, "body", c->p, c->len);
    const char *sig = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-WC-Webhook-Signature");
    if (r->secret && sig) {
        char *want = sb_hmac_b64(1, r->secret, strlen(r->secret), c->p, c->len);
        json_object_set_new(rec, "signature_ok", json_boolean(want && strcmp(want, sig) == 0));
        free(want);
    }
    char path[4096];
    pthread_mutex_lock(&r->mu);
    long n = ++r->seq;
    pthread_mutex_unlock(&r->mu);
    snprintf(path, sizeof path, "%s/%06ld.body", r->dir, n);
    FILE *f = fopen(path, "wb");
    if (f) {
        if (c->len)
            fwrite(c->p, 1, c->len, f);
        fclose(f);
    }
    char *text = json_dumps(rec, JSON_INDENT(1));
    snprintf(path, sizeof path, "%s/%06ld.json", r->dir, n);
    if (text)
        sbc_write_file_atomic(path, text);
    free(text);
    json_decref(rec);
}

static enum MHD_Result route(void *cls, struct MHD_Connection *conn, const char *url,
                             const char *method, const sbc_body *c)
{
    receiver *r = cls;
    if (c->too_big)
        return MHD_NO; /* a capture never needs one: close the connection */
    int status;
    if (strncmp(url, "/__receiver/status/", 19) == 0) {
        pthread_mutex_lock(&r->mu);
        r->status = (int)strtol(url + 19, NULL, 10);
        pthread_mutex_unlock(&r->mu);
        status = 200;
    } else {
        store(r, conn, method, url, c);
        pthread_mutex_lock(&r->mu);
        status = r->status;
        pthread_mutex_unlock(&r->mu);
    }
    static char ok[] = "ok\n";
    struct MHD_Response *resp = MHD_create_response_from_buffer(3, ok, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return rc;
}

int sb_receiver_main(int argc, char **argv)
{
    receiver r = {.status = 200};
    sbc_listen l = {0};
    for (int i = 0; i + 1 < argc; i += 2) {
        int taken = sbc_listen_arg(&l, argv[i], argv[i + 1]);
        if (taken < 0)
            return 2;
        if (taken > 0)
            continue;
        if (strcmp(argv[i], "--capture-dir") == 0)
            r.dir = argv[i + 1];
        else if (strcmp(argv[i], "--webhook-secret") == 0)
            r.secret = argv[i + 1];
        else if (strcmp(argv[i], "--respond-status") == 0)
            r.status = (int)strtol(argv[i + 1], NULL, 10);
        else {
            fprintf(stderr, "receiver: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!r.dir || !l.port_file) {
        fprintf(stderr, "usage: woo_sandbox --receiver --port N --port-file F "
                        "--capture-dir D [--webhook-secret S] [--respond-status N]\n");
        return 2;
    }
    pthread_mutex_init(&r.mu, NULL);
    sbc_http h;
    sbc_http_opts o = {.port = l.port, .max_body = SB_MAX_BODY, .pool = 4, .timeout_s = 30};
    if (sbc_http_start(&h, &o, route, &r) != 0)
        return 1;
    /* Without its port file a test cannot reach it; it waits to be
       stopped all the same, as it always did. */
    if (sbc_serve_until_stopped(&h, &l) != 0)
        sbc_wait_stop();
    sbc_http_stop(&h);
    pthread_mutex_destroy(&r.mu);
    return 0;
}
