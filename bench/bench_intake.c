/*
 * bench_intake: how fast the inbox takes orders, next to the raw SQLite
 * ceiling on the same disk in the same run (figures, not a test; compare
 * the ratios, the machine is shared).
 *
 *   raw insert 1 row/tx     ~1.5 KB rows, one fsync'd commit each
 *   raw insert 100 rows/tx  the same rows grouped
 *   inbox_intake 100/tx     full intake (validate, canonical JSON, SHA-256,
 *                           item + revision + event) in batches of 100
 *   duplicates 100/tx       the same orders delivered again
 *   arrival append 100/tx   what serve writes before it answers a webhook:
 *                           orders prepared beforehand (the HTTP threads
 *                           do that), one queue row each
 *   filing 256/tx           those arrivals filed into the inbox later
 *
 * Usage: bench_intake [DIR] [N]  (DIR default /tmp, N orders default 10000)
 * Synchronous is FULL as in production.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inbox/inbox.h"
#include "shopledger/sdkutil.h"

#define ROW_BYTES 1500
#define BATCH 100

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const sl_error *err)
{
    fprintf(stderr, "bench_intake: %s: %s\n", what, err ? err->message : "");
    exit(1);
}

static void remove_db(const char *path)
{
    char p[600];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

/* Inserts n rows of ROW_BYTES, `per_tx` per transaction; returns rows/s. */
static double raw_insert(store *s, int n, int per_tx, int base)
{
    sl_error err = {.size = sizeof err};
    static char body[ROW_BYTES];
    memset(body, 'x', sizeof body);
    double t = now_s();
    for (int i = 0; i < n; i += per_tx) {
        if (store_begin(s, &err) != SL_OK)
            die("begin", &err);
        for (int k = i; k < i + per_tx && k < n; k++) {
            sqlite3_stmt *st = store_stmt(s, "INSERT INTO bench_raw(k, body) VALUES(?1, ?2)", &err);
            char key[32];
            snprintf(key, sizeof key, "raw-%d", base + k);
            sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
            sqlite3_bind_blob(st, 2, body, sizeof body, SQLITE_STATIC);
            if (st == NULL || store_step_done(s, st, &err) != SL_OK)
                die("insert", &err);
        }
        if (store_commit(s, &err) != SL_OK)
            die("commit", &err);
    }
    return n / (now_s() - t);
}

/* A realistic order whose raw payload is about ROW_BYTES. */
static order *make_order(int i)
{
    sl_error err = {.size = sizeof err};
    order *o = order_new("bench", "woo");
    char id[32];
    snprintf(id, sizeof id, "%d", 100000 + i);
    int bad = order_set_text(o, SL_ORDER_EXTERNAL_ID, id, &err) |
              order_set_text(o, SL_ORDER_STATUS, "processing", &err) |
              order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err) |
              order_set_text(o, SL_ORDER_EMAIL, "buyer@example.com", &err) |
              order_set_money(o, SL_ORDER_TOTAL, "36.30", &err) |
              order_set_money(o, SL_ORDER_TOTAL_TAX, "6.30", &err) |
              order_set_time(o, SL_ORDER_MODIFIED, 1717000000000LL + i, &err);
    for (int k = 0; k < 3 && !bad; k++) {
        order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
        char sku[16];
        snprintf(sku, sizeof sku, "SKU-%d", k);
        bad |= l == NULL || order_line_set_text(o, l, SL_LINE_SKU, sku, &err) |
                                order_line_set_money(o, l, SL_LINE_TOTAL, "10.00", &err) |
                                order_line_add_tax(o, l, "1", "2.10", &err);
    }
    char raw[ROW_BYTES + 1];
    memset(raw, ' ', ROW_BYTES);
    int n = snprintf(raw, sizeof raw, "{\"id\":%s,\"status\":\"processing\"}", id);
    raw[n] = ' ';
    bad |= order_set_raw(o, raw, ROW_BYTES, &err);
    if (bad)
        die("building an order", &err);
    return o;
}

/* Intakes orders [0, n) in batches; returns orders/s and counts results. */
static double intake_run(store *s, order **orders, int n, int *dups)
{
    sl_error err = {.size = sizeof err};
    *dups = 0;
    double t = now_s();
    for (int i = 0; i < n; i += BATCH) {
        if (store_begin(s, &err) != SL_OK)
            die("begin", &err);
        for (int k = i; k < i + BATCH && k < n; k++) {
            int result;
            int64_t id;
            if (inbox_intake(s, orders[k], 1, &result, &id, &err) != SL_OK)
                die("intake", &err);
            *dups += result == INBOX_DUPLICATE;
        }
        if (store_commit(s, &err) != SL_OK)
            die("commit", &err);
    }
    return n / (now_s() - t);
}

