/*
 * HTTP for plugins through the host's libcurl. The host, not the plugin,
 * owns the policy: TLS verification always on (a channel may name its own
 * `ca_file`), only http/https, short timeouts (a channel may set
 * `http_connect_timeout_ms` and `http_timeout_ms`), a per-channel minimum
 * interval between requests, a response size cap, and a request log
 * without query strings (they can carry OAuth signatures).
 *
 * No call sleeps to retry: a 429/502/503/504 answer or a transport failure
 * comes back at once (SL_ERETRY with err->retry_after_ms from Retry-After
 * or the backoff), and the caller schedules the retry (outbox rows, the
 * next poll). services_http_stop() abandons every transfer in flight
 * within about a second (curl's progress callback checks it) and refuses
 * new ones, so a hanging shop cannot hold up a shutdown.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "services/ctx_internal.h"
#include "shopledger/sdkutil.h"

#define HTTP_MAX_BODY (32u << 20)
#define HTTP_MAX_HEADERS 128
#define HTTP_URL_MAX 8192

typedef struct http_pair {
    char *name, *value;
} http_pair;

struct sl_http_req {
    sl_ctx *ctx;
    const char *method;
    char *url;
    size_t url_len;
    int has_query;
    http_pair headers[HTTP_MAX_HEADERS];
    size_t header_count;
    const char *body;
    size_t body_len;
    const char *user, *password;
    int bad; /* a builder call failed: send refuses */
};

struct sl_http_resp {
    int status;
    http_pair headers[HTTP_MAX_HEADERS];
    size_t header_count;
    char *body;
    size_t body_len, body_cap;
    int too_big;
    arena *mem;
};

static services_http_policy policy = {
    .connect_timeout_ms = 5000,
    .timeout_ms = 20000,
    .max_retries = 0,
    .max_retry_wait_ms = 60000,
    .min_interval_ms = 0,
};

void services_set_http_policy(const services_http_policy *p)
{
    policy = *p;
}

/* The stop: a flag the transfers poll, and a condition the rate-limit
   pause waits on so that it ends at once too. */
static atomic_int http_stopping;
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;

void services_http_stop(void)
{
    pthread_mutex_lock(&stop_lock);
    atomic_store(&http_stopping, 1);
    pthread_cond_broadcast(&stop_cond);
    pthread_mutex_unlock(&stop_lock);
}

void services_http_restart(void)
{
    atomic_store(&http_stopping, 0);
}

int services_http_stopping(void)
{
    return atomic_load(&http_stopping);
}

/* curl calls this at least once a second during a transfer, connecting
   included; non-zero aborts it (CURLE_ABORTED_BY_CALLBACK). */
static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)user, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return atomic_load(&http_stopping);
}

/* A channel's own millisecond setting, else the policy's. */
static long channel_ms(const sl_ctx *ctx, const char *key, long fallback)
{
    const char *v = ctx->channel ? config_channel_get(ctx->channel, key) : NULL;
    if (v == NULL)
        return fallback;
    char *end;
    long long ms = strtoll(v, &end, 10);
    return *end == '\0' && ms > 0 && ms <= 600000 ? (long)ms : fallback;
}

sl_http_req *services_http_new(sl_ctx *ctx, const char *method, const char *url)
{
    if (method == NULL || url == NULL)
        return NULL;
    sl_http_req *r = arena_alloc(&ctx->call_arena, sizeof *r);
    if (r == NULL)
        return NULL;
    r->ctx = ctx;
    r->method = arena_strdup(&ctx->call_arena, method);
    r->url = arena_alloc(&ctx->call_arena, HTTP_URL_MAX);
    if (r->method == NULL || r->url == NULL)
        return NULL;
    int n = snprintf(r->url, HTTP_URL_MAX, "%s", url);
    if (n < 0 || n >= HTTP_URL_MAX)
        r->bad = 1;
    r->url_len = strlen(r->url);
    r->has_query = strchr(r->url, '?') != NULL;
    return r;
}

int services_http_header(sl_http_req *r, const char *name, const char *value)
{
    if (r == NULL || name == NULL || value == NULL || r->header_count >= HTTP_MAX_HEADERS ||
        strpbrk(name, "\r\n:") || strpbrk(value, "\r\n")) {
        if (r)
            r->bad = 1;
        return SL_EINVALID;
    }
    http_pair *h = &r->headers[r->header_count++];
    h->name = arena_strdup(&r->ctx->call_arena, name);
    h->value = arena_strdup(&r->ctx->call_arena, value);
    return h->name && h->value ? SL_OK : SL_ENOMEM;
}

