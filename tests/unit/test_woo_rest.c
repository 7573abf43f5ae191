/*
 * WooCommerce connector REST paths through the real woocommerce.so: polling
 * with paging and cursor commits (recorded order pages of the 10.0.2 store),
 * stock and price push (recorded SKU lookups, alone and as one sku list,
 * batch answers with per-item errors and drift, test mode), lists, notes
 * back, and the mapping of HTTP errors (recorded 401/404 bodies, 429 with
 * Retry-After, an HTML 500).
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

static const char *api_dir(void)
{
    static char dir[512];
    const char *cands[] = {getenv("SL_SHARED_DIR"), SL_SHARED_DIR, SL_SOURCE_DIR "/../../shared"};
    for (size_t i = 0; dir[0] == '\0' && i < 3; i++) {
        char probe[512];
        if (cands[i] == NULL)
            continue;
        snprintf(probe, sizeof probe, "%s/fixtures/woocommerce/wc10/api", cands[i]);
        DIR *d = opendir(probe);
        if (d != NULL) {
            closedir(d);
            snprintf(dir, sizeof dir, "%s", probe);
        }
    }
    assert_true(dir[0] != '\0');
    return dir;
}

/* A recorded answer: <name>.json body and the status and headers of
   <name>.headers.txt (the part after "# response"). */
static void recorded(const char *name, fake_resp *out)
{
    char path[1024], line[2048];
    snprintf(path, sizeof path, "%s/%s.json", api_dir(), name);
    out->body = slurp(path, NULL);
    assert_non_null(out->body);
    snprintf(path, sizeof path, "%s/%s.headers.txt", api_dir(), name);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    out->headers = json_object();
    int in_resp = 0;
    while (fgets(line, sizeof line, fp) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "# response", 10) == 0) {
            in_resp = 1;
        } else if (in_resp && strncmp(line, "HTTP/", 5) == 0) {
            out->status = (int)strtol(strchr(line, ' ') + 1, NULL, 10);
        } else if (in_resp && line[0] != '#' && strchr(line, ':')) {
            char *colon = strchr(line, ':');
            *colon = '\0';
            json_object_set_new(out->headers, line, json_string(colon + 2));
        }
    }
    fclose(fp);
}

static int is(const json_t *req, const char *method, const char *path)
{
    return strcmp(json_string_value(json_object_get(req, "method")), method) == 0 &&
           strcmp(fake_route(req), path) == 0;
}

static void setup(woo_fixture *f, fake_route_fn route)
{
    woo_ctx_init(&f->ctx, "https://127.0.0.1:8444");
    f->ctx.route = route;
}

static void teardown_f(woo_fixture *f)
{
    woo_close(f);
    woo_ctx_free(&f->ctx);
}

/* ---- polling ------------------------------------------------------------- */

static int route_orders(sl_ctx *c, const json_t *req, fake_resp *out)
{
    (void)c;
    if (!is(req, "GET", "/orders"))
        return 1;
    const char *page = fake_query(req, "page");
    if (strcmp(page, "1") == 0)
        recorded("orders-list-per_page-5-page-1", out);
    else if (strcmp(page, "2") == 0)
        recorded("orders-list-per_page-5-page-2", out);
    else
        recorded("orders-list-per_page-5-page-12-beyond-last", out);
    /* pretend the store holds exactly these two pages */
    json_object_set_new(out->headers, "X-WP-TotalPages",
                        json_string(strcmp(page, "1") == 0 || strcmp(page, "2") == 0 ? "2" : "0"));
    return 0;
}

