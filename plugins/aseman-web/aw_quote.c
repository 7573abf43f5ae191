/*
 * quote_shipment: GetSendPrice(DestState, DestCity, Amount, Weight) ->
 * {Pishtaz, Sefareshi, Service, COD} in Rial (doc §3). Clients add the
 * components up in different ways (Service + COD; or Service plus 9 % VAT
 * on the postage, rounded up), so the connector answers the components,
 * one row per send type, and the shop decides: no cost_total. A negative
 * Pishtaz (or a legacy positive code there) is the service's error.
 */
#include <stdio.h>
#include <string.h>

#include "aw.h"
#include "shopledger/sdkutil.h"

int aw_payment_cod(const sl_host *h, const sl_params *p, sl_error *err)
{
    const char *pay = h->param_get(p, "payment");
    if (pay == NULL || *pay == '\0' || strcmp(pay, "cod") == 0)
        return SL_OK;
    return sl_error_set(err, SL_EINVALID, "payment",
                        "payment = %s: Aseman Web SOAP v1 registers "
                        "cash-on-delivery parcels only (cod)",
                        strcmp(pay, "prepaid") == 0 ? "prepaid" : "?");
}

int aw_send_type(const sl_host *h, const sl_params *p, const char **out, sl_error *err)
{
    const char *t = h->param_get(p, "send_type");
    if (t == NULL || *t == '\0' || strcmp(t, "express") == 0)
        *out = "0"; /* Pishtaz */
    else if (strcmp(t, "registered") == 0)
        *out = "1"; /* Sefareshi */
    else
        return sl_error_set(err, SL_EINVALID, "send_type",
                            "send_type: Aseman Web has express (Pishtaz) and "
                            "registered (Sefareshi) only");
    return SL_OK;
}

/* One Rial field of the answer, a non-negative integer, into out. */
static int cost(const aw_answer *a, const char *name, char *out, size_t cap, sl_error *err)
{
    char text[AW_FIELD_MAX];
    int64_t v = 0;
    if (aw_answer_field(a, name, text, sizeof text) != 1 || !aw_int_parse(text, &v) || v < 0)
        return sl_error_set(err, SL_EIO, name, "GetSendPrice: %s is not a Rial amount", name);
    snprintf(out, cap, "%lld", (long long)v);
    return SL_OK;
}

static int emit_rows(const sl_host *h, sl_ctx *ctx, const aw_answer *a, sl_error *err)
{
    char pishtaz[24], sefareshi[24], service[24], cod[24];
    int rc = cost(a, "Pishtaz", pishtaz, sizeof pishtaz, err);
    if (rc == SL_OK)
        rc = cost(a, "Sefareshi", sefareshi, sizeof sefareshi, err);
    if (rc == SL_OK)
        rc = cost(a, "Service", service, sizeof service, err);
    if (rc == SL_OK)
        rc = cost(a, "COD", cod, sizeof cod, err);
    if (rc != SL_OK)
        return rc;
    const struct {
        const char *send_type, *post;
    } rows[2] = {{"express", pishtaz}, {"registered", sefareshi}};
    for (size_t i = 0; i < 2; i++) {
        if (h->result_row(ctx) != SL_OK ||
            h->result_set(ctx, "send_type", rows[i].send_type) != SL_OK ||
            h->result_set(ctx, "payment", "cod") != SL_OK ||
            h->result_set(ctx, "cost_post", rows[i].post) != SL_OK ||
            h->result_set(ctx, "cost_service", service) != SL_OK ||
            h->result_set(ctx, "cost_cod", cod) != SL_OK)
            return sl_error_set(err, SL_ENOMEM, "", "cannot record a quote");
    }
    return SL_OK;
}

int aw_quote_shipment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    aw_chan *ch = state;
    const sl_host *h = ch->host;
    char prov[24], city[24], amount[24], weight[24];
    const char *type = NULL;
    int rc = aw_payment_cod(h, p, err);
    if (rc == SL_OK)
        rc = aw_send_type(h, p, &type, err);
    if (rc == SL_OK)
        rc = aw_param_uint(h, p, "province_id", NULL, prov, sizeof prov, err);
    if (rc == SL_OK)
        rc = aw_param_uint(h, p, "city_id", NULL, city, sizeof city, err);
    if (rc == SL_OK)
        rc =
            aw_param_uint(h, p, "value", h->param_get(p, "cod_amount"), amount, sizeof amount, err);
    if (rc == SL_OK)
        rc = aw_param_uint(h, p, "weight_g", NULL, weight, sizeof weight, err);
    if (rc != SL_OK)
        return rc;
    const aw_param params[] = {{"DestState", prov, 1},
                               {"DestCity", city, 1},
                               {"Amount", amount, 1},
                               {"Weight", weight, 1}};
    aw_answer a = {0};
    rc = aw_call(ch, ctx, "GetSendPrice", params, 4, &a, err);
    if (rc != SL_OK)
        return rc;
    char first[AW_FIELD_MAX];
    int64_t code = 0;
    if (aw_answer_field(&a, "Pishtaz", first, sizeof first) == 1 && aw_int_parse(first, &code) &&
        aw_is_error_code(code))
        rc = aw_code_report(h, ctx, "GetSendPrice", code, err);
    else
        rc = emit_rows(h, ctx, &a, err);
    aw_answer_free(&a);
    return rc;
}
