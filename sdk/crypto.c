/*
 * Keyed hashes and randomness for connectors, on the host's own libcrypto
 * (OpenSSL 3): webhook signatures (HMAC-SHA256), OAuth 1.0a (HMAC-SHA1),
 * signature comparison in constant time, and nonces.
 *
 * The one-shot calls serve occasional use; the HMAC_CTX family is
 * deprecated in OpenSSL 3 and would not build with -Werror. A key checked
 * on every delivery is prepared once (sl_hmac_key, on EVP_MAC): the
 * one-shot HMAC() looks the algorithm up and hashes the key again on
 * each call, which is most of its cost for a body of a few KB.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "shopledger/sdkutil.h"

/* OpenSSL reads from the pointers even for zero lengths on some paths;
   a static empty buffer keeps NULL out of it. */
static const unsigned char EMPTY[1];

static int hmac(const EVP_MD *md, const void *key, size_t key_len, const void *data, size_t len,
                unsigned char *out, unsigned int want)
{
    unsigned int n = 0;
    if (key_len > INT_MAX || (key == NULL && key_len) || (data == NULL && len) || out == NULL)
        return SL_EINVALID;
    if (HMAC(md, key ? key : EMPTY, (int)key_len, data ? data : EMPTY, len, out, &n) == NULL ||
        n != want)
        return SL_EINTERNAL;
    return SL_OK;
}

int sl_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                   unsigned char out[32])
{
    return hmac(EVP_sha256(), key, key_len, data, len, out, 32);
}

int sl_hmac_sha1(const void *key, size_t key_len, const void *data, size_t len,
                 unsigned char out[20])
{
    return hmac(EVP_sha1(), key, key_len, data, len, out, 20);
}

struct sl_hmac_key {
    EVP_MAC *mac;
    EVP_MAC_CTX *ctx; /* keyed; each use starts it over with the same key */
};

void sl_hmac_key_close(sl_hmac_key *k)
{
    if (k == NULL)
        return;
    EVP_MAC_CTX_free(k->ctx);
    EVP_MAC_free(k->mac);
    free(k);
}

int sl_hmac_key_open(const void *key, size_t key_len, sl_hmac_key **out)
{
    if ((key == NULL && key_len) || out == NULL)
        return SL_EINVALID;
    sl_hmac_key *k = calloc(1, sizeof *k);
    if (k == NULL)
        return SL_ENOMEM;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    k->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    k->ctx = k->mac ? EVP_MAC_CTX_new(k->mac) : NULL;
    if (k->ctx == NULL || EVP_MAC_init(k->ctx, key ? key : EMPTY, key_len, params) != 1) {
        sl_hmac_key_close(k);
        return SL_EINTERNAL;
    }
    *out = k;
    return SL_OK;
}

int sl_hmac_key_sha256(sl_hmac_key *k, const void *data, size_t len, unsigned char out[32])
{
    size_t n = 0;
    if (k == NULL || (data == NULL && len) || out == NULL)
        return SL_EINVALID;
    /* A NULL key restarts the context with the key it holds. */
    if (EVP_MAC_init(k->ctx, NULL, 0, NULL) != 1 ||
        EVP_MAC_update(k->ctx, data ? data : EMPTY, len) != 1 ||
        EVP_MAC_final(k->ctx, out, &n, 32) != 1 || n != 32)
        return SL_EINTERNAL;
    return SL_OK;
}

int sl_sha256(const void *data, size_t len, unsigned char out[32])
{
    unsigned int n = 0;
    if ((data == NULL && len) || out == NULL)
        return SL_EINVALID;
    if (EVP_Digest(data ? data : EMPTY, len, out, &n, EVP_sha256(), NULL) != 1 || n != 32)
        return SL_EINTERNAL;
    return SL_OK;
}

int sl_ct_equal(const void *a, size_t a_len, const void *b, size_t b_len)
{
    if (a_len != b_len)
        return 0;
    if (a_len == 0)
        return 1;
    return CRYPTO_memcmp(a, b, a_len) == 0;
}

int sl_random_token(char *buf, size_t n)
{
    static const char ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char rnd[64];
    size_t have = 0, used = sizeof rnd;
    if (buf == NULL)
        return SL_EINVALID;
    /* Bytes >= 248 are dropped so each of the 62 characters is equally
       likely (248 = 4 * 62). Each refill yields ~62 of 64 bytes, so the
       loop ends; the bound guards against a broken generator. */
    for (size_t rounds = 0; have < n; rounds++) {
        if (used == sizeof rnd) {
            if (rounds > 2 * n + 16 || RAND_bytes(rnd, sizeof rnd) != 1) {
                buf[0] = '\0';
                return SL_EINTERNAL;
            }
            used = 0;
        }
        unsigned char b = rnd[used++];
        if (b < 248)
            buf[have++] = ALNUM[b % 62];
    }
    buf[n] = '\0';
    return SL_OK;
}
