/*
 * bench_stock_sync: the WooCommerce stock + price push at 10,000 SKUs.
 * Seeds woo_sandbox with simple products and variable products with
 * variations (most managing stock, some "parent", some not), gives a
 * tenant a ledger holding the same SKUs with other stock levels and
 * prices, then runs `shopledger stock sync` twice (the second time with
 * nothing changed) and prints, for each run, the remote calls the shop
 * counted (/__sandbox/state), items per batch write and wall time.
 * Figures, not a test. Usage: bench_stock_sync [SKUS]  (default 10000).
 */
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VARS_PER_PARENT 4
#define MAX_SKUS 100000

static char dir[64];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void path(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* Price text of cents ("12.50"), as the shop and the CSV write it. */
static void price(char *buf, size_t cap, long cents)
{
    snprintf(buf, cap, "%ld.%02ld", cents / 100, cents % 100);
}

static json_t *simple(long id, const char *sku, long cents, int manage, long qty)
{
    char p[32];
    price(p, sizeof p, cents);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)id, "name", sku, "sku",
                          sku, "regular_price", p, "manage_stock", manage);
    if (manage)
        json_object_set_new(o, "stock_quantity", json_integer(qty));
    return o;
}

/* Writes the seed (shop) and the CSV (ledger) for n SKUs. */
static int write_inputs(int n, FILE *csv)
{
    json_t *products = json_array();
    long id = 1000;
    int made = 0, parent_no = 0;
    fprintf(csv, "sku,name,parent_sku,price,price_group,on_hand,warehouse,purchase_price\n");
    while (made < n) {
        char sku[64], p[32];
        if (made % 10 < 6 || n - made < VARS_PER_PARENT) { /* a simple product */
            snprintf(sku, sizeof sku, "SKU-%06d", made);
            int manage = made % 20 != 0;
            json_array_append_new(products, simple(id++, sku, 500 + made % 900, manage, 10));
            price(p, sizeof p, 500 + made % 900 + (made % 3 == 0 ? 100 : 0));
            fprintf(csv, "%s,%s,,%s,retail,%d,main,1.00\n", sku, sku, p, 10 + made % 7);
            made++;
            continue;
        }
        char psku[32];
        snprintf(psku, sizeof psku, "VAR-%05d", parent_no++);
        json_t *par = simple(id++, psku, 0, 1, 40);
        json_object_set_new(par, "type", json_string("variable"));
        json_object_set_new(par, "regular_price", json_string(""));
        json_t *vars = json_array();
        fprintf(csv, "%s,%s,,,,,,\n", psku, psku);
        for (int v = 0; v < VARS_PER_PARENT; v++, made++) {
            snprintf(sku, sizeof sku, "%s-%d", psku, v);
            /* the last variation of a parent follows its parent's stock */
            json_t *var = simple(id++, sku, 2000 + v * 100, v < VARS_PER_PARENT - 1, 5);
            if (v == VARS_PER_PARENT - 1)
                json_object_set_new(var, "manage_stock", json_string("parent"));
            json_array_append_new(vars, var);
            price(p, sizeof p, 2000 + v * 100 + (v == 0 ? 50 : 0));
            fprintf(csv, "%s,%s,%s,%s,retail,%d,main,1.00\n", sku, sku, psku, p, 3 + v);
        }
        json_object_set_new(par, "variations", vars);
        json_array_append_new(products, par);
    }
    json_t *seed =
        json_pack("{s:{s:s, s:i}, s:[], s:[], s:[], s:[], s:o, s:[]}", "settings", "currency",
                  "EUR", "gmt_offset_minutes", 0, "taxes", "tax_classes", "payment_gateways",
                  "shipping_methods", "products", products, "orders");
    char seed_path[128];
    path(seed_path, sizeof seed_path, "seed.json");
    int rc = json_dump_file(seed, seed_path, JSON_COMPACT);
    json_decref(seed);
    return rc;
}

static int write_tenant(unsigned port)
{
    char p[128];
    path(p, sizeof p, "cs.secret");
    FILE *f = fopen(p, "w");
    if (!f)
        return -1;
    fputs("cs_bench", f);
    fclose(f);
    chmod(p, 0600);
    path(p, sizeof p, "conf.d/bench.ini");
    f = fopen(p, "w");
    if (!f)
        return -1;
    fprintf(
        f,
        "[tenant]\nid = bench\ncurrency = EUR\ndatabase = %s/bench.db\n\n"
        "[channel:woo]\nplugin = woocommerce\nurl = http://127.0.0.1:%u\nkey = ck_bench\n"
        "secret_file = %s/cs.secret\nintake = poll\ndocument = invoice\nprocess_when = processing\n"
        "sync_prices = yes\nprice_group = retail\n",
        dir, port, dir);
    fclose(f);
    return 0;
}

