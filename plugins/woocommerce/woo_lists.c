/*
 * Lists for the tenant's mapping sections (slots list_taxes,
 * list_payment_methods, list_shipping_methods): tax rates (GET /taxes,
 * paged) and tax classes (GET /taxes/classes), payment gateways
 * (GET /payment_gateways, not paged), shipping method types
 * (GET /shipping_methods) and the methods configured in each shipping
 * zone (GET /shipping/zones, then /shipping/zones/{id}/methods: the flat
 * rate 3.50 a shop owner set up is there, not in the types). Each item
 * goes to host->list_add as (id, label, detail).
 */
#include <stdio.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

typedef int (*item_fn)(woo_chan *ch, sl_ctx *ctx, const json_t *item, sl_error *err);

/* GETs path (paged when `paged`) and calls fn for every array element. */
static int each_item(woo_chan *ch, sl_ctx *ctx, const char *path, int paged, item_fn fn,
                     sl_error *err)
{
    int total = 1;
    for (int page = 1; page <= total && page <= WOO_MAX_PAGES; page++) {
        woo_call c;
        char pg[16];
        snprintf(pg, sizeof pg, "%d", page);
        int rc = woo_call_init(&c, "GET", path);
        if (rc == SL_OK && paged &&
            ((rc = woo_call_param(&c, ch, ctx, "per_page", "100", err)) ||
             (rc = woo_call_param(&c, ch, ctx, "page", pg, err))))
            return rc;
        json_t *arr = NULL;
        const sl_http_resp *resp = NULL;
        rc = woo_call_send(ch, ctx, &c, &arr, &resp, err);
        if (rc != SL_OK)
            return rc;
        if (!json_is_array(arr)) {
            json_decref(arr);
            return sl_error_set(err, SL_EREMOTE, "body", "GET %s did not answer a JSON array",
                                path);
        }
        total = paged ? woo_total_pages(ch, resp) : 1;
        size_t i, n = json_array_size(arr);
        json_t *it;
        json_array_foreach(arr, i, it)
        {
            if ((rc = fn(ch, ctx, it, err)) != SL_OK)
                break;
        }
        json_decref(arr);
        if (rc != SL_OK || n == 0)
            return rc;
    }
    return SL_OK;
}

static int add(woo_chan *ch, sl_ctx *ctx, int kind, const char *id, const char *label,
               const char *detail, sl_error *err)
{
    int rc = ch->host->list_add(ctx, kind, id, label ? label : "", detail);
    return rc == SL_OK ? SL_OK : sl_error_set(err, rc, "id", "list_add refused %s", id);
}

static int tax_rate(woo_chan *ch, sl_ctx *ctx, const json_t *it, sl_error *err)
{
    char id[WOO_ID_MAX] = "", detail[200];
    const char *name = NULL, *rate = "", *country = "", *state = "", *cls = "standard";
    int rc = sl_json_id(it, "id", 1, id, sizeof id, err);
    if (rc || (rc = sl_json_str(it, "name", 0, &name, err)) ||
        (rc = sl_json_str(it, "rate", 0, &rate, err)) ||
        (rc = sl_json_str(it, "country", 0, &country, err)) ||
        (rc = sl_json_str(it, "state", 0, &state, err)) ||
        (rc = sl_json_str(it, "class", 0, &cls, err)))
        return rc;
    snprintf(detail, sizeof detail, "rate=%s class=%s country=%s state=%s", rate, cls, country,
             state);
    return add(ch, ctx, SL_LIST_TAX_RATE, id, name, detail, err);
}

static int tax_class(woo_chan *ch, sl_ctx *ctx, const json_t *it, sl_error *err)
{
    const char *slug = NULL, *name = NULL;
    int rc = sl_json_str(it, "slug", 1, &slug, err);
    if (rc || (rc = sl_json_str(it, "name", 0, &name, err)))
        return rc;
    return add(ch, ctx, SL_LIST_TAX_CLASS, slug, name, NULL, err);
}

static int gateway(woo_chan *ch, sl_ctx *ctx, const json_t *it, sl_error *err)
{
    const char *id = NULL, *title = NULL;
    int enabled = 0;
    int rc = sl_json_str(it, "id", 1, &id, err);
    if (rc || (rc = sl_json_str(it, "title", 0, &title, err)) ||
        (rc = sl_json_bool(it, "enabled", 0, &enabled, err)))
        return rc;
    return add(ch, ctx, SL_LIST_PAYMENT_METHOD, id, title, enabled ? "enabled" : "disabled", err);
}

