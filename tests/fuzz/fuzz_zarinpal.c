/*
 * libFuzzer target: the ZarinPal connector reading REST v4 answers (the
 * envelope reader of zp_wire.c: data/errors as [] or {} or missing, codes
 * as numbers or strings; the slots of zp_calls.c) and the buyer's return
 * (zp_form.c), via the fake host of the unit tests with params, results
 * and result rows added here.
 *
 * Input: a first line naming the call, "request", "verify", "inquiry",
 * "unverified", "reverse" or "return", then the body: a JSON answer, or
 * for "return" the urlencoded return. No first line: a verify answer.
 * Corpus: tests/fuzz/corpus/zarinpal/.
 */
#include "fuzz_host.h"

struct sl_params {
    const char *const *kv; /* key, value, ... NULL */
};

static woo_fixture g_f;
static sl_host g_host;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fz_param(const sl_params *p, const char *k)
{
    for (size_t i = 0; p && p->kv[i]; i += 2)
        if (strcmp(p->kv[i], k) == 0)
            return p->kv[i + 1];
    return NULL;
}

/* Results are checked for shape, not kept: keys and values are text. */
static int fz_result(sl_ctx *c, const char *k, const char *v)
{
    (void)c;
    if (k == NULL || v == NULL || *k == '\0')
        abort();
    return SL_OK;
}

static int fz_row(sl_ctx *c)
{
    (void)c;
    return SL_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    g_host = FAKE_HOST;
    g_host.param_get = fz_param;
    g_host.result_set = fz_result;
    g_host.result_row = fz_row;
    fuzz_open(&g_f, sl_plugin_entry(), &g_host,
              json_pack("{s:s, s:s}", "api_url", "https://payment.example/pg/v4/payment",
                        "currency", "IRT"),
              json_pack("{s:s}", "merchant_key", "1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"));
    g_f.ctx.now = 1795898700000LL;
    return 0;
}

static const char *const PAY[] = {"amount",
                                  "2500000",
                                  "currency",
                                  "IRR",
                                  "order_ref",
                                  "7781",
                                  "callback_url",
                                  "https://shop.example.ir/pay/t/zp/return",
                                  "description",
                                  "Order 7781",
                                  NULL};
static const char *const SALE[] = {
    "authority", "S000000000000000000000000000000kq9x1", "amount", "2500000", "currency", "IRR",
    NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char mode[16];
    const char *rest;
    size_t len;
    fuzz_split_line(data, size, mode, sizeof mode, &rest, &len);
    if (mode[0] == '\0') {
        snprintf(mode, sizeof mode, "verify");
        rest = (const char *)data;
        len = size;
    }
    g_fuzz_answer = (fuzz_answer){.body = rest, .len = len};
    sl_params pay = {PAY}, sale = {SALE}, none = {NULL};
    const sl_plugin *p = g_f.p;
    int rc = SL_OK;
    if (strcmp(mode, "return") == 0) {
        sl_request req = {.headers = json_object(), .body = rest, .len = len};
        rc = p->parse_return(g_f.state, &g_f.ctx, &req, &g_f.err);
        json_decref(req.headers);
    } else if (strcmp(mode, "request") == 0) {
        rc = p->request_payment(g_f.state, &g_f.ctx, &pay, &g_f.err);
    } else if (strcmp(mode, "inquiry") == 0) {
        rc = p->inquire_payment(g_f.state, &g_f.ctx, &sale, &g_f.err);
    } else if (strcmp(mode, "unverified") == 0) {
        rc = p->list_unverified(g_f.state, &g_f.ctx, &none, &g_f.err);
    } else if (strcmp(mode, "reverse") == 0) {
        rc = p->reverse_payment(g_f.state, &g_f.ctx, &sale, &g_f.err);
    } else {
        rc = p->verify_payment(g_f.state, &g_f.ctx, &sale, &g_f.err);
    }
    fuzz_check(rc, &g_f.err, 1);
    fuzz_reset(&g_f);
    return 0;
}