static void test_fetch_pages_and_cursor(void **s)
{
    (void)s;
    woo_fixture f;
    setup(&f, route_orders);
    assert_int_equal(woo_open(&f), SL_OK);
    int rc = f.p->fetch_orders(f.state, &f.ctx, "2026-11-22T08:40:00", &f.err);
    fake_end_call(&f.ctx);
    assert_int_equal(rc, SL_OK);
    assert_int_equal(json_array_size(f.ctx.requests), 2);
    json_t *r1 = json_array_get(f.ctx.requests, 0);
    assert_string_equal(fake_query(r1, "modified_after"), "2026-11-22T08:35:00");
    assert_string_equal(fake_query(r1, "dates_are_gmt"), "true");
    assert_string_equal(fake_query(r1, "status"), "any");
    assert_string_equal(fake_query(r1, "per_page"), "100");
    assert_string_equal(fake_query(r1, "orderby"), "id");
    assert_string_equal(fake_query(r1, "order"), "asc");
    /* 10 orders, one checkout-draft skipped */
    assert_int_equal(json_array_size(f.ctx.orders), 9);
    /* page 1 commits its orders with the starting cursor; the last page
       moves it to the newest modification seen */
    assert_int_equal(json_array_size(f.ctx.cursors), 2);
    assert_string_equal(json_string_value(json_array_get(f.ctx.cursors, 0)), "2026-11-22T08:40:00");
    assert_string_equal(json_string_value(json_array_get(f.ctx.cursors, 1)), "2026-11-22T08:51:54");
    teardown_f(&f);
}

static void test_fetch_from_start_and_bad_cursor(void **s)
{
    (void)s;
    woo_fixture f;
    setup(&f, route_orders);
    json_object_set_new(f.ctx.config, "per_page", json_string("5"));
    assert_int_equal(woo_open(&f), SL_OK);
    assert_int_equal(f.p->fetch_orders(f.state, &f.ctx, NULL, &f.err), SL_OK);
    fake_end_call(&f.ctx);
    json_t *r1 = json_array_get(f.ctx.requests, 0);
    assert_null(fake_query(r1, "modified_after"));
    assert_string_equal(fake_query(r1, "per_page"), "5");
    assert_int_equal(f.p->fetch_orders(f.state, &f.ctx, "last tuesday", &f.err), SL_EINVALID);
    fake_end_call(&f.ctx);
    assert_string_equal(f.err.field, "cursor");
    teardown_f(&f);
}

/* ---- errors -------------------------------------------------------------- */

static int route_errors(sl_ctx *c, const json_t *req, fake_resp *out)
{
    const char *which = c->route_data;
    (void)req;
    if (strcmp(which, "401") == 0) {
        recorded("error-401-bad-secret", out);
    } else if (strcmp(which, "404") == 0) {
        recorded("error-404-unknown-order", out);
    } else if (strcmp(which, "429") == 0) {
        out->status = 429;
        out->headers = json_pack("{s:s}", "Retry-After", "30");
        out->body = strdup("slow down");
    } else if (strcmp(which, "empty-200") == 0) {
        out->status = 200; /* a cache answering for the store with nothing */
        out->body = strdup("");
    } else {
        out->status = 500;
        out->body = strdup("<html><b>Fatal error</b>: Uncaught Error</html>");
    }
    return 0;
}

static void expect_error(const char *which, int code, int http, int64_t retry, const char *msg_part)
{
    woo_fixture f;
    setup(&f, route_errors);
    f.ctx.route_data = (void *)which;
    assert_int_equal(woo_open(&f), SL_OK);
    assert_int_equal(f.p->check_connection(f.state, &f.ctx, &f.err), code);
    fake_end_call(&f.ctx);
    assert_int_equal(f.err.http_status, http);
    assert_int_equal(f.err.retry_after_ms, retry);
    assert_non_null(strstr(f.err.message, msg_part));
    teardown_f(&f);
}

static void test_http_errors(void **s)
{
    (void)s;
    expect_error("401", SL_EAUTH, 401, 0, "Consumer secret is invalid.");
    expect_error("404", SL_EREMOTE, 404, 0, "woocommerce_rest_shop_order_invalid_id: Invalid ID.");
    expect_error("429", SL_ERETRY, 429, 30000, "HTTP 429");
    expect_error("500", SL_ERETRY, 500, 0, "not a JSON error body");
    expect_error("empty-200", SL_ERETRY, 200, 0,
                 "GET /orders: HTTP 200 but the answer is not JSON (empty body)");
}

