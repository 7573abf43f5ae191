/*
 * The template connector, loaded from the built template.so exactly as the
 * host loads it, against a small fake host table: config checks, a fetched
 * page becoming orders plus a cursor, and webhook signatures (good, bad,
 * missing, skipped when the host vouches for the body).
 */
#include "support.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdk.h"
#include "shopledger/sdkutil.h"

#define MAX_ORDERS 4
#define F 48 /* bytes kept per recorded field */

struct sl_line {
    char sku[F], name[F], qty[F], total[F], tax[F];
};
struct sl_order {
    char text[SL_ORDER_TEXT_END_V1][F];
    char money[SL_ORDER_MONEY_END_V1][F];
    int64_t created;
    size_t raw_len;
    struct sl_line line;
    int lines;
};
struct sl_http_req {
    char url[600], query[200];
};
struct sl_http_resp {
    int status;
    const char *body;
};
struct sl_request {
    const char *body, *sig;
    int verified;
};
/* The fake host's whole world for one test. */
struct sl_ctx {
    const char *url, *secret;
    struct sl_http_req req;
    struct sl_http_resp resp;
    struct sl_order building, submitted[MAX_ORDERS];
    int n_submitted;
    char cursor[F];
    int cursor_commits, discards;
};

static struct sl_ctx G;

static void h_log(sl_ctx *c, int level, const char *fmt, ...)
{
    (void)c, (void)level, (void)fmt;
}
static const char *h_config(sl_ctx *c, const char *k)
{
    return strcmp(k, "url") == 0 ? c->url : NULL;
}
static const char *h_secret(sl_ctx *c, const char *k)
{
    return strcmp(k, "webhook_secret") == 0 ? c->secret : NULL;
}
static sl_http_req *h_http_new(sl_ctx *c, const char *m, const char *url)
{
    assert_string_equal(m, "GET");
    snprintf(c->req.url, sizeof c->req.url, "%s", url);
    return &c->req;
}
static int h_query(sl_http_req *r, const char *k, const char *v)
{
    snprintf(r->query, sizeof r->query, "%s=%s", k, v);
    return SL_OK;
}
static int h_send(sl_http_req *r, sl_http_resp **resp, sl_error *e)
{
    (void)r, (void)e;
    *resp = &G.resp;
    return SL_OK;
}
static int h_status(const sl_http_resp *r) { return r->status; }
static const char *h_resp_body(const sl_http_resp *r, size_t *len)
{
    *len = strlen(r->body);
    return r->body;
}
static const char *h_req_header(const sl_request *r, const char *name)
{
    return strcmp(name, "X-Signature") == 0 ? r->sig : NULL;
}
static const char *h_req_body(const sl_request *r, size_t *len)
{
    *len = strlen(r->body);
    return r->body;
}
static int h_req_verified(const sl_request *r) { return r->verified; }
static sl_order *h_order_new(sl_ctx *c)
{
    memset(&c->building, 0, sizeof c->building);
    return &c->building;
}
static int h_set_text(sl_order *o, int f, const char *v)
{
    snprintf(o->text[f], F, "%s", v);
    return SL_OK;
}
/* Like the real host: money must fit the order's currency exactly. */
static int h_set_money(sl_order *o, int f, const char *v)
{
    int64_t minor;
    int rc = sl_money_parse(
        v, sl_currency_exponent(o->text[SL_ORDER_CURRENCY]), &minor);
    if (rc == SL_OK)
        snprintf(o->money[f], F, "%s", v);
    return rc;
}
static int h_set_time(sl_order *o, int f, int64_t ms)
{
    assert_int_equal(f, SL_ORDER_CREATED);
    o->created = ms;
    return SL_OK;
}
static int h_set_raw(sl_order *o, const char *d, size_t n)
{
    (void)d;
    o->raw_len = n;
    return SL_OK;
}
static sl_line *h_add_line(sl_order *o, int kind)
{
    assert_int_equal(kind, SL_LINE_PRODUCT);
    o->lines++;
    return &o->line;
}
static int h_line_text(sl_line *l, int f, const char *v)
{
    snprintf(f == SL_LINE_SKU ? l->sku : l->name, F, "%s", v);
    return SL_OK;
}
static int h_line_qty(sl_line *l, const char *v)
{
    snprintf(l->qty, F, "%s", v);
    return SL_OK;
}
static int h_line_money(sl_line *l, int f, const char *v)
{
    snprintf(f == SL_LINE_TOTAL ? l->total : l->tax, F, "%s", v);
    return SL_OK;
}
static int h_submit(sl_ctx *c, sl_order *o, sl_error *e)
{
    (void)e;
    assert_true(c->n_submitted < MAX_ORDERS);
    c->submitted[c->n_submitted++] = *o;
    return SL_OK;
}
static void h_discard(sl_order *o)
{
    assert_ptr_equal(o, &G.building);
    G.discards++;
}
static int h_cursor(sl_ctx *c, const char *cur, sl_error *e)
{
    (void)e;
    snprintf(c->cursor, F, "%s", cur);
    c->cursor_commits++;
    return SL_OK;
}

