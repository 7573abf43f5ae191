/*
 * The prologue every webhook connector runs before it reads a delivery:
 * the body within its cap, and the signature most shops use, an HMAC-SHA256
 * of the raw body in base64 in one header. A connector with another scheme
 * (a timestamp in the MAC, hex) keeps its own check and uses the body part.
 */
#include <string.h>

#include "shopledger/sdkutil.h"

int sl_webhook_body(const sl_host *h, const sl_request *req, size_t max, const char **body,
                    size_t *len, sl_error *err)
{
    size_t n = 0;
    const char *b = h->request_body(req, &n);
    if (b == NULL)
        b = "", n = 0;
    if (n > max)
        return sl_error_set(err, SL_ETOOBIG, "body",
                            "delivery of %zu bytes is over the "
                            "limit of %zu",
                            n, max);
    *body = b;
    *len = n;
    return SL_OK;
}

int sl_webhook_check_hmac(const sl_host *h, const sl_request *req, const sl_webhook_hmac *how,
                          const char *body, size_t len, sl_error *err)
{
    return sl_webhook_check_hmac_prepared(h, req, how, NULL, body, len, err);
}

int sl_webhook_check_hmac_prepared(const sl_host *h, const sl_request *req,
                                   const sl_webhook_hmac *how, sl_hmac_key *prepared,
                                   const char *body, size_t len, sl_error *err)
{
    if (h->request_verified(req))
        return SL_OK;
    const char *header = how->header, *key = how->key;
    const char *sig = h->request_header(req, header);
    if (sig == NULL || *sig == '\0')
        return sl_error_set(err, SL_EAUTH, header, "unsigned delivery refused (no %s)", header);
    if (key == NULL)
        return sl_error_set(err, SL_EAUTH, how->key_name, "no %s configured: cannot verify %s",
                            how->key_name, header);
    unsigned char mac[SL_SHA256_LEN];
    char expect[((SL_SHA256_LEN + 2) / 3) * 4 + 1];
    int rc = prepared ? sl_hmac_key_sha256(prepared, body, len, mac)
                      : sl_hmac_sha256(key, strlen(key), body, len, mac);
    if (rc != SL_OK)
        return sl_error_set(err, SL_EINTERNAL, "", "HMAC failed");
    size_t n = sl_base64_encode(mac, sizeof mac, expect);
    size_t slen = strlen(sig);
    while (slen > 0 && (sig[slen - 1] == ' ' || sig[slen - 1] == '\t'))
        slen--;
    if (!sl_ct_equal(expect, n, sig, slen))
        return sl_error_set(err, SL_EAUTH, header, "%s does not match the body", how->what);
    return SL_OK;
}
