/*
 * OAuth 1.0a one-legged, as WooCommerce checks it on plain http
 * (WC_REST_Authentication::perform_oauth_authentication): the oauth_*
 * parameters come from the query string merged with an `Authorization:
 * OAuth` header; all of them but oauth_signature are signed. Basic auth and
 * consumer_key/consumer_secret query keys are ignored over http, so such a
 * request is simply anonymous, as on a real store. Over https (the
 * sandbox started with --tls-cert) it is the other way round: HTTP Basic
 * with consumer key and secret, and OAuth parameters are not looked at.
 *
 * Also the `--sign-url` helper mode the shell tests use.
 */
#include "sb.h"

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OAUTH_WINDOW_S (15 * 60)
#define MAX_NONCES 100000

static int cmp_param(const void *a, const void *b)
{
    const sb_param *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

/* METHOD&enc(url)&enc(k=v&...) over params sorted by key, without
   oauth_signature; new malloc'ed string. */
static char *base_string(const char *method, const char *url, sb_param *params, size_t n)
{
    qsort(params, n, sizeof *params, cmp_param);
    size_t cap = strlen(url) * 3 + 64, len = 0;
    for (size_t i = 0; i < n; i++)
        cap += 3 * (strlen(params[i].key) + strlen(params[i].value)) + 2;
    char *joined = malloc(cap), *out = NULL;
    if (!joined)
        return NULL;
    joined[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (strcmp(params[i].key, "oauth_signature") == 0)
            continue;
        char *k = sb_pct_encode(params[i].key), *v = sb_pct_encode(params[i].value);
        if (k && v)
            len += (size_t)snprintf(joined + len, cap - len, "%s%s=%s", len ? "&" : "", k, v);
        free(k);
        free(v);
    }
    char *eu = sb_pct_encode(url), *ej = sb_pct_encode(joined);
    if (eu && ej) {
        size_t olen = strlen(method) + strlen(eu) + strlen(ej) + 3;
        out = malloc(olen);
        if (out)
            snprintf(out, olen, "%s&%s&%s", method, eu, ej);
    }
    free(eu);
    free(ej);
    free(joined);
    return out;
}

static char *sign(const char *method, const char *url, sb_param *params, size_t n,
                  const char *secret, int sha256)
{
    char *bs = base_string(method, url, params, n);
    char key[512];
    if (!bs || (size_t)snprintf(key, sizeof key, "%s&", secret) >= sizeof key) {
        free(bs);
        return NULL;
    }
    char *sig = sb_hmac_b64(sha256, key, strlen(key), bs, strlen(bs));
    free(bs);
    return sig;
}

/* Parses `OAuth k="v", ...` into params (decoded); returns the count added. */
static size_t parse_header(const char *h, sb_param *out, size_t room)
{
    size_t n = 0;
    if (strncmp(h, "OAuth ", 6) != 0)
        return 0;
    h += 6;
    while (*h && n < room) {
        while (*h == ' ' || *h == ',')
            h++;
        const char *eq = strchr(h, '=');
        if (!eq)
            break;
        const char *vs = eq + 1, *ve;
        int quoted = *vs == '"';
        if (quoted) {
            vs++;
            ve = strchr(vs, '"');
        } else {
            ve = vs + strcspn(vs, ",");
        }
        if (!ve)
            break;
        char *k = strndup(h, (size_t)(eq - h)), *v = strndup(vs, (size_t)(ve - vs));
        if (k && v && strcmp(k, "realm") != 0) {
            out[n].key = sb_pct_decode(k);
            out[n].value = sb_pct_decode(v);
            n++;
        }
        free(k);
        free(v);
        h = ve + (quoted ? 1 : 0);
    }
    return n;
}

static const char *find(const sb_param *p, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].key, key) == 0)
            return p[i].value;
    return NULL;
}

static int auth_error(sb_resp *resp, const char *code, const char *msg)
{
    sb_resp_error(resp, 401, code, msg);
    return -1;
}

