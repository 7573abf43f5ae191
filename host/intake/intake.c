/*
 * Parsing and filing a stored delivery (intake.h).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "intake/intake.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define INTAKE_MAX_HEADERS 64

static int take_order(void *data, order *o, sl_error *err)
{
    intake_parsed *p = data;
    if (p->count >= INTAKE_DELIVERY_MAX_ORDERS) {
        order_free(o);
        return sl_error_set(err, SL_ETOOBIG, "orders", "more than %d orders in one delivery",
                            INTAKE_DELIVERY_MAX_ORDERS);
    }
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        order **grown = realloc(p->orders, cap * sizeof *grown);
        if (grown == NULL) {
            order_free(o);
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
        }
        p->orders = grown;
        p->cap = cap;
    }
    p->orders[p->count++] = o;
    return SL_OK;
}

void intake_parsed_clear(intake_parsed *p)
{
    for (size_t i = 0; i < p->count; i++)
        order_free(p->orders[i]);
    free(p->orders);
    memset(p, 0, sizeof *p);
}

json_t *intake_request(const char *headers_json, const char *body, size_t body_len, int verified,
                       services_request_header *items, size_t max, services_request *req)
{
    json_t *headers = json_loads(headers_json, 0, NULL);
    size_t n = 0;
    const char *name;
    json_t *value;
    json_object_foreach(headers, name, value)
    {
        if (n < max && json_is_string(value))
            items[n++] = (services_request_header){name, json_string_value(value)};
    }
    *req = (services_request){.headers = items,
                              .header_count = n,
                              .body = body,
                              .body_len = body_len,
                              .verified = verified};
    return headers;
}

int intake_parse(runtime_channel *ch, const inbox_delivery_row *d, int operator_replay,
                 intake_parsed *p)
{
    memset(p, 0, sizeof *p);
    p->why.size = sizeof p->why;
    if (ch == NULL || ch->plugin == NULL || ch->plugin->table->parse_webhook == NULL)
        return p->rc =
                   sl_error_set(&p->why, SL_EUNSUPPORTED, "channel",
                                "channel '%s' is not configured or takes no webhooks", d->channel);
    services_request_header items[INTAKE_MAX_HEADERS];
    services_request req;
    json_t *headers = intake_request(d->headers, d->body, d->body_len, operator_replay, items,
                                     INTAKE_MAX_HEADERS, &req);
    services_sink sink = {.data = p, .order_take = take_order};
    services_call_enter_at(ch->ctx, &sink, "parse_delivery");
    p->rc = ch->plugin->table->parse_webhook(ch->state, ch->ctx, &req, &p->why);
    services_call_end(ch->ctx);
    json_decref(headers);
    if (p->rc != SL_OK) { /* a half-parsed delivery files nothing */
        for (size_t i = 0; i < p->count; i++)
            order_free(p->orders[i]);
        p->count = 0;
    }
    return p->rc;
}

/* Files the orders; SL_OK or the store's error. An order the inbox
   refuses for its content (*refused, the reason in *why) fails the whole
   delivery, as the parser's own refusal would. */
static int file_orders(store *db, const intake_parsed *p, int64_t now_ms, intake_filed *out,
                       int *refused, sl_error *why, sl_error *err)
{
    for (size_t i = 0; i < p->count; i++) {
        inbox_arrival a;
        if (inbox_arrival_prepare(p->orders[i], &a, why) != SL_OK) {
            inbox_arrival_clear(&a);
            *refused = 1;
            return SL_OK;
        }
        int result = 0;
        int64_t item = 0;
        int rc = inbox_intake_arrival(db, &a, now_ms, &result, &item, err);
        inbox_arrival_clear(&a);
        if (rc != SL_OK)
            return rc;
        out->current += result == INBOX_NEW || result == INBOX_REVISION;
        out->orders++;
    }
    return SL_OK;
}

/* Keeps a refused delivery as failed: inbox_failed (listed, replayable)
   and the delivery's own state. */
static int keep_failed(store *db, const inbox_delivery_row *d, const sl_error *why, int64_t now_ms,
                       sl_error *err)
{
    inbox_failed_input *f =
        inbox_failed_input_new(d->channel, "webhook", "", d->headers, d->body, d->body_len, why);
    if (f == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    int rc = inbox_failed_put(db, f, now_ms, NULL, err);
    inbox_failed_input_free(f);
    return rc == SL_OK ? inbox_delivery_mark(db, d->id, "failed", 0, why->message, now_ms, err)
                       : rc;
}

int intake_file(store *db, const inbox_delivery_row *d, const intake_parsed *p, int64_t now_ms,
                intake_filed *out, sl_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = store_exec(db, "SAVEPOINT delivery", err);
    if (rc != SL_OK)
        return rc;
    sl_error why = p->why;
    int refused = p->rc != SL_OK;
    if (!refused) {
        rc = file_orders(db, p, now_ms, out, &refused, &why, err);
        if (rc == SL_OK && refused) { /* undo the siblings filed before it */
            rc = store_exec(db, "ROLLBACK TO delivery", err);
            memset(out, 0, sizeof *out);
        }
    }
    if (rc == SL_OK && refused) {
        rc = keep_failed(db, d, &why, now_ms, err);
        out->failed = rc == SL_OK;
    } else if (rc == SL_OK) {
        rc = inbox_delivery_mark(db, d->id, p->count ? "parsed" : "ignored", out->orders, NULL,
                                 now_ms, err);
    }
    if (rc == SL_OK)
        return store_exec(db, "RELEASE delivery", err);
    sqlite3_exec(store_db(db), "ROLLBACK TO delivery; RELEASE delivery", NULL, NULL, NULL);
    return rc;
}
