/*
 * The tax of each order line as the books take it, when the shop gives its
 * own per-rate totals (WooCommerce tax_lines). Those totals are
 * authoritative: a store that rounds at subtotal rounds only them, so the
 * line taxes it shows (each rounded on its own) need not add up to them.
 *
 * Rule, per rate and per part (items and fees; shipping): start from each
 * line's tax of that rate rounded half-up, D = shop total - their sum.
 * When |D| is at most one minor unit per line of the rate, the difference
 * is rounding and is spread by largest remainder: for D > 0 the |D| lines
 * rounded down the most (shop's exact figure minus the rounded one,
 * largest first) get one unit more, for D < 0 those rounded up the most
 * get one unit less; ties go to the larger exact amount, then to the
 * earlier line. Each line, each rate and the total then agree with the
 * shop. A larger difference, a line rate the order does not total, or a
 * total no line carries is a real inconsistency: the reason is returned
 * and the document stays Draft.
 *
 * Prices entered including tax: the shop's line gross is fixed, so a
 * product line whose tax moves by one unit moves its net the other way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order/order_internal.h"
#include "rules/rules_taxes.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

typedef struct component {
    size_t line, tax; /* indexes into o->lines and its taxes */
    int64_t excess;   /* exact - rounded, in millionths */
    int64_t exact;
} component;

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* The order's per-rate totals are the sale's: a refunded part (its
   refund's own figures) takes no share of them. */
static int in_part(const order_line *l, int shipping)
{
    if (order_line_is_refunded_part(l))
        return 0;
    if (shipping)
        return l->kind == SL_LINE_SHIPPING;
    return l->kind == SL_LINE_PRODUCT || l->kind == SL_LINE_FEE;
}

/* Order of preference for a unit more: rounded down the most first. */
static int more_first(const void *pa, const void *pb)
{
    const component *a = pa, *b = pb;
    if (a->excess != b->excess)
        return a->excess > b->excess ? -1 : 1;
    if (abs64(a->exact) != abs64(b->exact))
        return abs64(a->exact) > abs64(b->exact) ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* For a unit less: rounded up the most (smallest excess) first. */
static int less_first(const void *pa, const void *pb)
{
    const component *a = pa, *b = pb;
    if (a->excess != b->excess)
        return a->excess < b->excess ? -1 : 1;
    if (abs64(a->exact) != abs64(b->exact))
        return abs64(a->exact) > abs64(b->exact) ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static void add_reason(rules_tax_plan *p, int shipping, const char *rate, int64_t a, int64_t b,
                       int exponent)
{
    char x[SL_MONEY_TEXT_MAX], y[SL_MONEY_TEXT_MAX], item[200];
    snprintf(item, sizeof item, "%stax of rate %.40s: lines %s, shop %s",
             shipping ? "shipping " : "", rate, sl_money_format(a, exponent, x),
             sl_money_format(b, exponent, y));
    size_t used = strlen(p->reason);
    snprintf(p->reason + used, sizeof p->reason - used, "%s%s", used ? "; " : "", item);
}

/* Spreads one rate's part; `alloc` holds every component's amount. */
static int spread(const order *o, const order_rate *r, int shipping, int64_t **alloc,
                  component *buf, rules_tax_plan *p)
{
    size_t n = 0;
    int64_t sum = 0, target = shipping ? r->shipping_tax : r->tax;
    for (size_t i = 0; i < o->line_count; i++) {
        const order_line *l = &o->lines[i];
        for (size_t k = 0; in_part(l, shipping) && k < l->tax_count; k++) {
            if (strcmp(l->taxes[k].rate_id, r->rate_id) != 0)
                continue;
            buf[n] = (component){i, k, l->taxes[k].exact - order_exact_of(o, l->taxes[k].amount),
                                 l->taxes[k].exact};
            sum += alloc[i][k];
            n++;
        }
    }
    int64_t d = target - sum;
    if (d == 0)
        return SL_OK;
    if (n == 0 || abs64(d) > (int64_t)n) {
        add_reason(p, shipping, r->rate_id, sum, target, o->exponent);
        return SL_OK;
    }
    qsort(buf, n, sizeof *buf, d > 0 ? more_first : less_first);
    for (int64_t u = 0; u < abs64(d); u++)
        alloc[buf[u].line][buf[u].tax] += d > 0 ? 1 : -1;
    return SL_OK;
}

int64_t rules_shop_line_tax(const order_line *l)
{
    if (order_line_has_money(l, SL_LINE_TOTAL_TAX))
        return l->money[SL_LINE_TOTAL_TAX];
    int64_t sum = 0;
    for (size_t i = 0; i < l->tax_count; i++)
        sum += l->taxes[i].amount;
    return sum;
}

static int check_rates_known(const order *o, rules_tax_plan *p)
{
    for (size_t i = 0; i < o->line_count; i++)
        for (size_t k = 0; !order_line_is_refunded_part(&o->lines[i]) && k < o->lines[i].tax_count;
             k++)
            if (order_find_rate(o, o->lines[i].taxes[k].rate_id) == NULL) {
                size_t used = strlen(p->reason);
                snprintf(p->reason + used, sizeof p->reason - used,
                         "%sline %zu has tax rate %.40s, which the order's tax totals do not name",
                         used ? "; " : "", i + 1, o->lines[i].taxes[k].rate_id);
                return 0;
            }
    return 1;
}

int rules_tax_plan_make(const order *o, rules_tax_plan *p, sl_error *err)
{
    memset(p, 0, sizeof *p);
    size_t n = o->line_count ? o->line_count : 1;
    p->line_tax = calloc(n, sizeof *p->line_tax);
    p->net_shift = calloc(n, sizeof *p->net_shift);
    p->rate_tax = calloc(n * ORDER_MAX_TAXES_PER_LINE, sizeof *p->rate_tax);
    int64_t **alloc = calloc(n, sizeof *alloc);
    component *buf = calloc(n * ORDER_MAX_TAXES_PER_LINE, sizeof *buf);
    int rc = p->line_tax && p->net_shift && p->rate_tax && alloc && buf
                 ? SL_OK
                 : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    for (size_t i = 0; rc == SL_OK && i < o->line_count; i++) {
        alloc[i] = calloc(ORDER_MAX_TAXES_PER_LINE, sizeof **alloc);
        if (!alloc[i])
            rc = sl_error_set(err, SL_ENOMEM, "", "out of memory");
        for (size_t k = 0; alloc[i] && k < o->lines[i].tax_count; k++)
            alloc[i][k] = o->lines[i].taxes[k].amount;
    }
    int spread_ok = rc == SL_OK && o->rate_count > 0 && check_rates_known(o, p);
    for (size_t r = 0; spread_ok && r < o->rate_count; r++) {
        spread(o, &o->rates[r], 0, alloc, buf, p);
        spread(o, &o->rates[r], 1, alloc, buf, p);
    }
    for (size_t i = 0; rc == SL_OK && i < o->line_count; i++) {
        const order_line *l = &o->lines[i];
        int64_t own = rules_shop_line_tax(l), sum = 0;
        for (size_t k = 0; k < l->tax_count; k++)
            sum += alloc[i][k];
        p->line_tax[i] = spread_ok && l->tax_count > 0 ? sum : own;
        /* Each rate's share: the spread amounts; without a spread the
           line's own tax stays whole on its first rate. */
        for (size_t k = 0; k < l->tax_count; k++)
            p->rate_tax[i * ORDER_MAX_TAXES_PER_LINE + k] = spread_ok ? alloc[i][k]
                                                            : k == 0  ? own
                                                                      : 0;
        if (o->flag[SL_ORDER_PRICES_INCLUDE_TAX] && l->kind == SL_LINE_PRODUCT)
            p->net_shift[i] = own - p->line_tax[i];
    }
    for (size_t i = 0; alloc && i < o->line_count; i++)
        free(alloc[i]);
    free(alloc);
    free(buf);
    if (rc != SL_OK)
        rules_tax_plan_free(p);
    return rc;
}

void rules_tax_plan_free(rules_tax_plan *p)
{
    free(p->line_tax);
    free(p->net_shift);
    free(p->rate_tax);
    p->line_tax = p->net_shift = p->rate_tax = NULL;
}
