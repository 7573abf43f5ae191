/*
 * Finding the shop's items for the stock and price push (woo_push.c): by
 * SKU, and the parent products whose stock a variation follows.
 *
 * A real store spends ~0.29 s on every request, so resolving a push with
 * one GET /products?sku=X per SKU cost the shop two hours for 10,000 SKUs.
 * WooCommerce's v3 /products splits its `sku` parameter on commas and then
 * matches products and variations alike (the same query as the single
 * lookup), so a push of many SKUs is resolved by listing /products filtered
 * to up to WOO_LIST_SKUS of them per request, 100 per page, trimmed with
 * _fields, following X-WP-TotalPages. A listing of the whole catalog was
 * the other way: the host hands a push over in slices of 500 SKUs, stock
 * and prices separately, so every slice would list the catalog again (and
 * each variable product's variations); the filtered listing costs the same
 * for one slice as for the whole push.
 *
 * Stores that predate sku lists answer a list with [] (they look for one
 * SKU spelt "A,B,C"). Since an empty answer can also mean "none of these
 * exist", the channel remembers what the store showed: a list that found
 * something proves lists work (then unmatched SKUs are not in the shop);
 * when no list of a push found anything, its SKUs are looked up one by one,
 * and if those find what the lists did not, the channel stops using lists.
 *
 * Every item the store returns is checked (id, type, parent_id,
 * manage_stock, stock_quantity, regular_price); a bad one fails the push
 * with SL_EREMOTE naming the field, as a bad page does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

/* What the push reads of an item; parents need less. */
#define SKU_FIELDS "id,sku,type,parent_id,manage_stock,stock_quantity,regular_price"
#define PARENT_FIELDS "id,type,manage_stock,stock_quantity"

/* Sentinel value of a SKU not yet answered by any listing. */
#define PENDING json_false()

/* Checks the members of one item that the push relies on. `what` names
   the request in the message. */
static int check_item(const json_t *it, const char *what, size_t i, sl_error *err)
{
    int64_t id = 0, parent = 0;
    const char *type = NULL, *field = NULL;
    char dec[WOO_DEC_MAX];
    json_t *ms = json_object_get(it, "manage_stock");
    json_t *price = json_object_get(it, "regular_price");
    if (!json_is_object(it))
        field = "body";
    else if (sl_json_int(it, "id", 1, &id, NULL) != SL_OK || id <= 0)
        field = "id";
    else if (!json_is_string(json_object_get(it, "sku")) &&
             !json_is_null(json_object_get(it, "sku")) && json_object_get(it, "sku") != NULL)
        field = "sku";
    else if (sl_json_str(it, "type", 1, &type, NULL) != SL_OK)
        field = "type";
    else if (strcmp(type, "variation") == 0 &&
             (sl_json_int(it, "parent_id", 1, &parent, NULL) != SL_OK || parent <= 0))
        field = "parent_id";
    else if (!json_is_boolean(ms) &&
             !(json_is_string(ms) && strcmp(json_string_value(ms), "parent") == 0))
        field = "manage_stock";
    else if (sl_json_decimal(it, "stock_quantity", 0, dec, sizeof dec, NULL) != SL_OK)
        field = "stock_quantity";
    else if (!(json_is_string(price) && json_string_length(price) == 0) &&
             sl_json_decimal(it, "regular_price", 0, dec, sizeof dec, NULL) != SL_OK)
        field = "regular_price";
    if (field == NULL)
        return SL_OK;
    return sl_error_set(err, SL_EREMOTE, field,
                        "%s: item %zu (id %lld): %s is missing or malformed", what, i,
                        (long long)id, strcmp(field, "body") == 0 ? "the item" : field);
}

