/*
 * mozello_sandbox: an emulated Mozello Store API for end-to-end tests and
 * `shopledger plugin check`.
 *   mozello_sandbox --seed FILE --port N --port-file PATH [--api-key KEY]
 *       [--alias ALIAS] [--notify-url URL] [--rate-limit N]
 *       [--retry-base-ms N] [--retry-window-s N]
 *   mozello_sandbox --version
 * Listens on 127.0.0.1 only; the bound port goes to --port-file once the
 * socket listens. SIGTERM/SIGINT stop it cleanly.
 */
#include "msb.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct opts {
    const char *seed, *api_key, *alias, *notify_url;
    sbc_listen l;
    long rate_limit;
    msb_notify_opts n;
} opts;

static int usage(void)
{
    fprintf(stderr, "usage: mozello_sandbox --seed FILE --port N --port-file PATH\n"
                    "         [--api-key MZL-...] [--alias ALIAS] [--notify-url URL]\n"
                    "         [--rate-limit N] [--retry-base-ms N] [--retry-window-s N]\n"
                    "       mozello_sandbox --version\n");
    return 2;
}

static int num(const char *name, const char *v, long max, long *out)
{
    long long x;
    if (sbc_number(name, v, 0, max, &x) != 0)
        return -1;
    *out = (long)x;
    return 0;
}

static int parse(int argc, char **argv, opts *o)
{
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return fprintf(stderr, "%s: missing value\n", a), -1;
        int taken = sbc_listen_arg(&o->l, a, v);
        if (taken != 0) {
            if (taken < 0)
                return -1;
        } else if (!strcmp(a, "--seed"))
            o->seed = v;
        else if (!strcmp(a, "--api-key"))
            o->api_key = v;
        else if (!strcmp(a, "--alias"))
            o->alias = v;
        else if (!strcmp(a, "--notify-url"))
            o->notify_url = v;
        else if (!strcmp(a, "--rate-limit")) {
            if (num(a, v, 1000000, &o->rate_limit))
                return -1;
        } else if (!strcmp(a, "--retry-base-ms")) {
            if (num(a, v, 3600000, &o->n.retry_base_ms))
                return -1;
        } else if (!strcmp(a, "--retry-window-s")) {
            if (num(a, v, 30 * 86400, &o->n.retry_window_s))
                return -1;
        } else
            return fprintf(stderr, "unknown option %s\n", a), -1;
    }
    if (!o->seed || !o->l.port_file)
        return fprintf(stderr, "--seed and --port-file are required\n"), -1;
    return 0;
}

static int run(const opts *o)
{
    msb s;
    memset(&s, 0, sizeof s);
    s.api_key = o->api_key;
    s.alias = o->alias;
    s.rate_limit = o->rate_limit;
    if (msb_load(&s, o->seed) != 0)
        return 1;
    s.notify_url = o->notify_url ? strdup(o->notify_url) : NULL;
    if (msb_notify_start(&s, &o->n) != 0)
        fprintf(stderr, "notifications: cannot start the delivery thread\n");
    sbc_http h;
    int rc = msb_start(&s, &h, o->l.port) == 0 ? sbc_serve_until_stopped(&h, &o->l) : 1;
    sbc_http_stop(&h);
    msb_notify_stop(&s);
    msb_free(&s);
    return rc;
}

int main(int argc, char **argv)
{
    opts o = {.api_key = "MZL-sandbox",
              .alias = "sandbox-shop",
              .rate_limit = 300,
              .n = {.retry_base_ms = 1000, .retry_window_s = 48 * 3600}};
    if (argc >= 2 && strcmp(argv[1], "--version") == 0)
        return printf("%s\n", MSB_VERSION), 0;
    sbc_signals_block(); /* taken by sigwait in the main thread only */
    if (parse(argc, argv, &o) != 0)
        return usage();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = run(&o);
    curl_global_cleanup();
    return rc;
}
