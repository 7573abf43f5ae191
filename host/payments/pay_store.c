/*
 * SQL of gateway attempts and their events. An attempt is keyed by its id
 * (which doubles as the gateway's numeric order ref) and, once the gateway
 * answered, by (channel, authority): a return naming an authority finds
 * exactly one attempt or none.
 */
#include <stdio.h>
#include <string.h>

#include "payments/pay_int.h"
#include "shopledger/sdkutil.h"

static const char PAYMENTS_SQL[] =
    "CREATE TABLE gateway_attempts ("
    " id INTEGER PRIMARY KEY, channel TEXT NOT NULL, shop_channel TEXT NOT NULL,"
    " external_id TEXT NOT NULL, document_id INTEGER REFERENCES documents(id),"
    " origin TEXT NOT NULL DEFAULT 'link', authority TEXT, status TEXT NOT NULL,"
    " shop_currency TEXT NOT NULL, shop_exponent INTEGER NOT NULL,"
    " shop_amount INTEGER NOT NULL, gateway_currency TEXT NOT NULL,"
    " gateway_exponent INTEGER NOT NULL, gateway_amount INTEGER NOT NULL,"
    " rule TEXT NOT NULL DEFAULT '', reference TEXT NOT NULL DEFAULT '',"
    " sale_reference TEXT NOT NULL DEFAULT '', card_mask TEXT NOT NULL DEFAULT '',"
    " message TEXT NOT NULL DEFAULT '', code TEXT NOT NULL DEFAULT '',"
    " fee_gateway INTEGER NOT NULL DEFAULT -1,"
    " created_ms INTEGER NOT NULL, entered_ms INTEGER NOT NULL DEFAULT 0,"
    " returned_ms INTEGER NOT NULL DEFAULT 0, verified_ms INTEGER NOT NULL DEFAULT 0,"
    " settled_ms INTEGER NOT NULL DEFAULT 0, booked_ms INTEGER NOT NULL DEFAULT 0,"
    " updated_ms INTEGER NOT NULL, UNIQUE(channel, authority));"
    "CREATE INDEX gateway_attempts_order ON gateway_attempts(shop_channel, external_id);"
    "CREATE TABLE gateway_events ("
    " id INTEGER PRIMARY KEY, channel TEXT NOT NULL, attempt_id INTEGER,"
    " kind TEXT NOT NULL, text TEXT NOT NULL, created_ms INTEGER NOT NULL);";

/* Its number is its place in store_migrations[] (renumbered there at merge). */
const store_migration payments_migration = {4, "gateway payments", PAYMENTS_SQL};

#define ATTEMPT_COLUMNS                                                                            \
    "id, channel, shop_channel, external_id, IFNULL(document_id,0), origin,"                       \
    " IFNULL(authority,''), status, shop_currency, shop_exponent, shop_amount,"                    \
    " gateway_currency, gateway_exponent, gateway_amount, rule, reference,"                        \
    " sale_reference, card_mask, message, code, fee_gateway, created_ms, entered_ms,"              \
    " returned_ms, verified_ms, settled_ms, booked_ms"

