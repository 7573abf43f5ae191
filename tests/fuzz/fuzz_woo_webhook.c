/*
 * libFuzzer target: the WooCommerce connector's parse_webhook
 * (woo_webhook.c, then woo_map.c for order topics) on arbitrary
 * deliveries, through the fake host of the unit tests.
 *
 * Input: the first line is the X-WC-Webhook-Topic header (none when the
 * input has no newline or the line is empty: a replay taken as
 * order.updated), the rest is the body. A line starting with '!' sends the
 * delivery unverified with the correct X-WC-Webhook-Signature, so the
 * signature path runs too. Corpus: tests/fuzz/corpus/woo_webhook/.
 */
#include "fuzz_host.h"

#define WEBHOOK_SECRET "woopeer-webhook-secret"

static woo_fixture g_f;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    woo_ctx_init(&g_f.ctx, "https://shop.example");
    json_t *config = json_deep_copy(g_f.ctx.config);
    json_t *secrets = json_deep_copy(g_f.ctx.secrets);
    woo_ctx_free(&g_f.ctx);
    fuzz_open(&g_f, sl_plugin_entry(), &FAKE_HOST, config, secrets);
    return 0;
}

/* base64(HMAC-SHA256(secret, body)) into sig (at least 45 bytes). */
static void sign(const char *body, size_t len, char *sig)
{
    unsigned char mac[SL_SHA256_LEN];
    if (sl_hmac_sha256(WEBHOOK_SECRET, strlen(WEBHOOK_SECRET), body, len, mac) != SL_OK)
        abort();
    sig[sl_base64_encode(mac, sizeof mac, sig)] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char topic[128], sig[64];
    const char *rest;
    size_t len;
    fuzz_split_line(data, size, topic, sizeof topic, &rest, &len);
    /* An exact-size copy: reading past len is caught by ASan. */
    char *body = malloc(len ? len : 1);
    if (body == NULL)
        return 0;
    memcpy(body, rest, len);
    int signed_delivery = topic[0] == '!';
    const char *t = topic + signed_delivery;
    json_t *headers = json_object();
    if (*t != '\0')
        json_object_set_new(headers, "X-WC-Webhook-Topic", json_string(t));
    if (signed_delivery) {
        sign(body, len, sig);
        json_object_set_new(headers, "X-WC-Webhook-Signature", json_string(sig));
    }
    fuzz_check(fake_deliver(&g_f, headers, body, len, !signed_delivery), &g_f.err, 1);
    fuzz_reset(&g_f);
    free(body);
    return 0;
}
