/*
 * bench_process: the booking rate alone, on one core (this program is
 * single-threaded), next to the raw SQLite insert rate of 1.5 KB rows at
 * the same batch size on the same disk in the same run. Prints figures;
 * it is not a pass/fail test.
 *
 * What it books is what serve books: the order.created delivery recorded
 * from a WooCommerce 10.0.2 store (../shared/fixtures, 3.4 KB: two
 * products at two tax rates, a coupon, flat-rate shipping with its tax,
 * bank transfer) with its id and number changed per order, correctly
 * signed, appended to the deliveries log and parsed and filed by the
 * woocommerce connector (intake_drain, serve's own parse; timed apart).
 * Then, timed: rules_process_batch, the call serve's writer books with,
 * BATCH items per transaction (serve: 64), until nothing is pending;
 * every order must end a posted invoice with its payment, postings and
 * stock moves, or the program says so and exits 1.
 *   bench_process [ORDERS] [BATCH]   (defaults 20000, 64)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config/config.h"
#include "inbox/inbox.h"
#include "intake/intake.h"
#include "rules/rules.h"
#include "runtime/runtime.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"
#include "store/store.h"

#define SECRET "bench-process-secret"
#define RECORDED_ID 163 /* the recorded order's id and number */

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const sl_error *err)
{
    fprintf(stderr, "bench_process: %s: %s\n", what, err ? err->message : "");
    exit(1);
}

/* The recorded body split around its id and its number, so each order
   gets its own: {"id":163, ... "number":"163" ... */
typedef struct woo_body {
    char *mid, *tail;
} woo_body;

static woo_body load_body(void)
{
    json_error_t jerr;
    FILE *f = fopen(SL_FIXTURE_DIR "/woocommerce/wc10/webhooks/order-created.jsonl", "r");
    json_t *rec = f ? json_loadf(f, JSON_DISABLE_EOF_CHECK, &jerr) : NULL;
    const char *body = json_string_value(json_object_get(rec, "body"));
    const char *id = body ? strstr(body, "{\"id\":163,") : NULL;
    const char *num = body ? strstr(body, "\"number\":\"163\"") : NULL;
    if (id != body || num == NULL)
        die("cannot use the recorded WooCommerce delivery", NULL);
    woo_body b = {strndup(id + 9, (size_t)(num - id - 9)),
                  strdup(num + strlen("\"number\":\"163\""))};
    if (f)
        fclose(f);
    json_decref(rec);
    return b;
}

/* The headers serve logs with a delivery (hooks.c: as received, as a
   JSON object), signed for `body`. */
static char *delivery_headers(int n, const char *body, size_t len)
{
    unsigned char mac[32];
    char sig[64], id[32];
    sl_hmac_sha256(SECRET, strlen(SECRET), body, len, mac);
    sl_base64_encode(mac, sizeof mac, sig);
    snprintf(id, sizeof id, "bench%08d", n);
    json_t *h = json_pack("{ssssssssssssssssss}", "Content-Type", "application/json", "User-Agent",
                          "WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)", "X-WC-Webhook-Source",
                          "https://shop.example/", "X-WC-Webhook-Topic", "order.created",
                          "X-WC-Webhook-Resource", "order", "X-WC-Webhook-Event", "created",
                          "X-WC-Webhook-Signature", sig, "X-WC-Webhook-ID", "1",
                          "X-WC-Webhook-Delivery-ID", id);
    char *text = h ? json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(h);
    return text;
}

/* Appends n signed deliveries (100 per transaction), then parses and
   files them as serve's writer would; prints that second part's rate. */
static void intake_all(runtime_tenant *rt, const woo_body *b, int n)
{
    sl_error err = {.size = sizeof err};
    char body[8192];
    for (int i = 0; i < n; i += 100) {
        if (store_begin(rt->db, &err) != SL_OK)
            die("begin", &err);
        for (int k = i; k < n && k < i + 100; k++) {
            int id = 1000 + k;
            int len = snprintf(body, sizeof body, "{\"id\":%d%s\"number\":\"%d\"%s", id, b->mid, id,
                               b->tail);
            char *headers = delivery_headers(id, body, (size_t)len);
            if (headers == NULL || inbox_delivery_append(rt->db, "woo", headers, body, (size_t)len,
                                                         services_now_ms(), NULL, &err) != SL_OK)
                die("append", &err);
            free(headers);
        }
        if (store_commit(rt->db, &err) != SL_OK)
            die("commit", &err);
    }
    intake_replay_summary sum = {0};
    double c0 = cpu_s();
    int64_t t0 = now_us();
    if (intake_drain(rt, &sum, &err) != SL_OK)
        die("parse", &err);
    double secs = (double)(now_us() - t0) / 1e6, cpu = cpu_s() - c0;
    printf("parsed and filed %d logged deliveries (the woocommerce connector's parse, canonical "
           "order, inbox item and revision) in %.2f s: %.0f/s, CPU %.0f us each\n",
           n, secs, n / secs, 1e6 * cpu / n);
    if (sum.changed != n)
        fprintf(stderr, "bench_process: %ld of %d deliveries filed an order to book\n", sum.changed,
                n);
}

