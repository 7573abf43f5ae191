/*
 * The template connector, loaded from the built template.so exactly as the
 * host loads it, against the fake host of tests/support/fake_host.h (what a
 * vendor's own tests link): config checks, a fetched page becoming orders
 * plus a cursor, and webhook signatures (good, bad, missing, skipped when
 * the host vouches for the body).
 */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "fake_host.h"
#include "shopledger/sdkutil.h"

static const sl_plugin *P;
static fake_fixture G;

/* The shop's one answer to the next request. */
static struct {
    int status;
    const char *body;
} shop;

static int route(sl_ctx *ctx, const json_t *req, fake_resp *out)
{
    (void)ctx, (void)req;
    out->status = shop.status;
    out->body = strdup(shop.body ? shop.body : "");
    return 0;
}

static int load(void **state)
{
    (void)state;
    P = fake_plugin_load("template");
    return 0; /* plugins are never unloaded, as in the host */
}

/* A fresh fake world with url (NULL: none) and the webhook secret. */
static void world(const char *url)
{
    fake_ctx_free(&G.ctx);
    fake_ctx_init(&G.ctx);
    if (url != NULL)
        json_object_set_new(G.ctx.config, "url", json_string(url));
    json_object_set_new(G.ctx.secrets, "webhook_secret", json_string("s3cret"));
    G.ctx.route = route;
    shop.status = 200;
    shop.body = "";
}

static int fresh(void **state)
{
    (void)state;
    fake_ctx_init(&G.ctx);
    return 0;
}
static int done(void **state)
{
    (void)state;
    fake_close(&G);
    fake_ctx_free(&G.ctx);
    return 0;
}

/* Opens a channel on a fresh fake world. */
static void *open_channel(const char *url)
{
    world(url);
    assert_int_equal(fake_open(&G, P), SL_OK);
    return G.state;
}

/* Member path "a.b" of submitted order i, as text ("" when absent). */
static const char *got(size_t i, const char *a, const char *b)
{
    json_t *o = json_array_get(G.ctx.orders, i);
    json_t *v = json_object_get(json_object_get(o, a), b);
    return json_is_string(v) ? json_string_value(v) : "";
}
/* Member path "a.b" of the first line of order i. */
static const char *line_got(size_t i, const char *a, const char *b)
{
    json_t *l = json_array_get(json_object_get(json_array_get(G.ctx.orders, i), "lines"), 0);
    json_t *v = b ? json_object_get(json_object_get(l, a), b) : json_object_get(l, a);
    return json_is_string(v) ? json_string_value(v) : "";
}
/* The last request's URL and its `since` parameter. */
static const char *last_url(void)
{
    json_t *r = json_array_get(G.ctx.requests, json_array_size(G.ctx.requests) - 1);
    return json_string_value(json_object_get(r, "url"));
}
static const char *last_since(void)
{
    return fake_query(json_array_get(G.ctx.requests, json_array_size(G.ctx.requests) - 1), "since");
}
static int fetch(const char *cursor, sl_error *err)
{
    *err = (sl_error){.size = sizeof *err};
    int rc = P->fetch_orders(G.state, &G.ctx, cursor, err);
    fake_end_call(&G.ctx);
    return rc;
}

static const char PAGE[] = "{\"orders\": ["
                           "{\"id\": 1001, \"status\": \"paid\", \"currency\": \"EUR\","
                           " \"total\": \"24.20\", \"total_tax\": 4.2, \"created\":"
                           " \"2024-05-01T09:04:10+03:00\", \"email\": \"ann@example.com\","
                           " \"item\": {\"sku\": \"MUG-1\", \"name\": \"Mug\", \"quantity\": 2,"
                           " \"total\": \"20.00\", \"tax\": \"4.20\"}},"
                           "{\"id\": \"B-7\", \"status\": \"cancelled\", \"currency\": \"JPY\","
                           " \"total\": 1200, \"total_tax\": \"0\","
                           " \"item\": {\"sku\": \"TEA\", \"name\": \"Tea\", \"quantity\": \"0.5\","
                           " \"total\": 1200, \"tax\": 0}}"
                           "], \"next_cursor\": \"c2\"}";

static void test_table(void **state)
{
    (void)state;
    assert_int_equal(P->abi_major, SL_ABI_MAJOR);
    assert_int_equal(P->size, sizeof(sl_plugin));
    assert_string_equal(P->name, "template");
    assert_int_equal(P->caps, SL_CAP_FETCH_ORDERS | SL_CAP_WEBHOOK);
    assert_non_null(P->fetch_orders);
    assert_non_null(P->parse_webhook);
    assert_null(P->push_stock);
}

