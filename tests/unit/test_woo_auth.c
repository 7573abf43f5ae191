/*
 * WooCommerce connector: channel config validation, request authentication
 * (Basic over https, OAuth 1.0a over http) and webhook signature checks,
 * all through the real woocommerce.so and the fake host.
 *
 * OAuth vector. The expected base string and signatures below were computed
 * independently of any project code with Python's standard library:
 *   enc = lambda s: urllib.parse.quote(s, safe='-._~')
 *   pairs = sorted((enc(k), enc(v)) for k, v in params.items())
 *   base = 'GET&' + enc(url) + '&' + enc('&'.join(k+'='+v for k, v in pairs))
 *   base64(hmac.new(b'cs_test&', base.encode(), hashlib.sha256).digest())
 * They check the test's own reference signer (OpenSSL HMAC + a local
 * encoder); that signer then checks every signature the plugin sends, with
 * the plugin's random nonce read back from the recorded request.
 */
#include "support.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <strings.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_host.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

static const char VEC_URL[] = "http://127.0.0.1:8080/wp-json/wc/v3/orders";
static const char VEC_BASE[] =
    "GET&http%3A%2F%2F127.0.0.1%3A8080%2Fwp-json%2Fwc%2Fv3%2Forders&"
    "modified_after%3D2026-11-22T08%253A45%253A00%26oauth_consumer_key%3Dck_"
    "test%26oauth_nonce%3Dabc123XYZ%26oauth_signature_method%3DHMAC-SHA256%26"
    "oauth_timestamp%3D1795337400%26per_page%3D1%26status%3Dany";
static const char VEC_SHA256[] = "AwoVC+Zxn4/94zdi6UkNhTEI+jO3SiJDm0nLugKrIdQ=";
static const char VEC_SHA1[] = "jxDBAUSAzijZNXX3pE4M/OcnMDM=";

/* RFC 3986 encoding, written here independently of the SDK's. */
static void ref_enc(const char *s, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            *out++ = (char)c;
        } else {
            *out++ = '%';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 15];
        }
    }
    *out = '\0';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Base string of method/url and query pairs [[k,v]...] minus
   oauth_signature; writes it into base (8 KB). */
static void ref_base(const char *method, const char *url, const json_t *q, char *base)
{
    char *items[32];
    size_t n = 0, i;
    json_t *p;
    json_array_foreach(q, i, p)
    {
        const char *k = json_string_value(json_array_get(p, 0));
        if (strcmp(k, "oauth_signature") == 0 || n == 32)
            continue;
        char ek[256], ev[512];
        ref_enc(k, ek);
        ref_enc(json_string_value(json_array_get(p, 1)), ev);
        items[n] = malloc(strlen(ek) + strlen(ev) + 2);
        snprintf(items[n++], strlen(ek) + strlen(ev) + 2, "%s=%s", ek, ev);
    }
    qsort(items, n, sizeof items[0], cmp_str);
    char joined[4096] = "", eu[1024], ej[8192];
    for (i = 0; i < n; i++) {
        if (i)
            strncat(joined, "&", sizeof joined - strlen(joined) - 1);
        strncat(joined, items[i], sizeof joined - strlen(joined) - 1);
        free(items[i]);
    }
    ref_enc(url, eu);
    ref_enc(joined, ej);
    const char *parts[] = {method, "&", eu, "&", ej};
    base[0] = '\0';
    for (i = 0; i < 5; i++)
        strncat(base, parts[i], 8192 - strlen(base) - 1);
}

static void ref_sign(const char *base, const char *secret, int sha1, char *out)
{
    char key[256];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    snprintf(key, sizeof key, "%s&", secret);
    HMAC(sha1 ? EVP_sha1() : EVP_sha256(), key, (int)strlen(key), (const unsigned char *)base,
         strlen(base), mac, &len);
    EVP_EncodeBlock((unsigned char *)out, mac, (int)len);
}

