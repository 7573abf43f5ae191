/*
 * `shopledger stock show TENANT`: on hand, reserved and available per
 * warehouse and SKU. `stock pending TENANT CHANNEL`: what the next stock
 * sync of the channel would push (only what changed since the last push).
 * `stock sync TENANT [CHANNEL]`: pushes it now (every channel whose plugin
 * can push stock when CHANNEL is not given) and prints each SKU's outcome.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ledger/ledger_cli.h"
#include "runtime/runtime.h"
#include "services/services.h"
#include "stock/stock.h"
#include "sync/sync.h"

/* Thousandths as decimal text ("12.500"), without floating point. */
static const char *qty_text(int64_t milli, char *buf, size_t cap)
{
    int64_t a = milli < 0 ? -milli : milli;
    snprintf(buf, cap, "%s%lld.%03lld", milli < 0 ? "-" : "", (long long)(a / 1000),
             (long long)(a % 1000));
    return buf;
}

static void print_levels(const json_t *rows)
{
    size_t i;
    const json_t *r;
    printf("%-10s %-20s %12s %12s %12s\n", "warehouse", "sku", "on_hand", "reserved", "available");
    json_array_foreach(rows, i, r)
    {
        char a[32], b[32], c[32];
        printf("%-10s %-20s %12s %12s %12s\n", json_string_value(json_object_get(r, "warehouse")),
               json_string_value(json_object_get(r, "sku")),
               qty_text(json_integer_value(json_object_get(r, "on_hand_milli")), a, sizeof(a)),
               qty_text(json_integer_value(json_object_get(r, "reserved_milli")), b, sizeof(b)),
               qty_text(json_integer_value(json_object_get(r, "available_milli")), c, sizeof(c)));
    }
}

static json_t *pending(const ledger_cli_tenant *lt, const char *channel, sl_error *err)
{
    const config_channel *ch = config_find_channel(lt->t, channel);
    if (!ch) {
        fprintf(stderr, "shopledger: no channel '%s'\n", channel);
        return NULL;
    }
    return stock_list_for_channel(lt->s, ch->name, ch->warehouse ? ch->warehouse : "main",
                                  ch->price_group ? ch->price_group : "", 1, err);
}

/* One channel's sync as JSON (the admin API's shape); *ok is cleared when
   the sync failed or a SKU failed or drifted. */
static json_t *sync_one(runtime_tenant *rt, runtime_channel *rc, int *ok)
{
    sl_error err = {.size = sizeof(err)};
    sync_report rep;
    int r = sync_channel(rt, rc, rt->db, services_now_ms(), &rep, &err);
    json_t *j = sync_report_json(rc->config->name, &rep);
    if (r != SL_OK)
        json_object_set_new(j, "error", json_string(err.message));
    if (r != SL_OK || rep.failed > 0 || rep.drift > 0)
        *ok = 0;
    sync_report_clear(&rep);
    return j;
}

/* One side's counters ("stock" / "price") on a line of its own. */
static void print_side(const char *ch, const char *which, const json_t *c)
{
    if (c == NULL)
        return;
    printf("%s %s: %lld written, %lld unchanged, %lld skipped, %lld not found, %lld failed, "
           "%lld drift, %lld would write",
           ch, which, (long long)json_integer_value(json_object_get(c, "written")),
           (long long)json_integer_value(json_object_get(c, "unchanged")),
           (long long)json_integer_value(json_object_get(c, "skipped")),
           (long long)json_integer_value(json_object_get(c, "not_found")),
           (long long)json_integer_value(json_object_get(c, "failed")),
           (long long)json_integer_value(json_object_get(c, "drift")),
           (long long)json_integer_value(json_object_get(c, "would_write")));
    if (strcmp(which, "stock") == 0)
        printf(", %lld stock unknown",
               (long long)json_integer_value(json_object_get(c, "stock_unknown")));
    printf("\n");
}

/* One line per SKU and side ("stock" / "price"), each with its reason,
   then each side's counts on a line of its own, then the per-SKU counts
   (a SKU counts once, by the worse of its two sides). */