static const sl_host HOST = {
    .size = sizeof(sl_host), .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR, .log = h_log, .config_get = h_config,
    .secret_get = h_secret, .http_new = h_http_new, .http_query = h_query,
    .http_send = h_send, .http_status = h_status,
    .http_resp_body = h_resp_body, .request_header = h_req_header,
    .request_body = h_req_body, .request_verified = h_req_verified,
    .order_new = h_order_new, .order_set_text = h_set_text,
    .order_set_money = h_set_money, .order_set_time = h_set_time,
    .order_set_raw = h_set_raw, .order_add_line = h_add_line,
    .line_set_text = h_line_text, .line_set_quantity = h_line_qty,
    .line_set_money = h_line_money, .order_submit = h_submit,
    .cursor_commit = h_cursor, .order_discard = h_discard,
};

static const sl_plugin *P;

static int load(void **state)
{
    (void)state;
    void *so = dlopen(SL_BUILD_PLUGIN_DIR "/template.so", RTLD_NOW);
    if (so == NULL)
        fail_msg("dlopen: %s", dlerror());
    sl_plugin_entry_fn entry;
    *(void **)&entry = dlsym(so, SL_PLUGIN_ENTRY_SYMBOL);
    assert_non_null(entry);
    P = entry();
    return 0; /* plugins are never unloaded, as in the host */
}

/* Opens a channel on a fresh fake world. */
static void *open_channel(const char *url)
{
    memset(&G, 0, sizeof G);
    G.url = url;
    G.secret = "s3cret";
    void *st = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(P->channel_open(&HOST, &G, &st, &err), SL_OK);
    return st;
}

static const char PAGE[] =
    "{\"orders\": ["
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
    static const char *const bad[] = {NULL, "", "ftp://shop.test",
                                      "shop.test"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&G, 0, sizeof G);
        G.url = bad[i];
        void *st = (void *)0x1;
        sl_error err = {.size = sizeof err};
        assert_int_equal(P->channel_open(&HOST, &G, &st, &err), SL_EINVALID);
        assert_string_equal(err.field, "url");
        assert_ptr_equal(st, (void *)0x1);
    }
}

static void test_fetch_builds_orders_and_commits_cursor(void **state)
{
    (void)state;
    void *st = open_channel("https://shop.test/api/");
    G.resp.status = 200;
    G.resp.body = PAGE;
    sl_error err = {.size = sizeof err};
    assert_int_equal(P->fetch_orders(st, &G, "c1", &err), SL_OK);
    assert_string_equal(G.req.url, "https://shop.test/api/orders");
    assert_string_equal(G.req.query, "since=c1");
    assert_int_equal(G.n_submitted, 2);
    const struct sl_order *a = &G.submitted[0], *b = &G.submitted[1];
    assert_string_equal(a->text[SL_ORDER_EXTERNAL_ID], "1001");
    assert_string_equal(a->text[SL_ORDER_STATUS_NORMALIZED],
                        SL_STATUS_CONFIRMED);
    assert_string_equal(a->text[SL_ORDER_CURRENCY], "EUR");
    assert_string_equal(a->text[SL_ORDER_EMAIL], "ann@example.com");
    assert_string_equal(a->money[SL_ORDER_TOTAL], "24.20");
    assert_string_equal(a->money[SL_ORDER_TOTAL_TAX], "4.2");
    assert_int_equal(a->created, (1714554250LL - 10800) * 1000);
    assert_int_equal(a->lines, 1);
    assert_string_equal(a->line.sku, "MUG-1");
    assert_string_equal(a->line.qty, "2");
    assert_string_equal(a->line.total, "20.00");
    assert_true(a->raw_len > 50);
    assert_string_equal(b->text[SL_ORDER_EXTERNAL_ID], "B-7");
    assert_string_equal(b->text[SL_ORDER_STATUS_NORMALIZED],
                        SL_STATUS_CANCELLED);
    assert_string_equal(b->money[SL_ORDER_TOTAL], "1200");
    assert_string_equal(b->line.qty, "0.5");
    assert_string_equal(G.cursor, "c2");
    assert_int_equal(G.cursor_commits, 1);
    P->channel_close(st);
}

