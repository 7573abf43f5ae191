/*
 * The SDK order builder: thin handles over the host's order model
 * (order/order.h). Setters validate through the model; the first failure
 * sticks to the order and submit reports it, so a plugin that maps fifty
 * fields need not check fifty return codes to get a precise error.
 */
#include <stdlib.h>
#include <string.h>

#include "services/ctx_internal.h"
#include "shopledger/sdkutil.h"

static void link_open(sl_ctx *ctx, sl_order *so)
{
    so->next = ctx->open_orders;
    if (so->next)
        so->next->prev = so;
    ctx->open_orders = so;
}

static void unlink_open(sl_order *so)
{
    if (so->prev)
        so->prev->next = so->next;
    else
        so->ctx->open_orders = so->next;
    if (so->next)
        so->next->prev = so->prev;
    so->next = so->prev = NULL;
}

void services_drop_open_orders(sl_ctx *ctx)
{
    while (ctx->open_orders != NULL) {
        sl_order *so = ctx->open_orders;
        unlink_open(so);
        order_free(so->o);
        free(so);
    }
}

sl_order *services_order_new(sl_ctx *ctx)
{
    sl_order *so = calloc(1, sizeof *so);
    if (so == NULL)
        return NULL;
    const char *tenant = ctx->tenant ? ctx->tenant->id : "";
    const char *channel = ctx->channel ? ctx->channel->name : "";
    so->o = order_new(tenant, channel);
    if (so->o == NULL) {
        free(so);
        return NULL;
    }
    /* The tenant's exponent for its own currency (e.g. HUF kept in whole
       forints) wins over the ISO table the plugin knows. */
    const config_tenant *t = ctx->tenant;
    if (t != NULL && t->currency != NULL && t->currency_exponent >= 0)
        order_set_exponent_override(so->o, t->currency, t->currency_exponent, NULL);
    so->ctx = ctx;
    so->first_error.size = sizeof so->first_error;
    link_open(ctx, so);
    return so;
}

/* Keeps the first error; later ones are consequences. */
static int note(sl_order *so, int rc, const sl_error *err)
{
    if (rc != SL_OK && so->first_error.code == SL_OK)
        so->first_error = *err;
    return rc;
}

#define BUILD(so, call)                                                                            \
    do {                                                                                           \
        if ((so) == NULL)                                                                          \
            return SL_EINVALID;                                                                    \
        sl_error e_ = {.size = sizeof e_};                                                         \
        int rc_ = (call);                                                                          \
        return note((so), rc_, &e_);                                                               \
    } while (0)

int services_order_set_text(sl_order *so, int field, const char *value)
{
    BUILD(so, order_set_text(so->o, field, value, &e_));
}

int services_order_set_money(sl_order *so, int field, const char *decimal)
{
    BUILD(so, order_set_money(so->o, field, decimal, &e_));
}

int services_order_set_time(sl_order *so, int field, int64_t utc_ms)
{
    BUILD(so, order_set_time(so->o, field, utc_ms, &e_));
}

int services_order_set_flag(sl_order *so, int field, int value)
{
    BUILD(so, order_set_flag(so->o, field, value, &e_));
}

int services_order_set_address(sl_order *so, int which, int field, const char *value)
{
    BUILD(so, order_set_address(so->o, which, field, value, &e_));
}

int services_order_set_raw(sl_order *so, const char *data, size_t len)
{
    BUILD(so, order_set_raw(so->o, data, len, &e_));
}

sl_line *services_order_add_line(sl_order *so, int kind)
{
    if (so == NULL)
        return NULL;
    sl_error e = {.size = sizeof e};
    order_line *l = order_add_line(so->o, kind, &e);
    if (l == NULL) {
        note(so, e.code ? e.code : SL_EINVALID, &e);
        return NULL;
    }
    sl_line *h = arena_alloc(&so->ctx->call_arena, sizeof *h);
    if (h == NULL)
        return NULL;
    h->owner = so;
    h->index = (size_t)(l - so->o->lines);
    return h;
}

