/*
 * The gateway slots of the ZarinPal connector (sdk.h, "appended in 1.3
 * (gateways)"). The host hands amounts in Rial minor units ("amount",
 * "currency" = IRR); with `currency = IRT` the connector sends Toman
 * (Rial / 10, refused when not whole) and reads the amounts ZarinPal
 * reports (fee, unVerified) back into Rial, so the unit is converted in
 * this one place and verify repeats the request's amount in the same unit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "zarinpal.h"

/* The params' amount in the unit ZarinPal is sent. */
static int send_amount(const zp_chan *ch, const sl_params *p, json_int_t *out, sl_error *err)
{
    const char *a = ch->host->param_get(p, "amount");
    const char *cur = ch->host->param_get(p, "currency");
    if (cur != NULL && strcmp(cur, "IRR") != 0)
        return sl_error_set(err, SL_EINVALID, "currency",
                            "ZarinPal takes Rial from the host (gateway_currency = IRR)");
    char *end = NULL;
    long long v = a ? strtoll(a, &end, 10) : 0;
    if (a == NULL || end == a || *end != '\0' || v <= 0 || strlen(a) > 15)
        return sl_error_set(err, SL_EINVALID, "amount", "amount must be whole Rial > 0");
    if (ch->irt && v % 10 != 0)
        return sl_error_set(err, SL_EINVALID, "amount",
                            "currency = IRT sends Toman: the Rial amount must be a multiple "
                            "of 10 (rounding >= 1)");
    *out = (json_int_t)(ch->irt ? v / 10 : v);
    return SL_OK;
}

/* A Rial amount result from a figure ZarinPal gave in the sent unit. */
static void rial_result(const zp_chan *ch, sl_ctx *ctx, const char *key, const json_t *v)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return;
    char b[32];
    snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v) * (ch->irt ? 10 : 1));
    ch->host->result_set(ctx, key, b);
}

static int authority_param(const zp_chan *ch, const sl_params *p, const char **out, sl_error *err)
{
    const char *a = ch->host->param_get(p, "authority");
    if (a == NULL || *a == '\0' || strlen(a) >= ZP_AUTHORITY_MAX)
        return sl_error_set(err, SL_EINVALID, "authority", "authority is missing");
    *out = a;
    return SL_OK;
}

static json_t *with_authority(const char *authority)
{
    return json_pack("{s:s}", "authority", authority);
}

int zp_request(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    zp_chan *ch = state;
    const sl_host *h = ch->host;
    json_int_t amount;
    int rc = send_amount(ch, p, &amount, err);
    if (rc != SL_OK)
        return rc;
    const char *cb = h->param_get(p, "callback_url"), *desc = h->param_get(p, "description");
    const char *ref = h->param_get(p, "order_ref");
    if (cb == NULL || *cb == '\0')
        return sl_error_set(err, SL_EINVALID, "callback_url", "callback_url is missing");
    char d[501];
    snprintf(d, sizeof d, "%s", desc && *desc ? desc : "Order");
    json_t *meta = json_object();
    json_object_set_new(meta, "order_id", json_string(ref ? ref : ""));
    const char *mobile = h->param_get(p, "mobile"), *email = h->param_get(p, "email");
    if (mobile && *mobile)
        json_object_set_new(meta, "mobile", json_string(mobile));
    if (email && *email)
        json_object_set_new(meta, "email", json_string(email));
    json_t *body =
        json_pack("{s:I,s:s,s:s,s:s,s:o}", "amount", amount, "currency", ch->irt ? "IRT" : "IRR",
                  "callback_url", cb, "description", d, "metadata", meta);
    zp_answer ans = {0};
    if ((rc = zp_post(ch, ctx, "request", body, &ans, err)) != SL_OK)
        return rc;
    rc = zp_outcome(ch, ctx, &ans, "payment request", err);
    const char *authority = json_string_value(json_object_get(ans.data, "authority"));
    if (rc == SL_OK &&
        (authority == NULL || *authority == '\0' || strlen(authority) >= ZP_AUTHORITY_MAX))
        rc = sl_error_set(err, SL_ERETRY, "authority",
                          "ZarinPal accepted the request without an authority");
    if (rc == SL_OK) {
        char url[ZP_URL_MAX + ZP_AUTHORITY_MAX + 2];
        snprintf(url, sizeof url, "%s/%s", ch->start_url, authority);
        h->result_set(ctx, "authority", authority);
        h->result_set(ctx, "start_url", url);
        h->result_set(ctx, "start_method", "GET");
        rial_result(ch, ctx, "fee", json_object_get(ans.data, "fee"));
    }
    json_decref(ans.doc);
    return rc;
}

