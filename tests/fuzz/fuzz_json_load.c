/*
 * libFuzzer target: sl_json_load (sdk/json_load.c) against jansson's
 * json_loadb with JSON_REJECT_DUPLICATES on arbitrary bytes. Both refuse,
 * or both build the same tree (compared as compact dumps in document
 * order). Inputs with a raw NUL byte only need our refusal (jansson skips
 * some NULs; see test_sdk_json_load). Built and run by tests/fuzz/run.sh,
 * not by the test suite.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../sdk/json_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    sl_json_load_error e;
    json_t *got = sl_json_load(text, size, &e);
    if (memchr(data, 0, size) != NULL) {
        if (got != NULL)
            abort();
        return 0;
    }
    json_t *want = json_loadb(text, size, JSON_REJECT_DUPLICATES, NULL);
    if ((want == NULL) != (got == NULL))
        abort();
    if (want != NULL) {
        char *a = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
        char *b = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
        if (a == NULL || b == NULL || strcmp(a, b) != 0)
            abort();
        free(a);
        free(b);
    }
    json_decref(want);
    json_decref(got);
    return 0;
}
