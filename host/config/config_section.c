/*
 * Section headers and the keys of the fixed sections: [tenant],
 * [accounts], [channel:NAME.MAP], [warehouse:NAME] and [intake]. The keys of
 * [channel:NAME] live in config_channel.c because the plugin shares that
 * section with the host rules.
 *
 * A header opens a fresh duplicate-key list; a header seen twice, an
 * unknown header, or a map whose channel was not declared above turns the
 * section "bad": its keys are skipped so one mistake gives one error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config_internal.h"
#include "shopledger/money.h"

/* "cities": a postal channel's overrides of its service's city list
   (shipments/ship_address.h). */
static const char *const MAP_NAMES[] = {"taxes",    "payments",   "shipping", "services",
                                        "statuses", "warehouses", "cities"};

#define NAME_SET "a0_-"
#define NAME_MAX_LEN 32

static int known_map(const char *name)
{
    for (size_t i = 0; i < sizeof MAP_NAMES / sizeof MAP_NAMES[0]; i++)
        if (strcmp(name, MAP_NAMES[i]) == 0)
            return 1;
    return 0;
}

static config_channel *find_channel(config_tenant *t, const char *name)
{
    for (size_t i = 0; i < t->channel_count; i++)
        if (strcmp(t->channels[i].name, name) == 0)
            return &t->channels[i];
    return NULL;
}

static int begin_once(cfg_parse *p, int *line_slot)
{
    if (*line_slot != 0) {
        cfg_error(p, p->line, NULL, "section appears twice (first at line %d)", *line_slot);
        return -1;
    }
    *line_slot = p->line;
    return 0;
}

/* Grows an array of `count` elements of `size` bytes by one zeroed
   element; NULL (after recording why) at the limit or out of memory. The
   old array stays valid on failure. */
static void *grow(cfg_parse *p, void *arr, size_t count, size_t size, size_t max, const char *what)
{
    if (count >= max) {
        cfg_error(p, p->line, NULL, "more than %zu %s", max, what);
        return NULL;
    }
    char *grown = realloc(arr, (count + 1) * size);
    if (grown == NULL) {
        p->oom = 1;
        return NULL;
    }
    memset(grown + count * size, 0, size);
    return grown;
}

static int begin_channel(cfg_parse *p, const char *name)
{
    config_tenant *t = p->t;
    if (!cfg_match(name, NAME_SET, NAME_MAX_LEN)) {
        cfg_error(p, p->line, NULL, "channel name must match [a-z0-9_-]{1,32}");
        return -1;
    }
    config_channel *dup = find_channel(t, name);
    if (dup != NULL)
        return begin_once(p, &dup->line);
    config_channel *arr =
        grow(p, t->channels, t->channel_count, sizeof *arr, CONFIG_MAX_CHANNELS, "channels");
    if (arr == NULL)
        return -1;
    t->channels = arr;
    config_channel *ch = &arr[t->channel_count];
    if ((ch->name = strdup(name)) == NULL)
        return p->oom = 1, -1;
    t->channel_count++;
    cfg_channel_defaults(ch);
    ch->line = p->line;
    p->ch = ch;
    return 0;
}

static int begin_map(cfg_parse *p, const char *name, const char *dot)
{
    char chname[NAME_MAX_LEN + 1];
    size_t n = (size_t)(dot - name);
    if (n > NAME_MAX_LEN) {
        cfg_error(p, p->line, NULL, "channel name must match [a-z0-9_-]{1,32}");
        return -1;
    }
    memcpy(chname, name, n);
    chname[n] = '\0';
    config_channel *ch = find_channel(p->t, chname);
    if (ch == NULL) {
        cfg_error(p, p->line, NULL, "map of channel '%s', which is not declared above", chname);
        return -1;
    }
    const char *mapname = dot + 1;
    if (!known_map(mapname)) {
        cfg_error(p, p->line, NULL,
                  "unknown map '%s' (known: taxes, payments, shipping, "
                  "services, statuses, warehouses, cities)",
                  mapname);
        return -1;
    }
    for (size_t i = 0; i < ch->map_count; i++) {
        if (strcmp(ch->maps[i].name, mapname) == 0) {
            cfg_error(p, p->line, NULL, "section appears twice");
            return -1;
        }
    }
    config_map *arr = grow(p, ch->maps, ch->map_count, sizeof *arr, CONFIG_MAX_MAPS, "maps");
    if (arr == NULL)
        return -1;
    ch->maps = arr;
    config_map *m = &arr[ch->map_count];
    if ((m->name = strdup(mapname)) == NULL)
        return p->oom = 1, -1;
    ch->map_count++;
    p->ch = ch;
    p->map = m;
    return 0;
}

