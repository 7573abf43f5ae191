/*
 * The Mozello connector through the real build/plugins/mozello.so and the
 * fake host of tests/support/fake_host.h: order
 * mapping against golden files (every order of the sandbox seed and the
 * notification example of api/mozello.md), notification signatures
 * (good, bad, missing, host-verified replay), PAYMENT_CHANGED re-reading
 * the order, cursor paging with a relative next_page_uri, the 403
 * throttle as SL_ERETRY with a back-off, and the stock/price push (null
 * stock never written, unchanged values not written, unknown SKUs, the
 * exact batch body, test mode).
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The shared fake host also defines WooCommerce-only helpers we do not
   call; they are static, so silence "defined but not used" for them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "fake_host.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#pragma GCC diagnostic pop

#define SEED SL_SOURCE_DIR "/tests/sandbox/mozello/seed/demo.json"
#define KEY "MZL-unit-test-key"
#define BASE "https://api.example.test/v1"

/* The emulated shop of one test: the seed, a throttle knob, batch bodies. */
typedef struct shop {
    json_t *seed;
    int throttle; /* answer the next N calls with 403 */
    json_t *batches;
} shop;

static shop g_shop;

static void shop_reset(void)
{
    json_decref(g_shop.seed);
    json_decref(g_shop.batches);
    g_shop.seed = json_load_file(SEED, 0, NULL);
    assert_non_null(g_shop.seed);
    g_shop.throttle = 0;
    g_shop.batches = json_array();
}

static void answer(fake_resp *out, int status, json_t *body)
{
    out->status = status;
    out->body = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(body);
}

static json_t *err_body(int code, const char *msg)
{
    return json_pack("{s:b, s:i, s:s}", "error", 1, "error_code", code, "error_message", msg);
}

/* page_start=id:N of the URL (our cursor is an index) or 0. */
static size_t page_start(const char *url)
{
    const char *p = strstr(url, "page_start=id:");
    return p ? (size_t)strtoul(p + 14, NULL, 10) : 0;
}

/* A list page of two items with a relative next_page_uri. */
static json_t *list_page(const char *key, const char *route, const char *url)
{
    json_t *all = json_object_get(g_shop.seed, key), *page = json_array();
    size_t from = page_start(url);
    for (size_t i = from; i < from + 2 && i < json_array_size(all); i++)
        json_array_append(page, json_array_get(all, i));
    json_t *out = json_pack("{s:b, s:o}", "error", 0, key, page);
    if (from + 2 < json_array_size(all)) {
        char next[128];
        snprintf(next, sizeof next, "%s?page_size=2&page_start=id:%zu", route, from + 2);
        json_object_set_new(out, "next_page_uri", json_string(next));
    } else {
        json_object_set_new(out, "next_page_uri", json_null());
    }
    return out;
}

static json_t *find_by(const char *arr, const char *key, const char *v)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(g_shop.seed, arr), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, key)) ?: "", v) == 0)
            return x;
    }
    return NULL;
}

/* Applies {"products":[{"sku","stock"|"price"}]} to products/variants. */
static void apply_batch(const char *body)
{
    json_t *b = json_loads(body, 0, NULL), *it, *p, *v;
    size_t i, k, n;
    json_array_append(g_shop.batches, json_object_get(b, "products"));
    json_array_foreach(json_object_get(b, "products"), i, it)
    {
        const char *sku = json_string_value(json_object_get(it, "sku"));
        json_array_foreach(json_object_get(g_shop.seed, "products"), k, p)
        {
            json_t *t = NULL;
            if (strcmp(json_string_value(json_object_get(p, "sku")) ?: "", sku) == 0)
                t = p;
            json_array_foreach(json_object_get(p, "variants"), n, v)
            {
                if (strcmp(json_string_value(json_object_get(v, "sku")) ?: "", sku) == 0)
                    t = v;
            }
            const char *f;
            json_t *val;
            if (t != NULL)
                json_object_foreach(it, f, val) if (strcmp(f, "sku") != 0)
                    json_object_set(t, f, val);
        }
    }
    json_decref(b);
}

