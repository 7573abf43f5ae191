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
 *      the send time to the moment the posted document is committed: a
 *      reader thread polls the database every millisecond and notes when
 *      each document first shows as posted (documents.updated_ms, the
 *      rules' clock at the start of their batch, is printed beside it: it
 *      leaves out the rest of the batch and its commit).
 *
 * usage: bench_webhook [ORDERS] [CONNS] [intake-only] [woo] [book] [floor] [raw-http]
 *                      [burst SECONDS]
 *        (defaults 6000, 16)
 * "burst SECONDS" sends for that long, as fast as CONNS connections are
 * answered, instead of a fixed number of orders (ORDERS is then ignored):
 * the backlog measure is a 20-second burst at the full rate.
 * "intake-only" configures a trigger status no order has, so the writer
 * only stores deliveries: the intake path alone, without the rules.
 * "woo" sends through the WooCommerce connector instead: the order.created
 * delivery recorded from a WooCommerce 10.0.2 store (../shared/fixtures,
 * 3.4 KB) with its id and number changed per order, the store's headers
 * and a valid X-WC-Webhook-Signature. Intake-only unless "book" follows:
 * then the tenant books in USD and takes the recorded order's "pending"
 * as its trigger, so every delivery becomes a posted invoice in the same
 * process while the burst is taken.
 * "raw-http" drives the reference receiver (raw_http.c: libmicrohttpd,
 * the body stored raw, one row each, 200 after a synchronous=FULL group
 * commit) with the very same requests: serve's rate is read against it.
 * "floor" drives a do-nothing HTTP responder (http_floor.c) instead of
 * serve: the rate loopback HTTP alone allows here, next to (1).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "http_floor.h"
#include "raw_http.h"
#include "proc_cpu.h"
#include "shopledger/sdkutil.h"

extern char **environ;

#define SECRET "bench-webhook-secret"
#define MAX_ORDERS 100000
#define MAX_BURST_ORDERS 1000000 /* a timed burst stops here at the latest */
#define STEADY_ORDERS 500

static char dir[256];
static int port;
static const char *trigger = "paid";
static int woo_mode;
static int floor_mode;
static int raw_http_mode;
static int woo_book;
static double raw_cpu_per_row_us;           /* measured by raw_group_commit_rate */
static char *woo_head, *woo_mid, *woo_tail; /* the recorded body around id and number */
static atomic_int next_order;
static int total_orders;
static int64_t burst_until_us; /* a timed burst: no order starts after this */
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
    if (woo_mode)
        snprintf(ini, sizeof ini,
                 "[tenant]\nid = bench\ncurrency = %s\ndatabase = %s/bench.db\n\n"
                 "[channel:ts]\nplugin = woocommerce\nurl = http://127.0.0.1:9\n"
                 "key = ck_bench\nsecret_file = %s/webhook.secret\nintake = webhook\n"
                 "webhook_secret_file = %s/webhook.secret\ndocument = invoice\n"
                 "process_when = %s\napprove = yes\nseries = WOO\n",
                 woo_book ? "USD" : "EUR", dir, dir, dir, woo_book ? "pending" : "never");
    write_file("conf/bench.ini", ini, 0600);
}

/* Splits the recorded order.created body at its id and number, so each
   order gets its own: {"id":163, ... "number":"163" ... */
