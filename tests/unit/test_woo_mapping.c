/*
 * WooCommerce order mapping through the real woocommerce.so: every recorded
 * order of both stores (fixtures/woocommerce/STORE/orders/ *.json) and every
 * recorded webhook delivery (STORE/webhooks/ *.jsonl, real headers and
 * signatures) is fed to parse_webhook and the orders the plugin builds are
 * compared with tests/golden/woo/. Regenerate after a deliberate change with
 * SL_GOLDEN_UPDATE=1 and review the diff. Also: money given as a JSON
 * number, refunds made positive, drafts skipped, malformed input named.
 */
#include "support.h"

#include <dirent.h>
#include <strings.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_host.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

/* The recorded fixtures. SL_SHARED_DIR is ../shared beside the source tree;
   a git worktree one level deeper finds it one level up, and the
   environment variable SL_SHARED_DIR wins over both. */
static const char *fixtures(void)
{
    static char dir[512];
    const char *cands[] = {getenv("SL_SHARED_DIR"), SL_SHARED_DIR, SL_SOURCE_DIR "/../../shared"};
    for (size_t i = 0; dir[0] == '\0' && i < 3; i++) {
        char probe[512];
        if (cands[i] == NULL)
            continue;
        snprintf(probe, sizeof probe, "%s/fixtures/woocommerce", cands[i]);
        DIR *d = opendir(probe);
        if (d != NULL) {
            closedir(d);
            snprintf(dir, sizeof dir, "%s", probe);
        }
    }
    assert_true(dir[0] != '\0');
    return dir;
}
#define FIXTURES fixtures()

/* Feeds one order body as a replayed (verified) order.updated delivery. */
static int feed(woo_fixture *f, const char *topic, const char *body, size_t len)
{
    return fake_deliver(f, json_pack("{s:s}", "X-WC-Webhook-Topic", topic), body, len, 1);
}

static void open_default(woo_fixture *f)
{
    woo_ctx_init(&f->ctx, "https://shop.example");
    assert_int_equal(woo_open(f), SL_OK);
}

static void finish(woo_fixture *f)
{
    woo_close(f);
    woo_ctx_free(&f->ctx);
}

static int is_json_name(const char *n, const char *ext)
{
    size_t a = strlen(n), b = strlen(ext);
    return a > b && strcmp(n + a - b, ext) == 0;
}

static void golden_orders_of(const char *store, int *count)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s/orders", FIXTURES, store);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_json_name(e->d_name, ".json"))
            continue;
        char path[1024], rel[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(rel, sizeof rel, "orders/%s-%s", store, e->d_name);
        size_t len = 0;
        char *body = slurp(path, &len);
        assert_non_null(body);
        woo_fixture f;
        open_default(&f);
        int rc = feed(&f, "order.updated", body, len);
        if (rc != SL_OK)
            fprintf(stderr, "%s: %s %s\n", path, f.err.field, f.err.message);
        assert_int_equal(rc, SL_OK);
        assert_int_equal(json_array_size(f.ctx.orders), 1);
        golden_check(rel, json_array_get(f.ctx.orders, 0));
        (*count)++;
        free(body);
        finish(&f);
    }
    closedir(d);
}

static void test_golden_orders(void **s)
{
    (void)s;
    int n = 0;
    golden_orders_of("wc79", &n);
    golden_orders_of("wc10", &n);
    assert_int_equal(n, 11); /* every recorded order was checked */
}

/* Builds the request of one recorded delivery (headers as received). */
static void delivery_request(json_t *rec, sl_request *req)
{
    req->headers = json_object_get(rec, "headers");
    req->body = json_string_value(json_object_get(rec, "body"));
    req->len = json_string_length(json_object_get(rec, "body"));
    req->verified = 0;
}

