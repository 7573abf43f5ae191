/*
 * mellat.so through the real host services (libcurl, the call arena, the
 * option kit) against build/mellat_sandbox on a loopback port chosen at
 * run time: the recoveries the host's gateway driver relies on, with the
 * sandbox's knobs for what a real bank does to us.
 *   - a verify whose answer is lost after the bank did it (the connection
 *     drops) is SL_ERETRY; inquiry then says verified and settle goes on;
 *   - a verify lost before the bank saw it: inquiry says paid, verify works;
 *   - a verify answered after the client's timeout: SL_ERETRY, then inquiry;
 *   - no verify within 20 minutes on the sandbox clock: the bank reversed
 *     it, verify is a final refusal (48) and inquiry says reversed;
 *   - a settle that faults is retried; HTML garbage is SL_EIO;
 *   - wrong credentials fail check_connection with SL_EAUTH.
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

#include "loader/loader.h"
#include "services/services.h"

#define SANDBOX_BIN SL_BUILD_PLUGIN_DIR "/../mellat_sandbox"

static pid_t g_pid;
static int g_port;
static char g_dir[64];
static json_t *g_results;
static const loaded_plugin *g_plugin;

/* ---- the sandbox process and its knobs ------------------------------------ */

static int start_sandbox(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/sl-mellat-XXXXXX");
    if (mkdtemp(g_dir) == NULL)
        return -1;
    char port_file[128];
    snprintf(port_file, sizeof port_file, "%s/port", g_dir);
    g_pid = fork();
    if (g_pid == 0) {
        execl(SANDBOX_BIN, SANDBOX_BIN, "--port", "0", "--port-file", port_file, "--password",
              "pw-test", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) { /* bounded: 10 s */
        FILE *f = fopen(port_file, "r");
        int ok = f && fscanf(f, "%d", &g_port) == 1 && g_port > 0;
        if (f)
            fclose(f);
        if (ok)
            return 0;
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

static size_t keep_body(char *p, size_t size, size_t n, void *data)
{
    json_t *buf = data;
    json_array_append_new(buf, json_stringn(p, size * n));
    return size * n;
}

/* POSTs JSON to a knob; the answer parsed (caller decrefs). */
static json_t *knob(const char *name, const char *json)
{
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/__sandbox/%s", g_port, name);
    json_t *parts = json_array();
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, parts);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_cleanup(c);
    char all[8192] = "";
    size_t used = 0, i;
    json_t *p;
    json_array_foreach(parts, i, p)
    {
        size_t n = json_string_length(p);
        if (used + n < sizeof all) {
            memcpy(all + used, json_string_value(p), n);
            used += n;
        }
    }
    json_decref(parts);
    json_t *j = json_loadb(all, used, 0, NULL);
    assert_non_null(j);
    return j;
}

/* ---- the channel ------------------------------------------------------------- */

static int sink_result(void *data, const char *k, const char *v)
{
    (void)data;
    json_object_set_new(g_results, k, json_string(v));
    return SL_OK;
}

typedef struct chan {
    config_channel cfg;
    config_kv settings[6], secrets[1];
    char url[128], start[128];
    config_tenant tenant;
    sl_ctx *ctx;
    void *state;
} chan;

static int chan_open(chan *c, const char *password)
{
    memset(c, 0, sizeof *c);
    snprintf(c->url, sizeof c->url, "http://127.0.0.1:%d/pgwchannel/services/pgw", g_port);
    snprintf(c->start, sizeof c->start, "http://127.0.0.1:%d/pgwchannel/startpay.mellat", g_port);
    const char *kv[6][2] = {
        {"terminal_id", "7001234"}, {"username", "shop7"},      {"url", c->url},
        {"start_url", c->start},    {"http_timeout_ms", "700"}, {"payer_id", "0"}};
    for (int i = 0; i < 6; i++)
        c->settings[i] = (config_kv){(char *)kv[i][0], (char *)kv[i][1], 1};
    c->secrets[0] = (config_kv){"password", (char *)password, 1};
    c->cfg = (config_channel){.name = "mellat",
                              .plugin = "mellat",
                              .settings = c->settings,
                              .settings_count = 6,
                              .secrets = c->secrets,
                              .secret_count = 1};
    c->tenant = (config_tenant){.id = "t", .currency = "IRR", .currency_exponent = 0};
    c->ctx = services_ctx_new(&c->tenant, &c->cfg, NULL);
    services_sink sink = {.result_set = sink_result};
    services_ctx_set_sink(c->ctx, &sink);
    sl_error err = {.size = sizeof err};
    services_call_begin(c->ctx);
    int rc = g_plugin->table->channel_open(services_table(), c->ctx, &c->state, &err);
    services_call_end(c->ctx);
    return rc;
}

static void chan_close(chan *c)
{
    g_plugin->table->channel_close(c->state);
    services_ctx_free(c->ctx);
}

typedef int (*slot_fn)(void *, sl_ctx *, const sl_params *, sl_error *);

/* One slot call with params "k","v",... NULL; results in g_results. */
static int call(chan *c, slot_fn fn, sl_error *err, ...)
{
    const char *keys[8], *values[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, err);
    for (const char *k; n < 8 && (k = va_arg(ap, const char *)) != NULL; n++) {
        keys[n] = k;
        values[n] = va_arg(ap, const char *);
    }
    va_end(ap);
    services_params p = {.keys = keys, .values = values, .count = n};
    json_object_clear(g_results);
    *err = (sl_error){.size = sizeof *err};
    services_call_begin(c->ctx);
    int rc = fn(c->state, c->ctx, &p, err);
    services_call_end(c->ctx);
    return rc;
}

static const char *result(const char *k)
{
    return json_string_value(json_object_get(g_results, k));
}

/* A paid sale: pay request, the buyer pays, the return read. Fills the
   order ref and the sale reference. */
static void paid_sale(chan *c, const char *order_ref, char sale_ref[32])
{
    sl_error err;
    assert_int_equal(call(c, g_plugin->table->request_payment, &err, "amount", "990000", "currency",
                          "IRR", "order_ref", order_ref, "callback_url",
                          "http://127.0.0.1:9/return", NULL),
                     SL_OK);
    char body[256];
    snprintf(body, sizeof body, "{\"RefId\":\"%s\",\"action\":\"pay\",\"post\":false}",
             result("authority"));
    json_t *b = knob("buyer", body);
    const char *form = json_string_value(json_object_get(b, "form"));
    assert_non_null(form);
    services_request req = {.body = form, .body_len = strlen(form)};
    json_object_clear(g_results);
    err = (sl_error){.size = sizeof err};
    services_call_begin(c->ctx);
    assert_int_equal(g_plugin->table->parse_return(c->state, c->ctx, &req, &err), SL_OK);
    services_call_end(c->ctx);
    json_decref(b);
    assert_string_equal(result("ok"), "1");
    assert_string_equal(result("order_ref"), order_ref);
    snprintf(sale_ref, 32, "%s", result("sale_reference"));
}

#define SALE(o, s) "order_ref", (o), "sale_reference", (s)

static void fault(const char *json)
{
    json_decref(knob("fault", json));
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_verify_answer_lost_after_the_bank_did_it(void **state)
{
    (void)state;
    chan c;
    char ref[32];
    sl_error err;
    assert_int_equal(chan_open(&c, "pw-test"), SL_OK);
    paid_sale(&c, "5001", ref);
    /* count 2: libcurl sends a request again, once, when a reused
       keep-alive connection closes without an answer */
    fault("{\"op\":\"bpVerifyRequest\",\"mode\":\"done-then-drop\",\"count\":2}");
    assert_int_equal(call(&c, g_plugin->table->verify_payment, &err, SALE("5001", ref), NULL),
                     SL_ERETRY);
    assert_int_equal(call(&c, g_plugin->table->inquire_payment, &err, SALE("5001", ref), NULL),
                     SL_OK);
    assert_string_equal(result("state"), "verified");
    assert_int_equal(call(&c, g_plugin->table->settle_payment, &err, SALE("5001", ref), NULL),
                     SL_OK);
    assert_null(result("already"));
    /* a repeat of the lost verify now says "already" */
    assert_int_equal(call(&c, g_plugin->table->verify_payment, &err, SALE("5001", ref), NULL),
                     SL_OK);
    assert_string_equal(result("already"), "1");
    chan_close(&c);
}

static void test_verify_lost_before_the_bank(void **state)
{
    (void)state;
    chan c;
    char ref[32];
    sl_error err;
    assert_int_equal(chan_open(&c, "pw-test"), SL_OK);
    paid_sale(&c, "5002", ref);
    fault("{\"op\":\"bpVerifyRequest\",\"mode\":\"drop\",\"count\":2}");
    assert_int_equal(call(&c, g_plugin->table->verify_payment, &err, SALE("5002", ref), NULL),
                     SL_ERETRY);
    assert_int_equal(call(&c, g_plugin->table->inquire_payment, &err, SALE("5002", ref), NULL),
                     SL_OK);
    assert_string_equal(result("state"), "paid");
    assert_int_equal(call(&c, g_plugin->table->verify_payment, &err, SALE("5002", ref), NULL),
                     SL_OK);
    assert_null(result("already"));
    chan_close(&c);
}

static void test_verify_answered_after_the_timeout(void **state)
{
    (void)state;
    chan c;
    char ref[32];
    sl_error err;
    assert_int_equal(chan_open(&c, "pw-test"), SL_OK);
    paid_sale(&c, "5003", ref);
    fault("{\"op\":\"bpVerifyRequest\",\"mode\":\"timeout\",\"delay_ms\":1500}");
    assert_int_equal(call(&c, g_plugin->table->verify_payment, &err, SALE("5003", ref), NULL),
                     SL_ERETRY);
    assert_int_equal(call(&c, g_plugin->table->inquire_payment, &err, SALE("5003", ref), NULL),
                     SL_OK);
    assert_string_equal(result("state"), "verified");
    chan_close(&c);
}

static void test_deadline_reverses_an_unverified_sale(void **state)
{
    (void)state;
    chan c;
    char ref[32];
    sl_error err;
    assert_int_equal(chan_open(&c, "pw-test"), SL_OK);
    paid_sale(&c, "5004", ref);
    json_decref(knob("clock", "{\"advance_s\":1201}"));
    assert_int_equal(call(&c, g_plugin->table->verify_payment, &err, SALE("5004", ref), NULL),
                     SL_EREMOTE);
    assert_string_equal(result("code"), "48");
    assert_int_equal(call(&c, g_plugin->table->inquire_payment, &err, SALE("5004", ref), NULL),
                     SL_OK);
    assert_string_equal(result("state"), "reversed");
    assert_int_equal(call(&c, g_plugin->table->reverse_payment, &err, SALE("5004", ref), NULL),
                     SL_OK);
    assert_string_equal(result("already"), "1");
    chan_close(&c);
}

static void test_settle_fault_and_garbage(void **state)
{
    (void)state;
    chan c;
    char ref[32];
    sl_error err;
    assert_int_equal(chan_open(&c, "pw-test"), SL_OK);
    paid_sale(&c, "5005", ref);
    assert_int_equal(call(&c, g_plugin->table->verify_payment, &err, SALE("5005", ref), NULL),
                     SL_OK);
    fault("{\"op\":\"bpSettleRequest\",\"mode\":\"fault\"}");
    assert_int_equal(call(&c, g_plugin->table->settle_payment, &err, SALE("5005", ref), NULL),
                     SL_ERETRY);
    assert_int_equal(err.http_status, 500);
    fault("{\"op\":\"bpSettleRequest\",\"mode\":\"garbage\"}");
    assert_int_equal(call(&c, g_plugin->table->settle_payment, &err, SALE("5005", ref), NULL),
                     SL_EIO);
    assert_int_equal(call(&c, g_plugin->table->settle_payment, &err, SALE("5005", ref), NULL),
                     SL_OK);
    /* a duplicate order id is a final refusal of the pay request */
    assert_int_equal(call(&c, g_plugin->table->request_payment, &err, "amount", "10", "order_ref",
                          "5005", "callback_url", "http://127.0.0.1:9/return", NULL),
                     SL_EREMOTE);
    assert_string_equal(result("code"), "41");
    chan_close(&c);
}

static void test_wrong_password(void **state)
{
    (void)state;
    chan c;
    sl_error err = {.size = sizeof err};
    assert_int_equal(chan_open(&c, "not-the-password"), SL_OK);
    services_call_begin(c.ctx);
    assert_int_equal(g_plugin->table->check_connection(c.state, c.ctx, &err), SL_EAUTH);
    services_call_end(c.ctx);
    assert_non_null(strstr(err.message, "24"));
    assert_null(strstr(err.message, "not-the-password"));
    chan_close(&c);
}

static int group_setup(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    assert_int_equal(services_global_init(&err), SL_OK);
    loaded_plugin *p = NULL;
    assert_int_equal(loader_open(SL_BUILD_PLUGIN_DIR "/mellat.so", &p, &err), SL_OK);
    g_plugin = p;
    g_results = json_object();
    return start_sandbox();
}

static int group_teardown(void **state)
{
    (void)state;
    if (g_pid > 0) {
        kill(g_pid, SIGTERM);
        waitpid(g_pid, NULL, 0);
    }
    char path[128];
    snprintf(path, sizeof path, "%s/port", g_dir);
    unlink(path);
    rmdir(g_dir);
    json_decref(g_results);
    loader_free((loaded_plugin *)g_plugin);
    services_global_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_answer_lost_after_the_bank_did_it),
        cmocka_unit_test(test_verify_lost_before_the_bank),
        cmocka_unit_test(test_verify_answered_after_the_timeout),
        cmocka_unit_test(test_deadline_reverses_an_unverified_sale),
        cmocka_unit_test(test_settle_fault_and_garbage),
        cmocka_unit_test(test_wrong_password),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
