/*
 * One input through sl_json_load and through jansson's json_loadb with
 * JSON_REJECT_DUPLICATES, the reader it replaced; shared by the unit test
 * (test_sdk_json_load) and the fuzz target (fuzz_json_load).
 */
#ifndef SL_TEST_JSON_COMPARE_H
#define SL_TEST_JSON_COMPARE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../sdk/json_load.h"

/* 0 when both refuse, or both build the same tree (same types, values
   and member order: equal compact dumps in document order); else -1 with
   the difference in why. A raw NUL byte only needs our refusal: JSON has
   none, and jansson skips one that follows a number or a word (its
   stream takes the NUL it puts back for "empty"), so it accepts [1\0].
   *accepted says whether the input was accepted. */
static inline int json_load_agrees(const char *data, size_t len, int *accepted, char *why,
                                   size_t whylen)
{
    sl_json_load_error e;
    json_t *got = sl_json_load(data, len, &e);
    *accepted = got != NULL;
    if (memchr(data, '\0', len) != NULL) {
        json_decref(got);
        return got == NULL ? 0 : (snprintf(why, whylen, "accepted a raw NUL byte"), -1);
    }
    json_error_t je;
    json_t *want = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    int rc = 0;
    if ((want == NULL) != (got == NULL)) {
        snprintf(why, whylen, "jansson %s (%s), sl_json_load %s (%s)",
                 want ? "accepted" : "refused", want ? "" : je.text, got ? "accepted" : "refused",
                 got ? "" : e.text);
        rc = -1;
    } else if (want == NULL && (e.line < 1 || e.column < 1)) {
        snprintf(why, whylen, "refused without a line and column");
        rc = -1;
    } else if (want != NULL) {
        char *a = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
        char *b = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
        if (a == NULL || b == NULL || strcmp(a, b) != 0 || !json_equal(want, got)) {
            snprintf(why, whylen, "trees differ:\n jansson %.200s\n sl_json %.200s", a ? a : "?",
                     b ? b : "?");
            rc = -1;
        }
        free(a);
        free(b);
    }
    json_decref(want);
    json_decref(got);
    return rc;
}

#endif
