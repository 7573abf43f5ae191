/*
 * libFuzzer target: the Mellat connector reading SOAP answers (the SDK's
 * XML reader, sdk/xml/, mellat_soap.c, the ResCode table and the slots of
 * mellat_calls.c) and the buyer's return form, via the fake host of the
 * unit tests with a gateway's params and results (fuzz_gateway.h). Every
 * SOAP call of one input (an ambiguous code makes a second, the inquiry)
 * gets the input.
 *
 * Input (fuzz_gateway.h): a first line naming the call, "pay", "verify",
 * "settle", "inquiry", "reverse" or "return", then the body: a SOAP
 * answer, or for "return" the form-encoded return. No first line: a
 * verify answer.
 * Corpus: tests/fuzz/corpus/mellat/.
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
              json_pack("{s:s, s:s, s:s}", "terminal_id", "7001234", "username", "shop7", "url",
                        "https://bpm.example/pgwchannel/services/pgw"),
              json_pack("{s:s}", "password", "51x9"));
    g_f.ctx.now = 1795898700000LL;
    return 0;
}

static const char *const PAY[] = {"amount",
                                  "1250000",
                                  "currency",
                                  "IRR",
                                  "order_ref",
                                  "100045",
                                  "callback_url",
                                  "https://shop.example.ir/r",
                                  "description",
                                  "order 7781",
                                  NULL};
static const char *const SALE[] = {
    "order_ref", "100045", "sale_reference", "160422018833", "authority", "7C1B2A99D0E54F3A", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_params pay = {PAY}, sale = {SALE};
    fuzz_gw_run(&g_f, data, size, &pay, &sale);
    return 0;
}
