/*
 * The sender of OUTBOX_SHIPMENT rows: quote, then register exactly once
 * (ship_send.h has the state rules). Each outcome is one transaction of
 * its own, outside the outbox's claim and finish commits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "loader/loader.h"
#include "shipments/order_status.h"
#include "shipments/ship_address.h"
#include "shipments/ship_results.h"
#include "shipments/ship_send.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

/* Rial text of the service in the shipment's currency; -1 when absent
   or inexact. */
static int64_t from_rial(const shipment *sh, const char *text)
{
    int64_t v = -1;
    return ship_from_rial(sh->currency, sh->exponent, text, &v, NULL) == SL_OK ? v : -1;
}

static void take_costs(shipment *sh, const json_t *row)
{
    static const char *const KEYS[] = {"cost_post", "cost_tax",     "cost_service",
                                       "cost_cod",  "cost_packing", "cost_total"};
    int64_t *dest[] = {&sh->cost_post, &sh->cost_tax,     &sh->cost_service,
                       &sh->cost_cod,  &sh->cost_packing, &sh->cost_total};
    for (size_t i = 0; i < 6; i++) {
        int64_t v = from_rial(sh, ship_row_text(row, KEYS[i]));
        if (v >= 0)
            *dest[i] = v;
    }
}

/* Writes the register state (and error) in its own commit. */
static int set_state(store *s, shipment *sh, const char *state, const char *why, int64_t now_ms,
                     sl_error *err)
{
    snprintf(sh->reg_state, sizeof sh->reg_state, "%s", state);
    snprintf(sh->last_error, sizeof sh->last_error, "%s", why ? why : "");
    return shipment_update(s, sh, now_ms, err);
}

/* The service's refusal as one line: our summary, then its own text. */
static void refusal_text(const sl_error *err, const json_t *rows, char *out, size_t cap)
{
    const json_t *row = json_array_get(rows, 0);
    const char *msg = ship_row_text(row, "message");
    snprintf(out, cap, "%s%s%s", err->message, *msg ? ": " : "", msg);
}

/* The successful registration: keys, status, order status, note. */
static int record_registered(store *s, shipment *sh, const json_t *row, int64_t now_ms,
                             sl_error *err)
{
    snprintf(sh->parcel_id, sizeof sh->parcel_id, "%s", ship_row_text(row, "parcel_id"));
    if (*ship_row_text(row, "tracking_code"))
        snprintf(sh->tracking_code, sizeof sh->tracking_code, "%s",
                 ship_row_text(row, "tracking_code"));
    take_costs(sh, row);
    const char *status = ship_row_text(row, "status");
    if (!ship_status_known(status))
        status = SHIP_NOT_LOADED;
    int rc = store_begin(s, err);
    if (rc != SL_OK)
        return rc;
    char comment[256], note[512], key[80];
    snprintf(comment, sizeof comment, "registered with %s as parcel %s", sh->postal_channel,
             sh->parcel_id);
    rc = set_state(s, sh, SHIP_REG_REGISTERED, NULL, now_ms, err);
    if (rc == SL_OK && (strcmp(status, sh->status) != 0 || *ship_row_text(row, "status_raw")))
        rc = shipment_set_status(s, sh->id, status, ship_row_text(row, "status_raw"), now_ms,
                                 "host", comment, NULL, err);
    if (rc == SL_OK)
        rc = order_status_record(s, sh->shop_channel, sh->external_id, SL_STATUS_SENT_TO_POST, NULL,
                                 "host", comment, now_ms, NULL, err);
    snprintf(note, sizeof note, "Parcel registered with %s: %s%s%s", sh->postal_channel,
             sh->parcel_id, sh->tracking_code[0] ? ", tracking code " : "", sh->tracking_code);
    snprintf(key, sizeof key, "note:ship:%lld:registered", (long long)sh->id);
    json_t *p = json_pack("{s:s}", "note", note);
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    int queued = 0;
    if (rc == SL_OK)
        rc = payload ? outbox_put(s, OUTBOX_NOTE, sh->shop_channel, key, sh->external_id, payload,
                                  now_ms, &queued, err)
                     : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    free(payload);
    if (rc != SL_OK) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s, err);
}

