/*
 * `woo_sandbox --receiver`: a tiny webhook receiver for the shell tests.
 * Every request is stored in --capture-dir as NNNNNN.json (method, path,
 * headers, body, and signature_ok when --webhook-secret is given) plus
 * NNNNNN.body (the raw body bytes). It answers --respond-status (200 by
 * default); GET or POST /__receiver/status/NNN changes that at run time.
 */
#include "sb.h"

#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct receiver {
    pthread_mutex_t mu;
    const char *dir, *secret;
    int status;
    long seq;
} receiver;

typedef struct rconn {
    char *body;
    size_t len;
} rconn;

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    json_object_set_new(cls, key, json_string(value ? value : ""));
    return MHD_YES;
}

static void store(receiver *r, struct MHD_Connection *conn, const char *method, const char *url,
                  const rconn *c)
{
    json_t *headers = json_object();
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header, headers);
    json_t *rec = json_pack("{s:s, s:s, s:o, s:s%}", "method", method, "path", url, "headers",
                            headers, "body", c->body ? c->body : "", c->len);
    const char *sig = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-WC-Webhook-Signature");
    if (r->secret && sig) {
        char *want = sb_hmac_b64(1, r->secret, strlen(r->secret), c->body ? c->body : "", c->len);
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
            fwrite(c->body, 1, c->len, f);
        fclose(f);
    }
    char *text = json_dumps(rec, JSON_INDENT(1));
    snprintf(path, sizeof path, "%s/%06ld.json", r->dir, n);
    if (text)
        sb_write_file_atomic(path, text);
    free(text);
    json_decref(rec);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *size, void **con_cls)
{
    receiver *r = cls;
    rconn *c = *con_cls;
    if (!c) {
        *con_cls = c = calloc(1, sizeof *c);
        return c ? MHD_YES : MHD_NO;
    }
    if (*size) {
        if (c->len + *size > SB_MAX_BODY)
            return MHD_NO;
        char *nb = realloc(c->body, c->len + *size + 1);
        if (!nb)
            return MHD_NO;
        c->body = nb;
        memcpy(c->body + c->len, data, *size);
        c->len += *size;
        c->body[c->len] = '\0';
        *size = 0;
        return MHD_YES;
    }
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
    free(c->body);
    free(c);
    *con_cls = NULL;
    return rc;
}

int sb_receiver_main(int argc, char **argv)
{
    receiver r = {.status = 200};
    const char *port_file = NULL;
    unsigned port = 0, bound = 0;
    for (int i = 0; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0)
            port = (unsigned)strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--port-file") == 0)
            port_file = argv[i + 1];
        else if (strcmp(argv[i], "--capture-dir") == 0)
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
    if (!r.dir || !port_file) {
        fprintf(stderr, "usage: woo_sandbox --receiver --port N --port-file F "
                        "--capture-dir D [--webhook-secret S] [--respond-status N]\n");
        return 2;
    }
    pthread_mutex_init(&r.mu, NULL);
    struct MHD_Daemon *d = sb_http_start(port, (void *)handler, &r, &bound);
    if (!d) {
        fprintf(stderr, "receiver: cannot listen on 127.0.0.1:%u\n", port);
        return 1;
    }
    char text[32];
    snprintf(text, sizeof text, "%u\n", bound);
    if (sb_write_file_atomic(port_file, text) != 0)
        fprintf(stderr, "receiver: cannot write %s\n", port_file);
    sb_wait_signal();
    MHD_stop_daemon(d);
    pthread_mutex_destroy(&r.mu);
    return 0;
}