/* Remembers a nonce; returns 0 when it was fresh. Caller holds store.mu. */
static int nonce_used(sb_store *st, const char *nonce, int64_t now)
{
    const char *k;
    json_t *v, *tmp;
    if (json_object_get(st->nonces, nonce))
        return 1;
    if (json_object_size(st->nonces) > MAX_NONCES)
        json_object_foreach_safe(st->nonces, tmp, k, v)
        {
            if (json_integer_value(v) < now - OAUTH_WINDOW_S)
                json_object_del(st->nonces, k);
        }
    json_object_set_new(st->nonces, nonce, json_integer(now));
    return 0;
}

static int verify(sb_ctx *ctx, sb_req *req, sb_param *p, size_t n, sb_resp *resp)
{
    static const char *const names[] = {"oauth_consumer_key", "oauth_timestamp", "oauth_nonce",
                                        "oauth_signature", "oauth_signature_method"};
    char missing[256] = "";
    int have_one = 0;
    for (size_t i = 0; i < 5; i++) {
        const char *v = find(p, n, names[i]);
        if (v && *v)
            have_one = 1;
        else
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
                     missing[0] ? ", " : "", names[i]);
    }
    if (!have_one)
        return 0;
    if (missing[0]) {
        char msg[300];
        snprintf(msg, sizeof msg, "Missing OAuth parameter %s", missing);
        return auth_error(resp, "woocommerce_rest_authentication_missing_parameter", msg);
    }
    if (strcmp(find(p, n, "oauth_consumer_key"), ctx->consumer_key) != 0)
        return auth_error(resp, "woocommerce_rest_authentication_error",
                          "Consumer key is invalid.");
    const char *method = find(p, n, "oauth_signature_method");
    int sha256 = strcmp(method, "HMAC-SHA256") == 0;
    if (!sha256 && strcmp(method, "HMAC-SHA1") != 0)
        return auth_error(resp, "woocommerce_rest_authentication_error",
                          "Invalid signature - signature method is invalid.");
    char given[128], url[512];
    snprintf(given, sizeof given, "%s", find(p, n, "oauth_signature"));
    for (char *c = given; *c; c++)
        if (*c == ' ') /* '+' decoded as a space by the query parser */
            *c = '+';
    snprintf(url, sizeof url, "%s/wp-json/wc/v3%s", ctx->store.site_url, req->path);
    char *want = sign(req->method, url, p, n, ctx->consumer_secret, sha256);
    int ok = want && strlen(want) == strlen(given) && CRYPTO_memcmp(want, given, strlen(want)) == 0;
    free(want);
    if (!ok)
        return auth_error(resp, "woocommerce_rest_authentication_error",
                          "Invalid signature - provided signature does not match.");
    int64_t now = (int64_t)time(NULL);
    char *end;
    int64_t ts = strtoll(find(p, n, "oauth_timestamp"), &end, 10);
    if (*end || ts < now - OAUTH_WINDOW_S || ts > now + OAUTH_WINDOW_S)
        return auth_error(resp, "woocommerce_rest_authentication_error", "Invalid timestamp.");
    pthread_mutex_lock(&ctx->store.mu);
    int used = nonce_used(&ctx->store, find(p, n, "oauth_nonce"), now);
    pthread_mutex_unlock(&ctx->store.mu);
    if (used)
        return auth_error(resp, "woocommerce_rest_authentication_error",
                          "Invalid nonce - nonce has already been used.");
    return 1;
}

/* Basic auth on https: 1 when "key:secret" matches, 0 without the header,
   else the store's 401 for a wrong secret or unknown key. */
static int verify_basic(sb_ctx *ctx, const char *h, sb_resp *resp)
{
    if (!h || strncmp(h, "Basic ", 6) != 0)
        return 0;
    unsigned char plain[512];
    size_t in = strlen(h + 6);
    if (in == 0 || in > 4 * (sizeof plain / 3) - 4)
        return auth_error(resp, "woocommerce_rest_cannot_view", "Consumer key is invalid.");
    int n = EVP_DecodeBlock(plain, (const unsigned char *)h + 6, (int)in);
    if (n < 0)
        return auth_error(resp, "woocommerce_rest_cannot_view", "Consumer key is invalid.");
    while (n > 0 && plain[n - 1] == '\0') /* base64 padding decodes to NULs */
        n--;
    plain[n] = '\0';
    char *colon = strchr((char *)plain, ':');
    if (!colon)
        return auth_error(resp, "woocommerce_rest_cannot_view", "Consumer key is invalid.");
    *colon = '\0';
    if (strcmp((char *)plain, ctx->consumer_key) != 0)
        return auth_error(resp, "woocommerce_rest_cannot_view", "Consumer key is invalid.");
    size_t want = strlen(ctx->consumer_secret);
    if (strlen(colon + 1) != want || CRYPTO_memcmp(colon + 1, ctx->consumer_secret, want) != 0)
        return auth_error(resp, "woocommerce_rest_authentication_error",
                          "Consumer secret is invalid.");
    return 1;
}

