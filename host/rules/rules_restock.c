/*
 * Stock the shop put back after refunds. A refund without lines changes no
 * stock; one that restocks lines leaves, on each original order line, the
 * cumulative quantity put back (SL_LINE_RESTOCKED via line_set_restocked,
 * WooCommerce's _restock_refunded_items). For each product of the posted
 * sale the host returns that figure minus what the sale's moves already
 * gave back (stock_restock), as a move of the newest credit note of the
 * order: the refund that did the restocking arrives in the same revision.
 * A full reversal's own return counts as given back, so a restock after it
 * books nothing more. stock_restock's key makes every figure count once.
 */
#include <stdio.h>
#include <string.h>

#include "rules/rules_int.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "stock/stock.h"

/* Newest credit note of sale d (the highest id among the credit notes of
   the order's refund ids and of its cancellation), 0 if none. */
static int newest_credit(rules_ctx *c, const ledger_doc *d, int64_t *id)
{
    *id = 0;
    for (size_t i = 0; i <= c->o->line_count; i++) {
        const char *ref = RULES_CANCEL_REF;
        if (i < c->o->line_count) {
            if (c->o->lines[i].kind != SL_LINE_REFUND)
                continue;
            ref = rules_refund_ref(&c->o->lines[i]);
        }
        int64_t have = 0;
        int rc = ledger_credit_find(c->s, d->id, ref, &have, c->err);
        if (rc)
            return rc;
        if (have > *id)
            *id = have;
    }
    return SL_OK;
}

/* The sale's product id of an order line (by SKU), 0 when not stocked. */
static int64_t product_of(const ledger_doc *d, const order_line *l)
{
    const char *sku = order_line_text(l, SL_LINE_SKU);
    for (size_t i = 0; *sku && i < d->line_count; i++)
        if (d->lines[i].product_id && strcmp(d->lines[i].sku, sku) == 0)
            return d->lines[i].product_id;
    return 0;
}

/* The order's restocked figure of one product: the sum over its lines. */
static int64_t restocked_of(rules_ctx *c, const ledger_doc *d, int64_t product_id)
{
    int64_t sum = 0;
    for (size_t i = 0; i < c->o->line_count; i++) {
        const order_line *l = &c->o->lines[i];
        if (l->kind == SL_LINE_PRODUCT && product_of(d, l) == product_id)
            sum += l->restocked_milli;
    }
    return sum;
}

/* True when an earlier line of the order already named this product. */
static int seen_before(rules_ctx *c, const ledger_doc *d, size_t upto, int64_t product_id)
{
    for (size_t i = 0; i < upto; i++)
        if (c->o->lines[i].kind == SL_LINE_PRODUCT && c->o->lines[i].restocked_milli > 0 &&
            product_of(d, &c->o->lines[i]) == product_id)
            return 1;
    return 0;
}

static int restock_product(rules_ctx *c, const ledger_doc *d, int64_t cn_id, int64_t product_id,
                           const char *sku)
{
    int64_t figure = restocked_of(c, d, product_id), returned = 0;
    int rc = stock_restock(c->s, d->id, cn_id, d->warehouse_id, product_id, figure, c->now_ms,
                           &returned, c->err);
    if (rc || returned == 0 || !c->it)
        return rc;
    char text[256], q[SL_MONEY_TEXT_MAX], f[SL_MONEY_TEXT_MAX];
    snprintf(text, sizeof(text), "%s restocked by the shop: %s back into stock (%s in all)", sku,
             sl_money_format(returned, 3, q), sl_money_format(figure, 3, f));
    return inbox_event(c->s, c->it->id, c->now_ms, "rules", text, c->err);
}

int rules_restock(rules_ctx *c, const ledger_doc *d)
{
    int64_t cn_id = -1;
    for (size_t i = 0; i < c->o->line_count; i++) {
        const order_line *l = &c->o->lines[i];
        int64_t product_id =
            l->kind == SL_LINE_PRODUCT && l->restocked_milli > 0 ? product_of(d, l) : 0;
        if (product_id == 0 || seen_before(c, d, i, product_id))
            continue;
        int rc = cn_id < 0 ? newest_credit(c, d, &cn_id) : SL_OK;
        if (rc)
            return rc;
        if (cn_id == 0)
            return c->it ? inbox_event(c->s, c->it->id, c->now_ms, "rules",
                                       "the shop restocked lines but no refund is booked: "
                                       "no stock returned yet",
                                       c->err)
                         : SL_OK;
        rc = restock_product(c, d, cn_id, product_id, order_line_text(l, SL_LINE_SKU));
        if (rc)
            return rc;
    }
    return SL_OK;
}
