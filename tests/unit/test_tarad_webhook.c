/*
 * The TARAD connector through the real build/plugins/tarad.so with the fake
 * host of the WooCommerce tests: push bodies in tests/golden/tarad/ *.in.json
 * map to the orders in the matching *.out.json (regenerate with
 * SL_GOLDEN_UPDATE=1 and review the diff); the assumed signature check
 * (good base64 and hex, bad, missing, tampered, replayed, from the future,
 * malformed timestamp); names split from the buyer's full name; bad input
 * refused naming the field; other events acknowledged without an order.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The fake host is shared with the WooCommerce tests; its loader of
   woocommerce.so is unused here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "fake_host.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#pragma GCC diagnostic pop

#define TOKEN "utk-merchant-0123456789"
#define NOW_TS "20261122085000" /* fake clock 1795337400000 */

static const sl_plugin *tarad_plugin(void)
{
    static const sl_plugin *p;
    if (p == NULL)
        p = fake_plugin_load("tarad");
    return p;
}

/* Opens a channel with `settings` (may be NULL) and the user token. */
static int open_with(fake_fixture *f, json_t *settings)
{
    fake_ctx_init(&f->ctx);
    if (settings != NULL) {
        json_decref(f->ctx.config);
        f->ctx.config = settings;
    }
    json_object_set_new(f->ctx.secrets, "user_token", json_string(TOKEN));
    return fake_open(f, tarad_plugin());
}

static void finish(fake_fixture *f)
{
    fake_close(f);
    fake_ctx_free(&f->ctx);
}

/* base64 (or hex) HMAC-SHA256(key, ts "." body): the assumed signature. */
static void sign(const char *key, const char *ts, const char *body, int hex, char *out)
{
    size_t tl = strlen(ts), bl = strlen(body);
    char *msg = malloc(tl + 1 + bl + 1);
    snprintf(msg, tl + 1 + bl + 1, "%s.%s", ts, body);
    unsigned char mac[SL_SHA256_LEN];
    assert_int_equal(sl_hmac_sha256(key, strlen(key), msg, tl + 1 + bl, mac), SL_OK);
    free(msg);
    if (hex)
        sl_hex_encode(mac, sizeof mac, out);
    else
        sl_base64_encode(mac, sizeof mac, out);
}

/* Delivers body with the given headers (NULL = header absent). */
static int deliver(fake_fixture *f, const char *body, const char *ts, const char *sig, int verified)
{
    json_t *h = json_object();
    if (ts)
        json_object_set_new(h, "X-Tarad-Timestamp", json_string(ts));
    if (sig)
        json_object_set_new(h, "X-Tarad-Signature", json_string(sig));
    return fake_deliver(f, h, body, strlen(body), verified);
}

static int deliver_signed(fake_fixture *f, const char *body, const char *ts)
{
    char sig[128];
    sign(TOKEN, ts, body, 0, sig);
    return deliver(f, body, ts, sig, 0);
}

static char *golden_in(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/tarad/%s.in.json", SL_SOURCE_DIR, name);
    char *b = slurp(path, NULL);
    assert_non_null(b);
    b[strcspn(b, "\n")] = '\0'; /* the signed body is the one line */
    return b;
}

/* Compares `got` with tests/golden/tarad/NAME.out.json (or rewrites it). */
static void golden_out(const char *name, const json_t *got)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/tarad/%s.out.json", SL_SOURCE_DIR, name);
    fake_golden_check(path, got);
}

static void golden_case(const char *name)
{
    fake_fixture f;
    assert_int_equal(open_with(&f, NULL), SL_OK);
    char *body = golden_in(name);
    assert_int_equal(deliver_signed(&f, body, NOW_TS), SL_OK);
    assert_int_equal(json_array_size(f.ctx.orders), 1);
    golden_out(name, json_array_get(f.ctx.orders, 0));
    free(body);
    finish(&f);
}

static void maps_paid_order(void **s)
{
    (void)s;
    golden_case("paid-basic");
}
static void maps_prices_without_vat_and_discount(void **s)
{
    (void)s;
    golden_case("paid-excl-vat-discount");
}
static void maps_cancelled_order(void **s)
{
    (void)s;
    golden_case("cancelled");
}

/* ---- signature and timestamp -------------------------------------------- */

