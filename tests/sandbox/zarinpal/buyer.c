/*
 * The buyer's side of the emulated gateway and the test knobs.
 *
 * GET /pg/StartPay/{authority} is the page a buyer lands on: it marks the
 * session as entered (IN_BANK) and offers "pay" and "cancel". A test acts
 * as the buyer with ?action=pay or ?action=cancel: the session becomes
 * paid (or failed) and the answer is the 302 back to the shop's
 * callback_url with Authority and Status=OK|NOK appended, as ZarinPal
 * sends it. A repeated action on a finished session redirects again with
 * the status it already has (the buyer pressing back and forward).
 *
 * Knobs: POST /__sandbox/buyer is the same simulator for plugin check
 * (answers the return as a form); POST /__sandbox/clock {"advance_s": N} moves the sandbox clock;
 * POST /__sandbox/fault {"endpoint": "verify", "mode": "timeout|5xx|
 * garbage|lost", "count": N, "delay_ms": MS} arms faults ({"clear": true}
 * disarms them); GET
 * /__sandbox/stats lists calls per endpoint and every session; POST
 * /__sandbox/tamper {"authority", "amount"} changes what the bank took
 * for a session (the next verify with the requested amount says -50).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zsb.h"

static void redirect(zsb_session *z, int paid, zsb_reply *out)
{
    const char *sep = strchr(z->callback_url, '?') ? "&" : "?";
    snprintf(out->location, sizeof out->location, "%s%sAuthority=%s&Status=%s", z->callback_url,
             sep, z->authority, paid ? "OK" : "NOK");
    out->status = 302;
    out->type = "text/html";
    out->body = strdup("<html><body>Redirecting</body></html>");
}

/* The buyer pays or cancels a session still open; 1 when it is paid. */
static int buyer_acts(zsb *s, zsb_session *z, const char *action)
{
    if (z->state == ZSB_NEW || z->state == ZSB_IN_BANK) {
        int pay = action[0] == 'p';
        z->state = pay ? ZSB_PAID : ZSB_FAILED;
        if (pay) {
            z->paid_s = zsb_now(s);
            snprintf(z->card_pan, sizeof z->card_pan, "603799******%04d",
                     1000 + (int)(z - s->sessions) % 9000);
        }
    }
    return z->state == ZSB_PAID || z->state == ZSB_VERIFIED;
}

/* POST /__sandbox/buyer {"Authority", "action": "pay"|"cancel"}: the
   buyer simulator for plugin check, answering the return the browser
   would bring back as {"form": "Authority=...&Status=OK|NOK"}. */
static void knob_buyer(zsb *s, const json_t *in, zsb_reply *out)
{
    const char *a = json_string_value(json_object_get(in, "Authority"));
    const char *action = json_string_value(json_object_get(in, "action"));
    zsb_session *z = a ? zsb_find(s, a) : NULL;
    if (z == NULL || action == NULL || (strcmp(action, "pay") && strcmp(action, "cancel"))) {
        out->status = 400;
        out->body = strdup("{\"error\":\"Authority of a session and action pay|cancel\"}");
        return;
    }
    int paid = buyer_acts(s, z, action);
    char form[128];
    snprintf(form, sizeof form, "Authority=%s&Status=%s", z->authority, paid ? "OK" : "NOK");
    json_t *j = json_pack("{s:s}", "form", form);
    out->status = 200;
    out->body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
}

void zsb_start_pay(zsb *s, const char *authority, const char *action, zsb_reply *out)
{
    pthread_mutex_lock(&s->mu);
    zsb_session *z = zsb_find(s, authority);
    out->type = "text/html; charset=utf-8";
    if (z == NULL) {
        out->status = 404;
        out->body = strdup("<html><body>Unknown session</body></html>");
    } else if (action == NULL) {
        if (z->state == ZSB_NEW)
            z->state = ZSB_IN_BANK;
        char page[2048];
        snprintf(page, sizeof page,
                 "<html><body><h1>ZarinPal sandbox</h1><p>%s</p><p>%lld %s</p>"
                 "<a href=\"?action=pay\">pay</a> <a href=\"?action=cancel\">cancel</a>"
                 "</body></html>",
                 z->description, (long long)z->amount, z->currency);
        out->status = 200;
        out->body = strdup(page);
    } else if (strcmp(action, "pay") == 0 || strcmp(action, "cancel") == 0) {
        redirect(z, buyer_acts(s, z, action), out);
    } else {
        out->status = 400;
        out->body = strdup("<html><body>action must be pay or cancel</body></html>");
    }
    pthread_mutex_unlock(&s->mu);
}