static int shop_route(sl_ctx *c, const json_t *req, fake_resp *out)
{
    (void)c;
    const char *url = json_string_value(json_object_get(req, "url"));
    const char *method = json_string_value(json_object_get(req, "method"));
    const char *auth =
        json_string_value(json_object_get(json_object_get(req, "headers"), "Authorization"));
    assert_int_equal(strncmp(url, BASE "/", strlen(BASE) + 1), 0);
    const char *path = url + strlen(BASE);
    char id[128];
    if (auth == NULL || strcmp(auth, "ApiKey " KEY) != 0)
        return answer(out, 401, err_body(401, "Unauthorized")), 0;
    if (g_shop.throttle > 0) {
        g_shop.throttle--;
        return answer(out, 403, err_body(403, "Forbidden")), 0;
    }
    if (strncmp(path, "/store/orders/", 14) == 0)
        answer(out, 200, list_page("orders", "/store/orders/", url));
    else if (strncmp(path, "/store/products/?", 17) == 0 || strcmp(path, "/store/products/") == 0)
        answer(out, 200, list_page("products", "/store/products/", url));
    else if (strcmp(path, "/store/products/batch_update_by_sku/") == 0) {
        apply_batch(json_string_value(json_object_get(req, "body")));
        answer(out, 200, json_pack("{s:b}", "error", 0));
    } else if (sscanf(path, "/store/order/%127[^/]/", id) == 1) {
        json_t *o = find_by("orders", "order_id", id);
        answer(out, o ? 200 : 404,
               o ? json_pack("{s:b, s:O}", "error", 0, "order", o)
                 : err_body(404, "Order not found"));
    } else {
        answer(out, 404, err_body(404, "Not found"));
    }
    (void)method;
    return 0;
}

static void open_channel(fake_fixture *f, const char *extra_key, const char *extra_val)
{
    shop_reset();
    fake_ctx_init(&f->ctx);
    json_object_set_new(f->ctx.config, "url", json_string(BASE));
    json_object_set_new(f->ctx.config, "language", json_string("en"));
    if (extra_key != NULL)
        json_object_set_new(f->ctx.config, extra_key, json_string(extra_val));
    json_object_set_new(f->ctx.secrets, "api_key", json_string(KEY));
    f->ctx.route = shop_route;
    assert_int_equal(fake_open(f, fake_plugin_load("mozello")), SL_OK);
}

static void close_channel(fake_fixture *f)
{
    fake_close(f);
    fake_ctx_free(&f->ctx);
}

static void golden(const char *rel, const json_t *got)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/mozello/%s", SL_SOURCE_DIR, rel);
    fake_golden_check(path, got);
}

/* ---- webhook helpers ------------------------------------------------------ */

static char *sign(const char *body)
{
    unsigned char mac[32];
    sl_hmac_sha256(KEY, strlen(KEY), body, strlen(body), mac);
    char *b64 = malloc(48);
    sl_base64_encode(mac, 32, b64);
    return b64;
}

static int deliver(fake_fixture *f, const char *body, const char *hash, int verified)
{
    json_t *h =
        json_pack("{s:s, s:s}", "Content-Type", "application/json", "X-Mozello-Alias", "shop-ilze");
    if (hash != NULL)
        json_object_set_new(h, "X-Mozello-Hash", json_string(hash));
    return fake_deliver(f, h, body, strlen(body), verified);
}

/* ---- mapping ---------------------------------------------------------------- */

static void seed_orders_map_to_golden(void **st)
{
    (void)st;
    fake_fixture f;
    open_channel(&f, NULL, NULL);
    assert_int_equal(f.p->fetch_orders(f.state, &f.ctx, NULL, &f.err), SL_OK);
    assert_int_equal(json_array_size(f.ctx.orders), 3);
    size_t i;
    json_t *o;
    json_array_foreach(f.ctx.orders, i, o)
    {
        char rel[128];
        const char *id =
            json_string_value(json_object_get(json_object_get(o, "text"), "external_id"));
        snprintf(rel, sizeof rel, "orders/%s.json", id);
        golden(rel, o);
    }
    fake_end_call(&f.ctx);
    close_channel(&f);
}

/* The notification example of api/mozello.md §6, hash recomputed with
   our key (the doc's hash is invented). */
