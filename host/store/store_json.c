/*
 * Rows to JSON: the one loop every read-only view (inbox, outbox, ledger
 * listings) needs, with the error handling done once.
 */
#include <jansson.h>

#include "shopledger/sdkutil.h"
#include "store/store.h"

json_t *store_rows_json(store *s, sqlite3_stmt *st, json_t *(*build)(sqlite3_stmt *), sl_error *err)
{
    json_t *arr = json_array();
    int rc = SQLITE_DONE;
    while (arr && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (json_array_append_new(arr, build(st)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    sqlite3_reset(st);
    if (arr == NULL) {
        sl_error_set(err, SL_ENOMEM, "", "out of memory");
        return NULL;
    }
    if (rc != SQLITE_DONE) {
        store_error(s, rc, err);
        json_decref(arr);
        return NULL;
    }
    return arr;
}