static int begin_warehouse(cfg_parse *p, const char *name)
{
    config_tenant *t = p->t;
    if (!cfg_match(name, NAME_SET, NAME_MAX_LEN)) {
        cfg_error(p, p->line, NULL, "warehouse name must match [a-z0-9_-]{1,32}");
        return -1;
    }
    for (size_t i = 0; i < t->warehouse_count; i++)
        if (strcmp(t->warehouses[i].name, name) == 0)
            return begin_once(p, &t->warehouses[i].line);
    config_warehouse *arr = grow(p, t->warehouses, t->warehouse_count, sizeof *arr,
                                 CONFIG_MAX_WAREHOUSES, "warehouses");
    if (arr == NULL)
        return -1;
    t->warehouses = arr;
    config_warehouse *w = &arr[t->warehouse_count];
    if ((w->name = strdup(name)) == NULL)
        return p->oom = 1, -1;
    t->warehouse_count++;
    w->push_stock = 1;
    w->line = p->line;
    p->wh = w;
    return 0;
}

void cfg_section_begin(cfg_parse *p, const char *name)
{
    p->section_keys = 0;
    snprintf(p->section, sizeof p->section, "%s", name);
    p->section_line = p->line;
    p->ch = NULL;
    p->map = NULL;
    p->wh = NULL;
    int rc;
    enum cfg_section kind;
    if (strcmp(name, "tenant") == 0) {
        kind = CFG_SEC_TENANT;
        rc = begin_once(p, &p->tenant_line);
    } else if (strcmp(name, "accounts") == 0) {
        kind = CFG_SEC_ACCOUNTS;
        rc = begin_once(p, &p->accounts_line);
    } else if (strncmp(name, "channel:", 8) == 0) {
        const char *dot = strchr(name + 8, '.');
        kind = dot ? CFG_SEC_MAP : CFG_SEC_CHANNEL;
        rc = dot ? begin_map(p, name + 8, dot) : begin_channel(p, name + 8);
    } else if (strncmp(name, "warehouse:", 10) == 0) {
        kind = CFG_SEC_WAREHOUSE;
        rc = begin_warehouse(p, name + 10);
    } else if (strcmp(name, "documents") == 0) {
        kind = CFG_SEC_DOCUMENTS;
        rc = begin_once(p, &p->documents_line);
    } else if (strcmp(name, "intake") == 0) {
        kind = CFG_SEC_INTAKE;
        rc = begin_once(p, &p->intake_line);
    } else {
        kind = CFG_SEC_BAD;
        p->kind = kind;
        cfg_error(p, p->line, NULL,
                  "unknown section (known: tenant, accounts, channel:NAME, "
                  "channel:NAME.MAP, warehouse:NAME, documents, intake)");
        return;
    }
    p->kind = rc == 0 ? kind : CFG_SEC_BAD;
}

static void tenant_secret(cfg_parse *p, const char *key, const char *value)
{
    config_tenant *t = p->t;
    config_kv *s = NULL;
    size_t n = 0;
    if (strncmp(key, "admin_token", 11) != 0 || !cfg_secret_key(p, key, value, &s, &n)) {
        cfg_error(p, p->line, key, "unknown key");
        return;
    }
    if (n == 1 && strcmp(s[0].key, "admin_token") != 0) {
        cfg_error(p, p->line, key, "unknown secret (only admin_token belongs in [tenant])");
    } else if (n == 1 && t->admin_token_line != 0) {
        cfg_error(p, p->line, key, "admin token already given at line %d", t->admin_token_line);
    } else if (n == 1) {
        t->admin_token = s[0].value; /* taken; NULL when missing */
        s[0].value = NULL;
        t->admin_token_line = p->line;
    }
    cfg_kv_free(s, n, 1);
}

