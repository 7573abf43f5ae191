/*
 * Authentication of REST calls to a WooCommerce store.
 *
 * Over https the store takes HTTP Basic with the consumer key and secret.
 * Over plain http it takes only OAuth 1.0a "one-legged" (api notes §11):
 * oauth_consumer_key, oauth_timestamp, oauth_nonce, oauth_signature_method
 * and oauth_signature as query parameters. The signature is
 * base64(HMAC(consumer_secret + "&", base string)) where the base string is
 * METHOD & enc(url without query) & enc(k1=v1&k2=v2...), every key and value
 * RFC 3986 encoded first and the pairs sorted by key (then value). A JSON
 * body is not signed. The nonce is 32 random alphanumerics; the timestamp
 * comes from the host clock so tests can fix it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

#define WOO_OAUTH_PARAMS 5
#define WOO_SIG_TEXT_MAX 16384 /* bytes of the joined parameter string */
#define WOO_NONCE_LEN 32

typedef struct enc_pair {
    const char *k;
    const char *v;
} enc_pair;

static int pair_cmp(const void *a, const void *b)
{
    const enc_pair *x = a, *y = b;
    int c = strcmp(x->k, y->k);
    return c != 0 ? c : strcmp(x->v, y->v);
}

/* Appends enc(s) at *pos in buf (cap bytes); SL_ETOOBIG when full. */
static int append_enc(char *buf, size_t cap, size_t *pos, const char *s)
{
    size_t n = sl_url_encode(s, buf + *pos, cap - *pos);
    if (n == (size_t)-1)
        return SL_ETOOBIG;
    *pos += n;
    return SL_OK;
}

static int append_raw(char *buf, size_t cap, size_t *pos, const char *s)
{
    size_t n = strlen(s);
    if (*pos + n + 1 > cap)
        return SL_ETOOBIG;
    memcpy(buf + *pos, s, n + 1);
    *pos += n;
    return SL_OK;
}

/* Encodes every pair into scratch (NUL-separated), sorts, and joins them as
   k=v&k=v into joined. */
static int join_sorted(const char *const *names, const char *const *vals, size_t n, char *scratch,
                       size_t scap, char *joined, size_t jcap)
{
    enc_pair pairs[WOO_MAX_PARAMS + WOO_OAUTH_PARAMS];
    if (n > sizeof pairs / sizeof pairs[0])
        return SL_ETOOBIG;
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        pairs[i].k = scratch + pos;
        if (append_enc(scratch, scap, &pos, names[i]) != SL_OK || pos + 1 >= scap)
            return SL_ETOOBIG;
        pos++; /* keep the NUL written by sl_url_encode */
        pairs[i].v = scratch + pos;
        if (append_enc(scratch, scap, &pos, vals[i]) != SL_OK || pos + 1 >= scap)
            return SL_ETOOBIG;
        pos++;
    }
    qsort(pairs, n, sizeof pairs[0], pair_cmp);
    size_t jp = 0;
    joined[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if ((i > 0 && append_raw(joined, jcap, &jp, "&") != SL_OK) ||
            append_raw(joined, jcap, &jp, pairs[i].k) != SL_OK ||
            append_raw(joined, jcap, &jp, "=") != SL_OK ||
            append_raw(joined, jcap, &jp, pairs[i].v) != SL_OK)
            return SL_ETOOBIG;
    }
    return SL_OK;
}

int woo_oauth_base_string(const char *method, const char *url, const char *const *names,
                          const char *const *vals, size_t n, char *out, size_t cap)
{
    char *scratch = malloc(2 * WOO_SIG_TEXT_MAX);
    if (scratch == NULL)
        return SL_ENOMEM;
    char *joined = scratch + WOO_SIG_TEXT_MAX;
    int rc = join_sorted(names, vals, n, scratch, WOO_SIG_TEXT_MAX, joined, WOO_SIG_TEXT_MAX);
    size_t pos = 0;
    if (rc == SL_OK && cap > 0) {
        out[0] = '\0';
        if (append_raw(out, cap, &pos, method) != SL_OK ||
            append_raw(out, cap, &pos, "&") != SL_OK || append_enc(out, cap, &pos, url) != SL_OK ||
            append_raw(out, cap, &pos, "&") != SL_OK || append_enc(out, cap, &pos, joined) != SL_OK)
            rc = SL_ETOOBIG;
    }
    free(scratch);
    return rc;
}