static void golden_webhooks_of(const char *store, int *count)
{
    static const char *const files[] = {"ping", "order-created", "order-updated",
                                        "product-updated"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512], rel[256], line[1 << 16];
        snprintf(path, sizeof path, "%s/%s/webhooks/%s.jsonl", FIXTURES, store, files[i]);
        snprintf(rel, sizeof rel, "webhooks/%s-%s.json", store, files[i]);
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        json_t *results = json_array();
        woo_fixture f;
        open_default(&f);
        for (int k = 0; k < 100 && fgets(line, sizeof line, fp) != NULL; k++) {
            json_t *rec = json_loads(line, 0, NULL);
            assert_non_null(rec);
            sl_request req;
            delivery_request(rec, &req);
            size_t before = json_array_size(f.ctx.orders);
            f.err = (sl_error){.size = sizeof f.err};
            int rc = f.p->parse_webhook(f.state, &f.ctx, &req, &f.err);
            fake_end_call(&f.ctx);
            /* the recorder verified these signatures independently */
            assert_int_equal(rc, SL_OK);
            json_t *got = json_array();
            for (size_t o = before; o < json_array_size(f.ctx.orders); o++)
                json_array_append(got, json_array_get(f.ctx.orders, o));
            if (strncmp(files[i], "order", 5) == 0)
                assert_int_equal(json_array_size(got), 1);
            else
                assert_int_equal(json_array_size(got), 0);
            json_array_append_new(results, got);
            json_decref(rec);
            (*count)++;
        }
        fclose(fp);
        golden_check(rel, results);
        json_decref(results);
        finish(&f);
    }
}

static void test_golden_webhooks(void **s)
{
    (void)s;
    int n = 0;
    golden_webhooks_of("wc79", &n);
    golden_webhooks_of("wc10", &n);
    assert_int_equal(n, 41);
}

static const char MINIMAL[] =
    "{\"id\":7,\"number\":\"7\",\"status\":\"%s\",\"currency\":\"USD\","
    "\"prices_include_tax\":true,\"date_modified_gmt\":\"2026-11-22T08:00:00\","
    "\"total\":\"25.00\",\"customer_id\":0,"
    "\"line_items\":[{\"id\":1,\"name\":\"A\",\"product_id\":3,"
    "\"variation_id\":0,\"quantity\":3,\"sku\":null,\"price\":%s,"
    "\"subtotal\":\"25.00\",\"total\":\"25.00\",\"total_tax\":\"0.00\","
    "\"taxes\":[]}],"
    "\"refunds\":[{\"id\":9,\"reason\":\"r\",\"total\":\"-74.00\"}]}";

static json_t *map_minimal(const char *status, const char *price, int *rc)
{
    char body[2048];
    snprintf(body, sizeof body, MINIMAL, status, price);
    woo_fixture f;
    open_default(&f);
    *rc = feed(&f, "order.created", body, strlen(body));
    json_t *o = json_incref(json_array_get(f.ctx.orders, 0));
    finish(&f);
    return o;
}

static const char *line_money(json_t *o, size_t line, const char *key)
{
    json_t *l = json_array_get(json_object_get(o, "lines"), line);
    return json_string_value(json_object_get(json_object_get(l, "money"), key));
}

/* The line price is a JSON number (float in PHP); it arrives as exact
   decimal text, rounded half-up to the currency's cents when longer. */
static void test_price_as_number(void **s)
{
    (void)s;
    const char *cases[][2] = {{"8.333333333", "8.33"}, {"19.99", "19.99"}, {"42", "42.00"},
                              {"0.07", "0.07"},        {"0.125", "0.13"},  {"\"17.49\"", "17.49"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc;
        json_t *o = map_minimal("processing", cases[i][0], &rc);
        assert_int_equal(rc, SL_OK);
        assert_string_equal(line_money(o, 0, "unit_price"), cases[i][1]);
        json_decref(o);
    }
}

static void test_refund_positive_and_flags(void **s)
{
    (void)s;
    int rc;
    json_t *o = map_minimal("refunded", "1", &rc);
    assert_int_equal(rc, SL_OK);
    json_t *refund = json_array_get(json_object_get(o, "lines"), 1);
    assert_string_equal(json_string_value(json_object_get(refund, "kind")), "refund");
    assert_string_equal(line_money(o, 1, "total"), "74.00");
    json_t *text = json_object_get(o, "text");
    assert_string_equal(json_string_value(json_object_get(text, "status_normalized")), "returned");
    assert_string_equal(json_string_value(json_object_get(text, "customer_id")), "0");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(o, "flag"), "prices_include_tax")), 1);
    /* null sku: nothing set, the host keeps "" */
    json_t *l0 = json_array_get(json_object_get(o, "lines"), 0);
    assert_null(json_object_get(json_object_get(l0, "text"), "sku"));
    json_decref(o);
}

static const char RESTOCKED[] =
    "{\"id\":8,\"number\":\"8\",\"status\":\"completed\",\"currency\":\"USD\","
    "\"date_modified_gmt\":\"2026-11-22T08:00:00\",\"total\":\"30.00\","
    "\"line_items\":[{\"id\":5,\"name\":\"A\",\"product_id\":3,\"quantity\":3,"
    "\"sku\":\"A\",\"price\":10,\"subtotal\":\"30.00\",\"total\":\"30.00\","
    "\"meta_data\":[{\"id\":1,\"key\":\"_reduced_stock\",\"value\":\"3\"},"
    "{\"id\":2,\"key\":\"_restock_refunded_items\",\"value\":%s}]}],"
    "\"refunds\":[{\"id\":9,\"reason\":\"\",\"total\":\"-10.00\"}]}";

