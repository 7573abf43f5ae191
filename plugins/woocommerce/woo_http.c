/*
 * REST calls to the store through the host's HTTP service, and the one place
 * where HTTP outcomes become SL_E* codes. The host's HTTP layer makes no
 * waiting retries (callers schedule them); what arrives here is mapped:
 * 401 -> SL_EAUTH with the store's message, 429/5xx -> SL_ERETRY with
 * retry_after_ms, other 4xx -> SL_EREMOTE with "code: message" from the
 * WordPress error body. A 500 answered with an HTML page (a PHP fatal) is
 * tolerated: the message then says the body was not JSON. A 2xx whose body
 * is not the JSON the call expects (a proxy's HTML page, nothing) is
 * SL_ERETRY: nothing says the store did the call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

int woo_call_init(woo_call *c, const char *method, const char *path)
{
    memset(c, 0, sizeof *c);
    c->method = method;
    int n = snprintf(c->path, sizeof c->path, "%s", path);
    if (n < 0 || (size_t)n >= sizeof c->path || path[0] != '/')
        return SL_EINVALID;
    return SL_OK;
}

int woo_call_param(woo_call *c, woo_chan *ch, sl_ctx *ctx, const char *name, const char *value,
                   sl_error *err)
{
    if (c->nq >= WOO_MAX_PARAMS)
        return sl_error_set(err, SL_EINTERNAL, name, "too many parameters");
    char *v = ch->host->strdup(ctx, value);
    if (v == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    c->qname[c->nq] = name;
    c->qval[c->nq++] = v;
    return SL_OK;
}

/* Writes "code: message" of a WordPress error body into buf; "" if the
   body is not such an object. */
static void error_text(const char *body, size_t len, char *buf, size_t cap)
{
    buf[0] = '\0';
    json_t *j = NULL;
    if (body == NULL || sl_json_parse(body, len, 1u << 20, &j, NULL) != SL_OK)
        return;
    const char *code = NULL, *msg = NULL;
    if (json_is_object(j)) {
        sl_json_str(j, "code", 0, &code, NULL);
        sl_json_str(j, "message", 0, &msg, NULL);
    }
    if (code != NULL || msg != NULL)
        snprintf(buf, cap, "%s: %s", code ? code : "?", msg ? msg : "");
    json_decref(j);
}

/* Maps a completed response with status >= 300 to an error: the SDK's
   default map, but a 404 is the store refusing (an unknown order id is
   woocommerce_rest_shop_order_invalid_id), SL_EREMOTE. */
static int map_status(void *chan, const char *what, const sl_http_resp *resp, sl_error *err)
{
    const woo_chan *ch = chan;
    const sl_host *h = ch->host;
    size_t len = 0;
    const char *body = h->http_resp_body(resp, &len);
    char text[200];
    error_text(body, len, text, sizeof text);
    if (text[0] == '\0')
        snprintf(text, sizeof text, "answer was not a JSON error body");
    int code = h->http_status(resp) == 404 ? SL_EREMOTE : 0;
    return sl_http_fail(h, resp, code, 0, what, text, err);
}

static const char *answer_name(int answer)
{
    return answer == WOO_ANSWER_OBJECT  ? "a JSON object"
           : answer == WOO_ANSWER_ARRAY ? "a JSON array"
                                        : "JSON";
}

/* The body of a 2xx answer as c->answer asks. A success status whose body
   cannot be read is not a success: a proxy or cache page in front of the
   store says nothing of what the store did, so it is SL_ERETRY. */
static int parse_body(woo_chan *ch, const woo_call *c, const sl_http_resp *resp, json_t **out,
                      sl_error *err)
{
    size_t len = 0;
    const char *body = ch->host->http_resp_body(resp, &len);
    int status = ch->host->http_status(resp);
    json_t *j = NULL;
    sl_error perr = {.size = sizeof perr};
    int rc = sl_json_parse(body ? body : "", body ? len : 0, WOO_MAX_BODY, &j, &perr);
    if (rc == SL_ETOOBIG)
        return sl_error_set(err, SL_ETOOBIG, "body", "%s %s: answer over %u bytes", c->method,
                            c->path, WOO_MAX_BODY);
    const char *why = rc != SL_OK                                            ? perr.message
                      : c->answer == WOO_ANSWER_OBJECT && !json_is_object(j) ? "another JSON value"
                      : c->answer == WOO_ANSWER_ARRAY && !json_is_array(j)   ? "another JSON value"
                                                                             : NULL;
    if (why != NULL) {
        json_decref(j);
        sl_error_set(err, SL_ERETRY, "body", "%s %s: HTTP %d but the answer is not %s (%s%s)",
                     c->method, c->path, status, answer_name(c->answer),
                     len == 0 ? "empty body" : "", len == 0 ? "" : why);
        if (err != NULL && err->size >= sizeof *err)
            err->http_status = status;
        return SL_ERETRY;
    }
    if (out != NULL)
        *out = j;
    else
        json_decref(j);
    return SL_OK;
}

/* Builds the request: URL, the call's query parameters, auth and body. */
static int build_request(woo_chan *ch, sl_ctx *ctx, const woo_call *c, sl_http_req **out,
                         sl_error *err)
{
    const sl_host *h = ch->host;
    char url[WOO_URL_MAX + 256];
    int n = snprintf(url, sizeof url, "%s%s%s", ch->base, WOO_API_PREFIX, c->path);
    if (n < 0 || (size_t)n >= sizeof url)
        return sl_error_set(err, SL_EINVALID, "url", "request URL too long");
    sl_http_req *req = h->http_new(ctx, c->method, url);
    if (req == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "http_new failed");
    for (size_t i = 0; i < c->nq; i++)
        if (h->http_query(req, c->qname[i], c->qval[i]) != SL_OK)
            return sl_error_set(err, SL_EINTERNAL, c->qname[i], "http_query refused");
    int rc = woo_auth_apply(ch, ctx, req, c->method, url, c, err);
    if (rc != SL_OK)
        return rc;
    if (h->http_header(req, "Accept", "application/json") != SL_OK ||
        (c->body != NULL && h->http_body(req, c->body, c->body_len, "application/json") != SL_OK))
        return sl_error_set(err, SL_EINTERNAL, "", "cannot set the body");
    *out = req;
    return SL_OK;
}

int woo_call_send(woo_chan *ch, sl_ctx *ctx, const woo_call *c, json_t **out,
                  const sl_http_resp **resp_out, sl_error *err)
{
    sl_http_req *req = NULL;
    int rc = build_request(ch, ctx, c, &req, err);
    if (rc != SL_OK)
        return rc;
    char what[sizeof c->path + 16];
    snprintf(what, sizeof what, "%s %s", c->method, c->path);
    sl_http_resp *resp = NULL;
    rc = sl_http_send_2xx(ch->host, req, what, map_status, ch, &resp, err);
    if (rc != SL_OK)
        return rc;
    rc = parse_body(ch, c, resp, out, err);
    if (rc != SL_OK)
        return rc;
    if (resp_out != NULL)
        *resp_out = resp;
    return SL_OK;
}

int woo_total_pages(woo_chan *ch, const sl_http_resp *resp)
{
    const char *v = ch->host->http_resp_header(resp, "X-WP-TotalPages");
    if (v == NULL)
        return 0;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || end == v || n < 0)
        return 0;
    return n > WOO_MAX_PAGES ? WOO_MAX_PAGES : (int)n;
}