#define ZONEINFO_DIR "/usr/share/zoneinfo"

/* A zone the C library can load: its file exists in the zone database
   (an unknown name would silently run as UTC, and the daily stock sync
   at the wrong hour). Without a zone database only UTC is known. */
static int known_zone(const char *name)
{
    if (strcmp(name, "UTC") == 0)
        return 1;
    char path[128];
    snprintf(path, sizeof path, "%s/%s", ZONEINFO_DIR, name);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int valid_listen(const char *v)
{
    const char *colon = strrchr(v, ':');
    int64_t port;
    const char *why;
    return colon != NULL && colon != v && cfg_int(colon + 1, 1, 65535, &port, &why) == 0;
}

static void tenant_key(cfg_parse *p, const char *key, const char *v)
{
    config_tenant *t = p->t;
    const char *why = NULL;
    int64_t n;
    int ok = 1;
    if (strcmp(key, "id") == 0) {
        if (!cfg_match(v, "a0_-", 32)) {
            cfg_error(p, p->line, key, "must match [a-z0-9_-]{1,32}");
            return;
        }
        ok = cfg_set_str(&t->id, v) == 0;
        t->id_line = p->line;
    } else if (strcmp(key, "name") == 0) {
        ok = cfg_set_str(&t->name, v) == 0;
    } else if (strcmp(key, "currency") == 0) {
        if (!cfg_match(v, "A", 3) || strlen(v) != 3 || sl_currency_exponent(v) < 0) {
            cfg_error(p, p->line, key, "unknown currency code '%s'", v);
            return;
        }
        ok = cfg_set_str(&t->currency, v) == 0;
    } else if (strcmp(key, "currency_exponent") == 0) {
        if (cfg_int(v, 0, SL_MONEY_MAX_EXPONENT, &n, &why) != 0) {
            cfg_error(p, p->line, key, "%s (0..%d)", why, SL_MONEY_MAX_EXPONENT);
            return;
        }
        t->currency_exponent = (int)n;
    } else if (strcmp(key, "database") == 0) {
        ok = cfg_set_str(&t->database, v) == 0;
        t->database_line = p->line;
    } else if (strcmp(key, "vat_registered") == 0) {
        if (cfg_bool(v, &t->vat_registered, &why) != 0) {
            cfg_error(p, p->line, key, "%s", why);
            return;
        }
    } else if (strcmp(key, "timezone") == 0) {
        if (!cfg_match(v, "aA0_+-/", 64) || strstr(v, "..") || v[0] == '/') {
            cfg_error(p, p->line, key, "not a time zone name (e.g. Europe/Riga, UTC)");
            return;
        }
        if (!known_zone(v)) {
            cfg_error(p, p->line, key, "unknown time zone '%s' (not in %s)", v, ZONEINFO_DIR);
            return;
        }
        ok = cfg_set_str(&t->timezone, v) == 0;
    } else if (strcmp(key, "listen") == 0) {
        if (!valid_listen(v)) {
            cfg_error(p, p->line, key, "expected HOST:PORT with PORT 1..65535");
            return;
        }
        ok = cfg_set_str(&t->listen, v) == 0;
        t->listen_line = p->line;
    } else if (strcmp(key, "admin_listen") == 0) {
        if (!valid_listen(v)) {
            cfg_error(p, p->line, key, "expected HOST:PORT with PORT 1..65535");
            return;
        }
        ok = cfg_set_str(&t->admin_listen, v) == 0;
        t->admin_listen_line = p->line;
    } else if (strcmp(key, "admin_public") == 0) {
        if (cfg_bool(v, &t->admin_public, &why) != 0) {
            cfg_error(p, p->line, key, "%s", why);
            return;
        }
        t->admin_public_line = p->line;
    } else {
        tenant_secret(p, key, v);
        return;
    }
    if (!ok)
        p->oom = 1;
}

static void account_key(cfg_parse *p, const char *key, const char *v)
{
    if (cfg_account_default(key) == NULL) {
        cfg_error(p, p->line, key, "unknown account role (known: %s)", cfg_account_roles());
        return;
    }
    if (!cfg_match(v, "aA0._-", 32)) {
        cfg_error(p, p->line, key, "account code must match [A-Za-z0-9._-]{1,32}");
        return;
    }
    if (cfg_kv_push(&p->t->accounts, &p->t->account_count, key, v, p->line) != 0)
        p->oom = 1;
}

static void warehouse_key(cfg_parse *p, const char *key, const char *v)
{
    const char *why = NULL;
    if (strcmp(key, "name") == 0) {
        if (cfg_set_str(&p->wh->label, v) != 0)
            p->oom = 1;
    } else if (strcmp(key, "push_stock") == 0) {
        if (cfg_bool(v, &p->wh->push_stock, &why) != 0)
            cfg_error(p, p->line, key, "%s", why);
    } else {
        cfg_error(p, p->line, key, "unknown key (known: name, push_stock)");
    }
}

static void map_key(cfg_parse *p, const char *key, const char *v)
{
    if (strlen(key) > 64) {
        cfg_error(p, p->line, key, "map key longer than 64 bytes");
        return;
    }
    if (cfg_kv_push(&p->map->items, &p->map->count, key, v, p->line) != 0)
        p->oom = 1;
}

/* [documents] keys are free-form here (host/docout checks their values);
   a secret key (smtp_password_file ...) goes through the secret rules and
   is stored with the others, cleared on free. */
static void documents_key(cfg_parse *p, const char *key, const char *v)
{
    config_tenant *t = p->t;
    if (!cfg_match(key, "a0_", 64)) {
        cfg_error(p, p->line, key, "key must match [a-z0-9_]{1,64}");
        return;
    }
    if (cfg_secret_key(p, key, v, &t->documents, &t->document_count))
        return;
    cfg_mail_key(p, key, v);
    if (cfg_kv_push(&t->documents, &t->document_count, key, v, p->line) != 0)
        p->oom = 1;
}

/* [intake]: what the host keeps of what shops delivered. */
static void intake_key(cfg_parse *p, const char *key, const char *v)
{
    const char *why = NULL;
    int64_t n;
    if (strcmp(key, "keep_deliveries") != 0) {
        cfg_error(p, p->line, key, "unknown key (known: keep_deliveries)");
    } else if (cfg_duration(v, &n, &why) != 0) {
        cfg_error(p, p->line, key, "%s", why);
    } else if (n < CONFIG_KEEP_DELIVERIES_MIN_S || n > CONFIG_KEEP_DELIVERIES_MAX_S) {
        cfg_error(p, p->line, key, "must be between 1d and 3650d");
    } else {
        p->t->keep_deliveries_s = n;
        p->t->keep_deliveries_line = p->line;
    }
}

void cfg_section_key(cfg_parse *p, const char *key, const char *value)
{
    switch (p->kind) {
    case CFG_SEC_TENANT:
        tenant_key(p, key, value);
        break;
    case CFG_SEC_ACCOUNTS:
        account_key(p, key, value);
        break;
    case CFG_SEC_CHANNEL:
        cfg_channel_key(p, key, value);
        break;
    case CFG_SEC_MAP:
        map_key(p, key, value);
        break;
    case CFG_SEC_WAREHOUSE:
        warehouse_key(p, key, value);
        break;
    case CFG_SEC_DOCUMENTS:
        documents_key(p, key, value);
        break;
    case CFG_SEC_INTAKE:
        intake_key(p, key, value);
        break;
    default:
        break;
    }
}
