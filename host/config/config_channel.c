/*
 * Keys of a [channel:NAME] section. The section is shared: the host reads
 * its rule keys (plugin, document, process_when, ...) with strict types,
 * secrets go to the channel's secret list, and every other key whose name
 * matches [a-z0-9_]+ is kept for the plugin, which alone knows what it
 * means. All non-secret keys, rule keys too, are in `settings`, so a
 * plugin can read e.g. `url` or `warehouse` through one lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "shopledger/sdkutil.h"

#define POLL_MIN_S 30
#define POLL_MAX_S 86400
#define TOLERANCE_MAX 1000000000

/* The boolean rule keys and where each lands. */
static int *bool_slot(config_channel *ch, const char *key)
{
    if (strcmp(key, "approve") == 0)
        return &ch->approve;
    if (strcmp(key, "add_payment") == 0)
        return &ch->add_payment;
    if (strcmp(key, "email") == 0)
        return &ch->email;
    if (strcmp(key, "sync_prices") == 0)
        return &ch->sync_prices;
    if (strcmp(key, "create_products") == 0)
        return &ch->create_products;
    if (strcmp(key, "shipping_as_other_income") == 0)
        return &ch->shipping_as_other_income;
    if (strcmp(key, "test_mode") == 0)
        return &ch->test_mode;
    return NULL;
}

void cfg_channel_defaults(config_channel *ch)
{
    ch->document = CONFIG_DOC_INVOICE;
    ch->add_payment = 1;
    ch->create_products = 1;
    ch->poll_every_s = 300;
    ch->stock_sync_minute = -1;
}

static const char *document_key(config_channel *ch, const char *v)
{
    if (strcmp(v, "invoice") == 0)
        ch->document = CONFIG_DOC_INVOICE;
    else if (strcmp(v, "receipt") == 0)
        ch->document = CONFIG_DOC_RECEIPT;
    else if (strcmp(v, "order") == 0)
        ch->document = CONFIG_DOC_ORDER;
    else
        return "must be invoice, receipt or order";
    return NULL;
}

static const char *intake_key(config_channel *ch, const char *v)
{
    char **items = NULL;
    size_t n = 0;
    const char *why = NULL;
    if (cfg_list(v, &items, &n, &why) != 0)
        return why;
    int web = 0, poll = 0;
    for (size_t i = 0; i < n && why == NULL; i++) {
        int *slot = strcmp(items[i], "webhook") == 0 ? &web
                    : strcmp(items[i], "poll") == 0  ? &poll
                                                     : NULL;
        if (slot == NULL)
            why = "must list webhook and/or poll";
        else if ((*slot)++)
            why = "lists the same intake twice";
    }
    cfg_list_free(items, n);
    if (why == NULL) {
        ch->intake_webhook = web;
        ch->intake_poll = poll;
    }
    return why;
}

