/*
 * Tenant configuration: one INI file per tenant in conf.d/, parsed with the
 * Debian inih library through ini_parse_stream() and a line-counting reader
 * so every error names file:line.
 *
 * The whole tenant set is loaded into immutable structs (config_set); other
 * modules read them and never change them. Secrets are kept apart from the
 * ordinary values: they are read from `secret_file`s (refused when group or
 * world readable) or from environment variables, and config_dump never
 * prints them.
 *
 * Sections:
 *   [tenant]               id, name, currency, currency_exponent, database,
 *                          vat_registered, timezone, listen, admin_token_file
 *   [accounts]             chart of accounts keys (see config_account_*)
 *   [channel:NAME]         plugin and rules; other keys go to the plugin
 *   [channel:NAME.MAP]     a map (taxes, payments, shipping, services, ...)
 *   [warehouse:NAME]       optional warehouses beyond "main"
 */
#ifndef SL_CONFIG_H
#define SL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"

#define CONFIG_MAX_TENANTS 256
#define CONFIG_MAX_CHANNELS 32
#define CONFIG_MAX_KEYS 128     /* per section */
#define CONFIG_MAX_FILE_BYTES (1 << 20)

typedef struct config_kv {
    char *key;
    char *value;
    int line;                   /* where it was set */
} config_kv;

typedef struct config_map {
    char *name;                 /* "taxes", "payments", ... */
    config_kv *items;
    size_t count;
} config_map;

/* What a channel does with an order (rules). */
enum config_document { CONFIG_DOC_INVOICE = 1, CONFIG_DOC_RECEIPT, CONFIG_DOC_ORDER };

typedef struct config_channel {
    char *name;                 /* "woo" in [channel:woo] */
    char *plugin;               /* plugin name, e.g. "woocommerce" */
    int document;               /* enum config_document */
    char **process_when;        /* shop status words that trigger processing */
    size_t process_when_count;
    int approve;                /* approve and post the document */
    int add_payment;
    int email;
    char *series;               /* numbering series prefix, e.g. "WOO" */
    char *warehouse;            /* warehouse the channel draws from */
    char *price_group;
    int sync_prices;
    int create_products;        /* create missing products (default yes) */
    int64_t rounding_tolerance; /* minor units; 0 = any difference is Draft */
    int shipping_as_other_income; /* book shipping to accounts.other_income */
    int intake_webhook, intake_poll;
    int64_t poll_every_s;       /* default 300 */
    char *stock_sync;           /* "daily HH:MM", "manual" */
    int test_mode;              /* read everything, write nothing remote */
    config_kv *settings;        /* every key of the section, plugin keys too */
    size_t settings_count;
    config_map *maps;           /* [channel:NAME.MAP] sections */
    size_t map_count;
    config_kv *secrets;         /* resolved secrets; never printed */
    size_t secret_count;
    int line;                   /* line of the section header */
} config_channel;

typedef struct config_tenant {
    char *file;                 /* path of the INI file */
    char *id;
    char *name;
    char *currency;
    int currency_exponent;
    char *database;             /* path, relative paths against the cwd */
    int vat_registered;
    char *timezone;             /* for daily schedules, e.g. "Europe/Riga" */
    char *listen;               /* "127.0.0.1:8080" */
    char *admin_token;          /* secret; never printed */
    config_kv *accounts;        /* [accounts] key -> account code */
    size_t account_count;
    config_channel *channels;
    size_t channel_count;
    int ini_private;            /* the INI itself is not group/world readable */
} config_tenant;

typedef struct config_set {
    config_tenant *tenants;
    size_t count;
} config_set;

/* Loads every *.ini in `dir` (sorted by name). On the first file with
   errors returns SL_EINVALID with err->message "FILE:LINE: ..." and
   err->field the key; all messages of all files are also appended to
   `report` when non-NULL (one per line, caller frees with free()).
   *out is written only on success; free it with config_set_free. */
int config_load_dir(const char *dir, config_set **out, char **report,
                    sl_error *err);
/* Loads one file (same contract). */
int config_load_file(const char *path, config_tenant **out, sl_error *err);
void config_set_free(config_set *set);
void config_tenant_free(config_tenant *t);

const config_tenant *config_find_tenant(const config_set *set, const char *id);
const config_channel *config_find_channel(const config_tenant *t,
                                          const char *name);
/* Value of a channel key / a map entry / a secret, or NULL. Borrowed. */
const char *config_channel_get(const config_channel *ch, const char *key);
const char *config_channel_map(const config_channel *ch, const char *map,
                               const char *key);
const char *config_channel_secret(const config_channel *ch, const char *name);
/* Account code for a role ("receivable", "revenue", "vat_output",
   "shipping_income", "other_income", "discounts", "rounding",
   "gateway_fees", "cash", "prepayments", "inventory", "cogs"), with the
   built-in default when the tenant did not set it. Never NULL. */
const char *config_account(const config_tenant *t, const char *role);
/* Does `status` appear in the channel's process_when list? */
int config_channel_processes(const config_channel *ch, const char *status);

/* Reads a secret file: refused (SL_EAUTH, message names the file and its
   mode) when group or world can read it. *out is malloc'd, trailing
   newline stripped. */
int config_read_secret_file(const char *path, char **out, sl_error *err);

#endif