static void knob_fault(zsb *s, const json_t *in, zsb_reply *out)
{
    const char *ep = json_string_value(json_object_get(in, "endpoint"));
    const char *mode = json_string_value(json_object_get(in, "mode"));
    json_int_t count = json_integer_value(json_object_get(in, "count"));
    if (json_is_true(json_object_get(in, "clear"))) { /* disarms every fault */
        for (int i = 0; i < ZSB_MAX_FAULTS; i++)
            s->faults[i].count = 0;
        out->status = 200;
        out->body = strdup("{\"cleared\":true}");
        return;
    }
    if (ep == NULL || mode == NULL || strlen(ep) >= 24 || count <= 0 ||
        (strcmp(mode, "timeout") != 0 && strcmp(mode, "5xx") != 0 && strcmp(mode, "garbage") != 0 &&
         strcmp(mode, "lost") != 0)) {
        out->status = 400;
        out->body = strdup("{\"error\":\"endpoint, mode timeout|5xx|garbage|lost, count>0\"}");
        return;
    }
    for (int i = 0; i < ZSB_MAX_FAULTS; i++) {
        zsb_fault *f = &s->faults[i];
        if (f->count > 0)
            continue;
        snprintf(f->endpoint, sizeof f->endpoint, "%s", ep);
        snprintf(f->mode, sizeof f->mode, "%s", mode);
        f->count = (int)count;
        f->delay_ms = (int)json_integer_value(json_object_get(in, "delay_ms"));
        out->status = 200;
        out->body = strdup("{\"armed\":true}");
        return;
    }
    out->status = 409;
    out->body = strdup("{\"error\":\"too many faults armed\"}");
}

static json_t *stats(zsb *s)
{
    static const char *const STATES[] = {"new",      "in_bank", "paid",
                                         "verified", "failed",  "reversed"};
    json_t *list = json_array();
    for (int i = 0; i < s->session_count; i++) {
        zsb_session *z = &s->sessions[i];
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:I,s:s,s:I,s:i}", "authority", z->authority, "state",
                            STATES[z->state], "amount", (json_int_t)z->amount, "currency",
                            z->currency, "ref_id", (json_int_t)z->ref_id, "verifies", z->verifies));
    }
    return json_pack("{s:{s:i,s:i,s:i,s:i,s:i},s:o}", "calls", "request", s->calls[0], "verify",
                     s->calls[1], "inquiry", s->calls[2], "unVerified", s->calls[3], "reverse",
                     s->calls[4], "sessions", list);
}

void zsb_knob(zsb *s, const char *path, const char *body, size_t len, zsb_reply *out)
{
    json_t *in = json_loadb(body, len, 0, NULL);
    pthread_mutex_lock(&s->mu);
    out->type = "application/json";
    if (strcmp(path, "clock") == 0 && json_is_object(in)) {
        sbc_clock_knob(&s->clock, in); /* a body without a move leaves it */
        char b[64];
        snprintf(b, sizeof b, "{\"now\":%lld}", (long long)zsb_now(s));
        out->status = 200;
        out->body = strdup(b);
    } else if (strcmp(path, "fault") == 0) {
        knob_fault(s, in, out);
    } else if (strcmp(path, "buyer") == 0 && json_is_object(in)) {
        knob_buyer(s, in, out);
    } else if (strcmp(path, "tamper") == 0 && json_is_object(in)) {
        /* The bank took another amount than requested: verify must say -50. */
        const char *a = json_string_value(json_object_get(in, "authority"));
        zsb_session *z = a ? zsb_find(s, a) : NULL;
        out->status = z ? 200 : 404;
        if (z)
            z->amount = json_integer_value(json_object_get(in, "amount"));
        out->body = strdup(z ? "{\"tampered\":true}" : "{\"error\":\"no such session\"}");
    } else if (strcmp(path, "stats") == 0) {
        out->status = 200;
        json_t *j = stats(s);
        out->body = json_dumps(j, JSON_COMPACT);
        json_decref(j);
    } else {
        out->status = 404;
        out->body = strdup("{\"error\":\"knobs: buyer, clock, fault, tamper, stats\"}");
    }
    pthread_mutex_unlock(&s->mu);
    json_decref(in);
}
