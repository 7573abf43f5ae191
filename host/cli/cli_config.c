/*
 * `shopledger config check`: loads every tenant file of --conf and shows
 * what the host understood, so a tenant can see the effect of each line
 * before starting the server. Secrets show only as "(set)" or "(missing)".
 * Exit 0 when every file is valid, 1 with every error on stderr, 2 for
 * a usage error. With --json the same summary (and the errors) go to
 * stdout as {"tenants": [...], "errors": [...]}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "config/config.h"
#include "loader/loader.h"
#include "runtime/runtime.h"
#include "shopledger/options.h"

static const char *doc_name(int document)
{
    switch (document) {
    case CONFIG_DOC_INVOICE:
        return "invoice";
    case CONFIG_DOC_RECEIPT:
        return "receipt";
    case CONFIG_DOC_ORDER:
        return "order";
    default:
        return "?";
    }
}

static const char *yn(int v)
{
    return v ? "yes" : "no";
}

static const char *intake_text(const config_channel *ch)
{
    if (ch->intake_webhook && ch->intake_poll)
        return "webhook, poll";
    return ch->intake_webhook ? "webhook" : "poll";
}

static void print_list(const char *label, char **items, size_t n)
{
    printf("    %s:", label);
    for (size_t i = 0; i < n; i++)
        printf("%s %s", i ? "," : "", items[i]);
    printf("\n");
}

static void print_channel(const config_channel *ch, const sl_option_table *opts)
{
    printf("  channel %s: plugin %s\n", ch->name, ch->plugin);
    printf("    document %s, series %s, warehouse %s\n", doc_name(ch->document), ch->series,
           ch->warehouse);
    print_list("triggers (process_when)", ch->process_when, ch->process_when_count);
    printf("    intake: %s", intake_text(ch));
    if (ch->intake_poll)
        printf(" (poll every %llds)", (long long)ch->poll_every_s);
    printf("\n    approve %s, add_payment %s, email %s, create_products %s, test_mode %s\n",
           yn(ch->approve), yn(ch->add_payment), yn(ch->email), yn(ch->create_products),
           yn(ch->test_mode));
    printf("    stock_sync %s, sync_prices %s, price_group %s, rounding_tolerance %lld\n",
           ch->stock_sync, yn(ch->sync_prices), ch->price_group ? ch->price_group : "-",
           (long long)ch->rounding_tolerance);
    if (ch->start_date[0])
        printf("    start_date %s: orders created before it are history (history = %s: %s)\n",
               ch->start_date, ch->history_import ? "import" : "skip",
               ch->history_import ? "stored and shown, never booked" : "not fetched, never booked");
    else if (ch->intake_poll)
        printf("    start_date not set: the first poll asks for every order the shop has\n");
    printf("    maps:");
    for (size_t i = 0; i < ch->map_count; i++)
        printf("%s %s (%zu)", i ? "," : "", ch->maps[i].name, ch->maps[i].count);
    printf("%s\n    secrets:", ch->map_count ? "" : " none");
    for (size_t i = 0; i < ch->secret_count; i++)
        printf("%s %s %s", i ? "," : "", ch->secrets[i].key,
               ch->secrets[i].value ? "(set)" : "(missing)");
    printf("%s\n", ch->secret_count ? "" : " none");
    cli_print_options(ch, opts, "    ");
}

/* The e-mail settings of [documents], when smtp_url is set. */
static void print_mail(const config_tenant *t)
{
    config_mail m;
    sl_error err = {.size = sizeof err};
    if (config_mail_get(t, &m, &err) != SL_OK)
        return;
    printf("  mail: %s (STARTTLS %s), from %s", m.url, m.starttls_required ? "required" : "off",
           m.from);
    if (m.reply_to)
        printf(", reply to %s", m.reply_to);
    if (m.user)
        printf(", user %s, password %s", m.user, m.password ? "(set)" : "(missing)");
    printf("\n");
}

static json_t *mail_json(const config_tenant *t)
{
    config_mail m;
    sl_error err = {.size = sizeof err};
    if (config_mail_get(t, &m, &err) != SL_OK)
        return json_null();
    return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?}", "smtp_url", m.url, "starttls",
                     m.starttls_required ? "required" : "off", "from", m.from, "reply_to",
                     m.reply_to, "user", m.user, "password",
                     m.user ? (m.password ? "(set)" : "(missing)") : NULL);
}

