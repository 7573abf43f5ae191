/*
 * Lists for the tenant's mapping sections (slots list_taxes,
 * list_payment_methods, list_shipping_methods): tax rates (GET /taxes,
 * paged) and tax classes (GET /taxes/classes), payment gateways
 * (GET /payment_gateways, not paged) and shipping method types
 * (GET /shipping_methods). Each item goes to host->list_add as
 * (id, label, detail).
 */
#include <stdio.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

typedef int (*item_fn)(woo_chan *ch, sl_ctx *ctx, const json_t *item,
                       sl_error *err);

/* GETs path (paged when `paged`) and calls fn for every array element. */
static int each_item(woo_chan *ch, sl_ctx *ctx, const char *path, int paged,
                     item_fn fn, sl_error *err)
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
            return sl_error_set(err, SL_EREMOTE, "body",
                                "GET %s did not answer a JSON array", path);
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

static int add(woo_chan *ch, sl_ctx *ctx, int kind, const char *id,
               const char *label, const char *detail, sl_error *err)
{
    int rc = ch->host->list_add(ctx, kind, id, label ? label : "", detail);
    return rc == SL_OK ? SL_OK
                       : sl_error_set(err, rc, "id", "list_add refused %s", id);
}

static int tax_rate(woo_chan *ch, sl_ctx *ctx, const json_t *it, sl_error *err)
{
    char id[WOO_ID_MAX] = "", detail[200];
    const char *name = NULL, *rate = "", *country = "", *state = "",
               *cls = "standard";
    int rc = sl_json_id(it, "id", 1, id, sizeof id, err);
    if (rc || (rc = sl_json_str(it, "name", 0, &name, err)) ||
        (rc = sl_json_str(it, "rate", 0, &rate, err)) ||
        (rc = sl_json_str(it, "country", 0, &country, err)) ||
        (rc = sl_json_str(it, "state", 0, &state, err)) ||
        (rc = sl_json_str(it, "class", 0, &cls, err)))
        return rc;
    snprintf(detail, sizeof detail, "rate=%s class=%s country=%s state=%s",
             rate, cls, country, state);
    return add(ch, ctx, SL_LIST_TAX_RATE, id, name, detail, err);
}

static int tax_class(woo_chan *ch, sl_ctx *ctx, const json_t *it,
                     sl_error *err)
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
    return add(ch, ctx, SL_LIST_PAYMENT_METHOD, id, title,
               enabled ? "enabled" : "disabled", err);
}

static int shipping(woo_chan *ch, sl_ctx *ctx, const json_t *it,
                    sl_error *err)
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
    return rc != SL_OK ? rc
                       : each_item(state, ctx, "/taxes/classes", 0, tax_class,
                                   err);
}

int woo_list_payment_methods(void *state, sl_ctx *ctx, sl_error *err)
{
    return each_item(state, ctx, "/payment_gateways", 0, gateway, err);
}

int woo_list_shipping_methods(void *state, sl_ctx *ctx, sl_error *err)
{
    return each_item(state, ctx, "/shipping_methods", 0, shipping, err);
}