int services_http_query(sl_http_req *r, const char *name, const char *value)
{
    if (r == NULL || name == NULL || value == NULL)
        return SL_EINVALID;
    char k[512], v[4096];
    if (sl_url_encode(name, k, sizeof k) == (size_t)-1 ||
        sl_url_encode(value, v, sizeof v) == (size_t)-1) {
        r->bad = 1;
        return SL_ETOOBIG;
    }
    int n = snprintf(r->url + r->url_len, HTTP_URL_MAX - r->url_len, "%c%s=%s",
                     r->has_query ? '&' : '?', k, v);
    if (n < 0 || (size_t)n >= HTTP_URL_MAX - r->url_len) {
        r->bad = 1;
        return SL_ETOOBIG;
    }
    r->url_len += (size_t)n;
    r->has_query = 1;
    return SL_OK;
}

int services_http_body(sl_http_req *r, const char *data, size_t len, const char *content_type)
{
    if (r == NULL || (data == NULL && len > 0))
        return SL_EINVALID;
    char *copy = arena_strndup(&r->ctx->call_arena, data ? data : "", len);
    if (copy == NULL)
        return SL_ENOMEM;
    r->body = copy;
    r->body_len = len;
    if (content_type != NULL)
        return services_http_header(r, "Content-Type", content_type);
    return SL_OK;
}

int services_http_basic_auth(sl_http_req *r, const char *user, const char *password)
{
    if (r == NULL || user == NULL || password == NULL)
        return SL_EINVALID;
    r->user = arena_strdup(&r->ctx->call_arena, user);
    r->password = arena_strdup(&r->ctx->call_arena, password);
    return SL_OK;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    sl_http_resp *resp = user;
    size_t len = size * n;
    if (resp->body_len + len > HTTP_MAX_BODY) {
        resp->too_big = 1;
        return 0; /* aborts the transfer */
    }
    if (resp->body_len + len + 1 > resp->body_cap) {
        size_t cap = resp->body_cap ? resp->body_cap * 2 : 8192;
        while (cap < resp->body_len + len + 1)
            cap *= 2;
        char *grown = arena_alloc(resp->mem, cap);
        if (grown == NULL)
            return 0;
        if (resp->body_len)
            memcpy(grown, resp->body, resp->body_len);
        resp->body = grown; /* the old block stays in the arena until call end */
        resp->body_cap = cap;
    }
    memcpy(resp->body + resp->body_len, data, len);
    resp->body_len += len;
    resp->body[resp->body_len] = '\0';
    return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    sl_http_resp *resp = user;
    size_t len = size * n;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        resp->header_count = 0; /* a new response (e.g. after 100-continue) */
        return len;
    }
    char *colon = memchr(data, ':', len);
    if (colon == NULL || resp->header_count >= HTTP_MAX_HEADERS)
        return len;
    const char *v = colon + 1;
    const char *end = data + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    http_pair *h = &resp->headers[resp->header_count];
    h->name = arena_strndup(resp->mem, data, (size_t)(colon - data));
    h->value = arena_strndup(resp->mem, v, (size_t)(end - v));
    if (h->name && h->value)
        resp->header_count++;
    return len;
}

