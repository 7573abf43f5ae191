/*
 * plugin check against a sandbox. A plugin whose remote service has an
 * emulator in tests/sandbox ships a spec, plugins/<folder>/check.json,
 * which the build copies beside the .so as <name>.check.json (and install
 * installs there):
 *
 *   {"binary": "woo_sandbox",                  built next to shopledger
 *    "args": ["--seed", "{source}/tests/sandbox/woocommerce/seed/demo.json",
 *             "--port", "0", "--port-file", "{port_file}"],
 *    "settings": {"url": "http://127.0.0.1:{port}", ...},   channel keys
 *    "secrets": {"secret": "...", ...},
 *    "stock": [{"sku": "HOODIE-L", "quantity": "5", "price": "25.00"}],
 *    "min_orders": 1,
 *    "parcel": {"send_type": "express", "weight_g": "900", ...}}
 *                                              postal params (sdk.h 1.5)
 *
 * The checker starts the sandbox on a free loopback port, opens a channel
 * with those settings and runs every capability the plugin declares:
 * check_connection, fetch_orders (orders and a cursor), the lists,
 * push_stock/push_prices (a report per SKU), report_status on a fetched
 * order, fetch_products, the hostile webhook probes, and for a bank
 * gateway its payment slots with the sandbox's buyer (check_gateway.c,
 * driven by the spec's "gateway" object), and for a postal plugin with a
 * "parcel" spec quote -> create -> track -> cancel of one parcel
 * (find_shipment by its order_ref when the plugin has it).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check/check_probe.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define SPEC_MAX_ARGS 32
#define SPEC_MAX_KV 32

typedef struct sandbox_run {
    pid_t pid;
    char tmp[64];
    char port_file[128];
    int port;
    const char *data_dir; /* check_options.data_dir */
} sandbox_run;

/* Replaces {source} {port_file} {port} {tmp} in `in`. */
static void expand(const char *in, const sandbox_run *sb, char *out, size_t cap)
{
    size_t used = 0;
    char port[16];
    snprintf(port, sizeof port, "%d", sb->port);
    const struct {
        const char *name;
        const char *value;
    } vars[4] = {{"{source}", sb->data_dir ? sb->data_dir : SL_SOURCE_TREE},
                 {"{port_file}", sb->port_file},
                 {"{port}", port},
                 {"{tmp}", sb->tmp}};
    while (*in && used + 1 < cap) {
        size_t i, n = 0;
        for (i = 0; i < sizeof vars / sizeof vars[0]; i++)
            if (strncmp(in, vars[i].name, n = strlen(vars[i].name)) == 0)
                break;
        if (i < sizeof vars / sizeof vars[0]) {
            int w = snprintf(out + used, cap - used, "%s", vars[i].value);
            used += w > 0 ? (size_t)w : 0;
            in += n;
        } else {
            out[used++] = *in++;
        }
    }
    out[used < cap ? used : cap - 1] = '\0';
}

/* The plugin's spec, NAME.check.json beside the file it was loaded from
   (symlinks followed): the build copies each plugin folder's check.json
   there and `make install` installs it beside the .so, so an installed
   shopledger finds it too. NULL when the plugin ships none. */
static json_t *load_spec(const loaded_plugin *p)
{
    char real[PATH_MAX], path[PATH_MAX + 64];
    if (realpath(p->path, real) == NULL)
        return NULL;
    char *slash = strrchr(real, '/');
    if (slash == NULL)
        return NULL;
    *slash = '\0';
    if (snprintf(path, sizeof path, "%s/%s.check.json", real, p->table->name) >= (int)sizeof path)
        return NULL;
    return json_load_file(path, 0, NULL);
}