static void test_reference_signer_matches_vector(void **s)
{
    (void)s;
    json_t *q = json_pack("[[s,s],[s,s],[s,s],[s,s],[s,s],[s,s],[s,s]]", "per_page", "1", "status",
                          "any", "modified_after", "2026-11-22T08:45:00", "oauth_consumer_key",
                          "ck_test", "oauth_nonce", "abc123XYZ", "oauth_signature_method",
                          "HMAC-SHA256", "oauth_timestamp", "1795337400");
    char base[8192], sig[128];
    ref_base("GET", VEC_URL, q, base);
    assert_string_equal(base, VEC_BASE);
    ref_sign(base, "cs_test", 0, sig);
    assert_string_equal(sig, VEC_SHA256);
    ref_sign(base, "cs_test", 1, sig);
    assert_string_equal(sig, VEC_SHA1);
    json_decref(q);
}

static int answer_empty_list(sl_ctx *c, const json_t *req, fake_resp *out)
{
    (void)c, (void)req;
    out->status = 200;
    out->headers = json_pack("{s:s}", "X-WP-TotalPages", "0");
    out->body = strdup("[]");
    return 0;
}

/* Runs check_connection on a channel for url; returns the one request. */
static json_t *one_request(const char *url, const char *method_cfg)
{
    woo_fixture f;
    woo_ctx_init(&f.ctx, url);
    if (method_cfg)
        json_object_set_new(f.ctx.config, "oauth_signature_method", json_string(method_cfg));
    f.ctx.route = answer_empty_list;
    assert_int_equal(woo_open(&f), SL_OK);
    assert_int_equal(f.p->check_connection(f.state, &f.ctx, &f.err), SL_OK);
    fake_end_call(&f.ctx);
    assert_int_equal(json_array_size(f.ctx.requests), 1);
    json_t *r = json_incref(json_array_get(f.ctx.requests, 0));
    woo_close(&f);
    woo_ctx_free(&f.ctx);
    return r;
}

static void check_oauth(const char *method_cfg, int sha1)
{
    json_t *r = one_request("http://127.0.0.1:8080/", method_cfg);
    assert_string_equal(json_string_value(json_object_get(r, "url")), VEC_URL);
    assert_null(json_object_get(r, "basic"));
    assert_string_equal(fake_query(r, "per_page"), "1");
    assert_string_equal(fake_query(r, "oauth_consumer_key"), "ck_test");
    assert_string_equal(fake_query(r, "oauth_timestamp"), "1795337400");
    assert_string_equal(fake_query(r, "oauth_signature_method"),
                        sha1 ? "HMAC-SHA1" : "HMAC-SHA256");
    assert_int_equal(strlen(fake_query(r, "oauth_nonce")), 32);
    char base[8192], sig[128];
    ref_base("GET", VEC_URL, json_object_get(r, "query"), base);
    ref_sign(base, "cs_test", sha1, sig);
    assert_string_equal(fake_query(r, "oauth_signature"), sig);
    json_decref(r);
}

static void test_oauth_over_http(void **s)
{
    (void)s;
    check_oauth(NULL, 0);
    check_oauth("HMAC-SHA256", 0);
    check_oauth("HMAC-SHA1", 1);
}

static void test_nonce_differs_per_request(void **s)
{
    (void)s;
    json_t *a = one_request("http://127.0.0.1:8080", NULL);
    json_t *b = one_request("http://127.0.0.1:8080", NULL);
    assert_string_not_equal(fake_query(a, "oauth_nonce"), fake_query(b, "oauth_nonce"));
    json_decref(a);
    json_decref(b);
}

static void test_basic_over_https(void **s)
{
    (void)s;
    json_t *r = one_request("https://shop.example/store/", NULL);
    assert_string_equal(json_string_value(json_object_get(r, "url")),
                        "https://shop.example/store/wp-json/wc/v3/orders");
    json_t *basic = json_object_get(r, "basic");
    assert_string_equal(json_string_value(json_array_get(basic, 0)), "ck_test");
    assert_string_equal(json_string_value(json_array_get(basic, 1)), "cs_test");
    assert_null(fake_query(r, "oauth_signature"));
    json_decref(r);
}

/* channel_open with one config key changed (value NULL = removed). */
static void expect_config_error(const char *key, const char *value, const char *field)
{
    woo_fixture f;
    woo_ctx_init(&f.ctx, "https://shop.example");
    json_t *tbl = strcmp(key, "secret") == 0 ? f.ctx.secrets : f.ctx.config;
    if (value == NULL)
        json_object_del(tbl, key);
    else
        json_object_set_new(tbl, key, json_string(value));
    assert_int_equal(woo_open(&f), SL_EINVALID);
    assert_null(f.state);
    assert_string_equal(f.err.field, field);
    woo_ctx_free(&f.ctx);
}