static void col_text(sqlite3_stmt *st, int i, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static void read_row(sqlite3_stmt *st, pay_attempt *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, a->channel, sizeof a->channel);
    col_text(st, 2, a->shop_channel, sizeof a->shop_channel);
    col_text(st, 3, a->external_id, sizeof a->external_id);
    a->document_id = sqlite3_column_int64(st, 4);
    col_text(st, 5, a->origin, sizeof a->origin);
    col_text(st, 6, a->authority, sizeof a->authority);
    col_text(st, 7, a->status, sizeof a->status);
    col_text(st, 8, a->shop_currency, sizeof a->shop_currency);
    a->shop_exponent = sqlite3_column_int(st, 9);
    a->shop_amount = sqlite3_column_int64(st, 10);
    col_text(st, 11, a->gateway_currency, sizeof a->gateway_currency);
    a->gateway_exponent = sqlite3_column_int(st, 12);
    a->gateway_amount = sqlite3_column_int64(st, 13);
    col_text(st, 14, a->rule, sizeof a->rule);
    col_text(st, 15, a->reference, sizeof a->reference);
    col_text(st, 16, a->sale_reference, sizeof a->sale_reference);
    col_text(st, 17, a->card_mask, sizeof a->card_mask);
    col_text(st, 18, a->message, sizeof a->message);
    col_text(st, 19, a->code, sizeof a->code);
    a->fee_gateway = sqlite3_column_int64(st, 20);
    int64_t *times[] = {&a->created_ms,  &a->entered_ms, &a->returned_ms,
                        &a->verified_ms, &a->settled_ms, &a->booked_ms};
    for (int i = 0; i < 6; i++)
        *times[i] = sqlite3_column_int64(st, 21 + i);
}

int pay_attempt_insert(store *db, pay_attempt *a, int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        db,
        "INSERT INTO gateway_attempts(channel, shop_channel, external_id, document_id,"
        " origin, authority, status, shop_currency, shop_exponent, shop_amount,"
        " gateway_currency, gateway_exponent, gateway_amount, rule, created_ms,"
        " entered_ms, updated_ms) VALUES(?1,?2,?3,NULLIF(?4,0),?5,NULLIF(?6,''),?7,?8,?9,"
        "?10,?11,?12,?13,?14,?15,?16,?15) ON CONFLICT(channel, authority) DO NOTHING",
        err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, a->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->shop_channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->external_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, a->document_id);
    sqlite3_bind_text(st, 5, a->origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->authority, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, a->shop_currency, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, a->shop_exponent);
    sqlite3_bind_int64(st, 10, a->shop_amount);
    sqlite3_bind_text(st, 11, a->gateway_currency, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 12, a->gateway_exponent);
    sqlite3_bind_int64(st, 13, a->gateway_amount);
    sqlite3_bind_text(st, 14, a->rule, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 15, now_ms);
    sqlite3_bind_int64(st, 16, a->entered_ms);
    int rc = store_step_done(db, st, err);
    if (rc == SL_OK) {
        a->id = sqlite3_changes(store_db(db)) ? sqlite3_last_insert_rowid(store_db(db)) : 0;
        a->created_ms = now_ms;
    }
    return rc;
}

static int load_one(store *db, sqlite3_stmt *st, pay_attempt *a, const char *what, sl_error *err)
{
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        read_row(st, a);
        sqlite3_reset(st);
        return SL_OK;
    }
    sqlite3_reset(st);
    if (r == SQLITE_DONE)
        return sl_error_set(err, SL_ENOTFOUND, "attempt", "no gateway attempt %s", what);
    return store_error(db, r, err);
}