static char *read_all(FILE *f)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 4096) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown) {
                free(buf);
                return NULL;
            }
            buf = grown;
        }
    }
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* The shop's call counters now. */
static json_t *shop_state(unsigned port)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "curl -s --max-time 60 http://127.0.0.1:%u/__sandbox/state", port);
    FILE *p = popen(cmd, "r");
    char *text = p ? read_all(p) : NULL;
    if (p)
        pclose(p);
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    return j;
}

static long count_calls(const json_t *state, const char *prefix)
{
    long sum = 0;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(state, "calls"), k, v)
    {
        if (!prefix || strncmp(k, prefix, strlen(prefix)) == 0)
            sum += (long)json_integer_value(v);
    }
    return sum;
}

static void sync_run(const char *bin, unsigned port, const char *label)
{
    json_t *before = shop_state(port);
    char cmd[512], out[128];
    path(out, sizeof out, "sync.json");
    snprintf(cmd, sizeof cmd, "%s --conf %s/conf.d --json stock sync bench woo > %s", bin, dir,
             out);
    double t0 = now_s();
    int rc = system(cmd);
    double wall = now_s() - t0;
    json_t *after = shop_state(port);
    json_t *rep = json_array_get(json_load_file(out, 0, NULL), 0);
    long calls = count_calls(after, NULL) - count_calls(before, NULL);
    long gets = count_calls(after, "GET ") - count_calls(before, "GET ");
    long batches = (long)(json_integer_value(json_object_get(after, "batch_requests")) -
                          json_integer_value(json_object_get(before, "batch_requests")));
    long listed = (long)json_integer_value(json_object_get(rep, "listed"));
    long written = (long)json_integer_value(json_object_get(rep, "written"));
    printf("%-7s exit %d  listed %6ld  written %6ld  unchanged %5lld  skipped %5lld  "
           "failed %lld\n        remote calls %6ld (GET %ld, batch writes %ld, other %ld)  "
           "items/batch %.1f  wall %.2f s\n",
           label, rc, listed, written,
           (long long)json_integer_value(json_object_get(rep, "unchanged")),
           (long long)json_integer_value(json_object_get(rep, "skipped")),
           (long long)json_integer_value(json_object_get(rep, "failed")), calls, gets, batches,
           calls - gets - batches, batches ? (double)written / (double)batches : 0.0, wall);
    const char *e = json_string_value(json_object_get(rep, "error"));
    if (e)
        printf("        error: %s\n", e);
    json_decref(before);
    json_decref(after);
}

static pid_t start_sandbox(const char *bin, unsigned *port)
{
    char seed[128], pf[128];
    path(seed, sizeof seed, "seed.json");
    path(pf, sizeof pf, "sb.port");
    pid_t pid = fork();
    if (pid == 0) {
        execl(bin, bin, "--seed", seed, "--port", "0", "--port-file", pf, "--consumer-key",
              "ck_bench", "--consumer-secret", "cs_bench", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 600; i++) {
        FILE *f = fopen(pf, "r");
        if (f && fscanf(f, "%u", port) == 1) {
            fclose(f);
            return pid;
        }
        if (f)
            fclose(f);
        usleep(50000);
    }
    kill(pid, SIGTERM);
    return -1;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
    if (n < VARS_PER_PARENT || n > MAX_SKUS) {
        fprintf(stderr, "usage: bench_stock_sync [SKUS %d..%d]\n", VARS_PER_PARENT, MAX_SKUS);
        return 2;
    }
    const char *bin = SL_SHOPLEDGER_BIN;
    char sandbox[512], tmpl[] = "/tmp/sl-bench-sync.XXXXXX", p[160], cmd[768];
    snprintf(sandbox, sizeof sandbox, "%.*s/woo_sandbox", (int)(strrchr(bin, '/') - bin), bin);
    if (!mkdtemp(tmpl))
        return 1;
    snprintf(dir, sizeof dir, "%s", tmpl);
    path(p, sizeof p, "conf.d");
    mkdir(p, 0700);
    path(p, sizeof p, "products.csv");
    FILE *csv = fopen(p, "w");
    if (!csv || write_inputs((int)n, csv) != 0)
        return 1;
    fclose(csv);
    unsigned port = 0;
    pid_t sb = start_sandbox(sandbox, &port);
    if (sb < 0 || write_tenant(port) != 0) {
        fprintf(stderr, "cannot start %s\n", sandbox);
        return 1;
    }
    snprintf(cmd, sizeof cmd, "%s --conf %s/conf.d import products bench %s > /dev/null", bin, dir,
             p);
    double t0 = now_s();
    int rc = system(cmd);
    printf("bench_stock_sync: %ld SKUs (%ld%% simple, variable with %d variations each; "
           "1 in 20 simple and 1 in %d variations not managing stock themselves)\n"
           "import products: exit %d, %.2f s\n",
           n, 60L, VARS_PER_PARENT, VARS_PER_PARENT, rc, now_s() - t0);
    sync_run(bin, port, "first");
    sync_run(bin, port, "second");
    kill(sb, SIGTERM);
    waitpid(sb, NULL, 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
