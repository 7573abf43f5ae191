/*
 * Loader cost (prints figures; not a test): the first load of a plugin
 * (dlopen with RTLD_NOW, entry call, table validation, caps/slots check),
 * then repeated loads of the same file (dlopen only bumps a refcount, so
 * this is the validation path), and validation alone.
 *
 * usage: bench_loader [PLUGIN.so] [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "loader/loader.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : SL_TEST_PLUGIN_DIR "/testshop.so";
    int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 100000;
    if (n < 1 || n > 10000000)
        return 2;
    sl_error err = {.size = sizeof err};
    loaded_plugin *p = NULL;
    double t0 = now_us();
    if (loader_open(path, &p, &err) != SL_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double first = now_us() - t0;
    const sl_plugin *table = p->table;
    loader_free(p);

    t0 = now_us();
    for (int i = 0; i < n; i++) {
        if (loader_open(path, &p, &err) != SL_OK)
            return 1;
        loader_free(p);
    }
    double again = (now_us() - t0) / n;

    t0 = now_us();
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad += loader_validate(table, path, &err) != SL_OK;
    double validate = (now_us() - t0) / n;

    printf("plugin %s\n", path);
    printf("first load (dlopen RTLD_NOW + entry + validation): %.1f us\n", first);
    printf("repeated load of the loaded file (%d times): %.3f us each\n", n, again);
    printf("table validation alone (versions, size, caps vs slots): %.3f us each%s\n", validate,
           bad ? " (FAILED)" : "");
    return 0;
}
