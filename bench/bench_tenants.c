/*
 * Many tenants on one serve (prints figures; never a pass/fail test).
 *
 * Generates N tenants (default 1000) in a temporary conf.d, each a copy of
 * the example WooCommerce webhook tenant (webhook intake only) with its
 * own database, webhook secret and admin token (secret files 0600), and
 * starts `shopledger serve` on them as a child (127.0.0.1:0, port files).
 * It prints:
 *   - start-up: from the spawn until the port files exist and
 *     /admin/health answers 200 (the first start, which creates every
 *     database, apart);
 *   - idle cost, a second after start-up: the CPU serve uses idle (over
 *     2 s), VmRSS and VmHWM
 *     (/proc/PID/status), threads (/proc/PID/task), descriptors
 *     (/proc/PID/fd);
 *   - ack latency p50/p99 of K signed WooCommerce deliveries (the
 *     order.created body recorded from a WooCommerce 10.0.2 store, its id
 *     varied), each to a random tenant on a new connection, one after the
 *     other; then the same K deliveries against a 1-tenant serve;
 *   - the figures again after the deliveries, the same K deliveries to
 *     the same tenants once more (their stores open now: serve closes an
 *     idle tenant's after --idle-close), with --settle S the figures again
 *     S seconds later (pass `-- --idle-close 5s` to see them given back),
 *     and the SIGTERM stop time.
 *
 * usage: bench_tenants [N] [K] [--bin SHOPLEDGER] [--plugins DIR] [--keep]
 *                      [--settle SECONDS] [-- EXTRA SERVE ARGS...]
 *        (defaults 1000, 200; the build's shopledger and plugins)
 * --bin / --plugins measure another build (e.g. main's, for "before").
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "proc_cpu.h"
#include "shopledger/sdkutil.h"

extern char **environ;

#define MAX_TENANTS 20000
#define MAX_DELIVERIES 100000
#define START_WAIT_MS 120000 /* bounded: a serve that never answers */

static char dir[256];
static const char *bin = SL_SHOPLEDGER_BIN;
static const char *plugins = SL_PLUGIN_DIR;
static int settle_s; /* --settle: wait, then the figures again */
static char **extra_args;
static int extra_count;
static char *woo_head, *woo_mid, *woo_tail; /* the recorded body around id and number */

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

/* The secret of tenant i: distinct per tenant, as a real host's are. */
static void tenant_secret(int i, char *out, size_t cap)
{
    snprintf(out, cap, "whsec-%05d-%08x", i, (unsigned)(i * 2654435761u));
}

static void tenant_token(int i, char *out, size_t cap)
{
    snprintf(out, cap, "admin-%05d-%08x", i, (unsigned)(i * 40503u + 17));
}

/* conf.d/tNNNNN.ini of the example tenant's WooCommerce channel, taking
   webhooks only; secrets and the admin token in 0600 files. */
static void write_tenant(const char *conf, const char *name, int i)
{
    char path[1024], text[4096], secret[64], token[64];
    tenant_secret(i, secret, sizeof secret);
    tenant_token(i, token, sizeof token);
    snprintf(path, sizeof path, "%s/secrets/t%05d.secret", dir, i);
    write_file(path, secret, 0600);
    snprintf(path, sizeof path, "%s/secrets/t%05d.token", dir, i);
    write_file(path, token, 0600);
    snprintf(text, sizeof text,
             "[tenant]\nid = t%05d\nname = Shop %d\ncurrency = EUR\n"
             "database = %s/db/%s-t%05d.db\nvat_registered = yes\ntimezone = Europe/Riga\n"
             "admin_token_file = %s/secrets/t%05d.token\n\n"
             "[accounts]\nreceivable = 2310\nrevenue = 6110\nvat_output = 5721\n"
             "shipping_income = 6120\nother_income = 8190\ngateway_fees = 7610\n\n"
             "[channel:woo]\nplugin = woocommerce\nurl = http://127.0.0.1:9\nauth = oauth\n"
             "key = ck_bench_%05d\nsecret_file = %s/secrets/t%05d.secret\n"
             "webhook_secret_file = %s/secrets/t%05d.secret\nintake = webhook\n"
             "document = invoice\nprocess_when = processing, completed\napprove = yes\n"
             "add_payment = yes\nseries = WOO\nwarehouse = main\nstock_sync = manual\n"
             "rounding_tolerance = 0\ncreate_products = yes\n\n"
             "[channel:woo.taxes]\nstandard = VAT21\nreduced-rate = VAT12\nzero-rate = VAT0\n\n"
             "[channel:woo.payments]\nbacs = bank:2620\nstripe = merchant-stripe:2630\n"
             "cod = cash:2610\n",
             i, i, dir, name, i, dir, i, i, dir, i, dir, i);
    snprintf(path, sizeof path, "%s/t%05d.ini", conf, i);
    write_file(path, text, 0600);
}

