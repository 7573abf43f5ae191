/*
 * The sale side of mellat_sandbox: the clock and its deadlines, the start
 * page and the buyer, and the test knobs.
 *
 * A sale moves created -> entered (start page) -> paid | cancelled, then
 * verified -> settled | reversed. The deadlines apply lazily before every
 * operation and knob (msb_sweep): a paid sale not verified within
 * verify_deadline_s is reversed by the bank (the buyer's money goes back),
 * and with auto_settle_s a verified sale neither settled nor reversed is
 * settled on the merchant's behalf (v1.39). The buyer is the test: the
 * knob POST /__sandbox/buyer pays or cancels a RefId and, like the bank's
 * auto-submit page in the buyer's browser, POSTs the callback form to
 * callBackUrl (with libcurl), or hands the form back when "post" is false.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "msb.h"

int64_t msb_now(const msb *s)
{
    return sbc_clock_now(&s->clock);
}

void msb_sweep(msb *s)
{
    const char *refid;
    json_t *sale;
    int64_t now = msb_now(s);
    json_object_foreach(s->sales, refid, sale)
    {
        const char *st = json_string_value(json_object_get(sale, "status"));
        if (strcmp(st, "paid") == 0 &&
            now - json_integer_value(json_object_get(sale, "paid_at")) > s->verify_deadline_s) {
            json_object_set_new(sale, "status", json_string("reversed"));
            json_object_set_new(sale, "reversed_at", json_integer(now));
            json_object_set_new(sale, "auto", json_string("reversed: not verified in time"));
        } else if (strcmp(st, "verified") == 0 && s->auto_settle_s > 0 &&
                   now - json_integer_value(json_object_get(sale, "verified_at")) >
                       s->auto_settle_s) {
            json_object_set_new(sale, "status", json_string("settled"));
            json_object_set_new(sale, "settled_at", json_integer(now));
            json_object_set_new(sale, "auto", json_string("settled by the bank"));
        }
    }
}

char *msb_form_encode(const json_t *fields)
{
    size_t cap = 64;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)fields, k, v) cap +=
        3 * (strlen(k) + strlen(json_string_value(v))) + 2;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    json_object_foreach((json_t *)fields, k, v)
    {
        const char *parts[2] = {k, json_string_value(v)};
        if (n > 0)
            out[n++] = '&';
        for (int i = 0; i < 2; i++) {
            for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
                if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '_' || *p == '.')
                    out[n++] = (char)*p;
                else
                    n += (size_t)snprintf(out + n, 4, "%%%02X", *p);
            }
            if (i == 0)
                out[n++] = '=';
        }
    }
    out[n] = '\0';
    return out;
}

/* Masks a card number as the bank shows it: 610433******1234. */
static void mask_card(const char *card, char out[32])
{
    size_t n = strlen(card);
    if (n < 10 || n > 19 || strspn(card, "0123456789") != n) {
        snprintf(out, 32, "610433******0000");
        return;
    }
    snprintf(out, 32, "%.6s%.*s%s", card, (int)(n - 10), "*********", card + n - 4);
}

int msb_buyer_act(msb *s, const char *refid, int pay, const char *card, json_t **fields,
                  const char **callback, const char **why)
{
    json_t *sale = json_object_get(s->sales, refid ? refid : "");
    if (sale == NULL)
        return *why = "unknown RefId", 404;
    const char *st = json_string_value(json_object_get(sale, "status"));
    if (strcmp(st, "created") != 0 && strcmp(st, "entered") != 0)
        return *why = "this RefId was already used", 409;
    int expired = msb_now(s) - json_integer_value(json_object_get(sale, "created")) > s->session_s;
    char ref[32] = "", pan[32] = "";
    const char *rescode = "17";
    if (expired) {
        rescode = "415";
        json_object_set_new(sale, "status", json_string("cancelled"));
    } else if (pay) {
        rescode = "0";
        snprintf(ref, sizeof ref, "%lld", (long long)s->next_reference++);
        mask_card(card ? card : "6104337890121234", pan);
        json_object_set_new(sale, "status", json_string("paid"));
        json_object_set_new(sale, "paid_at", json_integer(msb_now(s)));
        json_object_set_new(sale, "sale_reference", json_string(ref));
        json_object_set_new(sale, "card", json_string(pan));
    } else {
        json_object_set_new(sale, "status", json_string("cancelled"));
    }
    char amount[32];
    snprintf(amount, sizeof amount, "%lld",
             (long long)json_integer_value(json_object_get(sale, "paid_amount")));
    *fields = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "RefId", refid, "ResCode", rescode,
                        "SaleOrderId", json_string_value(json_object_get(sale, "order_id")),
                        "SaleReferenceId", ref, "CardHolderPan", pan, "CardHolderInfo",
                        pay && !expired ? "8C5D3A7F1E2B4C6D" : "", "FinalAmount",
                        pay && !expired ? amount : "");
    *callback = json_string_value(json_object_get(sale, "callback"));
    return 0;
}