static int map_restocked(const char *value, json_t **order, sl_error *err)
{
    char body[2048];
    snprintf(body, sizeof body, RESTOCKED, value);
    woo_fixture f;
    open_default(&f);
    int rc = feed(&f, "order.updated", body, strlen(body));
    *order = json_incref(json_array_get(f.ctx.orders, 0));
    *err = f.err;
    finish(&f);
    return rc;
}

/* _restock_refunded_items (string or number) becomes the line's restocked
   figure; anything else is refused naming the meta key of that line. */
static void test_restocked_from_line_meta(void **s)
{
    (void)s;
    sl_error err;
    json_t *o = NULL;
    assert_int_equal(map_restocked("\"1\"", &o, &err), SL_OK);
    json_t *l0 = json_array_get(json_object_get(o, "lines"), 0);
    assert_string_equal(json_string_value(json_object_get(l0, "restocked")), "1");
    json_decref(o);
    assert_int_equal(map_restocked("2", &o, &err), SL_OK);
    l0 = json_array_get(json_object_get(o, "lines"), 0);
    assert_string_equal(json_string_value(json_object_get(l0, "restocked")), "2");
    json_decref(o);
    assert_int_equal(map_restocked("\"some\"", &o, &err), SL_EINVALID);
    assert_string_equal(err.field, "line_items[0].meta_data._restock_refunded_items");
    json_decref(o);
}

static void test_status_table(void **s)
{
    (void)s;
    const char *m[][2] = {
        {"pending", "awaiting_confirmation"}, {"on-hold", "awaiting_confirmation"},
        {"processing", "confirmed"},          {"completed", "delivered"},
        {"cancelled", "cancelled"},           {"refunded", "returned"},
        {"failed", "not_confirmed"}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        int rc;
        json_t *o = map_minimal(m[i][0], "1", &rc);
        assert_int_equal(rc, SL_OK);
        json_t *text = json_object_get(o, "text");
        assert_string_equal(json_string_value(json_object_get(text, "status")), m[i][0]);
        assert_string_equal(json_string_value(json_object_get(text, "status_normalized")), m[i][1]);
        json_decref(o);
    }
}

static void test_checkout_draft_skipped(void **s)
{
    (void)s;
    int rc;
    json_t *o = map_minimal("checkout-draft", "1", &rc);
    assert_int_equal(rc, SL_OK);
    assert_null(o);
}

static void expect_invalid(const char *body, const char *field)
{
    woo_fixture f;
    open_default(&f);
    int rc = feed(&f, "order.updated", body, strlen(body));
    assert_int_equal(rc, SL_EINVALID);
    assert_string_equal(f.err.field, field);
    assert_int_equal(json_array_size(f.ctx.orders), 0);
    finish(&f);
}

static void test_malformed_named(void **s)
{
    (void)s;
    expect_invalid("{\"id\":1,", "body");
    expect_invalid("[1,2]", "body");
    expect_invalid("{\"id\":1,\"status\":\"processing\",\"currency\":\"USD\"}",
                   "date_modified_gmt");
    expect_invalid("{\"id\":1,\"status\":\"processing\",\"currency\":\"USD\","
                   "\"date_modified_gmt\":\"yesterday\"}",
                   "date_modified_gmt");
    expect_invalid("{\"id\":1,\"status\":\"processing\",\"currency\":\"USD\","
                   "\"date_modified_gmt\":\"2026-11-22T08:00:00\","
                   "\"line_items\":[{\"id\":1,\"quantity\":1,"
                   "\"total\":\"12,50\"}]}",
                   "line_items[0].total");
    expect_invalid("{\"id\":1,\"status\":\"processing\"}", "currency");
}

static void test_deleted_order(void **s)
{
    (void)s;
    woo_fixture f;
    open_default(&f);
    assert_int_equal(feed(&f, "order.deleted", "{\"id\":5012}", 11), SL_OK);
    assert_int_equal(json_array_size(f.ctx.orders), 1);
    json_t *o = json_array_get(f.ctx.orders, 0);
    json_t *text = json_object_get(o, "text");
    assert_string_equal(json_string_value(json_object_get(text, "external_id")), "5012");
    assert_string_equal(json_string_value(json_object_get(text, "status")), "deleted");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "flag"), "deleted")), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "time"), "modified")),
                        "2026-11-22T08:50:00Z");
    finish(&f);
}

