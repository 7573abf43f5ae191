/*
 * Tracking on the scheduler (ship_track.h): open shipments in batches,
 * each change one transaction with its history, order status, note and
 * money.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox/outbox.h"
#include "services/services.h"
#include "shipments/order_status.h"
#include "shipments/ship_address.h"
#include "shipments/ship_money.h"
#include "shipments/ship_results.h"
#include "shipments/ship_track.h"
#include "shopledger/sdkutil.h"

/* Labels already logged as unknown (process-wide, bounded). */
#define LOGGED_MAX 64
static pthread_mutex_t logged_lock = PTHREAD_MUTEX_INITIALIZER;
static char logged[LOGGED_MAX][96];
static int logged_n;

static void log_unknown_once(const char *channel, const char *raw)
{
    pthread_mutex_lock(&logged_lock);
    int seen = 0;
    for (int i = 0; i < logged_n && !seen; i++)
        seen = strcmp(logged[i], raw) == 0;
    if (!seen && logged_n < LOGGED_MAX)
        snprintf(logged[logged_n++], sizeof logged[0], "%s", raw);
    pthread_mutex_unlock(&logged_lock);
    if (!seen)
        services_log(NULL, SL_LOG_WARN, "%s: unknown shipping status label '%s' kept as other",
                     channel, raw);
}

/* The order status a shipping status implies, or NULL. */
static const char *order_status_for(const char *ship)
{
    if (strcmp(ship, SHIP_DELIVERED_TO_POST) == 0 || strcmp(ship, SHIP_LEFT_WAREHOUSE) == 0)
        return SL_STATUS_SENT;
    if (strcmp(ship, SHIP_DELIVERED) == 0)
        return SL_STATUS_DELIVERED;
    if (strcmp(ship, SHIP_RETURNED) == 0)
        return SL_STATUS_RETURNED;
    return NULL;
}

/* Rial text -> shop minor units of the shipment; -1 when absent/inexact. */
static int64_t shop_amount(const shipment *sh, const char *rial_text)
{
    int64_t v = -1;
    return ship_from_rial(sh->currency, sh->exponent, rial_text, &v, NULL) == SL_OK ? v : -1;
}

static int queue_note(store *s, const shipment *sh, const char *label, int64_t hist_key,
                      int64_t now_ms, sl_error *err)
{
    char note[512], key[96];
    snprintf(note, sizeof note, "Parcel %s (%s): %s%s%s%s%s", sh->parcel_id, sh->postal_channel,
             label, sh->status_raw[0] ? " (" : "", sh->status_raw, sh->status_raw[0] ? ")" : "",
             "");
    if (sh->tracking_code[0]) {
        size_t n = strlen(note);
        snprintf(note + n, sizeof note - n, ", tracking code %s", sh->tracking_code);
    }
    snprintf(key, sizeof key, "note:ship:%lld:status:%lld", (long long)sh->id, (long long)hist_key);
    json_t *p = json_pack("{s:s}", "note", note);
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    int queued = 0;
    int rc = payload ? outbox_put(s, OUTBOX_NOTE, sh->shop_channel, key, sh->external_id, payload,
                                  now_ms, &queued, err)
                     : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    free(payload);
    return rc;
}

