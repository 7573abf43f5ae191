/*
 * The credit note lines of a refund that names its lines (SDK 1.4
 * SL_LINE_REFUND_ID: a product, shipping or fee line of the order that
 * carries the refunded quantity, net and tax, positive).
 *
 * Each refunded part is booked as the shop gave it (never recomputed):
 * its quantity, its net total and its own tax, negated on the credit note,
 * on the tax group, account, product or service of the sale's line it
 * refunds, so the refund gives back revenue, shipping income and VAT where
 * the sale booked them. The sale's line is found by kind and SKU (a
 * product) or by kind and name (shipping, fees); a shipping part whose
 * name the sale lacks takes the sale's only shipping line. A part that
 * matches no sale line, or carries a negative figure, is not guessed: the
 * reason goes on the credit note, which stays Draft.
 */
#include <stdio.h>
#include <string.h>

#include "rules/rules_int.h"
#include "rules/rules_taxes.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

size_t rules_refund_part_count(const order *o, const char *ref)
{
    size_t n = 0;
    for (size_t i = 0; i < o->line_count; i++)
        n += order_line_is_refunded_part(&o->lines[i]) &&
             strcmp(order_line_text(&o->lines[i], SL_LINE_REFUND_ID), ref) == 0;
    return n;
}

static int same_kind(const ledger_line *sale, int part_kind)
{
    if (part_kind == SL_LINE_PRODUCT)
        return strcmp(sale->kind, "product") == 0;
    if (part_kind == SL_LINE_SHIPPING)
        return strcmp(sale->kind, "shipping") == 0;
    return strcmp(sale->kind, "fee") == 0 || strcmp(sale->kind, "discount") == 0;
}

/* The sale line a part refunds, or NULL. */
static const ledger_line *sale_line_of(const ledger_doc *from, const order_line *part)
{
    const char *sku = order_line_text(part, SL_LINE_SKU);
    const char *name = order_line_text(part, SL_LINE_NAME);
    const ledger_line *only = NULL;
    size_t of_kind = 0;
    int by_sku = part->kind == SL_LINE_PRODUCT && *sku;
    for (size_t i = 0; i < from->line_count; i++) {
        const ledger_line *l = &from->lines[i];
        if (!same_kind(l, part->kind))
            continue;
        of_kind++;
        only = l;
        if (by_sku ? strcmp(l->sku, sku) == 0 : strcmp(l->text, name) == 0)
            return l;
    }
    return part->kind == SL_LINE_SHIPPING && of_kind == 1 ? only : NULL;
}

static int64_t part_net(const order_line *l)
{
    if (order_line_has_money(l, SL_LINE_TOTAL))
        return l->money[SL_LINE_TOTAL];
    return order_line_has_money(l, SL_LINE_SUBTOTAL) ? l->money[SL_LINE_SUBTOTAL] : 0;
}

static void set_reason(ledger_doc *cn, const order_line *part, const char *label, const char *what)
{
    if (cn->reason[0])
        return;
    snprintf(cn->reason, sizeof(cn->reason), "refunded %s line \"%.60s\" %s",
             order_line_kind_name(part->kind), label, what);
}

/* One credit note line for `part`, on its sale line's group and account. */
static int part_line(rules_ctx *c, ledger_doc *cn, const ledger_doc *from, const order_line *part)
{
    const char *name = order_line_text(part, SL_LINE_NAME);
    const char *label = *name ? name : order_line_text(part, SL_LINE_SKU);
    const ledger_line *sale = sale_line_of(from, part);
    int64_t net = part_net(part), tax = rules_shop_line_tax(part);
    ledger_line *l =
        ledger_doc_add_line(cn, sale ? sale->kind : order_line_kind_name(part->kind),
                            sale ? sale->sku : order_line_text(part, SL_LINE_SKU), label);
    if (!l)
        return sl_error_set(c->err, SL_ENOMEM, "", "out of memory");
    if (!sale) {
        char what[160];
        snprintf(what, sizeof(what), "matches no line of %s %s", rules_type_label(from->type),
                 from->number[0] ? from->number : "(draft)");
        set_reason(cn, part, label, what);
    } else {
        l->product_id = sale->product_id;
        l->service_id = sale->service_id;
        l->tax_percent_milli = sale->tax_percent_milli;
        memcpy(l->tax_group, sale->tax_group, sizeof(l->tax_group));
        memcpy(l->account, sale->account, sizeof(l->account));
    }
    if (net < 0 || tax < 0)
        set_reason(cn, part, label, "has a negative refunded amount (the SDK wants it positive)");
    l->qty_milli = part->qty_milli;
    if (part->qty_milli <= 0 ||
        sl_div_round(net * 1000, part->qty_milli, SL_ROUND_HALF_UP, &l->unit_price))
        l->unit_price = net;
    l->net = -net;
    l->tax = -tax;
    if (!c->t->vat_registered) {
        /* Not registered: tax is part of the price and of revenue. */
        l->net -= tax;
        l->tax = 0;
    }
    return SL_OK;
}

int rules_refund_lines(rules_ctx *c, ledger_doc *cn, const ledger_doc *from, const char *ref)
{
    for (size_t i = 0; i < c->o->line_count; i++) {
        const order_line *part = &c->o->lines[i];
        if (!order_line_is_refunded_part(part) ||
            strcmp(order_line_text(part, SL_LINE_REFUND_ID), ref) != 0)
            continue;
        int rc = part_line(c, cn, from, part);
        if (rc)
            return rc;
    }
    return SL_OK;
}
