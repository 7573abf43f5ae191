/*
 * Order -> document: one document line per order line, with master data
 * resolved (customer, products, tax groups, services, warehouse), the
 * shop's own rounded line taxes booked as they are (never recomputed), and
 * the totals check against the shop's order total and total tax.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "masters/masters.h"
#include "rules/rules.h"
#include "rules/rules_taxes.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define DEFAULT_WAREHOUSE "main"

typedef struct build_ctx {
    store *s;
    const config_tenant *t;
    const config_channel *ch;
    const order *o;
    int64_t now_ms;
    ledger_doc *d;
    rules_tax_plan plan;
    sl_error *err;
} build_ctx;

static int64_t line_money(const order_line *l, int field)
{
    return order_line_has_money(l, field) ? l->money[field] : 0;
}

static int64_t line_net(const order_line *l)
{
    if (order_line_has_money(l, SL_LINE_TOTAL))
        return l->money[SL_LINE_TOTAL];
    return line_money(l, SL_LINE_SUBTOTAL);
}

static void percent_text(int64_t milli, char *buf, size_t cap)
{
    int64_t frac = milli % 1000;
    if (frac == 0)
        snprintf(buf, cap, "%lld", (long long)(milli / 1000));
    else if (frac % 10 == 0)
        snprintf(buf, cap, "%lld.%02lld", (long long)(milli / 1000),
                 (long long)(frac % 100 == 0 ? frac / 100 : frac / 10));
    else
        snprintf(buf, cap, "%lld.%03lld", (long long)(milli / 1000), (long long)frac);
}

/* Tax group: the first of rate id, first tax's rate id, class found in the
   channel's taxes map; else a group named after the percent ("TAX-7.25").
   Returns 1 when the map named the group. */
static int tax_group_code(const config_channel *ch, const order_line *l, int64_t percent_milli,
                          char *buf, size_t cap)
{
    const char *keys[3] = {order_line_text(l, SL_LINE_TAX_RATE_ID),
                           l->tax_count ? l->taxes[0].rate_id : "",
                           order_line_text(l, SL_LINE_TAX_CLASS)};
    for (int i = 0; i < 3; i++) {
        const char *hit = keys[i] && *keys[i] ? config_channel_map(ch, "taxes", keys[i]) : NULL;
        if (hit && *hit) {
            snprintf(buf, cap, "%s", hit);
            return 1;
        }
    }
    char pct[32];
    if (percent_milli >= 0) {
        percent_text(percent_milli, pct, sizeof(pct));
        snprintf(buf, cap, "TAX-%s", pct);
    } else if (rules_shop_line_tax(l) == 0) {
        snprintf(buf, cap, "TAX-0");
    } else {
        snprintf(buf, cap, "TAX-%s", *keys[0] ? keys[0] : *keys[1] ? keys[1] : "?");
    }
    return 0;
}

/* A channel with a taxes map books only mapped rates: a line whose rate
   or class the map lacks leaves the document Draft, saying which (a group
   named after the percent would put it beside the right one unseen). A
   channel without a map names groups after the percent (config check
   warns about that). A tenant not registered for VAT books no tax, and a
   coupon line only tells what the product lines already carry. */
static void check_mapped(build_ctx *c, const order_line *l, int mapped)
{
    if (mapped || c->d->reason[0] || !c->t->vat_registered || l->kind == SL_LINE_DISCOUNT ||
        config_channel_map_size(c->ch, "taxes") == 0)
        return;
    const char *rate = *order_line_text(l, SL_LINE_TAX_RATE_ID)
                           ? order_line_text(l, SL_LINE_TAX_RATE_ID)
                       : l->tax_count ? l->taxes[0].rate_id
                                      : "";
    const char *cls = order_line_text(l, SL_LINE_TAX_CLASS);
    if (!*rate && !*cls && rules_shop_line_tax(l) == 0)
        return; /* an untaxed line that names no rate or class */
    snprintf(c->d->reason, sizeof(c->d->reason),
             "tax rate %s%s%s of line \"%.60s\" is not mapped in [channel:%s.taxes]; "
             "map it, then `inbox retry`",
             *rate ? rate : "(none)", *cls ? ", class " : "", cls, order_line_text(l, SL_LINE_NAME),
             c->ch->name);
}