const char *services_http_resp_header(const sl_http_resp *resp, const char *name)
{
    if (resp == NULL || name == NULL)
        return NULL;
    for (size_t i = resp->header_count; i-- > 0;)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

int services_http_status(const sl_http_resp *resp)
{
    return resp ? resp->status : 0;
}

const char *services_http_resp_body(const sl_http_resp *resp, size_t *len)
{
    if (resp == NULL) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = resp->body_len;
    return resp->body ? resp->body : "";
}

/* Retry-After in seconds (the HTTP-date form is rare from shops; it falls
   back to our own backoff). */
static int64_t retry_after_ms(const sl_http_resp *resp)
{
    const char *v = services_http_resp_header(resp, "Retry-After");
    if (v == NULL || !isdigit((unsigned char)v[0]))
        return -1;
    char *end;
    long long s = strtoll(v, &end, 10);
    if (*end != '\0' || s < 0 || s > 86400)
        return -1;
    return (int64_t)s * 1000;
}

/* Paces a channel's requests (min_request_interval_ms): a pause of at
   most one interval, which a stop ends at once. */
static void wait_rate_limit(sl_ctx *ctx)
{
    int64_t interval = channel_ms(ctx, "min_request_interval_ms", (long)policy.min_interval_ms);
    if (interval <= 0 || ctx->last_request_ms == 0)
        return;
    int64_t left = interval - (services_now_ms() - ctx->last_request_ms);
    if (left <= 0)
        return;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += left / 1000;
    until.tv_nsec += (left % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&stop_lock);
    while (!atomic_load(&http_stopping) &&
           pthread_cond_timedwait(&stop_cond, &stop_lock, &until) == 0)
        ;
    pthread_mutex_unlock(&stop_lock);
}

static struct curl_slist *build_headers(const sl_http_req *r)
{
    struct curl_slist *list = NULL;
    /* curl adds "Expect: 100-continue" on large POSTs; shops behind some
       proxies stall on it. */
    list = curl_slist_append(list, "Expect:");
    for (size_t i = 0; i < r->header_count && list; i++) {
        char line[4608];
        snprintf(line, sizeof line, "%s: %s", r->headers[i].name, r->headers[i].value);
        struct curl_slist *next = curl_slist_append(list, line);
        if (next == NULL) {
            curl_slist_free_all(list);
            return NULL;
        }
        list = next;
    }
    return list;
}

static void setup_curl(CURL *c, const sl_http_req *r, sl_http_resp *resp,
                       struct curl_slist *headers)
{
    sl_ctx *ctx = r->ctx;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, r->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (ctx->fresh_connections) { /* a request that must not be resent (services.h) */
        curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    }
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     channel_ms(ctx, "http_connect_timeout_ms", policy.connect_timeout_ms));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, channel_ms(ctx, "http_timeout_ms", policy.timeout_ms));
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    const char *ca = ctx->channel ? config_channel_get(ctx->channel, "ca_file") : NULL;
    if (ca != NULL)
        curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
    if (strcmp(r->method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (r->body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    }
    if (r->user != NULL) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, r->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, r->password);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "shopledger/" SL_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
}

/* Logs method, scheme://host/path (no query: it may carry signatures),
   status and time. */
static void log_request(sl_ctx *ctx, const sl_http_req *r, int status, int64_t ms,
                        const char *failure)
{
    const char *q = strchr(r->url, '?');
    int path_len = (int)(q ? (size_t)(q - r->url) : strlen(r->url));
    if (failure)
        services_log(ctx, SL_LOG_WARN, "http %s %.*s failed after %lld ms: %s", r->method, path_len,
                     r->url, (long long)ms, failure);
    else
        services_log(ctx, SL_LOG_DEBUG, "http %s %.*s -> %d in %lld ms", r->method, path_len,
                     r->url, status, (long long)ms);
}

static int transient_status(int status)
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

/* One attempt: fills resp and curl's own detail in why
   (CURL_ERROR_SIZE bytes); returns the CURLcode. */
