/*
 * libFuzzer target: the Mozello connector on remote input, through the
 * fake host of the unit tests: notifications (mz_webhook.c, mapped by
 * mz_map.c; a PAYMENT_CHANGED re-reads the order and gets the same bytes
 * back) and GET /store/orders/ pages (mz_fetch.c, mz_http.c).
 *
 * Input: the first line is "hook" (a host-verified replay), "!hook" (sent
 * unverified with the correct X-Mozello-Hash), "fetch", or "stock" /
 * "prices" (a push: the product listing, the batch answer and the
 * re-read all get the input: mz_products.c, mz_push.c); the rest is the
 * notification body or the answer to the first requests (later requests
 * get an empty last page). Corpus: tests/fuzz/corpus/mozello/.
 */
#include "fuzz_host.h"

#define API_KEY "MZL-fuzz-key"
#define LAST_PAGE "{\"error\":false,\"orders\":[],\"next_page_uri\":null}"
#define LAST_PRODUCTS "{\"error\":false,\"products\":[],\"next_page_uri\":null}"

static woo_fixture g_f;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    json_t *config =
        json_pack("{s:s, s:s}", "url", "https://api.example.test/v1", "language", "en");
    fuzz_open(&g_f, sl_plugin_entry(), &FAKE_HOST, config, json_pack("{s:s}", "api_key", API_KEY));
    return 0;
}

static void deliver(const char *body, size_t len, int signed_delivery)
{
    json_t *headers = json_object();
    if (signed_delivery) {
        unsigned char mac[SL_SHA256_LEN];
        char sig[64];
        if (sl_hmac_sha256(API_KEY, strlen(API_KEY), body, len, mac) != SL_OK)
            abort();
        sig[sl_base64_encode(mac, sizeof mac, sig)] = '\0';
        json_object_set_new(headers, "X-Mozello-Hash", json_string(sig));
    }
    fuzz_check(fake_deliver(&g_f, headers, body, len, !signed_delivery), &g_f.err, 1);
}

static void push(int prices)
{
    sl_stock_list list = {
        .items = json_pack("[[s,s,s],[s,s,s],[s,s,n]]", "MUG-1", "5", "9.99", "TEE-M", "0", "19.00",
                           "NONE", "3"),
        .currency = "EUR",
    };
    g_fuzz_answer.first = 3;
    g_fuzz_answer.end = LAST_PRODUCTS;
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
    /* An exact-size copy: reading past len is caught by ASan. */
    char *body = malloc(len ? len : 1);
    if (body == NULL)
        return 0;
    memcpy(body, rest, len);
    g_fuzz_answer = (fuzz_answer){.body = body, .len = len, .first = 1, .end = LAST_PAGE};
    if (strcmp(mode, "hook") == 0 || strcmp(mode, "!hook") == 0)
        deliver(body, len, mode[0] == '!');
    else if (strcmp(mode, "fetch") == 0)
        fuzz_check(g_f.p->fetch_orders(g_f.state, &g_f.ctx, NULL, &g_f.err), &g_f.err, 1);
    else if (strcmp(mode, "stock") == 0 || strcmp(mode, "prices") == 0)
        push(mode[0] == 'p');
    fuzz_reset(&g_f);
    free(body);
    return 0;
}