int pay_attempt_load(store *db, int64_t id, pay_attempt *a, sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(db, "SELECT " ATTEMPT_COLUMNS " FROM gateway_attempts WHERE id=?1", err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    char what[32];
    snprintf(what, sizeof what, "%lld", (long long)id);
    return load_one(db, st, a, what, err);
}

int pay_attempt_by_authority(store *db, const char *channel, const char *authority, pay_attempt *a,
                             sl_error *err)
{
    sqlite3_stmt *st = store_stmt(db,
                                  "SELECT " ATTEMPT_COLUMNS " FROM gateway_attempts"
                                  " WHERE channel=?1 AND authority=?2",
                                  err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, authority, -1, SQLITE_STATIC);
    return load_one(db, st, a, "with that authority", err);
}

int pay_attempt_save(store *db, const pay_attempt *a, int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        db,
        "UPDATE gateway_attempts SET authority=NULLIF(?2,''), status=?3, reference=?4,"
        " sale_reference=?5, card_mask=?6, message=?7, code=?8, fee_gateway=?9,"
        " entered_ms=?10, returned_ms=?11, verified_ms=?12, settled_ms=?13, booked_ms=?14,"
        " document_id=NULLIF(?15,0), updated_ms=?16 WHERE id=?1",
        err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_text(st, 2, a->authority, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->reference, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->sale_reference, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->card_mask, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->message, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, a->code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, a->fee_gateway);
    sqlite3_bind_int64(st, 10, a->entered_ms);
    sqlite3_bind_int64(st, 11, a->returned_ms);
    sqlite3_bind_int64(st, 12, a->verified_ms);
    sqlite3_bind_int64(st, 13, a->settled_ms);
    sqlite3_bind_int64(st, 14, a->booked_ms);
    sqlite3_bind_int64(st, 15, a->document_id);
    sqlite3_bind_int64(st, 16, now_ms);
    return store_step_done(db, st, err);
}

int pay_attempts_open(store *db, const char *channel, int64_t *ids, int max, int *n, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(db,
                                  "SELECT id FROM gateway_attempts WHERE channel=?1 AND status"
                                  " IN ('requesting','pending','returned','verified','settled')"
                                  " ORDER BY id LIMIT ?2",
                                  err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, max);
    int r, count = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW && count < max)
        ids[count++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (r != SQLITE_DONE && r != SQLITE_ROW)
        return store_error(db, r, err);
    *n = count;
    return SL_OK;
}

int pay_event(store *db, const char *channel, int64_t attempt_id, const char *kind,
              const char *text, int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(db,
                                  "INSERT INTO gateway_events(channel, attempt_id, kind, text,"
                                  " created_ms) VALUES(?1, NULLIF(?2,0), ?3, ?4, ?5)",
                                  err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, attempt_id);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now_ms);
    return store_step_done(db, st, err);
}

int pay_event_count(store *db, int64_t attempt_id, const char *kind, int *n, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        db, "SELECT count(*) FROM gateway_events WHERE attempt_id = ?1 AND kind = ?2", err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_int64(st, 1, attempt_id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? SL_OK : store_error(db, rc, err);
}

int64_t pay_attempt_since(const pay_attempt *a)
{
    return a->returned_ms ? a->returned_ms : a->entered_ms ? a->entered_ms : a->created_ms;
}

int pay_status_final(const char *status)
{
    return strcmp(status, PAY_BOOKED) == 0 || strcmp(status, PAY_FAILED) == 0 ||
           strcmp(status, PAY_CANCELLED) == 0 || strcmp(status, PAY_REFUSED) == 0 ||
           strcmp(status, PAY_REVERSED) == 0;
}

static int load_many(store *db, sqlite3_stmt *st, pay_attempt *out, int max, int *n, sl_error *err)
{
    int r = SQLITE_DONE, count = 0;
    while (count < max && (r = sqlite3_step(st)) == SQLITE_ROW)
        read_row(st, &out[count++]);
    if (count == max)
        r = SQLITE_DONE;
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return store_error(db, r, err);
    *n = count;
    return SL_OK;
}

int pay_attempts_of_order(store *db, const char *shop_channel, const char *external_id,
                          pay_attempt *out, int max, int *n, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(db,
                                  "SELECT " ATTEMPT_COLUMNS " FROM gateway_attempts"
                                  " WHERE shop_channel=?1 AND external_id=?2 ORDER BY id",
                                  err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, shop_channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, external_id, -1, SQLITE_STATIC);
    return load_many(db, st, out, max, n, err);
}

int pay_attempts_between(store *db, const char *channel, int64_t from_ms, int64_t to_ms,
                         pay_attempt *out, int max, int *n, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(db,
                                  "SELECT " ATTEMPT_COLUMNS " FROM gateway_attempts"
                                  " WHERE channel=?1 AND created_ms>=?2 AND created_ms<?3"
                                  " ORDER BY id",
                                  err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from_ms);
    sqlite3_bind_int64(st, 3, to_ms);
    return load_many(db, st, out, max, n, err);
}
