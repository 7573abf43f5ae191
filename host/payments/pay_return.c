/*
 * The buyer's return to /pay/<tenant>/<channel>/return and the page the
 * buyer sees.
 *
 * Taking a return only records it: the plugin reads the authority (and
 * what the gateway claims) from the query or form, the attempt of that
 * authority moves from pending to returned, and the scheduler does the
 * remote work (verify, settle, book) on its own thread. The page says
 * "checking" and refreshes itself; the same URL, reloaded, shows the
 * attempt as it is by then (paid with its reference, or not paid). A
 * reload or a repeated callback finds the attempt already past pending
 * and changes nothing, so nothing is verified or booked twice.
 *
 * A return whose authority is not a stored attempt of the channel, or
 * whose order reference or amount (where the gateway sends them) differs
 * from the attempt, is refused and kept as an event: a forged or
 * tampered callback never reaches the gateway's verify.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payments/pay_int.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define PAY_REFRESH_URL_MAX 4200

static void view_of(const pay_attempt *a, pay_return_view *v)
{
    memset(v, 0, sizeof *v);
    v->known = 1;
    snprintf(v->status, sizeof v->status, "%s", a->status);
    snprintf(v->reference, sizeof v->reference, "%s", a->reference);
    snprintf(v->shop_currency, sizeof v->shop_currency, "%s", a->shop_currency);
    snprintf(v->external_id, sizeof v->external_id, "%s", a->external_id);
    snprintf(v->shop_channel, sizeof v->shop_channel, "%s", a->shop_channel);
    v->shop_exponent = a->shop_exponent;
    v->shop_amount = a->shop_amount;
}

/* A figure the return carries that must equal the attempt's, or "". */
static const char *mismatch(const pay_results *r, const pay_attempt *a)
{
    char mine[32];
    const char *ref = pay_result(r, 0, "order_ref"), *amount = pay_result(r, 0, "amount");
    snprintf(mine, sizeof mine, "%lld", (long long)a->id);
    if (ref && *ref && strcmp(ref, mine) != 0)
        return "order reference";
    snprintf(mine, sizeof mine, "%lld", (long long)a->gateway_amount);
    if (amount && *amount && strcmp(amount, mine) != 0)
        return "amount";
    return "";
}

int pay_return_take(runtime_channel *gc, store *db, const char *body, size_t len, int look_only,
                    int64_t now_ms, pay_return_view *v, sl_error *err)
{
    memset(v, 0, sizeof *v);
    const char *channel = gc->config->name;
    pay_results r;
    char text[PAY_TEXT_MAX + 64];
    int rc = pay_call_return(gc, body, len, &r, err);
    if (rc != SL_OK) {
        snprintf(text, sizeof text, "unreadable return: %.200s", err->message);
        if (!look_only)
            pay_event(db, channel, 0, "bad_return", text, now_ms, err);
        pay_results_free(&r);
        return sl_error_set(err, SL_EINVALID, "return", "%s", text);
    }
    const char *authority = pay_result(&r, 0, "authority"), *ok = pay_result(&r, 0, "ok");
    pay_attempt a;
    rc = authority && *authority
             ? pay_attempt_by_authority(db, channel, authority, &a, err)
             : sl_error_set(err, SL_ENOTFOUND, "authority", "the return names no authority");
    if (rc == SL_ENOTFOUND) {
        snprintf(text, sizeof text, "return for unknown authority '%.64s' refused",
                 authority ? authority : "");
        if (!look_only)
            pay_event(db, channel, 0, "forged_return", text, now_ms, err);
        pay_results_free(&r);
        return sl_error_set(err, SL_ENOTFOUND, "authority", "%s", text);
    }
    const char *bad = rc == SL_OK ? mismatch(&r, &a) : "";
    if (rc == SL_OK && *bad) {
        snprintf(text, sizeof text, "return with a different %s refused", bad);
        if (!look_only)
            pay_event(db, channel, a.id, "forged_return", text, now_ms, err);
        pay_results_free(&r);
        return sl_error_set(err, SL_ENOTFOUND, "return", "%s", text);
    }
    if (rc == SL_OK && look_only) {
        /* the page reloading itself: show, record nothing */
    } else if (rc == SL_OK && strcmp(a.status, PAY_PENDING) == 0) {
        int paid = ok && strcmp(ok, "1") == 0;
        snprintf(a.code, sizeof a.code, "%s", paid ? "OK" : "NOK");
        const char *sale = pay_result(&r, 0, "sale_reference"),
                   *card = pay_result(&r, 0, "card_mask");
        if (sale && *sale)
            snprintf(a.sale_reference, sizeof a.sale_reference, "%s", sale);
        if (card && *card)
            snprintf(a.card_mask, sizeof a.card_mask, "%s", card);
        a.returned_ms = now_ms;
        rc = pay_attempt_move(db, &a, PAY_RETURNED, "returned",
                              paid ? "buyer returned, gateway says paid (to verify)"
                                   : "buyer returned, gateway says not paid (to verify)",
                              now_ms, err);
    } else if (rc == SL_OK) {
        snprintf(text, sizeof text, "repeated return (attempt is %s): nothing to do", a.status);
        rc = pay_event(db, channel, a.id, "return_repeated", text, now_ms, err);
    }
    pay_results_free(&r);
    if (rc == SL_OK)
        view_of(&a, v);
    return rc;
}

