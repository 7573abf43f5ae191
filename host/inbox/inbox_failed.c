/*
 * Failed intake: authentic input the connector could not turn into an
 * order (a signed webhook whose body does not map, a polled order the
 * builder refused), kept verbatim with the reason.
 *
 * Why a table of its own and not an inbox item: an item is keyed by
 * (channel, external id) and holds a parsed order; a failed delivery may
 * have neither (the body may not even be JSON). Keeping the bytes and the
 * headers lets the operator replay them through the current parser once
 * the cause is fixed; the replay files what parses through the normal
 * inbox path (idempotent by content hash) and marks the row replayed in
 * the same transaction, so a second replay files nothing twice.
 *
 * The same body on the same channel is kept once (UNIQUE, ON CONFLICT DO
 * NOTHING, which SQLite and PostgreSQL share).
 */
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "shopledger/sdkutil.h"

static const char FAILED_SQL[] =
    "CREATE TABLE inbox_failed("
    "  id INTEGER PRIMARY KEY,"
    "  channel TEXT NOT NULL,"
    "  source TEXT NOT NULL,"      /* 'webhook' or 'poll' */
    "  external_id TEXT NOT NULL," /* '' when the input named none */
    "  received_ms INTEGER NOT NULL,"
    "  headers TEXT NOT NULL," /* JSON object of request headers */
    "  body BLOB,"
    "  body_hash TEXT NOT NULL," /* SHA-256 of body, hex */
    "  error_code INTEGER NOT NULL,"
    "  error_field TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  state TEXT NOT NULL,"       /* 'failed' or 'replayed' */
    "  attempts INTEGER NOT NULL," /* replays that failed again */
    "  updated_ms INTEGER NOT NULL);"
    "CREATE INDEX inbox_failed_by_state ON inbox_failed(state, id);"
    /* The same bytes on the same channel are kept once: a poll's overlap
       fetches a bad order again, a shop may repeat a delivery. */
    "CREATE UNIQUE INDEX inbox_failed_once ON inbox_failed(channel, body_hash);";

const store_migration inbox_failed_migration = {
    .version = 6,
    .name = "inbox failed: authentic deliveries and polled orders that did not map",
    .sql = FAILED_SQL,
};

static char *copy_text(const char *s)
{
    return strdup(s ? s : "");
}

inbox_failed_input *inbox_failed_input_new(const char *channel, const char *source,
                                           const char *external_id, const char *headers,
                                           const void *body, size_t body_len,
                                           const sl_error *reason)
{
    inbox_failed_input *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->channel = copy_text(channel);
    f->source = copy_text(source);
    f->external_id = copy_text(external_id);
    f->headers = copy_text(headers && *headers ? headers : "{}");
    f->body = malloc(body_len ? body_len : 1);
    if (f->channel == NULL || f->source == NULL || f->external_id == NULL || f->headers == NULL ||
        f->body == NULL) {
        inbox_failed_input_free(f);
        return NULL;
    }
    if (body_len)
        memcpy(f->body, body, body_len);
    f->body_len = body_len;
    f->reason = *reason;
    f->reason.size = sizeof f->reason;
    return f;
}

void inbox_failed_input_free(inbox_failed_input *f)
{
    if (f == NULL)
        return;
    free(f->channel);
    free(f->source);
    free(f->external_id);
    free(f->headers);
    free(f->body);
    free(f);
}

