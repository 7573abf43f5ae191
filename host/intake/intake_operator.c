/*
 * The operator's own intake (`inbox add`, `inbox retry --failed`): input a
 * person vouches for, handed to the channel's parse_webhook as
 * request_verified (no signature needed), and every order it submits
 * filed in ONE transaction: all or nothing. Why one transaction and not
 * serve's log-then-parse: the operator waits for the answer at the
 * terminal, and a refused file must leave nothing behind.
 *
 * A failed row (inbox_failed) is replayed with the headers it came with
 * and marked replayed in the transaction that files its orders, so a
 * second run files nothing twice; a row refused again keeps its place
 * with the new reason. No transaction is open while the plugin runs (it
 * may write its own channel state meanwhile).
 */
#include <stdlib.h>
#include <string.h>

#include "intake/intake.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define FAILED_HEADERS_MAX 64
#define FAILED_REPLAY_MAX 100000 /* rows one retry run replays */

typedef struct collected {
    store *db;
    int64_t now_ms;
    json_t *results;                           /* one object per filed order */
    order *orders[INTAKE_DELIVERY_MAX_ORDERS]; /* taken during the call */
    size_t count;
} collected;

static const char *result_name(int r)
{
    switch (r) {
    case INBOX_NEW:
        return "new";
    case INBOX_REVISION:
        return "revision";
    case INBOX_DUPLICATE:
        return "duplicate";
    case INBOX_STALE:
        return "stale";
    default:
        return "?";
    }
}

/* The sink's order_take: keeps the order for after the call. */
static int take_order(void *data, order *o, sl_error *err)
{
    collected *c = data;
    if (c->count >= INTAKE_DELIVERY_MAX_ORDERS) {
        order_free(o);
        return sl_error_set(err, SL_ETOOBIG, "orders", "more than %d orders in one body",
                            INTAKE_DELIVERY_MAX_ORDERS);
    }
    c->orders[c->count++] = o;
    return SL_OK;
}

/* Files the collected orders in one transaction; with failed_id > 0 that
   failed row is marked replayed in the same transaction. */
static int file_all(collected *c, int64_t failed_id, sl_error *err)
{
    int rc = store_begin(c->db, err);
    if (rc == SL_OK && failed_id > 0)
        rc = inbox_failed_mark_replayed(c->db, failed_id, c->now_ms, err);
    for (size_t i = 0; rc == SL_OK && i < c->count; i++) {
        int result = 0;
        int64_t id = 0;
        order *o = c->orders[i];
        rc = inbox_intake(c->db, o, c->now_ms, &result, &id, err);
        if (rc == SL_OK)
            json_array_append_new(c->results,
                                  json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "external_id",
                                            order_text(o, SL_ORDER_EXTERNAL_ID), "result",
                                            result_name(result)));
    }
    if (rc == SL_OK)
        return store_commit(c->db, err);
    if (store_in_tx(c->db))
        store_rollback(c->db);
    return rc;
}

/* parse_webhook over req, then file_all; SL_OK only when committed. */
static int parse_and_file(runtime_channel *ch, const services_request *req, int64_t failed_id,
                          collected *c, sl_error *err)
{
    services_sink sink = {.data = c, .order_take = take_order};
    services_call_enter(ch->ctx, &sink);
    int rc = ch->plugin->table->parse_webhook(ch->state, ch->ctx, req, err);
    services_call_end(ch->ctx);
    if (rc == SL_OK)
        rc = file_all(c, failed_id, err);
    for (size_t i = 0; i < c->count; i++)
        order_free(c->orders[i]);
    c->count = 0;
    return rc;
}

runtime_channel *intake_webhook_channel(runtime_tenant *rt, const char *channel, sl_error *err)
{
    runtime_channel *ch = runtime_channel_find(rt, channel);
    if (ch == NULL || ch->plugin == NULL) {
        sl_error_set(err, SL_ENOTFOUND, "channel", "tenant '%s' has no channel '%s'",
                     rt->config->id, channel);
        return NULL;
    }
    if (ch->plugin->table->parse_webhook == NULL) {
        sl_error_set(err, SL_EUNSUPPORTED, "channel",
                     "the plugin of channel '%s' takes no webhooks", channel);
        return NULL;
    }
    return ch;
}