static void doc_example_maps_to_golden(void **st)
{
    (void)st;
    fake_fixture f;
    open_channel(&f, NULL, NULL);
    char *body = slurp(SL_SOURCE_DIR "/tests/golden/mozello/webhooks/"
                                     "doc_example.body.json",
                       NULL);
    assert_non_null(body);
    char *hash = sign(body);
    assert_int_equal(deliver(&f, body, hash, 0), SL_OK);
    assert_int_equal(json_array_size(f.ctx.orders), 1);
    golden("webhooks/doc_example.expected.json", json_array_get(f.ctx.orders, 0));
    fake_end_call(&f.ctx);
    free(hash);
    free(body);
    close_channel(&f);
}

static void language_key_and_fallback(void **st)
{
    (void)st;
    fake_fixture f;
    open_channel(&f, "language", "lv");
    assert_int_equal(f.p->fetch_orders(f.state, &f.ctx, NULL, &f.err), SL_OK);
    json_t *o = json_array_get(f.ctx.orders, 1); /* 000118: lv + en names */
    json_t *l0 = json_array_get(json_object_get(o, "lines"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(l0, "text"), "name")),
                        "T-krekls sarkans L");
    fake_end_call(&f.ctx);
    close_channel(&f);
    open_channel(&f, "language", "de"); /* absent: the first language */
    assert_int_equal(f.p->fetch_orders(f.state, &f.ctx, NULL, &f.err), SL_OK);
    o = json_array_get(f.ctx.orders, 2);
    l0 = json_array_get(json_object_get(o, "lines"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(l0, "text"), "name")),
                        "Krūze (Red)");
    fake_end_call(&f.ctx);
    close_channel(&f);
}

/* ---- notifications ------------------------------------------------------------ */

static void signature_good_bad_missing(void **st)
{
    (void)st;
    fake_fixture f;
    open_channel(&f, NULL, NULL);
    const char *body = "{\"event\":\"ORDER_DELETED\",\"order\":{\"order_id\":"
                       "\"MZ-1\"}}";
    char *hash = sign(body);
    assert_int_equal(deliver(&f, body, NULL, 0), SL_EAUTH);
    assert_string_equal(f.err.field, "X-Mozello-Hash");
    assert_int_equal(deliver(&f, body, "q0x5cX8Yk1m9cQ2E7m1o3R4pV6bN8a0c2e4g6i8k0m0=", 0),
                     SL_EAUTH);
    char *tampered = strdup(body);
    tampered[strlen(tampered) - 4] = '2';
    assert_int_equal(deliver(&f, tampered, hash, 0), SL_EAUTH);
    assert_int_equal(json_array_size(f.ctx.orders), 0);
    assert_int_equal(deliver(&f, body, hash, 0), SL_OK);
    assert_int_equal(deliver(&f, tampered, NULL, 1), SL_OK); /* host replay */
    assert_int_equal(json_array_size(f.ctx.orders), 2);
    json_t *d = json_array_get(f.ctx.orders, 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "flag"), "deleted")), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "text"), "status_normalized")),
        SL_STATUS_CANCELLED);
    fake_end_call(&f.ctx);
    free(tampered);
    free(hash);
    close_channel(&f);
}

static void payment_changed_reads_the_order_again(void **st)
{
    (void)st;
    fake_fixture f;
    open_channel(&f, NULL, NULL);
    const char *body = "{\"event\":\"PAYMENT_CHANGED\",\"order\":{\"order_id\":"
                       "\"MZ-2211334-000118\",\"payment_status\":\"paid\"}}";
    char *hash = sign(body);
    assert_int_equal(deliver(&f, body, hash, 0), SL_OK);
    assert_int_equal(json_array_size(f.ctx.requests), 1);
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(f.ctx.requests, 0), "url")),
               "/store/order/MZ-2211334-000118/"));
    json_t *o = json_array_get(f.ctx.orders, 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "money"), "total")),
                        "42.00");
    const char *other = "{\"event\":\"STOCK_CHANGED\",\"product\":{\"handle\":\"x\"}}";
    char *h2 = sign(other);
    assert_int_equal(deliver(&f, other, h2, 0), SL_OK); /* ignored */
    assert_int_equal(json_array_size(f.ctx.orders), 1);
    g_shop.throttle = 1; /* a failed re-read fails the delivery: redelivered */
    assert_int_equal(deliver(&f, body, hash, 0), SL_ERETRY);
    fake_end_call(&f.ctx);
    free(h2);
    free(hash);
    close_channel(&f);
}

/* ---- paging and throttling ----------------------------------------------------- */

