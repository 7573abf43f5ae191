/*
 * Read-only lookups of the inbox for documents out: the current revision
 * of a shop order, by its (channel, external id) key.
 */
#ifndef SL_INBOX_FIND_H
#define SL_INBOX_FIND_H

#include <jansson.h>

#include "store/store.h"

/* The normalized JSON of the current revision of (channel, external_id)
   (order_to_json's form; new reference in *out), or SL_ENOTFOUND. */
int inbox_find_order_json(store *s, const char *channel, const char *external_id, json_t **out,
                          sl_error *err);

#endif