/* ---- push ---------------------------------------------------------------- */

/* Batch answer: echoes each update; id 12's stock comes back as 185 (drift
   in the "drift" scenario); id 999 fails. */
static json_t *batch_answer(sl_ctx *c, const json_t *req)
{
    json_t *body = json_loads(json_string_value(json_object_get(req, "body")), 0, NULL);
    json_t *ans = json_array(), *it;
    size_t i;
    json_array_foreach(json_object_get(body, "update"), i, it)
    {
        json_t *copy = json_deep_copy(it);
        json_int_t id = json_integer_value(json_object_get(it, "id"));
        if (id == 18)
            json_object_set_new(
                copy, "error",
                json_pack("{s:s,s:s}", "code", "woocommerce_rest_invalid", "message", "Nope."));
        if (id == 12 && c->route_data != NULL && json_object_get(copy, "stock_quantity"))
            json_object_set_new(copy, "stock_quantity", json_integer(185));
        json_array_append_new(ans, copy);
    }
    json_decref(body);
    return json_pack("{s:o}", "update", ans);
}

/* The answer of GET /products?sku=X for one SKU. */
static void sku_answer(const char *sku, fake_resp *out)
{
    if (strcmp(sku, "TSHIRT-BASIC") == 0)
        recorded("products-by-sku-simple", out);
    else if (strcmp(sku, "HOODIE-M-RED") == 0)
        recorded("products-by-sku-variation", out);
    else if (strcmp(sku, "UNMANAGED") == 0) {
        out->status = 200;
        out->body = strdup("[{\"id\":40,\"sku\":\"UNMANAGED\",\"type\":"
                           "\"simple\",\"manage_stock\":false,"
                           "\"stock_quantity\":null,\"regular_price\":\"1\"}]");
    } else
        recorded("products-by-sku-unknown", out);
}

/* A sku=A,B,... list: the recorded answers of each SKU, as one page. */
static void sku_list_answer(const char *list, fake_resp *out)
{
    char buf[512];
    json_t *all = json_array();
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        fake_resp one = {0};
        sku_answer(t, &one);
        json_t *arr = json_loads(one.body, 0, NULL);
        json_array_extend(all, arr);
        json_decref(arr);
        json_decref(one.headers);
        free(one.body);
    }
    out->status = 200;
    out->headers = json_pack("{s:s}", "X-WP-TotalPages", "1");
    out->body = json_dumps(all, JSON_COMPACT);
    json_decref(all);
}

static int route_products(sl_ctx *c, const json_t *req, fake_resp *out)
{
    if (is(req, "GET", "/products")) {
        const char *sku = fake_query(req, "sku");
        if (strchr(sku, ',') != NULL)
            sku_list_answer(sku, out);
        else
            sku_answer(sku, out);
        return 0;
    }
    if (is(req, "POST", "/products/batch") || is(req, "POST", "/products/15/variations/batch")) {
        json_t *a = batch_answer(c, req);
        out->status = 200;
        out->body = json_dumps(a, JSON_COMPACT);
        json_decref(a);
        return 0;
    }
    return 1;
}

static json_t *reports_of(woo_fixture *f, const char *const items[][3], size_t n, int prices)
{
    sl_stock_list list = {.items = json_array(), .currency = "USD"};
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list.items,
                              json_pack("[s,s,s?]", items[i][0], items[i][1], items[i][2]));
    int rc = prices ? f->p->push_prices(f->state, &f->ctx, &list, &f->err)
                    : f->p->push_stock(f->state, &f->ctx, &list, &f->err);
    fake_end_call(&f->ctx);
    assert_int_equal(rc, SL_OK);
    json_decref(list.items);
    return f->ctx.reports;
}

/* Outcome of the last report for sku ("none" when not reported). */
static const char *outcome(json_t *reports, const char *sku)
{
    size_t i;
    json_t *r;
    const char *last = "none";
    json_array_foreach(reports, i, r)
    {
        if (strcmp(json_string_value(json_array_get(r, 0)), sku) == 0)
            last = json_string_value(json_array_get(r, 1));
    }
    return last;
}

