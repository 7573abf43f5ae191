/*
 * A tenant at run time: its config, its open store and, per channel, the
 * loaded plugin with its open channel state and call context. The CLI
 * commands and the server build one of these per tenant they touch.
 */
#ifndef SL_RUNTIME_H
#define SL_RUNTIME_H

#include "shopledger/sdk.h"
#include "config/config.h"
#include "loader/loader.h"
#include "store/store.h"

typedef struct runtime_channel {
    const config_channel *config;
    loaded_plugin *plugin; /* NULL when open_plugins was 0 */
    void *state;           /* the plugin's channel state */
    /* The context holds the plugin's own connection for state_get/put,
       opened on first use: plugin calls run on whichever thread serves
       the channel (HTTP, scheduler), never on the tenant writer's
       connection, which only the writer thread may use. */
    sl_ctx *ctx;
} runtime_channel;

typedef struct runtime_tenant {
    const config_tenant *config;
    store *db;
    runtime_channel *channels;
    size_t channel_count;
} runtime_tenant;

/* Opens the tenant's store and, when `open_plugins`, loads each channel's
   plugin from `plugin_dir` and opens the channel. */
int runtime_open(const config_tenant *t, const char *plugin_dir, int open_plugins,
                 runtime_tenant **out, sl_error *err);
void runtime_close(runtime_tenant *rt);
runtime_channel *runtime_channel_find(runtime_tenant *rt, const char *name);

/* Opens one more context of an open channel `rc` into `copy`: the same
   plugin and config, its own plugin state and services context, and its
   own state connection, opened when a call first uses state. The server parses one channel's
   webhooks on several threads this way; each context is still used by one thread at a time (sdk.h).
   Close copies with runtime_channel_close_copy before runtime_close. */
int runtime_channel_open_copy(runtime_tenant *rt, const runtime_channel *rc, runtime_channel *copy,
                              sl_error *err);
void runtime_channel_close_copy(runtime_channel *copy);

/* The plugin directory to use: `override` if set, else
   $SHOPLEDGER_PLUGINS, else the plugins of the install tree the running
   binary sits in (PREFIX/bin -> PREFIX/lib/shopledger/plugins, whatever
   prefix it was installed to), else the build tree's plugins/ when it
   exists, else the prefix configured at build time. */
const char *runtime_plugin_dir(const char *override);

#endif