static void accepts_base64_and_hex_signatures(void **s)
{
    (void)s;
    fake_fixture f;
    assert_int_equal(open_with(&f, NULL), SL_OK);
    char *body = golden_in("paid-basic"), sig[128];
    sign(TOKEN, NOW_TS, body, 1, sig);
    assert_int_equal(deliver(&f, body, NOW_TS, sig, 0), SL_OK);
    assert_int_equal(deliver_signed(&f, body, "20261122085400"), SL_OK); /* +4 min */
    assert_int_equal(json_array_size(f.ctx.orders), 2);
    free(body);
    finish(&f);
}

/* Expects SL_EAUTH naming `field` and no order. */
static void refused(fake_fixture *f, int rc, const char *field)
{
    assert_int_equal(rc, SL_EAUTH);
    assert_string_equal(f->err.field, field);
    assert_true(f->err.message[0] != '\0');
    assert_int_equal(json_array_size(f->ctx.orders), 0);
}

static void refuses_bad_missing_and_replayed_signatures(void **s)
{
    (void)s;
    fake_fixture f;
    assert_int_equal(open_with(&f, NULL), SL_OK);
    char *body = golden_in("paid-basic"), sig[128], wrong[128];
    sign(TOKEN, NOW_TS, body, 0, sig);
    sign("another-token", NOW_TS, body, 0, wrong);
    refused(&f, deliver(&f, body, NOW_TS, wrong, 0), "X-Tarad-Signature");
    refused(&f, deliver(&f, body, NOW_TS, NULL, 0), "X-Tarad-Signature");
    refused(&f, deliver(&f, body, NULL, sig, 0), "X-Tarad-Timestamp");
    refused(&f, deliver(&f, body, "2026-11-22 08:50", sig, 0), "X-Tarad-Timestamp");
    refused(&f, deliver(&f, body, NOW_TS, "not-a-mac", 0), "X-Tarad-Signature");
    /* the timestamp is signed: moving it breaks the MAC */
    refused(&f, deliver(&f, body, "20261122085001", sig, 0), "X-Tarad-Signature");
    /* a body changed after signing */
    body[strlen(body) - 3] = '1';
    refused(&f, deliver(&f, body, NOW_TS, sig, 0), "X-Tarad-Signature");
    free(body);
    body = golden_in("paid-basic");
    /* replay of a delivery signed 10 minutes ago, and one from the future */
    refused(&f, deliver_signed(&f, body, "20261122084000"), "X-Tarad-Timestamp");
    refused(&f, deliver_signed(&f, body, "20261122090000"), "X-Tarad-Timestamp");
    /* the host vouches for an operator's replay: no headers needed */
    assert_int_equal(deliver(&f, body, NULL, NULL, 1), SL_OK);
    assert_int_equal(json_array_size(f.ctx.orders), 1);
    free(body);
    finish(&f);
}

static void max_skew_is_configurable(void **s)
{
    (void)s;
    fake_fixture f;
    assert_int_equal(open_with(&f, json_pack("{s:s}", "max_skew", "15m")), SL_OK);
    char *body = golden_in("paid-basic");
    assert_int_equal(deliver_signed(&f, body, "20261122084000"), SL_OK);
    free(body);
    finish(&f);
    assert_int_equal(open_with(&f, json_pack("{s:s}", "max_skew", "2h")), SL_EINVALID);
    assert_string_equal(f.err.field, "max_skew");
    finish(&f);
    /* one grammar for every connector: a bare number has no unit */
    assert_int_equal(open_with(&f, json_pack("{s:s}", "max_skew", "300")), SL_EINVALID);
    assert_string_equal(f.err.field, "max_skew");
    finish(&f);
}

static void open_needs_the_user_token(void **s)
{
    (void)s;
    fake_fixture f;
    fake_ctx_init(&f.ctx);
    assert_int_equal(fake_open(&f, tarad_plugin()), SL_EINVALID);
    assert_string_equal(f.err.field, "user_token");
    finish(&f);
}

/* ---- names and bad input ------------------------------------------------ */