static void print_sync(const json_t *rep)
{
    size_t i;
    const json_t *it;
    const char *ch = json_string_value(json_object_get(rep, "channel"));
    json_array_foreach(json_object_get(rep, "items"), i, it)
    {
        const char *sku = json_string_value(json_object_get(it, "sku"));
        static const char *const sides[] = {"stock", "price"};
        for (size_t k = 0; k < 2; k++) {
            char mkey[32];
            snprintf(mkey, sizeof mkey, "%s_message", sides[k]);
            const char *o = json_string_value(json_object_get(it, sides[k]));
            if (o && *o)
                printf("%-10s %-24s %-5s %-13s %s\n", ch, sku, sides[k], o,
                       json_string_value(json_object_get(it, mkey)));
        }
    }
    print_side(ch, "stock", json_object_get(rep, "stock_counts"));
    print_side(ch, "price", json_object_get(rep, "price_counts"));
    printf("%s: %lld listed, %lld written, %lld unchanged, %lld skipped, %lld not found, "
           "%lld failed, %lld drift, %lld would write, %lld stock unknown\n",
           ch, (long long)json_integer_value(json_object_get(rep, "listed")),
           (long long)json_integer_value(json_object_get(rep, "written")),
           (long long)json_integer_value(json_object_get(rep, "unchanged")),
           (long long)json_integer_value(json_object_get(rep, "skipped")),
           (long long)json_integer_value(json_object_get(rep, "not_found")),
           (long long)json_integer_value(json_object_get(rep, "failed")),
           (long long)json_integer_value(json_object_get(rep, "drift")),
           (long long)json_integer_value(json_object_get(rep, "would_write")),
           (long long)json_integer_value(json_object_get(rep, "stock_unknown")));
    const char *e = json_string_value(json_object_get(rep, "error"));
    if (e)
        fprintf(stderr, "shopledger: %s: %s\n", ch, e);
}

/* Syncs `channel` (NULL: every channel that can push stock); the reports
   go to out. Returns CLI_OK when every sync ran and no SKU failed. */
static int sync_channels(runtime_tenant *rt, const char *channel, json_t *out)
{
    int ok = 1, found = 0;
    for (size_t i = 0; i < rt->channel_count; i++) {
        runtime_channel *rc = &rt->channels[i];
        if (channel ? strcmp(rc->config->name, channel) != 0
                    : rc->plugin == NULL || rc->plugin->table->push_stock == NULL)
            continue;
        found++;
        json_array_append_new(out, sync_one(rt, rc, &ok));
    }
    if (channel && !found) {
        fprintf(stderr, "shopledger: tenant '%s' has no channel '%s'\n", rt->config->id, channel);
        return CLI_FAIL;
    }
    return ok ? CLI_OK : CLI_FAIL;
}

static int sync_cmd(const cli_globals *g, const char *tenant, const char *channel)
{
    config_set *cfg = NULL;
    runtime_tenant *rt = NULL;
    if (cli_load_config(g, &cfg) != CLI_OK)
        return CLI_FAIL;
    const config_tenant *t = config_find_tenant(cfg, tenant);
    sl_error err = {.size = sizeof(err)};
    int rc = CLI_FAIL;
    if (t == NULL)
        fprintf(stderr, "shopledger: no tenant '%s' in %s\n", tenant, g->conf_dir);
    else if (runtime_open(t, g->plugin_dir, 1, &rt, &err) != SL_OK)
        fprintf(stderr, "shopledger: %s\n", err.message);
    else {
        json_t *reps = json_array();
        rc = sync_channels(rt, channel, reps);
        if (g->json) {
            cli_print_json(reps);
        } else {
            size_t i;
            const json_t *r;
            json_array_foreach(reps, i, r) print_sync(r);
            json_decref(reps);
        }
    }
    runtime_close(rt);
    config_set_free(cfg);
    return rc;
}

int cli_stock(int argc, char **argv, const cli_globals *g)
{
    int show = argc == 3 && strcmp(argv[1], "show") == 0;
    int pend = argc == 4 && strcmp(argv[1], "pending") == 0;
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "sync") == 0)
        return sync_cmd(g, argv[2], argc == 4 ? argv[3] : NULL);
    if (!show && !pend) {
        fprintf(stderr, "usage: shopledger stock show TENANT | stock pending TENANT CHANNEL"
                        " | stock sync TENANT [CHANNEL] [--json]\n");
        return CLI_USAGE;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof(err)};
    json_t *j = show ? stock_show_json(lt.s, &err) : pending(&lt, argv[3], &err);
    ledger_cli_close(&lt);
    if (!j) {
        if (err.message[0])
            fprintf(stderr, "shopledger: %s\n", err.message);
        return CLI_FAIL;
    }
    if (g->json || pend) {
        cli_print_json(j);
        return CLI_OK;
    }
    print_levels(j);
    json_decref(j);
    return CLI_OK;
}
