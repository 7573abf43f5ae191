/*
 * Channel master-data import (see product_import.h).
 */
#include <string.h>

#include "masters/masters.h"
#include "services/services.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "stock/stock.h"
#include "sync/product_import.h"

#define IMPORT_MAX_PRODUCTS 200000

typedef struct import_run {
    json_t *collected; /* products as the plugin gave them, stored after */
    runtime_tenant *rt;
    const config_channel *ch;
    int64_t now_ms;
    int64_t warehouse_id;
    int products, created, with_stock;
} import_run;

static const char *field(const services_product *p, int f)
{
    return p->field[f] ? p->field[f] : "";
}

/* Money in the tenant's currency, rounded half-up to its exponent. */
static int tenant_money(const import_run *run, const services_product *p, int f, int64_t *out,
                        sl_error *err)
{
    const char *cur = field(p, SL_PRODUCT_CURRENCY);
    if (*cur && strcmp(cur, run->rt->config->currency) != 0)
        return sl_error_set(err, SL_EINVALID, "currency",
                            "product %s is priced in %s, the tenant books %s",
                            field(p, SL_PRODUCT_SKU), cur, run->rt->config->currency);
    return sl_money_parse_round(p->field[f], run->rt->config->currency_exponent, SL_ROUND_HALF_UP,
                                out);
}

static int store_product(import_run *run, const services_product *p, sl_error *err)
{
    store *db = run->rt->db;
    int64_t id = 0, v;
    int created = 0;
    const char *name =
        *field(p, SL_PRODUCT_NAME) ? field(p, SL_PRODUCT_NAME) : field(p, SL_PRODUCT_SKU);
    const char *parent = *field(p, SL_PRODUCT_PARENT_SKU) ? p->field[SL_PRODUCT_PARENT_SKU] : NULL;
    int rc = masters_product_ensure(db, field(p, SL_PRODUCT_SKU), name, parent, 1, run->now_ms, &id,
                                    &created, err);
    if (rc == SL_OK && p->field[SL_PRODUCT_PRICE] &&
        (rc = tenant_money(run, p, SL_PRODUCT_PRICE, &v, err)) == SL_OK)
        rc = masters_price_set(db, id, run->ch->price_group ? run->ch->price_group : "retail", v,
                               err);
    if (rc == SL_OK && p->field[SL_PRODUCT_PURCHASE_PRICE] &&
        (rc = tenant_money(run, p, SL_PRODUCT_PURCHASE_PRICE, &v, err)) == SL_OK)
        rc = masters_product_set_purchase_price(db, id, v, err);
    if (rc == SL_OK && p->field[SL_PRODUCT_STOCK]) {
        if ((rc = sl_quantity_parse(p->field[SL_PRODUCT_STOCK], &v)) == SL_OK)
            rc = stock_set_on_hand(db, run->warehouse_id, id, v, run->now_ms, err);
        run->with_stock += rc == SL_OK;
    }
    run->products++;
    run->created += created;
    if (rc != SL_OK && err && err->message[0] == '\0')
        sl_error_set(err, rc, "product", "product %s could not be stored",
                     field(p, SL_PRODUCT_SKU));
    return rc;
}

/* Collects a product: no transaction is open while the plugin runs (it may
   write its own channel state, e.g. a login token, meanwhile). */
static int take_product(void *data, const services_product *p, sl_error *err)
{
    import_run *run = data;
    if (json_array_size(run->collected) >= IMPORT_MAX_PRODUCTS)
        return sl_error_set(err, SL_ETOOBIG, "products", "more than %d products",
                            IMPORT_MAX_PRODUCTS);
    json_t *fields = json_array();
    for (int f = 0; f < SL_PRODUCT_FIELD_END_V1_2; f++)
        json_array_append_new(fields, p->field[f] ? json_string(p->field[f]) : json_null());
    return json_array_append_new(run->collected, fields) == 0
               ? SL_OK
               : sl_error_set(err, SL_ENOMEM, "", "out of memory");
}

/* Stores every collected product in one transaction. */
static int store_all(import_run *run, sl_error *err)
{
    store *db = run->rt->db;
    int r = store_begin(db, err);
    if (r == SL_OK)
        r = masters_warehouse_ensure(db, run->ch->warehouse ? run->ch->warehouse : "main",
                                     &run->warehouse_id, err);
    size_t i;
    json_t *fields;
    json_array_foreach(run->collected, i, fields)
    {
        if (r != SL_OK)
            break;
        services_product p = {{0}};
        for (int f = 0; f < SL_PRODUCT_FIELD_END_V1_2; f++)
            p.field[f] = (char *)json_string_value(json_array_get(fields, (size_t)f));
        r = store_product(run, &p, err);
    }
    if (r == SL_OK && !run->ch->test_mode)
        return store_commit(db, err);
    if (store_in_tx(db))
        store_rollback(db);
    return r;
}

int import_products_from_channel(runtime_tenant *rt, runtime_channel *rc, int64_t now_ms,
                                 json_t **report, sl_error *err)
{
    const sl_plugin *t = rc->plugin->table;
    if (!SL_HAS_FIELD(t, fetch_products) || t->fetch_products == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, "plugin", "plugin %s cannot import products",
                            rc->config->plugin);
    import_run run = {.rt = rt, .ch = rc->config, .now_ms = now_ms, .collected = json_array()};
    services_sink sink = {.data = &run, .product_take = take_product};
    services_call_enter(rc->ctx, &sink);
    int r = t->fetch_products(rc->state, rc->ctx, err);
    services_call_end(rc->ctx);
    if (r == SL_OK)
        r = store_all(&run, err);
    json_decref(run.collected);
    if (r == SL_OK)
        *report =
            json_pack("{s:i, s:i, s:i, s:b}", "products", run.products, "created", run.created,
                      "with_stock", run.with_stock, "test_mode", rc->config->test_mode);
    return r;
}