static CURLcode attempt(sl_http_req *r, sl_http_resp *resp, char *why)
{
    sl_ctx *ctx = r->ctx;
    if (ctx->curl == NULL && (ctx->curl = curl_easy_init()) == NULL)
        return CURLE_OUT_OF_MEMORY;
    struct curl_slist *headers = build_headers(r);
    if (headers == NULL)
        return CURLE_OUT_OF_MEMORY;
    resp->status = 0;
    resp->header_count = 0;
    resp->body_len = 0;
    resp->too_big = 0;
    setup_curl(ctx->curl, r, resp, headers);
    why[0] = '\0';
    curl_easy_setopt(ctx->curl, CURLOPT_ERRORBUFFER, why);
    wait_rate_limit(ctx);
    CURLcode rc = curl_easy_perform(ctx->curl);
    curl_easy_setopt(ctx->curl, CURLOPT_ERRORBUFFER, NULL);
    ctx->last_request_ms = services_now_ms();
    long code = 0;
    curl_easy_getinfo(ctx->curl, CURLINFO_RESPONSE_CODE, &code);
    resp->status = (int)code;
    curl_easy_setopt(ctx->curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    return rc;
}

static int64_t backoff_ms(int attempt_no)
{
    int64_t ms = 500LL << (attempt_no < 10 ? attempt_no : 10);
    return ms > policy.max_retry_wait_ms ? policy.max_retry_wait_ms : ms;
}

/* The transient outcome of the last attempt, for the caller to schedule. */
static int transient_failure(sl_http_req *r, sl_http_resp *resp, CURLcode rc, int64_t wait,
                             sl_http_resp **out, sl_error *err)
{
    if (rc == CURLE_OK)
        *out = resp;
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        sl_error_set(err, SL_ERETRY, "http", "%s abandoned: the host is stopping", r->method);
    else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
        /* nothing reached the server: safe to send elsewhere (sdk.h) */
        sl_error_set(err, SL_ERETRY, "connect", "%s failed: %s", r->method, curl_easy_strerror(rc));
    else if (rc != CURLE_OK)
        sl_error_set(err, SL_ERETRY, "http", "%s failed: %s", r->method, curl_easy_strerror(rc));
    else
        sl_error_set(err, SL_ERETRY, "http", "%s answered HTTP %d", r->method, resp->status);
    if (err && err->size >= sizeof *err) {
        err->http_status = rc == CURLE_OK ? resp->status : 0;
        err->retry_after_ms = wait;
    }
    return SL_ERETRY;
}

/* A certificate the client cannot trust: asking again gives the same
   answer, so it is never retried. */
static int tls_trust_error(CURLcode rc)
{
    return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
           rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_ISSUER_ERROR ||
           rc == CURLE_SSL_CRL_BADFILE || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

/* The error for tls_trust_error: curl's cause and the INI key to fix it. */
static int tls_error(const sl_http_req *r, CURLcode rc, const char *why, sl_error *err)
{
    const char *cause = why[0] ? why : curl_easy_strerror(rc);
    const char *ca = r->ctx->channel ? config_channel_get(r->ctx->channel, "ca_file") : NULL;
    if (ca != NULL)
        return sl_error_set(err, SL_EIO, "ca_file",
                            "%s refused the server's certificate: %s (checked against "
                            "ca_file %s; is it the CA that signed the shop's certificate?)",
                            r->method, cause, ca);
    return sl_error_set(err, SL_EIO, "ca_file",
                        "%s refused the server's certificate: %s (set ca_file = PATH "
                        "of the CA's PEM in the channel's section to trust it)",
                        r->method, cause);
}

int services_http_send(sl_http_req *r, sl_http_resp **out, sl_error *err)
{
    if (r == NULL || r->bad)
        return sl_error_set(err, SL_EINVALID, "request",
                            "HTTP request was built with invalid parts");
    if (atomic_load(&http_stopping))
        return sl_error_set(err, SL_ERETRY, "http", "not sent: the host is stopping");
    sl_http_resp *resp = arena_alloc(&r->ctx->call_arena, sizeof *resp);
    if (resp == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    resp->mem = &r->ctx->call_arena;
    for (int i = 0;; i++) {
        int64_t start = services_now_ms();
        char why[CURL_ERROR_SIZE];
        CURLcode rc = attempt(r, resp, why);
        int64_t took = services_now_ms() - start;
        if (resp->too_big) {
            log_request(r->ctx, r, 0, took, "response too large");
            return sl_error_set(err, SL_ETOOBIG, "body", "response over %u bytes", HTTP_MAX_BODY);
        }
        int transient = rc != CURLE_OK || transient_status(resp->status);
        log_request(r->ctx, r, resp->status, took, rc != CURLE_OK ? curl_easy_strerror(rc) : NULL);
        if (tls_trust_error(rc))
            return tls_error(r, rc, why, err);
        if (!transient) {
            *out = resp;
            return SL_OK;
        }
        int64_t wait = retry_after_ms(resp);
        if (wait < 0)
            wait = backoff_ms(i);
        /* Only an immediate retry is made here (policy.max_retries, 0 by
           default); anything that must wait is the caller's to schedule. */
        if (i >= policy.max_retries || rc == CURLE_ABORTED_BY_CALLBACK ||
            atomic_load(&http_stopping) || retry_after_ms(resp) > 0)
            return transient_failure(r, resp, rc, wait, out, err);
    }
}