/* Prepares orders [0, n) (not timed: the HTTP threads' work). */
static inbox_arrival *prepare_all(order **orders, int n)
{
    sl_error err = {.size = sizeof err};
    inbox_arrival *a = calloc((size_t)n, sizeof *a);
    for (int i = 0; a && i < n; i++)
        if (inbox_arrival_prepare(orders[i], &a[i], &err) != SL_OK)
            die("prepare", &err);
    return a;
}

/* Appends arrivals [0, n) in batches; returns orders/s. */
static double append_run(store *s, const inbox_arrival *a, int n)
{
    sl_error err = {.size = sizeof err};
    double t = now_s();
    for (int i = 0; i < n; i += BATCH) {
        if (store_begin(s, &err) != SL_OK)
            die("begin", &err);
        for (int k = i; k < i + BATCH && k < n; k++)
            if (inbox_arrival_append(s, &a[k], 1, &err) != SL_OK)
                die("append", &err);
        if (store_commit(s, &err) != SL_OK)
            die("commit", &err);
    }
    return n / (now_s() - t);
}

/* Files every queued arrival, 256 per transaction; returns orders/s. */
static double filing_run(store *s, int n)
{
    sl_error err = {.size = sizeof err};
    double t = now_s();
    int total = 0, sorted = 0;
    do {
        if (inbox_arrivals_sort(s, 256, &sorted, NULL, &err) != SL_OK)
            die("filing", &err);
        total += sorted;
    } while (sorted > 0 && total < n);
    return total / (now_s() - t);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    int n = 10000;
    if (argc > 2) {
        char *end = NULL;
        long v = strtol(argv[2], &end, 10);
        if (end == argv[2] || *end || v < BATCH || v > 1000000) {
            fprintf(stderr, "usage: bench_intake [DIR] [N >= %d]\n", BATCH);
            return 2;
        }
        n = (int)v;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/bench_intake_%d.db", dir, (int)getpid());
    remove_db(path);
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    if (store_open(path, &s, &err) != SL_OK)
        die("open", &err);
    if (sqlite3_exec(store_db(s),
                     "CREATE TABLE bench_raw(id INTEGER PRIMARY KEY, "
                     "k TEXT NOT NULL UNIQUE, body BLOB NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK)
        die("create", NULL);

    int single = n / 10 < 2000 ? n / 10 : 2000;
    double r1 = raw_insert(s, single, 1, 0);
    double r100 = raw_insert(s, n, BATCH, single);

    order **orders = malloc(sizeof *orders * (size_t)n);
    if (orders == NULL)
        die("out of memory", NULL);
    for (int i = 0; i < n; i++)
        orders[i] = make_order(i);
    int dups = 0;
    double in_new = intake_run(s, orders, n, &dups);
    double in_dup = intake_run(s, orders, n, &dups);

    order **fresh = malloc(sizeof *fresh * (size_t)n);
    if (fresh == NULL)
        die("out of memory", NULL);
    for (int i = 0; i < n; i++)
        fresh[i] = make_order(n + i);
    inbox_arrival *arrivals = prepare_all(fresh, n);
    if (arrivals == NULL)
        die("out of memory", NULL);
    double appended = append_run(s, arrivals, n);
    double filed = filing_run(s, n);

    printf("bench_intake (%s, synchronous=FULL, rows ~%d B)\n", dir, ROW_BYTES);
    printf("  raw insert      1 row/tx  : %9.0f rows/s   (%d rows)\n", r1, single);
    printf("  raw insert    %3d rows/tx : %9.0f rows/s   (%d rows)\n", BATCH, r100, n);
    printf("  inbox_intake  %3d/tx new  : %9.0f orders/s (%d orders)\n", BATCH, in_new, n);
    printf("  inbox_intake  %3d/tx dup  : %9.0f orders/s (%d of %d dups)\n", BATCH, in_dup, dups,
           n);
    printf("  intake / raw(100/tx)      : %9.2f\n", in_new / r100);
    printf("  arrival append %3d/tx     : %9.0f orders/s (%.2f of raw)\n", BATCH, appended,
           appended / r100);
    printf("  filing arrivals 256/tx    : %9.0f orders/s\n", filed);
    for (int i = 0; i < n; i++) {
        inbox_arrival_clear(&arrivals[i]);
        order_free(fresh[i]);
    }
    free(arrivals);
    free(fresh);

    for (int i = 0; i < n; i++)
        order_free(orders[i]);
    free(orders);
    store_close(s);
    remove_db(path);
    return 0;
}