static void load_woo_body(void)
{
    json_error_t jerr;
    FILE *f = fopen(SL_FIXTURE_DIR "/woocommerce/wc10/webhooks/order-created.jsonl", "r");
    json_t *rec = f ? json_loadf(f, JSON_DISABLE_EOF_CHECK, &jerr) : NULL;
    const char *body = json_string_value(json_object_get(rec, "body"));
    const char *id = body ? strstr(body, "{\"id\":163,") : NULL;
    const char *num = body ? strstr(body, "\"number\":\"163\"") : NULL;
    if (id != body || num == NULL) {
        fprintf(stderr, "bench_webhook: cannot use the recorded WooCommerce delivery\n");
        exit(1);
    }
    woo_head = strdup("{\"id\":");
    woo_mid = strndup(id + 9, (size_t)(num - id - 9)); /* from the comma after {"id":163 */
    woo_tail = strdup(num + strlen("\"number\":\"163\""));
    if (f)
        fclose(f);
    json_decref(rec);
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

/* A keep-alive HTTP/1.1 connection of the load driver. A small client of
   our own rather than libcurl: the driver shares the 2 cores with the
   server, and every microsecond it spends is taken from what we measure. */
typedef struct hconn {
    int fd;
    char buf[8192];
} hconn;

static int hconn_open(hconn *h)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    h->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (h->fd < 0)
        return -1;
    int one = 1;
    struct timeval tv = {.tv_sec = 30};
    setsockopt(h->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(h->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(h->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(h->fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(h->fd);
        h->fd = -1;
        return -1;
    }
    return 0;
}

static void hconn_close(hconn *h)
{
    if (h->fd >= 0)
        close(h->fd);
    h->fd = -1;
}

/* Sends head and body; each call moves forward or fails (time-outs). */
static int send_request(hconn *h, const char *head, size_t hlen, const char *body, size_t blen)
{
    struct iovec iov[2] = {{(void *)head, hlen}, {(void *)body, blen}};
    size_t left = hlen + blen;
    while (left > 0) {
        ssize_t w = writev(h->fd, iov, 2);
        if (w <= 0)
            return -1;
        left -= (size_t)w;
        for (int i = 0; i < 2; i++) {
            size_t take = (size_t)w < iov[i].iov_len ? (size_t)w : iov[i].iov_len;
            iov[i].iov_base = (char *)iov[i].iov_base + take;
            iov[i].iov_len -= take;
            w -= (ssize_t)take;
        }
    }
    return 0;
}

/* Reads one reply (status line, headers, Content-Length body); returns
   the status or -1. Replies are small JSON: they fit the buffer. */
static long read_reply(hconn *h)
{
    size_t have = 0, need = 0;
    long status = -1;
    while (need == 0 || have < need) {
        if (have == sizeof h->buf - 1)
            return -1;
        ssize_t r = recv(h->fd, h->buf + have, sizeof h->buf - 1 - have, 0);
        if (r <= 0)
            return -1;
        have += (size_t)r;
        h->buf[have] = '\0';
        char *end = need == 0 ? strstr(h->buf, "\r\n\r\n") : NULL;
        if (end != NULL) {
            char *cl = strstr(h->buf, "\r\nContent-Length:"); /* libmicrohttpd's spelling */
            size_t body = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
            need = (size_t)(end + 4 - h->buf) + body;
            status = strtol(h->buf + 9, NULL, 10); /* "HTTP/1.1 200" */
        }
    }
    return status;
}

/* The request head for a body of len bytes signed with sig. */
static int request_head(char *head, size_t cap, int n, const char *sig, int len)
{
    if (!woo_mode)
        return snprintf(head, cap,
                        "POST /hooks/bench/ts HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                        "Content-Type: application/json\r\nX-Testshop-Signature: %s\r\n"
                        "Content-Length: %d\r\n\r\n",
                        port, sig, len);
    return snprintf(head, cap,
                    "POST /hooks/bench/ts HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                    "User-Agent: WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)\r\n"
                    "Content-Type: application/json\r\n"
                    "X-WC-Webhook-Source: https://shop.example/\r\n"
                    "X-WC-Webhook-Topic: order.created\r\nX-WC-Webhook-Resource: order\r\n"
                    "X-WC-Webhook-Event: created\r\nX-WC-Webhook-Signature: %s\r\n"
                    "X-WC-Webhook-ID: 1\r\nX-WC-Webhook-Delivery-ID: bench%08d\r\n"
                    "Content-Length: %d\r\n\r\n",
                    port, sig, n, len);
}

/* Posts order n on h (reconnecting once); returns the HTTP status. */
static long post_order(hconn *h, int n)
{
    char body[8192], head[1024], sig[64];
    int len = woo_mode ? snprintf(body, sizeof body, "%s%d%s\"number\":\"%d\"%s", woo_head, n,
                                  woo_mid, n, woo_tail)
                       : order_body(n, body, sizeof body);
    unsigned char mac[32];
    sl_hmac_sha256(SECRET, strlen(SECRET), body, (size_t)len, mac);
    sl_base64_encode(mac, sizeof mac, sig);
    int hlen = request_head(head, sizeof head, n, sig, len);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (h->fd < 0 && hconn_open(h) != 0)
            continue;
        long status = -1;
        if (send_request(h, head, (size_t)hlen, body, (size_t)len) == 0)
            status = read_reply(h);
        if (status > 0)
            return status;
        hconn_close(h);
    }
    return 0;
}

static void *load_thread(void *arg)
{
    (void)arg;
    hconn h = {.fd = -1};
    int n;
    /* The clock is read before a number is taken, so every number taken
       is sent: a timed burst's orders are 0 .. next_order - 1. */
    while (!(burst_until_us && now_us() >= burst_until_us) &&
           (n = atomic_fetch_add(&next_order, 1)) < total_orders) {
        int64_t t0 = now_us();
        if (post_order(&h, n) != 200)
            fprintf(stderr, "order %d: not 200\n", n);
        latency_us[n] = now_us() - t0;
    }
    hconn_close(&h);
    return NULL;
}

/* Removes what the run wrote (the databases take hundreds of MB). */
static void remove_run_dir(void)
{
    static const char *const files[] = {
        "bench.db",   "bench.db-wal",   "bench.db-shm", "raw.db",         "raw.db-wal",
        "raw.db-shm", "webhook.secret", "port",         "conf/bench.ini", "conf"};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
    }
    rmdir(dir);
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
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT UNIQUE, body BLOB)",
                 NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO t(k, body) VALUES (?, ?)", -1, &st, NULL);
    char body[1536];
    memset(body, 'r', sizeof body);
    double cpu0 = own_cpu_s();
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
    raw_cpu_per_row_us = 1e6 * (own_cpu_s() - cpu0) / rows;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows / secs;
}