/* Sets qty, unit price, discount, tax group, net and tax of a line. */
static int fill_amounts(build_ctx *c, ledger_line *dl, const order_line *l)
{
    /* Quantities were checked (rules_check_order): never guessed here. */
    dl->qty_milli = l->qty_milli;
    dl->net = line_net(l);
    dl->tax = rules_shop_line_tax(l);
    int64_t shift = 0;
    if (l >= c->o->lines && l < c->o->lines + c->o->line_count) {
        size_t i = (size_t)(l - c->o->lines);
        dl->tax = c->plan.line_tax[i];
        shift = c->plan.net_shift[i];
        dl->net += shift;
    }
    /* A net moved against its tax (prices including tax) moves the price
       before discount with it: the discount stays the shop's, and the
       shop's unit price (the rounding of an unrounded net) is taken again
       from the moved figure so that price x quantity - discount = net. */
    int64_t before = dl->net;
    if (order_line_has_money(l, SL_LINE_SUBTOTAL))
        before = l->money[SL_LINE_SUBTOTAL] + shift;
    dl->discount = before - dl->net;
    if (order_line_has_money(l, SL_LINE_UNIT_PRICE) && shift == 0)
        dl->unit_price = l->money[SL_LINE_UNIT_PRICE];
    else if (sl_div_round(before * 1000, dl->qty_milli, SL_ROUND_HALF_UP, &dl->unit_price))
        dl->unit_price = before;
    dl->tax_percent_milli =
        order_line_has_money(l, SL_LINE_TAX_PERCENT) ? l->tax_percent_milli : -1;
    check_mapped(
        c, l,
        tax_group_code(c->ch, l, dl->tax_percent_milli, dl->tax_group, sizeof(dl->tax_group)));
    int64_t gid;
    int rc = masters_tax_group_ensure(c->s, dl->tax_group, dl->tax_percent_milli, &gid, c->err);
    if (rc)
        return rc;
    if (!c->t->vat_registered) {
        /* Not registered: tax is part of the price and of revenue. */
        dl->net += dl->tax;
        dl->tax = 0;
    }
    return SL_OK;
}

/* A line taxed by rates that the taxes map puts in different groups (a
   state rate and a county rate, say) is booked as its net with the tax of
   its own group's rates, plus one line per further group carrying that
   group's tax (no net, the same account), so each group's
   VAT is posted and reported as the shop computed it and the line's gross
   is unchanged. Rates of one group stay summed on the line. */
static int split_rates(build_ctx *c, size_t di, const order_line *l)
{
    if (!c->t->vat_registered || l->tax_count < 2 || l < c->o->lines ||
        l >= c->o->lines + c->o->line_count)
        return SL_OK;
    const int64_t *share = c->plan.rate_tax + (size_t)(l - c->o->lines) * ORDER_MAX_TAXES_PER_LINE;
    int moved[ORDER_MAX_TAXES_PER_LINE] = {0};
    for (size_t k = 0; k < l->tax_count; k++) {
        const char *group = config_channel_map(c->ch, "taxes", l->taxes[k].rate_id);
        if (moved[k] || group == NULL || !*group || strcmp(group, c->d->lines[di].tax_group) == 0)
            continue;
        int64_t tax = 0;
        for (size_t m = k; m < l->tax_count; m++) { /* this group's rates, once */
            const char *g = config_channel_map(c->ch, "taxes", l->taxes[m].rate_id);
            if (!moved[m] && g && strcmp(g, group) == 0)
                tax += share[m], moved[m] = 1;
        }
        char text[160];
        snprintf(text, sizeof text, "%s on %.100s", group, c->d->lines[di].text);
        ledger_line *x = ledger_doc_add_line(c->d, "tax", "", text);
        if (!x)
            return sl_error_set(c->err, SL_ETOOBIG, "lines", "too many document lines");
        ledger_line *dl = &c->d->lines[di]; /* the add may have moved the array */
        snprintf(x->tax_group, sizeof x->tax_group, "%s", group);
        snprintf(x->account, sizeof x->account, "%s", dl->account);
        const order_rate *r = order_find_rate(c->o, l->taxes[k].rate_id);
        x->tax_percent_milli = r ? r->percent_milli : -1;
        x->tax = tax;
        dl->tax -= tax;
        int64_t gid;
        int rc = masters_tax_group_ensure(c->s, x->tax_group, x->tax_percent_milli, &gid, c->err);
        if (rc)
            return rc;
    }
    return SL_OK;
}