static void test_open_validates_url(void **state)
{
    (void)state;
    static const char *const bad[] = {NULL, "", "ftp://shop.test", "shop.test"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        world(bad[i]);
        void *st = (void *)0x1;
        sl_error err = {.size = sizeof err};
        assert_int_equal(P->channel_open(&FAKE_HOST, &G.ctx, &st, &err), SL_EINVALID);
        fake_end_call(&G.ctx);
        assert_string_equal(err.field, "url");
        assert_ptr_equal(st, (void *)0x1);
    }
}

static void test_fetch_builds_orders_and_commits_cursor(void **state)
{
    (void)state;
    open_channel("https://shop.test/api/");
    shop.body = PAGE;
    sl_error err;
    assert_int_equal(fetch("c1", &err), SL_OK);
    assert_string_equal(last_url(), "https://shop.test/api/orders");
    assert_string_equal(last_since(), "c1");
    assert_int_equal(json_array_size(G.ctx.orders), 2);
    assert_string_equal(got(0, "text", "external_id"), "1001");
    assert_string_equal(got(0, "text", "status_normalized"), SL_STATUS_CONFIRMED);
    assert_string_equal(got(0, "text", "currency"), "EUR");
    assert_string_equal(got(0, "text", "email"), "ann@example.com");
    assert_string_equal(got(0, "money", "total"), "24.20");
    assert_string_equal(got(0, "money", "total_tax"), "4.2");
    /* 2024-05-01T09:04:10+03:00 */
    assert_string_equal(got(0, "time", "created"), "2024-05-01T06:04:10Z");
    assert_int_equal(json_array_size(json_object_get(json_array_get(G.ctx.orders, 0), "lines")), 1);
    assert_string_equal(line_got(0, "text", "sku"), "MUG-1");
    assert_string_equal(line_got(0, "quantity", NULL), "2");
    assert_string_equal(line_got(0, "money", "total"), "20.00");
    assert_non_null(json_object_get(json_array_get(G.ctx.orders, 0), "raw_sha256"));
    assert_string_equal(got(1, "text", "external_id"), "B-7");
    assert_string_equal(got(1, "text", "status_normalized"), SL_STATUS_CANCELLED);
    assert_string_equal(got(1, "money", "total"), "1200");
    assert_string_equal(line_got(1, "quantity", NULL), "0.5");
    assert_int_equal(json_array_size(G.ctx.cursors), 1);
    assert_string_equal(json_string_value(json_array_get(G.ctx.cursors, 0)), "c2");
}

/* A one-order page with the given status, currency and total. */
static const char *page_of(const char *status, const char *currency, const char *total)
{
    static char body[512];
    snprintf(body, sizeof body,
             "{\"orders\": [{\"id\": 1, \"status\": \"%s\", \"currency\":"
             " \"%s\", \"total\": \"%s\", \"total_tax\": 0, \"item\":"
             " {\"sku\": \"a\", \"name\": \"b\", \"quantity\": 1,"
             " \"total\": \"1\", \"tax\": \"0\"}}], \"next_cursor\": \"x\"}",
             status, currency, total);
    return body;
}

static void test_fetch_errors_commit_no_cursor(void **state)
{
    (void)state;
    open_channel("http://shop.test");
    sl_error err;
    shop.body = "{\"orders\": [{\"id\": 1, \"status\": \"paid\","
                " \"currency\": \"EUR\", \"total\": {}}],"
                " \"next_cursor\": \"x\"}";
    assert_int_equal(fetch(NULL, &err), SL_EINVALID);
    assert_string_equal(err.field, "total");
    assert_string_equal(last_since(), "");
    shop.body = page_of("lost", "EUR", "1");
    assert_int_equal(fetch(NULL, &err), SL_EINVALID);
    assert_string_equal(err.field, "status");
    shop.body = page_of("paid", "XYZ", "1");
    assert_int_equal(fetch(NULL, &err), SL_EINVALID);
    assert_string_equal(err.field, "currency");
    /* Valid JSON the host refuses: yen have no decimals. The half-built
       order goes back through order_discard. */
    int discards = G.ctx.discards;
    shop.body = page_of("paid", "JPY", "1.5");
    assert_int_equal(fetch(NULL, &err), SL_EINVALID);
    assert_int_equal(G.ctx.discards, discards + 1);
    shop.body = "{\"orders\": []}";
    assert_int_equal(fetch(NULL, &err), SL_EINVALID);
    assert_string_equal(err.field, "next_cursor");
    shop.body = "<html>";
    assert_int_equal(fetch(NULL, &err), SL_EINVALID);
    assert_string_equal(err.field, "body");
    shop.status = 401;
    assert_int_equal(fetch(NULL, &err), SL_EAUTH);
    assert_int_equal(err.http_status, 401);
    shop.status = 500;
    assert_int_equal(fetch(NULL, &err), SL_EREMOTE);
    assert_int_equal(json_array_size(G.ctx.orders), 0);
    assert_int_equal(json_array_size(G.ctx.cursors), 0);
}