static pid_t start_serve(void)
{
    char conf[300], portfile[300];
    snprintf(conf, sizeof conf, "%s/conf", dir);
    snprintf(portfile, sizeof portfile, "%s/port", dir);
    char *argv[] = {SL_SHOPLEDGER_BIN,
                    "--conf",
                    conf,
                    "--plugins",
                    woo_mode ? SL_PLUGIN_DIR : SL_TEST_PLUGIN_DIR,
                    "serve",
                    "--listen",
                    "127.0.0.1:0",
                    "--port-file",
                    portfile,
                    "--admin-listen",
                    "127.0.0.1:0",
                    NULL};
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

/* The external id order n is filed under: testshop's "B<n>", or the
   WooCommerce order id itself. */
static void external_id(int n, char *buf, size_t cap)
{
    snprintf(buf, cap, woo_mode ? "%d" : "B%d", n);
}

/* Posting latency of orders [from, to) by the documents' own clock:
   documents.updated_ms - sent. */
static int posted_latencies(int from, int to, int64_t *out)
{
    char path[512];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db,
                       "SELECT updated_ms FROM documents WHERE channel='ts' AND "
                       "external_id=? AND status='posted'",
                       -1, &st, NULL);
    int n = 0;
    for (int i = from; i < to; i++) {
        char id[32];
        external_id(i, id, sizeof id);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW)
            out[n++] = sqlite3_column_int64(st, 0) - sent_ms[i];
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* How many burst orders are done: posted documents, or with the rules
   off (intake-only), filed inbox items. */
static int64_t burst_done(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    sqlite3 *db;
    int64_t n = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt *st;
        const char *sql = strcmp(trigger, "never") == 0
                              ? "SELECT count(*) FROM inbox_items"
                              : "SELECT count(*) FROM documents WHERE status='posted'";
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                n = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
    }
    sqlite3_close(db);
    return n;
}

/* Waits (bounded: 10 min) until the burst is filed and booked, so the
   steady run measures latency, not the burst's backlog; returns the
   seconds it took after the last acknowledgment. */