/* A fresh conf.d with n tenants; returns its path (static). */
static const char *make_tenants(const char *name, int n)
{
    static char conf[400];
    snprintf(conf, sizeof conf, "%s/%s", dir, name);
    mkdir(conf, 0700);
    for (int i = 0; i < n; i++)
        write_tenant(conf, name, i);
    return conf;
}

/* Splits the recorded order.created body at its id and number, so each
   delivery is its own order: {"id":163, ... "number":"163" ... */
static void load_woo_body(void)
{
    json_error_t jerr;
    FILE *f = fopen(SL_FIXTURE_DIR "/woocommerce/wc10/webhooks/order-created.jsonl", "r");
    json_t *rec = f ? json_loadf(f, JSON_DISABLE_EOF_CHECK, &jerr) : NULL;
    const char *body = json_string_value(json_object_get(rec, "body"));
    const char *id = body ? strstr(body, "{\"id\":163,") : NULL;
    const char *num = body ? strstr(body, "\"number\":\"163\"") : NULL;
    if (id != body || num == NULL) {
        fprintf(stderr, "bench_tenants: cannot use the recorded WooCommerce delivery\n");
        exit(1);
    }
    woo_head = strdup("{\"id\":");
    woo_mid = strndup(id + 9, (size_t)(num - id - 9));
    woo_tail = strdup(num + strlen("\"number\":\"163\""));
    fclose(f);
    json_decref(rec);
}

/* One request on a new connection to 127.0.0.1:port; returns the HTTP
   status or -1. Replies are small: they fit the buffer. */
static long http_once(int port, const char *head, size_t hlen, const char *body, size_t blen)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    struct timeval tv = {.tv_sec = 30};
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    long status = -1;
    char buf[8192];
    size_t have = 0;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        send(fd, head, hlen, MSG_NOSIGNAL) == (ssize_t)hlen &&
        (blen == 0 || send(fd, body, blen, MSG_NOSIGNAL) == (ssize_t)blen)) {
        ssize_t r;
        while (have < sizeof buf - 1 && (r = recv(fd, buf + have, sizeof buf - 1 - have, 0)) > 0) {
            have += (size_t)r;
            buf[have] = '\0';
            if (strstr(buf, "\r\n\r\n") != NULL)
                break; /* the status is all we read */
        }
        if (have > 12)
            status = strtol(buf + 9, NULL, 10);
    }
    close(fd);
    return status;
}

static long health(int admin_port, int tenant)
{
    char token[64], head[512];
    tenant_token(tenant, token, sizeof token);
    int n = snprintf(head, sizeof head,
                     "GET /admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                     "%s\r\nConnection: close\r\n\r\n",
                     token);
    return http_once(admin_port, head, (size_t)n, NULL, 0);
}

/* A signed order.created delivery of order `order` to tenant `tenant`. */
static long deliver(int port, int tenant, int order)
{
    char body[8192], head[1024], sig[64], secret[64];
    int len = snprintf(body, sizeof body, "%s%d%s\"number\":\"%d\"%s", woo_head, order, woo_mid,
                       order, woo_tail);
    tenant_secret(tenant, secret, sizeof secret);
    unsigned char mac[32];
    sl_hmac_sha256(secret, strlen(secret), body, (size_t)len, mac);
    sl_base64_encode(mac, sizeof mac, sig);
    int hlen = snprintf(head, sizeof head,
                        "POST /hooks/t%05d/woo HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                        "User-Agent: WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)\r\n"
                        "Content-Type: application/json\r\n"
                        "X-WC-Webhook-Source: https://shop.example/\r\n"
                        "X-WC-Webhook-Topic: order.created\r\nX-WC-Webhook-Resource: order\r\n"
                        "X-WC-Webhook-Event: created\r\nX-WC-Webhook-Signature: %s\r\n"
                        "X-WC-Webhook-ID: 1\r\nX-WC-Webhook-Delivery-ID: bt%08d\r\n"
                        "Content-Length: %d\r\nConnection: close\r\n\r\n",
                        tenant, port, sig, order, len);
    return http_once(port, head, (size_t)hlen, body, (size_t)len);
}