static const char HOOK[] = "{\"id\": 55, \"status\": \"pending\", \"currency\": \"KWD\","
                           " \"total\": \"1.250\", \"total_tax\": \"0.000\","
                           " \"item\": {\"sku\": \"X\", \"name\": \"X\", \"quantity\": 1,"
                           " \"total\": \"1.250\", \"tax\": \"0\"}}";

/* The X-Signature header sig (NULL: none) as a request's headers. */
static json_t *signed_by(const char *sig)
{
    return sig ? json_pack("{s:s}", "X-Signature", sig) : json_object();
}

/* Sends HOOK with the given signature header; returns the plugin's rc. */
static int deliver(const char *sig, int verified, sl_error *err)
{
    int rc = fake_deliver(&G, signed_by(sig), HOOK, strlen(HOOK), verified);
    *err = G.err;
    return rc;
}

static void test_webhook_signatures(void **state)
{
    (void)state;
    open_channel("https://shop.test");
    unsigned char mac[32];
    char good[48];
    assert_int_equal(sl_hmac_sha256("s3cret", 6, HOOK, strlen(HOOK), mac), SL_OK);
    sl_base64_encode(mac, sizeof mac, good);
    sl_error err = {.size = sizeof err};
    assert_int_equal(deliver(good, 0, &err), SL_OK);
    assert_int_equal(json_array_size(G.ctx.orders), 1);
    assert_string_equal(got(0, "text", "external_id"), "55");
    assert_string_equal(got(0, "money", "total"), "1.250");
    unsigned char hook_hash[32];
    char hook_hex[65];
    sl_sha256(HOOK, strlen(HOOK), hook_hash);
    sl_hex_encode(hook_hash, 32, hook_hex);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(G.ctx.orders, 0), "raw_sha256")),
        hook_hex); /* the raw body, byte for byte */

    char bad[48];
    memcpy(bad, good, sizeof good);
    bad[3] = bad[3] == 'A' ? 'B' : 'A';
    static const char *const refused[] = {NULL, "", "not base64!", "QQ=="};
    assert_int_equal(deliver(bad, 0, &err), SL_EAUTH);
    assert_string_equal(err.field, "X-Signature");
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_int_equal(deliver(refused[i], 0, &err), SL_EAUTH);
    json_object_del(G.ctx.secrets, "webhook_secret");
    assert_int_equal(deliver(good, 0, &err), SL_EAUTH);
    assert_string_equal(err.field, "webhook_secret");
    assert_int_equal(json_array_size(G.ctx.orders), 1);
    /* An operator's replay: the host vouches, no signature needed. */
    assert_int_equal(deliver(NULL, 1, &err), SL_OK);
    assert_int_equal(json_array_size(G.ctx.orders), 2);
}

/* 1.4 verify_webhook: the same signature rule, nothing submitted. */
static void test_verify_webhook(void **state)
{
    (void)state;
    void *st = open_channel("https://shop.test");
    unsigned char mac[32];
    char good[48];
    assert_int_equal(sl_hmac_sha256("s3cret", 6, HOOK, strlen(HOOK), mac), SL_OK);
    sl_base64_encode(mac, sizeof mac, good);
    sl_error err = {.size = sizeof err};
    int ack = -1;
    struct sl_request req = {.headers = signed_by(good), .body = HOOK, .len = strlen(HOOK)};
    assert_int_equal(P->verify_webhook(st, &G.ctx, &req, &ack, &err), SL_OK);
    assert_int_equal(ack, 0);
    json_decref(req.headers);
    req.headers = signed_by("QQ==");
    assert_int_equal(P->verify_webhook(st, &G.ctx, &req, &ack, &err), SL_EAUTH);
    json_decref(req.headers);
    fake_end_call(&G.ctx);
    assert_string_equal(err.field, "X-Signature");
    assert_int_equal(json_array_size(G.ctx.orders), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_table, fresh, done),
        cmocka_unit_test_setup_teardown(test_open_validates_url, fresh, done),
        cmocka_unit_test_setup_teardown(test_fetch_builds_orders_and_commits_cursor, fresh, done),
        cmocka_unit_test_setup_teardown(test_fetch_errors_commit_no_cursor, fresh, done),
        cmocka_unit_test_setup_teardown(test_webhook_signatures, fresh, done),
        cmocka_unit_test_setup_teardown(test_verify_webhook, fresh, done),
    };
    return cmocka_run_group_tests(tests, load, NULL);
}
