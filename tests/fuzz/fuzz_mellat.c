/*
 * libFuzzer target: the Mellat connector reading SOAP answers (libxml2:
 * mellat_xml.c, mellat_soap.c, the ResCode table and the slots of
 * mellat_calls.c) and the buyer's return form, via the fake host of the
 * unit tests with params and results added here. Every SOAP call of one
 * input (an ambiguous code makes a second, the inquiry) gets the input.
 *
 * Input: a first line naming the call, "pay", "verify", "settle",
 * "inquiry", "reverse" or "return", then the body: a SOAP answer, or for
 * "return" the form-encoded return. No first line: a verify answer.
 * Corpus: tests/fuzz/corpus/mellat/.
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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    g_host = FAKE_HOST;
    g_host.param_get = fz_param;
    g_host.result_set = fz_result;
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
    sl_params pay = {PAY}, sale = {SALE};
    const sl_plugin *p = g_f.p;
    int rc = SL_OK;
    if (strcmp(mode, "return") == 0) {
        sl_request req = {.headers = json_object(), .body = rest, .len = len};
        rc = p->parse_return(g_f.state, &g_f.ctx, &req, &g_f.err);
        json_decref(req.headers);
    } else if (strcmp(mode, "pay") == 0) {
        rc = p->request_payment(g_f.state, &g_f.ctx, &pay, &g_f.err);
    } else if (strcmp(mode, "settle") == 0) {
        rc = p->settle_payment(g_f.state, &g_f.ctx, &sale, &g_f.err);
    } else if (strcmp(mode, "inquiry") == 0) {
        rc = p->inquire_payment(g_f.state, &g_f.ctx, &sale, &g_f.err);
    } else if (strcmp(mode, "reverse") == 0) {
        rc = p->reverse_payment(g_f.state, &g_f.ctx, &sale, &g_f.err);
    } else {
        rc = p->verify_payment(g_f.state, &g_f.ctx, &sale, &g_f.err);
    }
    fuzz_check(rc, &g_f.err, 1);
    fuzz_reset(&g_f);
    return 0;
}
