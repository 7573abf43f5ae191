/*
 * Line taxes spread to the shop's per-rate totals (rules_taxes.c states
 * the rule). Internal to the rules module.
 */
#ifndef SL_RULES_TAXES_H
#define SL_RULES_TAXES_H

#include <stdint.h>

#include "order/order.h"

typedef struct rules_tax_plan {
    int64_t *line_tax; /* per order line: the tax to book */
    /* per order line and tax component (line i, component k at
       [i * ORDER_MAX_TAXES_PER_LINE + k]): that rate's share of line_tax;
       they sum to line_tax when the line has components */
    int64_t *rate_tax;
    int64_t *net_shift; /* per order line: added to the net (prices incl. tax) */
    char reason[400];   /* a real inconsistency (the document stays Draft), or "" */
} rules_tax_plan;

/* Fills *p for order o (every line; an order without per-rate totals
   keeps each line's own tax). SL_ENOMEM only; free with _free. */
int rules_tax_plan_make(const order *o, rules_tax_plan *p, sl_error *err);
void rules_tax_plan_free(rules_tax_plan *p);
/* The shop's own tax of a line: its rounded total tax, else the sum of
   its per-rate amounts. */
int64_t rules_shop_line_tax(const order_line *l);

#endif