static int wait_port(sandbox_run *sb)
{
    for (int i = 0; i < 300; i++) { /* bounded: 15 s */
        FILE *f = fopen(sb->port_file, "r");
        int ok = f && fscanf(f, "%d", &sb->port) == 1 && sb->port > 0;
        if (f)
            fclose(f);
        if (ok)
            return 0;
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

static int start_sandbox(const check_options *opt, const json_t *spec, sandbox_run *sb, char *why,
                         size_t why_len)
{
    sb->data_dir = opt->data_dir;
    snprintf(sb->tmp, sizeof sb->tmp, "/tmp/sl-check-XXXXXX");
    if (mkdtemp(sb->tmp) == NULL)
        return snprintf(why, why_len, "mkdtemp: %s", strerror(errno)), -1;
    snprintf(sb->port_file, sizeof sb->port_file, "%s/port", sb->tmp);
    char bin[4096];
    snprintf(bin, sizeof bin, "%s/%s", opt->sandbox_dir ? opt->sandbox_dir : ".",
             json_string_value(json_object_get(spec, "binary")));
    if (access(bin, X_OK) != 0)
        return snprintf(why, why_len, "sandbox %.400s is not built", bin), -1;
    static char args[SPEC_MAX_ARGS][1024];
    char *argv[SPEC_MAX_ARGS + 2] = {bin};
    size_t n = 0, i;
    json_t *a;
    json_array_foreach(json_object_get(spec, "args"), i, a) if (n < SPEC_MAX_ARGS)
    {
        expand(json_string_value(a) ? json_string_value(a) : "", sb, args[n], sizeof args[n]);
        argv[1 + n] = args[n];
        n++;
    }
    argv[1 + n] = NULL;
    sb->pid = fork();
    if (sb->pid == 0) {
        execv(bin, argv);
        _exit(127);
    }
    if (sb->pid < 0 || wait_port(sb) != 0)
        return snprintf(why, why_len, "sandbox %.400s did not start", bin), -1;
    return 0;
}

static void stop_sandbox(sandbox_run *sb)
{
    if (sb->pid > 0) {
        kill(sb->pid, SIGTERM);
        waitpid(sb->pid, NULL, 0);
    }
    char cmd[128];
    unlink(sb->port_file);
    snprintf(cmd, sizeof cmd, "%s/state.json", sb->tmp);
    unlink(cmd);
    rmdir(sb->tmp);
}

/* A deep copy of j with the placeholders of every string expanded. */
static json_t *expand_json(const json_t *j, const sandbox_run *sb)
{
    if (json_is_string(j)) {
        static char buf[2048];
        expand(json_string_value(j), sb, buf, sizeof buf);
        return json_string(buf);
    }
    if (json_is_object(j)) {
        json_t *o = json_object();
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v) json_object_set_new(o, k, expand_json(v, sb));
        return o;
    }
    if (json_is_array(j)) {
        json_t *a = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) json_array_append_new(a, expand_json(v, sb));
        return a;
    }
    return json_deep_copy(j);
}

/* Builds a kv array from a JSON object, expanding placeholders. */
static config_kv *kv_from(const json_t *obj, const sandbox_run *sb, size_t *count)
{
    static char values[2][SPEC_MAX_KV][1024];
    static int which;
    config_kv *kv = calloc(SPEC_MAX_KV, sizeof *kv);
    const char *key;
    json_t *v;
    *count = 0;
    which ^= 1;
    json_object_foreach((json_t *)obj, key, v) if (kv && *count < SPEC_MAX_KV)
    {
        expand(json_string_value(v) ? json_string_value(v) : "", sb, values[which][*count],
               sizeof values[which][*count]);
        kv[*count].key = (char *)key;
        kv[*count].value = values[which][*count];
        (*count)++;
    }
    return kv;
}

static void step(int fd, const char *name, int ok, const char *detail)
{
    check_emit(fd, name, ok, detail);
}

static const char *or_default(const json_t *j, const char *fallback)
{
    const char *v = json_string_value(j);
    return v ? v : fallback;
}

typedef int (*call_fn)(const loaded_plugin *, sl_ctx *, void *, const json_t *, sl_error *);

/* Runs one capability call and reports it; `counted` is what the sink saw. */
static void run_step(int fd, const char *name, const loaded_plugin *p, sl_ctx *ctx, void *st,
                     const json_t *spec, call_fn fn, const int *counted, int min)
{
    check_stage(fd, name);
    sl_error err = {.size = sizeof err};
    int before = *counted;
    services_call_begin(ctx);
    int rc = fn(p, ctx, st, spec, &err);
    services_call_end(ctx);
    char detail[400];
    snprintf(detail, sizeof detail, "%s, %d item(s)%s%s", sl_status_name(rc), *counted - before,
             rc ? ": " : "", rc ? err.message : "");
    check_emit(fd, name, rc == SL_OK && *counted - before >= min, detail);
}

static int call_fetch(const loaded_plugin *p, sl_ctx *c, void *s, const json_t *spec, sl_error *e)
{
    (void)spec;
    return p->table->fetch_orders(s, c, NULL, e);
}
static int call_taxes(const loaded_plugin *p, sl_ctx *c, void *s, const json_t *spec, sl_error *e)
{
    (void)spec;
    return p->table->list_taxes(s, c, e);
}
static int call_pays(const loaded_plugin *p, sl_ctx *c, void *s, const json_t *spec, sl_error *e)
{
    (void)spec;
    return p->table->list_payment_methods(s, c, e);
}
static int call_ships(const loaded_plugin *p, sl_ctx *c, void *s, const json_t *spec, sl_error *e)
{
    (void)spec;
    return p->table->list_shipping_methods(s, c, e);
}
static int call_products(const loaded_plugin *p, sl_ctx *c, void *s, const json_t *spec,
                         sl_error *e)
{
    (void)spec;
    return p->table->fetch_products(s, c, e);
}

