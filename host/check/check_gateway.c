/*
 * plugin check against a gateway's sandbox: the spec's "payment" object
 * ({"amount", "currency", "callback_url", "return_body"}) drives one
 * session through every gateway capability the plugin declares:
 * request_payment (an authority and a start URL), parse_return on the
 * spec's return body with {authority} filled in, inquire_payment (a
 * state), verify_payment and reverse_payment of the unpaid session (the
 * gateway must refuse them: SL_EREMOTE, or SL_OK for a gateway that takes
 * them), list_unverified. Runs last: it replaces the probes' sink.
 */
#include <stdio.h>
#include <string.h>

#include "check/check_probe.h"
#include "payments/payments.h"
#include "shopledger/sdkutil.h"

static const char *spec_str(const json_t *o, const char *key, const char *dflt)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : dflt;
}

/* A call on the session; *ok says whether rc is what the step expects. */
static void gateway_step(int fd, const char *name, runtime_channel *gc, int slot,
                         const char *const *pairs, size_t n, int refusal_ok, const char *want)
{
    check_stage(fd, name);
    pay_results r;
    sl_error err = {.size = sizeof err};
    int rc = pay_call(gc, slot, pairs, n, &r, &err);
    const char *got = want ? pay_result(&r, 0, want) : "";
    int ok = (rc == SL_OK && got != NULL) || (refusal_ok && rc == SL_EREMOTE);
    char detail[400];
    snprintf(detail, sizeof detail, "%s%s%s%s%.200s", sl_status_name(rc), want && got ? ", " : "",
             want && got ? want : "", rc ? ": " : "", rc ? err.message : "");
    check_emit(fd, name, ok, detail);
    pay_results_free(&r);
}

void check_gateway_probes(const loaded_plugin *p, const config_channel *ch, sl_ctx *ctx,
                          void *state, const json_t *spec, int fd)
{
    const json_t *pay = json_object_get(spec, "payment");
    if (!(p->table->caps & SL_CAP_REQUEST_PAYMENT) || !json_is_object(pay))
        return;
    runtime_channel gc = {.config = ch, .plugin = (loaded_plugin *)p, .state = state, .ctx = ctx};
    const char *req[] = {"amount", spec_str(pay, "amount", "250000"), "currency",
                         spec_str(pay, "currency", "IRR"), "order_ref", "1", "callback_url",
                         spec_str(pay, "callback_url", "https://shop.example/pay/return"),
                         "description", "shopledger plugin check"};
    check_stage(fd, "sandbox: request_payment");
    pay_results r;
    sl_error err = {.size = sizeof err};
    int rc = pay_call(&gc, PAY_SLOT_REQUEST, req, 10, &r, &err);
    char authority[128] = "";
    const char *a = pay_result(&r, 0, "authority"), *url = pay_result(&r, 0, "start_url");
    if (rc == SL_OK && a && url)
        snprintf(authority, sizeof authority, "%s", a);
    check_emit(fd, "sandbox: request_payment", authority[0] != '\0',
               authority[0] ? url : rc ? err.message : "no authority or start_url");
    pay_results_free(&r);
    if (!authority[0])
        return;
    const char *tmpl = spec_str(pay, "return_body", NULL);
    if (tmpl) {
        char body[512];
        const char *mark = strstr(tmpl, "{authority}");
        snprintf(body, sizeof body, "%.*s%s%s", mark ? (int)(mark - tmpl) : (int)strlen(tmpl),
                 tmpl, mark ? authority : "", mark ? mark + strlen("{authority}") : "");
        check_stage(fd, "sandbox: parse_return");
        rc = pay_call_return(&gc, body, strlen(body), &r, &err);
        const char *back = pay_result(&r, 0, "authority");
        check_emit(fd, "sandbox: parse_return", rc == SL_OK && back && !strcmp(back, authority),
                   rc ? err.message : back ? back : "no authority");
        pay_results_free(&r);
    }
    const char *s[] = {"authority", authority, "amount", req[1], "order_ref", "1",
                       "sale_reference", "", "currency", req[3]};
    if (p->table->caps & SL_CAP_INQUIRE_PAYMENT)
        gateway_step(fd, "sandbox: inquire_payment", &gc, PAY_SLOT_INQUIRE, s, 10, 0, "state");
    gateway_step(fd, "sandbox: verify_payment (unpaid: refused)", &gc, PAY_SLOT_VERIFY, s, 10, 1,
                 "reference");
    if (p->table->caps & SL_CAP_REVERSE_PAYMENT)
        gateway_step(fd, "sandbox: reverse_payment (unpaid: refused)", &gc, PAY_SLOT_REVERSE, s,
                     10, 1, NULL);
    if (p->table->caps & SL_CAP_LIST_UNVERIFIED)
        gateway_step(fd, "sandbox: list_unverified", &gc, PAY_SLOT_UNVERIFIED, NULL, 0, 0, NULL);
}
