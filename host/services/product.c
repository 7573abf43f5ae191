/*
 * The SDK product builder (ABI 1.2) for master-data import. Products live
 * in the call arena: they only need to last until the sink has stored
 * them, which happens inside product_submit.
 */
#include <string.h>

#include "services/ctx_internal.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define PRODUCT_TEXT_MAX 1024

static const char *FIELD_NAMES[SL_PRODUCT_FIELD_END_V1_2] = {
    [SL_PRODUCT_SKU] = "sku",     [SL_PRODUCT_PARENT_SKU] = "parent_sku",
    [SL_PRODUCT_NAME] = "name",   [SL_PRODUCT_CURRENCY] = "currency",
    [SL_PRODUCT_PRICE] = "price", [SL_PRODUCT_PURCHASE_PRICE] = "purchase_price",
    [SL_PRODUCT_STOCK] = "stock", [SL_PRODUCT_TAX_RATE_ID] = "tax_rate_id",
    [SL_PRODUCT_UNIT] = "unit",   [SL_PRODUCT_EXTERNAL_ID] = "external_id"};

struct sl_product {
    sl_ctx *ctx;
    services_product fields;
    sl_error first_error;
};

sl_product *services_product_new(sl_ctx *ctx)
{
    if (ctx == NULL)
        return NULL;
    sl_product *p = arena_alloc(&ctx->call_arena, sizeof *p);
    if (p != NULL) {
        p->ctx = ctx;
        p->first_error.size = sizeof p->first_error;
    }
    return p;
}

static int fail(sl_product *p, int code, const char *field, const char *what)
{
    if (p->first_error.code == SL_OK)
        sl_error_set(&p->first_error, code, field, "product %s: %s", field, what);
    return code;
}

/* Money and quantities must be decimal text the host can parse exactly. */
static int check_value(sl_product *p, int field, const char *value)
{
    const char *name = FIELD_NAMES[field];
    if (strlen(value) > PRODUCT_TEXT_MAX)
        return fail(p, SL_ETOOBIG, name, "longer than 1024 bytes");
    if (field == SL_PRODUCT_PRICE || field == SL_PRODUCT_PURCHASE_PRICE) {
        int64_t v;
        if (sl_money_parse_round(value, SL_MONEY_MAX_EXPONENT, SL_ROUND_HALF_UP, &v) != SL_OK)
            return fail(p, SL_EINVALID, name, "not a decimal amount");
    }
    if (field == SL_PRODUCT_STOCK) {
        int64_t milli;
        if (sl_quantity_parse(value, &milli) != SL_OK)
            return fail(p, SL_EINVALID, name, "not a decimal quantity");
    }
    if (field == SL_PRODUCT_CURRENCY && sl_currency_exponent(value) < 0)
        return fail(p, SL_EINVALID, name, "unknown currency code");
    return SL_OK;
}

int services_product_set(sl_product *p, int field, const char *value)
{
    if (p == NULL)
        return SL_EINVALID;
    if (field < 1 || field >= SL_PRODUCT_FIELD_END_V1_2)
        return fail(p, SL_EUNSUPPORTED, "field", "unknown product field id");
    if (value == NULL)
        return fail(p, SL_EINVALID, FIELD_NAMES[field], "NULL value");
    int rc = check_value(p, field, value);
    if (rc != SL_OK)
        return rc;
    p->fields.field[field] = arena_strdup(&p->ctx->call_arena, value);
    return p->fields.field[field] ? SL_OK : fail(p, SL_ENOMEM, FIELD_NAMES[field], "no memory");
}

int services_product_submit(sl_ctx *ctx, sl_product *p, sl_error *err)
{
    if (p == NULL)
        return sl_error_set(err, SL_EINVALID, "product", "product_submit(NULL)");
    if (p->first_error.code != SL_OK) {
        if (err && err->size >= sizeof *err)
            *err = p->first_error;
        return p->first_error.code;
    }
    const char *sku = p->fields.field[SL_PRODUCT_SKU];
    if (sku == NULL || sku[0] == '\0')
        return sl_error_set(err, SL_EINVALID, "sku", "product without a SKU");
    if (ctx->sink.product_take == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, "product", "this call does not take products");
    return ctx->sink.product_take(ctx->sink.data, &p->fields, err);
}
