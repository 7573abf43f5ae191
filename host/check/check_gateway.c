/*
 * plugin check for bank gateways (SDK 1.3 slots) against their sandbox.
 * The spec's "gateway" object says how to pay and how the buyer acts:
 *
 *   "gateway": {
 *     "params": {"amount": "1250000", "currency": "IRR",
 *                "callback_url": "http://127.0.0.1:9/return", ...},
 *     "buyer": {"url": "http://127.0.0.1:{port}/__sandbox/buyer",
 *               "pay":    {"RefId": "{authority}", "action": "pay"},
 *               "cancel": {"RefId": "{authority}", "action": "cancel"},
 *               "form": "form"}}
 *
 * "params" go to request_payment (with "order_ref", a fresh number per
 * attempt); the buyer is the sandbox's simulator, POSTed the "pay" or
 * "cancel" object as JSON with {authority} and {order_ref} filled in; the
 * member of its JSON answer named by "form" is the return body handed to
 * parse_return, as the host would hand the buyer's return. Then every
 * declared slot runs the way the host's driver uses it: verify (twice:
 * the repeat must say "already"), settle (twice), inquire, a second
 * payment verified and reversed, and a cancelled one that must neither
 * report paid nor verify. Every step checks what the results say, not
 * only the status. A spec without "gateway" runs none of this and says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "check/check_probe.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define GW_ANSWER_MAX (64u << 10)
#define GW_PARAMS_MAX 16

typedef struct answer_buf {
    char data[GW_ANSWER_MAX];
    size_t len;
} answer_buf;

static size_t take_body(char *p, size_t size, size_t n, void *userdata)
{
    answer_buf *b = userdata;
    size_t k = size * n;
    if (b->len + k >= sizeof b->data)
        return 0; /* over the cap: the transfer fails */
    memcpy(b->data + b->len, p, k);
    b->len += k;
    b->data[b->len] = '\0';
    return k;
}

/* POSTs JSON to the sandbox's buyer; 0 and its answer, or -1. */
static int post_json(const char *url, const char *body, answer_buf *out)
{
    CURL *c = curl_easy_init();
    if (c == NULL)
        return -1;
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    out->len = 0;
    out->data[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    long status = 0;
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return rc == CURLE_OK && status == 200 ? 0 : -1;
}

/* One attempt's facts, carried from slot to slot. */
typedef struct attempt {
    char order_ref[24];
    char authority[128];
    char sale_reference[128];
    char amount[32];
} attempt;

/* Replaces {authority} and {order_ref} in `in`. */
static void fill(const char *in, const attempt *a, char *out, size_t cap)
{
    size_t used = 0;
    while (*in && used + 1 < cap) {
        const char *v = NULL;
        size_t n = 0;
        if (strncmp(in, "{authority}", n = 11) == 0)
            v = a->authority;
        else if (strncmp(in, "{order_ref}", n = 11) == 0)
            v = a->order_ref;
        if (v != NULL) {
            int w = snprintf(out + used, cap - used, "%s", v);
            used += w > 0 ? (size_t)w : 0;
            used = used < cap ? used : cap - 1;
            in += n;
        } else {
            out[used++] = *in++;
        }
    }
    out[used] = '\0';
}

typedef int (*gw_slot)(void *, sl_ctx *, const sl_params *, sl_error *);

/* Calls a gateway slot with the attempt's params (plus the spec's for a
   payment request); results land in seen. */
static int call_slot(gw_slot fn, sl_ctx *ctx, void *st, const json_t *extra, const attempt *a,
                     probe_sink *seen, sl_error *err)
{
    const char *keys[GW_PARAMS_MAX], *values[GW_PARAMS_MAX];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)extra, k, v) if (n + 4 < GW_PARAMS_MAX && json_is_string(v))
    {
        keys[n] = k;
        values[n++] = json_string_value(v);
    }
    const char *mine[4][2] = {{"order_ref", a->order_ref},
                              {"authority", a->authority},
                              {"sale_reference", a->sale_reference},
                              {"amount", a->amount}};
    for (size_t i = 0; i < 4; i++)
        if (mine[i][1][0] != '\0' && (i != 3 || json_object_get(extra, "amount") == NULL)) {
            keys[n] = mine[i][0];
            values[n++] = mine[i][1];
        }
    services_params p = {.keys = keys, .values = values, .count = n};
    probe_results_clear(seen);
    *err = (sl_error){.size = sizeof *err};
    services_call_begin(ctx);
    int rc = fn(st, ctx, &p, err);
    services_call_end(ctx);
    return rc;
}

