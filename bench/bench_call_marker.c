/*
 * Cost of the plugin call bracket (prints figures; not a test):
 * services_call_begin + services_call_end with the call markers off (as
 * every command but serve runs) and on (serve: a store into an mmap'd
 * slot before the call and after it, plus a clock read), on one context;
 * and on while two contexts alternate (the slot's text is rewritten on
 * every call: the worst case, a thread switching channels each call).
 *
 * usage: bench_call_marker [ITERATIONS] (default 10000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "services/call_marker.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double per_call_ns(sl_ctx *a, sl_ctx *b, long n)
{
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        sl_ctx *c = (i & 1) ? b : a;
        services_call_begin(c);
        services_call_end(c);
    }
    return (now_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000000;
    if (n < 1 || n > 1000000000)
        return 2;
    config_channel ch = {.name = "woo", .plugin = "woocommerce"};
    config_tenant t = {.id = "bench"};
    sl_ctx *a = services_ctx_new(&t, &ch, NULL), *b = services_ctx_new(&t, &ch, NULL);
    if (a == NULL || b == NULL)
        return 1;
    services_ctx_set_plugin_file(a, "/usr/lib/shopledger/plugins/woocommerce.so", 1);
    services_ctx_set_plugin_file(b, "/usr/lib/shopledger/plugins/woocommerce.so", 1);
    double off = per_call_ns(a, a, n);
    char path[64];
    snprintf(path, sizeof path, "/tmp/bench-call-marker-%ld.map", (long)getpid());
    sl_error err = {.size = sizeof err};
    if (services_markers_open(path, &err) != SL_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double on = per_call_ns(a, a, n);
    double alternating = per_call_ns(a, b, n);
    services_markers_close();
    printf("call bracket, %ld calls: markers off %.1f ns, on %.1f ns (x%.2f), "
           "on with two contexts alternating %.1f ns\n",
           n, off, on, on / off, alternating);
    services_ctx_free(a);
    services_ctx_free(b);
    return 0;
}
