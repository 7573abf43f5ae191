/*
 * Webhook intake benchmark (prints figures; never a pass/fail test).
 *
 * In one run, on this machine:
 *   1. the raw SQLite group-commit rate: 1.5 KB rows, 100 per transaction,
 *      WAL + synchronous=FULL (what intake must do to be durable);
 *   2. `shopledger serve` with the testshop connector taking signed
 *      webhooks over loopback from CONNS keep-alive connections: orders/s
 *      and request latency p50/p99, and its ratio to (1);
 *   3. webhook -> posted document latency at a steady 100 orders/s, from
 *      the send time to the document's posting time (documents.updated_ms).
 *
 * usage: bench_webhook [ORDERS] [CONNS] [intake-only]   (defaults 6000, 16)
 * "intake-only" configures a trigger status no order has, so the writer
 * only stores deliveries: the intake path alone, without the rules.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shopledger/sdkutil.h"

extern char **environ;

#define SECRET "bench-webhook-secret"
#define MAX_ORDERS 100000

static char dir[256];
static int port;
static const char *trigger = "paid";
static atomic_int next_order;
static int total_orders;
static int64_t *latency_us;
static int64_t *sent_ms;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void write_file(const char *name, const char *text, mode_t mode)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static void write_config(void)
{
    char ini[2048];
    snprintf(ini, sizeof ini, "%s/conf", dir);
    mkdir(ini, 0700);
    write_file("webhook.secret", SECRET, 0600);
    snprintf(ini, sizeof ini,
             "[tenant]\nid = bench\ncurrency = EUR\ndatabase = %s/bench.db\n\n"
             "[channel:ts]\nplugin = testshop\nintake = webhook\n"
             "webhook_secret_file = %s/webhook.secret\ndocument = invoice\n"
             "process_when = %s\napprove = yes\nadd_payment = yes\nseries = TS\n",
             dir, dir, trigger);
    write_file("conf/bench.ini", ini, 0600);
}

/* A ~1.5 KB testshop order with id n. */
static int order_body(int n, char *buf, size_t cap)
{
    char pad[900];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    return snprintf(buf, cap,
                    "{\"id\":\"B%d\",\"number\":\"%d\",\"status\":\"paid\",\"currency\":\"EUR\","
                    "\"modified\":\"2026-11-20T10:00:00Z\",\"email\":\"buyer%d@example.lv\","
                    "\"first_name\":\"Ilze\",\"last_name\":\"Ozola %s\","
                    "\"payment_method\":\"bacs\",\"total\":\"30.25\",\"total_tax\":\"5.25\","
                    "\"lines\":[{\"id\":\"1\",\"sku\":\"MUG-%d\",\"name\":\"Mug\",\"qty\":\"2\","
                    "\"unit_price\":\"10.00\",\"total\":\"20.00\",\"total_tax\":\"4.20\","
                    "\"tax_rate_id\":\"1\",\"tax_percent\":\"21\"},{\"kind\":\"shipping\","
                    "\"id\":\"2\",\"name\":\"Flat\",\"qty\":\"1\",\"total\":\"5.00\","
                    "\"total_tax\":\"1.05\",\"tax_rate_id\":\"1\",\"tax_percent\":\"21\"}]}",
                    n, n, n, pad, n % 50);
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

/* Posts order n on handle c; returns the HTTP status. */
static long post_order(CURL *c, int n)
{
    char body[4096], url[128], sig_header[128], sig[64];
    int len = order_body(n, body, sizeof body);
    unsigned char mac[32];
    sl_hmac_sha256(SECRET, strlen(SECRET), body, (size_t)len, mac);
    sl_base64_encode(mac, sizeof mac, sig);
    snprintf(sig_header, sizeof sig_header, "X-Testshop-Signature: %s", sig);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hooks/bench/ts", port);
    struct curl_slist *h = curl_slist_append(NULL, sig_header);
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    long code = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(h);
    return code;
}

static void *load_thread(void *arg)
{
    (void)arg;
    CURL *c = curl_easy_init();
    int n;
    while ((n = atomic_fetch_add(&next_order, 1)) < total_orders) {
        int64_t t0 = now_us();
        if (post_order(c, n) != 200)
            fprintf(stderr, "order %d: not 200\n", n);
        latency_us[n] = now_us() - t0;
    }
    curl_easy_cleanup(c);
    return NULL;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int64_t percentile(int64_t *v, int n, int p)
{
    qsort(v, (size_t)n, sizeof *v, cmp64);
    int i = (int)((int64_t)n * p / 100);
    return v[i >= n ? n - 1 : i];
}

/* Raw rate: 1.5 KB rows, 100 per transaction, WAL + FULL. */
static double raw_group_commit_rate(int rows)
{
    char path[512];
    snprintf(path, sizeof path, "%s/raw.db", dir);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT UNIQUE, body BLOB)",
                 NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO t(k, body) VALUES (?, ?)", -1, &st, NULL);
    char body[1536];
    memset(body, 'r', sizeof body);
    int64_t t0 = now_us();
    for (int i = 0; i < rows; i++) {
        if (i % 100 == 0)
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        char key[32];
        snprintf(key, sizeof key, "k%d", i);
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(st, 2, body, sizeof body, SQLITE_STATIC);
        sqlite3_step(st);
        sqlite3_reset(st);
        if (i % 100 == 99 || i == rows - 1)
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double secs = (double)(now_us() - t0) / 1e6;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows / secs;
}

static pid_t start_serve(void)
{
    char conf[300], portfile[300];
    snprintf(conf, sizeof conf, "%s/conf", dir);
    snprintf(portfile, sizeof portfile, "%s/port", dir);
    char *argv[] = {SL_SHOPLEDGER_BIN, "--conf", conf, "--plugins", SL_TEST_PLUGIN_DIR,
                    "serve", "--listen", "127.0.0.1:0", "--port-file", portfile, NULL};
    pid_t pid;
    if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0) {
        perror("spawn");
        exit(1);
    }
    for (int i = 0; i < 600; i++) { /* bounded: 30 s */
        FILE *f = fopen(portfile, "r");
        if (f && fscanf(f, "%d", &port) == 1) {
            fclose(f);
            return pid;
        }
        if (f)
            fclose(f);
        usleep(50000);
    }
    fprintf(stderr, "serve did not start\n");
    kill(pid, SIGKILL);
    exit(1);
}

/* Posting latency of orders [from, to): documents.updated_ms - sent. */
static int posted_latencies(int from, int to, int64_t *out)
{
    char path[512];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT updated_ms FROM documents WHERE channel='ts' AND "
                           "external_id=? AND status='posted'", -1, &st, NULL);
    int n = 0;
    for (int i = from; i < to; i++) {
        char id[32];
        snprintf(id, sizeof id, "B%d", i);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW)
            out[n++] = sqlite3_column_int64(st, 0) - sent_ms[i];
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void steady_rate(int from, int count, int per_second)
{
    CURL *c = curl_easy_init();
    int64_t start = now_us(), gap = 1000000 / per_second;
    for (int i = 0; i < count; i++) {
        int64_t due = start + i * gap, now = now_us();
        if (due > now)
            usleep((useconds_t)(due - now));
        sent_ms[from + i] = now_us() / 1000;
        post_order(c, from + i);
    }
    curl_easy_cleanup(c);
}

int main(int argc, char **argv)
{
    total_orders = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 6000;
    int conns = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 16;
    if (argc > 3 && strcmp(argv[3], "intake-only") == 0)
        trigger = "never";
    if (total_orders < 100 || total_orders > MAX_ORDERS || conns < 1 || conns > 256) {
        fprintf(stderr, "usage: bench_webhook [ORDERS 100..%d] [CONNS 1..256]\n", MAX_ORDERS);
        return 2;
    }
    snprintf(dir, sizeof dir, "/tmp/sl-bench-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    write_config();
    latency_us = calloc((size_t)total_orders + 1000, sizeof *latency_us);
    sent_ms = calloc((size_t)total_orders + 1000, sizeof *sent_ms);

    double raw = raw_group_commit_rate(20000);
    pid_t serve = start_serve();
    pthread_t th[256];
    int64_t t0 = now_us();
    for (int i = 0; i < conns; i++)
        pthread_create(&th[i], NULL, load_thread, NULL);
    for (int i = 0; i < conns; i++)
        pthread_join(th[i], NULL);
    double secs = (double)(now_us() - t0) / 1e6;
    double rate = total_orders / secs;
    int64_t p50 = percentile(latency_us, total_orders, 50);
    int64_t p99 = percentile(latency_us, total_orders, 99);

    sleep(3); /* let processing of the burst finish before the steady run */
    steady_rate(total_orders, 500, 100);
    sleep(2);
    int64_t *lat = calloc(500, sizeof *lat);
    int seen = posted_latencies(total_orders, total_orders + 500, lat);
    kill(serve, SIGTERM);
    waitpid(serve, NULL, 0);

    printf("raw SQLite group commit (1.5 KB rows, 100/tx, WAL FULL): %.0f rows/s\n", raw);
    printf("webhook intake over loopback (%d orders, %d connections): %.0f orders/s, "
           "request p50 %.2f ms, p99 %.2f ms\n",
           total_orders, conns, rate, p50 / 1000.0, p99 / 1000.0);
    printf("intake / raw group commit: %.0f%%\n", 100.0 * rate / raw);
    if (seen > 0)
        printf("webhook -> posted document at 100 orders/s (%d of 500 posted): p50 %lld ms, "
               "p99 %lld ms\n", seen, (long long)percentile(lat, seen, 50),
               (long long)percentile(lat, seen, 99));
    else
        printf("webhook -> posted document: no posted documents found\n");
    free(lat);
    free(latency_us);
    free(sent_ms);
    curl_global_cleanup();
    return 0;
}