static void test_config_errors_name_the_key(void **s)
{
    (void)s;
    expect_config_error("url", NULL, "url");
    expect_config_error("url", "ftp://shop.example", "url");
    expect_config_error("url", "https://", "url");
    expect_config_error("url", "https://shop.example/?x=1", "url");
    expect_config_error("key", NULL, "key");
    expect_config_error("key", "ck a", "key");
    expect_config_error("secret", NULL, "secret");
    expect_config_error("oauth_signature_method", "PLAINTEXT", "oauth_signature_method");
    expect_config_error("per_page", "0", "per_page");
    expect_config_error("per_page", "101", "per_page");
    expect_config_error("per_page", "10x", "per_page");
    expect_config_error("poll_overlap", "5x", "poll_overlap");
    expect_config_error("poll_overlap", "25h", "poll_overlap");
    expect_config_error("test_mode", "maybe", "test_mode");
    /* one grammar for durations: a bare number has no unit */
    expect_config_error("poll_overlap", "300", "poll_overlap");
    expect_config_error("auth", "digest", "auth");
    /* over https WooCommerce never checks an OAuth signature */
    expect_config_error("auth", "oauth", "auth");
}

/* Over plain http WooCommerce answers Basic auth with 401: `auth = basic`
   there is refused at open; `auto` and `oauth` sign with OAuth 1.0a. */
static void test_auth_mode_follows_the_scheme(void **s)
{
    (void)s;
    woo_fixture f;
    woo_ctx_init(&f.ctx, "http://127.0.0.1:8080");
    json_object_set_new(f.ctx.config, "auth", json_string("basic"));
    assert_int_equal(woo_open(&f), SL_EINVALID);
    assert_string_equal(f.err.field, "auth");
    assert_non_null(strstr(f.err.message, "https://"));
    woo_ctx_free(&f.ctx);

    woo_ctx_init(&f.ctx, "http://127.0.0.1:8080");
    json_object_set_new(f.ctx.config, "auth", json_string("oauth"));
    f.ctx.route = answer_empty_list;
    assert_int_equal(woo_open(&f), SL_OK);
    assert_int_equal(f.p->check_connection(f.state, &f.ctx, &f.err), SL_OK);
    fake_end_call(&f.ctx);
    json_t *r = json_array_get(f.ctx.requests, 0);
    assert_null(json_object_get(r, "basic"));
    assert_non_null(fake_query(r, "oauth_signature"));
    woo_close(&f);
    woo_ctx_free(&f.ctx);
}

/* ---- webhook signatures -------------------------------------------------- */

static const char ORDER_BODY[] =
    "{\"id\":5,\"status\":\"processing\",\"currency\":\"EUR\","
    "\"date_modified_gmt\":\"2026-11-22T08:00:00\",\"total\":\"1.00\"}";

static void sign_body(const char *body, char *out)
{
    unsigned char mac[32];
    unsigned int len = 0;
    const char *key = "woopeer-webhook-secret";
    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)body, strlen(body), mac, &len);
    EVP_EncodeBlock((unsigned char *)out, mac, (int)len);
}

/* Delivers body with the given signature/topic (NULL = header absent). */
static int deliver(woo_fixture *f, const char *body, const char *sig, const char *topic,
                   int verified)
{
    json_t *h = json_object();
    if (sig)
        json_object_set_new(h, "X-WC-Webhook-Signature", json_string(sig));
    if (topic)
        json_object_set_new(h, "X-WC-Webhook-Topic", json_string(topic));
    return fake_deliver(f, h, body, strlen(body), verified);
}

