/*
 * The connector kit of libshopledger_sdk.a beyond options: field paths of
 * mapping errors, the default HTTP status map with Retry-After, the webhook
 * prologue (body cap, base64 HMAC header), the edges of a batch push; and
 * the X-macro lists keeping every enum value where ABI 1.x put it.
 */
#include "support.h"

#include <string.h>

#include "fake_host.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

/* The lists make the enums: the values must not move (ABI 1.x). */
_Static_assert(SL_EBANNED == -12 && SL_EINTERNAL == -11, "status codes moved");
_Static_assert(SL_ORDER_LANGUAGE == 18 && SL_ORDER_TEXT_END_V1 == 19, "order text ids moved");
_Static_assert(SL_ADDR_PHONE == 11 && SL_ADDR_FIELD_END_V1 == 12, "address ids moved");
_Static_assert(SL_ORDER_DISCOUNT_TAX == 6 && SL_ORDER_MONEY_END_V1 == 7, "money ids moved");
_Static_assert(SL_ORDER_COMPLETED == 4 && SL_ORDER_TIME_END_V1 == 5, "time ids moved");
_Static_assert(SL_ORDER_IS_PAID == 3 && SL_ORDER_FLAG_END_V1 == 4 &&
                   SL_ORDER_REFUND_LINES_MISSING == 4 && SL_ORDER_FLAG_END_V1_4 == 5,
               "flag ids moved");
_Static_assert(SL_LINE_REFUND == 5 && SL_LINE_KIND_END_V1 == 6, "line kinds moved");
_Static_assert(SL_LINE_UNIT == 11 && SL_LINE_TEXT_END_V1 == 12 && SL_LINE_REFUND_ID == 12 &&
                   SL_LINE_TEXT_END_V1_4 == 13,
               "line text ids moved");
_Static_assert(SL_LINE_TAX_PERCENT == 6 && SL_LINE_MONEY_END_V1 == 7, "line money ids moved");
_Static_assert(SL_LIST_SHIPPING_METHOD == 4 && SL_LIST_KIND_END_V1 == 5, "list kinds moved");
_Static_assert(SL_PUSH_WOULD_WRITE == 7 && SL_PUSH_OUTCOME_END_V1 == 8, "outcomes moved");
_Static_assert(SL_CAP_FETCH_PRODUCTS == 1u << 12 && SL_CAP_REQUEST_PAYMENT == 1u << 16 &&
                   SL_CAP_FIND_SHIPMENT == 1u << 23,
               "capability bits moved");

static void status_names_come_from_the_list(void **s)
{
    (void)s;
    assert_string_equal(sl_status_name(SL_OK), "SL_OK");
    assert_string_equal(sl_status_name(SL_ERETRY), "SL_ERETRY");
    assert_string_equal(sl_status_name(SL_EBANNED), "SL_EBANNED");
    assert_string_equal(sl_status_name(-99), "SL_E?");
}

static void field_paths_join_and_cut(void **s)
{
    (void)s;
    char f[SL_ERROR_FIELD_MAX];
    sl_field_path("line_items[2].", "price", f);
    assert_string_equal(f, "line_items[2].price");
    sl_field_path(NULL, "price", f);
    assert_string_equal(f, "price");
    char long_key[200];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    sl_field_path("a.", long_key, f);
    assert_int_equal(strlen(f), SL_ERROR_FIELD_MAX - 1);
    assert_memory_equal(f, "a.kkk", 5);

    sl_error e = {.size = sizeof e};
    sl_error_set(&e, SL_EINVALID, "sku", "bad");
    assert_int_equal(sl_error_in(&e, "items[0].", SL_EINVALID), SL_EINVALID);
    assert_string_equal(e.field, "items[0].sku"); /* key read from the field it rewrites */
    assert_int_equal(sl_error_in(&e, "", SL_EINVALID), SL_EINVALID);
    assert_string_equal(e.field, "items[0].sku");

    assert_int_equal(sl_error_refused(&e, "billing.", "country", "Narnia", SL_OK), SL_EINVALID);
    assert_string_equal(e.field, "billing.country");
    assert_string_equal(e.message, "the host refused billing.country = \"Narnia\" (SL_OK)");
    assert_int_equal(sl_error_refused(&e, NULL, "qty", NULL, SL_ETOOBIG), SL_ETOOBIG);
    assert_string_equal(e.field, "qty");
}