static order_line *line_of(sl_line *h)
{
    return &h->owner->o->lines[h->index];
}

int services_line_set_text(sl_line *h, int field, const char *value)
{
    if (h == NULL)
        return SL_EINVALID;
    BUILD(h->owner, order_line_set_text(h->owner->o, line_of(h), field, value, &e_));
}

int services_line_set_money(sl_line *h, int field, const char *decimal)
{
    if (h == NULL)
        return SL_EINVALID;
    BUILD(h->owner, order_line_set_money(h->owner->o, line_of(h), field, decimal, &e_));
}

int services_line_set_quantity(sl_line *h, const char *decimal)
{
    if (h == NULL)
        return SL_EINVALID;
    BUILD(h->owner, order_line_set_quantity(line_of(h), decimal, &e_));
}

int services_line_add_tax(sl_line *h, const char *rate_id, const char *decimal)
{
    if (h == NULL)
        return SL_EINVALID;
    BUILD(h->owner, order_line_add_tax(h->owner->o, line_of(h), rate_id, decimal, &e_));
}

int services_line_set_restocked(sl_line *h, const char *decimal_qty)
{
    if (h == NULL)
        return SL_EINVALID;
    BUILD(h->owner, order_line_set_restocked(h->owner->o, line_of(h), decimal_qty, &e_));
}

int services_order_add_tax_rate(sl_order *so, const char *rate_id, const char *tax,
                                const char *shipping_tax, const char *percent, int compound)
{
    BUILD(so, order_add_tax_rate(so->o, rate_id, tax, shipping_tax, percent, compound, &e_));
}

int services_content_error(int rc)
{
    return rc == SL_EINVALID || rc == SL_EUNSUPPORTED || rc == SL_ETOOBIG;
}

/* A refused order: to the sink's failed intake when it keeps one, else
   the refusal goes back to the plugin. Why the host and not each
   connector: every connector's poll would otherwise stop at the first
   order it cannot map and hold back every later one (its cursor never
   moves); here one rule covers them all, and the raw payload the plugin
   set is what gets kept. */
static int refuse(sl_ctx *ctx, order *o, int rc, const sl_error *why, sl_error *err)
{
    if (services_content_error(rc) && ctx->sink.order_refused != NULL)
        return ctx->sink.order_refused(ctx->sink.data, o, why, err);
    order_free(o);
    if (err && err->size >= sizeof *err)
        *err = *why;
    return rc;
}

int services_order_submit(sl_ctx *ctx, sl_order *so, sl_error *err)
{
    if (so == NULL)
        return sl_error_set(err, SL_EINVALID, "order", "order_submit(NULL)");
    unlink_open(so);
    order *o = so->o;
    sl_error why = so->first_error;
    int rc = why.code;
    if (rc == SL_OK) {
        why = (sl_error){.size = sizeof why};
        rc = order_validate(o, &why);
    }
    free(so);
    if (rc != SL_OK)
        return refuse(ctx, o, rc, &why, err);
    if (ctx->sink.order_take == NULL) {
        order_free(o);
        return sl_error_set(err, SL_EUNSUPPORTED, "order", "this call does not accept orders");
    }
    ctx->orders_submitted++;
    return ctx->sink.order_take(ctx->sink.data, o, err);
}

int services_order_refuse(sl_ctx *ctx, sl_order *so, const sl_error *why, sl_error *err)
{
    if (so == NULL)
        return sl_error_set(err, SL_EINVALID, "order", "order_refuse(NULL)");
    if (why == NULL || why->code == SL_OK)
        return sl_error_set(err, SL_EINVALID, "why", "order_refuse without a reason");
    unlink_open(so);
    order *o = so->o;
    sl_error copy = *why;
    copy.size = sizeof copy;
    free(so);
    return refuse(ctx, o, copy.code, &copy, err);
}

void services_order_discard(sl_order *so)
{
    if (so == NULL)
        return;
    unlink_open(so);
    order_free(so->o);
    free(so);
}