int intake_add(runtime_tenant *rt, runtime_channel *ch, const char *body, size_t len,
               json_t **results, sl_error *err)
{
    static const services_request_header HEADERS[] = {{"Content-Type", "application/json"}};
    services_request req = {
        .headers = HEADERS, .header_count = 1, .body = body, .body_len = len, .verified = 1};
    collected c = {.db = rt->db, .now_ms = services_now_ms(), .results = json_array()};
    if (c.results == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    int rc = parse_and_file(ch, &req, 0, &c, err);
    if (rc != SL_OK) {
        json_decref(c.results);
        return rc;
    }
    *results = c.results;
    return SL_OK;
}

/* One outcome of a retry. */
static json_t *outcome(const inbox_failed_row *r, const char *result, const sl_error *why,
                       json_t *orders)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)r->id, "channel",
                     r->channel, "result", result, "reason", why ? why->message : "", "field",
                     why ? why->field : "", "orders", orders ? orders : json_array());
}

/* Replays one failed row through its channel's current parser. Returns 1
   when filed, 0 when refused again or not replayable, -1 on a store
   failure (err says it); appends the outcome to `out`. */
static int retry_one(runtime_tenant *rt, const inbox_failed_row *r, json_t *out, sl_error *err)
{
    sl_error why = {.size = sizeof why};
    runtime_channel *ch = intake_webhook_channel(rt, r->channel, &why);
    if (ch == NULL) {
        sl_error_set(&why, SL_EUNSUPPORTED, "channel",
                     "channel '%s' is not configured or its plugin takes no "
                     "webhooks: nothing can replay it",
                     r->channel);
        json_array_append_new(out, outcome(r, "skipped", &why, NULL));
        return 0;
    }
    services_request_header items[FAILED_HEADERS_MAX];
    services_request req; /* the host vouches for a stored failed row */
    json_t *headers =
        intake_request(r->headers, r->body, r->body_len, 1, items, FAILED_HEADERS_MAX, &req);
    collected c = {.db = rt->db, .now_ms = services_now_ms(), .results = json_array()};
    int rc = c.results ? parse_and_file(ch, &req, r->id, &c, &why)
                       : sl_error_set(&why, SL_ENOMEM, "", "out of memory");
    int filed = rc == SL_OK ? 1 : services_content_error(rc) ? 0 : -1;
    sl_error note = {.size = sizeof note};
    if (filed == 0 && inbox_failed_refused_again(rt->db, r->id, c.now_ms, &why, &note) != SL_OK)
        filed = -1;
    if (filed < 0)
        *err = why;
    json_array_append_new(out, outcome(r, rc == SL_OK ? "replayed" : "refused",
                                       rc == SL_OK ? NULL : &why, c.results));
    json_decref(headers);
    return filed;
}

/* The ids of every row still failed, oldest first, into *ids (malloc'd). */
static int waiting_ids(store *db, int64_t **ids, int *n, sl_error *err)
{
    *ids = malloc(FAILED_REPLAY_MAX * sizeof **ids);
    if (*ids == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    int rc = inbox_failed_waiting(db, *ids, FAILED_REPLAY_MAX, n, err);
    if (rc != SL_OK) {
        free(*ids);
        *ids = NULL;
    }
    return rc;
}

int intake_retry_failed(runtime_tenant *rt, intake_retry_report *rep, sl_error *err)
{
    int64_t *ids = NULL;
    int n = 0;
    *rep = (intake_retry_report){.outcomes = json_array(), .errors = json_array()};
    int rc = rep->outcomes && rep->errors ? waiting_ids(rt->db, &ids, &n, err)
                                          : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    for (int i = 0; rc == SL_OK && i < n; i++) {
        inbox_failed_row *r = NULL;
        sl_error e = {.size = sizeof e};
        int filed = inbox_failed_load(rt->db, ids[i], &r, &e) == SL_OK
                        ? retry_one(rt, r, rep->outcomes, &e)
                        : -1;
        if (filed < 0)
            json_array_append_new(rep->errors, json_pack("{s:I, s:s}", "id", (json_int_t)ids[i],
                                                         "message", e.message));
        rep->filed += filed == 1;
        rep->waiting++;
        inbox_failed_row_free(r);
    }
    free(ids);
    if (rc != SL_OK)
        intake_retry_report_clear(rep);
    return rc;
}

void intake_retry_report_clear(intake_retry_report *rep)
{
    json_decref(rep->outcomes);
    json_decref(rep->errors);
    rep->outcomes = rep->errors = NULL;
}
