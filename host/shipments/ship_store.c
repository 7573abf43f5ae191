/*
 * SQL of shipments and their shipping-status history. Validation of the
 * vocabularies happens here before any write, so a caller gets an error
 * naming the field rather than a CHECK constraint failure.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_sql.h"
#include "shipments/shipments.h"
#include "shopledger/sdkutil.h"

#define SHIP_COLUMNS                                                                               \
    "id, shop_channel, external_id, IFNULL(document_id,0), postal_channel, parcel_id,"             \
    " tracking_code, send_type, payment, weight_g, currency, exponent, declared_value,"            \
    " cod_amount, cost_post, cost_tax, cost_service, cost_cod, cost_packing, cost_total,"          \
    " reg_state, status, status_raw, last_error, created_ms, updated_ms"

void shipment_init(shipment *sh)
{
    memset(sh, 0, sizeof *sh);
    sh->cost_post = sh->cost_tax = sh->cost_service = -1;
    sh->cost_cod = sh->cost_packing = sh->cost_total = -1;
    snprintf(sh->reg_state, sizeof sh->reg_state, "%s", SHIP_REG_PENDING);
    snprintf(sh->status, sizeof sh->status, "%s", SHIP_NOT_LOADED);
    snprintf(sh->send_type, sizeof sh->send_type, "express");
    snprintf(sh->payment, sizeof sh->payment, "cod");
}

static void read_row(sqlite3_stmt *st, shipment *sh)
{
    memset(sh, 0, sizeof *sh);
    sh->id = sqlite3_column_int64(st, 0);
    sql_col_copy(st, 1, sh->shop_channel, sizeof sh->shop_channel);
    sql_col_copy(st, 2, sh->external_id, sizeof sh->external_id);
    sh->document_id = sqlite3_column_int64(st, 3);
    sql_col_copy(st, 4, sh->postal_channel, sizeof sh->postal_channel);
    sql_col_copy(st, 5, sh->parcel_id, sizeof sh->parcel_id);
    sql_col_copy(st, 6, sh->tracking_code, sizeof sh->tracking_code);
    sql_col_copy(st, 7, sh->send_type, sizeof sh->send_type);
    sql_col_copy(st, 8, sh->payment, sizeof sh->payment);
    sh->weight_g = sqlite3_column_int64(st, 9);
    sql_col_copy(st, 10, sh->currency, sizeof sh->currency);
    sh->exponent = sqlite3_column_int(st, 11);
    sh->declared_value = sqlite3_column_int64(st, 12);
    sh->cod_amount = sqlite3_column_int64(st, 13);
    int64_t *costs[] = {&sh->cost_post, &sh->cost_tax,     &sh->cost_service,
                        &sh->cost_cod,  &sh->cost_packing, &sh->cost_total};
    for (int i = 0; i < 6; i++)
        *costs[i] = sqlite3_column_int64(st, 14 + i);
    sql_col_copy(st, 20, sh->reg_state, sizeof sh->reg_state);
    sql_col_copy(st, 21, sh->status, sizeof sh->status);
    sql_col_copy(st, 22, sh->status_raw, sizeof sh->status_raw);
    sql_col_copy(st, 23, sh->last_error, sizeof sh->last_error);
    sh->created_ms = sqlite3_column_int64(st, 24);
    sh->updated_ms = sqlite3_column_int64(st, 25);
}

static int word_in(const char *v, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(v, *words) == 0)
            return 1;
    return 0;
}

static int validate(const shipment *sh, sl_error *err)
{
    static const char *const SEND[] = {"express", "registered", "printed",
                                       "courier", "fixed",      NULL};
    static const char *const PAY[] = {"cod", "prepaid", NULL};
    static const char *const REG[] = {SHIP_REG_PENDING,
                                      SHIP_REG_REGISTERING,
                                      SHIP_REG_REGISTERED,
                                      SHIP_REG_UNCONFIRMED,
                                      SHIP_REG_FAILED,
                                      SHIP_REG_CANCELLED,
                                      NULL};
    if (!sh->shop_channel[0] || !sh->external_id[0] || !sh->postal_channel[0])
        return sl_error_set(err, SL_EINVALID,
                            !sh->shop_channel[0]  ? "shop_channel"
                            : !sh->external_id[0] ? "external_id"
                                                  : "postal_channel",
                            "a shipment needs its order and postal channel");
    if (!word_in(sh->send_type, SEND))
        return sl_error_set(err, SL_EINVALID, "send_type",
                            "send type '%.32s' is not express, registered, printed, "
                            "courier or fixed",
                            sh->send_type);
    if (!word_in(sh->payment, PAY))
        return sl_error_set(err, SL_EINVALID, "payment", "payment '%.32s' is not cod or prepaid",
                            sh->payment);
    if (!word_in(sh->reg_state, REG))
        return sl_error_set(err, SL_EINVALID, "reg_state", "unknown register state '%.32s'",
                            sh->reg_state);
    if (!ship_status_known(sh->status))
        return sl_error_set(err, SL_EINVALID, "status", "shipping status '%.40s' is not one of %s",
                            sh->status, ship_status_list());
    if (sh->weight_g < 0 || sh->declared_value < 0 || sh->cod_amount < 0)
        return sl_error_set(err, SL_EINVALID,
                            sh->weight_g < 0         ? "weight_g"
                            : sh->declared_value < 0 ? "declared_value"
                                                     : "cod_amount",
                            "a shipment's weight and amounts are never negative");
    if (strcmp(sh->payment, "prepaid") == 0 && sh->cod_amount != 0)
        return sl_error_set(err, SL_EINVALID, "cod_amount",
                            "a prepaid shipment collects nothing at the door");
    return SL_OK;
}

static int insert_row(store *s, shipment *sh, int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        s,
        "INSERT INTO shipments (shop_channel, external_id, document_id, postal_channel,"
        " parcel_id, tracking_code, send_type, payment, weight_g, currency, exponent,"
        " declared_value, cod_amount, cost_post, cost_tax, cost_service, cost_cod,"
        " cost_packing, cost_total, reg_state, status, status_raw, last_error, created_ms,"
        " updated_ms) VALUES (?1,?2,NULLIF(?3,0),?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
        "?16,?17,?18,?19,?20,?21,?22,?23,?24,?24)",
        err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, sh->shop_channel);
    sql_text(st, 2, sh->external_id);
    sqlite3_bind_int64(st, 3, sh->document_id);
    sql_text(st, 4, sh->postal_channel);
    sql_text(st, 5, sh->parcel_id);
    sql_text(st, 6, sh->tracking_code);
    sql_text(st, 7, sh->send_type);
    sql_text(st, 8, sh->payment);
    sqlite3_bind_int64(st, 9, sh->weight_g);
    sql_text(st, 10, sh->currency);
    sqlite3_bind_int(st, 11, sh->exponent);
    sqlite3_bind_int64(st, 12, sh->declared_value);
    sqlite3_bind_int64(st, 13, sh->cod_amount);
    const int64_t costs[] = {sh->cost_post, sh->cost_tax,     sh->cost_service,
                             sh->cost_cod,  sh->cost_packing, sh->cost_total};
    for (int i = 0; i < 6; i++)
        sqlite3_bind_int64(st, 14 + i, costs[i]);
    sql_text(st, 20, sh->reg_state);
    sql_text(st, 21, sh->status);
    sql_text(st, 22, sh->status_raw);
    sql_text(st, 23, sh->last_error);
    sqlite3_bind_int64(st, 24, now_ms);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return sl_error_set(err, SL_ECONFLICT, "external_id",
                            "order %.64s of channel %.32s already has a live shipment",
                            sh->external_id, sh->shop_channel);
    if (rc != SQLITE_DONE)
        return store_error(s, rc, err);
    sh->id = sqlite3_last_insert_rowid(store_db(s));
    sh->created_ms = sh->updated_ms = now_ms;
    return SL_OK;
}

int shipment_insert(store *s, shipment *sh, int64_t now_ms, sl_error *err)
{
    int rc = validate(sh, err);
    if (rc != SL_OK)
        return rc;
    int own = 0;
    if ((rc = store_tx_enter(s, &own, err)) != SL_OK)
        return rc;
    rc = insert_row(s, sh, now_ms, err);
    return store_tx_leave(s, own, rc, err);
}

static int load_one(store *s, sqlite3_stmt *st, shipment *out, const char *what, sl_error *err)
{
    int rc = sql_step_row(s, st, err);
    if (rc == SQLITE_ROW)
        read_row(st, out);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return sl_error_set(err, SL_ENOTFOUND, "id", "no shipment %s", what);
    return rc == SQLITE_ROW ? SL_OK : rc;
}

int shipment_load(store *s, int64_t id, shipment *out, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " SHIP_COLUMNS " FROM shipments WHERE id=?1", err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, id);
    char what[32];
    snprintf(what, sizeof what, "%lld", (long long)id);
    return load_one(s, st, out, what, err);
}

int shipment_find_live(store *s, const char *shop_channel, const char *external_id, shipment *out,
                       sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT " SHIP_COLUMNS " FROM shipments WHERE shop_channel=?1"
                                  " AND external_id=?2 AND reg_state NOT IN"
                                  " ('failed','cancelled')",
                                  err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, shop_channel);
    sql_text(st, 2, external_id);
    char what[200];
    snprintf(what, sizeof what, "for order %.64s of %.64s", external_id, shop_channel);
    return load_one(s, st, out, what, err);
}

int shipment_update(store *s, const shipment *sh, int64_t now_ms, sl_error *err)
{
    int rc = validate(sh, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_stmt *st = store_stmt(
        s,
        "UPDATE shipments SET reg_state=?2, parcel_id=?3, tracking_code=?4, cost_post=?5,"
        " cost_tax=?6, cost_service=?7, cost_cod=?8, cost_packing=?9, cost_total=?10,"
        " document_id=NULLIF(?11,0), last_error=?12, updated_ms=?13 WHERE id=?1",
        err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, sh->id);
    sql_text(st, 2, sh->reg_state);
    sql_text(st, 3, sh->parcel_id);
    sql_text(st, 4, sh->tracking_code);
    const int64_t costs[] = {sh->cost_post, sh->cost_tax,     sh->cost_service,
                             sh->cost_cod,  sh->cost_packing, sh->cost_total};
    for (int i = 0; i < 6; i++)
        sqlite3_bind_int64(st, 5 + i, costs[i]);
    sqlite3_bind_int64(st, 11, sh->document_id);
    sql_text(st, 12, sh->last_error);
    sqlite3_bind_int64(st, 13, now_ms);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return sl_error_set(err, SL_ECONFLICT, "parcel_id",
                            "parcel %.64s of %.32s belongs to another shipment", sh->parcel_id,
                            sh->postal_channel);
    if (rc != SQLITE_DONE)
        return store_error(s, rc, err);
    if (sqlite3_changes(store_db(s)) != 1)
        return sl_error_set(err, SL_ENOTFOUND, "id", "no shipment %lld", (long long)sh->id);
    return SL_OK;
}

static int write_status(store *s, const shipment *cur, const char *status, const char *raw,
                        int64_t at_ms, const char *who, const char *comment, sl_error *err)
{
    sqlite3_stmt *up = store_stmt(
        s, "UPDATE shipments SET status=?2, status_raw=?3, updated_ms=?4 WHERE id=?1", err);
    if (!up)
        return sql_fail(err);
    sqlite3_bind_int64(up, 1, cur->id);
    sql_text(up, 2, status);
    sql_text(up, 3, raw);
    sqlite3_bind_int64(up, 4, at_ms);
    int rc = store_step_done(s, up, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_stmt *ins = store_stmt(
        s,
        "INSERT INTO shipment_history (shipment_id, from_status, to_status, raw, at_ms, who,"
        " comment, recorded_ms) VALUES (?1,?2,?3,?4,?5,?6,?7,?5)",
        err);
    if (!ins)
        return sql_fail(err);
    sqlite3_bind_int64(ins, 1, cur->id);
    sql_text(ins, 2, cur->status);
    sql_text(ins, 3, status);
    sql_text(ins, 4, raw);
    sqlite3_bind_int64(ins, 5, at_ms);
    sql_text(ins, 6, who);
    sql_text(ins, 7, comment);
    return store_step_done(s, ins, err);
}

int shipment_set_status(store *s, int64_t id, const char *status, const char *raw, int64_t at_ms,
                        const char *who, const char *comment, int *changed, sl_error *err)
{
    if (!ship_status_known(status))
        return sl_error_set(err, SL_EINVALID, "status", "shipping status '%.40s' is not one of %s",
                            status ? status : "", ship_status_list());
    if (!who || !who[0])
        return sl_error_set(err, SL_EINVALID, "who", "a status change names who made it");
    int own = 0;
    int rc = store_tx_enter(s, &own, err);
    if (rc != SL_OK)
        return rc;
    shipment cur;
    int moved = 0;
    rc = shipment_load(s, id, &cur, err);
    if (rc == SL_OK &&
        (strcmp(cur.status, status) != 0 || strcmp(cur.status_raw, raw ? raw : "") != 0)) {
        rc = write_status(s, &cur, status, raw ? raw : "", at_ms, who, comment ? comment : "", err);
        moved = rc == SL_OK;
    }
    rc = store_tx_leave(s, own, rc, err);
    if (rc == SL_OK && changed)
        *changed = moved;
    return rc;
}

int shipment_open_ids(store *s, const char *postal_channel, int64_t *ids, int max, int *n,
                      sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT id FROM shipments WHERE postal_channel=?1 AND"
                                  " reg_state='registered' AND status NOT IN"
                                  " ('delivered_to_customer','returned','cancelled')"
                                  " ORDER BY id LIMIT ?2",
                                  err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, postal_channel);
    sqlite3_bind_int(st, 2, max);
    int count = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < max)
        ids[count++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_error(s, rc, err);
    *n = count;
    return SL_OK;
}

int shipment_booking_claim(store *s, int64_t shipment_id, const char *kind, const char *ref,
                           int64_t amount, int64_t doc_id, int64_t now_ms, int *fresh,
                           sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "INSERT INTO shipment_bookings (shipment_id, kind, ref, amount,"
                                  " document_id, created_ms) VALUES (?1,?2,?3,?4,NULLIF(?5,0),?6)"
                                  " ON CONFLICT(shipment_id, kind, ref) DO NOTHING",
                                  err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, shipment_id);
    sql_text(st, 2, kind);
    sql_text(st, 3, ref);
    sqlite3_bind_int64(st, 4, amount);
    sqlite3_bind_int64(st, 5, doc_id);
    sqlite3_bind_int64(st, 6, now_ms);
    int rc = store_step_done(s, st, err);
    if (rc == SL_OK)
        *fresh = sqlite3_changes(store_db(s)) == 1;
    return rc;
}