static int push(const loaded_plugin *p, sl_ctx *c, void *s, const json_t *spec, sl_error *e,
                int prices)
{
    services_stock_item items[16];
    services_stock_list list = {.items = items};
    snprintf(list.currency, sizeof list.currency, "%s",
             or_default(json_object_get(spec, "currency"), "EUR"));
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(spec, "stock"), i, it) if (list.count < 16)
    {
        services_stock_item *si = &items[list.count++];
        memset(si, 0, sizeof *si);
        si->sku = (char *)json_string_value(json_object_get(it, "sku"));
        snprintf(si->quantity, sizeof si->quantity, "%s",
                 or_default(json_object_get(it, "quantity"), "0"));
        snprintf(si->price, sizeof si->price, "%s", or_default(json_object_get(it, "price"), ""));
    }
    return prices ? p->table->push_prices(s, c, &list, e) : p->table->push_stock(s, c, &list, e);
}
static int call_stock(const loaded_plugin *p, sl_ctx *c, void *s, const json_t *spec, sl_error *e)
{
    return push(p, c, s, spec, e, 0);
}
static int call_prices(const loaded_plugin *p, sl_ctx *c, void *s, const json_t *spec, sl_error *e)
{
    return push(p, c, s, spec, e, 1);
}

/* Postal params: the spec's "parcel" object (taken as written) plus
   `extra` pairs, which win. Arrays are static: one call at a time. */
static services_params postal_params(const json_t *parcel, const char *const *extra, size_t nextra)
{
    static const char *keys[SPEC_MAX_KV * 2], *values[SPEC_MAX_KV * 2];
    services_params sp = {.keys = keys, .values = values};
    for (size_t i = 0; i < nextra; i++) {
        keys[sp.count] = extra[2 * i];
        values[sp.count++] = extra[2 * i + 1];
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)parcel, key, v) if (sp.count < SPEC_MAX_KV * 2)
    {
        keys[sp.count] = key;
        values[sp.count++] = or_default(v, "");
    }
    return sp;
}

typedef int (*postal_fn)(void *, sl_ctx *, const sl_params *, sl_error *);

/* One postal call; ok when SL_OK and at least min_rows rows or min_results
   results were answered. */
static void postal_step(int fd, const char *name, postal_fn fn, sl_ctx *ctx, void *st,
                        const services_params *sp, probe_sink *seen, int min_rows, int min_results)
{
    check_stage(fd, name);
    sl_error err = {.size = sizeof err};
    int rows = seen->result_rows, results = seen->results;
    services_call_begin(ctx);
    int rc = fn(st, ctx, sp, &err);
    services_call_end(ctx);
    rows = seen->result_rows - rows;
    results = seen->results - results;
    char detail[400];
    snprintf(detail, sizeof detail, "%s, %d row(s), %d result(s)%s%s", sl_status_name(rc), rows,
             results, rc ? ": " : "", rc ? err.message : "");
    check_emit(fd, name, rc == SL_OK && rows >= min_rows && results >= min_results, detail);
}

/* quote -> create -> (find) -> track -> cancel of the spec's parcel. */
static void run_postal(const sl_plugin *t, sl_ctx *ctx, void *st, const json_t *spec,
                       probe_sink *seen, int fd)
{
    const json_t *parcel = json_object_get(spec, "parcel");
    if (!json_is_object(parcel) || !SL_HAS_FIELD(t, find_shipment))
        return;
    services_params sp = postal_params(parcel, NULL, 0);
    if (t->quote_shipment)
        postal_step(fd, "sandbox: quote_shipment", t->quote_shipment, ctx, st, &sp, seen, 1, 1);
    if (t->create_shipment == NULL)
        return;
    postal_step(fd, "sandbox: create_shipment", t->create_shipment, ctx, st, &sp, seen, 0, 1);
    step(fd, "sandbox: create_shipment answers a parcel_id", seen->parcel_id[0] != '\0',
         seen->parcel_id[0] ? seen->parcel_id : "no parcel_id");
    if (seen->parcel_id[0] == '\0')
        return;
    const char *ref = json_string_value(json_object_get(parcel, "order_ref"));
    if (t->find_shipment && ref != NULL)
        postal_step(fd, "sandbox: find_shipment", t->find_shipment, ctx, st, &sp, seen, 0, 1);
    const char *track[] = {"parcels", "1", "parcel.0.id", seen->parcel_id};
    services_params tp = postal_params(parcel, track, 2);
    if (t->track_shipment)
        postal_step(fd, "sandbox: track_shipment", t->track_shipment, ctx, st, &tp, seen, 1, 1);
    const char *cancel[] = {"parcel_id", seen->parcel_id};
    services_params cp = postal_params(parcel, cancel, 1);
    if (t->cancel_shipment)
        postal_step(fd, "sandbox: cancel_shipment", t->cancel_shipment, ctx, st, &cp, seen, 0, 0);
}