static const char *income_account(build_ctx *c, int kind, int64_t net)
{
    switch (kind) {
    case SL_LINE_SHIPPING:
        return config_account(c->t,
                              c->ch->shipping_as_other_income ? "other_income" : "shipping_income");
    case SL_LINE_FEE:
        return config_account(c->t, net < 0 ? "discounts" : "other_income");
    case SL_LINE_DISCOUNT:
        return config_account(c->t, "discounts");
    default:
        return config_account(c->t, "revenue");
    }
}

static int product_line(build_ctx *c, const order_line *l)
{
    const char *sku = order_line_text(l, SL_LINE_SKU);
    const char *name = order_line_text(l, SL_LINE_NAME);
    ledger_line *dl = ledger_doc_add_line(c->d, "product", sku, name);
    if (!dl)
        return sl_error_set(c->err, SL_ETOOBIG, "lines", "too many document lines");
    if (*sku) {
        int rc = masters_product_ensure(c->s, sku, name, order_line_text(l, SL_LINE_PARENT_SKU),
                                        c->ch->create_products, c->now_ms, &dl->product_id, NULL,
                                        c->err);
        if (rc == SL_ENOTFOUND && !c->d->reason[0])
            snprintf(c->d->reason, sizeof(c->d->reason), "%s", c->err->message);
        else if (rc)
            return rc;
    }
    snprintf(dl->account, sizeof(dl->account), "%s", income_account(c, SL_LINE_PRODUCT, 0));
    size_t di = (size_t)(dl - c->d->lines);
    int rc = fill_amounts(c, dl, l);
    return rc ? rc : split_rates(c, di, l);
}

static const char *service_kind(int kind, int64_t net)
{
    if (kind == SL_LINE_SHIPPING)
        return "shipping";
    if (kind == SL_LINE_DISCOUNT || net < 0)
        return "discount";
    return "fee";
}

/* Shipping, fee or discount line: service matched by the "services" map
   (method id, then name) or by its name. */
static int service_line(build_ctx *c, const order_line *l, int booked)
{
    const char *name = order_line_text(l, SL_LINE_NAME);
    const char *method = order_line_text(l, SL_LINE_METHOD_ID);
    const char *code = *method ? config_channel_map(c->ch, "services", method) : NULL;
    if (!code && *name)
        code = config_channel_map(c->ch, "services", name);
    int64_t net = line_net(l);
    const char *kind = service_kind(l->kind, net);
    if (!code)
        code = *name ? name : *method ? method : kind;
    ledger_line *dl = ledger_doc_add_line(c->d, kind, "", *name ? name : code);
    if (!dl)
        return sl_error_set(c->err, SL_ETOOBIG, "lines", "too many document lines");
    int rc = masters_service_ensure(c->s, code, *name ? name : code, kind, &dl->service_id, c->err);
    if (rc)
        return rc;
    rc = fill_amounts(c, dl, l);
    if (rc)
        return rc;
    if (l->kind == SL_LINE_DISCOUNT) {
        /* A coupon is booked only when the product lines do not already
           carry it; then it reduces the sale (negative amounts). */
        int64_t n = dl->net < 0 ? -dl->net : dl->net, x = dl->tax < 0 ? -dl->tax : dl->tax;
        dl->net = booked ? -n : 0;
        dl->tax = booked ? -x : 0;
        dl->discount = 0;
        dl->unit_price = dl->net;
        if (!booked)
            dl->tax_group[0] = '\0';
    }
    snprintf(dl->account, sizeof(dl->account), "%s", income_account(c, l->kind, dl->net));
    return l->kind == SL_LINE_DISCOUNT ? SL_OK : split_rates(c, (size_t)(dl - c->d->lines), l);
}

/* Shipping given only as order totals (no shipping line). */
static int shipping_from_totals(build_ctx *c)
{
    const order *o = c->o;
    int64_t net =
        order_has_money(o, SL_ORDER_SHIPPING_TOTAL) ? o->money[SL_ORDER_SHIPPING_TOTAL] : 0;
    int64_t tax = order_has_money(o, SL_ORDER_SHIPPING_TAX) ? o->money[SL_ORDER_SHIPPING_TAX] : 0;
    if (net == 0 && tax == 0)
        return SL_OK;
    order_line l;
    memset(&l, 0, sizeof(l));
    l.kind = SL_LINE_SHIPPING;
    l.qty_milli = 1000;
    l.money[SL_LINE_TOTAL] = net;
    l.money[SL_LINE_TOTAL_TAX] = tax;
    l.money_set = (1u << SL_LINE_TOTAL) | (1u << SL_LINE_TOTAL_TAX);
    return service_line(c, &l, 1);
}