/* ---- refunded lines from GET /orders/{id}/refunds --------------------- */

/* Order 70: 3 x LAMP 10.00 + 21 % (6.30), shipping 5.00 + 1.05; refund 71
   of 15.13 = 1 lamp (10.00 + 2.10) and half the shipping (2.50 + 0.53). */
static const char REFUNDED_ORDER[] =
    "[{\"id\":70,\"number\":\"70\",\"status\":\"completed\",\"currency\":\"EUR\","
    "\"date_modified_gmt\":\"2026-11-22T08:00:00\",\"total\":\"42.35\","
    "\"total_tax\":\"7.35\",\"line_items\":[{\"id\":5,\"name\":\"Lamp\","
    "\"product_id\":3,\"quantity\":3,\"sku\":\"LAMP\",\"price\":10,"
    "\"subtotal\":\"30.00\",\"total\":\"30.00\",\"total_tax\":\"6.30\","
    "\"taxes\":[{\"id\":1,\"total\":\"6.3\"}]}],\"shipping_lines\":[{\"id\":6,"
    "\"method_title\":\"Flat rate\",\"method_id\":\"flat_rate\",\"total\":\"5.00\","
    "\"total_tax\":\"1.05\",\"taxes\":[{\"id\":1,\"total\":\"1.05\"}]}],"
    "\"tax_lines\":[{\"rate_id\":1,\"tax_total\":\"6.30\",\"shipping_tax_total\":"
    "\"1.05\",\"rate_percent\":21}],"
    "\"refunds\":[{\"id\":71,\"reason\":\"broken\",\"total\":\"-15.13\"}]}]";

/* The refunds answer: 71 as above, and 99, made after the order body was
   read (the order does not list it yet). %s is the lamp's quantity. */
static const char REFUNDS_ANSWER[] =
    "[{\"id\":71,\"amount\":\"15.13\",\"reason\":\"broken\",\"line_items\":[{"
    "\"id\":80,\"name\":\"Lamp\",\"product_id\":3,\"variation_id\":0,"
    "\"quantity\":%s,\"sku\":\"LAMP\",\"tax_class\":\"\",\"subtotal\":\"-10.00\","
    "\"total\":\"-10.00\",\"total_tax\":\"-2.10\",\"taxes\":[{\"id\":1,"
    "\"total\":\"-2.1\",\"subtotal\":\"-2.1\"}],\"meta_data\":[{\"id\":9,"
    "\"key\":\"_refunded_item_id\",\"value\":\"5\"}]}],\"shipping_lines\":[{"
    "\"id\":81,\"method_title\":\"Flat rate\",\"method_id\":\"flat_rate\","
    "\"total\":\"-2.50\",\"total_tax\":\"-0.53\",\"taxes\":[{\"id\":1,"
    "\"total\":\"-0.525\"}]}],\"fee_lines\":[]},"
    "{\"id\":99,\"amount\":\"12.10\",\"line_items\":[{\"id\":90,\"name\":\"Lamp\","
    "\"quantity\":-1,\"sku\":\"LAMP\",\"total\":\"-10.00\",\"total_tax\":\"-2.10\"}]}]";

static const char *g_lamp_qty = "-1";

static int route_refunded(sl_ctx *c, const json_t *req, fake_resp *out)
{
    (void)c;
    const char *path = fake_route(req);
    char body[4096];
    if (strcmp(path, "/orders") == 0)
        snprintf(body, sizeof body, "%s", REFUNDED_ORDER);
    else if (strcmp(path, "/orders/70/refunds") == 0)
        snprintf(body, sizeof body, REFUNDS_ANSWER, g_lamp_qty);
    else
        return 1;
    out->status = 200;
    out->body = strdup(body);
    return 0;
}

static int poll_refunded(const char *lamp_qty, json_t **order, woo_fixture *f)
{
    g_lamp_qty = lamp_qty;
    woo_ctx_init(&f->ctx, "https://shop.example");
    f->ctx.route = route_refunded;
    assert_int_equal(woo_open(f), SL_OK);
    int rc = f->p->fetch_orders(f->state, &f->ctx, NULL, &f->err);
    *order = json_incref(json_array_get(f->ctx.orders, 0));
    return rc;
}