static void run_all(const loaded_plugin *p, sl_ctx *ctx, void *st, const json_t *spec,
                    const sandbox_run *sb, probe_sink *seen, int fd)
{
    const sl_plugin *t = p->table;
    int min_orders = (int)json_integer_value(json_object_get(spec, "min_orders"));
    loader_check_fn check = loader_check_connection(p);
    if (check != NULL) {
        sl_error err = {.size = sizeof err};
        services_call_begin(ctx);
        int rc = check(st, ctx, &err);
        services_call_end(ctx);
        step(fd, "sandbox: check_connection", rc == SL_OK, rc ? err.message : "ok");
    }
    if (t->fetch_orders) {
        run_step(fd, "sandbox: fetch_orders", p, ctx, st, spec, call_fetch, &seen->orders,
                 min_orders);
        step(fd, "sandbox: fetch_orders commits a cursor", seen->cursors > 0,
             seen->cursors > 0 ? "yes" : "no cursor_commit");
    }
    if (t->list_taxes)
        run_step(fd, "sandbox: list_taxes", p, ctx, st, spec, call_taxes, &seen->lists, 1);
    if (t->list_payment_methods)
        run_step(fd, "sandbox: list_payment_methods", p, ctx, st, spec, call_pays, &seen->lists, 1);
    if (t->list_shipping_methods)
        run_step(fd, "sandbox: list_shipping_methods", p, ctx, st, spec, call_ships, &seen->lists,
                 1);
    int stock_items = (int)json_array_size(json_object_get(spec, "stock"));
    if (t->push_stock)
        run_step(fd, "sandbox: push_stock", p, ctx, st, spec, call_stock, &seen->reports,
                 stock_items);
    if (t->push_prices)
        run_step(fd, "sandbox: push_prices", p, ctx, st, spec, call_prices, &seen->reports,
                 stock_items);
    if (t->report_status && seen->first_external_id[0]) {
        check_stage(fd, "sandbox: report_status");
        sl_error err = {.size = sizeof err};
        services_call_begin(ctx);
        int rc = t->report_status(st, ctx, seen->first_external_id, "shopledger plugin check: note",
                                  NULL, "check:1", &err);
        services_call_end(ctx);
        step(fd, "sandbox: report_status", rc == SL_OK, rc ? err.message : "note written");
    }
    if (SL_HAS_FIELD(t, fetch_products) && t->fetch_products)
        run_step(fd, "sandbox: fetch_products", p, ctx, st, spec, call_products, &seen->products,
                 1);
    if (t->parse_webhook)
        check_webhook_probes(p, ctx, st, seen, fd);
    if (SL_HAS_FIELD(t, request_payment) && t->request_payment) {
        json_t *gw = expand_json(json_object_get(spec, "gateway"), sb);
        if (json_is_object(gw))
            check_gateway_probes(p, ctx, st, gw, seen, fd);
        else
            step(fd, "sandbox: gateway", 1,
                 "the spec has no \"gateway\" object: payment slots not run");
        json_decref(gw);
    }
    run_postal(t, ctx, st, spec, seen, fd);
}

int check_sandbox_probes(const check_options *opt, const loaded_plugin *p, int fd)
{
    json_t *spec = load_spec(p);
    if (spec == NULL)
        return 0;
    check_stage(fd, "sandbox start");
    sandbox_run sb = {0};
    char why[512];
    if (start_sandbox(opt, spec, &sb, why, sizeof why) != 0) {
        check_emit(fd, "sandbox start", 0, why);
        stop_sandbox(&sb);
        json_decref(spec);
        return 1;
    }
    config_channel ch = {.name = "check", .plugin = (char *)p->table->name};
    ch.settings = kv_from(json_object_get(spec, "settings"), &sb, &ch.settings_count);
    ch.secrets = kv_from(json_object_get(spec, "secrets"), &sb, &ch.secret_count);
    config_tenant tenant = {.id = "check", .currency = "EUR", .currency_exponent = 2};
    probe_sink seen = {0};
    sl_ctx *ctx = NULL;
    void *st = NULL;
    sl_error err = {.size = sizeof err};
    check_stage(fd, "sandbox: channel_open");
    int rc = check_open_channel(p, &ch, &tenant, &ctx, &st, &seen, &err);
    step(fd, "sandbox: channel_open", rc == SL_OK, rc ? err.message : "ok");
    if (rc == SL_OK) {
        run_all(p, ctx, st, spec, &sb, &seen, fd);
        p->table->channel_close(st);
    }
    services_ctx_free(ctx);
    free(ch.settings);
    free(ch.secrets);
    stop_sandbox(&sb);
    json_decref(spec);
    return 1;
}
