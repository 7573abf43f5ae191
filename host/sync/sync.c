/*
 * Channel stock/price sync (see sync.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/services.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "stock/stock.h"
#include "sync/sync.h"

const char *sync_outcome_name(int outcome)
{
    switch (outcome) {
#define OUTCOME_CASE(name, key)                                                                    \
    case name:                                                                                     \
        return key;
        SL_PUSH_OUTCOMES(OUTCOME_CASE)
#undef OUTCOME_CASE
    default:
        return "unknown";
    }
}

/* The worst outcome wins when stock and price pushes report the same SKU. */
static int worse(int a, int b)
{
    static const int rank[SL_PUSH_OUTCOME_END_V1] = {
        [SL_PUSH_UNCHANGED] = 1,   [SL_PUSH_SKIPPED] = 2, [SL_PUSH_WRITTEN] = 3,
        [SL_PUSH_WOULD_WRITE] = 4, [SL_PUSH_DRIFT] = 5,   [SL_PUSH_NOT_FOUND] = 6,
        [SL_PUSH_FAILED] = 7};
    if (a <= 0 || a >= SL_PUSH_OUTCOME_END_V1)
        return b;
    if (b <= 0 || b >= SL_PUSH_OUTCOME_END_V1)
        return a;
    return rank[b] > rank[a] ? b : a;
}

/* What one push (stock or prices) collects: sku -> {"stock"|"price":
   {"outcome": int, "message": str}}. */
typedef struct push_sink {
    json_t *outcomes;
    const char *which; /* "stock" or "price" */
} push_sink;

static void on_report(void *data, const char *sku, int outcome, const char *message)
{
    push_sink *ps = data;
    json_t *per = json_object_get(ps->outcomes, sku);
    if (per == NULL) {
        per = json_object();
        json_object_set_new(ps->outcomes, sku, per);
    }
    json_object_set_new(
        per, ps->which,
        json_pack("{s:I, s:s}", "outcome", (json_int_t)outcome, "message", message ? message : ""));
}

/* The stock module's "stock_known" column (an SQL 0/1). */
static int stock_known(const json_t *item)
{
    return json_integer_value(json_object_get(item, "stock_known")) != 0;
}

/* Builds the plugin-facing list from the stock module's JSON: for the
   stock push only items whose stock is known (a product an order created
   has none until an import, a count or a purchase sets it: pushing its
   negative would empty the shop's shelf), for the price push only items
   with a price. */
static int build_list(const json_t *items, const config_tenant *t, int for_prices,
                      services_stock_list *list, sl_error *err)
{
    size_t n = json_array_size(items);
    list->items = calloc(n ? n : 1, sizeof *list->items);
    if (list->items == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    snprintf(list->currency, sizeof list->currency, "%s", t->currency);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        services_stock_item *si = &list->items[list->count];
        si->sku = (char *)json_string_value(json_object_get(it, "sku"));
        if (si->sku == NULL || si->sku[0] == '\0')
            continue;
        json_t *price = json_object_get(it, "price");
        if (for_prices ? !json_is_integer(price) : !stock_known(it))
            continue;
        snprintf(si->quantity, sizeof si->quantity, "%lld",
                 (long long)json_integer_value(json_object_get(it, "available")));
        if (for_prices)
            sl_money_format(json_integer_value(price), t->currency_exponent, si->price);
        list->count++;
    }
    return SL_OK;
}

/* SKUs handed to the plugin in one call. Each call has its own arena,
   freed when it ends, and a push costs memory per remote exchange (one
   lookup per SKU on WooCommerce), so a long list goes in slices: 10,000
   SKUs in one call ran out of the per-call arena. */
#define SYNC_SLICE 500

