/*
 * The REST v4 calls of the emulated gateway. Each answer is built the way
 * shared/api/zarinpal.md says the real one comes: {"data": {...},
 * "errors": []} on success and {"data": [] or {}, "errors": {...}} on
 * failure, the empty side alternating from answer to answer, failures
 * under an HTTP status that changes from call to call (200, 400, 401,
 * 404, 422), and unVerified answering "code" as a string with no
 * "errors" key. Decisions are made on the stored session only.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zsb.h"

enum { EP_REQUEST, EP_VERIFY, EP_INQUIRY, EP_UNVERIFIED, EP_REVERSE, EP_COUNT };
static const char *const ENDPOINTS[EP_COUNT] = {"request", "verify", "inquiry", "unVerified",
                                                "reverse"};

int64_t zsb_now(const zsb *s)
{
    return sbc_clock_now(&s->clock);
}

zsb_session *zsb_find(zsb *s, const char *authority)
{
    for (int i = 0; i < s->session_count; i++)
        if (strcmp(s->sessions[i].authority, authority) == 0)
            return &s->sessions[i];
    return NULL;
}

/* Paid sessions nobody verified go back to the payer after a while. */
static void age(zsb *s, zsb_session *z)
{
    if (z->state == ZSB_PAID && zsb_now(s) - z->paid_s > ZSB_UNVERIFIED_RETURN_S)
        z->state = ZSB_REVERSED;
}

static void answer_json(zsb_reply *out, int status, json_t *j)
{
    out->status = status;
    out->body = json_dumps(j, JSON_COMPACT);
    out->type = "application/json";
    json_decref(j);
}

static void ok(zsb *s, zsb_reply *out, json_t *data)
{
    (void)s;
    answer_json(out, 200, json_pack("{s:o,s:[]}", "data", data, "errors"));
}

static void fail(zsb *s, zsb_reply *out, int code, const char *message)
{
    static const int STATUSES[] = {200, 400, 401, 404, 422};
    unsigned f = s->flip++;
    json_t *validations = f & 2 ? json_object() : json_array();
    json_t *errors =
        json_pack("{s:i,s:s,s:o}", "code", code, "message", message, "validations", validations);
    json_t *empty = f & 1 ? json_object() : json_array();
    answer_json(out, STATUSES[f % 5], json_pack("{s:o,s:o}", "data", empty, "errors", errors));
}

static int merchant_ok(const char *m)
{
    if (m == NULL || strlen(m) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? m[i] != '-' : !isxdigit((unsigned char)m[i]))
            return 0;
    }
    return 1;
}

/* An integer given as a JSON number or as decimal text (the docs' own
   example sends a string). -1 when neither. */
