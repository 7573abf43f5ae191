/*
 * libFuzzer target: the TARAD connector's parse_webhook (tarad_plugin.c,
 * tarad_wire.c, mapped by tarad_map.c and tarad_name.c) via the fake host
 * of the unit tests.
 *
 * Input: the first line is the X-Tarad-Timestamp header; when it is not
 * empty the push is sent unverified with the correct X-Tarad-Signature
 * (base64 HMAC-SHA256 of "TIMESTAMP.BODY" with the user token), so the
 * timestamp and clock-skew checks run; an empty line or no newline sends
 * a host-verified replay. The rest is the body. Corpus:
 * tests/fuzz/corpus/tarad/.
 */
#include "fuzz_host.h"

#define TOKEN "utk-merchant-0123456789"

static woo_fixture g_f;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_open(&g_f, sl_plugin_entry(), &FAKE_HOST, json_object(),
              json_pack("{s:s}", "user_token", TOKEN));
    g_f.ctx.now = 1795337400000LL; /* 2026-11-22T08:50:00Z */
    return 0;
}

/* base64(HMAC-SHA256(token, ts "." body)) into sig (64 bytes). */
static void sign(const char *ts, const char *body, size_t len, char *sig)
{
    size_t tl = strlen(ts);
    char *msg = malloc(tl + 1 + len + 1);
    unsigned char mac[SL_SHA256_LEN];
    if (msg == NULL)
        abort();
    memcpy(msg, ts, tl);
    msg[tl] = '.';
    memcpy(msg + tl + 1, body, len);
    if (sl_hmac_sha256(TOKEN, strlen(TOKEN), msg, tl + 1 + len, mac) != SL_OK)
        abort();
    free(msg);
    sig[sl_base64_encode(mac, sizeof mac, sig)] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char ts[64], sig[64];
    const char *rest;
    size_t len;
    fuzz_split_line(data, size, ts, sizeof ts, &rest, &len);
    /* An exact-size copy: reading past len is caught by ASan. */
    char *body = malloc(len ? len : 1);
    if (body == NULL)
        return 0;
    memcpy(body, rest, len);
    json_t *headers = json_object();
    if (ts[0] != '\0') {
        sign(ts, body, len, sig);
        json_object_set_new(headers, "X-Tarad-Timestamp", json_string(ts));
        json_object_set_new(headers, "X-Tarad-Signature", json_string(sig));
    }
    fuzz_check(fake_deliver(&g_f, headers, body, len, ts[0] == '\0'), &g_f.err, 1);
    fuzz_reset(&g_f);
    free(body);
    return 0;
}