static int call_push(runtime_channel *rc, int prices, const services_stock_list *list,
                     json_t *outcomes, sl_error *err)
{
    const sl_plugin *p = rc->plugin->table;
    int (*fn)(void *, sl_ctx *, const sl_stock_list *, sl_error *) =
        prices ? p->push_prices : p->push_stock;
    if (fn == NULL)
        return SL_OK;
    push_sink ps = {outcomes, prices ? "price" : "stock"};
    services_sink sink = {.data = &ps, .push_report = on_report};
    int r = SL_OK;
    for (size_t at = 0; r == SL_OK && at < list->count; at += SYNC_SLICE) {
        services_stock_list slice = *list;
        slice.items = list->items + at;
        slice.count = list->count - at < SYNC_SLICE ? list->count - at : SYNC_SLICE;
        services_call_enter(rc->ctx, &sink);
        r = fn(rc->state, rc->ctx, &slice, err);
        services_call_end(rc->ctx);
    }
    return r;
}

static void count_side(sync_side_counts *c, int outcome)
{
    switch (outcome) {
    case SL_PUSH_WRITTEN:
        c->written++;
        break;
    case SL_PUSH_UNCHANGED:
        c->unchanged++;
        break;
    case SL_PUSH_SKIPPED:
        c->skipped++;
        break;
    case SL_PUSH_NOT_FOUND:
        c->not_found++;
        break;
    case SL_PUSH_DRIFT:
        c->drift++;
        break;
    case SL_PUSH_WOULD_WRITE:
        c->would_write++;
        break;
    default:
        c->failed++;
        break;
    }
}

static json_t *side_json(const sync_side_counts *c)
{
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "written", c->written, "unchanged",
                     c->unchanged, "skipped", c->skipped, "not_found", c->not_found, "failed",
                     c->failed, "drift", c->drift, "would_write", c->would_write, "stock_unknown",
                     c->unknown);
}

static void count(sync_report *rep, int outcome)
{
    switch (outcome) {
    case SL_PUSH_WRITTEN:
        rep->written++;
        break;
    case SL_PUSH_UNCHANGED:
        rep->unchanged++;
        break;
    case SL_PUSH_SKIPPED:
        rep->skipped++;
        break;
    case SL_PUSH_NOT_FOUND:
        rep->not_found++;
        break;
    case SL_PUSH_DRIFT:
        rep->drift++;
        break;
    case SL_PUSH_WOULD_WRITE:
        rep->would_write++;
        break;
    default:
        rep->failed++;
        break;
    }
}

static int taken_outcome(int o);

/* One side's outcome of an item: the plugin's report, or a failure when a
   pushed item got none. 0 when the side was not pushed. */
static int side(const json_t *per, const char *which, int pushed, const char **msg)
{
    const json_t *o = per ? json_object_get(per, which) : NULL;
    *msg = o ? json_string_value(json_object_get(o, "message")) : "";
    if (o) {
        int outcome = (int)json_integer_value(json_object_get(o, "outcome"));
        /* a SKU the shop did not take always says why, whatever the plugin */
        if ((*msg == NULL || **msg == '\0') && !taken_outcome(outcome) &&
            outcome != SL_PUSH_WOULD_WRITE)
            *msg = "the plugin gave no reason";
        return outcome;
    }
    if (!pushed)
        return 0;
    *msg = "the plugin reported nothing for this SKU";
    return SL_PUSH_FAILED;
}

static int taken_outcome(int o)
{
    return o == SL_PUSH_WRITTEN || o == SL_PUSH_UNCHANGED || o == SL_PUSH_SKIPPED;
}

#define STOCK_UNKNOWN_WHY                                                                          \
    "stock unknown: the product came with an order and was never imported, "                       \
    "counted or received; no quantity is pushed until one is"

/* Items the shop took, to be marked pushed; fills the report with each
   SKU's stock and price outcomes apart (and the worse of the two, which
   the counters use). An item of unknown stock is reported as such and
   never marked, so it is listed again until its stock is known. */