static int64_t amount_of(const json_t *v)
{
    if (json_is_integer(v))
        return json_integer_value(v);
    const char *t = json_string_value(v);
    if (t == NULL || *t == '\0' || strlen(t) > 18)
        return -1;
    for (const char *p = t; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    return strtoll(t, NULL, 10);
}

static const char *merchant_of(const json_t *in)
{
    return json_string_value(json_object_get(in, "merchant_id"));
}

static void do_request(zsb *s, const json_t *in, zsb_reply *out)
{
    const char *cur = json_string_value(json_object_get(in, "currency"));
    const char *cb = json_string_value(json_object_get(in, "callback_url"));
    const char *desc = json_string_value(json_object_get(in, "description"));
    int64_t amount = amount_of(json_object_get(in, "amount"));
    if (cur == NULL)
        cur = "IRR";
    if (strcmp(cur, "IRR") != 0 && strcmp(cur, "IRT") != 0)
        return fail(s, out, -9, "The input params invalid, validation error.");
    int64_t rial = strcmp(cur, "IRT") == 0 ? amount * 10 : amount;
    if (amount < 0 || rial < 1000)
        return fail(s, out, -9, "The amount must be at least 1000.");
    if (rial > 1000000000LL)
        return fail(s, out, -41, "The amount is above the maximum.");
    if (cb == NULL || (strncmp(cb, "http://", 7) != 0 && strncmp(cb, "https://", 8) != 0) ||
        strlen(cb) >= sizeof s->sessions[0].callback_url)
        return fail(s, out, -9, "The callback url is invalid.");
    if (desc == NULL || *desc == '\0' || strlen(desc) > 500)
        return fail(s, out, -9, "The description is required.");
    if (s->session_count >= ZSB_MAX_SESSIONS)
        return fail(s, out, -13, "Terminal limit reached.");
    zsb_session *z = &s->sessions[s->session_count++];
    memset(z, 0, sizeof *z);
    snprintf(z->authority, sizeof z->authority, "S%026dzp%07d", 0, s->session_count);
    snprintf(z->currency, sizeof z->currency, "%s", cur);
    snprintf(z->merchant, sizeof z->merchant, "%s", merchant_of(in));
    snprintf(z->callback_url, sizeof z->callback_url, "%s", cb);
    snprintf(z->description, sizeof z->description, "%.127s", desc);
    z->amount = amount;
    z->created_s = zsb_now(s);
    ok(s, out,
       json_pack("{s:i,s:s,s:s,s:s,s:I}", "code", 100, "message", "Success", "authority",
                 z->authority, "fee_type", "Merchant", "fee",
                 (json_int_t)(amount * s->fee_permille / 1000)));
}

static zsb_session *session_of(zsb *s, const json_t *in, zsb_reply *out)
{
    const char *a = json_string_value(json_object_get(in, "authority"));
    zsb_session *z = a ? zsb_find(s, a) : NULL;
    if (z == NULL) {
        fail(s, out, -54, "Invalid authority.");
        return NULL;
    }
    if (strcmp(z->merchant, merchant_of(in)) != 0) {
        fail(s, out, -53, "Session is not this merchant_id session.");
        return NULL;
    }
    age(s, z);
    return z;
}

static void do_verify(zsb *s, const json_t *in, zsb_reply *out)
{
    zsb_session *z = session_of(s, in, out);
    if (z == NULL)
        return;
    z->verifies++;
    if (z->state == ZSB_VERIFIED || z->state == ZSB_PAID) {
        if (amount_of(json_object_get(in, "amount")) != z->amount)
            return fail(s, out, -50, "Session is not valid, amounts values is not the same.");
        int first = z->state == ZSB_PAID;
        if (first) {
            z->state = ZSB_VERIFIED;
            z->ref_id = s->next_ref++;
        }
        return ok(s, out,
                  json_pack("{s:i,s:s,s:s,s:s,s:I,s:s,s:I}", "code", first ? 100 : 101, "message",
                            first ? "Paid" : "Verified", "card_hash", "0F3A5C7E91C", "card_pan",
                            z->card_pan, "ref_id", (json_int_t)z->ref_id, "fee_type", "Merchant",
                            "fee", (json_int_t)(z->amount * s->fee_permille / 1000)));
    }
    fail(s, out, -51, "Session is not valid, session is not active paid try.");
}

static void do_inquiry(zsb *s, const json_t *in, zsb_reply *out)
{
    zsb_session *z = session_of(s, in, out);
    if (z == NULL)
        return;
    static const char *const NAMES[] = {"IN_BANK",  "IN_BANK", "PAID",
                                        "VERIFIED", "FAILED",  "REVERSED"};
    ok(s, out,
       json_pack("{s:i,s:s,s:s}", "code", 100, "message", "Success", "status", NAMES[z->state]));
}

static void do_unverified(zsb *s, const json_t *in, zsb_reply *out)
{
    json_t *list = json_array();
    for (int i = s->session_count - 1; i >= 0 && json_array_size(list) < 100; i--) {
        zsb_session *z = &s->sessions[i];
        age(s, z);
        if (z->state != ZSB_PAID || strcmp(z->merchant, merchant_of(in)) != 0)
            continue;
        char date[32];
        time_t t = (time_t)z->paid_s;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
        json_array_append_new(list, json_pack("{s:s,s:I,s:s,s:s,s:s}", "authority", z->authority,
                                              "amount", (json_int_t)z->amount, "callback_url",
                                              z->callback_url, "referer", "", "date", date));
    }
    /* The docs' own example: code as a string and no "errors" key. */
    answer_json(out, 200,
                json_pack("{s:{s:s,s:s,s:o}}", "data", "code", "100", "message", "Success",
                          "authorities", list));
}

static void do_reverse(zsb *s, const json_t *in, zsb_reply *out)
{
    zsb_session *z = session_of(s, in, out);
    if (z == NULL)
        return;
    if (z->state != ZSB_VERIFIED)
        return fail(s, out, -61, "Session is not in success status.");
    if (zsb_now(s) - z->paid_s > ZSB_REVERSE_WINDOW_S)
        return fail(s, out, -63, "Maximum time for reverse this session is expired.");
    z->state = ZSB_REVERSED;
    ok(s, out, json_pack("{s:i,s:s}", "code", 100, "message", "Reversed"));
}

/* Takes the next armed fault of an endpoint, if any. */
static const zsb_fault *take_fault(zsb *s, const char *endpoint)
{
    for (int i = 0; i < ZSB_MAX_FAULTS; i++) {
        zsb_fault *f = &s->faults[i];
        if (f->count > 0 && strcmp(f->endpoint, endpoint) == 0) {
            f->count--;
            return f;
        }
    }
    return NULL;
}

static void garbage(zsb_reply *out)
{
    free(out->body);
    out->status = 200;
    out->body = strdup("<html><body>upstream hiccup");
    out->type = "text/html";
}

void zsb_api(zsb *s, const char *endpoint, const char *body, size_t len, zsb_reply *out)
{
    int ep = -1;
    for (int i = 0; i < EP_COUNT; i++) {
        size_t n = strlen(ENDPOINTS[i]);
        if (strncmp(endpoint, ENDPOINTS[i], n) == 0 && strcmp(endpoint + n, ".json") == 0)
            ep = i;
    }
    pthread_mutex_lock(&s->mu);
    if (ep < 0) {
        fail(s, out, -52, "Not found.");
        out->status = 404;
        pthread_mutex_unlock(&s->mu);
        return;
    }
    s->calls[ep]++;
    const zsb_fault *f = take_fault(s, ENDPOINTS[ep]);
    const char *mode = f ? f->mode : "";
    if (strcmp(mode, "5xx") == 0 || strcmp(mode, "garbage") == 0) {
        if (mode[0] == '5') {
            out->status = 503;
            out->body = strdup("<html><body>503 Service Unavailable</body></html>");
            out->type = "text/html";
        } else {
            garbage(out);
        }
        pthread_mutex_unlock(&s->mu);
        return;
    }
    json_error_t jerr;
    json_t *in = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *merchant = json_string_value(json_object_get(in, "merchant_id"));
    if (!json_is_object(in))
        fail(s, out, -9, "The input params invalid, validation error.");
    else if (!merchant_ok(merchant))
        fail(s, out, -10, "Terminal is not valid, please check merchant_id or ip address.");
    else if (ep == EP_REQUEST)
        do_request(s, in, out);
    else if (ep == EP_VERIFY)
        do_verify(s, in, out);
    else if (ep == EP_INQUIRY)
        do_inquiry(s, in, out);
    else if (ep == EP_UNVERIFIED)
        do_unverified(s, in, out);
    else
        do_reverse(s, in, out);
    json_decref(in);
    if (strcmp(mode, "lost") == 0)
        garbage(out);
    if (strcmp(mode, "timeout") == 0)
        out->delay_ms = f->delay_ms > 0 ? f->delay_ms : 3000;
    pthread_mutex_unlock(&s->mu);
}