static void test_webhook_signatures(void **s)
{
    (void)s;
    woo_fixture f;
    woo_ctx_init(&f.ctx, "https://shop.example");
    assert_int_equal(woo_open(&f), SL_OK);
    char sig[64], tampered[sizeof ORDER_BODY];
    sign_body(ORDER_BODY, sig);
    /* good */
    assert_int_equal(deliver(&f, ORDER_BODY, sig, "order.updated", 0), SL_OK);
    assert_int_equal(json_array_size(f.ctx.orders), 1);
    /* one byte of the body changed */
    memcpy(tampered, ORDER_BODY, sizeof tampered);
    tampered[6] = '6';
    assert_int_equal(deliver(&f, tampered, sig, "order.updated", 0), SL_EAUTH);
    /* signature of another secret, and garbage */
    assert_int_equal(
        deliver(&f, ORDER_BODY, "AwoVC+Zxn4/94zdi6UkNhTEI+jO3SiJDm0nLugKrIdQ=", "order.updated", 0),
        SL_EAUTH);
    assert_int_equal(deliver(&f, ORDER_BODY, "", "order.updated", 0), SL_EAUTH);
    /* missing */
    assert_int_equal(deliver(&f, ORDER_BODY, NULL, "order.updated", 0), SL_EAUTH);
    assert_string_equal(f.err.field, "X-WC-Webhook-Signature");
    assert_int_equal(json_array_size(f.ctx.orders), 1);
    /* the host vouches for a replay: no signature needed */
    assert_int_equal(deliver(&f, ORDER_BODY, NULL, "order.updated", 1), SL_OK);
    assert_int_equal(json_array_size(f.ctx.orders), 2);
    /* a vouched replay of a stored order has no WooCommerce headers at all */
    assert_int_equal(deliver(&f, ORDER_BODY, NULL, NULL, 1), SL_OK);
    assert_int_equal(json_array_size(f.ctx.orders), 3);
    woo_close(&f);
    woo_ctx_free(&f.ctx);
}

static void test_webhook_ping_and_ignored_topics(void **s)
{
    (void)s;
    woo_fixture f;
    woo_ctx_init(&f.ctx, "https://shop.example");
    assert_int_equal(woo_open(&f), SL_OK);
    assert_int_equal(deliver(&f, "webhook_id=17", NULL, NULL, 0), SL_OK);
    /* not a ping: other form body, unsigned */
    assert_int_equal(deliver(&f, "webhook_id=17&x=1", NULL, NULL, 0), SL_EAUTH);
    char sig[64];
    const char *product = "{\"id\":11,\"sku\":\"BOOK-001\",\"stock_quantity\":3}";
    sign_body(product, sig);
    assert_int_equal(deliver(&f, product, sig, "product.updated", 0), SL_OK);
    assert_int_equal(deliver(&f, product, sig, "customer.created", 0), SL_OK);
    /* signed but no topic */
    assert_int_equal(deliver(&f, product, sig, NULL, 0), SL_EINVALID);
    assert_string_equal(f.err.field, "X-WC-Webhook-Topic");
    assert_int_equal(json_array_size(f.ctx.orders), 0);
    /* bad JSON, signed */
    sign_body("{\"id\":", sig);
    assert_int_equal(deliver(&f, "{\"id\":", sig, "order.created", 0), SL_EINVALID);
    assert_string_equal(f.err.field, "body");
    woo_close(&f);
    woo_ctx_free(&f.ctx);
}

static void test_webhook_without_secret_refused(void **s)
{
    (void)s;
    woo_fixture f;
    woo_ctx_init(&f.ctx, "https://shop.example");
    json_object_del(f.ctx.secrets, "webhook_secret");
    assert_int_equal(woo_open(&f), SL_OK);
    char sig[64];
    sign_body(ORDER_BODY, sig);
    assert_int_equal(deliver(&f, ORDER_BODY, sig, "order.updated", 0), SL_EAUTH);
    assert_int_equal(deliver(&f, "webhook_id=3", NULL, NULL, 0), SL_OK);
    woo_close(&f);
    woo_ctx_free(&f.ctx);
}

/* verify_webhook (1.4) with the headers of deliver(); *ack gets its
   acknowledge-only answer. Nothing is parsed, nothing submitted. */
static int verify_only(woo_fixture *f, const char *body, const char *sig, const char *topic,
                       int *ack)
{
    json_t *h = json_object();
    if (sig)
        json_object_set_new(h, "X-WC-Webhook-Signature", json_string(sig));
    if (topic)
        json_object_set_new(h, "X-WC-Webhook-Topic", json_string(topic));
    sl_request req = {.headers = h, .body = body, .len = strlen(body)};
    f->err = (sl_error){.size = sizeof f->err};
    *ack = -1;
    int rc = f->p->verify_webhook(f->state, &f->ctx, &req, ack, &f->err);
    fake_end_call(&f->ctx);
    json_decref(h);
    return rc;
}

