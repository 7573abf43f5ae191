/*
 * Sending the outbox of one tenant through the channels' plugins. Runs on
 * the scheduler thread with its own store connection; the plugin call is
 * made under the channel lock (a context serves one thread at a time).
 */
#include <string.h>

#include "docout/mail_send.h"
#include "outbox/outbox.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shipments/ship_send.h"
#include "shopledger/sdkutil.h"
#include "sync/sync.h"

typedef struct send_ctx {
    server_tenant *st;
    store *db;
} send_ctx;

static int send_note(server_tenant *st, int ci, const outbox_row *row, sl_error *err)
{
    runtime_channel *rc = &st->rt->channels[ci];
    if (rc->plugin->table->report_status == NULL)
        return SL_OK; /* the shop takes no notes: nothing to do, ever */
    json_t *p = json_loads(row->payload ? row->payload : "{}", 0, NULL);
    const char *note = json_string_value(json_object_get(p, "note"));
    const char *status = json_string_value(json_object_get(p, "status"));
    pthread_mutex_lock(&st->channel_locks[ci]);
    services_call_enter(rc->ctx, NULL);
    int r = rc->plugin->table->report_status(rc->state, rc->ctx, row->external_id, note, status,
                                             row->key, err);
    services_call_end(rc->ctx);
    pthread_mutex_unlock(&st->channel_locks[ci]);
    json_decref(p);
    return r;
}

static int send_row(void *data, const outbox_row *row, sl_error *err)
{
    send_ctx *sc = data;
    int ci = server_channel_index(sc->st, row->channel);
    if (ci < 0)
        return sl_error_set(err, SL_ENOTFOUND, "channel", "channel %s is no longer configured",
                            row->channel);
    switch (row->kind) {
    case OUTBOX_NOTE:
        return send_note(sc->st, ci, row, err);
    case OUTBOX_STOCK_PUSH: {
        json_t *rep = NULL;
        int r = server_sync_channel(sc->st, ci, sc->db, &rep, err);
        json_decref(rep);
        return r;
    }
    case OUTBOX_SHIPMENT: { /* register a parcel through the postal channel */
        pthread_mutex_lock(&sc->st->channel_locks[ci]);
        int r = ship_register_row(sc->db, &sc->st->rt->channels[ci], row, services_now_ms(), err);
        pthread_mutex_unlock(&sc->st->channel_locks[ci]);
        return r;
    }
    case OUTBOX_EMAIL: /* SMTP, not the plugin: no channel lock */
        return mail_send_row(sc->db, sc->st->rt->config, row, services_now_ms(), err);
    default:
        sl_error_set(err, OUTBOX_GIVE_UP, "kind", "unknown outbox kind %d", row->kind);
        return OUTBOX_GIVE_UP;
    }
}

int server_send_outbox(server_tenant *st, store *db, outbox_gate *gate, int max, int *sent,
                       int *failed)
{
    send_ctx sc = {.st = st, .db = db};
    sl_error err = {.size = sizeof err};
    *sent = *failed = 0;
    int r =
        outbox_dispatch_gated(db, services_now_ms(), max, send_row, &sc, gate, sent, failed, &err);
    if (r != SL_OK)
        services_log(NULL, SL_LOG_ERROR, "tenant %s: outbox: %s", st->rt->config->id, err.message);
    return r;
}

int server_sync_channel(server_tenant *st, int ci, store *db, json_t **report, sl_error *err)
{
    runtime_channel *rc = &st->rt->channels[ci];
    sync_report rep;
    pthread_mutex_lock(&st->channel_locks[ci]);
    int r = sync_channel(st->rt, rc, db, services_now_ms(), &rep, err);
    pthread_mutex_unlock(&st->channel_locks[ci]);
    *report = sync_report_json(rc->config->name, &rep);
    sync_report_clear(&rep);
    return r;
}