static const char *const STOCK[][3] = {{"TSHIRT-BASIC", "190", NULL},
                                       {"HOODIE-M-RED", "12", NULL},
                                       {"UNKNOWN-1", "1", NULL},
                                       {"UNMANAGED", "5", NULL},
                                       {"TSHIRT-BASIC", "191", NULL}};

static void test_push_stock(void **s)
{
    (void)s;
    woo_fixture f;
    setup(&f, route_products);
    assert_int_equal(woo_open(&f), SL_OK);
    json_t *rep = reports_of(&f, STOCK, 5, 0);
    assert_string_equal(outcome(rep, "TSHIRT-BASIC"), "written");
    assert_string_equal(outcome(rep, "HOODIE-M-RED"), "unchanged");
    assert_string_equal(outcome(rep, "UNKNOWN-1"), "not_found");
    assert_string_equal(outcome(rep, "UNMANAGED"), "skipped");
    assert_int_equal(json_array_size(rep), 5);
    /* the repeated SKU is pushed once: its second entry is skipped */
    json_t *dup = json_array_get(rep, 3);
    assert_string_equal(json_string_value(json_array_get(dup, 0)), "TSHIRT-BASIC");
    assert_string_equal(json_string_value(json_array_get(dup, 1)), "skipped");
    /* four distinct SKUs: found in one sku list, TSHIRT-BASIC once */
    size_t gets = 0, posts = 0, i;
    json_t *r;
    json_array_foreach(f.ctx.requests, i, r)
    {
        if (is(r, "GET", "/products")) {
            gets++;
            assert_string_equal(fake_query(r, "sku"),
                                "TSHIRT-BASIC,HOODIE-M-RED,UNKNOWN-1,UNMANAGED");
            assert_string_equal(fake_query(r, "per_page"), "100");
        }
        if (is(r, "POST", "/products/batch")) {
            posts++;
            assert_string_equal(json_string_value(json_object_get(r, "body")),
                                "{\"update\":[{\"id\":12,\"stock_quantity\":190}]}");
        }
    }
    assert_int_equal(gets, 1);
    assert_int_equal(posts, 1);
    teardown_f(&f);
}

static void test_push_stock_drift_and_test_mode(void **s)
{
    (void)s;
    woo_fixture f;
    setup(&f, route_products);
    f.ctx.route_data = "drift";
    assert_int_equal(woo_open(&f), SL_OK);
    json_t *rep = reports_of(&f, STOCK, 1, 0);
    assert_string_equal(outcome(rep, "TSHIRT-BASIC"), "drift");
    teardown_f(&f);

    setup(&f, route_products);
    json_object_set_new(f.ctx.config, "test_mode", json_string("yes"));
    assert_int_equal(woo_open(&f), SL_OK);
    rep = reports_of(&f, STOCK, 2, 0);
    assert_string_equal(outcome(rep, "TSHIRT-BASIC"), "would_write");
    assert_string_equal(outcome(rep, "HOODIE-M-RED"), "unchanged");
    size_t i;
    json_t *r;
    json_array_foreach(f.ctx.requests, i, r)
        assert_string_equal(json_string_value(json_object_get(r, "method")), "GET");
    teardown_f(&f);
}

static void test_push_prices(void **s)
{
    (void)s;
    static const char *const PRICES[][3] = {{"TSHIRT-BASIC", "0", "19.99"},
                                            {"HOODIE-M-RED", "0", "41.5"}};
    woo_fixture f;
    setup(&f, route_products);
    assert_int_equal(woo_open(&f), SL_OK);
    json_t *rep = reports_of(&f, PRICES, 2, 1);
    assert_string_equal(outcome(rep, "TSHIRT-BASIC"), "unchanged");
    /* the variation batch answered an item error */
    assert_string_equal(outcome(rep, "HOODIE-M-RED"), "failed");
    json_t *last = json_array_get(f.ctx.requests, json_array_size(f.ctx.requests) - 1);
    assert_true(is(last, "POST", "/products/15/variations/batch"));
    assert_string_equal(json_string_value(json_object_get(last, "body")),
                        "{\"update\":[{\"id\":18,\"regular_price\":\"41.50\"}]}");
    teardown_f(&f);
}