/* Checks that `arr` is an array of well-formed items. */
static int check_page(const json_t *arr, const char *what, sl_error *err)
{
    if (!json_is_array(arr))
        return sl_error_set(err, SL_EREMOTE, "body", "%s: the answer is not a JSON array", what);
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it)
    {
        int rc = check_item(it, what, i, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

/* One page of GET /products with the given filter (name=value) and fields;
 *total gets X-WP-TotalPages (0 when absent). */
static int list_page(woo_chan *ch, sl_ctx *ctx, const char *name, const char *value,
                     const char *fields, int page, json_t **out, int *total, sl_error *err)
{
    woo_call c;
    char pg[16], what[64];
    const sl_http_resp *resp = NULL;
    snprintf(pg, sizeof pg, "%d", page);
    snprintf(what, sizeof what, "GET /products (%s list, page %d)", name, page);
    woo_call_init(&c, "GET", "/products");
    int rc = woo_call_param(&c, ch, ctx, name, value, err);
    if (rc == SL_OK)
        rc = woo_call_param(&c, ch, ctx, "per_page", "100", err);
    if (rc == SL_OK)
        rc = woo_call_param(&c, ch, ctx, "page", pg, err);
    if (rc == SL_OK)
        rc = woo_call_param(&c, ch, ctx, "_fields", fields, err);
    json_t *arr = NULL;
    if (rc == SL_OK)
        rc = woo_call_send(ch, ctx, &c, &arr, &resp, err);
    if (rc == SL_OK)
        rc = check_page(arr, what, err);
    if (rc != SL_OK) {
        json_decref(arr);
        return rc;
    }
    *total = woo_total_pages(ch, resp);
    *out = arr;
    return SL_OK;
}

/* Lists /products filtered by name=value (a comma list) and hands every
   item to `take`, following X-WP-TotalPages up to WOO_LIST_PAGES: a list
   of at most 100 keys fits one page, two if the store adds a match. */
static int list_all(woo_chan *ch, sl_ctx *ctx, const char *name, const char *value,
                    const char *fields, void (*take)(json_t *into, json_t *item, size_t *found),
                    json_t *into, size_t *found, sl_error *err)
{
    int total = 1;
    for (int page = 1; page <= total; page++) {
        json_t *arr = NULL, *it;
        int rc = list_page(ch, ctx, name, value, fields, page, &arr, &total, err);
        if (rc != SL_OK)
            return rc;
        if (total > WOO_LIST_PAGES) {
            json_decref(arr);
            return sl_error_set(err, SL_EREMOTE, "X-WP-TotalPages",
                                "GET /products (%s list): %d pages for at "
                                "most %d keys",
                                name, total, WOO_LIST_SKUS);
        }
        size_t i, n = json_array_size(arr);
        json_array_foreach(arr, i, it) take(into, it, found);
        json_decref(arr);
        if (n == 0)
            break; /* a page past the end answers 200 [] */
    }
    return SL_OK;
}

/* Stores `item` under its SKU when that SKU is still pending. */
static void take_by_sku(json_t *skus, json_t *item, size_t *found)
{
    const char *sku = json_string_value(json_object_get(item, "sku"));
    if (sku != NULL && json_object_get(skus, sku) == PENDING) {
        json_object_set(skus, sku, item);
        (*found)++;
    }
}

/* Stores `item` under its id when that id is pending and it is a product
   (never a variation). */
static void take_by_id(json_t *ids, json_t *item, size_t *found)
{
    char key[WOO_ID_MAX];
    const char *type = json_string_value(json_object_get(item, "type"));
    snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(item, "id")));
    if (strcmp(type, "variation") != 0 && json_object_get(ids, key) == PENDING) {
        json_object_set(ids, key, item);
        (*found)++;
    }
}

/* GET /products?sku=X: the exact match replaces the pending value, or null. */
static int lookup_one(woo_chan *ch, sl_ctx *ctx, json_t *skus, const char *sku, size_t *found,
                      sl_error *err)
{
    woo_call c;
    woo_call_init(&c, "GET", "/products");
    int rc = woo_call_param(&c, ch, ctx, "sku", sku, err);
    json_t *arr = NULL;
    if (rc == SL_OK)
        rc = woo_call_send(ch, ctx, &c, &arr, NULL, err);
    if (rc == SL_OK)
        rc = check_page(arr, "GET /products (one sku)", err);
    if (rc == SL_OK) {
        size_t i;
        json_t *it;
        json_array_foreach(arr, i, it) take_by_sku(skus, it, found);
    }
    json_decref(arr);
    return rc;
}

/* A SKU that cannot travel in a comma list. */
static int list_unfit(const char *sku)
{
    return strchr(sku, ',') != NULL || strlen(sku) > WOO_LIST_SKU_CHARS / 4;
}

/* Sends the SKUs pending in `skus` in lists of at most WOO_LIST_SKUS and
   WOO_LIST_SKU_CHARS; SKUs that cannot be listed are looked up alone. */