/* The quote of the option the shipment asked for, when the plugin quotes;
   SL_EUNSUPPORTED when the service offers nothing for it. */
static int quote(runtime_channel *rc, shipment *sh, const json_t *params, sl_error *err)
{
    const sl_plugin *t = rc->plugin->table;
    if (!SL_HAS_FIELD(t, quote_shipment) || !t->quote_shipment ||
        !(t->caps & SL_CAP_QUOTE_SHIPMENT))
        return SL_OK;
    json_t *rows = NULL;
    int r = ship_call(rc, t->quote_shipment, params, &rows, err);
    size_t i;
    const json_t *row;
    int found = 0;
    json_array_foreach(rows, i, row)
    {
        if (!found && strcmp(ship_row_text(row, "send_type"), sh->send_type) == 0 &&
            strcmp(ship_row_text(row, "payment"), sh->payment) == 0) {
            take_costs(sh, row);
            found = 1;
        }
    }
    if (r == SL_EREMOTE) { /* the service's own words beside our summary */
        char why[SHIP_ERROR_MAX];
        refusal_text(err, rows, why, sizeof why);
        sl_error_set(err, SL_EREMOTE, err->field, "%s", why);
    }
    json_decref(rows);
    if (r == SL_OK && !found)
        return sl_error_set(err, SL_EUNSUPPORTED, "send_type",
                            "%s quotes no %s %s parcel to this address", sh->postal_channel,
                            sh->send_type, sh->payment);
    return r;
}

/* A register whose outcome is unknown: look it up, or leave it to the
   operator. */
static int resolve_unknown(store *s, runtime_channel *rc, shipment *sh, const json_t *params,
                           int64_t now_ms, sl_error *err)
{
    const sl_plugin *t = rc->plugin->table;
    if (SL_HAS_FIELD(t, find_shipment) && t->find_shipment && (t->caps & SL_CAP_FIND_SHIPMENT)) {
        json_t *one = json_pack("{s:O}", "order_ref", json_object_get(params, "order_ref"));
        json_t *rows = NULL;
        int r = ship_call(rc, t->find_shipment, one, &rows, err);
        json_decref(one);
        if (r == SL_OK && json_array_size(rows) > 0)
            r = record_registered(s, sh, json_array_get(rows, 0), now_ms, err);
        json_decref(rows);
        if (r == SL_ENOTFOUND)
            return SL_ENOTFOUND; /* never registered: the caller registers */
        return r;
    }
    char why[SHIP_ERROR_MAX];
    snprintf(why, sizeof why,
             "the outcome of the registration with %s is unknown (no answer, or the host "
             "stopped during the call) and %s cannot look a parcel up: check its panel, "
             "never send it again blindly",
             sh->postal_channel, rc->plugin->table->name);
    int r = set_state(s, sh, SHIP_REG_UNCONFIRMED, why, now_ms, err);
    if (r != SL_OK)
        return r;
    sl_error_set(err, OUTBOX_GIVE_UP, "register", "%s", why);
    return OUTBOX_GIVE_UP;
}

static int has_find(const runtime_channel *rc)
{
    const sl_plugin *t = rc->plugin->table;
    return SL_HAS_FIELD(t, find_shipment) && t->find_shipment && (t->caps & SL_CAP_FIND_SHIPMENT);
}

