/*
 * bench_export [N]: `shopledger export` over a tenant of N orders (default
 * 100000) and over N/10, to show an export runs in bounded memory (rows
 * are streamed, nothing accumulates) and how fast. Each order is in the
 * inbox (a normalized order with a product, a shipping and a discount
 * line) and booked as an invoice linked to it, so `export orders` does its
 * per-order document lookup. Runs the real binary in a child for: orders
 * as CSV, orders as XLSX, documents as CSV; prints the child's peak RSS
 * (getrusage), wall time and rows per second. Prints figures; never
 * pass/fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inbox/inbox.h"
#include "ledger/ledger.h"
#include "order/order.h"
#include "shopledger/sdkutil.h"
#include "store/store.h"

#define BATCH 1000
#define T0_MS 1764633600000LL /* 2025-12-02 00:00 UTC */

static int set_line(order *o, int kind, const char *sku, const char *name, const char *total,
                    sl_error *err)
{
    order_line *l = order_add_line(o, kind, err);
    if (l == NULL)
        return err->code;
    int rc = order_line_set_text(o, l, SL_LINE_SKU, sku, err);
    if (rc == SL_OK)
        rc = order_line_set_text(o, l, kind == SL_LINE_DISCOUNT ? SL_LINE_METHOD_ID : SL_LINE_NAME,
                                 name, err);
    if (rc == SL_OK)
        rc = order_line_set_money(o, l, SL_LINE_TOTAL, total, err);
    return rc;
}

/* The shop order number i, as a connector would have built it. */
static order *make_order(long i, sl_error *err)
{
    order *o = order_new("bench", "shop");
    if (o == NULL)
        return NULL;
    char ext[32], total[32], num[32], email[64];
    snprintf(ext, sizeof ext, "%ld", i + 1);
    snprintf(num, sizeof num, "W-%06ld", i + 1);
    snprintf(total, sizeof total, "%ld.%02ld", 10 + i % 90, i % 100);
    snprintf(email, sizeof email, "buyer%ld@example.com", i % 5000);
    int rc = order_set_text(o, SL_ORDER_EXTERNAL_ID, ext, err);
    const struct {
        int field;
        const char *value;
    } texts[] = {{SL_ORDER_CURRENCY, "EUR"},
                 {SL_ORDER_NUMBER, num},
                 {SL_ORDER_STATUS, "processing"},
                 {SL_ORDER_STATUS_NORMALIZED, "confirmed"},
                 {SL_ORDER_EMAIL, email},
                 {SL_ORDER_FIRST_NAME, "Jānis"},
                 {SL_ORDER_LAST_NAME, "Bērziņš, \"Jr\""},
                 {SL_ORDER_PAYMENT_METHOD, "stripe"},
                 {SL_ORDER_TRANSACTION_ID, "pi_3Nx8bench"}};
    for (size_t k = 0; rc == SL_OK && k < sizeof texts / sizeof texts[0]; k++)
        rc = order_set_text(o, texts[k].field, texts[k].value, err);
    if (rc == SL_OK)
        rc = order_set_money(o, SL_ORDER_TOTAL, total, err);
    if (rc == SL_OK)
        rc = order_set_time(o, SL_ORDER_CREATED, T0_MS + i * 1000, err);
    if (rc == SL_OK)
        rc = set_line(o, SL_LINE_PRODUCT, "MUG-1", "Mug, blue \"large\"", total, err);
    if (rc == SL_OK)
        rc = set_line(o, SL_LINE_SHIPPING, "", "Flat rate", "0.00", err);
    if (rc == SL_OK)
        rc = set_line(o, SL_LINE_DISCOUNT, "", "WELCOME10", "0.00", err);
    if (rc != SL_OK) {
        order_free(o);
        return NULL;
    }
    return o;
}

/* The invoice of order i, linked to it. */
static int book(store *s, long i, int64_t now_ms, sl_error *err)
{
    char ext[32];
    snprintf(ext, sizeof ext, "%ld", i + 1);
    ledger_doc *d = ledger_doc_new(LEDGER_INVOICE, "shop", ext);
    ledger_line *l = d ? ledger_doc_add_line(d, "product", "MUG-1", "Mug, blue \"large\"") : NULL;
    if (l == NULL) {
        ledger_doc_free(d);
        return sl_error_set(err, SL_ENOMEM, "bench", "out of memory");
    }
    snprintf(d->currency, sizeof d->currency, "EUR");
    d->exponent = 2;
    l->qty_milli = 1000, l->unit_price = 1000 + i % 9000, l->tax_percent_milli = 21000;
    l->net = l->unit_price, l->tax = l->net * 21 / 100;
    ledger_doc_sum(d);
    int rc = ledger_doc_insert(s, d, now_ms, err);
    if (rc == SL_OK)
        rc = ledger_assign_number(s, d, "B", err);
    if (rc == SL_OK)
        rc = ledger_link_put(s, "shop", ext, d->id, err);
    ledger_doc_free(d);
    return rc;
}

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
        int64_t now = T0_MS + i * 1000 + 500, item = 0;
        int result = 0;
        order *o = make_order(i, &err);
        rc = o ? inbox_intake(s, o, now, &result, &item, &err) : SL_ENOMEM;
        order_free(o);
        if (rc == SL_OK)
            rc = book(s, i, now, &err);
        if (rc == SL_OK && (i % BATCH == BATCH - 1 || i == n - 1))
            rc = store_commit(s, &err);
    }
    if (rc != SL_OK)
        fprintf(stderr, "bench_export: fill: %s\n", err.message);
    store_close(s);
    return rc == SL_OK ? 0 : -1;
}

/* One export in a child; prints its peak RSS, wall time and rate. */
static int run_one(const char *conf, const char *what, const char *format, long n)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid == 0) {
        char out[700];
        snprintf(out, sizeof out, "%s/out.%s", conf, format);
        execl(SL_SHOPLEDGER_BIN, "shopledger", "--conf", conf, "export", what, "bench", "--format",
              format, "-o", out, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_export: export %s of %ld failed\n", what, n);
        return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("export %-9s %-4s %7ld rows  peak RSS %7ld KB  %6ld ms  %8ld rows/s\n", what, format, n,
           ru.ru_maxrss, ms, ms > 0 ? n * 1000 / ms : 0);
    fflush(stdout);
    return 0;
}

static int run_size(const char *dir, long n)
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
    fprintf(f, "[tenant]\nid = bench\ncurrency = EUR\ndatabase = %s\ntimezone = Europe/Riga\n", db);
    fclose(f);
    return run_one(conf, "orders", "csv", n) || run_one(conf, "orders", "xlsx", n) ||
           run_one(conf, "documents", "csv", n);
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
    int rc = run_size(dir, n / 10) || run_size(dir, n);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc ? 1 : 0;
}