static double wait_for_booking(int orders)
{
    int64_t t0 = now_us();
    for (int i = 0; i < 6000 && burst_done() < orders; i++)
        usleep(100000);
    return (double)(now_us() - t0) / 1e6;
}

/* The steady run as the database shows it: when each order was sent
   and when its posted document was first seen committed (0: not yet). */
static int64_t steady_sent_us[STEADY_ORDERS], steady_seen_us[STEADY_ORDERS];
static int steady_from;
static atomic_int steady_stop;

/* Notes the posted documents committed since *last_id (ids grow). */
static void observe_posted(sqlite3_stmt *st, int64_t *last_id)
{
    sqlite3_bind_int64(st, 1, *last_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        *last_id = sqlite3_column_int64(st, 0);
        const char *ext = (const char *)sqlite3_column_text(st, 1);
        const char *digits = ext && *ext == 'B' ? ext + 1 : ext;
        long n = digits ? strtol(digits, NULL, 10) - steady_from : -1;
        if (n >= 0 && n < STEADY_ORDERS && steady_seen_us[n] == 0)
            steady_seen_us[n] = now_us();
    }
    sqlite3_reset(st);
}

/* Polls the database every millisecond until told to stop (bounded:
   two minutes), as an outside reader of the books would see them. */
static void *posted_observer(void *arg)
{
    (void)arg;
    char path[512];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT id, external_id FROM documents WHERE id > ?1 AND "
                           "status = 'posted' ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_webhook: the observer cannot read the database\n");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 1000);
    int64_t last_id = 0;
    observe_posted(st, &last_id); /* the burst's documents: skipped */
    for (int i = 0; i < 120000 && !atomic_load(&steady_stop); i++) {
        observe_posted(st, &last_id);
        usleep(1000);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return NULL;
}

static void steady_rate(int from, int count, int per_second)
{
    hconn h = {.fd = -1};
    int64_t start = now_us(), gap = 1000000 / per_second;
    for (int i = 0; i < count; i++) {
        int64_t due = start + i * gap, now = now_us();
        if (due > now)
            usleep((useconds_t)(due - now));
        steady_sent_us[i] = now_us();
        sent_ms[from + i] = steady_sent_us[i] / 1000;
        post_order(&h, from + i);
    }
    hconn_close(&h);
}

/* Sends the steady run with the observer watching; waits (bounded: 5 s)
   for the last documents; returns how many were seen, latencies in
   *lat (ms, fractional in us). */
static int steady_observed(int from, int64_t *lat)
{
    steady_from = from;
    pthread_t th;
    int observing = pthread_create(&th, NULL, posted_observer, NULL) == 0;
    usleep(100000); /* the observer has skipped the burst's documents */
    steady_rate(from, STEADY_ORDERS, 100);
    for (int i = 0; i < 50 && steady_seen_us[STEADY_ORDERS - 1] == 0; i++)
        usleep(100000);
    usleep(200000); /* stragglers: order is not guaranteed */
    atomic_store(&steady_stop, 1);
    if (observing)
        pthread_join(th, NULL);
    int n = 0;
    for (int i = 0; i < STEADY_ORDERS; i++)
        if (steady_seen_us[i] > 0)
            lat[n++] = steady_seen_us[i] - steady_sent_us[i];
    return n;
}

/* Sends the whole burst from `conns` keep-alive connections; seconds. */
static double run_burst(int conns)
{
    pthread_t th[256];
    int64_t t0 = now_us();
    for (int i = 0; i < conns; i++)
        pthread_create(&th[i], NULL, load_thread, NULL);
    for (int i = 0; i < conns; i++)
        pthread_join(th[i], NULL);
    int taken = atomic_load(&next_order);
    if (burst_until_us && taken < total_orders)
        total_orders = taken; /* what the timed burst sent */
    return (double)(now_us() - t0) / 1e6;
}

static void print_raw(double raw)
{
    printf("raw SQLite group commit (1.5 KB rows, 100/tx, WAL FULL): %.0f rows/s, "
           "CPU %.1f us per row\n",
           raw, raw_cpu_per_row_us);
}