int woo_oauth_sign(const char *base, const char *secret, int sha1, char *out, size_t cap)
{
    size_t slen = strlen(secret);
    char *key = malloc(slen + 2);
    if (key == NULL)
        return SL_ENOMEM;
    memcpy(key, secret, slen);
    key[slen] = '&';
    key[slen + 1] = '\0';
    unsigned char mac[SL_SHA256_LEN];
    size_t mac_len = sha1 ? 20 : SL_SHA256_LEN;
    int rc = sha1 ? sl_hmac_sha1(key, slen + 1, base, strlen(base), mac)
                  : sl_hmac_sha256(key, slen + 1, base, strlen(base), mac);
    free(key);
    if (rc != SL_OK)
        return SL_EINTERNAL;
    if (cap < ((mac_len + 2) / 3) * 4 + 1)
        return SL_ETOOBIG;
    sl_base64_encode(mac, mac_len, out);
    return SL_OK;
}

/* Adds the five oauth_* query parameters (signature last) to req. */
static int apply_oauth(woo_chan *ch, sl_ctx *ctx, sl_http_req *req, const char *method,
                       const char *url, const woo_call *c, sl_error *err)
{
    const sl_host *h = ch->host;
    char nonce[WOO_NONCE_LEN + 1], ts[24];
    if (sl_random_token(nonce, WOO_NONCE_LEN) != SL_OK)
        return sl_error_set(err, SL_EINTERNAL, "", "no random nonce");
    int64_t now_s = h->now_ms(ctx) / 1000;
    snprintf(ts, sizeof ts, "%lld", (long long)now_s);
    const char *names[WOO_MAX_PARAMS + WOO_OAUTH_PARAMS];
    const char *vals[WOO_MAX_PARAMS + WOO_OAUTH_PARAMS];
    size_t n = c->nq;
    memcpy(names, c->qname, n * sizeof names[0]);
    memcpy(vals, c->qval, n * sizeof vals[0]);
    const char *on[4] = {"oauth_consumer_key", "oauth_nonce", "oauth_signature_method",
                         "oauth_timestamp"};
    const char *ov[4] = {ch->key, nonce, ch->oauth_sha1 ? "HMAC-SHA1" : "HMAC-SHA256", ts};
    for (size_t i = 0; i < 4; i++) {
        names[n] = on[i];
        vals[n++] = ov[i];
    }
    char *base = h->alloc(ctx, 3 * WOO_SIG_TEXT_MAX);
    if (base == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    char sig[64];
    int rc = woo_oauth_base_string(method, url, names, vals, n, base, 3 * WOO_SIG_TEXT_MAX);
    if (rc == SL_OK)
        rc = woo_oauth_sign(base, ch->secret, ch->oauth_sha1, sig, sizeof sig);
    if (rc != SL_OK)
        return sl_error_set(err, rc, "", "cannot sign the request (%s)", sl_status_name(rc));
    for (size_t i = 0; i < 4; i++)
        if (h->http_query(req, on[i], ov[i]) != SL_OK)
            return sl_error_set(err, SL_EINTERNAL, "", "http_query refused");
    if (h->http_query(req, "oauth_signature", sig) != SL_OK)
        return sl_error_set(err, SL_EINTERNAL, "", "http_query refused");
    return SL_OK;
}

int woo_auth_apply(woo_chan *ch, sl_ctx *ctx, sl_http_req *req, const char *method, const char *url,
                   const woo_call *c, sl_error *err)
{
    if (ch->oauth)
        return apply_oauth(ch, ctx, req, method, url, c, err);
    if (ch->host->http_basic_auth(req, ch->key, ch->secret) != SL_OK)
        return sl_error_set(err, SL_EINTERNAL, "", "http_basic_auth refused");
    return SL_OK;
}
