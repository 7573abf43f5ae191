/*
 * Foroutel's wire: form bodies, the three servers with fail-over, and the
 * {"code","message","result"} envelope (foroutel.h).
 */
#include <stdio.h>
#include <string.h>

#include "foroutel.h"
#include "shopledger/sdkutil.h"

void fr_form_init(fr_form *f, const sl_host *h, sl_ctx *ctx)
{
    memset(f, 0, sizeof *f);
    f->data = h->alloc(ctx, FR_FORM_MAX);
    f->cap = f->data ? FR_FORM_MAX : 0;
    f->too_big = f->data == NULL;
}

static void append_encoded(fr_form *f, const char *s)
{
    if (f->too_big)
        return;
    size_t n = sl_url_encode(s, f->data + f->len, f->cap - f->len);
    if (n == (size_t)-1)
        f->too_big = 1;
    else
        f->len += n;
}

static void append_char(fr_form *f, char c)
{
    if (f->too_big || f->len + 2 > f->cap) {
        f->too_big = 1;
        return;
    }
    f->data[f->len++] = c;
    f->data[f->len] = '\0';
}

void fr_form_add(fr_form *f, const char *key, const char *value)
{
    if (f->len > 0)
        append_char(f, '&');
    append_encoded(f, key);
    append_char(f, '=');
    append_encoded(f, value ? value : "");
}

/* The service's text cut to FR_MESSAGE_MAX bytes on a character
   boundary, so a long Persian message stays valid UTF-8. */
static void keep_message(const char *in, char *out, size_t cap)
{
    size_t n = strlen(in);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)in[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(out, in, n);
    out[n] = '\0';
}

int fr_number(const json_t *obj, const char *key, int required, char *buf, size_t cap,
              sl_error *err)
{
    int rc = sl_json_id(obj, key, required, buf, cap, err);
    if (rc != SL_OK)
        return rc;
    if (!json_object_get(obj, key) || json_is_null(json_object_get(obj, key)))
        return SL_OK;
    const char *p = buf;
    if (*p == '-')
        p++;
    if (!*p)
        return sl_error_set(err, SL_EINVALID, key, "%s is not a whole number", key);
    for (; *p; p++)
        if (*p < '0' || *p > '9')
            return sl_error_set(err, SL_EINVALID, key, "%s is not a whole number", key);
    return SL_OK;
}

/* Reads the envelope of an answer. */
static int read_envelope(fr_chan *ch, sl_ctx *ctx, const char *body, size_t len, const char *what,
                         json_t **root, json_t **result, sl_error *err)
{
    json_t *j = NULL;
    if (sl_json_parse_object(body, len, FR_MAX_BODY, "Foroutel answer", &j, err) != SL_OK ||
        !json_object_get(j, "code") || !json_object_get(j, "message") ||
        !json_object_get(j, "result")) {
        json_decref(j);
        return sl_error_set(err, SL_ERETRY, "body",
                            "Foroutel's answer to %s is not its {code, message, result} "
                            "envelope",
                            what);
    }
    char code[32];
    const char *message = json_string_value(json_object_get(j, "message"));
    if (fr_number(j, "code", 1, code, sizeof code, err) != SL_OK) {
        json_decref(j);
        return sl_error_set(err, SL_ERETRY, "code", "Foroutel's answer to %s has no numeric code",
                            what);
    }
    if (strcmp(code, "0") != 0) {
        snprintf(ch->refusal_code, sizeof ch->refusal_code, "%s", code);
        keep_message(message ? message : "", ch->refusal_message, sizeof ch->refusal_message);
        json_decref(j);
        return sl_error_set(err, SL_EREMOTE, "code",
                            "Foroutel refused %s (code %s); its own message is kept beside", what,
                            code);
    }
    *root = j;
    *result = json_object_get(j, "result");
    return SL_OK;
}

int fr_put_refusal(fr_chan *ch, sl_ctx *ctx, int rc)
{
    if (rc == SL_EREMOTE) {
        ch->host->result_set(ctx, "code", ch->refusal_code);
        ch->host->result_set(ctx, "message", ch->refusal_message);
    }
    return rc;
}

int fr_call(fr_chan *ch, sl_ctx *ctx, const char *path, fr_form *form, const char *what,
            json_t **root, json_t **result, sl_error *err)
{
    const sl_host *h = ch->host;
    fr_form_add(form, "api", ch->api_key);
    if (form->too_big)
        return sl_error_set(err, SL_ETOOBIG, "body", "the request for %s is over %u bytes", what,
                            FR_FORM_MAX);
    for (int tried = 0; tried < ch->server_count; tried++) {
        int idx = (ch->current + tried) % ch->server_count;
        char url[FR_URL_MAX + 64];
        snprintf(url, sizeof url, "%s/%s.json", ch->servers[idx], path);
        sl_http_req *req = h->http_new(ctx, "POST", url);
        if (!req ||
            h->http_body(req, form->data, form->len, "application/x-www-form-urlencoded") != SL_OK)
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
        sl_http_resp *resp = NULL;
        int rc = h->http_send(req, &resp, err);
        if (rc == SL_ERETRY && strcmp(err->field, "connect") == 0 && tried + 1 < ch->server_count) {
            h->log(ctx, SL_LOG_WARN, "Foroutel server %d is unreachable, trying the next", idx + 1);
            continue; /* nothing reached it: the next one cannot duplicate */
        }
        if (rc != SL_OK)
            return rc;
        ch->current = idx;
        int status = h->http_status(resp);
        if (status != 200)
            return sl_error_set(err, status >= 500 ? SL_ERETRY : SL_EIO, "http",
                                "Foroutel answered %s with HTTP %d", what, status);
        size_t len = 0;
        const char *body = h->http_resp_body(resp, &len);
        return read_envelope(ch, ctx, body ? body : "", body ? len : 0, what, root, result, err);
    }
    return sl_error_set(err, SL_ERETRY, "connect", "no Foroutel server is reachable");
}
