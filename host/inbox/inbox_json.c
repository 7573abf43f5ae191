/*
 * JSON views of the inbox for the CLI (`inbox list|show`) and the admin
 * API. Read-only; they run outside any transaction (WAL readers do not
 * block the writer).
 */
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "shopledger/sdkutil.h"

static json_t *col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return json_string(t ? (const char *)t : "");
}

static json_t *col_int(sqlite3_stmt *st, int col)
{
    return json_integer(sqlite3_column_int64(st, col));
}

static json_t *list_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
                     "s:o, s:o, s:o, s:o}",
                     "id", col_int(st, 0), "channel", col_text(st, 1), "external_id",
                     col_text(st, 2), "state", col_text(st, 3), "attempts", col_int(st, 4),
                     "revisions", col_int(st, 5), "received_ms", col_int(st, 6), "updated_ms",
                     col_int(st, 7), "next_attempt_ms", col_int(st, 8), "last_error",
                     col_text(st, 9), "status", col_text(st, 10), "currency", col_text(st, 11),
                     "total", col_int(st, 12), "exponent", col_int(st, 13));
}

json_t *inbox_list_json(store *s, const char *state_filter, int limit, sl_error *err)
{
    if (state_filter && inbox_state_parse(state_filter) == 0) {
        sl_error_set(err, SL_EINVALID, "state",
                     "unknown state '%.32s' (received, processed, draft, "
                     "failed, dead)",
                     state_filter);
        return NULL;
    }
    sqlite3_stmt *st = NULL;
    if (store_prepare(s,
                      "SELECT i.id, i.channel, i.external_id, i.state, i.attempts, "
                      "i.revision_count, i.received_ms, i.updated_ms, "
                      "i.next_attempt_ms, i.last_error, "
                      "r.normalized ->> '$.status', r.normalized ->> '$.currency', "
                      "r.normalized ->> '$.total', r.normalized ->> '$.exponent' "
                      "FROM inbox_items i "
                      "LEFT JOIN inbox_revisions r ON r.id = i.current_revision "
                      "WHERE ?1 IS NULL OR i.state = ?1 ORDER BY i.id DESC LIMIT ?2",
                      &st, err) != SL_OK)
        return NULL;
    if (state_filter)
        sqlite3_bind_text(st, 1, state_filter, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
    return store_rows_json(s, st, list_row, err);
}

static json_t *revision_row(sqlite3_stmt *st)
{
    const char *text = (const char *)sqlite3_column_text(st, 7);
    json_t *normal = text ? json_loads(text, 0, NULL) : NULL;
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:o, s:o*}", "id", col_int(st, 0),
                     "revision_no", col_int(st, 1), "content_hash", col_text(st, 2), "modified_ms",
                     col_int(st, 3), "received_ms", col_int(st, 4), "stale",
                     sqlite3_column_int(st, 5), "current", sqlite3_column_int(st, 8), "raw_bytes",
                     col_int(st, 6), "order", normal);
}

static json_t *event_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o}", "at_ms", col_int(st, 0), "kind", col_text(st, 1), "text",
                     col_text(st, 2));
}

static json_t *revisions_json(store *s, int64_t id, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    if (store_prepare(s,
                      "SELECT r.id, r.revision_no, r.content_hash, "
                      "r.modified_ms, r.received_ms, r.stale, "
                      "length(r.raw), r.normalized, "
                      "r.id = i.current_revision "
                      "FROM inbox_revisions r "
                      "JOIN inbox_items i ON i.id = r.item_id "
                      "WHERE r.item_id = ?1 ORDER BY r.revision_no",
                      &st, err) != SL_OK)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    return store_rows_json(s, st, revision_row, err);
}

static json_t *events_json(store *s, int64_t id, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    if (store_prepare(s,
                      "SELECT at_ms, kind, text FROM inbox_events "
                      "WHERE item_id = ?1 ORDER BY id",
                      &st, err) != SL_OK)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    return store_rows_json(s, st, event_row, err);
}

json_t *inbox_show_json(store *s, int64_t id, sl_error *err)
{
    inbox_item *it = NULL;
    if (inbox_load(s, id, &it, err) != SL_OK)
        return NULL;
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:i, s:i, s:I, s:I, s:I, s:s}", "id", (json_int_t)it->id, "channel",
        it->channel, "external_id", it->external_id, "state", inbox_state_name(it->state),
        "attempts", it->attempts, "revision_no", it->revision_no, "received_ms",
        (json_int_t)it->received_ms, "updated_ms", (json_int_t)it->updated_ms, "next_attempt_ms",
        (json_int_t)it->next_attempt_ms, "last_error", it->last_error);
    inbox_item_free(it);
    if (j == NULL) {
        sl_error_set(err, SL_ENOMEM, "", "out of memory");
        return NULL;
    }
    json_t *revs = revisions_json(s, id, err);
    if (revs == NULL || json_object_set_new(j, "revisions", revs) != 0) {
        json_decref(j);
        return NULL;
    }
    json_t *events = events_json(s, id, err);
    if (events == NULL || json_object_set_new(j, "events", events) != 0) {
        json_decref(j);
        return NULL;
    }
    return j;
}