int zp_parse_return(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err)
{
    zp_chan *ch = state;
    const sl_host *h = ch->host;
    size_t len = 0;
    const char *body = h->request_body(req, &len);
    char authority[ZP_AUTHORITY_MAX], status[16];
    if (body == NULL || zp_form_get(body, len, "Authority", authority, sizeof authority) != 1 ||
        authority[0] == '\0')
        return sl_error_set(err, SL_EINVALID, "Authority", "the return carries no Authority");
    for (const char *c = authority; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')))
            return sl_error_set(err, SL_EINVALID, "Authority",
                                "Authority must be letters and digits");
    if (zp_form_get(body, len, "Status", status, sizeof status) != 1)
        return sl_error_set(err, SL_EINVALID, "Status", "the return carries no Status");
    h->result_set(ctx, "authority", authority);
    h->result_set(ctx, "ok", strcmp(status, "OK") == 0 ? "1" : "0");
    return SL_OK;
}

int zp_verify(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    zp_chan *ch = state;
    const sl_host *h = ch->host;
    const char *authority = NULL;
    json_int_t amount;
    int rc = authority_param(ch, p, &authority, err);
    if (rc == SL_OK)
        rc = send_amount(ch, p, &amount, err);
    if (rc != SL_OK)
        return rc;
    json_t *body = with_authority(authority);
    json_object_set_new(body, "amount", json_integer(amount));
    zp_answer ans = {0};
    if ((rc = zp_post(ch, ctx, "verify", body, &ans, err)) != SL_OK)
        return rc;
    rc = zp_outcome(ch, ctx, &ans, "verify", err);
    if (rc == SL_OK) {
        char ref[64] = "";
        sl_error e2 = {.size = sizeof e2};
        if (sl_json_id(ans.data, "ref_id", 0, ref, sizeof ref, &e2) == SL_OK && ref[0])
            h->result_set(ctx, "reference", ref);
        const char *pan = json_string_value(json_object_get(ans.data, "card_pan"));
        if (pan && *pan)
            h->result_set(ctx, "card_mask", pan);
        rial_result(ch, ctx, "fee", json_object_get(ans.data, "fee"));
        if (ans.code == ZP_ALREADY_VERIFIED)
            h->result_set(ctx, "already", "1");
    }
    json_decref(ans.doc);
    return rc;
}

/* inquiry.json status -> the SDK's "state" words. */
static const char *state_word(const char *status)
{
    static const char *const MAP[][2] = {{"IN_BANK", "in_bank"},
                                         {"PAID", "paid"},
                                         {"VERIFIED", "verified"},
                                         {"FAILED", "failed"},
                                         {"REVERSED", "reversed"}};
    for (size_t i = 0; status && i < sizeof MAP / sizeof MAP[0]; i++)
        if (strcmp(MAP[i][0], status) == 0)
            return MAP[i][1];
    return NULL;
}

int zp_inquire(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    zp_chan *ch = state;
    const char *authority = NULL;
    int rc = authority_param(ch, p, &authority, err);
    if (rc != SL_OK)
        return rc;
    zp_answer ans = {0};
    if ((rc = zp_post(ch, ctx, "inquiry", with_authority(authority), &ans, err)) != SL_OK)
        return rc;
    rc = zp_outcome(ch, ctx, &ans, "inquiry", err);
    const char *status = json_string_value(json_object_get(ans.data, "status"));
    const char *word = state_word(status);
    if (rc == SL_OK && word == NULL)
        rc = sl_error_set(err, SL_ERETRY, "status", "inquiry: unknown status '%.32s'",
                          status ? status : "");
    if (rc == SL_OK)
        ch->host->result_set(ctx, "state", word);
    json_decref(ans.doc);
    return rc;
}

int zp_reverse(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    zp_chan *ch = state;
    const char *authority = NULL;
    int rc = authority_param(ch, p, &authority, err);
    if (rc != SL_OK)
        return rc;
    zp_answer ans = {0};
    if ((rc = zp_post(ch, ctx, "reverse", with_authority(authority), &ans, err)) != SL_OK)
        return rc;
    rc = zp_outcome(ch, ctx, &ans, "reverse", err);
    json_decref(ans.doc);
    return rc;
}

/* The amount of one unVerified entry in rials into out: 1 when it is a
   whole number (string or integer) whose rials fit, 0 otherwise (the row
   is listed without it: the list is for an operator's reconcile). */
static int listed_amount(const zp_chan *ch, const json_t *it, char *out, size_t cap)
{
    sl_error ignored = {.size = sizeof ignored};
    char text[32];
    int64_t v = 0;
    if (sl_json_id(it, "amount", 0, text, sizeof text, &ignored) != SL_OK || text[0] == '\0' ||
        sl_money_parse(text, 0, &v) != SL_OK || v < 0 || (ch->irt && v > INT64_MAX / 10))
        return 0;
    snprintf(out, cap, "%lld", (long long)(ch->irt ? v * 10 : v));
    return 1;
}

int zp_list_unverified(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    zp_chan *ch = state;
    const sl_host *h = ch->host;
    (void)p;
    zp_answer ans = {0};
    int rc = zp_post(ch, ctx, "unVerified", json_object(), &ans, err);
    if (rc != SL_OK)
        return rc;
    rc = zp_outcome(ch, ctx, &ans, "unVerified", err);
    json_t *list = json_object_get(ans.data, "authorities"), *it;
    size_t i;
    if (rc == SL_OK && list != NULL && !json_is_array(list))
        rc = sl_error_set(err, SL_ERETRY, "authorities", "unVerified: authorities is no list");
    if (rc == SL_OK)
        json_array_foreach(list, i, it)
        {
            const char *a = json_string_value(json_object_get(it, "authority"));
            if (i >= ZP_MAX_UNVERIFIED || a == NULL || strlen(a) >= ZP_AUTHORITY_MAX)
                continue;
            h->result_row(ctx);
            h->result_set(ctx, "authority", a);
            char amount[32];
            if (listed_amount(ch, it, amount, sizeof amount))
                h->result_set(ctx, "amount", amount);
            else if (json_object_get(it, "amount") != NULL)
                h->log(ctx, SL_LOG_WARN, "unVerified: authority %s listed without a usable amount",
                       a);
            const char *date = json_string_value(json_object_get(it, "date"));
            if (date)
                h->result_set(ctx, "date", date);
        }
    json_decref(ans.doc);
    return rc;
}

int zp_check_connection(void *state, sl_ctx *ctx, sl_error *err)
{
    zp_chan *ch = state;
    zp_answer ans = {0};
    int rc = zp_post(ch, ctx, "unVerified", json_object(), &ans, err);
    if (rc != SL_OK)
        return rc;
    if (ans.code != ZP_OK)
        rc = sl_error_set(err, ans.code == -10 || ans.code == -11 ? SL_EAUTH : SL_EREMOTE,
                          "merchant_key", "ZarinPal %ld: %.160s", ans.code, ans.message);
    json_decref(ans.doc);
    return rc;
}
