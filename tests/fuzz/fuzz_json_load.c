/*
 * libFuzzer target: sl_json_load (sdk/json_load.c) against jansson's
 * json_loadb with JSON_REJECT_DUPLICATES on arbitrary bytes. Both refuse,
 * or both build the same tree (compared as compact dumps in document
 * order; json_compare.h). Built and run by tests/fuzz/run.sh (CI runs it
 * from tests/run.sh), not by ctest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json_compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[512];
    int accepted = 0;
    if (json_load_agrees((const char *)data, size, &accepted, why, sizeof why) != 0) {
        fprintf(stderr, "%s\n", why);
        abort();
    }
    return 0;
}