/* ---- lists and notes ----------------------------------------------------- */

static int route_lists(sl_ctx *c, const json_t *req, fake_resp *out)
{
    (void)c;
    if (is(req, "GET", "/taxes"))
        recorded("taxes", out);
    else if (is(req, "GET", "/taxes/classes"))
        recorded("taxes-classes", out);
    else if (is(req, "GET", "/payment_gateways"))
        recorded("payment-gateways", out);
    else if (is(req, "GET", "/shipping_methods"))
        recorded("shipping-methods", out);
    else if (is(req, "GET", "/shipping/zones")) {
        out->status = 200;
        out->body = strdup("[{\"id\":0,\"name\":\"Locations not covered by your other "
                           "zones\",\"order\":0},{\"id\":1,\"name\":\"California\",\"order\":0}]");
    } else if (is(req, "GET", "/shipping/zones/0/methods")) {
        out->status = 200;
        out->body = strdup("[]");
    } else if (is(req, "GET", "/shipping/zones/1/methods")) {
        /* an empty settings object comes as [] (PHP's empty array) */
        out->status = 200;
        out->body = strdup(
            "[{\"id\":1,\"instance_id\":1,\"title\":\"Flat rate\",\"order\":1,"
            "\"enabled\":true,\"method_id\":\"flat_rate\",\"method_title\":\"Flat rate\","
            "\"settings\":{\"cost\":{\"id\":\"cost\",\"type\":\"text\",\"value\":\"5.00\"}}},"
            "{\"id\":2,\"instance_id\":2,\"title\":\"Pickup\",\"order\":2,"
            "\"enabled\":false,\"method_id\":\"local_pickup\",\"method_title\":\"Local "
            "pickup\",\"settings\":[]}]");
    } else if (is(req, "POST", "/orders/163/notes") || is(req, "PUT", "/orders/163")) {
        out->status = 201;
        out->body = strdup("{\"id\":311}");
    } else
        return 1;
    return 0;
}

static void test_lists(void **s)
{
    (void)s;
    woo_fixture f;
    setup(&f, route_lists);
    assert_int_equal(woo_open(&f), SL_OK);
    assert_int_equal(f.p->list_taxes(f.state, &f.ctx, &f.err), SL_OK);
    assert_int_equal(f.p->list_payment_methods(f.state, &f.ctx, &f.err), SL_OK);
    assert_int_equal(f.p->list_shipping_methods(f.state, &f.ctx, &f.err), SL_OK);
    fake_end_call(&f.ctx);
    /* 6 rates + 4 classes + 3 gateways + 4 shipping methods + 2 zone methods */
    assert_int_equal(json_array_size(f.ctx.lists), 19);
    json_t *zm = json_array_get(f.ctx.lists, 17);
    assert_int_equal(json_integer_value(json_array_get(zm, 0)), SL_LIST_SHIPPING_METHOD);
    assert_string_equal(json_string_value(json_array_get(zm, 1)), "flat_rate:1");
    assert_string_equal(json_string_value(json_array_get(zm, 3)),
                        "zone=\"California\" cost=5.00 enabled");
    zm = json_array_get(f.ctx.lists, 18);
    assert_string_equal(json_string_value(json_array_get(zm, 3)),
                        "zone=\"California\" cost=- disabled");
    json_t *first = json_array_get(f.ctx.lists, 0);
    assert_int_equal(json_integer_value(json_array_get(first, 0)), SL_LIST_TAX_RATE);
    assert_string_equal(json_string_value(json_array_get(first, 1)), "2");
    assert_string_equal(json_string_value(json_array_get(first, 2)), "NYC Tax");
    assert_non_null(strstr(json_string_value(json_array_get(first, 3)), "rate=8.8750"));
    json_t *gw = json_array_get(f.ctx.lists, 10);
    assert_int_equal(json_integer_value(json_array_get(gw, 0)), SL_LIST_PAYMENT_METHOD);
    assert_string_equal(json_string_value(json_array_get(gw, 1)), "bacs");
    teardown_f(&f);
}