static void print_tenant(const config_tenant *t, const sl_option_table *const *opts)
{
    printf("tenant %s (%s)\n", t->id, t->file);
    if (t->name != NULL)
        printf("  name: %s\n", t->name);
    printf("  currency: %s (exponent %d)\n", t->currency, t->currency_exponent);
    printf("  database: %s\n", t->database);
    printf("  timezone: %s, vat_registered %s\n", t->timezone, yn(t->vat_registered));
    if (t->listen != NULL)
        printf("  listen: %s\n", t->listen);
    if (t->admin_token_line != 0)
        printf("  admin_token: %s\n", t->admin_token ? "(set)" : "(missing)");
    printf("  accounts: %zu set, the other roles use built-in codes\n", t->account_count);
    print_mail(t);
    for (size_t i = 0; i < t->warehouse_count; i++)
        printf("  warehouse %s%s%s%s\n", t->warehouses[i].name, t->warehouses[i].label ? " \"" : "",
               t->warehouses[i].label ? t->warehouses[i].label : "",
               t->warehouses[i].label ? "\"" : "");
    for (size_t i = 0; i < t->channel_count; i++)
        print_channel(&t->channels[i], opts[i]);
}

/* Warns (stderr) about secrets whose environment variable is unset. */
static void warn_missing(const config_tenant *t)
{
    for (size_t i = 0; i < t->channel_count; i++)
        for (size_t j = 0; j < t->channels[i].secret_count; j++)
            if (t->channels[i].secrets[j].value == NULL)
                fprintf(stderr,
                        "warning: %s:%d: [channel:%s] secret '%s' is missing "
                        "(its environment variable is not set)\n",
                        t->file, t->channels[i].secrets[j].line, t->channels[i].name,
                        t->channels[i].secrets[j].key);
    if (t->admin_token_line != 0 && t->admin_token == NULL)
        fprintf(stderr,
                "warning: %s:%d: [tenant] admin token is missing (its environment "
                "variable is not set)\n",
                t->file, t->admin_token_line);
}

static json_t *str_array(char **items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(items[i]));
    return a;
}

static json_t *channel_json(const config_channel *ch, const sl_option_table *opts)
{
    json_t *maps = json_object(), *secrets = json_object(), *keys = json_array();
    for (size_t i = 0; i < ch->map_count; i++)
        json_object_set_new(maps, ch->maps[i].name, json_integer((json_int_t)ch->maps[i].count));
    for (size_t i = 0; i < ch->secret_count; i++)
        json_object_set_new(secrets, ch->secrets[i].key,
                            json_string(ch->secrets[i].value ? "(set)" : "(missing)"));
    for (size_t i = 0; i < ch->settings_count; i++)
        json_array_append_new(keys, json_string(ch->settings[i].key));
    char *intake[2] = {"webhook", "poll"};
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:b, s:b, s:b, s:b, s:b,"
                     " s:b, s:s?, s:I, s:s?, s:s, s:o, s:o, s:o, s:o}",
                     "name", ch->name, "plugin", ch->plugin, "document", doc_name(ch->document),
                     "series", ch->series, "warehouse", ch->warehouse, "process_when",
                     str_array(ch->process_when, ch->process_when_count), "intake",
                     str_array(intake + (ch->intake_webhook ? 0 : 1),
                               (size_t)(ch->intake_webhook + ch->intake_poll)),
                     "poll_every_s", (json_int_t)ch->poll_every_s, "stock_sync", ch->stock_sync,
                     "approve", ch->approve, "add_payment", ch->add_payment, "email", ch->email,
                     "sync_prices", ch->sync_prices, "create_products", ch->create_products,
                     "test_mode", ch->test_mode, "price_group", ch->price_group,
                     "rounding_tolerance", (json_int_t)ch->rounding_tolerance, "start_date",
                     ch->start_date[0] ? ch->start_date : NULL, "history",
                     ch->history_import ? "import" : "skip", "maps", maps, "secrets", secrets,
                     "settings_keys", keys, "options", cli_options_json(ch, opts));
}

static json_t *tenant_json(const config_tenant *t, const sl_option_table *const *opts)
{
    json_t *accounts = json_object(), *channels = json_array(), *wh = json_array();
    for (size_t i = 0; i < t->account_count; i++)
        json_object_set_new(accounts, t->accounts[i].key, json_string(t->accounts[i].value));
    for (size_t i = 0; i < t->channel_count; i++)
        json_array_append_new(channels, channel_json(&t->channels[i], opts[i]));
    for (size_t i = 0; i < t->warehouse_count; i++)
        json_array_append_new(wh, json_string(t->warehouses[i].name));
    const char *token = t->admin_token_line == 0 ? NULL : t->admin_token ? "(set)" : "(missing)";
    return json_pack("{s:s, s:s, s:s?, s:s, s:i, s:s, s:s, s:b, s:s?, s:s?, s:o, s:o, s:o, s:o}",
                     "file", t->file, "id", t->id, "name", t->name, "currency", t->currency,
                     "currency_exponent", t->currency_exponent, "database", t->database, "timezone",
                     t->timezone, "vat_registered", t->vat_registered, "listen", t->listen,
                     "admin_token", token, "accounts", accounts, "warehouses", wh, "channels",
                     channels, "mail", mail_json(t));
}

