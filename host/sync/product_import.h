/*
 * Master-data import from a channel (`shopledger channel import TENANT
 * CHANNEL`): the plugin's fetch_products submits every product of the
 * shop; each becomes (or updates) a product with its parent, selling price
 * in the channel's price group, purchase price, and on-hand stock in the
 * channel's warehouse. The whole import is one transaction: all or nothing.
 * In a channel's test mode the transaction is rolled back and the report
 * says what would have been stored.
 */
#ifndef SL_PRODUCT_IMPORT_H
#define SL_PRODUCT_IMPORT_H

#include <jansson.h>

#include "runtime/runtime.h"

/* *report: {"products": N, "created": N, "with_stock": N, "test_mode": bool}. */
int import_products_from_channel(runtime_tenant *rt, runtime_channel *rc, int64_t now_ms,
                                 json_t **report, sl_error *err);

#endif