/* One answered parcel, in its own transaction. */
static int apply_row(store *s, const config_tenant *t, shipment *sh, const json_t *row,
                     int64_t now_ms, ship_track_report *rep, sl_error *err)
{
    const char *status = ship_row_text(row, "status"), *raw = ship_row_text(row, "status_raw");
    if (!ship_status_known(status))
        status = SHIP_OTHER;
    if (strcmp(status, SHIP_OTHER) == 0)
        log_unknown_once(sh->postal_channel, raw);
    int64_t at = now_ms;
    const char *when = ship_row_text(row, "changed_at");
    if (*when && sl_iso8601_parse(when, 1, &at, NULL) != SL_OK)
        at = now_ms;
    int rc = store_begin(s, err);
    if (rc != SL_OK)
        return rc;
    int tracking_new = *ship_row_text(row, "tracking_code") &&
                       strcmp(sh->tracking_code, ship_row_text(row, "tracking_code")) != 0;
    if (tracking_new) {
        snprintf(sh->tracking_code, sizeof sh->tracking_code, "%s",
                 ship_row_text(row, "tracking_code"));
        rc = shipment_update(s, sh, now_ms, err);
    }
    int changed = 0;
    char who[96];
    snprintf(who, sizeof who, "track:%s", sh->postal_channel);
    if (rc == SL_OK)
        rc = shipment_set_status(s, sh->id, status, raw, at, who, NULL, &changed, err);
    const char *ostatus = order_status_for(status);
    if (rc == SL_OK && changed && ostatus)
        rc = order_status_record(s, sh->shop_channel, sh->external_id, ostatus, raw, who, NULL, at,
                                 NULL, err);
    if (rc == SL_OK && changed) {
        snprintf(sh->status, sizeof sh->status, "%s", status);
        snprintf(sh->status_raw, sizeof sh->status_raw, "%s", raw);
        rc = queue_note(s, sh, status, at, now_ms, err);
    }
    int64_t fee = shop_amount(sh, ship_row_text(row, "fee"));
    if (fee < 0)
        fee = sh->cost_total > 0 ? sh->cost_total : 0;
    int booked = 0;
    if (rc == SL_OK && strcmp(ship_row_text(row, "cod_collected"), "1") == 0 &&
        strcmp(sh->payment, "cod") == 0) {
        int64_t collected = shop_amount(sh, ship_row_text(row, "cod_amount"));
        rc = ship_money_cod(s, t, sh, collected, fee, now_ms, &booked, err);
    }
    if (rc == SL_OK && changed && strcmp(status, SHIP_RETURNED) == 0)
        rc = ship_money_returned(s, t, sh, fee, now_ms, err);
    if (rc != SL_OK) {
        store_rollback(s);
        return rc;
    }
    rep->changed += changed;
    return store_commit(s, err);
}

/* One batch of up to SL_TRACK_BATCH_MAX shipments. */
static int track_batch(store *s, const config_tenant *t, runtime_channel *rc, shipment *batch,
                       int n, int64_t now_ms, ship_track_report *rep, sl_error *err)
{
    json_t *params = json_object();
    char key[48], num[16];
    snprintf(num, sizeof num, "%d", n);
    json_object_set_new(params, "parcels", json_string(num));
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "parcel.%d.id", i);
        json_object_set_new(params, key, json_string(batch[i].parcel_id));
        snprintf(key, sizeof key, "parcel.%d.tracking_code", i);
        json_object_set_new(params, key, json_string(batch[i].tracking_code));
    }
    json_t *rows = NULL;
    int r = ship_call(rc, rc->plugin->table->track_shipment, params, &rows, err);
    json_decref(params);
    rep->asked += n;
    size_t k;
    const json_t *row;
    json_array_foreach(rows, k, row)
    {
        const char *id = ship_row_text(row, "parcel_id");
        for (int i = 0; i < n; i++) {
            if (strcmp(batch[i].parcel_id, id) != 0)
                continue;
            if (*ship_row_text(row, "error")) {
                rep->errors++;
                services_log(NULL, SL_LOG_WARN, "%s: parcel %s: %s", batch[i].postal_channel, id,
                             ship_row_text(row, "error"));
            } else {
                sl_error one = {.size = sizeof one};
                int a = apply_row(s, t, &batch[i], row, now_ms, rep, &one);
                if (a != SL_OK && r == SL_OK) {
                    *err = one;
                    r = a;
                }
            }
            break;
        }
    }
    json_decref(rows);
    return r;
}

int ship_track_channel(store *s, const config_tenant *t, runtime_channel *rc, int64_t now_ms,
                       ship_track_report *rep, sl_error *err)
{
    memset(rep, 0, sizeof *rep);
    if (!rc->plugin || !rc->plugin->table->track_shipment)
        return SL_OK;
    static _Thread_local int64_t ids[SHIP_TRACK_MAX_PER_RUN];
    int n = 0;
    int r = shipment_open_ids(s, rc->config->name, ids, SHIP_TRACK_MAX_PER_RUN, &n, err);
    shipment *batch = calloc(SL_TRACK_BATCH_MAX, sizeof *batch);
    if (!batch)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    for (int start = 0; r == SL_OK && start < n; start += SL_TRACK_BATCH_MAX) {
        int m = 0;
        for (int i = start; r == SL_OK && i < n && m < SL_TRACK_BATCH_MAX; i++)
            if ((r = shipment_load(s, ids[i], &batch[m], err)) == SL_OK && batch[m].parcel_id[0])
                m++;
        if (r == SL_OK && m > 0)
            r = track_batch(s, t, rc, batch, m, now_ms, rep, err);
    }
    free(batch);
    return r;
}