/* Value of form field `name` (exact case) into out, "" when absent. */
static void form_value(const char *body, size_t len, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    size_t nl = strlen(name);
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == '=') {
            size_t n = 0;
            for (const char *q = p + nl + 1; q < stop && n + 1 < cap; q++) {
                if (*q == '%' && stop - q >= 3) {
                    char hex[3] = {q[1], q[2], 0};
                    out[n++] = (char)strtol(hex, NULL, 16);
                    q += 2;
                } else {
                    out[n++] = *q == '+' ? ' ' : *q;
                }
            }
            out[n] = '\0';
            return;
        }
        p = stop + 1;
    }
}

/* A malloc'd page of printf text (at most 8 KiB). */
__attribute__((format(printf, 1, 2))) static char *html(const char *fmt, ...)
{
    char *out = malloc(8192);
    if (out == NULL)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, 8192, fmt, ap);
    va_end(ap);
    return out;
}

void msb_start_page(msb *s, const char *body, size_t len, const char *referer, int *status,
                    char **out)
{
    char refid[80];
    form_value(body, len, "RefId", refid, sizeof refid);
    pthread_mutex_lock(&s->mu);
    msb_sweep(s);
    json_t *sale = json_object_get(s->sales, refid);
    char st[16]; /* a copy: the status string is replaced below */
    snprintf(st, sizeof st, "%s", sale ? json_string_value(json_object_get(sale, "status")) : "");
    int ref_ok =
        s->referer_host == NULL || (referer != NULL && strstr(referer, s->referer_host) != NULL);
    if (sale != NULL && ref_ok && strcmp(st, "created") == 0)
        json_object_set_new(sale, "status", json_string("entered"));
    pthread_mutex_unlock(&s->mu);
    if (!ref_ok) {
        *status = 403;
        *out = html("<html><body><p>Invalid referrer %.200s</p></body></html>",
                    referer ? referer : "(none)");
    } else if (sale == NULL || (strcmp(st, "created") != 0 && strcmp(st, "entered") != 0)) {
        *status = 400;
        *out = html("<html><body><p>Invalid RefId %.60s</p></body></html>", refid);
    } else {
        *status = 200;
        *out = html("<html><body><h1>Bank Mellat payment</h1>"
                    "<form method=\"post\" action=\"/pgwchannel/__pay\">"
                    "<input type=\"hidden\" name=\"RefId\" value=\"%s\">"
                    "<button name=\"action\" value=\"pay\">Pay</button>"
                    "<button name=\"action\" value=\"cancel\">Cancel</button>"
                    "</form></body></html>",
                    refid);
    }
}

void msb_buyer_form(msb *s, const char *body, size_t len, int *status, char **out)
{
    char refid[80], action[16];
    form_value(body, len, "RefId", refid, sizeof refid);
    form_value(body, len, "action", action, sizeof action);
    json_t *fields = NULL;
    const char *callback = NULL, *why = NULL;
    pthread_mutex_lock(&s->mu);
    msb_sweep(s);
    int rc = msb_buyer_act(s, refid, strcmp(action, "pay") == 0, NULL, &fields, &callback, &why);
    char cb[1024];
    snprintf(cb, sizeof cb, "%s", callback ? callback : "");
    pthread_mutex_unlock(&s->mu);
    if (rc != 0) {
        *status = rc;
        *out = html("<html><body><p>%s</p></body></html>", why);
        return;
    }
    /* The bank's page: an auto-submitting form of the callback fields. */
    size_t cap = 1024 + strlen(cb);
    const char *k;
    json_t *v;
    json_object_foreach(fields, k, v) cap += 64 + strlen(k) + strlen(json_string_value(v));
    char *page = malloc(cap);
    size_t n = page ? (size_t)snprintf(page, cap,
                                       "<html><body onload=\"document.forms[0].submit()\">"
                                       "<form method=\"post\" action=\"%s\">",
                                       cb)
                    : 0;
    json_object_foreach(fields, k, v) if (page) n +=
        (size_t)snprintf(page + n, cap - n, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", k,
                         json_string_value(v));
    if (page)
        snprintf(page + n, cap - n, "</form></body></html>");
    json_decref(fields);
    *status = 200;
    *out = page;
}

/* ---- knobs ------------------------------------------------------------------ */

static size_t sink(char *p, size_t size, size_t n, void *data)
{
    (void)p, (void)data;
    return size * n;
}

/* POSTs the callback form as the buyer's browser would: HTTP status or -1. */
static long post_callback(const char *url, const char *form)
{
    CURL *c = curl_easy_init();
    if (c == NULL)
        return -1;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_REFERER, "https://bpm.shaparak.ir/pgwchannel/startpay.mellat");
    long code = -1;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    return code;
}