static void paging_follows_relative_next_page_uri(void **st)
{
    (void)st;
    fake_fixture f;
    open_channel(&f, NULL, NULL);
    assert_int_equal(f.p->fetch_orders(f.state, &f.ctx, "2024-05-02 09:00:00", &f.err), SL_OK);
    assert_int_equal(json_array_size(f.ctx.requests), 2);
    json_t *r0 = json_array_get(f.ctx.requests, 0);
    const char *u1 = json_string_value(json_object_get(json_array_get(f.ctx.requests, 1), "url"));
    assert_string_equal(u1, BASE "/store/orders/?page_size=2&page_start=id:2");
    json_t *q = json_object_get(r0, "query");
    int has_filter = 0;
    size_t i;
    json_t *p;
    json_array_foreach(q, i, p)
    {
        if (strcmp(json_string_value(json_array_get(p, 0)), "filter") == 0) {
            assert_string_equal(json_string_value(json_array_get(p, 1)),
                                "created_at>=2024-05-02 08:50:00");
            has_filter = 1;
        }
    }
    assert_true(has_filter);
    /* the intermediate page commits the start; the last the newest order */
    assert_int_equal(json_array_size(f.ctx.cursors), 2);
    assert_string_equal(json_string_value(json_array_get(f.ctx.cursors, 0)), "2024-05-02 09:00:00");
    assert_string_equal(json_string_value(json_array_get(f.ctx.cursors, 1)), "2024-11-05 08:00:00");
    fake_end_call(&f.ctx);
    assert_int_equal(f.p->fetch_orders(f.state, &f.ctx, "yesterday", &f.err), SL_EINVALID);
    assert_string_equal(f.err.field, "cursor");
    fake_end_call(&f.ctx);
    close_channel(&f);
}

static void throttle_403_is_retry_with_backoff(void **st)
{
    (void)st;
    fake_fixture f;
    open_channel(&f, NULL, NULL);
    g_shop.throttle = 1;
    assert_int_equal(f.p->fetch_orders(f.state, &f.ctx, NULL, &f.err), SL_ERETRY);
    assert_int_equal(f.err.http_status, 403);
    assert_true(f.err.retry_after_ms >= 60000);
    assert_int_equal(json_array_size(f.ctx.cursors), 0);
    fake_end_call(&f.ctx);
    close_channel(&f);
}

static void wrong_key_is_eauth(void **st)
{
    (void)st;
    fake_fixture f;
    open_channel(&f, NULL, NULL);
    fake_end_call(&f.ctx);
    fake_close(&f);
    json_object_set_new(f.ctx.secrets, "api_key", json_string("MZL-wrong"));
    assert_int_equal(f.p->channel_open(&FAKE_HOST, &f.ctx, &f.state, &f.err), SL_OK);
    assert_int_equal(f.p->check_connection(f.state, &f.ctx, &f.err), SL_EAUTH);
    assert_int_equal(f.err.http_status, 401);
    fake_end_call(&f.ctx);
    close_channel(&f);
}

/* ---- push -------------------------------------------------------------------- */

static json_t *stock_list(void)
{
    return json_pack("[[s,s,s],[s,s,s],[s,s,s],[s,s,s],[s,s,s]]", "MUG-BL", "20", "9.99", "MUG-RD",
                     "12", "11.00", "GIFT-25", "5", "25.00", "TEE-RED-L", "8", "15.00", "NOPE-1",
                     "1", "1.00");
}

static const char *outcome_of(const json_t *reports, const char *sku)
{
    size_t i;
    json_t *r;
    json_array_foreach(reports, i, r)
    {
        if (strcmp(json_string_value(json_array_get(r, 0)), sku) == 0)
            return json_string_value(json_array_get(r, 1));
    }
    return "none";
}

/* The exact bytes of the last POST the plugin sent. */
static const char *last_post_body(const sl_ctx *c)
{
    const char *pb = "";
    size_t i;
    json_t *r;
    json_array_foreach(c->requests, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "method")), "POST") == 0)
            pb = json_string_value(json_object_get(r, "body"));
    }
    return pb;
}

