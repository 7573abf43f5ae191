/*
 * libFuzzer target: the UNAS connector reading API answers (XML through
 * the SDK XML reader sdk/xml/, unas_xml.c, unas_http.c), via the fake host of
 * the unit tests.
 * The login is answered with a valid token; every other call gets the
 * input (at most two calls, then an empty list).
 *
 * Input: a first line "stock", "prices" (getProduct, then setStock or
 * setProduct answers of a push: unas_push.c) or "status" (the setOrder
 * answer of a note: unas_notes.c), then the body; any other input is a
 * whole getOrder answer (unas_fetch.c, mapped by unas_map.c). Corpus:
 * tests/fuzz/corpus/unas/.
 */
#include "fuzz_host.h"

#define TOKEN_XML                                                                                  \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Login><Token>tok1</Token>"                       \
    "<ExpireTime>1714572000</ExpireTime><Status>ok</Status></Login>"

static woo_fixture g_f;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* login -> a token; other calls -> fuzz_route. */
static int unas_route(sl_ctx *c, const json_t *req, fake_resp *out)
{
    const char *url = json_string_value(json_object_get(req, "url"));
    const char *fn = url ? strstr(url, "/shop/") : NULL;
    if (fn != NULL && strcmp(fn, "/shop/login") == 0) {
        out->status = 200;
        out->body = strdup(TOKEN_XML);
        return out->body ? 0 : -1;
    }
    return fuzz_route(c, req, out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    /* The fake state store keeps nothing: every input logs in afresh. */
    fuzz_open(&g_f, sl_plugin_entry(), &FAKE_HOST,
              json_pack("{s:s}", "url", "https://api.example/shop"),
              json_pack("{s:s}", "api_key", "good-key"));
    g_f.ctx.now = 1714564800000LL; /* 2024-05-01T12:00:00Z, token valid */
    g_f.ctx.route = unas_route;
    return 0;
}

static void push(int prices)
{
    sl_stock_list list = {
        .items = json_pack("[[s,s,s],[s,s,s],[s,s,n]]", "BOG-KEK", "5", "3810", "SAPKA", "0",
                           "2540", "NINCS", "3"),
        .currency = "HUF",
    };
    if (prices)
        fuzz_check(g_f.p->push_prices(g_f.state, &g_f.ctx, &list, &g_f.err), &g_f.err, 1);
    else
        fuzz_check(g_f.p->push_stock(g_f.state, &g_f.ctx, &list, &g_f.err), &g_f.err, 1);
    json_decref(list.items);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char mode[16];
    const char *rest;
    size_t len;
    fuzz_split_line(data, size, mode, sizeof mode, &rest, &len);
    g_fuzz_answer = (fuzz_answer){.body = rest, .len = len, .first = 2, .end = "<Products/>"};
    if (strcmp(mode, "stock") == 0 || strcmp(mode, "prices") == 0) {
        push(mode[0] == 'p');
    } else if (strcmp(mode, "status") == 0) {
        fuzz_check(g_f.p->report_status(g_f.state, &g_f.ctx, "4411-000532",
                                        "Invoice INV-2024-17 posted", "Kész", "outbox-17",
                                        &g_f.err),
                   &g_f.err, 1);
    } else {
        g_fuzz_answer =
            (fuzz_answer){.body = (const char *)data, .len = size, .first = 1, .end = "<Orders/>"};
        fuzz_check(g_f.p->fetch_orders(g_f.state, &g_f.ctx, NULL, &g_f.err), &g_f.err, 1);
    }
    fuzz_reset(&g_f);
    return 0;
}
