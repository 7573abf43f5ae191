/*
 * libFuzzer target: the UNAS connector reading getOrder answers (XML
 * through libxml2: unas_xml.c, unas_fetch.c, mapped by unas_map.c), via
 * the fake host of the unit tests. The login is answered with a valid
 * token; the input is the body of the first getOrder answer, later pages
 * answer <Orders/>. Corpus: tests/fuzz/corpus/unas/.
 */
#include "fuzz_host.h"

#define TOKEN_XML "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Login><Token>tok1</Token>" \
                  "<ExpireTime>1714572000</ExpireTime><Status>ok</Status></Login>"

static woo_fixture g_f;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* login -> a token; the first other call -> the input; then <Orders/>. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_fuzz_answer = (fuzz_answer){
        .body = (const char *)data, .len = size, .first = 1, .end = "<Orders/>"};
    g_f.p->fetch_orders(g_f.state, &g_f.ctx, NULL, &g_f.err);
    fuzz_reset(&g_f);
    return 0;
}
