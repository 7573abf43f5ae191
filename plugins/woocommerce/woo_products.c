/*
 * Master-data import (slot fetch_products, `shopledger channel import`):
 * every product of the store with its variations, as the push finds them.
 *
 * GET /products pages through the catalog (100 per page, trimmed with
 * _fields, X-WP-TotalPages followed); a variable product's variations come
 * from GET /products/{id}/variations. Each item becomes one product of the
 * ledger: SKU, name, the parent's SKU for a variation, the regular price
 * (in the channel's `currency` when it is set; else the tenant's), and the
 * stock only where the store keeps it on that item (manage_stock true). A
 * variation whose stock the parent manages ("parent") has no number of its
 * own: the parent's number is imported on the parent. Items without a SKU
 * cannot be matched by the push and are skipped (counted in the log).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

#define PRODUCT_FIELDS "id,sku,name,type,parent_id,manage_stock,stock_quantity,regular_price"

typedef struct import_run {
    woo_chan *ch;
    sl_ctx *ctx;
    size_t submitted, no_sku;
} import_run;

/* One page of a product listing (`path` is /products or a variations
   route); *arr is a new reference to the JSON array. */
static int list_page(import_run *r, const char *path, int page, json_t **arr,
                     const sl_http_resp **resp, sl_error *err)
{
    woo_call c;
    char pg[16], pp[16];
    snprintf(pg, sizeof pg, "%d", page);
    snprintf(pp, sizeof pp, "%d", r->ch->per_page);
    int rc = woo_call_init(&c, "GET", path);
    c.answer = WOO_ANSWER_ARRAY;
    if (rc == SL_OK)
        rc = woo_call_param(&c, r->ch, r->ctx, "per_page", pp, err);
    if (rc == SL_OK)
        rc = woo_call_param(&c, r->ch, r->ctx, "page", pg, err);
    if (rc == SL_OK)
        rc = woo_call_param(&c, r->ch, r->ctx, "_fields", PRODUCT_FIELDS, err);
    if (rc == SL_OK)
        rc = woo_call_send(r->ch, r->ctx, &c, arr, resp, err);
    return rc;
}

/* Text of a JSON string or integer member into buf ("" when absent or
   null); SL_EREMOTE naming the member when it is another type. */