/* One JSON string per report line. */
static json_t *errors_json(const char *report)
{
    json_t *a = json_array();
    while (report != NULL && *report) {
        const char *nl = strchr(report, '\n');
        size_t n = nl ? (size_t)(nl - report) : strlen(report);
        json_array_append_new(a, json_stringn(report, n));
        report += n + (nl ? 1 : 0);
    }
    return a;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; s != NULL && *s; s++)
        n += *s == '\n';
    return n;
}

/* The option table of a channel's plugin, or NULL when the plugin has
   none or cannot be loaded (a warning says so: its keys go unchecked).
   The library stays mapped, so the table outlives the record. */
static const sl_option_table *plugin_options(const cli_globals *g, const config_tenant *t,
                                             const config_channel *ch)
{
    char path[4096];
    sl_error err = {.size = sizeof err};
    loaded_plugin *p = NULL;
    const char *dir = runtime_plugin_dir(g->plugin_dir);
    if (loader_find(dir, ch->plugin, path, sizeof path, &err) != SL_OK ||
        loader_open(path, &p, &err) != SL_OK) {
        fprintf(stderr, "warning: %s:%d: [channel:%s] plugin keys not checked: %s\n", t->file,
                ch->line, ch->name, err.message);
        return NULL;
    }
    const sl_option_table *opts = loader_options(p);
    loader_free(p);
    return opts;
}

/* Checks every channel of the set against its plugin's option table; the
   tables land in *tables (one per channel, tenant by tenant; caller
   frees), the problems in *report. Returns the number of problems' files
   with errors (0 = clean). */
static int check_plugins(const cli_globals *g, const config_set *set,
                         const sl_option_table ***tables, char **report)
{
    size_t total = 0, k = 0, used = 0;
    int bad = 0;
    for (size_t i = 0; i < set->count; i++)
        total += set->tenants[i].channel_count;
    *tables = calloc(total ? total : 1, sizeof **tables);
    for (size_t i = 0; *tables != NULL && i < set->count; i++) {
        const config_tenant *t = &set->tenants[i];
        for (size_t j = 0; j < t->channel_count; j++, k++) {
            char *lines = NULL;
            sl_error err = {.size = sizeof err};
            (*tables)[k] = plugin_options(g, t, &t->channels[j]);
            if (config_check_options(t, &t->channels[j], (*tables)[k], &lines, &err) == SL_OK)
                continue;
            bad++;
            const char *add = lines ? lines : err.message;
            char *grown = realloc(*report, used + strlen(add) + 2);
            if (grown != NULL) {
                *report = grown;
                used +=
                    (size_t)snprintf(grown + used, strlen(add) + 2, "%s%s", add, lines ? "" : "\n");
            }
            free(lines);
        }
    }
    return *tables == NULL ? 1 : bad;
}

static int check(const cli_globals *g)
{
    config_set *set = NULL;
    char *report = NULL;
    sl_error err = {.size = sizeof err};
    int rc = config_load_dir(g->conf_dir, &set, &report, &err);
    if (rc != 0 && report == NULL && (report = malloc(sizeof err.message + 1)) != NULL)
        snprintf(report, sizeof err.message + 1, "%s\n", err.message);
    const sl_option_table **tables = NULL;
    if (rc == 0 && check_plugins(g, set, &tables, &report) != 0)
        rc = SL_EINVALID;
    if (rc != 0)
        fputs(report ? report : "out of memory\n", stderr);
    if (g->json) {
        json_t *tenants = json_array();
        for (size_t i = 0, k = 0; tables != NULL && i < set->count; i++) {
            json_array_append_new(tenants, tenant_json(&set->tenants[i], tables + k));
            k += set->tenants[i].channel_count;
        }
        cli_print_json(json_pack("{s:o, s:o}", "tenants", tenants, "errors",
                                 errors_json(rc != 0 ? report : NULL)));
    } else if (rc == 0) {
        for (size_t i = 0, k = 0; i < set->count; i++) {
            print_tenant(&set->tenants[i], tables + k);
            k += set->tenants[i].channel_count;
        }
    }
    for (size_t i = 0; set != NULL && i < set->count; i++)
        warn_missing(&set->tenants[i]);
    if (rc != 0)
        fprintf(stderr, "config check: %zu error(s) in %s\n", count_lines(report), g->conf_dir);
    else if (!g->json)
        printf("config check: %zu tenant(s) valid in %s\n", set->count, g->conf_dir);
    free(tables);
    free(report);
    config_set_free(set);
    return rc == 0 ? CLI_OK : CLI_FAIL;
}

int cli_config(int argc, char **argv, const cli_globals *g)
{
    if (argc == 2 && strcmp(argv[1], "check") == 0)
        return check(g);
    fprintf(stderr, "usage: shopledger [--conf DIR] [--json] config check\n");
    return CLI_USAGE;
}
