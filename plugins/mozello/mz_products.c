/*
 * The product walk (GET /store/products/, every page) shared by the stock
 * and price push and by the master-data import (slot fetch_products),
 * api/mozello.md §5.
 *
 * Each sellable item is handed to a callback: the product itself when it
 * has a SKU, and each variant with a SKU of its own. A variant's null
 * price inherits the product's; its null stock means the product's stock
 * applies (reported as untracked at the variant); a product's null stock
 * means stock is not tracked at all. Multi-language titles pick the
 * channel's language. The product answer may be wrapped or bare; lists
 * are always {"products": [...], "next_page_uri": ...}.
 */
#include <stdio.h>
#include <string.h>

#include "mozello.h"
#include "shopledger/sdkutil.h"

/* price / stock of obj as decimal text ("" when null or absent). */
static int read_numbers(const json_t *obj, mz_item *it, sl_error *err)
{
    char price[MZ_DEC_MAX] = "", stock[MZ_DEC_MAX] = "";
    int rc = sl_json_decimal(obj, "price", 0, price, sizeof price, err);
    if (rc == SL_OK)
        rc = sl_json_decimal(obj, "stock", 0, stock, sizeof stock, err);
    if (rc != SL_OK)
        return rc;
    if (price[0] != '\0')
        memcpy(it->price, price, sizeof price);
    memcpy(it->stock, stock, sizeof stock);
    return SL_OK;
}

static int walk_variants(const json_t *p, const mz_item *prod, mz_item_fn fn, void *data,
                         sl_error *err)
{
    json_t *vars = NULL, *v;
    int rc = sl_json_array(p, "variants", 0, &vars, err);
    size_t i;
    json_array_foreach(vars, i, v)
    {
        if (rc != SL_OK)
            break;
        mz_item it = *prod;
        it.sku = NULL;
        it.variant_handle = NULL;
        it.parent_sku = prod->sku;
        if ((rc = sl_json_str(v, "sku", 0, &it.sku, err)) ||
            (rc = sl_json_str(v, "variant_handle", 0, &it.variant_handle, err)) ||
            (rc = read_numbers(v, &it, err)))
            break;
        if (it.sku != NULL && *it.sku != '\0' &&
            (prod->sku == NULL || strcmp(it.sku, prod->sku) != 0))
            rc = fn(data, &it, err);
    }
    return rc;
}

static int walk_product(mz_chan *ch, const json_t *p, mz_item_fn fn, void *data, sl_error *err)
{
    mz_item it;
    memset(&it, 0, sizeof it);
    int rc;
    if ((rc = sl_json_str(p, "handle", 1, &it.handle, err)) ||
        (rc = sl_json_str(p, "sku", 0, &it.sku, err)) ||
        (rc = mz_text(ch, p, "title", &it.name, err)) || (rc = read_numbers(p, &it, err)))
        return rc;
    if (it.sku != NULL && *it.sku != '\0' && (rc = fn(data, &it, err)))
        return rc;
    return walk_variants(p, &it, fn, data, err);
}

int mz_products_walk(mz_chan *ch, sl_ctx *ctx, mz_item_fn fn, void *data, sl_error *err)
{
    char path[1024] = "/store/products/", size[16];
    snprintf(size, sizeof size, "%d", ch->page_size);
    const char *q[] = {"page_size", size, NULL};
    for (int page = 0; page < MZ_MAX_PAGES; page++) {
        json_t *ans = NULL, *list = NULL, *p;
        int has_next = 0;
        int rc = mz_call(ch, ctx, "GET", path, page == 0 ? q : NULL, NULL, &ans, err);
        if (rc == SL_OK)
            rc = sl_json_array(ans, "products", 1, &list, err);
        size_t i;
        json_array_foreach(list, i, p)
        {
            if (rc != SL_OK)
                break;
            rc = walk_product(ch, p, fn, data, err);
        }
        if (rc == SL_OK)
            rc = mz_next_page(ch, ans, path, sizeof path, &has_next, err);
        json_decref(ans);
        if (rc != SL_OK || !has_next)
            return rc;
    }
    return SL_OK;
}

typedef struct import_run {
    mz_chan *ch;
    sl_ctx *ctx;
    const char *currency;
} import_run;

static int import_one(void *data, const mz_item *it, sl_error *err)
{
    import_run *r = data;
    const sl_host *h = r->ch->host;
    sl_product *p = h->product_new(r->ctx);
    if (p == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "product_new failed");
    char ext[2 * MZ_ID_MAX + 2];
    snprintf(ext, sizeof ext, "%s%s%s", it->handle, it->variant_handle ? "/" : "",
             it->variant_handle ? it->variant_handle : "");
    /* The first refused field sticks in the product; submit reports it. */
    h->product_set(p, SL_PRODUCT_SKU, it->sku);
    h->product_set(p, SL_PRODUCT_EXTERNAL_ID, ext);
    if (it->parent_sku != NULL && it->variant_handle != NULL)
        h->product_set(p, SL_PRODUCT_PARENT_SKU, it->parent_sku);
    if (it->name != NULL)
        h->product_set(p, SL_PRODUCT_NAME, it->name);
    if (it->price[0] != '\0' && r->currency != NULL) {
        h->product_set(p, SL_PRODUCT_CURRENCY, r->currency);
        h->product_set(p, SL_PRODUCT_PRICE, it->price);
    }
    if (it->stock[0] != '\0')
        h->product_set(p, SL_PRODUCT_STOCK, it->stock);
    return h->product_submit(r->ctx, p, err);
}

/* Slot fetch_products. Mozello states no currency on products; the
   channel's `currency` option (default EUR) names it. */
int mz_fetch_products(void *state, sl_ctx *ctx, sl_error *err)
{
    mz_chan *ch = state;
    if (!SL_HAS_FIELD(ch->host, product_submit))
        return sl_error_set(err, SL_EUNSUPPORTED, "",
                            "host has no product "
                            "builder (needs SDK 1.2)");
    import_run r = {ch, ctx, ch->currency};
    return mz_products_walk(ch, ctx, import_one, &r, err);
}
