/*
 * The sandbox's HTTP side (the daemon and the body are sbc_http's): the
 * request/response structs the routes work on, dispatch
 * (auth first, like WordPress's rest_authentication_errors, then routes,
 * then rest_no_route), WordPress's _fields trimming, and WooCommerce's
 * response headers and pagination.
 */
#include "sb.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API_PREFIX "/wp-json/wc/v3"

const char *sb_param_get(const sb_req *req, const char *key)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->params[i].key, key) == 0)
            return req->params[i].value;
    return NULL;
}

void sb_resp_json(sb_resp *resp, int status, json_t *json)
{
    json_decref(resp->json);
    resp->status = status;
    resp->json = json;
}

void sb_resp_error(sb_resp *resp, int status, const char *code, const char *message)
{
    sb_resp_json(resp, status,
                 json_pack("{s:s, s:s, s:{s:i}}", "code", code, "message", message, "data",
                           "status", status));
}

int sb_match(const char *path, const char *pattern, int64_t ids[2])
{
    int n = 0;
    while (*pattern) {
        if (*pattern == '#') {
            char *end;
            if (*path < '0' || *path > '9' || n >= 2)
                return 0;
            ids[n++] = strtoll(path, &end, 10);
            path = end;
            pattern++;
        } else if (*path++ != *pattern++) {
            return 0;
        }
    }
    return *path == '\0' || (*path == '/' && path[1] == '\0');
}

json_t *sb_req_json(const sb_req *req, sb_resp *resp)
{
    json_error_t jerr;
    json_t *j = json_loadb(req->body, req->body_len, 0, &jerr);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        sb_resp_error(resp, 400, "rest_invalid_json", "Invalid JSON body passed.");
        return NULL;
    }
    return j;
}

/* Rebuilds the request's query without oauth_* and with page=N. */
static char *page_link(sb_ctx *ctx, sb_req *req, const char *route, int64_t page, const char *rel)
{
    size_t cap = 2048, len;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    len = (size_t)snprintf(out, cap, "<%s/wp-json/wc/v3%s?", ctx->store.site_url, route);
    for (size_t i = 0; i < req->nparams && len < cap; i++) {
        const char *k = req->params[i].key;
        if (strncmp(k, "oauth_", 6) == 0 || strcmp(k, "page") == 0)
            continue;
        char *ek = sb_pct_encode(k), *ev = sb_pct_encode(req->params[i].value);
        if (ek && ev)
            len += (size_t)snprintf(out + len, cap - len, "%s=%s&", ek, ev);
        free(ek);
        free(ev);
    }
    if (len < cap)
        snprintf(out + len, cap - len, "page=%lld>; rel=\"%s\"", (long long)page, rel);
    return out;
}

static int64_t param_int(sb_req *req, const char *key, int64_t dflt)
{
    const char *v = sb_param_get(req, key);
    char *end;
    if (!v || !*v)
        return dflt;
    long long x = strtoll(v, &end, 10);
    return *end ? -1 : x;
}

void sb_paginate(sb_ctx *ctx, sb_req *req, sb_resp *resp, json_t *all, const char *route)
{
    int64_t per_page = param_int(req, "per_page", 10);
    int64_t page = param_int(req, "page", 1);
    if (per_page < 1 || per_page > 100 || page < 1) {
        const char *bad = (per_page < 1 || per_page > 100) ? "per_page" : "page";
        char msg[160];
        snprintf(msg, sizeof msg, "%s must be between 1 (inclusive) and %s", bad,
                 strcmp(bad, "page") == 0 ? "infinity" : "100 (inclusive)");
        json_t *e =
            json_pack("{s:s, s:s, s:{s:i, s:{s:s}}}", "code", "rest_invalid_param", "message",
                      strcmp(bad, "page") == 0 ? "Invalid parameter(s): page"
                                               : "Invalid parameter(s): per_page",
                      "data", "status", 400, "params", bad, msg);
        json_decref(all);
        sb_resp_json(resp, 400, e);
        return;
    }
    int64_t total = (int64_t)json_array_size(all);
    int64_t pages = (total + per_page - 1) / per_page;
    json_t *out = json_array();
    for (int64_t i = (page - 1) * per_page; i < total && i < page * per_page; i++)
        json_array_append(out, json_array_get(all, (size_t)i));
    json_decref(all);
    char *prev = NULL, *next = NULL;
    if (page > 1)
        prev = page_link(ctx, req, route, page - 1 < pages ? page - 1 : pages, "prev");
    if (page < pages)
        next = page_link(ctx, req, route, page + 1, "next");
    if (page > pages) /* a real store reports 0/0 past the end */
        total = pages = 0;
    if (prev && next) {
        size_t n = strlen(prev) + strlen(next) + 3;
        resp->link = malloc(n);
        if (resp->link)
            snprintf(resp->link, n, "%s, %s", prev, next);
        free(prev);
        free(next);
    } else {
        resp->link = prev ? prev : next;
    }
    resp->total = total;
    resp->total_pages = pages;
    sb_resp_json(resp, 200, out);
}

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    sb_req *req = cls;
    if (req->nparams >= SB_MAX_PARAMS)
        return MHD_NO;
    req->params[req->nparams].key = strdup(key);
    req->params[req->nparams].value = strdup(value ? value : "");
    req->nparams++;
    return MHD_YES;
}