static int read_port(const char *path)
{
    FILE *f = fopen(path, "r");
    int port = 0;
    if (f != NULL) {
        if (fscanf(f, "%d", &port) != 1)
            port = 0;
        fclose(f);
    }
    return port;
}

typedef struct serve_run {
    pid_t pid;
    int port, admin_port;
    double start_s;
} serve_run;

/* Spawns serve on conf and waits (bounded) until it answers health. */
static int start_serve(const char *conf, serve_run *out)
{
    char portfile[600], adminfile[600], log[600];
    snprintf(portfile, sizeof portfile, "%s.port", conf);
    snprintf(adminfile, sizeof adminfile, "%s.admin-port", conf);
    snprintf(log, sizeof log, "%s.log", conf);
    unlink(portfile);
    unlink(adminfile);
    char *argv[64] = {(char *)bin,         "--conf", (char *)conf,     "--plugins",
                      (char *)plugins,     "serve",  "--listen",       "127.0.0.1:0",
                      "--port-file",       portfile, "--admin-listen", "127.0.0.1:0",
                      "--admin-port-file", adminfile};
    int argc = 14;
    for (int i = 0; i < extra_count && argc < 62; i++)
        argv[argc++] = extra_args[i];
    argv[argc] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    int64_t t0 = now_us();
    if (posix_spawn(&out->pid, bin, &fa, NULL, argv, environ) != 0) {
        perror("spawn");
        exit(1);
    }
    posix_spawn_file_actions_destroy(&fa);
    for (int waited = 0; waited < START_WAIT_MS; waited++) {
        out->port = read_port(portfile);
        out->admin_port = read_port(adminfile);
        if (out->port > 0 && out->admin_port > 0 && health(out->admin_port, 0) == 200) {
            out->start_s = (double)(now_us() - t0) / 1e6;
            return 0;
        }
        int st;
        if (waitpid(out->pid, &st, WNOHANG) == out->pid) {
            fprintf(stderr, "serve exited at start (see %s)\n", log);
            return -1;
        }
        usleep(1000);
    }
    fprintf(stderr, "serve did not answer health within %d ms\n", START_WAIT_MS);
    kill(out->pid, SIGKILL);
    waitpid(out->pid, NULL, 0);
    return -1;
}