static void emit(int fd, const char *name, int ok, int rc, const sl_error *err, const char *what)
{
    char detail[512];
    snprintf(detail, sizeof detail, "%s%s%s%s%s", sl_status_name(rc), what[0] ? ", " : "", what,
             rc ? ": " : "", rc ? err->message : "");
    check_emit(fd, name, ok, detail);
}

static const char *result_or(const probe_sink *s, const char *key)
{
    const char *v = probe_result(s, key);
    return v ? v : "";
}

/* request_payment, the buyer's act and parse_return for one attempt.
   `act` is "pay" or "cancel". Returns 0 when all three passed. */
static int pay_once(const sl_plugin *t, sl_ctx *ctx, void *st, const json_t *gw, const char *label,
                    const char *act, attempt *a, probe_sink *seen, int fd)
{
    static int serial;
    memset(a, 0, sizeof *a);
    snprintf(a->order_ref, sizeof a->order_ref, "%lld%03d", (long long)(time(NULL) % 100000000),
             ++serial % 1000);
    const json_t *params = json_object_get(gw, "params");
    snprintf(a->amount, sizeof a->amount, "%s",
             json_string_value(json_object_get(params, "amount"))
                 ? json_string_value(json_object_get(params, "amount"))
                 : "");
    char name[96], what[400];
    sl_error err;
    snprintf(name, sizeof name, "gateway (%s): request_payment", label);
    check_stage(fd, name);
    int rc = call_slot(t->request_payment, ctx, st, params, a, seen, &err);
    snprintf(a->authority, sizeof a->authority, "%s", result_or(seen, "authority"));
    const char *method = result_or(seen, "start_method");
    int ok = rc == SL_OK && a->authority[0] && result_or(seen, "start_url")[0] &&
             (strcmp(method, "GET") == 0 || strcmp(method, "POST") == 0);
    snprintf(what, sizeof what, "authority \"%.64s\", %s %.200s", a->authority, method,
             result_or(seen, "start_url"));
    emit(fd, name, ok, rc, &err, what);
    if (!ok)
        return -1;

    const json_t *buyer = json_object_get(gw, "buyer");
    char *tmpl = json_dumps(json_object_get(buyer, act), JSON_COMPACT);
    char body[2048], url[1024];
    fill(tmpl ? tmpl : "{}", a, body, sizeof body);
    free(tmpl);
    fill(json_string_value(json_object_get(buyer, "url"))
             ? json_string_value(json_object_get(buyer, "url"))
             : "",
         a, url, sizeof url);
    static answer_buf ans;
    snprintf(name, sizeof name, "gateway (%s): the buyer at the sandbox", label);
    check_stage(fd, name);
    json_t *j = post_json(url, body, &ans) == 0 ? json_loadb(ans.data, ans.len, 0, NULL) : NULL;
    const char *form =
        json_string_value(json_object_get(j, json_string_value(json_object_get(buyer, "form"))));
    check_emit(fd, name, form != NULL, form ? "answered the return form" : "no return form");
    if (form == NULL) {
        json_decref(j);
        return -1;
    }

    snprintf(name, sizeof name, "gateway (%s): parse_return", label);
    check_stage(fd, name);
    services_request req = {.body = form, .body_len = strlen(form)};
    probe_results_clear(seen);
    err = (sl_error){.size = sizeof err};
    services_call_begin(ctx);
    rc = t->parse_return(st, ctx, &req, &err);
    services_call_end(ctx);
    json_decref(j);
    int paid = strcmp(result_or(seen, "ok"), "1") == 0;
    snprintf(a->sale_reference, sizeof a->sale_reference, "%s", result_or(seen, "sale_reference"));
    ok = rc == SL_OK && strcmp(result_or(seen, "authority"), a->authority) == 0 &&
         paid == (strcmp(act, "pay") == 0);
    snprintf(what, sizeof what, "ok=%s code=%s authority %s", result_or(seen, "ok"),
             result_or(seen, "code"), result_or(seen, "authority"));
    emit(fd, name, ok, rc, &err, what);
    return ok ? 0 : -1;
}

/* Runs one slot that must succeed; `already` 1 demands already=1 (a
   repeat), 0 demands its absence. */
