/*
 * libFuzzer target: the ZarinPal connector reading REST v4 answers (the
 * envelope reader of zp_wire.c: data/errors as [] or {} or missing, codes
 * as numbers or strings; the slots of zp_calls.c) and the buyer's return
 * (zp_form.c), via the fake host of the unit tests with a gateway's params,
 * results and result rows (fuzz_gateway.h).
 *
 * Input: a first line naming the call, "request", "verify", "inquiry",
 * "unverified", "reverse" or "return", then the body: a JSON answer, or
 * for "return" the urlencoded return. No first line: a verify answer.
 * Corpus: tests/fuzz/corpus/zarinpal/.
 */
#include "fuzz_gateway.h"

static woo_fixture g_f;
static sl_host g_host;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_gw_host(&g_host);
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
    sl_params pay = {PAY}, sale = {SALE};
    fuzz_gw_run(&g_f, data, size, &pay, &sale);
    return 0;
}
