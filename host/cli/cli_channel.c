/*
 * `shopledger channel describe TENANT CHANNEL`: asks the channel's plugin
 * for the remote tax rates/classes, payment methods and shipping methods,
 * so a user can fill the [channel:X.taxes|payments|shipping] maps, and
 * lists the channel's options from the plugin's option table.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "runtime/runtime.h"
#include "services/services.h"
#include "sync/product_import.h"

static const char *KIND_NAMES[SL_LIST_KIND_END_V1] = {
    [SL_LIST_TAX_RATE] = "tax_rate", [SL_LIST_TAX_CLASS] = "tax_class",
    [SL_LIST_PAYMENT_METHOD] = "payment_method", [SL_LIST_SHIPPING_METHOD] = "shipping_method"};

static int on_item(void *data, int kind, const char *id, const char *label, const char *detail)
{
    json_array_append_new(data, json_pack("{s:s, s:s, s:s, s:s}", "kind", KIND_NAMES[kind],
                                          "id", id, "label", label, "detail", detail));
    return SL_OK;
}

typedef int (*list_fn)(void *, sl_ctx *, sl_error *);

static int run_list(runtime_channel *rc, list_fn fn, json_t *items, json_t *errors)
{
    if (fn == NULL)
        return 0;
    sl_error err = {.size = sizeof err};
    services_sink sink = {.data = items, .list_add = on_item};
    services_ctx_set_sink(rc->ctx, &sink);
    services_call_begin(rc->ctx);
    int r = fn(rc->state, rc->ctx, &err);
    services_call_end(rc->ctx);
    services_ctx_set_sink(rc->ctx, NULL);
    if (r != SL_OK)
        json_array_append_new(errors, json_string(err.message));
    return r;
}

static void print_items(const json_t *items)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
        printf("%-16s %-24s %-32s %s\n", json_string_value(json_object_get(it, "kind")),
               json_string_value(json_object_get(it, "id")),
               json_string_value(json_object_get(it, "label")),
               json_string_value(json_object_get(it, "detail")));
}

/* Opens TENANT with plugins and finds CHANNEL; prints why not. */
static runtime_channel *open_channel(const cli_globals *g, config_set **cfg,
                                     runtime_tenant **rt, const char *tenant,
                                     const char *channel)
{
    if (cli_load_config(g, cfg) != CLI_OK)
        return NULL;
    const config_tenant *t = config_find_tenant(*cfg, tenant);
    sl_error err = {.size = sizeof err};
    if (t == NULL) {
        fprintf(stderr, "shopledger: no tenant '%s' in %s\n", tenant, g->conf_dir);
        return NULL;
    }
    if (runtime_open(t, g->plugin_dir, 1, rt, &err) != SL_OK) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        return NULL;
    }
    runtime_channel *ch = runtime_channel_find(*rt, channel);
    if (ch == NULL)
        fprintf(stderr, "shopledger: tenant '%s' has no channel '%s'\n", tenant, channel);
    return ch;
}

static int describe(const cli_globals *g, const char *tenant, const char *channel)
{
    config_set *cfg = NULL;
    runtime_tenant *rt = NULL;
    runtime_channel *ch = open_channel(g, &cfg, &rt, tenant, channel);
    int rc = CLI_FAIL;
    if (ch != NULL) {
        json_t *items = json_array(), *errors = json_array();
        const sl_plugin *p = ch->plugin->table;
        int r = run_list(ch, p->list_taxes, items, errors);
        r |= run_list(ch, p->list_payment_methods, items, errors);
        r |= run_list(ch, p->list_shipping_methods, items, errors);
        rc = r == 0 ? CLI_OK : CLI_FAIL;
        if (g->json) {
            cli_print_json(json_pack("{s:s, s:s, s:o, s:o, s:o}", "tenant", tenant, "channel",
                                     channel, "items", items, "errors", errors, "options",
                                     cli_options_json(ch->config, loader_options(ch->plugin))));
        } else {
            print_items(items);
            cli_print_options(ch->config, loader_options(ch->plugin), "");
            size_t i;
            json_t *e;
            json_array_foreach(errors, i, e) fprintf(stderr, "error: %s\n", json_string_value(e));
            json_decref(items);
            json_decref(errors);
        }
    }
    runtime_close(rt);
    config_set_free(cfg);
    return rc;
}

static int import_products(const cli_globals *g, const char *tenant, const char *channel)
{
    config_set *cfg = NULL;
    runtime_tenant *rt = NULL;
    runtime_channel *ch = open_channel(g, &cfg, &rt, tenant, channel);
    int rc = CLI_FAIL;
    if (ch != NULL) {
        sl_error err = {.size = sizeof err};
        json_t *report = NULL;
        if (import_products_from_channel(rt, ch, services_now_ms(), &report, &err) != SL_OK) {
            fprintf(stderr, "shopledger: import from %s failed, nothing stored: %s\n", channel,
                    err.message);
        } else {
            rc = CLI_OK;
            if (g->json)
                cli_print_json(report);
            else {
                printf("%s %lld product(s), %lld new, %lld with stock\n",
                       json_is_true(json_object_get(report, "test_mode")) ? "would import"
                                                                           : "imported",
                       (long long)json_integer_value(json_object_get(report, "products")),
                       (long long)json_integer_value(json_object_get(report, "created")),
                       (long long)json_integer_value(json_object_get(report, "with_stock")));
                json_decref(report);
            }
        }
    }
    runtime_close(rt);
    config_set_free(cfg);
    return rc;
}

int cli_channel(int argc, char **argv, const cli_globals *g)
{
    if (argc == 4 && strcmp(argv[1], "describe") == 0)
        return describe(g, argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "import") == 0)
        return import_products(g, argv[2], argv[3]);
    fprintf(stderr, "usage: shopledger channel describe|import TENANT CHANNEL\n");
    return CLI_USAGE;
}
