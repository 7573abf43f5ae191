/*
 * Lookups of one order by its (channel, external id) key, for readers
 * outside the booking path: the current revision (documents out), the
 * item's id (the gateway's pass runs the rules on it again). One prepared
 * statement each over inbox_items/revisions.
 */
#include "inbox/inbox_find.h"

#include <sqlite3.h>

#include "shopledger/sdkutil.h"

int inbox_find_order_json(store *s, const char *channel, const char *external_id, json_t **out,
                          sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT r.normalized FROM inbox_items i JOIN inbox_revisions r"
                                  " ON r.id = i.current_revision"
                                  " WHERE i.channel = ?1 AND i.external_id = ?2",
                                  err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, external_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    json_t *j = NULL;
    if (rc == SQLITE_ROW)
        j = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return sl_error_set(err, SL_ENOTFOUND, "external_id", "no order %s/%s in the inbox",
                            channel, external_id);
    if (rc != SQLITE_ROW)
        return store_error(s, rc, err);
    if (j == NULL)
        return sl_error_set(err, SL_EINTERNAL, "normalized", "stored order %s/%s does not parse",
                            channel, external_id);
    *out = j;
    return SL_OK;
}

int inbox_item_id(store *s, const char *channel, const char *external_id, int64_t *id,
                  sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s, "SELECT id FROM inbox_items WHERE channel = ?1 AND external_id = ?2", err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, external_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return sl_error_set(err, SL_ENOTFOUND, "external_id", "no order %s/%s in the inbox",
                            channel, external_id);
    return rc == SQLITE_ROW ? SL_OK : store_error(s, rc, err);
}