static void test_verify_webhook(void **s)
{
    (void)s;
    woo_fixture f;
    woo_ctx_init(&f.ctx, "https://shop.example");
    assert_int_equal(woo_open(&f), SL_OK);
    char sig[64], bad_sig[64];
    sign_body(ORDER_BODY, sig);
    /* A body that cannot map is still authentic: parse it (and fail later). */
    static const char UNMAPPABLE[] = "{\"id\":7,\"line_items\":[{\"quantity\":\"abc\"}]}";
    char sig2[64];
    sign_body(UNMAPPABLE, sig2);
    int ack = -1;
    assert_int_equal(verify_only(&f, ORDER_BODY, sig, "order.updated", &ack), SL_OK);
    assert_int_equal(ack, 0);
    assert_int_equal(verify_only(&f, UNMAPPABLE, sig2, "order.updated", &ack), SL_OK);
    assert_int_equal(ack, 0);
    /* A signed delivery without a topic is parsed, so its refusal is kept. */
    assert_int_equal(verify_only(&f, ORDER_BODY, sig, NULL, &ack), SL_OK);
    assert_int_equal(ack, 0);
    /* Topics we ignore and the creation ping: acknowledge, store nothing. */
    assert_int_equal(verify_only(&f, ORDER_BODY, sig, "product.updated", &ack), SL_OK);
    assert_int_equal(ack, 1);
    assert_int_equal(verify_only(&f, "webhook_id=3", NULL, NULL, &ack), SL_OK);
    assert_int_equal(ack, 1);
    /* Forged or missing: 401 material, whatever the topic. */
    sign_body(UNMAPPABLE, bad_sig);
    assert_int_equal(verify_only(&f, ORDER_BODY, bad_sig, "product.updated", &ack), SL_EAUTH);
    assert_string_equal(f.err.field, "X-WC-Webhook-Signature");
    assert_int_equal(verify_only(&f, ORDER_BODY, NULL, "order.updated", &ack), SL_EAUTH);
    assert_int_equal(json_array_size(f.ctx.orders), 0);
    woo_close(&f);
    woo_ctx_free(&f.ctx);
}

static void test_webhook_body_limit(void **s)
{
    (void)s;
    woo_fixture f;
    woo_ctx_init(&f.ctx, "https://shop.example");
    assert_int_equal(woo_open(&f), SL_OK);
    size_t n = (16u << 20) + 1; /* WOO_MAX_WEBHOOK + 1 */
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[n] = '\0';
    assert_int_equal(deliver(&f, big, "x", "order.updated", 1), SL_ETOOBIG);
    assert_string_equal(f.err.field, "body");
    free(big);
    woo_close(&f);
    woo_ctx_free(&f.ctx);
}

static void test_plugin_table(void **s)
{
    (void)s;
    const sl_plugin *p = woo_plugin();
    assert_int_equal(p->size, sizeof(sl_plugin));
    assert_int_equal(p->abi_major, SL_ABI_MAJOR);
    assert_string_equal(p->name, "woocommerce");
    assert_int_equal(p->caps, SL_CAP_FETCH_ORDERS | SL_CAP_WEBHOOK | SL_CAP_PUSH_STOCK |
                                  SL_CAP_PUSH_PRICES | SL_CAP_LIST_TAXES | SL_CAP_LIST_PAYMENTS |
                                  SL_CAP_LIST_SHIPPING | SL_CAP_REPORT_STATUS |
                                  SL_CAP_FETCH_PRODUCTS);
    assert_non_null(p->check_connection);
    assert_non_null(p->fetch_products);
    assert_null(p->create_shipment);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_signer_matches_vector),
        cmocka_unit_test(test_oauth_over_http),
        cmocka_unit_test(test_nonce_differs_per_request),
        cmocka_unit_test(test_basic_over_https),
        cmocka_unit_test(test_config_errors_name_the_key),
        cmocka_unit_test(test_auth_mode_follows_the_scheme),
        cmocka_unit_test(test_webhook_signatures),
        cmocka_unit_test(test_webhook_ping_and_ignored_topics),
        cmocka_unit_test(test_webhook_without_secret_refused),
        cmocka_unit_test(test_webhook_body_limit),
        cmocka_unit_test(test_verify_webhook),
        cmocka_unit_test(test_plugin_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