static int build_lines(build_ctx *c)
{
    const order *o = c->o;
    int64_t product_discount = 0;
    int has_shipping = 0;
    /* A refunded part belongs to its refund's credit note, not the sale. */
    for (size_t i = 0; i < o->line_count; i++) {
        const order_line *l = &o->lines[i];
        if (order_line_is_refunded_part(l))
            continue;
        if (l->kind == SL_LINE_PRODUCT && order_line_has_money(l, SL_LINE_SUBTOTAL))
            product_discount += l->money[SL_LINE_SUBTOTAL] - line_net(l);
        has_shipping |= l->kind == SL_LINE_SHIPPING;
    }
    for (size_t i = 0; i < o->line_count; i++) {
        const order_line *l = &o->lines[i];
        int rc = SL_OK;
        if (order_line_is_refunded_part(l))
            continue;
        if (l->kind == SL_LINE_PRODUCT)
            rc = product_line(c, l);
        else if (l->kind == SL_LINE_SHIPPING || l->kind == SL_LINE_FEE ||
                 l->kind == SL_LINE_DISCOUNT)
            rc = service_line(c, l, product_discount == 0);
        if (rc)
            return rc;
    }
    return has_shipping ? SL_OK : shipping_from_totals(c);
}

static void append_diff(char *buf, size_t cap, const char *what, int64_t doc, int64_t shop,
                        int exponent)
{
    char a[SL_MONEY_TEXT_MAX], b[SL_MONEY_TEXT_MAX];
    size_t used = strlen(buf);
    snprintf(buf + used, cap - used, "%s%s: document %s != shop %s", used ? "; " : "", what,
             sl_money_format(doc, exponent, a), sl_money_format(shop, exponent, b));
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* Compares with the shop's totals; within the tolerance books the gross
   difference on an explicit rounding line, beyond it records the reason. */
static int totals_check(build_ctx *c)
{
    ledger_doc *d = c->d;
    const order *o = c->o;
    ledger_doc_sum(d);
    int64_t shop_gross = o->money[SL_ORDER_TOTAL];
    int64_t shop_tax =
        order_has_money(o, SL_ORDER_TOTAL_TAX) ? o->money[SL_ORDER_TOTAL_TAX] : d->tax;
    if (!c->t->vat_registered)
        shop_tax = d->tax; /* gross only: tax is inside revenue */
    int64_t dg = shop_gross - d->gross, dt = shop_tax - d->tax;
    if (dg == 0 && dt == 0)
        return SL_OK;
    if (c->plan.reason[0] && !d->reason[0]) {
        snprintf(d->reason, sizeof(d->reason), "%s", c->plan.reason);
        return SL_OK;
    }
    int64_t tol = c->ch->rounding_tolerance;
    if (tol > 0 && abs64(dg) <= tol && abs64(dt) <= tol) {
        if (dg == 0)
            return SL_OK;
        ledger_line *r = ledger_doc_add_line(d, "rounding", "", "Rounding difference");
        if (!r)
            return sl_error_set(c->err, SL_ETOOBIG, "lines", "too many document lines");
        r->net = r->unit_price = dg;
        snprintf(r->account, sizeof(r->account), "%s", config_account(c->t, "rounding"));
        ledger_doc_sum(d);
        return SL_OK;
    }
    char reason[sizeof(d->reason)] = "";
    if (dg)
        append_diff(reason, sizeof(reason), "gross", d->gross, shop_gross, d->exponent);
    if (dt)
        append_diff(reason, sizeof(reason), "tax", d->tax, shop_tax, d->exponent);
    if (d->net != shop_gross - shop_tax)
        append_diff(reason, sizeof(reason), "net", d->net, shop_gross - shop_tax, d->exponent);
    if (!d->reason[0])
        memcpy(d->reason, reason, sizeof(reason));
    return SL_OK;
}

static const char *doc_type(const config_channel *ch)
{
    return ch->document == CONFIG_DOC_RECEIPT ? LEDGER_RECEIPT
           : ch->document == CONFIG_DOC_ORDER ? LEDGER_ORDER
                                              : LEDGER_INVOICE;
}

static int build_header(build_ctx *c)
{
    const order *o = c->o;
    ledger_doc *d = c->d;
    snprintf(d->currency, sizeof(d->currency), "%s", order_text(o, SL_ORDER_CURRENCY));
    d->exponent = o->exponent;
    char *num = strdup(order_text(o, SL_ORDER_NUMBER));
    char note[256];
    snprintf(note, sizeof(note), "Order %s",
             *order_text(o, SL_ORDER_NUMBER) ? order_text(o, SL_ORDER_NUMBER)
                                             : order_text(o, SL_ORDER_EXTERNAL_ID));
    const char *hn =
        *order_text(o, SL_ORDER_HEADER_NOTE) ? order_text(o, SL_ORDER_HEADER_NOTE) : note;
    char *h = strdup(hn), *in = strdup(order_text(o, SL_ORDER_CUSTOMER_NOTE));
    if (!num || !h || !in) {
        free(num), free(h), free(in);
        return sl_error_set(c->err, SL_ENOMEM, "", "out of memory");
    }
    free(d->order_number), free(d->header_note), free(d->internal_note);
    d->order_number = num, d->header_note = h, d->internal_note = in;
    masters_customer cu = {order_text(o, SL_ORDER_EMAIL), order_text(o, SL_ORDER_FIRST_NAME),
                           order_text(o, SL_ORDER_LAST_NAME), order_text(o, SL_ORDER_COMPANY),
                           order_text(o, SL_ORDER_PHONE)};
    int rc = masters_customer_ensure(c->s, &cu, c->now_ms, &d->customer_id, c->err);
    if (rc)
        return rc;
    const char *wh = c->ch->warehouse && *c->ch->warehouse ? c->ch->warehouse : DEFAULT_WAREHOUSE;
    return masters_warehouse_ensure(c->s, wh, &d->warehouse_id, c->err);
}

int rules_check_order(const config_tenant *t, const order *o, sl_error *err)
{
    const char *cur = order_text(o, SL_ORDER_CURRENCY);
    if (t->currency && *t->currency && strcmp(cur, t->currency) != 0)
        return sl_error_set(err, SL_EINVALID, "order.currency",
                            "order in %s, but tenant %s books %s and no conversion rule is "
                            "configured: not booked",
                            cur, t->id ? t->id : "", t->currency);
    for (size_t i = 0; i < o->line_count; i++) {
        const order_line *l = &o->lines[i];
        if (l->kind != SL_LINE_REFUND && l->qty_milli <= 0) {
            char f[SL_ERROR_FIELD_MAX], q[SL_MONEY_TEXT_MAX];
            snprintf(f, sizeof f, "lines[%zu].quantity", i);
            return sl_error_set(err, SL_EINVALID, f,
                                "%s is %s (%s \"%.60s\"): a quantity must be positive", f,
                                sl_money_format(l->qty_milli, 3, q), order_line_kind_name(l->kind),
                                order_line_text(l, SL_LINE_NAME));
        }
    }
    return SL_OK;
}

int rules_build_doc(store *s, const config_tenant *t, const config_channel *ch, const order *o,
                    int64_t now_ms, ledger_doc **out, sl_error *err)
{
    int rc = rules_check_order(t, o, err);
    if (rc)
        return rc;
    ledger_doc *d = ledger_doc_new(doc_type(ch), ch->name, order_text(o, SL_ORDER_EXTERNAL_ID));
    if (!d)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    build_ctx c = {s, t, ch, o, now_ms, d, {NULL, NULL, NULL, ""}, err};
    rc = rules_tax_plan_make(o, &c.plan, err);
    if (rc) {
        ledger_doc_free(d);
        return rc;
    }
    rc = build_header(&c);
    if (rc == SL_OK)
        rc = build_lines(&c);
    if (rc == SL_OK)
        rc = totals_check(&c);
    rules_tax_plan_free(&c.plan);
    if (rc) {
        ledger_doc_free(d);
        return rc;
    }
    *out = d;
    return SL_OK;
}

void rules_series(const config_channel *ch, const char *suffix, char *buf, size_t cap)
{
    const char *base = ch->series && *ch->series ? ch->series : ch->name;
    size_t i = 0;
    for (; base[i] && i + 1 < cap; i++)
        buf[i] = (char)(base[i] >= 'a' && base[i] <= 'z' ? base[i] - 32 : base[i]);
    buf[i] = '\0';
    if (suffix && *suffix) {
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "-%s", suffix);
    }
}
