/*
 * Helpers shared by order.c and order_json.c only; not for other modules.
 */
#ifndef SL_ORDER_INTERNAL_H
#define SL_ORDER_INTERNAL_H

#include "order/order.h"

/* Appends a tax of `amount` minor units (already rounded) to a line,
   `field` naming it in errors. */
int order_tax_put(order_line *l, const char *rate_id, int64_t amount,
                  const char *field, sl_error *err);

#endif