/* An order's notes as the store keeps them, and how the next POST goes. */
enum note_fault { NOTE_OK, NOTE_STORE_THEN_504, NOTE_HTML_200 };
typedef struct note_shop {
    json_t *notes; /* what GET /orders/163/notes answers */
    int fault;     /* for the next POST, then NOTE_OK */
} note_shop;

static int route_notes(sl_ctx *c, const json_t *req, fake_resp *out)
{
    note_shop *shop = c->route_data;
    if (is(req, "GET", "/orders/163/notes")) {
        out->status = 200;
        out->body = json_dumps(shop->notes, JSON_COMPACT);
    } else if (is(req, "POST", "/orders/163/notes")) {
        int fault = shop->fault;
        shop->fault = NOTE_OK;
        if (fault == NOTE_HTML_200) { /* a proxy's page; the store saw nothing */
            out->status = 200;
            out->body = strdup("<html><body>Please wait...</body></html>");
            return 0;
        }
        json_t *body = json_loads(json_string_value(json_object_get(req, "body")), 0, NULL);
        json_array_append_new(
            shop->notes, json_pack("{s:i, s:O}", "id", 311, "note", json_object_get(body, "note")));
        json_decref(body);
        out->status = fault == NOTE_STORE_THEN_504 ? 504 : 201;
        out->body =
            strdup(fault == NOTE_STORE_THEN_504 ? "<html>Gateway Timeout</html>" : "{\"id\":311}");
    } else if (is(req, "PUT", "/orders/163")) {
        out->status = 200;
        out->body = strdup("{\"id\":163,\"status\":\"completed\"}");
    } else {
        return 1;
    }
    return 0;
}

static void notes_setup(woo_fixture *f, note_shop *shop, const char *url)
{
    shop->notes = json_array();
    shop->fault = NOTE_OK;
    woo_ctx_init(&f->ctx, url);
    f->ctx.route = route_notes;
    f->ctx.route_data = shop;
    assert_int_equal(woo_open(f), SL_OK);
}

static const char *req_body(woo_fixture *f, size_t i)
{
    return json_string_value(json_object_get(json_array_get(f->ctx.requests, i), "body"));
}

static void test_report_status(void **s)
{
    (void)s;
    woo_fixture f;
    note_shop shop;
    notes_setup(&f, &shop, "https://127.0.0.1:8444");
    assert_int_equal(f.p->report_status(f.state, &f.ctx, "163", "Synced to ledger doc \"INV-88\"",
                                        "completed", "k1", &f.err),
                     SL_OK);
    fake_end_call(&f.ctx);
    /* The order's notes are read first: none carries the marker. */
    json_t *list = json_array_get(f.ctx.requests, 0);
    assert_true(is(list, "GET", "/orders/163/notes"));
    assert_string_equal(fake_query(list, "type"), "internal");
    json_t *note = json_array_get(f.ctx.requests, 1);
    assert_true(is(note, "POST", "/orders/163/notes"));
    /* sha256("k1") begins 6ab9f1eb8f7d (python3 hashlib). */
    assert_string_equal(req_body(&f, 1),
                        "{\"note\":\"Synced to ledger doc \\\"INV-88\\\" [sl:6ab9f1eb8f7d]\","
                        "\"customer_note\":false}");
    json_t *put = json_array_get(f.ctx.requests, 2);
    assert_true(is(put, "PUT", "/orders/163"));
    assert_string_equal(req_body(&f, 2), "{\"status\":\"completed\"}");
    /* a path-changing id is refused before any request */
    assert_int_equal(f.p->report_status(f.state, &f.ctx, "163/../1", "x", NULL, "k2", &f.err),
                     SL_EINVALID);
    fake_end_call(&f.ctx);
    assert_string_equal(f.err.field, "external_id");
    assert_int_equal(json_array_size(f.ctx.requests), 3);
    json_decref(shop.notes);
    teardown_f(&f);
}