static void push_stock_and_prices_by_sku(void **st)
{
    (void)st;
    fake_fixture f;
    open_channel(&f, NULL, NULL);
    sl_stock_list list = {.items = stock_list(), .currency = "EUR"};
    assert_int_equal(f.p->push_stock(f.state, &f.ctx, &list, &f.err), SL_OK);
    assert_string_equal(outcome_of(f.ctx.reports, "MUG-BL"), "written");
    assert_string_equal(outcome_of(f.ctx.reports, "MUG-RD"), "unchanged");
    assert_string_equal(outcome_of(f.ctx.reports, "GIFT-25"), "skipped");
    assert_string_equal(outcome_of(f.ctx.reports, "TEE-RED-L"), "unchanged");
    assert_string_equal(outcome_of(f.ctx.reports, "NOPE-1"), "not_found");
    assert_string_equal(last_post_body(&f.ctx),
                        "{\"products\":[{\"sku\":\"MUG-BL\",\"stock\":20}]}");
    fake_end_call(&f.ctx);
    json_array_clear(f.ctx.reports);
    assert_int_equal(f.p->push_prices(f.state, &f.ctx, &list, &f.err), SL_OK);
    assert_string_equal(outcome_of(f.ctx.reports, "MUG-BL"), "unchanged");
    assert_string_equal(outcome_of(f.ctx.reports, "MUG-RD"), "written");
    assert_string_equal(outcome_of(f.ctx.reports, "GIFT-25"), "unchanged");
    json_t *last = json_array_get(g_shop.batches, 1);
    assert_int_equal(json_array_size(last), 1);
    assert_string_equal(last_post_body(&f.ctx),
                        "{\"products\":[{\"sku\":\"MUG-RD\",\"price\":11.00}]}");
    fake_end_call(&f.ctx);
    json_array_clear(f.ctx.reports);
    assert_int_equal(f.p->push_stock(f.state, &f.ctx, &list, &f.err), SL_OK);
    assert_string_equal(outcome_of(f.ctx.reports, "MUG-BL"), "unchanged");
    assert_int_equal(json_array_size(g_shop.batches), 2); /* nothing sent */
    fake_end_call(&f.ctx);
    json_decref(list.items);
    close_channel(&f);
}

static void test_mode_writes_nothing(void **st)
{
    (void)st;
    fake_fixture f;
    open_channel(&f, "test_mode", "yes");
    sl_stock_list list = {.items = stock_list(), .currency = "EUR"};
    assert_int_equal(f.p->push_stock(f.state, &f.ctx, &list, &f.err), SL_OK);
    assert_string_equal(outcome_of(f.ctx.reports, "MUG-BL"), "would_write");
    assert_string_equal(outcome_of(f.ctx.reports, "GIFT-25"), "skipped");
    assert_int_equal(json_array_size(g_shop.batches), 0);
    fake_end_call(&f.ctx);
    json_decref(list.items);
    close_channel(&f);
}

static void config_errors_name_the_key(void **st)
{
    (void)st;
    static const char *const bad[][2] = {{"page_size", "0"},
                                         {"poll_overlap", "5x"},
                                         {"poll_overlap", "600"},
                                         {"poll_overlap", "49h"},
                                         {"site_timezone", "Mars/Olympus"},
                                         {"test_mode", "maybe"},
                                         {"url", "ftp://x"},
                                         {"language", "EN GB"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fake_fixture f;
        open_channel(&f, NULL, NULL);
        fake_close(&f);
        json_object_set_new(f.ctx.config, bad[i][0], json_string(bad[i][1]));
        assert_int_equal(f.p->channel_open(&FAKE_HOST, &f.ctx, &f.state, &f.err), SL_EINVALID);
        assert_string_equal(f.err.field, bad[i][0]);
        fake_end_call(&f.ctx);
        close_channel(&f);
    }
}

static int teardown_all(void **st)
{
    (void)st;
    json_decref(g_shop.seed);
    json_decref(g_shop.batches);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_orders_map_to_golden),
        cmocka_unit_test(doc_example_maps_to_golden),
        cmocka_unit_test(language_key_and_fallback),
        cmocka_unit_test(signature_good_bad_missing),
        cmocka_unit_test(payment_changed_reads_the_order_again),
        cmocka_unit_test(paging_follows_relative_next_page_uri),
        cmocka_unit_test(throttle_403_is_retry_with_backoff),
        cmocka_unit_test(wrong_key_is_eauth),
        cmocka_unit_test(push_stock_and_prices_by_sku),
        cmocka_unit_test(test_mode_writes_nothing),
        cmocka_unit_test(config_errors_name_the_key),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