static int list_pending(woo_chan *ch, sl_ctx *ctx, json_t *skus, size_t *found, sl_error *err)
{
    char *buf = malloc(WOO_LIST_SKU_CHARS + 1);
    if (buf == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    size_t len = 0, count = 0;
    const char *sku;
    json_t *v;
    int rc = SL_OK;
    json_object_foreach(skus, sku, v)
    {
        if (v != PENDING)
            continue;
        if (list_unfit(sku)) {
            rc = lookup_one(ch, ctx, skus, sku, found, err);
        } else {
            size_t n = strlen(sku);
            if (count == WOO_LIST_SKUS || len + n + 1 > WOO_LIST_SKU_CHARS) {
                rc = list_all(ch, ctx, "sku", buf, SKU_FIELDS, take_by_sku, skus, found, err);
                len = count = 0;
            }
            len += (size_t)snprintf(buf + len, WOO_LIST_SKU_CHARS + 1 - len, "%s%s",
                                    count ? "," : "", sku);
            count++;
        }
        if (rc != SL_OK)
            break;
    }
    if (rc == SL_OK && count > 0)
        rc = list_all(ch, ctx, "sku", buf, SKU_FIELDS, take_by_sku, skus, found, err);
    free(buf);
    return rc;
}

/* Looks up every pending SKU alone. */
static int lookup_pending(woo_chan *ch, sl_ctx *ctx, json_t *skus, size_t *found, sl_error *err)
{
    const char *sku;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(skus, tmp, sku, v)
    {
        if (v != PENDING)
            continue;
        int rc = lookup_one(ch, ctx, skus, sku, found, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

/* Pending values left after the lookups become null: not in the shop. */
static void settle_missing(json_t *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(keys, k, v) if (v == PENDING) json_object_set(keys, k, json_null());
}

/* Marks every key of `keys` pending. */
static void mark_pending(json_t *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(keys, k, v) json_object_set(keys, k, PENDING);
}

int woo_catalog_find_skus(woo_chan *ch, sl_ctx *ctx, json_t *skus, sl_error *err)
{
    size_t found = 0;
    int rc = SL_OK;
    mark_pending(skus);
    if (json_object_size(skus) < WOO_LIST_MIN_SKUS || ch->sku_lists < 0) {
        rc = lookup_pending(ch, ctx, skus, &found, err);
    } else {
        rc = list_pending(ch, ctx, skus, &found, err);
        if (rc == SL_OK && found > 0)
            ch->sku_lists = 1;
        if (rc == SL_OK && ch->sku_lists == 0) {
            /* no list found anything: maybe the store ignores lists */
            rc = lookup_pending(ch, ctx, skus, &found, err);
            if (rc == SL_OK && found > 0)
                ch->sku_lists = -1;
        }
    }
    if (rc == SL_OK)
        settle_missing(skus);
    return rc;
}

/* GET /products/{id} of one parent. */
static int get_one(woo_chan *ch, sl_ctx *ctx, json_t *ids, const char *id, size_t *found,
                   sl_error *err)
{
    woo_call c;
    char path[64], what[96];
    snprintf(path, sizeof path, "/products/%s", id);
    snprintf(what, sizeof what, "GET %s", path);
    woo_call_init(&c, "GET", path);
    json_t *p = NULL;
    int rc = woo_call_send(ch, ctx, &c, &p, NULL, err);
    if (rc == SL_OK)
        rc = check_item(p, what, 0, err);
    if (rc == SL_OK && json_integer_value(json_object_get(p, "id")) != strtoll(id, NULL, 10))
        rc = sl_error_set(err, SL_EREMOTE, "id", "%s answered another id", what);
    if (rc == SL_OK)
        take_by_id(ids, p, found);
    json_decref(p);
    return rc;
}

int woo_catalog_find_ids(woo_chan *ch, sl_ctx *ctx, json_t *ids, sl_error *err)
{
    size_t found = 0, count = 0, len = 0;
    char buf[WOO_LIST_SKUS * (WOO_ID_MAX + 1)];
    const char *id;
    json_t *v;
    void *tmp;
    int rc = SL_OK;
    mark_pending(ids);
    if (json_object_size(ids) >= WOO_LIST_MIN_SKUS) {
        json_object_foreach(ids, id, v)
        {
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", count ? "," : "", id);
            if (++count == WOO_LIST_SKUS) {
                rc = list_all(ch, ctx, "include", buf, PARENT_FIELDS, take_by_id, ids, &found, err);
                len = count = 0;
            }
            if (rc != SL_OK)
                return rc;
        }
        if (count > 0)
            rc = list_all(ch, ctx, "include", buf, PARENT_FIELDS, take_by_id, ids, &found, err);
    }
    /* small sets, and any id a list did not return: one GET each (a
       missing parent is then the store's own 404) */
    json_object_foreach_safe(ids, tmp, id, v)
    {
        if (rc == SL_OK && v == PENDING)
            rc = get_one(ch, ctx, ids, id, &found, err);
    }
    if (rc == SL_OK)
        settle_missing(ids);
    return rc;
}