static void add_common_headers(sb_ctx *ctx, struct MHD_Response *r, const sb_resp *resp)
{
    char buf[64];
    MHD_add_response_header(r, "Content-Type", "application/json; charset=UTF-8");
    MHD_add_response_header(r, "X-Robots-Tag", "noindex");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Access-Control-Expose-Headers",
                            "X-WP-Total, X-WP-TotalPages, Link");
    MHD_add_response_header(r, "Server", SB_VERSION);
    if (resp->total >= 0) {
        snprintf(buf, sizeof buf, "%lld", (long long)resp->total);
        MHD_add_response_header(r, "X-WP-Total", buf);
        snprintf(buf, sizeof buf, "%lld", (long long)resp->total_pages);
        MHD_add_response_header(r, "X-WP-TotalPages", buf);
    }
    if (resp->link) {
        MHD_add_response_header(r, "Link", resp->link);
    } else if (ctx) {
        char link[200];
        snprintf(link, sizeof link, "<%s/wp-json/>; rel=\"https://api.w.org/\"",
                 ctx->store.site_url);
        MHD_add_response_header(r, "Link", link);
    }
}

static enum MHD_Result send_resp(sb_ctx *ctx, struct MHD_Connection *conn, sb_resp *resp)
{
    char *text = resp->raw ? strdup(resp->raw)
                           : json_dumps(resp->json ? resp->json : json_null(),
                                        SB_DUMP_FLAGS | JSON_ENCODE_ANY);
    if (!text)
        return MHD_NO;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    add_common_headers(ctx, r, resp);
    if (resp->raw) { /* a page from something in front of the store */
        MHD_del_response_header(r, "Content-Type", "application/json; charset=UTF-8");
        MHD_add_response_header(r, "Content-Type", "text/html; charset=UTF-8");
    }
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return rc;
}

/* The WooCommerce routes the sandbox serves; an anonymous request to one of
   them gets a permission error, to anything else rest_no_route. */
static int known_route(const char *path)
{
    static const char *const routes[] = {"/orders",
                                         "/orders/#",
                                         "/orders/#/notes",
                                         "/orders/#/notes/#",
                                         "/orders/#/refunds",
                                         "/products",
                                         "/products/#",
                                         "/products/batch",
                                         "/products/#/variations",
                                         "/products/#/variations/#",
                                         "/products/#/variations/batch",
                                         "/taxes",
                                         "/taxes/classes",
                                         "/payment_gateways",
                                         "/shipping_methods",
                                         "/shipping/zones",
                                         "/shipping/zones/#",
                                         "/shipping/zones/#/methods",
                                         "/webhooks",
                                         "/webhooks/#",
                                         ""};
    int64_t ids[2];
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (sb_match(path, routes[i], ids))
            return 1;
    return 0;
}

/* 1 when `key` is named in the _fields list (a dotted name "a.b" keeps
   all of "a": the sandbox trims the top level only). */
static int field_wanted(const char *list, const char *key)
{
    size_t n = strlen(key);
    for (const char *t = list; t && *t; t = strchr(t, ',')) {
        if (*t == ',')
            t++;
        while (*t == ' ')
            t++;
        if (strncmp(t, key, n) == 0 && (t[n] == ',' || t[n] == '.' || t[n] == ' ' || t[n] == '\0'))
            return 1;
    }
    return 0;
}

static void trim_object(json_t *obj, const char *list)
{
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(obj, tmp, k, v)
    {
        if (!field_wanted(list, k))
            json_object_del(obj, k);
    }
}

/* WordPress's _fields (rest_filter_response_fields): a successful answer,
   an object or each object of a list, keeps only the named members, and
   _links goes unless named. Errors are never trimmed. */
static void apply_fields(const sb_req *req, sb_resp *resp)
{
    const char *list = sb_param_get(req, "_fields");
    if (!list || !*list || resp->status >= 300 || !resp->json)
        return;
    /* a route may answer with the store's own objects: trim a copy */
    json_t *copy = json_deep_copy(resp->json), *it;
    size_t i;
    if (json_is_object(copy))
        trim_object(copy, list);
    else
        json_array_foreach(copy, i, it) if (json_is_object(it)) trim_object(it, list);
    sb_resp_json(resp, resp->status, copy);
}