static const char *line_text(const json_t *o, size_t i, const char *key)
{
    json_t *l = json_array_get(json_object_get(o, "lines"), i);
    return json_string_value(json_object_get(json_object_get(l, "text"), key));
}

static const char *line_tax(const json_t *o, size_t i, size_t k, size_t part)
{
    json_t *l = json_array_get(json_object_get(o, "lines"), i);
    json_t *t = json_array_get(json_object_get(l, "taxes"), k);
    return json_string_value(json_array_get(t, part));
}

/* A polled order that lists refund 71 reads its lines: the lamp and half
   the shipping, positive, each naming refund 71; refund 99, which the
   order does not list yet, adds nothing; no flag. */
static void test_poll_reads_refund_lines(void **s)
{
    (void)s;
    woo_fixture f;
    json_t *o = NULL;
    assert_int_equal(poll_refunded("-1", &o, &f), SL_OK);
    json_t *req = json_array_get(f.ctx.requests, 1);
    assert_string_equal(fake_route(req), "/orders/70/refunds");
    assert_string_equal(fake_query(req, "per_page"), "100");
    json_t *lines = json_object_get(o, "lines");
    assert_int_equal(json_array_size(lines), 5); /* lamp, shipping, refund, 2 parts */
    assert_null(json_object_get(json_object_get(o, "flag"), "refund_lines_missing"));
    assert_string_equal(line_text(o, 3, "refund_id"), "71");
    assert_string_equal(line_text(o, 3, "external_id"), "80");
    assert_string_equal(line_text(o, 3, "sku"), "LAMP");
    assert_string_equal(line_text(o, 3, "tax_class"), "standard");
    assert_string_equal(line_text(o, 3, "tax_rate_id"), "1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(lines, 3), "quantity")),
                        "1");
    assert_string_equal(line_money(o, 3, "total"), "10.00");
    assert_string_equal(line_money(o, 3, "subtotal"), "10.00");
    assert_string_equal(line_money(o, 3, "total_tax"), "2.10");
    assert_string_equal(line_money(o, 3, "tax_percent"), "21");
    assert_string_equal(line_tax(o, 3, 0, 0), "1");
    assert_string_equal(line_tax(o, 3, 0, 1), "2.1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(lines, 4), "kind")),
                        "shipping");
    assert_string_equal(line_text(o, 4, "refund_id"), "71");
    assert_string_equal(line_text(o, 4, "method_id"), "flat_rate");
    assert_string_equal(line_money(o, 4, "total"), "2.50");
    assert_string_equal(line_money(o, 4, "total_tax"), "0.53");
    assert_string_equal(line_tax(o, 4, 0, 1), "0.525");
    /* the sale's own lines carry no refund id */
    assert_null(line_text(o, 0, "refund_id"));
    json_decref(o);
    finish(&f);
}

/* A refund's line figures are negative in WooCommerce: a positive one is
   refused naming the field, and nothing is submitted. */
static void test_refund_line_sign_checked(void **s)
{
    (void)s;
    woo_fixture f;
    json_t *o = NULL;
    assert_int_equal(poll_refunded("1", &o, &f), SL_EINVALID);
    assert_string_equal(f.err.field, "refunds[0].line_items[0].quantity");
    assert_null(o);
    finish(&f);
}

/* The webhook body has only refunds[] amounts and cannot call the shop:
   the order says its refund lines were not read. */
static void test_webhook_flags_refund_lines(void **s)
{
    (void)s;
    woo_fixture f;
    open_default(&f);
    const char *body = REFUNDED_ORDER + 1; /* the object inside the array */
    assert_int_equal(feed(&f, "order.updated", body, strlen(body) - 1), SL_OK);
    json_t *o = json_array_get(f.ctx.orders, 0);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(o, "flag"), "refund_lines_missing")), 1);
    assert_int_equal(json_array_size(json_object_get(o, "lines")), 3);
    assert_int_equal(json_array_size(f.ctx.requests), 0);
    finish(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_orders),
        cmocka_unit_test(test_golden_webhooks),
        cmocka_unit_test(test_price_as_number),
        cmocka_unit_test(test_refund_positive_and_flags),
        cmocka_unit_test(test_restocked_from_line_meta),
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_checkout_draft_skipped),
        cmocka_unit_test(test_malformed_named),
        cmocka_unit_test(test_deleted_order),
        cmocka_unit_test(test_poll_reads_refund_lines),
        cmocka_unit_test(test_refund_line_sign_checked),
        cmocka_unit_test(test_webhook_flags_refund_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