int sb_auth_check(sb_ctx *ctx, sb_req *req, sb_resp *resp)
{
    if (strcmp(ctx->scheme, "https") == 0)
        return verify_basic(
            ctx, MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Authorization"), resp);
    sb_param p[SB_MAX_PARAMS + 16];
    size_t n = 0;
    for (size_t i = 0; i < req->nparams; i++)
        p[n++] = req->params[i]; /* borrowed */
    const char *h = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Authorization");
    if (h)
        n += parse_header(h, p + n, sizeof p / sizeof p[0] - n);
    int rc = verify(ctx, req, p, n, resp);
    for (size_t i = 0; i < n; i++) { /* only the header's copies are ours */
        int owned = 0;
        for (size_t j = 0; j < req->nparams && !owned; j++)
            owned = p[i].key == req->params[j].key;
        if (!owned) {
            free(p[i].key);
            free(p[i].value);
        }
    }
    return rc;
}

/* Splits url's query into decoded params appended to p. */
static size_t split_query(char *query, sb_param *p, size_t room)
{
    size_t n = 0;
    for (char *tok = strtok(query, "&"); tok && n < room; tok = strtok(NULL, "&")) {
        char *eq = strchr(tok, '=');
        if (eq)
            *eq = '\0';
        p[n].key = sb_pct_decode(tok);
        p[n].value = sb_pct_decode(eq ? eq + 1 : "");
        n++;
    }
    return n;
}

int sb_sign_url_main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: woo_sandbox --sign-url METHOD URL KEY SECRET "
                        "[sha1|sha256]\n");
        return 2;
    }
    const char *method = argv[0], *key = argv[2], *secret = argv[3];
    int sha256 = argc > 4 && strcmp(argv[4], "sha256") == 0;
    char *url = strdup(argv[1]), *q = strchr(url, '?');
    sb_param p[SB_MAX_PARAMS + 8];
    size_t n = 0;
    if (q) {
        *q++ = '\0';
        n = split_query(q, p, SB_MAX_PARAMS);
    }
    char nonce[40], ts[32];
    unsigned char rnd[16];
    FILE *ur = fopen("/dev/urandom", "rb");
    if (!ur || fread(rnd, 1, sizeof rnd, ur) != sizeof rnd) {
        fprintf(stderr, "cannot read /dev/urandom\n");
        return 1;
    }
    fclose(ur);
    for (int i = 0; i < 16; i++)
        snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    const char *extra[][2] = {{"oauth_consumer_key", key},
                              {"oauth_nonce", nonce},
                              {"oauth_signature_method", sha256 ? "HMAC-SHA256" : "HMAC-SHA1"},
                              {"oauth_timestamp", ts}};
    for (size_t i = 0; i < 4; i++) {
        p[n].key = strdup(extra[i][0]);
        p[n].value = strdup(extra[i][1]);
        n++;
    }
    char *sig = sign(method, url, p, n, secret, sha256);
    int rc = sig ? 0 : 1;
    if (sig) {
        printf("%s?", url);
        for (size_t i = 0; i < n; i++) {
            char *k = sb_pct_encode(p[i].key), *v = sb_pct_encode(p[i].value);
            printf("%s=%s&", k, v);
            free(k);
            free(v);
        }
        char *es = sb_pct_encode(sig);
        printf("oauth_signature=%s\n", es);
        free(es);
    }
    for (size_t i = 0; i < n; i++) {
        free(p[i].key);
        free(p[i].value);
    }
    free(sig);
    free(url);
    return rc;
}