/* Routes a request that passed the prefix check; fills resp. */
static void dispatch(sb_ctx *ctx, sb_req *req, sb_resp *resp)
{
    int auth = sb_auth_check(ctx, req, resp);
    if (auth < 0)
        return;
    if (auth == 0 && !known_route(req->path)) {
        sb_resp_error(resp, 404, "rest_no_route",
                      "No route was found matching the URL and request method.");
        return;
    }
    pthread_mutex_lock(&ctx->store.mu);
    sb_count_call(&ctx->store, req->method, req->path);
    int handled = 0;
    int fault = auth == 1 ? sb_fault_before(ctx, req, resp) : 0;
    if (fault == SB_FAULT_ANSWERED)
        handled = 1;
    else if (auth == 1)
        handled = sb_route_orders(ctx, req, resp) || sb_route_products(ctx, req, resp) ||
                  sb_route_misc(ctx, req, resp);
    if (handled && fault == SB_FAULT_AFTER)
        sb_fault_after(resp); /* the route did the call; the "proxy" gave up */
    pthread_mutex_unlock(&ctx->store.mu);
    if (handled)
        return;
    if (auth == 0) {
        int is_get = strcmp(req->method, "GET") == 0;
        int64_t ids[2];
        int single = sb_match(req->path, "/orders/#", ids) ||
                     sb_match(req->path, "/products/#", ids) ||
                     sb_match(req->path, "/products/#/variations/#", ids);
        if (strstr(req->path, "/batch"))
            sb_resp_error(resp, 401, "woocommerce_rest_cannot_batch",
                          "Sorry, you are not allowed to batch manipulate this "
                          "resource.");
        else if (is_get && single)
            sb_resp_error(resp, 401, "woocommerce_rest_cannot_view",
                          "Sorry, you cannot view this resource.");
        else if (is_get)
            sb_resp_error(resp, 401, "woocommerce_rest_cannot_view",
                          "Sorry, you cannot list resources.");
        else if (single)
            sb_resp_error(resp, 401, "woocommerce_rest_cannot_edit",
                          "Sorry, you are not allowed to edit this resource.");
        else
            sb_resp_error(resp, 401, "woocommerce_rest_cannot_create",
                          "Sorry, you are not allowed to create resources.");
        return;
    }
    sb_resp_error(resp, 404, "rest_no_route",
                  "No route was found matching the URL and request method.");
}

static void free_req(sb_req *req)
{
    for (size_t i = 0; i < req->nparams; i++) {
        free(req->params[i].key);
        free(req->params[i].value);
    }
}

static enum MHD_Result api_route(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const sbc_body *body)
{
    sb_ctx *ctx = cls;
    sb_req req = {.method = method, .conn = conn, .body = body->p, .body_len = body->len};
    sb_resp resp = {.status = 500, .total = -1};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_param, &req);
    const char *override =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-HTTP-Method-Override");
    const char *tunnel = sb_param_get(&req, "_method");
    if (strcmp(method, "POST") == 0 && (override || tunnel))
        req.method = override ? override : tunnel;
    if (body->too_big) {
        sb_resp_error(&resp, 413, "rest_request_too_large", "Request body is too large.");
    } else if (strncmp(url, "/__sandbox/", 11) == 0) {
        req.path = url;
        if (!sb_route_admin(ctx, &req, &resp))
            sb_resp_error(&resp, 404, "rest_no_route",
                          "No route was found matching the URL and request method.");
    } else if (strncmp(url, API_PREFIX, strlen(API_PREFIX)) == 0 &&
               (url[strlen(API_PREFIX)] == '/' || url[strlen(API_PREFIX)] == '\0')) {
        req.path = url + strlen(API_PREFIX);
        dispatch(ctx, &req, &resp);
        apply_fields(&req, &resp);
    } else {
        req.path = url;
        sb_resp_error(&resp, 404, "rest_no_route",
                      "No route was found matching the URL and request method.");
    }
    enum MHD_Result rc = send_resp(ctx, conn, &resp);
    json_decref(resp.json);
    free(resp.link);
    free(resp.raw);
    free_req(&req);
    return rc;
}

int sb_api_start(sb_ctx *ctx, sbc_http *h, unsigned port)
{
    sbc_http_opts o = {.port = port,
                       .max_body = SB_MAX_BODY,
                       .pool = 4,
                       .timeout_s = 30,
                       .tls_cert = ctx->tls_cert,
                       .tls_key = ctx->tls_key};
    return sbc_http_start(h, &o, api_route, ctx);
}
