/*
 * One call of a gateway slot through the SDK: the params as an sl_params,
 * the results the plugin gives through result_set / result_row collected
 * into a pay_results the driver reads afterwards (copied, so they outlive
 * the call's arena). The call is bracketed like every plugin call
 * (services_call_begin/end), so serve's crash marker names it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payments/pay_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define PAY_RESULTS_LIMIT 2000 /* 100 unVerified rows of a few keys, with room */

void pay_results_free(pay_results *r)
{
    free(r->kv);
    memset(r, 0, sizeof *r);
}

const char *pay_result(const pay_results *r, int row, const char *key)
{
    for (int i = 0; i < r->n; i++)
        if (r->kv[i].row == row && strcmp(r->kv[i].key, key) == 0)
            return r->kv[i].value;
    return NULL;
}

static int sink_set(void *data, const char *key, const char *value)
{
    pay_results *r = data;
    for (int i = 0; i < r->n; i++) /* a key set twice in a row: the last wins */
        if (r->kv[i].row == r->rows && strcmp(r->kv[i].key, key) == 0) {
            snprintf(r->kv[i].value, sizeof r->kv[i].value, "%s", value);
            return SL_OK;
        }
    if (r->n == r->cap) {
        int cap = r->cap ? r->cap * 2 : 16;
        if (cap > PAY_RESULTS_LIMIT)
            return SL_ETOOBIG;
        pay_kv *kv = realloc(r->kv, (size_t)cap * sizeof *kv);
        if (kv == NULL)
            return SL_ENOMEM;
        r->kv = kv;
        r->cap = cap;
    }
    pay_kv *kv = &r->kv[r->n++];
    kv->row = r->rows;
    snprintf(kv->key, sizeof kv->key, "%s", key);
    snprintf(kv->value, sizeof kv->value, "%s", value);
    return SL_OK;
}

static int sink_row(void *data)
{
    ((pay_results *)data)->rows++;
    return SL_OK;
}

int pay_has_cap(const runtime_channel *gc, uint64_t cap)
{
    return gc->plugin != NULL && (gc->plugin->table->caps & cap) == cap;
}

typedef int (*params_slot)(void *, sl_ctx *, const sl_params *, sl_error *);

static params_slot slot_of(const sl_plugin *t, int slot, uint64_t *cap)
{
    switch (slot) {
    case PAY_SLOT_REQUEST:
        *cap = SL_CAP_REQUEST_PAYMENT;
        return t->request_payment;
    case PAY_SLOT_VERIFY:
        *cap = SL_CAP_VERIFY_PAYMENT;
        return t->verify_payment;
    case PAY_SLOT_SETTLE:
        *cap = SL_CAP_SETTLE_PAYMENT;
        return t->settle_payment;
    case PAY_SLOT_INQUIRE:
        *cap = SL_CAP_INQUIRE_PAYMENT;
        return t->inquire_payment;
    case PAY_SLOT_REVERSE:
        *cap = SL_CAP_REVERSE_PAYMENT;
        return t->reverse_payment;
    case PAY_SLOT_UNVERIFIED:
        *cap = SL_CAP_LIST_UNVERIFIED;
        return t->list_unverified;
    default:
        *cap = 0;
        return NULL;
    }
}

static void install(runtime_channel *gc, pay_results *res)
{
    memset(res, 0, sizeof *res);
    services_sink sink = {.data = res, .result_set = sink_set, .result_row = sink_row};
    services_ctx_set_sink(gc->ctx, &sink);
}

/* Slots whose request must reach the gateway once: a second payment
   request makes a second session (Mellat: orderId used, 41), a second
   verify, settle or reverse is what the driver's own steps decide, never
   libcurl's silent resend on a dead kept-alive connection. */
static int slot_once(int slot)
{
    return slot == PAY_SLOT_REQUEST || slot == PAY_SLOT_VERIFY || slot == PAY_SLOT_SETTLE ||
           slot == PAY_SLOT_REVERSE;
}

int pay_call(runtime_channel *gc, int slot, const char *const *pairs, size_t npairs,
             pay_results *res, sl_error *err)
{
    uint64_t cap = 0;
    const sl_plugin *t = gc->plugin ? gc->plugin->table : NULL;
    params_slot fn = t && SL_HAS_FIELD(t, list_unverified) ? slot_of(t, slot, &cap) : NULL;
    memset(res, 0, sizeof *res);
    if (fn == NULL || !pay_has_cap(gc, cap))
        return sl_error_set(err, SL_EUNSUPPORTED, "plugin",
                            "channel %s: its plugin has no such gateway call", gc->config->name);
    const char *keys[16], *values[16];
    size_t n = 0;
    for (size_t i = 0; i + 1 < npairs && n < 16; i += 2, n++) {
        keys[n] = pairs[i];
        values[n] = pairs[i + 1] ? pairs[i + 1] : "";
    }
    services_params p = {.keys = keys, .values = values, .count = n};
    install(gc, res);
    services_call_begin(gc->ctx);
    if (slot_once(slot))
        services_call_fresh_connections(gc->ctx);
    int rc = fn(gc->state, gc->ctx, &p, err);
    services_call_end(gc->ctx);
    services_ctx_set_sink(gc->ctx, NULL);
    return rc;
}

int pay_call_return(runtime_channel *gc, const char *body, size_t len, pay_results *res,
                    sl_error *err)
{
    const sl_plugin *t = gc->plugin ? gc->plugin->table : NULL;
    memset(res, 0, sizeof *res);
    if (t == NULL || !SL_HAS_FIELD(t, parse_return) || t->parse_return == NULL ||
        !pay_has_cap(gc, SL_CAP_REQUEST_PAYMENT))
        return sl_error_set(err, SL_EUNSUPPORTED, "plugin", "channel %s is not a payment gateway",
                            gc->config->name);
    services_request req = {.body = body, .body_len = len};
    install(gc, res);
    services_call_begin(gc->ctx);
    int rc = t->parse_return(gc->state, gc->ctx, &req, err);
    services_call_end(gc->ctx);
    services_ctx_set_sink(gc->ctx, NULL);
    return rc;
}
