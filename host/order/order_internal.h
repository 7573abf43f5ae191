/*
 * Helpers shared by order.c and order_json.c only; not for other modules.
 */
#ifndef SL_ORDER_INTERNAL_H
#define SL_ORDER_INTERNAL_H

#include "order/order.h"

/* Appends a tax of `amount` minor units (already rounded) to a line,
   `field` naming it in errors. */
int order_tax_put(order_line *l, const char *rate_id, int64_t amount, int64_t exact,
                  const char *field, sl_error *err);
/* Stores a rate total already in minor units (order_from_json). */
int order_rate_put(order *o, const order_rate *r, const char *field, sl_error *err);
/* The rounded amount scaled to millionths (what `exact` is when the shop
   gave no more digits than the currency has). */
int64_t order_exact_of(const order *o, int64_t amount);

#endif