/* A one-order page with the given status, currency and total. */
static const char *page_of(const char *status, const char *currency,
                           const char *total)
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
    void *st = open_channel("http://shop.test");
    sl_error err = {.size = sizeof err};
    G.resp.status = 200;
    G.resp.body = "{\"orders\": [{\"id\": 1, \"status\": \"paid\","
                  " \"currency\": \"EUR\", \"total\": {}}],"
                  " \"next_cursor\": \"x\"}";
    assert_int_equal(P->fetch_orders(st, &G, NULL, &err), SL_EINVALID);
    assert_string_equal(err.field, "total");
    assert_string_equal(G.req.query, "since=");
    G.resp.body = page_of("lost", "EUR", "1");
    assert_int_equal(P->fetch_orders(st, &G, NULL, &err), SL_EINVALID);
    assert_string_equal(err.field, "status");
    G.resp.body = page_of("paid", "XYZ", "1");
    assert_int_equal(P->fetch_orders(st, &G, NULL, &err), SL_EINVALID);
    assert_string_equal(err.field, "currency");
    /* Valid JSON the host refuses: yen have no decimals. The half-built
       order goes back through order_discard. */
    G.resp.body = page_of("paid", "JPY", "1.5");
    assert_int_equal(P->fetch_orders(st, &G, NULL, &err), SL_EINVALID);
    assert_int_equal(G.discards, 1);
    G.resp.body = "{\"orders\": []}";
    assert_int_equal(P->fetch_orders(st, &G, NULL, &err), SL_EINVALID);
    assert_string_equal(err.field, "next_cursor");
    G.resp.body = "<html>";
    assert_int_equal(P->fetch_orders(st, &G, NULL, &err), SL_EINVALID);
    assert_string_equal(err.field, "body");
    G.resp.status = 401;
    assert_int_equal(P->fetch_orders(st, &G, NULL, &err), SL_EAUTH);
    assert_int_equal(err.http_status, 401);
    G.resp.status = 500;
    assert_int_equal(P->fetch_orders(st, &G, NULL, &err), SL_EREMOTE);
    assert_int_equal(G.n_submitted, 0);
    assert_int_equal(G.cursor_commits, 0);
    P->channel_close(st);
}

static const char HOOK[] =
    "{\"id\": 55, \"status\": \"pending\", \"currency\": \"KWD\","
    " \"total\": \"1.250\", \"total_tax\": \"0.000\","
    " \"item\": {\"sku\": \"X\", \"name\": \"X\", \"quantity\": 1,"
    " \"total\": \"1.250\", \"tax\": \"0\"}}";

/* Sends HOOK with the given signature header; returns the plugin's rc. */
static int deliver(void *st, const char *sig, int verified, sl_error *err)
{
    struct sl_request req = {.body = HOOK, .sig = sig, .verified = verified};
    return P->parse_webhook(st, &G, &req, err);
}

static void test_webhook_signatures(void **state)
{
    (void)state;
    void *st = open_channel("https://shop.test");
    unsigned char mac[32];
    char good[48];
    assert_int_equal(sl_hmac_sha256("s3cret", 6, HOOK, strlen(HOOK), mac),
                     SL_OK);
    sl_base64_encode(mac, sizeof mac, good);
    sl_error err = {.size = sizeof err};
    assert_int_equal(deliver(st, good, 0, &err), SL_OK);
    assert_int_equal(G.n_submitted, 1);
    assert_string_equal(G.submitted[0].text[SL_ORDER_EXTERNAL_ID], "55");
    assert_string_equal(G.submitted[0].money[SL_ORDER_TOTAL], "1.250");
    assert_int_equal(G.submitted[0].raw_len, strlen(HOOK));

    char bad[48];
    memcpy(bad, good, sizeof good);
    bad[3] = bad[3] == 'A' ? 'B' : 'A';
    static const char *const refused[] = {NULL, "", "not base64!", "QQ=="};
    assert_int_equal(deliver(st, bad, 0, &err), SL_EAUTH);
    assert_string_equal(err.field, "X-Signature");
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_int_equal(deliver(st, refused[i], 0, &err), SL_EAUTH);
    G.secret = NULL;
    assert_int_equal(deliver(st, good, 0, &err), SL_EAUTH);
    assert_string_equal(err.field, "webhook_secret");
    assert_int_equal(G.n_submitted, 1);
    /* An operator's replay: the host vouches, no signature needed. */
    assert_int_equal(deliver(st, NULL, 1, &err), SL_OK);
    assert_int_equal(G.n_submitted, 2);
    P->channel_close(st);
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
    struct sl_request req = {.body = HOOK, .sig = good};
    assert_int_equal(P->verify_webhook(st, &G, &req, &ack, &err), SL_OK);
    assert_int_equal(ack, 0);
    req.sig = "QQ==";
    assert_int_equal(P->verify_webhook(st, &G, &req, &ack, &err), SL_EAUTH);
    assert_string_equal(err.field, "X-Signature");
    assert_int_equal(G.n_submitted, 0);
    P->channel_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_open_validates_url),
        cmocka_unit_test(test_fetch_builds_orders_and_commits_cursor),
        cmocka_unit_test(test_fetch_errors_commit_no_cursor),
        cmocka_unit_test(test_webhook_signatures),
        cmocka_unit_test(test_verify_webhook),
    };
    return cmocka_run_group_tests(tests, load, NULL);
}