/* After the remote call: records what its code says. */
static int after_register(store *s, runtime_channel *rc, shipment *sh, int r, const json_t *rows,
                          const json_t *params, int64_t now_ms, sl_error *err)
{
    if (r == SL_OK && *ship_row_text(json_array_get(rows, 0), "parcel_id"))
        return record_registered(s, sh, json_array_get(rows, 0), now_ms, err);
    sl_error keep = *err;
    if (r == SL_OK) /* registered, but no key came back: cannot track it */
        sl_error_set(&keep, SL_EREMOTE, "parcel_id",
                     "%s answered the registration without a parcel key", sh->postal_channel);
    if (r == SL_OK || r == SL_EREMOTE || r == SL_EINVALID || r == SL_EUNSUPPORTED ||
        r == SL_EAUTH) {
        char why[SHIP_ERROR_MAX];
        refusal_text(&keep, rows, why, sizeof why);
        int w =
            set_state(s, sh, r == SL_OK ? SHIP_REG_UNCONFIRMED : SHIP_REG_FAILED, why, now_ms, err);
        if (w != SL_OK)
            return w;
        sl_error_set(err, OUTBOX_GIVE_UP, keep.field, "%s", why);
        return OUTBOX_GIVE_UP;
    }
    if (r == SL_ERETRY && strcmp(keep.field, "connect") == 0) {
        int w = set_state(s, sh, SHIP_REG_PENDING, keep.message, now_ms, err);
        *err = keep;
        return w != SL_OK ? w : SL_ERETRY; /* nothing reached it: retry later */
    }
    /* No usable answer: registered or not, nobody knows. With a lookup
       the next attempt asks the service; without one, the operator. */
    if (!has_find(rc))
        return resolve_unknown(s, rc, sh, params, now_ms, err);
    *err = keep;
    return r == SL_ERETRY ? SL_ERETRY : SL_EIO;
}