/* A proxy forwarded the POST and answered 504: the retry finds the note by
   its marker and does not write it again; each request signed afresh. */
static void test_note_retry_after_504_writes_once(void **s)
{
    (void)s;
    woo_fixture f;
    note_shop shop;
    notes_setup(&f, &shop, "http://127.0.0.1:8444");
    shop.fault = NOTE_STORE_THEN_504;
    assert_int_equal(
        f.p->report_status(f.state, &f.ctx, "163", "Invoice WOO-7", NULL, "note:7:posted", &f.err),
        SL_ERETRY);
    fake_end_call(&f.ctx);
    assert_int_equal(f.err.http_status, 504);
    assert_int_equal(
        f.p->report_status(f.state, &f.ctx, "163", "Invoice WOO-7", NULL, "note:7:posted", &f.err),
        SL_OK);
    fake_end_call(&f.ctx);
    /* GET, POST (504); GET finds it: no second POST. */
    assert_int_equal(json_array_size(f.ctx.requests), 3);
    assert_true(is(json_array_get(f.ctx.requests, 2), "GET", "/orders/163/notes"));
    assert_int_equal(json_array_size(shop.notes), 1);
    /* sha256("note:7:posted") begins 7678a8f4a19e (python3 hashlib). */
    assert_string_equal(json_string_value(json_object_get(json_array_get(shop.notes, 0), "note")),
                        "Invoice WOO-7 [sl:7678a8f4a19e]");
    const char *n0 = fake_query(json_array_get(f.ctx.requests, 0), "oauth_nonce");
    const char *n1 = fake_query(json_array_get(f.ctx.requests, 1), "oauth_nonce");
    const char *n2 = fake_query(json_array_get(f.ctx.requests, 2), "oauth_nonce");
    assert_int_equal(strlen(n1), 32);
    assert_string_not_equal(n0, n1);
    assert_string_not_equal(n1, n2);
    json_decref(shop.notes);
    teardown_f(&f);
}

/* A 200 whose body is a proxy's HTML page is not a note written. */
static void test_note_200_html_is_a_failure(void **s)
{
    (void)s;
    woo_fixture f;
    note_shop shop;
    notes_setup(&f, &shop, "https://127.0.0.1:8444");
    shop.fault = NOTE_HTML_200;
    assert_int_equal(
        f.p->report_status(f.state, &f.ctx, "163", "Invoice WOO-8", NULL, "note:8:posted", &f.err),
        SL_ERETRY);
    fake_end_call(&f.ctx);
    assert_int_equal(f.err.http_status, 200);
    const char *want = "POST /orders/163/notes: HTTP 200 but the answer is not a JSON object (";
    assert_memory_equal(f.err.message, want, strlen(want)); /* then the parser's reason */
    /* Once the fault clears the note is written, once. */
    assert_int_equal(
        f.p->report_status(f.state, &f.ctx, "163", "Invoice WOO-8", NULL, "note:8:posted", &f.err),
        SL_OK);
    fake_end_call(&f.ctx);
    assert_int_equal(json_array_size(shop.notes), 1);
    json_decref(shop.notes);
    teardown_f(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch_pages_and_cursor),
        cmocka_unit_test(test_fetch_from_start_and_bad_cursor),
        cmocka_unit_test(test_http_errors),
        cmocka_unit_test(test_push_stock),
        cmocka_unit_test(test_push_stock_drift_and_test_mode),
        cmocka_unit_test(test_push_prices),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_report_status),
        cmocka_unit_test(test_note_retry_after_504_writes_once),
        cmocka_unit_test(test_note_200_html_is_a_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
