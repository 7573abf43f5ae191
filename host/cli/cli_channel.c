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

#define KIND_NAME_(name, key) [name] = key,
static const char *const KIND_NAMES[SL_LIST_KIND_END_V1] = {SL_LIST_KINDS(KIND_NAME_)};
#undef KIND_NAME_

static int on_item(void *data, int kind, const char *id, const char *label, const char *detail)
{
    json_array_append_new(data, json_pack("{s:s, s:s, s:s, s:s}", "kind", KIND_NAMES[kind], "id",
                                          id, "label", label, "detail", detail));
    return SL_OK;
}

typedef int (*list_fn)(void *, sl_ctx *, sl_error *);

static int run_list(runtime_channel *rc, list_fn fn, json_t *items, json_t *errors)
{
    if (fn == NULL)
        return 0;
    sl_error err = {.size = sizeof err};
    services_sink sink = {.data = items, .list_add = on_item};
    services_call_enter(rc->ctx, &sink);
    int r = fn(rc->state, rc->ctx, &err);
    services_call_end(rc->ctx);
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

/* The value of "class=" in a list item's detail ("rate=21 class=x"), or
   "" (into buf). */
static const char *detail_class(const char *detail, char *buf, size_t cap)
{
    const char *at = detail ? strstr(detail, "class=") : NULL;
    buf[0] = '\0';
    if (at != NULL) {
        at += strlen("class=");
        size_t n = strcspn(at, " ");
        snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), at);
    }
    return buf;
}

/* Warnings for the shop's tax rates and classes the channel's taxes map
   does not cover (their lines would be Draft), or for a missing map (its
   groups would be named after the percent). */
static json_t *tax_warnings(const config_tenant *t, const config_channel *ch, const json_t *items)
{
    json_t *out = json_array();
    char w[512], cls[64];
    if (!t->vat_registered)
        return out;
    if (config_channel_map_size(ch, "taxes") == 0) {
        snprintf(w, sizeof w,
                 "no [channel:%s.taxes] map: tax groups are named after the percent (TAX-21); "
                 "map the rates or classes listed here to the tenant's VAT groups",
                 ch->name);
        json_array_append_new(out, json_string(w));
        return out;
    }
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *kind = json_string_value(json_object_get(it, "kind"));
        const char *id = json_string_value(json_object_get(it, "id"));
        const char *label = json_string_value(json_object_get(it, "label"));
        if (kind == NULL || id == NULL || config_channel_map(ch, "taxes", id) != NULL)
            continue;
        if (strcmp(kind, "tax_rate") == 0) {
            detail_class(json_string_value(json_object_get(it, "detail")), cls, sizeof cls);
            if (*cls && config_channel_map(ch, "taxes", cls) != NULL)
                continue;
            snprintf(w, sizeof w,
                     "tax rate %s (%s%s%s) is not mapped in [channel:%s.taxes]: its lines "
                     "would leave documents Draft",
                     id, label ? label : "", *cls ? ", class " : "", cls, ch->name);
        } else if (strcmp(kind, "tax_class") == 0) {
            snprintf(w, sizeof w,
                     "tax class %s (%s) is not mapped in [channel:%s.taxes] (fine when each of "
                     "its rates is mapped by id)",
                     id, label ? label : "", ch->name);
        } else {
            continue;
        }
        json_array_append_new(out, json_string(w));
    }
    return out;
}

/* Opens TENANT with plugins and finds CHANNEL; prints why not. */
static runtime_channel *open_channel(const cli_globals *g, config_set **cfg, runtime_tenant **rt,
                                     const char *tenant, const char *channel)
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
        json_t *warnings = tax_warnings(rt->config, ch->config, items);
        if (g->json) {
            cli_print_json(json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "tenant", tenant, "channel",
                                     channel, "items", items, "errors", errors, "warnings",
                                     warnings, "options",
                                     cli_options_json(ch->config, loader_options(ch->plugin))));
        } else {
            print_items(items);
            cli_print_options(ch->config, loader_options(ch->plugin), "");
            size_t i;
            json_t *e;
            json_array_foreach(warnings, i, e)
                fprintf(stderr, "warning: %s\n", json_string_value(e));
            json_decref(warnings);
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