/* A shipment still to register: quote, claim, register. */
static int register_once(store *s, runtime_channel *rc, shipment *sh, const json_t *params,
                         int64_t now_ms, sl_error *err)
{
    int r = quote(rc, sh, params, err);
    if (r == SL_EUNSUPPORTED || r == SL_EREMOTE || r == SL_EINVALID) { /* final: never sent */
        char why[SHIP_ERROR_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        r = set_state(s, sh, SHIP_REG_FAILED, why, now_ms, err);
        if (r == SL_OK)
            sl_error_set(err, OUTBOX_GIVE_UP, "send_type", "%s", why);
        return r == SL_OK ? OUTBOX_GIVE_UP : r;
    }
    if (r != SL_OK)
        return r; /* a quote changes nothing: asking again later is harmless */
    if ((r = set_state(s, sh, SHIP_REG_REGISTERING, NULL, now_ms, err)) != SL_OK)
        return r; /* committed before the call: a crash now reads "unknown" */
    json_t *rows = NULL;
    int call = ship_call(rc, rc->plugin->table->create_shipment, params, &rows, err);
    r = after_register(s, rc, sh, call, rows, params, now_ms, err);
    json_decref(rows);
    return r;
}

int ship_register_row(store *s, runtime_channel *rc, const outbox_row *row, int64_t now_ms,
                      sl_error *err)
{
    json_t *payload = json_loads(row->payload ? row->payload : "", 0, NULL);
    json_t *params = json_object_get(payload, "params");
    shipment sh;
    int r = json_is_object(params)
                ? shipment_load(s, json_integer_value(json_object_get(payload, "shipment_id")), &sh,
                                err)
                : sl_error_set(err, OUTBOX_GIVE_UP, "payload", "shipment row without params");
    if (r == SL_ENOTFOUND)
        r = sl_error_set(err, OUTBOX_GIVE_UP, "shipment_id", "%s", err->message);
    if (r == SL_OK && strcmp(sh.reg_state, SHIP_REG_REGISTERING) == 0) {
        r = resolve_unknown(s, rc, &sh, params, now_ms, err);
        if (r == SL_ENOTFOUND) /* the service has none: register now */
            r = register_once(s, rc, &sh, params, now_ms, err);
    } else if (r == SL_OK && strcmp(sh.reg_state, SHIP_REG_PENDING) == 0) {
        r = register_once(s, rc, &sh, params, now_ms, err);
    } /* registered, failed, unconfirmed, cancelled: nothing left to send */
    json_decref(payload);
    return r;
}

int ship_resolve_unknown(store *s, runtime_channel *rc, int64_t shipment_id, int64_t now_ms,
                         sl_error *err)
{
    shipment sh;
    int r = shipment_load(s, shipment_id, &sh, err);
    if (r != SL_OK || strcmp(sh.reg_state, SHIP_REG_REGISTERING) != 0)
        return r;
    char ref[32];
    snprintf(ref, sizeof ref, "%lld", (long long)sh.id);
    json_t *params = json_pack("{s:s}", "order_ref", ref);
    r = params ? resolve_unknown(s, rc, &sh, params, now_ms, err)
               : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    json_decref(params);
    if (r == SL_ENOTFOUND) /* the service has none: the outbox row registers it */
        r = set_state(s, &sh, SHIP_REG_PENDING, "not registered at the service", now_ms, err);
    return r == OUTBOX_GIVE_UP ? SL_OK : r;
}

int ship_cancel(store *s, runtime_channel *rc, int64_t shipment_id, const char *who, int64_t now_ms,
                sl_error *err)
{
    shipment sh;
    int r = shipment_load(s, shipment_id, &sh, err);
    if (r != SL_OK)
        return r;
    if (strcmp(sh.reg_state, SHIP_REG_REGISTERED) != 0 || ship_status_final(sh.status))
        return sl_error_set(err, SL_ECONFLICT, "id", "shipment %lld is %s, %s: nothing to cancel",
                            (long long)sh.id, sh.reg_state, sh.status);
    const sl_plugin *t = rc->plugin->table;
    if (!SL_HAS_FIELD(t, cancel_shipment) || !t->cancel_shipment ||
        !(t->caps & SL_CAP_CANCEL_SHIPMENT))
        return sl_error_set(err, SL_EUNSUPPORTED, "cancel",
                            "%s cannot cancel through its API: cancel parcel %s in its panel",
                            sh.postal_channel, sh.parcel_id);
    json_t *params = json_pack("{s:s}", "parcel_id", sh.parcel_id), *rows = NULL;
    r = params ? ship_call(rc, t->cancel_shipment, params, &rows, err)
               : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    json_decref(params);
    if (r == SL_EREMOTE) {
        char why[SHIP_ERROR_MAX];
        refusal_text(err, rows, why, sizeof why);
        sl_error_set(err, SL_EREMOTE, err->field, "%s", why);
    }
    const char *raw = ship_row_text(json_array_get(rows, 0), "status_raw");
    if (r == SL_OK && (r = store_begin(s, err)) == SL_OK) {
        char key[80], note[256];
        r = set_state(s, &sh, SHIP_REG_CANCELLED, NULL, now_ms, err);
        if (r == SL_OK)
            r = shipment_set_status(s, sh.id, SHIP_CANCELLED, raw, now_ms, who,
                                    "cancelled at the "
                                    "service",
                                    NULL, err);
        snprintf(note, sizeof note, "Parcel %s cancelled at %s", sh.parcel_id, sh.postal_channel);
        snprintf(key, sizeof key, "note:ship:%lld:cancelled", (long long)sh.id);
        json_t *p = json_pack("{s:s}", "note", note);
        char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
        json_decref(p);
        int queued = 0;
        if (r == SL_OK)
            r = payload ? outbox_put(s, OUTBOX_NOTE, sh.shop_channel, key, sh.external_id, payload,
                                     now_ms, &queued, err)
                        : sl_error_set(err, SL_ENOMEM, "", "out of memory");
        free(payload);
        if (r == SL_OK)
            r = store_commit(s, err);
        else
            store_rollback(s);
    }
    json_decref(rows);
    return r;
}