static int member_text(const json_t *item, const char *key, size_t i, char *buf, size_t cap,
                       sl_error *err)
{
    const json_t *v = json_object_get(item, key);
    buf[0] = '\0';
    if (v == NULL || json_is_null(v))
        return SL_OK;
    if (json_is_string(v))
        snprintf(buf, cap, "%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
    else
        return sl_error_set(err, SL_EREMOTE, key, "products[%zu].%s is neither text nor a number",
                            i, key);
    return SL_OK;
}

/* Submits one store item. `parent_sku` is NULL for a product. */
static int submit_item(import_run *r, const json_t *item, size_t i, const char *parent_sku,
                       const char *parent_name, sl_error *err)
{
    const sl_host *h = r->ch->host;
    char sku[256], name[512], price[WOO_DEC_MAX], stock[WOO_DEC_MAX];
    int rc = member_text(item, "sku", i, sku, sizeof sku, err);
    if (rc == SL_OK)
        rc = member_text(item, "name", i, name, sizeof name, err);
    if (rc == SL_OK)
        rc = member_text(item, "regular_price", i, price, sizeof price, err);
    if (rc == SL_OK)
        rc = member_text(item, "stock_quantity", i, stock, sizeof stock, err);
    if (rc != SL_OK)
        return rc;
    if (sku[0] == '\0') {
        r->no_sku++;
        return SL_OK;
    }
    if (name[0] == '\0' && parent_name != NULL) /* stores before 10.0 name no variation */
        snprintf(name, sizeof name, "%s %s", parent_name, sku);
    sl_product *p = h->product_new(r->ctx);
    if (p == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "product_new failed");
    h->product_set(p, SL_PRODUCT_SKU, sku);
    h->product_set(p, SL_PRODUCT_NAME, name[0] ? name : sku);
    h->product_set(p, SL_PRODUCT_EXTERNAL_ID, json_string_value(json_object_get(item, "_id_text")));
    if (parent_sku != NULL && parent_sku[0] != '\0')
        h->product_set(p, SL_PRODUCT_PARENT_SKU, parent_sku);
    if (price[0] != '\0') {
        if (r->ch->currency != NULL)
            h->product_set(p, SL_PRODUCT_CURRENCY, r->ch->currency);
        h->product_set(p, SL_PRODUCT_PRICE, price);
    }
    if (json_is_true(json_object_get(item, "manage_stock")) && stock[0] != '\0')
        h->product_set(p, SL_PRODUCT_STOCK, stock);
    rc = h->product_submit(r->ctx, p, err);
    if (rc == SL_OK)
        r->submitted++;
    return rc;
}

/* Walks every page of a listing, calling each(item) in order. */
static int walk(import_run *r, const char *path,
                int (*each)(import_run *, json_t *, size_t, const void *, sl_error *),
                const void *arg, sl_error *err)
{
    int pages = 1;
    for (int page = 1; page <= pages; page++) {
        if (page > WOO_MAX_PAGES)
            return sl_error_set(err, SL_ETOOBIG, "page", "%s has more than %d pages", path,
                                WOO_MAX_PAGES);
        json_t *arr = NULL;
        const sl_http_resp *resp = NULL;
        int rc = list_page(r, path, page, &arr, &resp, err);
        if (rc != SL_OK)
            return rc;
        if (page == 1)
            pages = woo_total_pages(r->ch, resp);
        size_t i;
        json_t *item;
        json_array_foreach(arr, i, item)
        {
            if (!json_is_object(item)) {
                rc = sl_error_set(err, SL_EREMOTE, "products", "%s item %zu is not an object", path,
                                  i);
                break;
            }
            char id[WOO_ID_MAX] = "";
            sl_json_id(item, "id", 0, id, sizeof id, NULL);
            json_object_set_new(item, "_id_text", json_string(id));
            if ((rc = each(r, item, i, arg, err)) != SL_OK)
                break;
        }
        json_decref(arr);
        if (rc != SL_OK)
            return rc;
        if (pages < 1)
            pages = 1; /* no header: one page */
    }
    return SL_OK;
}

typedef struct parent_ref {
    const char *sku, *name;
} parent_ref;

static int each_variation(import_run *r, json_t *item, size_t i, const void *arg, sl_error *err)
{
    const parent_ref *pr = arg;
    return submit_item(r, item, i, pr->sku, pr->name, err);
}

static int each_product(import_run *r, json_t *item, size_t i, const void *arg, sl_error *err)
{
    (void)arg;
    int rc = submit_item(r, item, i, NULL, NULL, err);
    const char *type = json_string_value(json_object_get(item, "type"));
    if (rc != SL_OK || type == NULL || strcmp(type, "variable") != 0)
        return rc;
    char path[96], sku[256], name[512];
    snprintf(path, sizeof path, "/products/%s/variations",
             json_string_value(json_object_get(item, "_id_text")));
    if ((rc = member_text(item, "sku", i, sku, sizeof sku, err)) != SL_OK ||
        (rc = member_text(item, "name", i, name, sizeof name, err)) != SL_OK)
        return rc;
    parent_ref pr = {sku, name};
    return walk(r, path, each_variation, &pr, err);
}

int woo_fetch_products(void *state, sl_ctx *ctx, sl_error *err)
{
    woo_chan *ch = state;
    if (!SL_HAS_FIELD(ch->host, product_submit))
        return sl_error_set(err, SL_EUNSUPPORTED, "",
                            "host has no product builder (needs SDK 1.2)");
    import_run r = {.ch = ch, .ctx = ctx};
    int rc = walk(&r, "/products", each_product, NULL, err);
    if (rc == SL_OK && r.no_sku > 0)
        ch->host->log(ctx, SL_LOG_WARN,
                      "WooCommerce import: %zu products; %zu without a SKU skipped (the push "
                      "and the books match items by SKU)",
                      r.submitted, r.no_sku);
    else if (rc == SL_OK)
        ch->host->log(ctx, SL_LOG_INFO, "WooCommerce import: %zu products", r.submitted);
    return rc;
}