/* start_date: a calendar date, YYYY-MM-DD (the day booking begins). */
static const char *start_date_key(config_channel *ch, const char *v)
{
    int y, m, d, digits = strlen(v) == 10;
    for (size_t i = 0; digits && i < 10; i++)
        digits = i == 4 || i == 7 ? v[i] == '-' : v[i] >= '0' && v[i] <= '9';
    if (!digits || sscanf(v, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1970 || m < 1 || m > 12 ||
        d < 1 || d > 31)
        return "must be a date, YYYY-MM-DD (e.g. 2026-12-01)";
    int y2, m2, d2;
    sl_civil_from_days(sl_days_from_civil(y, m, d), &y2, &m2, &d2);
    if (y2 != y || m2 != m || d2 != d)
        return "is not a day of the calendar";
    snprintf(ch->start_date, sizeof ch->start_date, "%s", v);
    return NULL;
}

/* Durations the host's scheduled work reads later (payments/pay_recover.c,
   server/scheduler.c): checked here, so a bad one is an error at its line
   in `config check` and at start, not a log line when the work comes due. */
static const char *const DURATION_KEYS[] = {"recover_after", "recover_every", "reverse_after",
                                            "verify_deadline", "track_every"};
#define SCHEDULED_MAX_S (7 * 24 * 3600)

static const char *scheduled_duration(const char *key, const char *v, int *matched)
{
    const char *why = NULL;
    int64_t n;
    *matched = 0;
    for (size_t i = 0; i < sizeof DURATION_KEYS / sizeof DURATION_KEYS[0]; i++)
        if (strcmp(key, DURATION_KEYS[i]) == 0)
            *matched = 1;
    if (!*matched)
        return NULL;
    if (cfg_duration(v, &n, &why) != 0)
        return why;
    return n <= SCHEDULED_MAX_S ? NULL : "must be at most 7d";
}

/* The rule keys that need more than a boolean; NULL = accepted. `*known`
   tells whether key is a rule key at all. */
static const char *rule_key(cfg_parse *p, const char *key, const char *v, int *known)
{
    config_channel *ch = p->ch;
    const char *why = NULL;
    int64_t n;
    *known = 1;
    int *flag = bool_slot(ch, key);
    if (flag != NULL)
        return cfg_bool(v, flag, &why) == 0 ? NULL : why;
    if (strcmp(key, "plugin") == 0) {
        if (!cfg_match(v, "a0_-", 64))
            return "plugin name must match [a-z0-9_-]{1,64}";
        return cfg_set_str(&ch->plugin, v) == 0 ? NULL : "out of memory";
    }
    if (strcmp(key, "document") == 0)
        return document_key(ch, v);
    if (strcmp(key, "intake") == 0)
        return intake_key(ch, v);
    if (strcmp(key, "process_when") == 0)
        return cfg_list(v, &ch->process_when, &ch->process_when_count, &why) == 0 ? NULL : why;
    if (strcmp(key, "series") == 0) {
        if (!cfg_match(v, "A0-", 16))
            return "series must match [A-Z0-9-]{1,16}";
        return cfg_set_str(&ch->series, v) == 0 ? NULL : "out of memory";
    }
    if (strcmp(key, "warehouse") == 0) {
        if (!cfg_match(v, "a0_-", 32))
            return "warehouse name must match [a-z0-9_-]{1,32}";
        return cfg_set_str(&ch->warehouse, v) == 0 ? NULL : "out of memory";
    }
    if (strcmp(key, "price_group") == 0) {
        if (!cfg_match(v, "aA0_-", 32))
            return "price group must match [A-Za-z0-9_-]{1,32}";
        return cfg_set_str(&ch->price_group, v) == 0 ? NULL : "out of memory";
    }
    if (strcmp(key, "rounding_tolerance") == 0) {
        if (cfg_int(v, 0, TOLERANCE_MAX, &n, &why) != 0)
            return "must be an integer >= 0 in minor units (e.g. 1 for one cent)";
        ch->rounding_tolerance = n;
        return NULL;
    }
    if (strcmp(key, "poll_every") == 0) {
        if (cfg_duration(v, &n, &why) != 0)
            return why;
        if (n < POLL_MIN_S || n > POLL_MAX_S)
            return "must be between 30s and 24h";
        ch->poll_every_s = n;
        return NULL;
    }
    if (strcmp(key, "start_date") == 0)
        return start_date_key(ch, v);
    if (strcmp(key, "history") == 0) {
        if (strcmp(v, "import") != 0 && strcmp(v, "skip") != 0)
            return "must be import or skip";
        ch->history_import = strcmp(v, "import") == 0;
        return NULL;
    }
    if (strcmp(key, "stock_sync") == 0) {
        if (cfg_stock_sync(v, &ch->stock_sync_minute, &why) != 0)
            return why;
        return cfg_set_str(&ch->stock_sync, v) == 0 ? NULL : "out of memory";
    }
    why = scheduled_duration(key, v, known);
    return why;
}

void cfg_channel_key(cfg_parse *p, const char *key, const char *value)
{
    config_channel *ch = p->ch;
    int known = 0;
    const char *why = rule_key(p, key, value, &known);
    if (why != NULL) {
        cfg_error(p, p->line, key, "%s", why);
        return;
    }
    if (!known && cfg_secret_key(p, key, value, &ch->secrets, &ch->secret_count))
        return;
    if (!known && !cfg_match(key, "a0_", 64)) {
        cfg_error(p, p->line, key, "not a valid key name (keys match [a-z0-9_]{1,64})");
        return;
    }
    if (cfg_kv_push(&ch->settings, &ch->settings_count, key, value, p->line) != 0)
        p->oom = 1;
}

/* The non-boolean rule keys of rule_key, and the channel keys the host's
   services read themselves (services/http.c): a plugin's option table
   need not declare them. */
static const char *const HOST_KEYS[] = {
    "plugin", "document", "intake", "process_when", "series", "warehouse", "price_group",
    "rounding_tolerance", "poll_every", "stock_sync", "min_request_interval_ms", "ca_file",
    "http_connect_timeout_ms", "http_timeout_ms", "language", "start_date", "history",
    /* a gateway channel's conversion rule and recovery (payments/) */
    "gateway_currency", "decimals", "rate", "rate_mode", "rounding", "active", "fee_percent",
    "cash", "public_url", "recover_after", "recover_every", "reverse_after", "verify_deadline",
    /* a postal channel's keys the host reads (shipments/ship_send.h) */
    "cities", "item_weight_g", "send_type", "cod_methods", "ship_when", "track_every", "cod_cash",
    "fees_account"};

int config_is_host_channel_key(const char *key)
{
    config_channel probe = {0};
    if (bool_slot(&probe, key) != NULL)
        return 1;
    for (size_t i = 0; i < sizeof HOST_KEYS / sizeof HOST_KEYS[0]; i++)
        if (strcmp(HOST_KEYS[i], key) == 0)
            return 1;
    return 0;
}
