/*
 * What the fuzz targets of bank-gateway connectors share (fuzz_mellat,
 * fuzz_zarinpal, and the gateways to come): the call's parameters as a
 * key/value list, results checked for shape and dropped, and one input
 * run through the slot its first line names.
 *
 * Input: a first line naming the call, then the body the fake remote
 * answers with (or, for "return", the buyer's return as the gateway posts
 * it). The names: "return", "pay" or "request" (request_payment), "settle",
 * "inquiry", "unverified", "reverse", "verify"; an unknown name, or a slot
 * the connector does not have: verify_payment on the body. No first line:
 * verify_payment on the whole input.
 */
#ifndef SL_FUZZ_GATEWAY_H
#define SL_FUZZ_GATEWAY_H

#include "fuzz_host.h"

struct sl_params {
    const char *const *kv; /* key, value, ... NULL */
};

static inline const char *fuzz_gw_param(const sl_params *p, const char *k)
{
    for (size_t i = 0; p && p->kv[i]; i += 2)
        if (strcmp(p->kv[i], k) == 0)
            return p->kv[i + 1];
    return NULL;
}

/* Results are checked for shape, not kept: keys and values are text. */
static inline int fuzz_gw_result(sl_ctx *c, const char *k, const char *v)
{
    (void)c;
    if (k == NULL || v == NULL || *k == '\0')
        abort();
    return SL_OK;
}

static inline int fuzz_gw_row(sl_ctx *c)
{
    (void)c;
    return SL_OK;
}

/* The fake host with the gateway's params and results, into *h. */
static inline void fuzz_gw_host(sl_host *h)
{
    *h = FAKE_HOST;
    h->param_get = fuzz_gw_param;
    h->result_set = fuzz_gw_result;
    h->result_row = fuzz_gw_row;
}

typedef int (*fuzz_gw_slot)(void *, sl_ctx *, const sl_params *, sl_error *);

/* The slot `mode` names with its arguments (pay, sale or none), or NULL
   (verify with sale). */
static inline fuzz_gw_slot fuzz_gw_slot_of(const sl_plugin *p, const char *mode,
                                           const sl_params *pay, const sl_params *sale,
                                           const sl_params **args)
{
    static const sl_params none = {NULL};
    *args = sale;
    if (strcmp(mode, "pay") == 0 || strcmp(mode, "request") == 0) {
        *args = pay;
        return p->request_payment;
    }
    if (strcmp(mode, "unverified") == 0) {
        *args = &none;
        return p->list_unverified;
    }
    if (strcmp(mode, "settle") == 0)
        return p->settle_payment;
    if (strcmp(mode, "inquiry") == 0)
        return p->inquire_payment;
    if (strcmp(mode, "reverse") == 0)
        return p->reverse_payment;
    return NULL;
}

/* Runs one input on f's channel: pay (the parameters of a payment request)
   for request_payment, sale (of a sale the gateway knows) for the others,
   no parameters for list_unverified; checks the error contract and
   forgets what the fake host recorded. */
static inline void fuzz_gw_run(woo_fixture *f, const uint8_t *data, size_t size,
                               const sl_params *pay, const sl_params *sale)
{
    char mode[16];
    const char *rest;
    size_t len;
    fuzz_split_line(data, size, mode, sizeof mode, &rest, &len);
    if (mode[0] == '\0') { /* no first line: a verify answer */
        rest = (const char *)data;
        len = size;
    }
    g_fuzz_answer = (fuzz_answer){.body = rest, .len = len};
    const sl_plugin *p = f->p;
    const sl_params *args;
    fuzz_gw_slot slot = fuzz_gw_slot_of(p, mode, pay, sale, &args);
    int rc;
    if (strcmp(mode, "return") == 0 && p->parse_return != NULL) {
        sl_request req = {.headers = json_object(), .body = rest, .len = len};
        rc = p->parse_return(f->state, &f->ctx, &req, &f->err);
        json_decref(req.headers);
    } else if (slot != NULL) {
        rc = slot(f->state, &f->ctx, args, &f->err);
    } else {
        rc = p->verify_payment(f->state, &f->ctx, sale, &f->err);
    }
    fuzz_check(rc, &f->err, 1);
    fuzz_reset(f);
}

#endif