static int shipping(woo_chan *ch, sl_ctx *ctx, const json_t *it, sl_error *err)
{
    const char *id = NULL, *title = NULL;
    int rc = sl_json_str(it, "id", 1, &id, err);
    if (rc || (rc = sl_json_str(it, "title", 0, &title, err)))
        return rc;
    return add(ch, ctx, SL_LIST_SHIPPING_METHOD, id, title, NULL, err);
}

int woo_list_taxes(void *state, sl_ctx *ctx, sl_error *err)
{
    int rc = each_item(state, ctx, "/taxes", 1, tax_rate, err);
    return rc != SL_OK ? rc : each_item(state, ctx, "/taxes/classes", 0, tax_class, err);
}

int woo_list_payment_methods(void *state, sl_ctx *ctx, sl_error *err)
{
    return each_item(state, ctx, "/payment_gateways", 0, gateway, err);
}

/* The text of settings.<key>.value of a zone method ("" when the method
   has no such setting; WooCommerce sends an empty settings object as []). */
static int setting_value(const json_t *m, const char *key, const char **out, sl_error *err)
{
    const json_t *settings = json_object_get(m, "settings");
    *out = "";
    if (settings == NULL || json_is_null(settings) || json_is_array(settings))
        return SL_OK;
    if (!json_is_object(settings))
        return sl_error_set(err, SL_EINVALID, "settings", "settings is not an object");
    const json_t *s = json_object_get(settings, key);
    if (s == NULL)
        return SL_OK;
    return sl_json_str(s, "value", 0, out, err);
}

static int zone_method_of(woo_chan *ch, sl_ctx *ctx, const json_t *m, const char *zone,
                          sl_error *err)
{
    char inst[WOO_ID_MAX] = "", id[WOO_ID_MAX + 64], detail[200];
    const char *method = NULL, *title = "", *cost = "";
    int enabled = 0;
    int rc = sl_json_id(m, "instance_id", 1, inst, sizeof inst, err);
    if (rc || (rc = sl_json_str(m, "method_id", 1, &method, err)) ||
        (rc = sl_json_str(m, "title", 0, &title, err)) ||
        (rc = sl_json_bool(m, "enabled", 0, &enabled, err)) ||
        (rc = setting_value(m, "cost", &cost, err)))
        return rc;
    snprintf(id, sizeof id, "%s:%s", method, inst);
    snprintf(detail, sizeof detail, "zone=\"%s\" cost=%s %s", zone, *cost ? cost : "-",
             enabled ? "enabled" : "disabled");
    return add(ch, ctx, SL_LIST_SHIPPING_METHOD, id, title, detail, err);
}

/* Every zone's configured methods (zones are few and not paged). */
static int zone(woo_chan *ch, sl_ctx *ctx, const json_t *z, sl_error *err)
{
    char zid[WOO_ID_MAX] = "", path[64];
    const char *name = "";
    int rc = sl_json_id(z, "id", 1, zid, sizeof zid, err);
    if (rc || (rc = sl_json_str(z, "name", 0, &name, err)))
        return rc;
    snprintf(path, sizeof path, "/shipping/zones/%s/methods", zid);
    woo_call c;
    json_t *arr = NULL;
    const sl_http_resp *resp = NULL;
    if ((rc = woo_call_init(&c, "GET", path)) ||
        (rc = woo_call_send(ch, ctx, &c, &arr, &resp, err)))
        return rc;
    if (!json_is_array(arr)) {
        json_decref(arr);
        return sl_error_set(err, SL_EREMOTE, "body", "GET %s did not answer a JSON array", path);
    }
    size_t i;
    json_t *m;
    json_array_foreach(arr, i, m)
    {
        if ((rc = zone_method_of(ch, ctx, m, name, err)) != SL_OK)
            break;
    }
    json_decref(arr);
    return rc;
}

int woo_list_shipping_methods(void *state, sl_ctx *ctx, sl_error *err)
{
    int rc = each_item(state, ctx, "/shipping_methods", 0, shipping, err);
    return rc != SL_OK ? rc : each_item(state, ctx, "/shipping/zones", 0, zone, err);
}
