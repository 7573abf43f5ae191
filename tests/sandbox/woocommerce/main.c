/*
 * woo_sandbox: an emulated WooCommerce store for end-to-end tests and the
 * README demo. Modes:
 *   woo_sandbox --seed FILE --port 0 --port-file PATH [--scheme http]
 *       [--consumer-key ck --consumer-secret cs] [--webhook-url URL
 *       --webhook-secret S] [--delivery-delay-ms N] [--state-file PATH]
 *       [--tls-cert PEM --tls-key PEM]  (https + Basic auth, as a real
 *       store on https; OAuth is then refused like any unknown scheme)
 *   (without --webhook-url the webhooks exist but stay paused until
 *   PUT /webhooks/{id} gives them a delivery_url)
 *   woo_sandbox --receiver ...     (webhook capture, see receiver.c)
 *   woo_sandbox --sign-url METHOD URL KEY SECRET [sha1|sha256]
 *   woo_sandbox --version
 * Listens on 127.0.0.1 only; the chosen port goes to --port-file once the
 * socket listens. SIGTERM/SIGINT stop it cleanly (state file written).
 */
#include "sb.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct opts {
    const char *seed, *scheme, *key, *secret, *state_file;
    const char *tls_cert, *tls_key;
    sb_hook_opts hooks;
    sbc_listen l;
} opts;

static int usage(void)
{
    fprintf(stderr, "usage: woo_sandbox --seed FILE.json --port N --port-file PATH\n"
                    "         [--scheme http] [--consumer-key ck_x --consumer-secret cs_x]\n"
                    "         [--webhook-url URL --webhook-secret S] [--delivery-delay-ms N]\n"
                    "         [--state-file PATH] [--tls-cert PEM --tls-key PEM]\n"
                    "       woo_sandbox --receiver --port N --port-file F --capture-dir D\n"
                    "       woo_sandbox --sign-url METHOD URL KEY SECRET [sha1|sha256]\n"
                    "       woo_sandbox --version\n");
    return 2;
}

static int parse_opts(int argc, char **argv, opts *o)
{
    long long n;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "%s: missing value\n", a);
            return -1;
        }
        int taken = sbc_listen_arg(&o->l, a, v);
        if (taken != 0) {
            if (taken < 0)
                return -1;
        } else if (strcmp(a, "--seed") == 0)
            o->seed = v;
        else if (strcmp(a, "--scheme") == 0)
            o->scheme = v;
        else if (strcmp(a, "--consumer-key") == 0)
            o->key = v;
        else if (strcmp(a, "--consumer-secret") == 0)
            o->secret = v;
        else if (strcmp(a, "--state-file") == 0)
            o->state_file = v;
        else if (strcmp(a, "--tls-cert") == 0)
            o->tls_cert = v;
        else if (strcmp(a, "--tls-key") == 0)
            o->tls_key = v;
        else if (strcmp(a, "--webhook-url") == 0)
            o->hooks.url = v;
        else if (strcmp(a, "--webhook-secret") == 0)
            o->hooks.secret = v;
        else if (strcmp(a, "--delivery-delay-ms") == 0) {
            if (sbc_number(a, v, 0, 3600000, &n))
                return -1;
            o->hooks.delay_ms = n;
        } else {
            fprintf(stderr, "unknown option %s\n", a);
            return -1;
        }
    }
    if (!o->seed || !o->l.port_file) {
        fprintf(stderr, "--seed and --port-file are required\n");
        return -1;
    }
    if (!o->tls_cert != !o->tls_key) {
        fprintf(stderr, "--tls-cert and --tls-key go together\n");
        return -1;
    }
    if (o->tls_cert)
        o->scheme = "https";
    else if (strcmp(o->scheme, "http") != 0) {
        fprintf(stderr, "--scheme: https needs --tls-cert and --tls-key\n");
        return -1;
    }
    return 0;
}

static int run(const opts *o)
{
    sb_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.consumer_key = o->key;
    ctx.consumer_secret = o->secret;
    ctx.scheme = o->scheme;
    ctx.state_file = o->state_file;
    if (o->tls_cert && (!(ctx.tls_cert = sb_read_file(o->tls_cert, 65536, NULL)) ||
                        !(ctx.tls_key = sb_read_file(o->tls_key, 65536, NULL)))) {
        fprintf(stderr, "cannot read --tls-cert / --tls-key\n");
        free(ctx.tls_cert);
        return 1;
    }
    if (sb_store_load(&ctx, o->seed) != 0) {
        free(ctx.tls_cert);
        free(ctx.tls_key);
        return 1;
    }
    sbc_http h;
    if (sb_api_start(&ctx, &h, o->l.port) != 0) {
        sb_store_free(&ctx.store);
        free(ctx.tls_cert);
        free(ctx.tls_key);
        return 1;
    }
    snprintf(ctx.store.site_url, sizeof ctx.store.site_url, "%s://127.0.0.1:%u", o->scheme, h.port);
    if (sb_hooks_start(&ctx, &o->hooks) != 0)
        fprintf(stderr, "webhooks: cannot start the delivery thread\n");
    int rc = sbc_serve_until_stopped(&h, &o->l);
    sbc_http_stop(&h);
    sb_hooks_stop(&ctx);
    if (o->state_file && sb_store_save(&ctx, o->state_file) != 0) {
        fprintf(stderr, "cannot write state file %s\n", o->state_file);
        rc = 1;
    }
    sb_store_free(&ctx.store);
    free(ctx.tls_cert);
    free(ctx.tls_key);
    return rc;
}

int main(int argc, char **argv)
{
    opts o = {.scheme = "http", .key = "ck_sandbox", .secret = "cs_sandbox"};
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("%s\n", SB_VERSION);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--sign-url") == 0)
        return sb_sign_url_main(argc - 2, argv + 2);
    sbc_signals_block(); /* taken by sigwait in the main thread only */
    if (argc >= 2 && strcmp(argv[1], "--receiver") == 0)
        return sb_receiver_main(argc - 2, argv + 2);
    if (parse_opts(argc, argv, &o) != 0)
        return usage();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = run(&o);
    curl_global_cleanup();
    return rc;
}
