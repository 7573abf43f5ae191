/*
 * Read-only lookups over a loaded tenant set, and the built-in chart of
 * accounts roles. Every returned pointer is borrowed from the set and
 * lives until config_set_free / config_tenant_free.
 */
#include <string.h>

#include "config/config_internal.h"

/* Roles and their built-in account codes, used when [accounts] is silent. */
static const struct {
    const char *role;
    const char *code;
} ROLES[] = {
    {"receivable", "2310"},      {"revenue", "6110"},      {"vat_output", "5721"},
    {"shipping_income", "6120"}, {"other_income", "8190"}, {"discounts", "6190"},
    {"rounding", "8690"},        {"gateway_fees", "7610"}, {"cash", "2620"},
    {"prepayments", "5230"},     {"inventory", "2130"},    {"cogs", "7110"},
};

const char *cfg_account_default(const char *role)
{
    for (size_t i = 0; i < sizeof ROLES / sizeof ROLES[0]; i++)
        if (strcmp(ROLES[i].role, role) == 0)
            return ROLES[i].code;
    return NULL;
}

const char *cfg_account_roles(void)
{
    return "receivable, revenue, vat_output, shipping_income, other_income, discounts, "
           "rounding, gateway_fees, cash, prepayments, inventory, cogs";
}

const char *config_account(const config_tenant *t, const char *role)
{
    const config_kv *kv = cfg_kv_find(t->accounts, t->account_count, role);
    if (kv != NULL)
        return kv->value;
    const char *def = cfg_account_default(role);
    return def ? def : "";
}

const config_tenant *config_find_tenant(const config_set *set, const char *id)
{
    for (size_t i = 0; set != NULL && i < set->count; i++)
        if (strcmp(set->tenants[i].id, id) == 0)
            return &set->tenants[i];
    return NULL;
}

const config_channel *config_find_channel(const config_tenant *t, const char *name)
{
    for (size_t i = 0; t != NULL && i < t->channel_count; i++)
        if (strcmp(t->channels[i].name, name) == 0)
            return &t->channels[i];
    return NULL;
}

const char *config_channel_get(const config_channel *ch, const char *key)
{
    const config_kv *kv = cfg_kv_find(ch->settings, ch->settings_count, key);
    return kv ? kv->value : NULL;
}

const char *config_channel_map(const config_channel *ch, const char *map, const char *key)
{
    for (size_t i = 0; i < ch->map_count; i++) {
        if (strcmp(ch->maps[i].name, map) == 0) {
            const config_kv *kv = cfg_kv_find(ch->maps[i].items, ch->maps[i].count, key);
            return kv ? kv->value : NULL;
        }
    }
    return NULL;
}

size_t config_channel_map_size(const config_channel *ch, const char *map)
{
    for (size_t i = 0; i < ch->map_count; i++)
        if (strcmp(ch->maps[i].name, map) == 0)
            return ch->maps[i].count;
    return 0;
}

const char *config_channel_secret(const config_channel *ch, const char *name)
{
    const config_kv *kv = cfg_kv_find(ch->secrets, ch->secret_count, name);
    return kv ? kv->value : NULL;
}

int config_channel_processes(const config_channel *ch, const char *status)
{
    for (size_t i = 0; i < ch->process_when_count; i++)
        if (strcmp(ch->process_when[i], status) == 0)
            return 1;
    return 0;
}

int config_has_warehouse(const config_tenant *t, const char *name)
{
    if (strcmp(name, "main") == 0)
        return 1;
    for (size_t i = 0; i < t->warehouse_count; i++)
        if (strcmp(t->warehouses[i].name, name) == 0)
            return 1;
    return 0;
}