static void body_hash(const inbox_failed_input *f, char hex[65])
{
    unsigned char h[SL_SHA256_LEN];
    sl_sha256(f->body, f->body_len, h);
    for (size_t i = 0; i < sizeof h; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

int inbox_failed_put(store *s, const inbox_failed_input *f, int64_t now_ms, int64_t *id,
                     sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "INSERT INTO inbox_failed(channel, source, external_id, "
                           "received_ms, headers, body, body_hash, error_code, "
                           "error_field, reason, state, attempts, updated_ms) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?10, ?7, ?8, ?9, 'failed', "
                           "0, ?4) ON CONFLICT(channel, body_hash) DO NOTHING",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    char hash[65];
    body_hash(f, hash);
    sqlite3_bind_text(st, 10, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 1, f->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, f->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->external_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms);
    sqlite3_bind_text(st, 5, f->headers, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 6, f->body, f->body_len, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, f->reason.code);
    sqlite3_bind_text(st, 8, f->reason.field, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, f->reason.message, -1, SQLITE_STATIC);
    rc = store_step_done(s, st, err);
    if (rc == SL_OK && id != NULL)
        *id = sqlite3_changes(store_db(s)) == 1 ? sqlite3_last_insert_rowid(store_db(s)) : 0;
    return rc;
}

int inbox_failed_waiting(store *s, int64_t *ids, int max, int *n, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT id FROM inbox_failed WHERE state = 'failed' "
                           "ORDER BY id LIMIT ?1",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int(st, 1, max);
    int count = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && count < max)
        ids[count++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return store_error(s, step, err);
    *n = count;
    return SL_OK;
}

int inbox_failed_open_count(store *s, int64_t *n, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT count(*) FROM inbox_failed WHERE state = 'failed'", &st, err);
    if (rc != SL_OK)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return step == SQLITE_ROW ? SL_OK : store_error(s, step, err);
}

static void copy_column(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

/* Fills *r from the current row (body and headers copied). */
static int row_from(sqlite3_stmt *st, inbox_failed_row *r)
{
    r->id = sqlite3_column_int64(st, 0);
    copy_column(st, 1, r->channel, sizeof r->channel);
    copy_column(st, 2, r->source, sizeof r->source);
    copy_column(st, 3, r->external_id, sizeof r->external_id);
    const unsigned char *h = sqlite3_column_text(st, 4);
    r->headers = strdup(h ? (const char *)h : "{}");
    const void *body = sqlite3_column_blob(st, 5);
    r->body_len = (size_t)sqlite3_column_bytes(st, 5);
    r->body = malloc(r->body_len + 1);
    if (r->headers == NULL || r->body == NULL)
        return SL_ENOMEM;
    if (r->body_len)
        memcpy(r->body, body, r->body_len);
    r->body[r->body_len] = '\0';
    copy_column(st, 6, r->field, sizeof r->field);
    copy_column(st, 7, r->reason, sizeof r->reason);
    r->replayed = strcmp((const char *)sqlite3_column_text(st, 8), "replayed") == 0;
    r->attempts = sqlite3_column_int(st, 9);
    return SL_OK;
}

int inbox_failed_load(store *s, int64_t id, inbox_failed_row **out, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT id, channel, source, external_id, headers, body, "
                           "error_field, reason, state, attempts FROM inbox_failed "
                           "WHERE id = ?1",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        sqlite3_reset(st);
        return step == SQLITE_DONE
                   ? sl_error_set(err, SL_ENOTFOUND, "id", "no failed delivery %lld", (long long)id)
                   : store_error(s, step, err);
    }
    inbox_failed_row *r = calloc(1, sizeof *r);
    rc = r ? row_from(st, r) : SL_ENOMEM;
    sqlite3_reset(st);
    if (rc != SL_OK) {
        inbox_failed_row_free(r);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    *out = r;
    return SL_OK;
}

void inbox_failed_row_free(inbox_failed_row *r)
{
    if (r == NULL)
        return;
    free(r->headers);
    free(r->body);
    free(r);
}

int inbox_failed_mark_replayed(store *s, int64_t id, int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "UPDATE inbox_failed SET state = 'replayed', updated_ms = ?2 "
                           "WHERE id = ?1 AND state = 'failed'",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now_ms);
    rc = store_step_done(s, st, err);
    if (rc == SL_OK && sqlite3_changes(store_db(s)) != 1)
        return sl_error_set(err, SL_ECONFLICT, "id",
                            "failed delivery %lld is not waiting (replayed already?)",
                            (long long)id);
    return rc;
}

int inbox_failed_refused_again(store *s, int64_t id, int64_t now_ms, const sl_error *why,
                               sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "UPDATE inbox_failed SET attempts = attempts + 1, "
                           "error_code = ?2, error_field = ?3, reason = ?4, "
                           "updated_ms = ?5 WHERE id = ?1 AND state = 'failed'",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, why->code);
    sqlite3_bind_text(st, 3, why->field, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, why->message, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now_ms);
    return store_step_done(s, st, err);
}

static json_t *text_at(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return json_string(t ? (const char *)t : "");
}

static json_t *failed_row_json(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:I, s:I, s:o, s:o, s:o, s:i, s:I}", "id",
                     (json_int_t)sqlite3_column_int64(st, 0), "channel", text_at(st, 1), "source",
                     text_at(st, 2), "external_id", text_at(st, 3), "received_ms",
                     (json_int_t)sqlite3_column_int64(st, 4), "body_bytes",
                     (json_int_t)sqlite3_column_int64(st, 5), "field", text_at(st, 6), "reason",
                     text_at(st, 7), "state", text_at(st, 8), "attempts", sqlite3_column_int(st, 9),
                     "updated_ms", (json_int_t)sqlite3_column_int64(st, 10));
}

json_t *inbox_failed_list_json(store *s, int include_replayed, int limit, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    if (store_prepare(s,
                      "SELECT id, channel, source, external_id, received_ms, "
                      "length(body), error_field, reason, state, attempts, updated_ms "
                      "FROM inbox_failed WHERE ?1 = 1 OR state = 'failed' "
                      "ORDER BY id LIMIT ?2",
                      &st, err) != SL_OK)
        return NULL;
    sqlite3_bind_int(st, 1, include_replayed ? 1 : 0);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
    return store_rows_json(s, st, failed_row_json, err);
}

int inbox_failed_resolve_body(store *s, const char *channel, const void *body, size_t body_len,
                              int64_t now_ms, sl_error *err)
{
    inbox_failed_input f = {.body = (char *)body, .body_len = body_len};
    char hex[65];
    body_hash(&f, hex);
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "UPDATE inbox_failed SET state = 'replayed', updated_ms = ?3 "
                           "WHERE channel = ?1 AND body_hash = ?2 AND state = 'failed'",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hex, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ms);
    return store_step_done(s, st, err);
}
