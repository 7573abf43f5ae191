/*
 * Faults on demand (POST /__sandbox/fault): what a store, or the proxy or
 * cache in front of it, answers now and then, so a connector's handling of
 * it can be tested end to end. Each fault is for one route key
 * ("POST /orders/{id}/notes", as the state's call counts name routes) and
 * lasts a given number of calls. See sb.h for the modes.
 */
#include "sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SB_FAULT_MAX_COUNT 1000

static const char PROXY_PAGE[] =
    "<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head>"
    "<body><p>Checking your browser before accessing the site.</p></body></html>\n";
static const char GATEWAY_PAGE[] =
    "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
    "<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n";

static int mode_known(const char *mode)
{
    return strcmp(mode, "html-200") == 0 || strcmp(mode, "store-then-504") == 0 ||
           strcmp(mode, "status") == 0;
}

void sb_fault_knob(sb_ctx *ctx, const json_t *body, sb_resp *resp)
{
    sb_store *st = &ctx->store;
    if (json_is_true(json_object_get(body, "clear"))) {
        json_decref(st->faults);
        st->faults = NULL;
        sb_resp_json(resp, 200, json_pack("{s:b}", "ok", 1));
        return;
    }
    const char *route = sb_str(body, "route", NULL), *mode = sb_str(body, "mode", "");
    int64_t count = sb_int(body, "count", 1), status = sb_int(body, "status", 500);
    if (!route || strchr(route, ' ') == NULL) {
        sb_resp_error(resp, 400, "sandbox_bad_fault", "route: expected \"METHOD /path/{id}\"");
    } else if (!mode_known(mode)) {
        sb_resp_error(resp, 400, "sandbox_bad_fault",
                      "mode: expected html-200, store-then-504 or status");
    } else if (count < 1 || count > SB_FAULT_MAX_COUNT) {
        sb_resp_error(resp, 400, "sandbox_bad_fault", "count: expected 1..1000");
    } else if (status < 200 || status > 599) {
        sb_resp_error(resp, 400, "sandbox_bad_fault", "status: expected 200..599");
    } else {
        if (!st->faults)
            st->faults = json_object();
        json_object_set_new(st->faults, route,
                            json_pack("{s:s, s:I, s:I}", "mode", mode, "status", (json_int_t)status,
                                      "left", (json_int_t)count));
        sb_resp_json(resp, 200, json_pack("{s:b}", "ok", 1));
    }
}

enum fault_mode { FAULT_NONE, FAULT_HTML_200, FAULT_STORE_THEN_504, FAULT_STATUS };

/* The fault for this call with one use taken, or FAULT_NONE. */
static int take(sb_ctx *ctx, const sb_req *req, int *status)
{
    char key[256];
    sb_call_key(req->method, req->path, key, sizeof key);
    json_t *f = ctx->store.faults ? json_object_get(ctx->store.faults, key) : NULL;
    if (!f)
        return FAULT_NONE;
    const char *name = sb_str(f, "mode", "");
    int mode = strcmp(name, "html-200") == 0         ? FAULT_HTML_200
               : strcmp(name, "store-then-504") == 0 ? FAULT_STORE_THEN_504
                                                     : FAULT_STATUS;
    *status = (int)sb_int(f, "status", 500);
    int64_t left = sb_int(f, "left", 1) - 1;
    if (left > 0)
        json_object_set_new(f, "left", json_integer(left));
    else
        json_object_del(ctx->store.faults, key);
    return mode;
}

static void raw_page(sb_resp *resp, int status, const char *page)
{
    json_decref(resp->json);
    resp->json = NULL;
    free(resp->raw);
    resp->raw = strdup(page);
    resp->status = status;
}

int sb_fault_before(sb_ctx *ctx, const sb_req *req, sb_resp *resp)
{
    int status = 500;
    switch (take(ctx, req, &status)) {
    case FAULT_HTML_200:
        raw_page(resp, 200, PROXY_PAGE);
        return SB_FAULT_ANSWERED;
    case FAULT_STORE_THEN_504:
        return SB_FAULT_AFTER;
    case FAULT_STATUS: {
        char msg[64];
        snprintf(msg, sizeof msg, "Injected HTTP %d.", status);
        sb_resp_error(resp, status, "sandbox_injected_fault", msg);
        return SB_FAULT_ANSWERED;
    }
    default:
        return 0;
    }
}

void sb_fault_after(sb_resp *resp)
{
    raw_page(resp, 504, GATEWAY_PAGE);
}
