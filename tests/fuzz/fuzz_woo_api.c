/*
 * libFuzzer target: the WooCommerce connector reading REST answers
 * (woo_http.c) for each call that reads one: GET /orders pages mapped by
 * woo_map.c (woo_fetch.c), the product lookups and batch answers of a
 * stock or price push (woo_push.c, woo_catalog.c), and the tax, payment
 * and shipping lists (woo_lists.c, woo_taxclass.c), and the answers to a
 * note and status written back (woo_notes.c).
 *
 * Input: the first line is "CALL [PAGES]" with CALL one of orders, stock,
 * prices, taxes, payment, shipping, status, and PAGES the X-WP-TotalPages header
 * (none if absent); the rest is the body answered, with 200, to page 1 of
 * every request (later pages answer [], as a store past its end does, so
 * one input is never fetched a thousand times). Corpus:
 * tests/fuzz/corpus/woo_api/.
 */
#include "fuzz_host.h"

static woo_fixture g_f;
static const char *g_body;
static size_t g_len;
static char g_pages[32];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input's body to page 1 (or an unpaged call), [] to later pages. */
static int api_route(sl_ctx *c, const json_t *req, fake_resp *out)
{
    const char *page = fake_query(req, "page");
    int later = page != NULL && strcmp(page, "1") != 0;
    g_fuzz_answer = (fuzz_answer){
        .status = 200,
        .body = later ? "[]" : g_body,
        .len = later ? 2 : g_len,
        .header_name = g_pages[0] ? "X-WP-TotalPages" : NULL,
        .header_value = g_pages,
    };
    return fuzz_route(c, req, out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    json_t *config = json_pack("{s:s, s:s}", "url", "https://shop.example", "key", "ck_test");
    json_t *secrets = json_pack("{s:s}", "secret", "cs_test");
    fuzz_open(&g_f, sl_plugin_entry(), &FAKE_HOST, config, secrets);
    g_f.ctx.route = api_route;
    return 0;
}

static int push(int prices)
{
    sl_stock_list list = {
        .items = json_pack("[[s,s,s],[s,s,s],[s,s,n]]", "SKU-1", "5", "12.50", "hoodie-blue", "0",
                           "45.00", "woo-beanie", "3"),
        .currency = "EUR",
    };
    int rc = prices ? g_f.p->push_prices(g_f.state, &g_f.ctx, &list, &g_f.err)
                    : g_f.p->push_stock(g_f.state, &g_f.ctx, &list, &g_f.err);
    json_decref(list.items);
    return fuzz_check(rc, &g_f.err, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char line[64], call[16] = "";
    fuzz_split_line(data, size, line, sizeof line, &g_body, &g_len);
    g_pages[0] = '\0';
    if (sscanf(line, "%15s %31s", call, g_pages) < 2)
        g_pages[0] = '\0';
    /* the fake host hands bodies on as C strings */
    char *body = strndup(g_body, g_len);
    if (body == NULL)
        return 0;
    g_body = body;
    g_len = strlen(body);
    const sl_plugin *p = g_f.p;
    if (strcmp(call, "orders") == 0)
        fuzz_check(p->fetch_orders(g_f.state, &g_f.ctx, NULL, &g_f.err), &g_f.err, 1);
    else if (strcmp(call, "stock") == 0)
        push(0);
    else if (strcmp(call, "prices") == 0)
        push(1);
    else if (strcmp(call, "taxes") == 0)
        fuzz_check(p->list_taxes(g_f.state, &g_f.ctx, &g_f.err), &g_f.err, 1);
    else if (strcmp(call, "payment") == 0)
        fuzz_check(p->list_payment_methods(g_f.state, &g_f.ctx, &g_f.err), &g_f.err, 1);
    else if (strcmp(call, "shipping") == 0)
        fuzz_check(p->list_shipping_methods(g_f.state, &g_f.ctx, &g_f.err), &g_f.err, 1);
    else if (strcmp(call, "status") == 0)
        fuzz_check(p->report_status(g_f.state, &g_f.ctx, "5301", "Invoice INV-2026-17 posted",
                                    "completed", "outbox-17", &g_f.err),
                   &g_f.err, 1);
    fuzz_reset(&g_f);
    free(body);
    return 0;
}
