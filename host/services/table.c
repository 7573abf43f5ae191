/*
 * The sl_host table handed to every plugin, and the small slots that need
 * no file of their own: config, secrets, clock, arena, state, the incoming
 * request, stock lists, lists, push reports and call results.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "services/ctx_internal.h"
#include "shopledger/sdkutil.h"
#include "store/store.h"

static void host_log(sl_ctx *ctx, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    services_vlog(ctx, level, fmt, ap);
    va_end(ap);
}

static const char *host_config_get(sl_ctx *ctx, const char *key)
{
    return ctx && ctx->channel && key ? config_channel_get(ctx->channel, key) : NULL;
}

static const char *host_config_map(sl_ctx *ctx, const char *map, const char *key)
{
    if (ctx == NULL || ctx->channel == NULL || map == NULL || key == NULL)
        return NULL;
    return config_channel_map(ctx->channel, map, key);
}

static const char *host_secret_get(sl_ctx *ctx, const char *name)
{
    if (ctx == NULL || ctx->channel == NULL || name == NULL)
        return NULL;
    return config_channel_secret(ctx->channel, name);
}

static int64_t host_now_ms(sl_ctx *ctx)
{
    (void)ctx;
    return services_now_ms();
}

static void *host_alloc(sl_ctx *ctx, size_t n)
{
    return ctx ? arena_alloc(&ctx->call_arena, n) : NULL;
}

static char *host_strdup(sl_ctx *ctx, const char *s)
{
    return ctx ? arena_strdup(&ctx->call_arena, s) : NULL;
}

static const char *channel_name(const sl_ctx *ctx)
{
    return ctx->channel ? ctx->channel->name : "";
}

static int host_state_get(sl_ctx *ctx, const char *key, const char **value, sl_error *err)
{
    if (ctx == NULL || key == NULL || value == NULL)
        return sl_error_set(err, SL_EINVALID, "key", "state_get: bad arguments");
    struct store *db = NULL;
    int rc = services_ctx_store(ctx, &db, err);
    if (rc != SL_OK)
        return rc;
    char *v = NULL;
    rc = store_kv_get(db, channel_name(ctx), key, &v, err);
    if (rc != SL_OK)
        return rc;
    *value = v ? arena_strdup(&ctx->call_arena, v) : NULL;
    free(v);
    return SL_OK;
}

static int host_state_put(sl_ctx *ctx, const char *key, const char *value, sl_error *err)
{
    if (ctx == NULL || key == NULL || value == NULL)
        return sl_error_set(err, SL_EINVALID, "key", "state_put: bad arguments");
    struct store *db = NULL;
    int rc = services_ctx_store(ctx, &db, err);
    return rc != SL_OK ? rc : store_kv_put(db, channel_name(ctx), key, value, err);
}

static const char *host_request_header(const sl_request *req, const char *name)
{
    if (req == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < req->header_count; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

static const char *host_request_body(const sl_request *req, size_t *len)
{
    if (len)
        *len = req ? req->body_len : 0;
    return req ? req->body : NULL;
}

static const char *host_request_content_type(const sl_request *req)
{
    return host_request_header(req, "Content-Type");
}

static int host_request_verified(const sl_request *req)
{
    return req ? req->verified : 0;
}

static int host_cursor_commit(sl_ctx *ctx, const char *cursor, sl_error *err)
{
    if (ctx == NULL || cursor == NULL)
        return sl_error_set(err, SL_EINVALID, "cursor", "cursor_commit(NULL)");
    if (ctx->sink.cursor_commit == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, "cursor", "this call does not take cursors");
    return ctx->sink.cursor_commit(ctx->sink.data, cursor, err);
}

static size_t host_stock_count(const sl_stock_list *l)
{
    return l ? l->count : 0;
}

static const char *host_stock_sku(const sl_stock_list *l, size_t i)
{
    return l && i < l->count ? l->items[i].sku : NULL;
}

static const char *host_stock_quantity(const sl_stock_list *l, size_t i)
{
    return l && i < l->count ? l->items[i].quantity : NULL;
}

static const char *host_stock_price(const sl_stock_list *l, size_t i)
{
    if (l == NULL || i >= l->count || l->items[i].price[0] == '\0')
        return NULL;
    return l->items[i].price;
}

static const char *host_stock_currency(const sl_stock_list *l)
{
    return l ? l->currency : NULL;
}

static void host_push_report(sl_ctx *ctx, const char *sku, int outcome, const char *message)
{
    if (ctx && ctx->sink.push_report && sku)
        ctx->sink.push_report(ctx->sink.data, sku, outcome, message ? message : "");
}

static int host_list_add(sl_ctx *ctx, int kind, const char *id, const char *label,
                         const char *detail)
{
    if (ctx == NULL || id == NULL || kind < 1 || kind >= SL_LIST_KIND_END_V1)
        return SL_EINVALID;
    if (ctx->sink.list_add == NULL)
        return SL_EUNSUPPORTED;
    return ctx->sink.list_add(ctx->sink.data, kind, id, label ? label : "", detail ? detail : "");
}

static const char *host_param_get(const sl_params *p, const char *key)
{
    if (p == NULL || key == NULL)
        return NULL;
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->keys[i], key) == 0)
            return p->values[i];
    return NULL;
}

static int host_result_set(sl_ctx *ctx, const char *key, const char *value)
{
    if (ctx == NULL || key == NULL || value == NULL)
        return SL_EINVALID;
    if (ctx->sink.result_set == NULL)
        return SL_EUNSUPPORTED;
    return ctx->sink.result_set(ctx->sink.data, key, value);
}

static int host_result_row(sl_ctx *ctx)
{
    if (ctx == NULL)
        return SL_EINVALID;
    if (ctx->sink.result_row == NULL)
        return SL_EUNSUPPORTED;
    return ctx->sink.result_row(ctx->sink.data);
}

static const sl_host HOST_TABLE = {
    .size = sizeof(sl_host),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .log = host_log,
    .config_get = host_config_get,
    .config_map = host_config_map,
    .secret_get = host_secret_get,
    .now_ms = host_now_ms,
    .alloc = host_alloc,
    .strdup = host_strdup,
    .state_get = host_state_get,
    .state_put = host_state_put,
    .http_new = services_http_new,
    .http_header = services_http_header,
    .http_query = services_http_query,
    .http_body = services_http_body,
    .http_basic_auth = services_http_basic_auth,
    .http_send = services_http_send,
    .http_status = services_http_status,
    .http_resp_header = services_http_resp_header,
    .http_resp_body = services_http_resp_body,
    .request_header = host_request_header,
    .request_body = host_request_body,
    .request_content_type = host_request_content_type,
    .request_verified = host_request_verified,
    .order_new = services_order_new,
    .order_set_text = services_order_set_text,
    .order_set_money = services_order_set_money,
    .order_set_time = services_order_set_time,
    .order_set_flag = services_order_set_flag,
    .order_set_address = services_order_set_address,
    .order_set_raw = services_order_set_raw,
    .order_add_line = services_order_add_line,
    .line_set_text = services_line_set_text,
    .line_set_money = services_line_set_money,
    .line_set_quantity = services_line_set_quantity,
    .line_add_tax = services_line_add_tax,
    .order_submit = services_order_submit,
    .cursor_commit = host_cursor_commit,
    .stock_count = host_stock_count,
    .stock_sku = host_stock_sku,
    .stock_quantity = host_stock_quantity,
    .stock_price = host_stock_price,
    .stock_currency = host_stock_currency,
    .push_report = host_push_report,
    .list_add = host_list_add,
    .param_get = host_param_get,
    .result_set = host_result_set,
    .order_discard = services_order_discard,
    .product_new = services_product_new,
    .product_set = services_product_set,
    .product_submit = services_product_submit,
    .order_add_tax_rate = services_order_add_tax_rate,
    .result_row = host_result_row,
    .line_set_restocked = services_line_set_restocked,
    .order_refuse = services_order_refuse,
};

const sl_host *services_table(void)
{
    return &HOST_TABLE;
}
