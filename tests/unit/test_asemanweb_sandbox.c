/*
 * The Aseman Web connector and its emulator agreeing on the wire: the
 * real build/plugins/asemanweb.so, loaded by the host's loader and called
 * through the host's own services (HTTP by libcurl), against a running
 * asemanweb_sandbox on a loopback port chosen at run time. A parcel is
 * quoted, registered and followed 0 -> 1 -> 2 -> 3 on the sandbox clock;
 * a cancel after dispatch is refused (-14); bad input earns the service's
 * codes; the list call misbehaving falls back to one call per id; and the
 * fault knobs (-15, SOAP fault, HTTP 500, garbage, timeout) come back as
 * the status the SDK asks for, a garbage answer to a register being a real
 * "outcome unknown" (the sandbox did register it).
 */
#include "support.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "config/config.h"
#include "loader/loader.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define SANDBOX SL_BUILD_PLUGIN_DIR "/../asemanweb_sandbox"

static pid_t g_pid;
static char g_dir[64], g_base[64];
static loaded_plugin *g_p;
static json_t *g_rows;

/* ---- the sandbox process and its knobs -------------------------------- */

static int start_sandbox(void)
{
    if (sl_test_mkdtemp(g_dir, sizeof g_dir, "awsb") != 0)
        return -1;
    char port_file[128];
    snprintf(port_file, sizeof port_file, "%s/port", g_dir);
    g_pid = fork();
    if (g_pid == 0) {
        execl(SANDBOX, SANDBOX, "--port", "0", "--port-file", port_file, "--username", "shop1",
              "--password", "p4ss", "--step-seconds", "60", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) { /* bounded: 10 s */
        FILE *f = fopen(port_file, "r");
        int port = 0;
        int ok = f && fscanf(f, "%d", &port) == 1 && port > 0;
        if (f)
            fclose(f);
        if (ok) {
            snprintf(g_base, sizeof g_base, "http://127.0.0.1:%d", port);
            return 0;
        }
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

/* Appends a chunk of the answer to the JSON string `data`. */
static size_t collect(char *p, size_t size, size_t n, void *data)
{
    json_t *acc = data;
    size_t old = json_string_length(acc);
    char *joined = malloc(old + size * n + 1);
    if (joined == NULL)
        return 0;
    memcpy(joined, json_string_value(acc), old);
    memcpy(joined + old, p, size * n);
    joined[old + size * n] = '\0';
    json_string_set(acc, joined);
    free(joined);
    return size * n;
}

/* POSTs (or GETs with body NULL) /__sandbox/PATH; the parsed answer. */
static json_t *knob(const char *path, const char *body)
{
    char url[160];
    snprintf(url, sizeof url, "%s/__sandbox/%s", g_base, path);
    CURL *c = curl_easy_init();
    json_t *text = json_string("");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    if (body != NULL)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, text);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_cleanup(c);
    json_t *j = json_loads(json_string_value(text), 0, NULL);
    json_decref(text);
    assert_non_null(j);
    return j;
}

static void knob_ok(const char *path, const char *body)
{
    json_t *j = knob(path, body);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
    json_decref(j);
}

/* How often the sandbox answered `method`; how many parcels it holds. */
static int calls(const char *method)
{
    json_t *s = knob("state", NULL);
    int n = (int)json_integer_value(json_object_get(json_object_get(s, "calls"), method));
    json_decref(s);
    return n;
}
static size_t parcels(void)
{
    json_t *s = knob("state", NULL);
    size_t n = json_array_size(json_object_get(s, "parcels"));
    json_decref(s);
    return n;
}

/* ---- a channel on the host's services ------------------------------------ */

static int sink_set(void *data, const char *k, const char *v)
{
    (void)data;
    if (json_array_size(g_rows) == 0)
        json_array_append_new(g_rows, json_object());
    json_object_set_new(json_array_get(g_rows, json_array_size(g_rows) - 1), k, json_string(v));
    return SL_OK;
}
static int sink_row(void *data)
{
    (void)data;
    json_array_append_new(g_rows, json_object());
    return SL_OK;
}

typedef struct chan {
    config_kv settings[4], secrets[1];
    config_channel ch;
    config_tenant tenant;
    sl_ctx *ctx;
    void *st;
    char url[128];
    sl_error err;
} chan;

static void chan_open(chan *c, const char *password, const char *timeout_ms,
                      const char *status_list)
{
    memset(c, 0, sizeof *c);
    snprintf(c->url, sizeof c->url, "%s/WebService/server.php", g_base);
    c->settings[0] = (config_kv){"url", c->url, 1};
    c->settings[1] = (config_kv){"username", "shop1", 2};
    c->settings[2] = (config_kv){"http_timeout_ms", (char *)timeout_ms, 3};
    c->settings[3] = (config_kv){"status_list", (char *)status_list, 4};
    c->secrets[0] = (config_kv){"password", (char *)password, 5};
    c->ch = (config_channel){.name = "post",
                             .plugin = "asemanweb",
                             .settings = c->settings,
                             .settings_count = 4,
                             .secrets = c->secrets,
                             .secret_count = 1};
    c->tenant = (config_tenant){.id = "aw", .currency = "IRR", .currency_exponent = 0};
    c->ctx = services_ctx_new(&c->tenant, &c->ch, NULL);
    services_sink sink = {.result_set = sink_set, .result_row = sink_row};
    services_ctx_set_sink(c->ctx, &sink);
    c->err = (sl_error){.size = sizeof c->err};
    services_call_begin(c->ctx);
    int rc = g_p->table->channel_open(services_table(), c->ctx, &c->st, &c->err);
    services_call_end(c->ctx);
    if (rc != SL_OK)
        fail_msg("channel_open: %s", c->err.message);
}

static void chan_close(chan *c)
{
    g_p->table->channel_close(c->st);
    services_ctx_free(c->ctx);
}

typedef int (*slot_fn)(void *, sl_ctx *, const sl_params *, sl_error *);

/* Calls a slot with "k=v" pairs (NULL-terminated); rows land in g_rows. */
static int call_kv(chan *c, slot_fn fn, const char *const *kv)
{
    const char *keys[64], *values[64];
    char buf[64][160];
    size_t n = 0;
    for (; kv[n] != NULL && n < 64; n++) {
        snprintf(buf[n], sizeof buf[n], "%s", kv[n]);
        char *eq = strchr(buf[n], '=');
        assert_non_null(eq);
        *eq = '\0';
        keys[n] = buf[n];
        values[n] = eq + 1;
    }
    services_params p = {.keys = keys, .values = values, .count = n};
    json_array_clear(g_rows);
    c->err = (sl_error){.size = sizeof c->err};
    services_call_begin(c->ctx);
    int rc = fn(c->st, c->ctx, &p, &c->err);
    services_call_end(c->ctx);
    return rc;
}

static const char *row(size_t i, const char *k)
{
    return json_string_value(json_object_get(json_array_get(g_rows, i), k));
}

#define PARCEL                                                                                     \
    "send_type=express", "payment=cod", "weight_g=1200", "value=4500000", "province_id=8",         \
        "city_id=301", "first_name=Sara", "last_name=Ahmadi", "mobile=09120000000",                \
        "address=Shiraz, Zand St. 12", "postal_code=8134567890", "customer_ip=5.1.2.3", "items=1", \
        "item.0.sku=501", "item.0.name=Mug blue", "item.0.qty=2", "item.0.price=450000",           \
        "item.0.weight_g=350"

/* Registers a parcel; its FactorKey into key. */
static void register_parcel(chan *c, char *key, size_t cap)
{
    const char *kv[] = {PARCEL, NULL};
    int rc = call_kv(c, g_p->table->create_shipment, kv);
    if (rc != SL_OK)
        fail_msg("create_shipment: %s", c->err.message);
    snprintf(key, cap, "%s", row(0, "parcel_id"));
}

/* Tracks one parcel; its row's `field`. */
static const char *track_one(chan *c, const char *key, const char *field)
{
    char id[80];
    snprintf(id, sizeof id, "parcel.0.id=%s", key);
    const char *kv[] = {"parcels=1", id, NULL};
    assert_int_equal(call_kv(c, g_p->table->track_shipment, kv), SL_OK);
    return row(0, field);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_parcel_life(void **state)
{
    (void)state;
    chan c;
    chan_open(&c, "p4ss", "20000", "yes");
    const char *quote[] = {PARCEL, NULL};
    assert_int_equal(call_kv(&c, g_p->table->quote_shipment, quote), SL_OK);
    assert_int_equal(json_array_size(g_rows), 2);
    assert_string_equal(row(0, "cost_post"), "160000"); /* the sandbox's formula */
    assert_string_equal(row(1, "cost_post"), "114000");
    assert_string_equal(row(1, "cost_cod"), "45000");

    char key[64], cancel[80];
    register_parcel(&c, key, sizeof key);
    assert_non_null(strchr(key, '/'));
    assert_string_equal(track_one(&c, key, "status"), "not_loaded");
    knob_ok("clock", "{\"advance\": 60}");
    assert_string_equal(track_one(&c, key, "status_raw"), "1");
    knob_ok("clock", "{\"advance\": 60}");
    assert_string_equal(track_one(&c, key, "status"), "delivered_to_post");
    snprintf(cancel, sizeof cancel, "parcel_id=%s", key);
    const char *kv[] = {cancel, NULL};
    assert_int_equal(call_kv(&c, g_p->table->cancel_shipment, kv), SL_EREMOTE);
    assert_string_equal(row(0, "code"), "-14");
    knob_ok("clock", "{\"advance\": 60}");
    assert_string_equal(track_one(&c, key, "status"), "delivered_to_customer");
    assert_string_equal(row(0, "cod_collected"), "1");

    /* a fresh parcel cancels, and stays cancelled */
    register_parcel(&c, key, sizeof key);
    snprintf(cancel, sizeof cancel, "parcel_id=%s", key);
    assert_int_equal(call_kv(&c, g_p->table->cancel_shipment, kv), SL_OK);
    knob_ok("clock", "{\"advance\": 600}");
    assert_string_equal(track_one(&c, key, "status"), "cancelled");
    assert_string_equal(row(0, "status_raw"), "4");
    chan_close(&c);
}

static void test_service_codes(void **state)
{
    (void)state;
    chan c;
    chan_open(&c, "p4ss", "20000", "yes");
    const char *city[] = {"city_id=999", PARCEL, NULL}; /* first value wins */
    assert_int_equal(call_kv(&c, g_p->table->create_shipment, city), SL_EREMOTE);
    assert_string_equal(row(0, "code"), "-11");
    const char *heavy[] = {"weight_g=90000", PARCEL, NULL};
    assert_int_equal(call_kv(&c, g_p->table->quote_shipment, heavy), SL_EREMOTE);
    assert_string_equal(row(0, "code"), "-6");
    chan_close(&c);

    chan_open(&c, "wrong", "20000", "yes");
    const char *quote[] = {PARCEL, NULL};
    assert_int_equal(call_kv(&c, g_p->table->quote_shipment, quote), SL_EREMOTE);
    assert_string_equal(row(0, "code"), "-2");
    c.err = (sl_error){.size = sizeof c.err};
    services_call_begin(c.ctx);
    assert_int_equal(g_p->table->check_connection(c.st, c.ctx, &c.err), SL_EAUTH);
    services_call_end(c.ctx);
    chan_close(&c);
}

static void test_list_fallback(void **state)
{
    (void)state;
    chan c;
    chan_open(&c, "p4ss", "20000", "yes");
    char a[64], b[64], pa[80], pb[80];
    register_parcel(&c, a, sizeof a);
    register_parcel(&c, b, sizeof b);
    snprintf(pa, sizeof pa, "parcel.0.id=%s", a);
    snprintf(pb, sizeof pb, "parcel.1.id=%s", b);
    const char *kv[] = {"parcels=2", pa, pb, NULL};
    const char *modes[] = {"{\"mode\": \"ok\"}", "{\"mode\": \"short\"}", "{\"mode\": \"garbage\"}",
                           "{\"mode\": \"fault\"}"};
    for (size_t i = 0; i < 4; i++) {
        knob_ok("list", modes[i]);
        int lists = calls("GetListStatus"), each = calls("GetOrderStatus");
        assert_int_equal(call_kv(&c, g_p->table->track_shipment, kv), SL_OK);
        assert_int_equal(json_array_size(g_rows), 2);
        assert_string_equal(row(0, "parcel_id"), a);
        assert_string_equal(row(1, "status"), "not_loaded");
        assert_int_equal(calls("GetListStatus") - lists, 1);
        assert_int_equal(calls("GetOrderStatus") - each, i == 0 ? 0 : 2);
    }
    knob_ok("list", "{\"mode\": \"ok\"}");
    chan_close(&c);

    chan_open(&c, "p4ss", "20000", "no");
    int lists = calls("GetListStatus");
    assert_int_equal(call_kv(&c, g_p->table->track_shipment, kv), SL_OK);
    assert_int_equal(json_array_size(g_rows), 2);
    assert_int_equal(calls("GetListStatus"), lists);
    chan_close(&c);
}

static void test_faults(void **state)
{
    (void)state;
    chan c;
    chan_open(&c, "p4ss", "1000", "yes");
    const char *parcel[] = {PARCEL, NULL};
    size_t before = parcels();

    knob_ok("fault", "{\"method\": \"RegisterOrder\", \"kind\": \"gateway\"}");
    assert_int_equal(call_kv(&c, g_p->table->create_shipment, parcel), SL_ERETRY);
    assert_string_equal(row(0, "code"), "-15");
    assert_true(c.err.retry_after_ms > 0);
    knob_ok("fault", "{\"method\": \"GetSendPrice\", \"kind\": \"soap\"}");
    assert_int_equal(call_kv(&c, g_p->table->quote_shipment, parcel), SL_ERETRY);
    if (strstr(c.err.message, "Could not connect to host") == NULL)
        fail_msg("soap fault: %s (%d)", c.err.message, c.err.http_status);
    knob_ok("fault", "{\"method\": \"GetSendPrice\", \"kind\": \"http500\"}");
    assert_int_equal(call_kv(&c, g_p->table->quote_shipment, parcel), SL_ERETRY);
    assert_int_equal(c.err.http_status, 500);
    assert_int_equal(parcels(), before); /* none of those registered */

    knob_ok("fault", "{\"method\": \"RegisterOrder\", \"kind\": \"garbage\"}");
    assert_int_equal(call_kv(&c, g_p->table->create_shipment, parcel), SL_EIO);
    assert_int_equal(parcels(), before + 1); /* the outcome was unknown, not nothing */

    knob_ok("fault", "{\"method\": \"RegisterOrder\", \"kind\": \"timeout\", \"delay_ms\": 4000}");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = call_kv(&c, g_p->table->create_shipment, parcel);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(rc == SL_ERETRY || rc == SL_EIO);
    assert_true(t1.tv_sec - t0.tv_sec < 4); /* the channel's 1 s, not the sandbox's 4 */
    assert_int_equal(parcels(), before + 2);
    chan_close(&c);
}

static int group_setup(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    if (services_global_init(&err) != SL_OK || start_sandbox() != 0)
        return -1;
    if (loader_open(SL_BUILD_PLUGIN_DIR "/asemanweb.so", &g_p, &err) != SL_OK) {
        fprintf(stderr, "loader_open: %s\n", err.message);
        return -1;
    }
    g_rows = json_array();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (g_pid > 0) {
        kill(g_pid, SIGTERM);
        waitpid(g_pid, NULL, 0);
    }
    sl_test_rmtree(g_dir);
    json_decref(g_rows);
    loader_free(g_p);
    services_global_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parcel_life),
        cmocka_unit_test(test_service_codes),
        cmocka_unit_test(test_list_fallback),
        cmocka_unit_test(test_faults),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