const char *pay_tenant_language(const config_tenant *t, const char *shop_channel)
{
    const config_channel *ch = shop_channel ? config_find_channel(t, shop_channel) : NULL;
    const char *lang = ch ? config_channel_get(ch, "language") : NULL;
    for (size_t i = 0; lang == NULL && i < t->document_count; i++)
        if (strcmp(t->documents[i].key, "language") == 0)
            lang = t->documents[i].value;
    return lang ? lang : "en";
}

/* The texts of the page in one language. */
typedef struct page_texts {
    const char *lang, *dir, *title, *paid, *not_paid, *checking, *unknown, *reference, *order,
        *amount;
} page_texts;

static const page_texts FA = {
    "fa",
    "rtl",
    "نتیجهٔ پرداخت",
    "پرداخت با موفقیت انجام شد.",
    "پرداخت انجام نشد.",
    "در حال بررسی پرداخت… این صفحه خودکار به‌روز "
    "می‌شود.",
    "این پرداخت شناخته نشد.",
    "شمارهٔ پیگیری",
    "سفارش",
    "مبلغ"};
static const page_texts EN = {"en",
                              "ltr",
                              "Payment result",
                              "Payment received.",
                              "Payment not completed.",
                              "Checking your payment... this page refreshes by itself.",
                              "This payment is not known.",
                              "Reference",
                              "Order",
                              "Amount"};

/* What the buyer is told for an attempt's status. */
static const char *verdict(const pay_return_view *v, const page_texts *t, int *final)
{
    *final = 1;
    if (!v->known)
        return t->unknown;
    const char *s = v->status;
    if (!strcmp(s, PAY_VERIFIED) || !strcmp(s, PAY_SETTLED) || !strcmp(s, PAY_BOOKED))
        return t->paid;
    if (!strcmp(s, PAY_CANCELLED) || !strcmp(s, PAY_REFUSED) || !strcmp(s, PAY_FAILED) ||
        !strcmp(s, PAY_REVERSED))
        return t->not_paid;
    *final = 0;
    return t->checking;
}

/* Copies text with &, <, >, " escaped. */
static void escape(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 7 < cap; in++) {
        const char *rep = *in == '&'   ? "&amp;"
                          : *in == '<' ? "&lt;"
                          : *in == '>' ? "&gt;"
                          : *in == '"' ? "&quot;"
                                       : NULL;
        if (rep) {
            memcpy(out + o, rep, strlen(rep));
            o += strlen(rep);
        } else {
            out[o++] = *in;
        }
    }
    out[o] = '\0';
}

char *pay_return_page(const pay_return_view *v, const char *lang, int refresh_s,
                      const char *refresh_url)
{
    const page_texts *t = lang && strcmp(lang, "fa") == 0 ? &FA : &EN;
    int final;
    const char *say = verdict(v, t, &final);
    char refresh[PAY_REFRESH_URL_MAX * 2], url[PAY_REFRESH_URL_MAX * 2 - 64];
    char details[768] = "", ref[160], order[300], m[SL_MONEY_TEXT_MAX];
    refresh[0] = '\0';
    if (!final && refresh_url) {
        escape(refresh_url, url, sizeof url);
        snprintf(refresh, sizeof refresh, "<meta http-equiv=\"refresh\" content=\"%d; url=%s\">",
                 refresh_s, url);
    }
    if (v->known) {
        escape(v->reference, ref, sizeof ref);
        escape(v->external_id, order, sizeof order);
        snprintf(details, sizeof details,
                 "<p>%s: <bdi>%s</bdi></p><p>%s: <bdi>%s %s</bdi></p>%s%s%s%s", t->order, order,
                 t->amount, sl_money_format(v->shop_amount, v->shop_exponent, m), v->shop_currency,
                 v->reference[0] ? "<p>" : "", v->reference[0] ? t->reference : "",
                 v->reference[0] ? ": <bdi>" : "", v->reference[0] ? ref : "");
        if (v->reference[0])
            strncat(details, "</bdi></p>", sizeof details - strlen(details) - 1);
    }
    size_t cap = 4096 + sizeof refresh;
    char *html = malloc(cap);
    if (html == NULL)
        return NULL;
    snprintf(html, cap,
             "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width\">%s<title>%s</title></head>"
             "<body style=\"font-family:sans-serif;max-width:32em;margin:2em auto\">"
             "<h1>%s</h1><p class=\"verdict\">%s</p>%s</body></html>\n",
             t->lang, t->dir, refresh, t->title, t->title, say, details);
    return html;
}
