/*
 * Verification of an (assumed) TARAD push: the signed timestamp and the
 * HMAC-SHA256 of "timestamp.body" keyed by the merchant's user token. The
 * format itself is described in tarad_wire.h, the one place that holds
 * what we assumed about TARAD.
 *
 * The timestamp is inside the MAC, so a captured delivery replayed after
 * the skew window is refused; one replayed inside the window carries the
 * same order content as the original and the host's inbox keeps it as a
 * duplicate (one receipt), so the window needs no nonce store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "tarad_wire.h"

#define MAC_B64_LEN (((SL_SHA256_LEN + 2) / 3) * 4)
#define SIG_MAX 128

int tarad_wire_timestamp(const char *ts, int64_t *epoch_s)
{
    if (ts == NULL || strlen(ts) != TARAD_TIMESTAMP_LEN)
        return SL_EINVALID;
    for (size_t i = 0; i < TARAD_TIMESTAMP_LEN; i++)
        if (ts[i] < '0' || ts[i] > '9')
            return SL_EINVALID;
    char iso[32];
    snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", ts, ts + 4, ts + 6, ts + 8, ts + 10,
             ts + 12);
    int64_t ms = 0;
    if (sl_iso8601_parse(iso, 0, &ms, NULL) != SL_OK)
        return SL_EINVALID;
    *epoch_s = ms / 1000;
    return SL_OK;
}

/* HMAC-SHA256(token, ts "." body). */
static int mac_of(const char *token, const char *ts, const char *body, size_t len,
                  unsigned char mac[SL_SHA256_LEN])
{
    size_t tlen = strlen(ts);
    /* One copy of ts "." body: simple for a sender to reproduce; bodies
       are capped by the caller (TARAD_MAX_BODY). */
    char small[256];
    char *msg = small;
    size_t need = tlen + 1 + len;
    if (need > sizeof small) {
        msg = malloc(need);
        if (msg == NULL)
            return SL_ENOMEM;
    }
    memcpy(msg, ts, tlen);
    msg[tlen] = '.';
    if (len > 0)
        memcpy(msg + tlen + 1, body, len);
    int rc = sl_hmac_sha256(token, strlen(token), msg, need, mac);
    if (msg != small)
        free(msg);
    return rc == SL_OK ? SL_OK : SL_EINTERNAL;
}

int tarad_wire_sign(const char *token, const char *ts, const char *body, size_t len, char out[64])
{
    unsigned char mac[SL_SHA256_LEN];
    if (mac_of(token, ts, body, len, mac) != SL_OK)
        return SL_EINTERNAL;
    sl_base64_encode(mac, sizeof mac, out);
    return SL_OK;
}

/* The signature header decoded: base64 (44 chars) or hex (64 chars). */
static int decode_sig(const char *sig, unsigned char out[SL_SHA256_LEN])
{
    size_t n = strnlen(sig, SIG_MAX), got = 0;
    while (n > 0 && (sig[n - 1] == ' ' || sig[n - 1] == '\t'))
        n--;
    int rc = SL_EINVALID;
    if (n == MAC_B64_LEN)
        rc = sl_base64_decode(sig, n, out, SL_SHA256_LEN, &got);
    else if (n == 2 * SL_SHA256_LEN)
        rc = sl_hex_decode(sig, n, out, SL_SHA256_LEN, &got);
    return rc == SL_OK && got == SL_SHA256_LEN ? SL_OK : SL_EINVALID;
}

static int check_time(const char *ts, int64_t now_ms, int64_t max_skew_s, sl_error *err)
{
    int64_t sent = 0;
    if (ts == NULL || *ts == '\0')
        return sl_error_set(err, SL_EAUTH, TARAD_HDR_TIMESTAMP,
                            "unsigned delivery: no " TARAD_HDR_TIMESTAMP);
    if (tarad_wire_timestamp(ts, &sent) != SL_OK)
        return sl_error_set(err, SL_EAUTH, TARAD_HDR_TIMESTAMP,
                            TARAD_HDR_TIMESTAMP " is not yyyyMMddHHmmss UTC");
    int64_t diff = now_ms / 1000 - sent;
    if (diff > max_skew_s || diff < -max_skew_s)
        return sl_error_set(err, SL_EAUTH, TARAD_HDR_TIMESTAMP,
                            "delivery signed %lld s away from our clock (at "
                            "most %lld allowed): replay or clock skew",
                            (long long)diff, (long long)max_skew_s);
    return SL_OK;
}

int tarad_wire_verify(const char *token, const char *ts, const char *sig, const char *body,
                      size_t len, int64_t now_ms, int64_t max_skew_s, sl_error *err)
{
    if (token == NULL || *token == '\0')
        return sl_error_set(err, SL_EAUTH, "user_token",
                            "no user_token configured: cannot verify pushes");
    if (sig == NULL || *sig == '\0')
        return sl_error_set(err, SL_EAUTH, TARAD_HDR_SIGNATURE,
                            "unsigned delivery: no " TARAD_HDR_SIGNATURE);
    int rc = check_time(ts, now_ms, max_skew_s, err);
    if (rc != SL_OK)
        return rc;
    unsigned char got[SL_SHA256_LEN], want[SL_SHA256_LEN];
    if (decode_sig(sig, got) != SL_OK)
        return sl_error_set(err, SL_EAUTH, TARAD_HDR_SIGNATURE,
                            TARAD_HDR_SIGNATURE " is neither base64 nor hex "
                                                "of a SHA-256 MAC");
    rc = mac_of(token, ts, body, len, want);
    if (rc != SL_OK)
        return sl_error_set(err, rc, "", "HMAC failed");
    if (!sl_ct_equal(got, sizeof got, want, sizeof want))
        return sl_error_set(err, SL_EAUTH, TARAD_HDR_SIGNATURE,
                            "signature does not match the body and user token");
    return SL_OK;
}
