/*
 * What a postal plugin answers through result_set / result_row, collected
 * as a JSON array of objects (one per row; a call without result_row
 * gives one row). Internal to host/shipments.
 */
#ifndef SL_SHIP_RESULTS_H
#define SL_SHIP_RESULTS_H

#include <jansson.h>

#include "runtime/runtime.h"
#include "shopledger/sdk.h"

/* One plugin call with params keys[i] = values[i] (n of them) through
   `slot`: the rows in *rows (new reference, also on failure, may be
   empty) and the call's code. */
typedef int (*ship_slot_fn)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int ship_call(runtime_channel *rc, ship_slot_fn slot, const json_t *params, json_t **rows,
              sl_error *err);

/* Text of key in a row, "" when absent. */
const char *ship_row_text(const json_t *row, const char *key);

#endif
