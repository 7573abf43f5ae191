/*
 * Plugin loader: dlopen(RTLD_NOW | RTLD_LOCAL) a connector, resolve its one
 * entry symbol, and validate the table it returns before anything else in
 * the host touches it:
 *   - the table is at least as large as the first published one (1.0);
 *   - ABI major equals ours; the plugin's min_host_minor is <= our minor;
 *   - name and version are present;
 *   - capability flags and function slots agree (a flag without its slot,
 *     or a slot without its flag, is refused), and no unknown flag is set;
 *   - channel_open / channel_close are present;
 *   - an option table (1.3), when there is one, passes
 *     sl_options_check_table;
 *   - verify_webhook (1.4), when set, comes with parse_webhook.
 * Every refusal names the file and, for version mismatches, both versions.
 * Plugins stay loaded for the life of the process (no dlclose), so pointers
 * into them never dangle.
 */
#ifndef SL_LOADER_H
#define SL_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"

typedef struct loaded_plugin {
    char *path;             /* as opened */
    void *handle;           /* dlopen handle, never closed */
    const sl_plugin *table; /* the plugin's static table */
    size_t table_size;      /* table->size as reported */
} loaded_plugin;

/* Loads and validates one plugin file. *out is malloc'd (loader_free). */
int loader_open(const char *path, loaded_plugin **out, sl_error *err);
/* Frees the record; the library stays mapped (plugins are never unloaded). */
void loader_free(loaded_plugin *p);

/* Validation alone, for a table already in memory (tests, plugin check). */
int loader_validate(const sl_plugin *table, const char *path, sl_error *err);

/* The plugin's optional 1.1 slot, or NULL when its table predates it. */
typedef int (*loader_check_fn)(void *, sl_ctx *, sl_error *);
loader_check_fn loader_check_connection(const loaded_plugin *p);

/* The plugin's option table (1.3), or NULL when it has none: validated
   by loader_open. Static data of the plugin. */
const struct sl_option_table *loader_options(const loaded_plugin *p);

/* The plugin's optional 1.4 signature check, or NULL when its table
   predates it or leaves it unset (then parse_webhook alone decides). */
typedef int (*loader_verify_fn)(void *, sl_ctx *, const sl_request *, int *, sl_error *);
loader_verify_fn loader_verify_webhook(const sl_plugin *t);

/* Finds NAME.so in `dir`; writes the path into buf. */
int loader_find(const char *dir, const char *name, char *buf, size_t buflen, sl_error *err);

/* Names of the capability bits set in caps, comma separated, into buf. */
char *loader_caps_text(uint64_t caps, char *buf, size_t buflen);
/* Name of one capability bit ("fetch_orders", ...), or NULL. */
const char *loader_cap_name(uint64_t bit);

#endif