/* Drives http_floor.c like serve and prints its rate next to `raw`. */
static int run_floor(double raw, int conns)
{
    if (http_floor_start(4, &port) != 0) {
        fprintf(stderr, "bench_webhook: floor responder did not start\n");
        return 1;
    }
    double cpu0 = own_cpu_s();
    double secs = run_burst(conns), cpu = own_cpu_s() - cpu0;
    http_floor_stop();
    remove_run_dir();
    double rate = total_orders / secs;
    print_raw(raw);
    printf("HTTP floor (a responder that answers 200 unread, 4 threads; %d requests, %d "
           "connections): %.0f requests/s, request p50 %.2f ms, p99 %.2f ms\n",
           total_orders, conns, rate, percentile(latency_us, total_orders, 50) / 1000.0,
           percentile(latency_us, total_orders, 99) / 1000.0);
    printf("HTTP floor / raw group commit: %.0f%%\n", 100.0 * rate / raw);
    double per_request = 1e6 * cpu / total_orders;
    printf("CPU per request, responder and load driver together: %.0f us\n", per_request);
    /* What 70% of the raw rate would leave on this machine's cores. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    printf("at 70%% of raw (%.0f/s) %ld cores allow %.0f us of CPU per delivery; "
           "HTTP alone (floor) plus the raw row take %.0f us of it\n",
           0.7 * raw, cores, 1e6 * (double)cores / (0.7 * raw), per_request + raw_cpu_per_row_us);
    free(latency_us);
    free(sent_ms);
    return 0;
}

/* Drives raw_http.c like serve and prints its rate next to `raw`. */
static int run_raw_http(double raw, int conns)
{
    char path[512];
    snprintf(path, sizeof path, "%s/raw.db", dir);
    if (raw_http_start(path, &port) != 0) {
        fprintf(stderr, "bench_webhook: raw receiver did not start\n");
        return 1;
    }
    double cpu0 = own_cpu_s();
    double secs = run_burst(conns), cpu = own_cpu_s() - cpu0;
    long stored = raw_http_stop();
    remove_run_dir();
    double rate = total_orders / secs;
    print_raw(raw);
    printf("raw HTTP receiver (libmicrohttpd, 4 threads, a row per body, 200 after a FULL group "
           "commit; %d %s requests, %d connections, %ld stored): %.0f deliveries/s, "
           "request p50 %.2f ms, p99 %.2f ms\n",
           total_orders, woo_mode ? "WooCommerce" : "testshop", conns, stored, rate,
           percentile(latency_us, total_orders, 50) / 1000.0,
           percentile(latency_us, total_orders, 99) / 1000.0);
    printf("CPU per request, receiver and load driver together: %.0f us\n",
           1e6 * cpu / total_orders);
    free(latency_us);
    free(sent_ms);
    return 0;
}

int main(int argc, char **argv)
{
    total_orders = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 6000;
    int conns = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 16;
    long burst_s = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "burst") == 0 && i + 1 < argc) {
            burst_s = strtol(argv[++i], NULL, 10);
            if (burst_s < 1 || burst_s > 600)
                conns = 0; /* usage */
            total_orders = MAX_BURST_ORDERS;
        } else if (strcmp(argv[i], "intake-only") == 0) {
            trigger = "never";
        } else if (strcmp(argv[i], "floor") == 0) {
            floor_mode = 1;
        } else if (strcmp(argv[i], "raw-http") == 0) {
            raw_http_mode = 1;
        } else if (strcmp(argv[i], "book") == 0 && woo_mode) {
            woo_book = 1;
            trigger = "pending";
        } else if (strcmp(argv[i], "woo") == 0) {
            trigger = "never";
            woo_mode = 1;
            load_woo_body();
        } else {
            conns = 0; /* usage */
        }
    }
    if (total_orders < 100 || (total_orders > MAX_ORDERS && !burst_s) || conns < 1 || conns > 256) {
        fprintf(stderr,
                "usage: bench_webhook [ORDERS 100..%d] [CONNS 1..256] [intake-only] [woo] "
                "[book] [floor] [raw-http] [burst SECONDS 1..600]\n",
                MAX_ORDERS);
        return 2;
    }
    snprintf(dir, sizeof dir, "/tmp/sl-bench-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    write_config();
    latency_us = calloc((size_t)total_orders + STEADY_ORDERS, sizeof *latency_us);
    sent_ms = calloc((size_t)total_orders + STEADY_ORDERS, sizeof *sent_ms);

    double raw = raw_group_commit_rate(20000);
    if (burst_s)
        burst_until_us = now_us() + burst_s * 1000000;
    if (floor_mode)
        return run_floor(raw, conns);
    if (raw_http_mode)
        return run_raw_http(raw, conns);
    pid_t serve = start_serve();
    double serve_cpu0 = process_cpu_s(serve), own_cpu0 = own_cpu_s();
    thread_cpu threads0, threads1;
    threads_cpu(serve, &threads0);
    double secs = run_burst(conns);
    double rate = total_orders / secs;
    double serve_cpu = process_cpu_s(serve) - serve_cpu0, own_cpu = own_cpu_s() - own_cpu0;
    threads_cpu(serve, &threads1);
    int64_t p50 = percentile(latency_us, total_orders, 50);
    int64_t p99 = percentile(latency_us, total_orders, 99);

    double drain = wait_for_booking(total_orders);
    int64_t *seen_lat = calloc(STEADY_ORDERS, sizeof *seen_lat);
    int64_t *lat = calloc(STEADY_ORDERS, sizeof *lat);
    int seen_db = steady_observed(total_orders, seen_lat);
    int seen = posted_latencies(total_orders, total_orders + STEADY_ORDERS, lat);
    kill(serve, SIGTERM);
    waitpid(serve, NULL, 0);
    remove_run_dir();

    print_raw(raw);
    printf("webhook intake over loopback (%d orders%s, %d connections): %.0f orders/s, "
           "request p50 %.2f ms, p99 %.2f ms\n",
           total_orders, burst_s ? " in a timed burst" : "", conns, rate, p50 / 1000.0,
           p99 / 1000.0);
    if (burst_s)
        printf("burst: %ld s asked, %.1f s sent\n", burst_s, secs);
    printf("intake / raw group commit: %.0f%%\n", 100.0 * rate / raw);
    printf("burst filed%s %.1f s after its last acknowledgment\n",
           strcmp(trigger, "never") == 0 ? "" : " and booked", drain);
    printf("CPU per order during the burst: serve %.0f us, load driver %.0f us "
           "(serve's includes the filing and booking done meanwhile)\n",
           1e6 * serve_cpu / total_orders, 1e6 * own_cpu / total_orders);
    printf("  serve's by thread:");
    /* the writer pool runs the writers and the syncers, the parser pool
       the parse tasks (server/pool.c, parse_stage.c) */
    static const char *const names[] = {"MHD-worker", "sl-writer", "sl-parse", "sl-checkpoint"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        printf(" %s %.0f us%s", names[i],
               1e6 * thread_cpu_delta(&threads0, &threads1, names[i]) / total_orders,
               i + 1 < sizeof names / sizeof names[0] ? "," : "\n");
    if (seen_db > 0) {
        int64_t s50 = percentile(seen_lat, seen_db, 50), s99 = percentile(seen_lat, seen_db, 99);
        printf("webhook -> posted document at 100 orders/s, send to committed (%d of %d seen): "
               "p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
               seen_db, STEADY_ORDERS, s50 / 1000.0, s99 / 1000.0,
               seen_lat[seen_db - 1] / 1000.0); /* sorted by percentile() */
    }
    if (seen > 0)
        printf("  by documents.updated_ms, the rules' clock (%d of %d posted): p50 %lld ms, "
               "p99 %lld ms\n",
               seen, STEADY_ORDERS, (long long)percentile(lat, seen, 50),
               (long long)percentile(lat, seen, 99));
    else if (strcmp(trigger, "never") == 0)
        printf("webhook -> posted document: not measured (this mode files without booking)\n");
    else
        printf("webhook -> posted document: no posted documents found\n");
    free(lat);
    free(seen_lat);
    free(latency_us);
    free(sent_ms);
    return 0;
}
