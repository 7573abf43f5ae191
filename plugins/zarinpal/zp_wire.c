/*
 * One REST v4 call and its envelope. ZarinPal answers {"data": ...,
 * "errors": ...} where the side that says nothing is [] or {} (or, on
 * unVerified, missing), the code is a number or a string ("100"), and the
 * HTTP status of a failure changes from call to call (200, 400, 401, 404,
 * 422): so the status is ignored and the code decides. An answer without a
 * readable code (a proxy's HTML page, a cut body, a timeout) says nothing
 * about what happened at ZarinPal: SL_ERETRY, the outcome unknown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "zarinpal.h"

/* A code given as a JSON integer or as integer text. 0 when absent/bad. */
static int read_code(const json_t *obj, long *code)
{
    const json_t *v = json_object_get(obj, "code");
    if (json_is_integer(v)) {
        *code = (long)json_integer_value(v);
        return 1;
    }
    const char *t = json_string_value(v);
    if (t == NULL || *t == '\0' || strlen(t) > 6)
        return 0;
    char *end = NULL;
    errno = 0;
    long n = strtol(t, &end, 10);
    if (errno != 0 || *end != '\0')
        return 0;
    *code = n;
    return 1;
}

/* An object with at least one member, else NULL ([] and {} say nothing). */
static json_t *filled(json_t *v)
{
    return json_is_object(v) && json_object_size(v) > 0 ? v : NULL;
}

static int read_envelope(json_t *doc, zp_answer *ans, sl_error *err)
{
    json_t *data = filled(json_object_get(doc, "data"));
    json_t *errors = filled(json_object_get(doc, "errors"));
    json_t *from = errors ? errors : data;
    long code = 0;
    if (from == NULL || !read_code(from, &code))
        return sl_error_set(err, SL_ERETRY, "code",
                            "ZarinPal answered without a result code: outcome unknown");
    const char *m = json_string_value(json_object_get(from, "message"));
    ans->doc = doc;
    ans->data = errors ? NULL : data;
    ans->code = code;
    snprintf(ans->message, sizeof ans->message, "%s", m ? m : "");
    return SL_OK;
}

int zp_post(zp_chan *ch, sl_ctx *ctx, const char *call, json_t *body, zp_answer *ans, sl_error *err)
{
    const sl_host *h = ch->host;
    char url[ZP_URL_MAX + 32];
    snprintf(url, sizeof url, "%s/%s.json", ch->api_url, call);
    json_object_set_new(body, "merchant_id", json_string(ch->merchant));
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (text == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    sl_http_req *req = h->http_new(ctx, "POST", url);
    int rc = req ? SL_OK : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    if (rc == SL_OK)
        rc = h->http_header(req, "Accept", "application/json");
    if (rc == SL_OK)
        rc = h->http_body(req, text, strlen(text), "application/json");
    free(text); /* the host copied it */
    sl_http_resp *resp = NULL;
    if (rc == SL_OK)
        rc = h->http_send(req, &resp, err);
    if (rc != SL_OK && resp == NULL)
        return rc == SL_EAUTH ? sl_error_set(err, SL_ERETRY, "", "%s: %s", call, err->message) : rc;
    size_t len = 0;
    const char *b = resp ? h->http_resp_body(resp, &len) : NULL;
    json_t *doc = NULL;
    sl_error perr = {.size = sizeof perr};
    if (b == NULL || sl_json_parse_object(b, len, ZP_MAX_BODY, "answer", &doc, &perr) != SL_OK)
        return sl_error_set(err, SL_ERETRY, "body",
                            "%s: HTTP %d without a JSON answer: outcome unknown", call,
                            resp ? h->http_status(resp) : 0);
    rc = read_envelope(doc, ans, err);
    if (rc != SL_OK)
        json_decref(doc);
    return rc;
}

int zp_outcome(zp_chan *ch, sl_ctx *ctx, const zp_answer *ans, const char *what, sl_error *err)
{
    const sl_host *h = ch->host;
    char code[24];
    snprintf(code, sizeof code, "%ld", ans->code);
    h->result_set(ctx, "code", code);
    h->result_set(ctx, "message", ans->message);
    if (ans->code == ZP_OK || ans->code == ZP_ALREADY_VERIFIED)
        return SL_OK;
    if (ans->code == ZP_TOO_MANY_ATTEMPTS || ans->code == ZP_UNEXPECTED)
        return sl_error_set(err, SL_ERETRY, "code", "%s: ZarinPal %ld (%.120s), try later", what,
                            ans->code, ans->message);
    return sl_error_set(err, SL_EREMOTE, "code", "%s refused: ZarinPal %ld (%.120s)", what,
                        ans->code, ans->message);
}