/* Maps a minimal verified push whose buyer is `name`. */
static void names_of(const char *name, const char *first, const char *last)
{
    fake_fixture f;
    assert_int_equal(open_with(&f, NULL), SL_OK);
    json_t *b = json_pack("{s:s, s:{s:s, s:s, s:s, s:{s:s}, s:[{s:s, s:i, s:i}], s:i}}", "event",
                          "order.paid", "order", "order_no", "1", "status", "paid", "updated_at",
                          "2026-11-22T15:00:00+07:00", "customer", "name", name, "items", "sku",
                          "A", "quantity", 1, "unit_price", 10, "total", 10);
    char *body = json_dumps(b, JSON_COMPACT);
    assert_int_equal(deliver(&f, body, NULL, NULL, 1), SL_OK);
    json_t *t = json_object_get(json_array_get(f.ctx.orders, 0), "text");
    const char *fn = json_string_value(json_object_get(t, "first_name"));
    const char *ln = json_string_value(json_object_get(t, "last_name"));
    assert_string_equal(fn ? fn : "", first);
    assert_string_equal(ln ? ln : "", last);
    assert_null(json_object_get(t, "company"));
    free(body);
    json_decref(b);
    finish(&f);
}

static void splits_buyer_names(void **s)
{
    (void)s;
    names_of("นาย สมชาย ใจดี", "สมชาย", "ใจดี");
    names_of("นางสาว  มาลี   ศรีสุข  ณ อยุธยา", "มาลี", "ศรีสุข ณ อยุธยา");
    names_of("Mr. John Smith", "John", "Smith");
    names_of("Somchai", "Somchai", "");
    names_of("Miss", "Miss", ""); /* a title alone is a name */
    names_of("   ", "", "");
}

/* Expects the verified push `body` refused with SL_EINVALID naming field. */
static void invalid(const char *body, const char *field)
{
    fake_fixture f;
    assert_int_equal(open_with(&f, NULL), SL_OK);
    assert_int_equal(deliver(&f, body, NULL, NULL, 1), SL_EINVALID);
    assert_string_equal(f.err.field, field);
    assert_int_equal(json_array_size(f.ctx.orders), 0);
    finish(&f);
}

static void refuses_bad_input_naming_the_field(void **s)
{
    (void)s;
    invalid("[1]", "body");
    invalid("{\"order\":{}}", "event");
    invalid("{\"event\":\"order.paid\"}", "order");
    invalid("{\"event\":\"order.paid\",\"order\":{\"status\":\"paid\"}}", "order_no");
    invalid("{\"event\":\"order.paid\",\"order\":{\"order_no\":\"1\",\"status\":\"paid\","
            "\"updated_at\":\"yesterday\"}}",
            "updated_at");
    invalid("{\"event\":\"order.cancelled\",\"order\":{\"order_no\":\"1\","
            "\"status\":\"paid\"}}",
            "status");
    invalid("{\"event\":\"order.paid\",\"order\":{\"order_no\":\"1\",\"status\":\"paid\","
            "\"updated_at\":\"2026-11-22T15:00:00+07:00\",\"total\":10,\"items\":"
            "[{\"sku\":\"A\",\"quantity\":0,\"unit_price\":10}]}}",
            "items[0].quantity");
    invalid("{\"event\":\"order.paid\",\"order\":{\"order_no\":\"1\",\"status\":\"paid\","
            "\"updated_at\":\"2026-11-22T15:00:00+07:00\",\"total\":10,\"items\":"
            "[{\"sku\":\"A\",\"quantity\":1,\"unit_price\":10,\"vat_rate\":107}]}}",
            "items[0].vat_rate");
    invalid("{\"event\":\"order.paid\",\"order\":{\"order_no\":\"1\",\"status\":\"paid\","
            "\"currency\":\"XXX\"}}",
            "currency");
}

static void ignores_other_events(void **s)
{
    (void)s;
    fake_fixture f;
    assert_int_equal(open_with(&f, NULL), SL_OK);
    assert_int_equal(deliver_signed(&f, "{\"event\":\"ping\"}", NOW_TS), SL_OK);
    assert_int_equal(json_array_size(f.ctx.orders), 0);
    finish(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(maps_paid_order),
        cmocka_unit_test(maps_prices_without_vat_and_discount),
        cmocka_unit_test(maps_cancelled_order),
        cmocka_unit_test(accepts_base64_and_hex_signatures),
        cmocka_unit_test(refuses_bad_missing_and_replayed_signatures),
        cmocka_unit_test(max_skew_is_configurable),
        cmocka_unit_test(open_needs_the_user_token),
        cmocka_unit_test(splits_buyer_names),
        cmocka_unit_test(refuses_bad_input_naming_the_field),
        cmocka_unit_test(ignores_other_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
