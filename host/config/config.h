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
 * Sections (an unknown section, an unknown key where keys are fixed, a
 * repeated section or a repeated key is an error):
 *   [tenant]               id, name, currency, currency_exponent, database,
 *                          vat_registered, timezone, and the admin
 *                          token as admin_token_file / admin_token_env /
 *                          admin_token (inline); also the host's own
 *                          listeners, which are one setting of the whole
 *                          host: listen (webhooks), admin_listen (the
 *                          admin API, default 127.0.0.1:8081) and
 *                          admin_public (yes lets admin_listen be a
 *                          non-loopback address: the host has no TLS).
 *                          Every tenant that sets one must agree; a
 *                          different value is refused at its FILE:LINE
 *   [accounts]             role = account code, roles of config_account()
 *   [channel:NAME]         plugin and rules (config_channel); any other key
 *                          matching [a-z0-9_]+ goes to `settings` for the
 *                          plugin, except secrets (below)
 *   [channel:NAME.MAP]     a map; MAP is one of taxes, payments, shipping,
 *                          services, statuses, warehouses, cities; the channel's
 *                          own section must come first
 *   [warehouse:NAME]       warehouses beyond "main": name, push_stock
 *   [documents]            documents out (docout.h lists the keys); any key
 *                          matching [a-z0-9_]+, secrets as in channels
 *
 * Secrets of a channel (stored in `secrets` under the name shown, never in
 * `settings`):
 *   X_file = PATH   secret "X" read from PATH (relative: against the INI
 *                   file's directory); refused when group/world readable.
 *                   `secret_file` gives "secret", `webhook_secret_file`
 *                   gives "webhook_secret"; any key ending in _file does.
 *   X_env = VAR     secret "X" from the environment; unset = missing (the
 *                   value is NULL and config check shows "(missing)").
 *   secret, password, token, api_key, *_secret, *_password, *_token
 *                   inline secrets, allowed only when the INI file itself
 *                   is not group/world readable.
 *
 * Every error reads "FILE:LINE: [section] key: what is wrong".
 */
#ifndef SL_CONFIG_H
#define SL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"

/* Tenant files in one conf.d, and tenants one serve runs: a host of many
   small shops (issue #17 aims at 1,000 idle ones under 200 MB) with room
   to grow fourfold; the bound keeps a mistaken directory (a copy loop, a
   backup folder of dumps) from being read as that many tenants. */
#define CONFIG_MAX_TENANTS 4096
#define CONFIG_MAX_CHANNELS 32
#define CONFIG_MAX_KEYS 128 /* per section */
#define CONFIG_MAX_FILE_BYTES (1 << 20)
#define CONFIG_MAX_MAPS 16        /* per channel */
#define CONFIG_MAX_MAP_ITEMS 1024 /* per map */
#define CONFIG_MAX_WAREHOUSES 64
#define CONFIG_MAX_LIST 32 /* items of a comma-separated list */
#define CONFIG_MAX_LINE                                                                            \
    198 /* bytes of a line without its newline;                                                    \
           libinih 55 silently cuts at 200 */
#define CONFIG_MAX_SECRET_BYTES 65536
#define CONFIG_MAX_ERRORS 100 /* reported per file, then one summary */
/* [intake] keep_deliveries: 90 days by default, 1 day to 10 years. */
#define CONFIG_KEEP_DELIVERIES_DEFAULT_S (90LL * 86400)
#define CONFIG_KEEP_DELIVERIES_MIN_S 86400LL
#define CONFIG_KEEP_DELIVERIES_MAX_S (3650LL * 86400)

typedef struct config_kv {
    char *key;
    char *value;
    int line; /* where it was set */
} config_kv;

typedef struct config_map {
    char *name; /* "taxes", "payments", ... */
    config_kv *items;
    size_t count;
} config_map;

/* What a channel does with an order (rules). */
enum config_document { CONFIG_DOC_INVOICE = 1, CONFIG_DOC_RECEIPT, CONFIG_DOC_ORDER };

typedef struct config_channel {
    char *name;          /* "woo" in [channel:woo] */
    char *plugin;        /* plugin name, e.g. "woocommerce" */
    int document;        /* enum config_document */
    char **process_when; /* shop status words that trigger processing */
    size_t process_when_count;
    int approve; /* approve and post the document */
    int add_payment;
    int email;
    char *series;    /* numbering series prefix, e.g. "WOO" */
    char *warehouse; /* warehouse the channel draws from */
    char *price_group;
    int sync_prices;
    int create_products;          /* create missing products (default yes) */
    int64_t rounding_tolerance;   /* minor units; 0 = any difference is Draft */
    int shipping_as_other_income; /* book shipping to accounts.other_income */
    int intake_webhook, intake_poll;
    int64_t poll_every_s;  /* default 300 */
    char *stock_sync;      /* "daily HH:MM", "manual" (default) */
    int stock_sync_minute; /* minute of day for daily, -1 for manual */
    int test_mode;         /* read everything, write nothing remote */
    char start_date[11];   /* "YYYY-MM-DD" or "": day one of booking,
                              in the tenant's time zone */
    int history_import;    /* orders created before start_date: 1 =
                              stored as history, 0 = skipped (default) */
    config_kv *settings;   /* every key of the section, plugin keys too */
    size_t settings_count;
    config_map *maps; /* [channel:NAME.MAP] sections */
    size_t map_count;
    config_kv *secrets; /* resolved secrets; never printed; value
                           NULL when its environment variable is
                           unset (missing) */
    size_t secret_count;
    int line; /* line of the section header */
} config_channel;

typedef struct config_warehouse {
    char *name;     /* "north" in [warehouse:north] */
    char *label;    /* `name = ...`, display name, may be NULL */
    int push_stock; /* stock of it is pushed to shops (yes) */
    int line;
} config_warehouse;

typedef struct config_tenant {
    char *file; /* path of the INI file */
    char *id;
    int id_line; /* where id was set (0: not set) */
    char *name;
    char *currency;
    int currency_exponent;
    char *database;    /* path, relative paths against the cwd;
                          default var/<id>.db */
    int database_line; /* 0 when defaulted */
    int vat_registered;
    char *timezone;     /* for daily schedules, e.g. "Europe/Riga" */
    char *listen;       /* "127.0.0.1:8080"; host-level: see above */
    int listen_line;    /* 0 when not set */
    char *admin_listen; /* host-level, NULL = the default */
    int admin_listen_line;
    int admin_public; /* host-level: a public admin_listen is allowed */
    int admin_public_line;
    char *admin_token;    /* secret; never printed; NULL when unset */
    int admin_token_line; /* 0 when no admin token was configured */
    config_kv *accounts;  /* [accounts] key -> account code */
    size_t account_count;
    config_channel *channels;
    size_t channel_count;
    config_warehouse *warehouses; /* declared ones; "main" always exists */
    size_t warehouse_count;
    int ini_private;      /* the INI itself is not group/world readable */
    config_kv *documents; /* [documents]: seller, language, mail keys,
                             read and checked by host/docout */
    size_t document_count;
    /* [intake] keep_deliveries: how long a parsed webhook delivery stays
       in the deliveries log for `inbox replay` (inbox.h has the rule). */
    int64_t keep_deliveries_s; /* default CONFIG_KEEP_DELIVERIES_DEFAULT_S */
    int keep_deliveries_line;  /* 0 when defaulted */
} config_tenant;

/* A tenant file that did not load (config_load_dir_partial). */
typedef struct config_broken {
    char *file;
    char *id;          /* as the file gives it; NULL when unreadable */
    char *admin_token; /* secret, NULL when the file gave none that
                          loaded: who may see the error in health */
    char *error;       /* the first "FILE:LINE: ..." of the file */
} config_broken;

typedef struct config_set {
    config_tenant *tenants;
    size_t count;
    config_broken *broken; /* only from config_load_dir_partial */
    size_t broken_count;
} config_set;

/* Loads every *.ini in `dir` (sorted by name). On the first file with
   errors returns SL_EINVALID with err->message "FILE:LINE: ..." and
   err->field the key; all messages of all files are also appended to
   `report` when non-NULL (one per line, caller frees with free()).
   *out is written only on success; free it with config_set_free. */
int config_load_dir(const char *dir, config_set **out, char **report, sl_error *err);
/* Like config_load_dir, but one broken file does not fail the set: the
   files that load (and pass the checks across files, an earlier file
   winning) are the tenants, every other file is an entry of `broken`
   with its first error. Fails (SL_ENOMEM, or SL_EINVALID when the
   directory cannot be listed) only when no set can be made at all.
   `serve` loads this way so one tenant's mistake stops only that
   tenant. */
int config_load_dir_partial(const char *dir, config_set **out, char **report, sl_error *err);
/* Loads one file (same contract; `report` as for config_load_dir: set to
   the messages, or NULL when there are none). */
int config_load_file(const char *path, config_tenant **out, sl_error *err);
int config_load_file_report(const char *path, config_tenant **out, char **report, sl_error *err);
void config_set_free(config_set *set);
void config_tenant_free(config_tenant *t);

const config_tenant *config_find_tenant(const config_set *set, const char *id);
const config_channel *config_find_channel(const config_tenant *t, const char *name);
/* Value of a channel key / a map entry / a secret, or NULL. Borrowed. */
const char *config_channel_get(const config_channel *ch, const char *key);
const char *config_channel_map(const config_channel *ch, const char *map, const char *key);
const char *config_channel_secret(const config_channel *ch, const char *name);
/* Entries of the map section [channel:NAME.MAP]; 0 when there is none. */
size_t config_channel_map_size(const config_channel *ch, const char *map);
/* Account code for a role ("receivable", "revenue", "vat_output",
   "shipping_income", "other_income", "discounts", "rounding",
   "gateway_fees", "cash", "prepayments", "inventory", "cogs"), with the
   built-in default when the tenant did not set it. Never NULL: an unknown
   role gives "". */
const char *config_account(const config_tenant *t, const char *role);
/* Does `status` appear in the channel's process_when list? */
int config_channel_processes(const config_channel *ch, const char *status);
/* Is `name` "main" or a declared [warehouse:NAME]? */
int config_has_warehouse(const config_tenant *t, const char *name);

/* Is `key` a [channel:NAME] key the host itself reads (rules, intake,
   HTTP tuning)? Those need no entry in a plugin's option table. */
int config_is_host_channel_key(const char *key);
/* Checks channel `ch` of `t` against its plugin's option table (ABI 1.3;
   NULL = the plugin has none: SL_OK, nothing checked): a key neither the
   table nor the host declares, an undeclared secret, a value the one
   grammar refuses, or a required option that is absent is each one line
   "FILE:LINE: [channel:NAME] key: what" in *report (malloc'd, NULL when
   clean; `report` may be NULL). SL_EINVALID with the first line in
   err->message and the key in err->field, SL_ENOMEM, or SL_OK. */
struct sl_option_table;
int config_check_options(const config_tenant *t, const config_channel *ch,
                         const struct sl_option_table *opts, char **report, sl_error *err);

/* The e-mail settings of a tenant's [documents] (values checked at load,
   config_mail.c; pointers borrowed from t):
     smtp_url = smtp://HOST[:PORT] | smtps://HOST[:PORT]
     smtp_starttls = required (default) | off (only localhost/127.0.0.1)
     smtp_user, smtp_password_file (or _env; the secret "smtp_password"),
     smtp_ca_file = PATH (TLS is always verified; default: system CAs),
     mail_from = Name <addr>, reply_to = Name <addr> (optional).
   SL_ENOTFOUND naming the key when smtp_url or mail_from is not set, or
   the password of smtp_user is missing. */
typedef struct config_mail {
    const char *url, *user, *password, *from, *reply_to, *ca_file;
    int starttls_required;
} config_mail;
int config_mail_get(const config_tenant *t, config_mail *out, sl_error *err);

/* Reads a secret file: refused (SL_EAUTH, message names the file and its
   mode) when group or world can read it. *out is malloc'd, trailing
   newline stripped. */
int config_read_secret_file(const char *path, char **out, sl_error *err);

#endif
