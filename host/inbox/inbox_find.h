/*
 * Read-only lookups of the inbox by an order's (channel, external id) key:
 * the current revision (documents out), the item's id (the gateway's pass
 * runs the rules on it again).
 */
#ifndef SL_INBOX_FIND_H
#define SL_INBOX_FIND_H

#include <jansson.h>

#include "store/store.h"

/* The normalized JSON of the current revision of (channel, external_id)
   (order_to_json's form; new reference in *out), or SL_ENOTFOUND. */
int inbox_find_order_json(store *s, const char *channel, const char *external_id, json_t **out,
                          sl_error *err);

/* The id of the inbox item of (channel, external_id), or SL_ENOTFOUND. */
int inbox_item_id(store *s, const char *channel, const char *external_id, int64_t *id,
                  sl_error *err);

#endif
