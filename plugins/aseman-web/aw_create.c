/*
 * create_shipment: RegisterOrder (doc §4) -> {FactorKey, PostTrace}.
 * FactorKey is Aseman Web's key for the parcel ("41/2207-118844-000317",
 * kept as given: the status calls strip it to digits); PostTrace, the
 * Iran Post barcode, is often empty until the post accepts the parcel. A
 * negative FactorKey (or a legacy positive code) is the service's error.
 *
 * Register is not idempotent at the service and the service keeps no
 * reference of ours (there is no find call), so this function sends once
 * per call and never retries by itself: a fault, a timeout or an answer
 * it cannot read comes back as SL_ERETRY / SL_EIO, which the host treats
 * as "outcome unknown" and leaves to the operator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aw.h"
#include "shopledger/sdkutil.h"

/* A text param, "" when absent; control characters are refused. */
static int text_param(const sl_host *h, const sl_params *p, const char *key, int required,
                      size_t max, const char **out, sl_error *err)
{
    const char *v = h->param_get(p, key);
    if (v == NULL)
        v = "";
    if (required && *v == '\0')
        return sl_error_set(err, SL_EINVALID, key, "%s is required", key);
    if (strlen(v) > max)
        return sl_error_set(err, SL_EINVALID, key, "%s: longer than %zu bytes", key, max);
    if (!aw_utf8_valid(v))
        return sl_error_set(err, SL_EINVALID, key, "%s: not UTF-8", key);
    for (const unsigned char *s = (const unsigned char *)v; *s; s++)
        if ((*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7F)
            return sl_error_set(err, SL_EINVALID, key, "%s: control characters", key);
    *out = v;
    return SL_OK;
}

static int digits_exactly(const char *v, size_t n)
{
    return strlen(v) == n && strspn(v, "0123456789") == n;
}

/* The recipient's texts, checked: names, mobile 09xxxxxxxxx (the service
   answers -9 with no phone at all), a 10-digit postal code. */
typedef struct recipient {
    const char *first, *last, *mobile, *phone, *email, *address, *note, *ip;
    char zip[16];
} recipient;

static int read_recipient(const sl_host *h, const sl_params *p, recipient *r, sl_error *err)
{
    int rc = text_param(h, p, "first_name", 1, 100, &r->first, err);
    if (rc == SL_OK)
        rc = text_param(h, p, "last_name", 1, 100, &r->last, err);
    if (rc == SL_OK)
        rc = text_param(h, p, "mobile", 0, 11, &r->mobile, err);
    if (rc == SL_OK)
        rc = text_param(h, p, "phone", 0, 20, &r->phone, err);
    if (rc == SL_OK)
        rc = text_param(h, p, "email", 0, 120, &r->email, err);
    if (rc == SL_OK)
        rc = text_param(h, p, "address", 1, 500, &r->address, err);
    if (rc == SL_OK)
        rc = text_param(h, p, "note", 0, 500, &r->note, err);
    if (rc == SL_OK)
        rc = text_param(h, p, "customer_ip", 0, 45, &r->ip, err);
    const char *zip = NULL;
    if (rc == SL_OK)
        rc = text_param(h, p, "postal_code", 1, 10, &zip, err);
    if (rc != SL_OK)
        return rc;
    if (*r->mobile && !(digits_exactly(r->mobile, 11) && strncmp(r->mobile, "09", 2) == 0))
        return sl_error_set(err, SL_EINVALID, "mobile", "mobile: 11 digits starting 09");
    if (*r->mobile == '\0' && *r->phone == '\0')
        return sl_error_set(err, SL_EINVALID, "mobile",
                            "mobile: required (the service refuses a parcel "
                            "without a phone)");
    if (!digits_exactly(zip, 10))
        return sl_error_set(err, SL_EINVALID, "postal_code", "postal_code: exactly 10 digits");
    snprintf(r->zip, sizeof r->zip, "%s", zip);
    return SL_OK;
}

static int emit_created(const sl_host *h, sl_ctx *ctx, const aw_answer *a, const char *factor,
                        sl_error *err)
{
    char trace[AW_FIELD_MAX], digits[AW_ID_MAX];
    int rc = aw_id_digits(factor, "FactorKey", digits, sizeof digits, err);
    if (rc != SL_OK)
        return sl_error_set(err, SL_EIO, "FactorKey",
                            "RegisterOrder: FactorKey \"%.80s\" is not an Aseman Web "
                            "key; the parcel may be registered (check the panel)",
                            factor);
    if (aw_answer_field(a, "PostTrace", trace, sizeof trace) == SL_ETOOBIG)
        trace[0] = '\0';
    if (h->result_set(ctx, "parcel_id", factor) != SL_OK ||
        (trace[0] && h->result_set(ctx, "tracking_code", trace) != SL_OK) ||
        h->result_set(ctx, "status", aw_state_normalized(0)) != SL_OK ||
        h->result_set(ctx, "status_raw", "0") != SL_OK)
        return sl_error_set(err, SL_ENOMEM, "", "cannot record the parcel");
    return SL_OK;
}

static int register_order(aw_chan *ch, sl_ctx *ctx, const aw_param *params, size_t n, sl_error *err)
{
    const sl_host *h = ch->host;
    aw_answer a = {0};
    int rc = aw_call(ch, ctx, "RegisterOrder", params, n, &a, err);
    if (rc != SL_OK)
        return rc;
    char factor[AW_FIELD_MAX];
    int64_t code = 0;
    if (aw_answer_field(&a, "FactorKey", factor, sizeof factor) != 1 || factor[0] == '\0')
        rc = sl_error_set(err, SL_EIO, "FactorKey", "RegisterOrder: answer has no FactorKey");
    else if (aw_int_parse(factor, &code) && aw_is_error_code(code))
        rc = aw_code_report(h, ctx, "RegisterOrder", code, err);
    else
        rc = emit_created(h, ctx, &a, factor, err);
    aw_answer_free(&a);
    return rc;
}

int aw_create_shipment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    aw_chan *ch = state;
    const sl_host *h = ch->host;
    recipient r = {0};
    char prov[24], city[24];
    const char *type = NULL;
    int rc = aw_payment_cod(h, p, err);
    if (rc == SL_OK)
        rc = aw_send_type(h, p, &type, err);
    if (rc == SL_OK)
        rc = aw_param_uint(h, p, "province_id", NULL, prov, sizeof prov, err);
    if (rc == SL_OK)
        rc = aw_param_uint(h, p, "city_id", NULL, city, sizeof city, err);
    if (rc == SL_OK)
        rc = read_recipient(h, p, &r, err);
    char *products = NULL;
    if (rc == SL_OK)
        rc = aw_products_list(h, p, &products, err);
    if (rc != SL_OK)
        return rc;
    const aw_param params[] = {
        {"DestState", prov, 1},  {"DestCity", city, 1},   {"FirstName", r.first, 0},
        {"LastName", r.last, 0}, {"Phone", r.phone, 0},   {"Cell", r.mobile, 0},
        {"Email", r.email, 0},   {"Zip", r.zip, 0},       {"Address", r.address, 0},
        {"Comment", r.note, 0},  {"SendType", type, 1},   {"ProductsList", products, 0},
        {"CustomerIp", r.ip, 0}, {"AdvertiserId", "", 0}, {"PartnerId", "", 0},
    };
    rc = register_order(ch, ctx, params, sizeof params / sizeof params[0], err);
    free(products);
    return rc;
}
