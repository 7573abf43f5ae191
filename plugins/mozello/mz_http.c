/*
 * Store API calls through the host's HTTP service, and the one place where
 * HTTP outcomes become SL_E* codes (api/mozello.md §1-3).
 *
 * Every call carries `Authorization: ApiKey <key>`. Mozello answers
 * {"error": false, ...} on success and {"error": true, "error_code": N,
 * "error_message": "..."} on failure; HTTP 200 can still carry
 * "error": true (batches), so the body decides too. Throttling is a 403
 * (not 429) after bursts: it becomes SL_ERETRY with a back-off of at least
 * 60 s, so the host's scheduler waits instead of hammering the shop.
 * next_page_uri is relative ("/store/orders/?page_size=50&page_start=id:9")
 * and is resolved against the configured base, never built by us.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mozello.h"
#include "shopledger/sdkutil.h"

/* error_message of a Mozello error body into buf ("" when there is none). */
static void error_message(const json_t *j, char *buf, size_t cap)
{
    const char *msg = NULL;
    buf[0] = '\0';
    if (json_is_object(j) && sl_json_str(j, "error_message", 0, &msg, NULL) == SL_OK && msg)
        snprintf(buf, cap, "%s", msg);
}

/* The SDK's default map, but a 403 is Mozello's throttle (doc §2):
   SL_ERETRY, waiting at least MZ_THROTTLE_MS. */
static int map_status(void *chan, const char *what, const sl_http_resp *resp, sl_error *err)
{
    const mz_chan *ch = chan;
    const sl_host *h = ch->host;
    size_t len = 0;
    const char *body = h->http_resp_body(resp, &len);
    json_t *j = NULL;
    char text[240] = "";
    if (body != NULL && sl_json_parse(body, len, 1u << 20, &j, NULL) == SL_OK)
        error_message(j, text, 200);
    json_decref(j);
    if (h->http_status(resp) != 403)
        return sl_http_fail(h, resp, 0, 0, what, text, err);
    size_t n = strlen(text);
    snprintf(text + n, sizeof text - n, "%s(throttled; backing off)", n ? " " : "");
    return sl_http_fail(h, resp, SL_ERETRY, MZ_THROTTLE_MS, what, text, err);
}

/* Parses a 2xx body; "error": true in it is a remote refusal. */
static int parse_answer(mz_chan *ch, const char *method, const char *path, const sl_http_resp *resp,
                        json_t **out, sl_error *err)
{
    size_t len = 0;
    const char *body = ch->host->http_resp_body(resp, &len);
    json_t *j = NULL;
    int rc = sl_json_parse(body ? body : "", body ? len : 0, MZ_MAX_BODY, &j, err);
    if (rc != SL_OK)
        return sl_error_set(err, rc == SL_ETOOBIG ? rc : SL_EREMOTE, "body",
                            "%s %.160s: answer is not JSON", method, path);
    if (!json_is_object(j)) {
        json_decref(j);
        return sl_error_set(err, SL_EREMOTE, "body", "%s %.160s: answer is not a JSON object",
                            method, path);
    }
    if (json_is_true(json_object_get(j, "error"))) {
        char text[200];
        error_message(j, text, sizeof text);
        json_decref(j);
        return sl_error_set(err, SL_EREMOTE, "error", "%s %.160s: %s", method, path,
                            text[0] ? text : "error without message");
    }
    *out = j;
    return SL_OK;
}

static int build_request(mz_chan *ch, sl_ctx *ctx, const char *method, const char *path,
                         const char *const *query, const char *body, sl_http_req **out,
                         sl_error *err)
{
    const sl_host *h = ch->host;
    char url[MZ_URL_MAX + 1024];
    char auth[600];
    int n = snprintf(url, sizeof url, "%s%s", ch->base, path);
    if (n < 0 || (size_t)n >= sizeof url || path[0] != '/')
        return sl_error_set(err, SL_EINVALID, "path", "request path too long");
    n = snprintf(auth, sizeof auth, "ApiKey %s", ch->api_key);
    if (n < 0 || (size_t)n >= sizeof auth)
        return sl_error_set(err, SL_EINVALID, "api_key", "api_key too long");
    sl_http_req *req = h->http_new(ctx, method, url);
    if (req == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "http_new failed");
    for (size_t i = 0; query != NULL && query[i] != NULL; i += 2)
        if (h->http_query(req, query[i], query[i + 1]) != SL_OK)
            return sl_error_set(err, SL_EINTERNAL, query[i], "http_query refused");
    if (h->http_header(req, "Authorization", auth) != SL_OK ||
        h->http_header(req, "Accept", "application/json") != SL_OK ||
        (body != NULL && h->http_body(req, body, strlen(body), "application/json") != SL_OK))
        return sl_error_set(err, SL_EINTERNAL, "", "cannot build the request");
    *out = req;
    return SL_OK;
}

int mz_call(mz_chan *ch, sl_ctx *ctx, const char *method, const char *path,
            const char *const *query, const char *body, json_t **out, sl_error *err)
{
    sl_http_req *req = NULL;
    int rc = build_request(ch, ctx, method, path, query, body, &req, err);
    if (rc != SL_OK)
        return rc;
    char what[200];
    snprintf(what, sizeof what, "%s %.160s", method, path);
    sl_http_resp *resp = NULL;
    rc = sl_http_send_2xx(ch->host, req, what, map_status, ch, &resp, err);
    if (rc != SL_OK)
        return rc;
    return parse_answer(ch, method, path, resp, out, err);
}

/* The path part of the base ("/v1" of "https://api.mozello.com/v1"). */
static const char *base_path(const mz_chan *ch)
{
    const char *p = strstr(ch->base, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    return p ? p : "";
}

int mz_next_page(const mz_chan *ch, const json_t *answer, char *buf, size_t cap, int *has_next,
                 sl_error *err)
{
    const char *key = "next_page_uri", *v = NULL;
    int rc = sl_json_str(answer, key, 0, &v, err);
    if (rc == SL_OK && v == NULL)
        rc = sl_json_str(answer, key = "next_page_link", 0, &v, err);
    if (rc != SL_OK)
        return rc;
    *has_next = v != NULL && *v != '\0';
    if (!*has_next)
        return SL_OK;
    size_t blen = strlen(ch->base), plen = strlen(base_path(ch));
    if (strncmp(v, ch->base, blen) == 0) /* absolute under our base */
        v += blen;
    else if (plen > 0 && strncmp(v, base_path(ch), plen) == 0 && v[plen] == '/')
        v += plen; /* "/v1/store/..." */
    if (v[0] != '/' || strstr(v, "://") != NULL || strpbrk(v, " \t\r\n#") != NULL ||
        strlen(v) >= cap)
        return sl_error_set(err, SL_EINVALID, key, "%s \"%.80s\" is not a path below the API base",
                            key, v);
    memcpy(buf, v, strlen(v) + 1);
    return SL_OK;
}