static json_t *settle(const json_t *items, const json_t *outcomes, int prices_pushed,
                      sync_report *rep)
{
    json_t *taken = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *sku = json_string_value(json_object_get(it, "sku"));
        const json_t *per = sku ? json_object_get(outcomes, sku) : NULL;
        int known = stock_known(it);
        int level = json_integer_value(json_object_get(it, "has_level")) != 0;
        int priced = prices_pushed && json_is_integer(json_object_get(it, "price"));
        if (!level && !priced)
            continue; /* listed for a price the channel does not sync */
        rep->listed++;
        const char *smsg = "", *pmsg = "";
        int so = side(per, "stock", known, &smsg), po = side(per, "price", priced, &pmsg);
        if (level && !known)
            smsg = STOCK_UNKNOWN_WHY;
        int unknown = level && !known, overall = worse(so, po);
        if (known || po)
            count(rep, overall ? overall : SL_PUSH_FAILED);
        rep->unknown += unknown;
        rep->stock.unknown += unknown;
        if (so)
            count_side(&rep->stock, so);
        if (po)
            count_side(&rep->price, po);
        const char *stock_word = unknown ? "stock_unknown" : so ? sync_outcome_name(so) : "";
        json_array_append_new(
            rep->items,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "sku", sku ? sku : "", "outcome",
                      unknown ? "stock_unknown" : sync_outcome_name(overall), "message",
                      unknown || *smsg ? smsg : pmsg, "stock", stock_word, "stock_message", smsg,
                      "price", po ? sync_outcome_name(po) : "", "price_message", pmsg));
        /* an item without a level is marked for its price alone */
        if (!unknown && (!known || taken_outcome(so)) && (!priced || taken_outcome(po)))
            json_array_append(taken, it);
    }
    return taken;
}

static int mark(store *db, const config_channel *ch, const json_t *taken, int64_t now_ms,
                sl_error *err)
{
    if (ch->test_mode || json_array_size(taken) == 0)
        return SL_OK;
    int r = store_begin(db, err);
    if (r == SL_OK)
        r = stock_mark_pushed(db, ch->name, taken, now_ms, err);
    if (r == SL_OK)
        return store_commit(db, err);
    store_rollback(db);
    return r;
}

int sync_channel(runtime_tenant *rt, runtime_channel *rc, store *db, int64_t now_ms,
                 sync_report *rep, sl_error *err)
{
    const config_channel *ch = rc->config;
    memset(rep, 0, sizeof *rep);
    rep->items = json_array();
    if (rc->plugin == NULL || rc->plugin->table->push_stock == NULL)
        return sl_error_set(err, SL_EUNSUPPORTED, "plugin",
                            "channel %s: plugin %s cannot push stock", ch->name, ch->plugin);
    json_t *items = stock_list_for_channel(db, ch->name, ch->warehouse, ch->price_group, 1, err);
    if (items == NULL)
        return err->code ? err->code : SL_EINTERNAL;
    services_stock_list stock = {0}, prices = {0};
    json_t *outcomes = json_object();
    int r = build_list(items, rt->config, 0, &stock, err);
    if (r == SL_OK && ch->sync_prices)
        r = build_list(items, rt->config, 1, &prices, err);
    if (r == SL_OK && stock.count > 0)
        r = call_push(rc, 0, &stock, outcomes, err);
    if (r == SL_OK && prices.count > 0)
        r = call_push(rc, 1, &prices, outcomes, err);
    if (r == SL_OK) {
        json_t *taken = settle(items, outcomes, ch->sync_prices, rep);
        r = mark(db, ch, taken, now_ms, err);
        json_decref(taken);
    }
    free(stock.items);
    free(prices.items);
    json_decref(outcomes);
    json_decref(items);
    return r;
}

json_t *sync_report_json(const char *channel, const sync_report *rep)
{
    return json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:o, s:o, s:O}", "channel",
                     channel, "listed", rep->listed, "written", rep->written, "unchanged",
                     rep->unchanged, "skipped", rep->skipped, "not_found", rep->not_found, "failed",
                     rep->failed, "drift", rep->drift, "would_write", rep->would_write,
                     "stock_unknown", rep->unknown, "stock_counts", side_json(&rep->stock),
                     "price_counts", side_json(&rep->price), "items",
                     rep->items ? rep->items : json_array());
}

void sync_report_clear(sync_report *rep)
{
    json_decref(rep->items);
    rep->items = NULL;
}
