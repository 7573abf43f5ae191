/*
 * Calling a postal plugin slot with a JSON object of params and collecting
 * its results (ship_results.h). The params are copied into arrays that
 * live for the call; results arrive through the context's sink.
 */
#include <stdlib.h>
#include <string.h>

#include "services/services.h"
#include "shipments/ship_results.h"
#include "shopledger/sdkutil.h"

#define MAX_PARAMS 4096

typedef struct collector {
    json_t *rows;
    json_t *row; /* borrowed: the last of rows */
} collector;

static int new_row(void *data)
{
    collector *c = data;
    c->row = json_object();
    return c->row && json_array_append_new(c->rows, c->row) == 0 ? SL_OK : SL_ENOMEM;
}

static int set(void *data, const char *key, const char *value)
{
    collector *c = data;
    if (!c->row && new_row(c) != SL_OK)
        return SL_ENOMEM;
    return json_object_set_new(c->row, key, json_string(value)) == 0 ? SL_OK : SL_EINVALID;
}

int ship_call(runtime_channel *rc, ship_slot_fn slot, const json_t *params, json_t **rows,
              sl_error *err)
{
    *rows = json_array();
    size_t n = json_object_size(params);
    if (!slot)
        return sl_error_set(err, SL_EUNSUPPORTED, "", "the plugin has no such call");
    if (n > MAX_PARAMS || !*rows)
        return sl_error_set(err, SL_ETOOBIG, "params", "too many parameters");
    const char **keys = calloc(n + 1, sizeof *keys), **values = calloc(n + 1, sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)params, k, v)
    {
        keys[i] = k;
        values[i] = json_string_value(v) ? json_string_value(v) : "";
        i++;
    }
    services_params p = {.keys = keys, .values = values, .count = n};
    collector c = {.rows = *rows};
    services_sink sink = {.data = &c, .result_set = set, .result_row = new_row};
    services_call_enter(rc->ctx, &sink);
    int r = slot(rc->state, rc->ctx, &p, err);
    services_call_end(rc->ctx);
    free(keys);
    free(values);
    return r;
}

const char *ship_row_text(const json_t *row, const char *key)
{
    const char *v = json_string_value(json_object_get(row, key));
    return v ? v : "";
}