/* Books everything pending the way serve's writer does; *sum adds up. */
static void book_all(runtime_tenant *rt, int batch, rules_summary *sum)
{
    sl_error err = {.size = sizeof err};
    for (;;) {
        int before = sum->processed + sum->drafts + sum->failed;
        if (rules_process_batch(rt->db, rt->config, services_now_ms(), batch, sum, &err) != SL_OK)
            die("booking", &err);
        if (sum->processed + sum->drafts + sum->failed - before < batch)
            return;
    }
}

static int64_t count(store *s, const char *sql)
{
    sl_error err = {.size = sizeof err};
    sqlite3_stmt *st = store_stmt(s, sql, &err);
    int64_t n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    if (st)
        sqlite3_reset(st);
    return n;
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

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        die("cannot write the tenant's files", NULL);
    chmod(path, 0600);
}

/* The tenant: serve's WooCommerce channel booking every delivered order
   into a posted invoice with its bank-transfer payment. */
static config_tenant *tenant(const char *dir)
{
    char path[512], ini[2048];
    snprintf(path, sizeof path, "%s/secret", dir);
    write_file(path, SECRET);
    snprintf(ini, sizeof ini,
             "[tenant]\nid = bench\ncurrency = USD\nvat_registered = yes\n"
             "database = %s/bench.db\n\n"
             "[channel:woo]\nplugin = woocommerce\nurl = http://127.0.0.1:9\n"
             "key = ck_bench\nsecret_file = %s/secret\nintake = webhook\n"
             "webhook_secret_file = %s/secret\ndocument = invoice\nprocess_when = pending\n"
             "approve = yes\nadd_payment = yes\nseries = WOO\n\n"
             "[channel:woo.payments]\nbacs = bank:2620\n",
             dir, dir, dir);
    snprintf(path, sizeof path, "%s/bench.ini", dir);
    write_file(path, ini);
    sl_error err = {.size = sizeof err};
    config_tenant *t = NULL;
    if (config_load_file(path, &t, &err) != SL_OK)
        die("config", &err);
    return t;
}

static void remove_dir(const char *dir)
{
    static const char *const files[] = {"bench.db", "bench.db-wal", "bench.db-shm", "bench.ini",
                                        "secret"};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 20000;
    int batch = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 64;
    if (n <= 0 || batch <= 0 || batch > 256) {
        fprintf(stderr, "usage: bench_process [ORDERS] [BATCH 1..256]\n");
        return 2;
    }
    char dir[] = "/tmp/sl-bench-process-XXXXXX";
    sl_error err = {.size = sizeof(err)};
    if (mkdtemp(dir) == NULL || services_global_init(&err) != SL_OK)
        die("setup", &err);
    config_tenant *t = tenant(dir);
    runtime_tenant *rt = NULL;
    if (runtime_open(t, runtime_plugin_dir(SL_PLUGIN_DIR), 1, &rt, &err) != SL_OK)
        die("open", &err);
    woo_body b = load_body();
    intake_all(rt, &b, n);

    rules_summary sum = {0};
    double c0 = cpu_s();
    int64_t t0 = now_us();
    book_all(rt, batch, &sum);
    double secs = (double)(now_us() - t0) / 1e6, cpu = cpu_s() - c0;
    int64_t posted = count(rt->db, "SELECT count(*) FROM documents WHERE status = 'posted' "
                                   "AND type = 'invoice'");
    int64_t paid = count(rt->db, "SELECT count(DISTINCT document_id) FROM payments");
    int64_t moves = count(rt->db, "SELECT count(*) FROM stock_moves");
    double raw = raw_insert_rate(rt->db, n, batch);
    int done = sum.processed + sum.drafts + sum.failed;
    printf("booked %d WooCommerce orders (2 products at 2 tax rates, coupon, shipping, payment)"
           " in %.2f s: %.0f orders/s, CPU %.0f us per order, batch %d, synchronous=FULL\n",
           done, secs, done / secs, 1e6 * cpu / (done ? done : 1), batch);
    printf("  %d processed, %d drafts, %d failed; %lld posted invoices, %lld with a payment, "
           "%lld stock moves\n",
           sum.processed, sum.drafts, sum.failed, (long long)posted, (long long)paid,
           (long long)moves);
    printf("raw SQLite insert of 1.5 KB rows, same batch and disk: %.0f rows/s\n", raw);
    int bad = sum.processed != n || posted != n || paid != n;
    if (bad)
        fprintf(stderr, "bench_process: not every order became a posted, paid invoice\n");
    runtime_close(rt);
    config_tenant_free(t);
    free(b.mid);
    free(b.tail);
    remove_dir(dir);
    return bad;
}