/* kB of "Name:" in /proc/PID/status, or -1. */
static long status_kb(pid_t pid, const char *name)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    size_t n = strlen(name);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, name, n) == 0)
            kb = strtol(line + n, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

static int count_entries(pid_t pid, const char *sub)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, sub);
    DIR *d = opendir(path);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void print_cost(const char *label, pid_t pid)
{
    printf("  %-18s VmRSS %6.1f MB  VmHWM %6.1f MB  threads %4d  fds %5d\n", label,
           (double)status_kb(pid, "VmRSS:") / 1024, (double)status_kb(pid, "VmHWM:") / 1024,
           count_entries(pid, "task"), count_entries(pid, "fd"));
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_ms(int64_t *v, int n, int p)
{
    int i = (int)((int64_t)n * p / 100);
    return (double)v[i >= n ? n - 1 : i] / 1000.0;
}

/* K deliveries to random tenants of n (seeded: the same ones each run,
   and each call); prints p50/p99 of the acknowledgments. */
static void deliveries(const serve_run *r, int n, int k, int first_order, const char *what)
{
    int64_t *lat = calloc((size_t)k, sizeof *lat);
    unsigned seed = 12345;
    int ok = 0, bad = 0;
    for (int i = 0; i < k; i++) {
        int tenant = (int)(rand_r(&seed) % (unsigned)n);
        int64_t t0 = now_us();
        long st = deliver(r->port, tenant, first_order + i);
        int64_t us = now_us() - t0;
        if (st == 200)
            lat[ok++] = us;
        else
            bad++;
    }
    qsort(lat, (size_t)ok, sizeof *lat, cmp64);
    if (ok > 0)
        printf("  %d deliveries %s: p50 %.2f ms  p99 %.2f ms  max %.2f ms"
               "  (%d not 200)\n",
               k, what, pct_ms(lat, ok, 50), pct_ms(lat, ok, 99), pct_ms(lat, ok, 100), bad);
    else
        printf("  %d deliveries: none answered 200\n", k);
    free(lat);
}

static double stop_serve(serve_run *r)
{
    int64_t t0 = now_us();
    kill(r->pid, SIGTERM);
    int st = 0;
    waitpid(r->pid, &st, 0);
    double s = (double)(now_us() - t0) / 1e6;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        printf("  serve did not exit 0 (status %d)\n", st);
    return s;
}

/* One serve on n generated tenants: start, idle cost, deliveries, stop. */
static int run(const char *name, int n, int k)
{
    printf("%d tenant(s):\n", n);
    const char *conf = make_tenants(name, n);
    serve_run r;
    /* The first start creates every database (migrations): reported
       apart, the host's usual start finds them. */
    if (start_serve(conf, &r) != 0)
        return -1;
    double first_s = r.start_s, first_stop_s = stop_serve(&r);
    printf("  first start (creates the databases): %.3f s, its stop %.3f s\n", first_s,
           first_stop_s);
    if (start_serve(conf, &r) != 0)
        return -1;
    printf("  start-up until health answers: %.3f s\n", r.start_s);
    usleep(1000000); /* what an idle serve settles at */
    double cpu0 = process_cpu_s(r.pid);
    usleep(2000000);
    printf("  idle CPU: %.1f%% of a core (2 s)\n", 100.0 * (process_cpu_s(r.pid) - cpu0) / 2.0);
    print_cost("idle:", r.pid);
    int first = n == 1 ? 2000000 : 1000000;
    deliveries(&r, n, k, first, "to random tenants");
    print_cost("after deliveries:", r.pid);
    /* The same tenants again, right after: open now (serve closes an
       idle tenant's connections after --idle-close, 60 s by default). */
    deliveries(&r, n, k, first + k, "to the same tenants again");
    if (settle_s > 0) {
        usleep((useconds_t)settle_s * 1000000);
        print_cost("after --settle:", r.pid);
    }
    printf("  SIGTERM stop: %.3f s\n", stop_serve(&r));
    return 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(int argc, char **argv)
{
    int n = 1000, k = 200, keep = 0, pos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bin") == 0 && i + 1 < argc)
            bin = argv[++i];
        else if (strcmp(argv[i], "--settle") == 0 && i + 1 < argc)
            settle_s = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--plugins") == 0 && i + 1 < argc)
            plugins = argv[++i];
        else if (strcmp(argv[i], "--keep") == 0)
            keep = 1;
        else if (strcmp(argv[i], "--") == 0) {
            extra_args = argv + i + 1;
            extra_count = argc - i - 1;
            break;
        } else if (pos++ == 0)
            n = (int)strtol(argv[i], NULL, 10);
        else
            k = (int)strtol(argv[i], NULL, 10);
    }
    if (n < 1 || n > MAX_TENANTS || k < 1 || k > MAX_DELIVERIES) {
        fprintf(stderr,
                "usage: bench_tenants [N 1..%d] [K 1..%d] [--bin PATH] "
                "[--plugins DIR] [--keep] [-- SERVE ARGS]\n",
                MAX_TENANTS, MAX_DELIVERIES);
        return 2;
    }
    snprintf(dir, sizeof dir, "/tmp/bench_tenants.XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char sub[300];
    snprintf(sub, sizeof sub, "%s/db", dir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/secrets", dir);
    mkdir(sub, 0700);
    load_woo_body();
    printf("bench_tenants: %s (plugins %s)\n", bin, plugins);
    int rc = run("conf-many", n, k);
    if (rc == 0)
        rc = run("conf-one", 1, k);
    if (!keep)
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    else
        printf("kept %s\n", dir);
    return rc == 0 ? 0 : 1;
}
