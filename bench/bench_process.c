/*
 * bench_process: inbox -> posted invoice with payment, postings and stock
 * movement, processed in batched transactions (BATCH items per commit),
 * and, in the same run on the same disk, the raw SQLite insert rate of
 * 1.5 KB rows at the same batch size, so the two can be compared.
 * Prints figures; it is not a pass/fail test.
 *   bench_process [ORDERS] [BATCH]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "inbox/inbox.h"
#include "order/order.h"
#include "rules/rules.h"
#include "store/store.h"

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void die(const char *what, const sl_error *err)
{
    fprintf(stderr, "bench_process: %s: %s\n", what, err->message);
    exit(1);
}

static order *make_order(int i)
{
    sl_error err = {.size = sizeof(err)};
    order *o = order_new("bench", "shop");
    char id[32];
    snprintf(id, sizeof(id), "%d", i);
    int bad = order_set_text(o, SL_ORDER_EXTERNAL_ID, id, &err) ||
              order_set_text(o, SL_ORDER_STATUS, "processing", &err) ||
              order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err) ||
              order_set_text(o, SL_ORDER_EMAIL, "b@example.com", &err) ||
              order_set_text(o, SL_ORDER_PAYMENT_METHOD, "bacs", &err) ||
              order_set_money(o, SL_ORDER_TOTAL, "30.25", &err) ||
              order_set_money(o, SL_ORDER_TOTAL_TAX, "5.25", &err);
    static const char *const skus[] = {"A", "B", "C"};
    for (int k = 0; k < 3 && !bad; k++) {
        order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
        bad = !l || order_line_set_text(o, l, SL_LINE_SKU, skus[k], &err) ||
              order_line_set_text(o, l, SL_LINE_TAX_RATE_ID, "1", &err) ||
              order_line_set_money(o, l, SL_LINE_TOTAL, k ? "5.00" : "15.00", &err) ||
              order_line_set_money(o, l, SL_LINE_TOTAL_TAX, k ? "1.05" : "3.15", &err);
    }
    if (bad)
        die("order", &err);
    return o;
}

static void intake_all(store *s, int n, int batch)
{
    sl_error err = {.size = sizeof(err)};
    for (int i = 0; i < n; i += batch) {
        if (store_begin(s, &err))
            die("begin", &err);
        for (int k = i; k < n && k < i + batch; k++) {
            order *o = make_order(k);
            int result;
            int64_t id;
            if (inbox_intake(s, o, 1000, &result, &id, &err))
                die("intake", &err);
            order_free(o);
        }
        if (store_commit(s, &err))
            die("commit", &err);
    }
}

static int process_all(store *s, const config_tenant *t, int batch)
{
    sl_error err = {.size = sizeof(err)};
    int64_t *ids = malloc(sizeof(*ids) * (size_t)batch);
    int done = 0, n = 0;
    do {
        if (inbox_pending(s, 2000, ids, batch, &n, &err) || store_begin(s, &err))
            die("pending", &err);
        for (int i = 0; i < n; i++) {
            inbox_item *it = NULL;
            int st;
            if (inbox_load(s, ids[i], &it, &err) || rules_apply(s, t, it, 2000, &st, &err))
                die("process", &err);
            inbox_item_free(it);
        }
        if (store_commit(s, &err))
            die("commit", &err);
        done += n;
    } while (n == batch);
    free(ids);
    return done;
}

static double raw_insert_rate(store *s, int n, int batch)
{
    sl_error err = {.size = sizeof(err)};
    sqlite3 *db = store_db(s);
    sqlite3_exec(db, "CREATE TABLE bench_raw(id INTEGER PRIMARY KEY, body TEXT)", 0, 0, 0);
    char body[1536];
    memset(body, 'x', sizeof(body) - 1);
    body[sizeof(body) - 1] = '\0';
    int64_t t0 = now_us();
    for (int i = 0; i < n; i += batch) {
        if (store_begin(s, &err))
            die("begin", &err);
        for (int k = i; k < n && k < i + batch; k++) {
            sqlite3_stmt *st = store_stmt(s, "INSERT INTO bench_raw(body) VALUES(?)", &err);
            sqlite3_bind_text(st, 1, body, -1, SQLITE_STATIC);
            if (store_step_done(s, st, &err))
                die("raw insert", &err);
        }
        if (store_commit(s, &err))
            die("commit", &err);
    }
    return n * 1e6 / (double)(now_us() - t0);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 20000;
    int batch = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 100;
    if (n <= 0 || batch <= 0)
        return 2;
    const char *ini = "bench-process.ini", *db = "bench-process.db";
    FILE *f = fopen(ini, "w");
    if (!f)
        return 1;
    fputs("[tenant]\nid = bench\ncurrency = EUR\ndatabase = bench-process.db\n"
          "vat_registered = yes\n\n[channel:shop]\nplugin = testshop\ndocument = invoice\n"
          "process_when = processing\napprove = yes\nadd_payment = yes\nseries = B\n",
          f);
    fclose(f);
    sl_error err = {.size = sizeof(err)};
    config_tenant *t = NULL;
    store *s = NULL;
    unlink(db);
    if (config_load_file(ini, &t, &err) || store_open(db, &s, &err))
        die("setup", &err);
    intake_all(s, n, batch);
    int64_t t0 = now_us();
    int done = process_all(s, t, batch);
    double secs = (double)(now_us() - t0) / 1e6;
    double raw = raw_insert_rate(s, n, batch);
    printf("processed %d orders (3 lines, invoice + payment + postings + stock) in %.2f s:"
           " %.0f orders/s, batch %d, synchronous=FULL\n",
           done, secs, done / secs, batch);
    printf("raw SQLite insert of 1.5 KB rows, same batch and disk: %.0f rows/s\n", raw);
    store_close(s);
    config_tenant_free(t);
    unlink(ini);
    unlink(db);
    return 0;
}
