/*
 * bench_export [N]: memory of `shopledger export documents` over a ledger
 * of N documents (default 100000) and over N/10, to show the export runs
 * in bounded memory (rows are streamed, nothing accumulates). Builds a
 * throw-away tenant in a temporary directory, runs the real binary and
 * prints its peak RSS (getrusage of the child) and the time it took.
 * Prints figures; never pass/fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ledger/ledger.h"
#include "shopledger/sdkutil.h"
#include "store/store.h"

#define BATCH 1000

static int fill(const char *db, long n)
{
    store *s = NULL;
    sl_error err = {.size = sizeof err};
    if (store_open_ex(db, STORE_OPEN_FAST, &s, &err) != SL_OK) {
        fprintf(stderr, "bench_export: %s\n", err.message);
        return -1;
    }
    int rc = SL_OK;
    for (long i = 0; i < n && rc == SL_OK; i++) {
        if (i % BATCH == 0 && (rc = store_begin(s, &err)) != SL_OK)
            break;
        char ext[32];
        snprintf(ext, sizeof ext, "%ld", i + 1);
        ledger_doc *d = ledger_doc_new(LEDGER_INVOICE, "shop", ext);
        ledger_line *l = d ? ledger_doc_add_line(d, "product", "SKU-1", "Mug, blue \"large\"") : NULL;
        if (l == NULL) {
            ledger_doc_free(d);
            rc = SL_ENOMEM;
            break;
        }
        snprintf(d->currency, sizeof d->currency, "EUR");
        d->exponent = 2;
        l->qty_milli = 1000, l->unit_price = 1000 + i % 9000, l->tax_percent_milli = 21000;
        l->net = l->unit_price, l->tax = l->net * 21 / 100;
        ledger_doc_sum(d);
        rc = ledger_doc_insert(s, d, 1764633600000LL + i * 1000, &err);
        if (rc == SL_OK)
            rc = ledger_assign_number(s, d, "B", &err);
        ledger_doc_free(d);
        if (rc == SL_OK && (i % BATCH == BATCH - 1 || i == n - 1))
            rc = store_commit(s, &err);
    }
    if (rc != SL_OK)
        fprintf(stderr, "bench_export: fill: %s\n", err.message);
    store_close(s);
    return rc == SL_OK ? 0 : -1;
}

/* Runs the export in a child; prints its peak RSS and wall time. */
static int run_export(const char *dir, long n)
{
    char conf[600], db[600], ini[700];
    snprintf(conf, sizeof conf, "%s/conf-%ld", dir, n);
    snprintf(db, sizeof db, "%s/bench-%ld.db", dir, n);
    snprintf(ini, sizeof ini, "%s/bench.ini", conf);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", conf);
    if (system(cmd) != 0 || fill(db, n) != 0)
        return -1;
    FILE *f = fopen(ini, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "[tenant]\nid = bench\ncurrency = EUR\ndatabase = %s\n", db);
    fclose(f);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid == 0) {
        execl(SL_SHOPLEDGER_BIN, "shopledger", "--conf", conf, "export", "documents", "bench", "-o",
              "/dev/null", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_export: export of %ld failed\n", n);
        return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("export documents: %7ld rows  peak RSS %6ld KB  %5ld ms\n", n, ru.ru_maxrss, ms);
    return 0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    if (n < 10) {
        fprintf(stderr, "usage: bench_export [N>=10]\n");
        return 2;
    }
    char dir[] = "/tmp/sl-bench-export.XXXXXX";
    if (mkdtemp(dir) == NULL)
        return 1;
    int rc = run_export(dir, n / 10) || run_export(dir, n);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc ? 1 : 0;
}