static char *dump(json_t *j)
{
    char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return t;
}

static void knob_buyer(msb *s, json_t *in, int *status, char **out)
{
    const char *refid = json_string_value(json_object_get(in, "RefId"));
    const char *action = json_string_value(json_object_get(in, "action"));
    int post = !json_is_false(json_object_get(in, "post"));
    json_t *fields = NULL;
    const char *callback = NULL, *why = NULL;
    pthread_mutex_lock(&s->mu);
    msb_sweep(s);
    int rc =
        msb_buyer_act(s, refid, action && strcmp(action, "pay") == 0,
                      json_string_value(json_object_get(in, "card")), &fields, &callback, &why);
    char cb[1024];
    snprintf(cb, sizeof cb, "%s", callback ? callback : "");
    pthread_mutex_unlock(&s->mu);
    if (rc != 0) {
        *status = rc;
        *out = dump(json_pack("{s:s}", "error", why));
        return;
    }
    char *form = msb_form_encode(fields);
    long cs = post && form ? post_callback(cb, form) : 0;
    *status = 200;
    *out = dump(json_pack("{s:o, s:s, s:s, s:I}", "fields", fields, "form", form ? form : "",
                          "callback", cb, "callback_status", (json_int_t)cs));
    free(form);
}

/* {"op": OP or absent for every operation, "mode": fault | garbage | drop |
   done-then-drop | timeout | code | hold | reused-drop, "count": N,
   "code": C, "delay_ms": D}
   or {"clear": true} (every fault), {"op": OP, "clear": true} (OP's only). */
static void knob_fault(msb *s, json_t *in, char **out)
{
    const char *op = json_string_value(json_object_get(in, "op"));
    const char *mode = json_string_value(json_object_get(in, "mode"));
    json_int_t count = json_integer_value(json_object_get(in, "count"));
    json_t *f =
        json_pack("{s:s, s:I, s:I, s:I}", "mode", mode ? mode : "fault", "count",
                  count > 0 ? count : 1, "code", json_integer_value(json_object_get(in, "code")),
                  "delay_ms", json_integer_value(json_object_get(in, "delay_ms")));
    pthread_mutex_lock(&s->mu);
    if (json_is_true(json_object_get(in, "clear")) && op != NULL)
        json_object_del(s->faults, op);
    else if (json_is_true(json_object_get(in, "clear")))
        json_object_clear(s->faults);
    else
        json_object_set(s->faults, op ? op : "*", f);
    pthread_mutex_unlock(&s->mu);
    json_decref(f);
    *out = dump(json_pack("{s:b}", "ok", 1));
}

/* {"RefId": R, "paid_amount": N}: the bank charges another amount than
   asked (discounts, "Bon"), reported as FinalAmount. */
static void knob_amount(msb *s, json_t *in, int *status, char **out)
{
    const char *refid = json_string_value(json_object_get(in, "RefId"));
    json_t *amount = json_object_get(in, "paid_amount");
    pthread_mutex_lock(&s->mu);
    json_t *sale = refid ? json_object_get(s->sales, refid) : NULL;
    if (sale != NULL && json_is_integer(amount))
        json_object_set(sale, "paid_amount", amount);
    pthread_mutex_unlock(&s->mu);
    *status = sale ? 200 : 404;
    *out = dump(json_pack("{s:b}", "ok", sale != NULL));
}

void msb_knob(msb *s, const char *method, const char *path, const char *body, size_t len,
              int *status, char **out)
{
    json_t *in = len ? json_loadb(body, len, 0, NULL) : json_object();
    *status = 200;
    if (strcmp(method, "GET") == 0 && strcmp(path, "state") == 0) {
        pthread_mutex_lock(&s->mu);
        msb_sweep(s);
        *out = dump(json_pack("{s:O, s:O, s:I}", "sales", s->sales, "calls", s->calls, "now",
                              (json_int_t)msb_now(s)));
        pthread_mutex_unlock(&s->mu);
    } else if (in == NULL || strcmp(method, "POST") != 0) {
        *status = 400;
        *out = dump(json_pack("{s:s}", "error", "POST a JSON object"));
    } else if (strcmp(path, "buyer") == 0) {
        knob_buyer(s, in, status, out);
    } else if (strcmp(path, "clock") == 0) {
        pthread_mutex_lock(&s->mu);
        sbc_clock_knob(&s->clock, in); /* a body without a move leaves it */
        msb_sweep(s);
        *out = dump(json_pack("{s:I}", "now", (json_int_t)msb_now(s)));
        pthread_mutex_unlock(&s->mu);
    } else if (strcmp(path, "fault") == 0) {
        knob_fault(s, in, out);
    } else if (strcmp(path, "amount") == 0) {
        knob_amount(s, in, status, out);
    } else {
        *status = 404;
        *out = dump(json_pack("{s:s}", "error", "no such knob"));
    }
    json_decref(in);
}