static void default_status_map(void **s)
{
    (void)s;
    static const int cases[][2] = {{200, SL_OK},      {204, SL_OK},        {401, SL_EAUTH},
                                   {403, SL_EREMOTE}, {404, SL_ENOTFOUND}, {409, SL_EREMOTE},
                                   {429, SL_ERETRY},  {500, SL_ERETRY},    {503, SL_ERETRY},
                                   {302, SL_EREMOTE}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(sl_http_status_code(cases[i][0]), cases[i][1]);
}

/* A response as the fake host hands it over. */
static sl_http_resp resp_of(int status, const char *retry_after)
{
    sl_http_resp r = {.status = status,
                      .headers = retry_after ? json_pack("{s:s}", "Retry-After", retry_after)
                                             : json_object(),
                      .body = "",
                      .len = 0};
    return r;
}

static void retry_after_in_seconds_with_floor_and_cap(void **s)
{
    (void)s;
    static const struct {
        const char *header;
        int64_t floor, want;
    } cases[] = {{NULL, 0, 0},           {NULL, 60000, 60000},
                 {"30", 0, 30000},       {"30", 60000, 60000},
                 {"120", 60000, 120000}, {"99999", 0, 3600000},
                 {"-5", 7, 7},           {"Wed, 21 Oct 2026 07:28:00 GMT", 0, 0},
                 {"12abc", 0, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_http_resp r = resp_of(429, cases[i].header);
        assert_int_equal(sl_http_retry_after_ms(&FAKE_HOST, &r, cases[i].floor), cases[i].want);
        json_decref(r.headers);
    }
}

static void failed_answers_fill_the_error(void **s)
{
    (void)s;
    sl_error e = {.size = sizeof e};
    sl_http_resp r = resp_of(503, "20");
    assert_int_equal(sl_http_fail(&FAKE_HOST, &r, 0, 0, "GET /orders", "down", &e), SL_ERETRY);
    assert_string_equal(e.message, "GET /orders: HTTP 503: down");
    assert_int_equal(e.http_status, 503);
    assert_int_equal(e.retry_after_ms, 20000);
    json_decref(r.headers);
    r = resp_of(404, "20");
    assert_int_equal(sl_http_fail(&FAKE_HOST, &r, SL_EREMOTE, 0, "GET /x", NULL, &e), SL_EREMOTE);
    assert_string_equal(e.message, "GET /x: HTTP 404");
    assert_int_equal(e.retry_after_ms, 0); /* only a retry waits */
    json_decref(r.headers);
}

static int no_route(sl_ctx *ctx, const json_t *req, fake_resp *out)
{
    (void)ctx, (void)req, (void)out;
    return 1;
}
static int answer_418(sl_ctx *ctx, const json_t *req, fake_resp *out)
{
    (void)ctx, (void)req;
    out->status = 418;
    return 0;
}

static int answer_200(sl_ctx *ctx, const json_t *req, fake_resp *out)
{
    (void)ctx, (void)req;
    out->status = 200;
    return 0;
}

static void exchange_needs_a_response(void **s)
{
    (void)s;
    sl_ctx c;
    fake_ctx_init(&c);
    sl_error e = {.size = sizeof e};
    sl_http_resp *resp = (sl_http_resp *)0x1;
    c.route = no_route;
    sl_http_req *req = FAKE_HOST.http_new(&c, "GET", "http://127.0.0.1:9/x");
    assert_int_equal(sl_http_exchange(&FAKE_HOST, req, "GET /x", &resp, &e), SL_EIO);
    assert_ptr_equal(resp, (sl_http_resp *)0x1); /* written only on success */
    c.route = answer_418;
    req = FAKE_HOST.http_new(&c, "GET", "http://127.0.0.1:9/x");
    assert_int_equal(sl_http_exchange(&FAKE_HOST, req, "GET /x", &resp, &e), SL_OK);
    assert_int_equal(FAKE_HOST.http_status(resp), 418); /* any status is a response */
    /* only a 2xx answer passes sl_http_send_2xx; the default map says why */
    sl_http_resp *ok = (sl_http_resp *)0x1;
    req = FAKE_HOST.http_new(&c, "GET", "http://127.0.0.1:9/x");
    assert_int_equal(sl_http_send_2xx(&FAKE_HOST, req, "GET /x", NULL, NULL, &ok, &e), SL_EREMOTE);
    assert_int_equal(e.http_status, 418);
    assert_string_equal(e.message, "GET /x: HTTP 418");
    assert_ptr_equal(ok, (sl_http_resp *)0x1);
    c.route = answer_200;
    req = FAKE_HOST.http_new(&c, "GET", "http://127.0.0.1:9/x");
    assert_int_equal(sl_http_send_2xx(&FAKE_HOST, req, "GET /x", NULL, NULL, &ok, &e), SL_OK);
    assert_int_equal(FAKE_HOST.http_status(ok), 200);
    fake_ctx_free(&c);
}

static void webhook_body_and_hmac(void **s)
{
    (void)s;
    const char *body = "{\"id\":1}";
    unsigned char mac[32];
    char sig[48];
    sl_hmac_sha256("k3y", 3, body, strlen(body), mac);
    sl_base64_encode(mac, sizeof mac, sig);
    strcat(sig, " "); /* trailing blanks of a header do not count */
    sl_request req = {
        .headers = json_pack("{s:s}", "X-Sig", sig), .body = body, .len = strlen(body)};
    sl_error e = {.size = sizeof e};
    const char *b = NULL;
    size_t len = 0;
    assert_int_equal(sl_webhook_body(&FAKE_HOST, &req, 4, &b, &len, &e), SL_ETOOBIG);
    assert_null(b);
    assert_string_equal(e.field, "body");
    assert_int_equal(sl_webhook_body(&FAKE_HOST, &req, 1024, &b, &len, &e), SL_OK);
    assert_int_equal(len, strlen(body));
    sl_webhook_hmac how = {"X-Sig", "shop signature", "k3y", "webhook_secret"};
    assert_int_equal(sl_webhook_check_hmac(&FAKE_HOST, &req, &how, b, len, &e), SL_OK);
    how.key = "other";
    assert_int_equal(sl_webhook_check_hmac(&FAKE_HOST, &req, &how, b, len, &e), SL_EAUTH);
    assert_string_equal(e.field, "X-Sig");
    assert_string_equal(e.message, "shop signature does not match the body");
    how.key = NULL;
    assert_int_equal(sl_webhook_check_hmac(&FAKE_HOST, &req, &how, b, len, &e), SL_EAUTH);
    assert_string_equal(e.field, "webhook_secret");
    json_object_clear(req.headers);
    how.key = "k3y";
    assert_int_equal(sl_webhook_check_hmac(&FAKE_HOST, &req, &how, b, len, &e), SL_EAUTH);
    assert_string_equal(e.field, "X-Sig");
    req.verified = 1; /* the host vouches: no signature needed */
    assert_int_equal(sl_webhook_check_hmac(&FAKE_HOST, &req, &how, b, len, &e), SL_OK);
    json_decref(req.headers);
    sl_request none = {.headers = json_object()};
    assert_int_equal(sl_webhook_body(&FAKE_HOST, &none, 4, &b, &len, &e), SL_OK);
    assert_string_equal(b, "");
    assert_int_equal(len, 0);
    json_decref(none.headers);
}

static void push_edges(void **s)
{
    (void)s;
    sl_error e = {.size = sizeof e};
    sl_stock_list l = {.items = json_pack("[[s,s,s]]", "A", "1", "2.50"), .currency = "KWD"};
    size_t n = 0;
    int exp = -9;
    assert_int_equal(sl_push_begin(&FAKE_HOST, &l, 1, &n, &exp, &e), SL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(exp, 3);
    assert_int_equal(sl_push_begin(&FAKE_HOST, &l, 0, &n, &exp, &e), SL_OK);
    assert_int_equal(exp, 0);
    l.currency = "XXZ";
    exp = -9;
    assert_int_equal(sl_push_begin(&FAKE_HOST, &l, 1, &n, &exp, &e), SL_EINVALID);
    assert_string_equal(e.field, "currency");
    assert_int_equal(exp, -9);
    json_decref(l.items);

    char msg[80];
    assert_int_equal(sl_push_read_back("7", "7", msg, sizeof msg), SL_PUSH_WRITTEN);
    assert_string_equal(msg, "");
    assert_int_equal(sl_push_read_back("7", "6", msg, sizeof msg), SL_PUSH_DRIFT);
    assert_string_equal(msg, "wrote 7, shop shows 6");
    assert_int_equal(sl_push_read_back("7", NULL, msg, sizeof msg), SL_PUSH_DRIFT);
    assert_string_equal(msg, "wrote 7, shop shows nothing");
    sl_error_set(&e, SL_ERETRY, "", "budget spent");
    sl_push_not_pushed(&e, msg, sizeof msg);
    assert_string_equal(msg, "not pushed: budget spent");
}

/* Strict UTF-8: whole characters of every length pass; a cut one, an
   overlong form, a surrogate or a stray continuation byte does not. */
static void utf8_valid_is_strict(void **s)
{
    (void)s;
    static const char ok[] = "a\xd8\xb4\xe0\xb8\x81\xf0\x9f\x98\x80";
    assert_true(sl_utf8_valid(ok, sizeof ok - 1));
    assert_true(sl_utf8_valid("", 0));
    assert_false(sl_utf8_valid(ok, sizeof ok - 2));     /* cut inside the last */
    assert_false(sl_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(sl_utf8_valid("\xed\xa0\x80", 3));     /* a surrogate */
    assert_false(sl_utf8_valid("\x80", 1));             /* a continuation alone */
    assert_false(sl_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
}

/* A message is valid UTF-8: cut at the record's size it never ends
   inside a character (the incomplete one goes, a whole one stays), and
   bytes quoted from a remote that are not UTF-8 become '?'. */
static void error_cut_at_a_character(void **s)
{
    (void)s;
    sl_error e = {.size = sizeof e};
    char pad[SL_ERROR_MSG_MAX];
    for (size_t k = 1; k <= 4; k++) {
        /* "\xd8\xb4" (2 bytes), "\xe0\xb8\x81" (3), "\xf0\x9f\x98\x80" (4): a character
           that starts k bytes before the end of the record's text */
        static const char *const chars[] = {"\xd8\xb4", "\xe0\xb8\x81", "\xf0\x9f\x98\x80"};
        for (size_t c = 0; c < 3; c++) {
            size_t keep = SL_ERROR_MSG_MAX - 1 - k;
            memset(pad, 'a', keep);
            pad[keep] = '\0';
            sl_error_set(&e, SL_EIO, "", "%s%s%s", pad, chars[c], "tail");
            size_t clen = strlen(chars[c]);
            if (clen <= k) /* the whole character fits */
                assert_memory_equal(e.message + keep, chars[c], clen);
            else
                assert_int_equal(strlen(e.message), keep);
        }
    }
    sl_error_set(&e, SL_EIO, "", "short \xd8\xb4");
    assert_string_equal(e.message, "short \xd8\xb4");
    /* A service's stray bytes quoted in a message: each becomes '?'. */
    sl_error_set(&e, SL_EIO, "", "'%s' is not a valid URI", "http://a.org\xaf/x");
    assert_string_equal(e.message, "'http://a.org?/x' is not a valid URI");
    sl_error_set(&e, SL_EIO, "", "%s", "\xed\xa0\x80 \xc0\xaf \xf4\x90\x80\x80 end");
    assert_string_equal(e.message, "??? ?? ???? end");
}

static void put_on_the_order_or_a_line(void **s)
{
    (void)s;
    sl_ctx c;
    fake_ctx_init(&c);
    sl_order *o = FAKE_HOST.order_new(&c);
    sl_line *l = FAKE_HOST.order_add_line(o, SL_LINE_PRODUCT);
    char text[SL_MONEY_TEXT_MAX];
    assert_int_equal(sl_put_text(&FAKE_HOST, o, NULL, SL_ORDER_CURRENCY, "KWD"), SL_OK);
    assert_int_equal(sl_put_text(&FAKE_HOST, o, l, SL_LINE_SKU, "A-1"), SL_OK);
    assert_int_equal(sl_put_money(&FAKE_HOST, o, NULL, SL_ORDER_TOTAL, 12345, 3, text), SL_OK);
    assert_string_equal(text, "12.345");
    assert_int_equal(sl_put_money(&FAKE_HOST, o, l, SL_LINE_TOTAL, -5, 3, text), SL_OK);
    assert_string_equal(text, "-0.005");
    /* a refusal sticks: submit fails with it though later setters passed */
    assert_int_equal(sl_put_money(&FAKE_HOST, o, NULL, SL_ORDER_TOTAL_TAX, 1, 4, text),
                     SL_EINVALID); /* 0.0001 is not exact in fils (3 decimals) */
    assert_int_equal(sl_put_text(&FAKE_HOST, o, NULL, SL_ORDER_EMAIL, "a@b.c"), SL_OK);
    sl_error e = {.size = sizeof e};
    assert_int_equal(FAKE_HOST.order_submit(&c, o, &e), SL_EINVALID);
    assert_int_equal(json_array_size(c.orders), 0);
    fake_ctx_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_names_come_from_the_list),
        cmocka_unit_test(field_paths_join_and_cut),
        cmocka_unit_test(default_status_map),
        cmocka_unit_test(retry_after_in_seconds_with_floor_and_cap),
        cmocka_unit_test(failed_answers_fill_the_error),
        cmocka_unit_test(exchange_needs_a_response),
        cmocka_unit_test(webhook_body_and_hmac),
        cmocka_unit_test(push_edges),
        cmocka_unit_test(put_on_the_order_or_a_line),
        cmocka_unit_test(error_cut_at_a_character),
        cmocka_unit_test(utf8_valid_is_strict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