static int step_ok(int fd, const char *name, gw_slot fn, sl_ctx *ctx, void *st, const attempt *a,
                   probe_sink *seen, int already)
{
    sl_error err;
    check_stage(fd, name);
    int rc = call_slot(fn, ctx, st, NULL, a, seen, &err);
    int got = strcmp(result_or(seen, "already"), "1") == 0;
    char what[160];
    snprintf(what, sizeof what, "code %s%s", result_or(seen, "code"), got ? ", already done" : "");
    int ok = rc == SL_OK && got == already;
    emit(fd, name, ok, rc, &err, what);
    return ok ? 0 : -1;
}

static void inquiry_says(int fd, const char *name, const sl_plugin *t, sl_ctx *ctx, void *st,
                         const attempt *a, probe_sink *seen, const char *want1, const char *want2)
{
    sl_error err;
    check_stage(fd, name);
    int rc = call_slot(t->inquire_payment, ctx, st, NULL, a, seen, &err);
    const char *state = result_or(seen, "state");
    char what[160];
    snprintf(what, sizeof what, "state \"%s\"", state);
    emit(fd, name,
         rc == SL_OK && (strcmp(state, want1) == 0 || (want2 && strcmp(state, want2) == 0)), rc,
         &err, what);
}

void check_gateway_probes(const loaded_plugin *p, sl_ctx *ctx, void *st, const json_t *gw,
                          probe_sink *seen, int fd)
{
    const sl_plugin *t = p->table;
    if (!SL_HAS_FIELD(t, reverse_payment) || t->request_payment == NULL ||
        t->parse_return == NULL || gw == NULL)
        return;
    int verify = (t->caps & SL_CAP_VERIFY_PAYMENT) && t->verify_payment;
    int settle = (t->caps & SL_CAP_SETTLE_PAYMENT) && t->settle_payment;
    int inquire = (t->caps & SL_CAP_INQUIRE_PAYMENT) && t->inquire_payment;
    int reverse = (t->caps & SL_CAP_REVERSE_PAYMENT) && t->reverse_payment;
    attempt a;
    if (pay_once(t, ctx, st, gw, "pay", "pay", &a, seen, fd) == 0 && verify &&
        step_ok(fd, "gateway: verify_payment", t->verify_payment, ctx, st, &a, seen, 0) == 0) {
        step_ok(fd, "gateway: verify_payment again says already", t->verify_payment, ctx, st, &a,
                seen, 1);
        if (settle &&
            step_ok(fd, "gateway: settle_payment", t->settle_payment, ctx, st, &a, seen, 0) == 0)
            step_ok(fd, "gateway: settle_payment again says already", t->settle_payment, ctx, st,
                    &a, seen, 1);
        if (inquire)
            inquiry_says(fd, "gateway: inquire_payment of a paid sale", t, ctx, st, &a, seen,
                         "verified", "settled");
    }
    /* reversed after its verify and before any settle: within the window
       every gateway we know allows (Mellat 3 h, ZarinPal 30 min) */
    if (reverse && pay_once(t, ctx, st, gw, "pay, verify, reverse", "pay", &a, seen, fd) == 0 &&
        (!verify || step_ok(fd, "gateway: verify_payment before the reversal", t->verify_payment,
                            ctx, st, &a, seen, 0) == 0) &&
        step_ok(fd, "gateway: reverse_payment", t->reverse_payment, ctx, st, &a, seen, 0) == 0 &&
        inquire)
        inquiry_says(fd, "gateway: inquire_payment of a reversed sale", t, ctx, st, &a, seen,
                     "reversed", NULL);
    if (pay_once(t, ctx, st, gw, "cancel", "cancel", &a, seen, fd) == 0 && verify) {
        sl_error err;
        check_stage(fd, "gateway: a cancelled payment does not verify");
        int rc = call_slot(t->verify_payment, ctx, st, NULL, &a, seen, &err);
        emit(fd, "gateway: a cancelled payment does not verify",
             rc != SL_OK && err.message[0] != '\0', rc, &err, "");
    }
    check_stage(fd, "gateway: parse_return of an empty body");
    services_request empty = {.body = "", .body_len = 0};
    sl_error err = {.size = sizeof err};
    services_call_begin(ctx);
    int rc = t->parse_return(st, ctx, &empty, &err);
    services_call_end(ctx);
    emit(fd, "gateway: parse_return of an empty body is refused", rc == SL_EINVALID, rc, &err, "");
}
