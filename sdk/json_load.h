/*
 * The SDK's JSON reader (json_load.c), internal to the SDK and its tests:
 * sl_json_parse is the public entry.
 */
#ifndef SL_SDK_JSON_LOAD_H
#define SL_SDK_JSON_LOAD_H

#include <stddef.h>

#include <jansson.h>

/* Deepest nesting of values (a scalar counts as one level), as jansson's
   JSON_PARSER_MAX_DEPTH. */
#define SL_JSON_MAX_DEPTH 2048

typedef struct sl_json_load_error {
    char text[96];
    int line, column; /* 1-based, of the byte where reading stopped */
} sl_json_load_error;

/* Reads one JSON text (an object or an array, then only whitespace) into
   the tree json_loadb(data, len, JSON_REJECT_DUPLICATES, ...) builds: same
   types, values and member order. Refused like jansson refuses: invalid
   UTF-8, control characters and \u0000 in strings, unpaired surrogates,
   duplicate keys, integers beyond int64, reals beyond double, nesting
   deeper than SL_JSON_MAX_DEPTH, trailing content. NULL on failure. */
json_t *sl_json_load(const char *data, size_t len, sl_json_load_error *err);

#endif
