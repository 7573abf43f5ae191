/*
 * Tenant runtime: opens what a command or the server needs for one tenant.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loader/quarantine.h"
#include "runtime/runtime.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

static char g_installed[4096];
static int g_have_installed;
static pthread_once_t g_installed_once = PTHREAD_ONCE_INIT;

static void find_installed(void)
{
    g_have_installed =
        services_installed_dir(SL_INSTALL_PLUGIN_REL, g_installed, sizeof g_installed) == 0;
}

const char *runtime_plugin_dir(const char *override)
{
    if (override != NULL && override[0] != '\0')
        return override;
    const char *env = getenv("SHOPLEDGER_PLUGINS");
    if (env != NULL && env[0] != '\0')
        return env;
    pthread_once(&g_installed_once, find_installed);
    if (g_have_installed) /* an installed binary: its own tree's plugins */
        return g_installed;
    struct stat st;
    if (stat(SL_BUILD_PLUGIN_DIR, &st) == 0 && S_ISDIR(st.st_mode))
        return SL_BUILD_PLUGIN_DIR;
    return SL_INSTALL_PLUGIN_DIR;
}

/* Opens a context of `ch` on the already loaded plugin in rc->plugin:
   its own state connection (opened on first use), its own services
   context, channel_open (a copy's warnings unlogged). */
static int open_context(runtime_tenant *rt, runtime_channel *rc, const config_channel *ch, int copy,
                        sl_error *err)
{
    /* A context opens its state connection only if a call asks for state:
       most plugins never do, and a host of many idle tenants would hold a
       connection (descriptors, a parsed schema, a page cache) per context. */
    rc->ctx = services_ctx_new(rt->config, ch, NULL);
    if (rc->ctx == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    struct stat so;
    if (stat(rc->plugin->path, &so) == 0) /* for the call marker: which file ran */
        services_ctx_set_plugin_file(rc->ctx, rc->plugin->path,
                                     (int64_t)so.st_mtim.tv_sec * 1000000000LL +
                                         so.st_mtim.tv_nsec);
    services_ctx_open_store_lazily(rc->ctx, rt->config->database);
    services_ctx_set_errors_only(rc->ctx, copy);
    services_call_enter(rc->ctx, NULL);
    int r = rc->plugin->table->channel_open(services_table(), rc->ctx, &rc->state, err);
    services_call_end(rc->ctx);
    services_ctx_set_errors_only(rc->ctx, 0);
    if (r != SL_OK) {
        char inner[SL_ERROR_MSG_MAX];
        snprintf(inner, sizeof inner, "%s", err->message);
        sl_error_set(err, r, err->field, "channel %s (%s): %s", ch->name, ch->plugin, inner);
        rc->state = NULL;
    }
    return r;
}

/* Closes what open_context opened (the plugin stays loaded). */
static void close_context(runtime_channel *rc)
{
    if (rc->state != NULL)
        rc->plugin->table->channel_close(rc->state);
    services_ctx_free(rc->ctx);
    rc->state = NULL;
    rc->ctx = NULL;
}

static int open_channel(runtime_tenant *rt, runtime_channel *rc, const config_channel *ch,
                        const char *plugin_dir, sl_error *err)
{
    char path[4096];
    int r = loader_find(plugin_dir, ch->plugin, path, sizeof path, err);
    char reason[QUARANTINE_REASON_MAX];
    const char *state_dir = quarantine_enabled();
    if (r == SL_OK && state_dir != NULL &&
        quarantine_find(state_dir, ch->plugin, path, reason, sizeof reason)) {
        /* Crashed the last run: the channel opens stopped (quarantine.h). */
        services_log(NULL, SL_LOG_WARN, "tenant %s channel %s stays stopped: plugin %s %s",
                     rt->config->id, ch->name, ch->plugin, reason);
        rc->plugin = quarantine_standin(ch->plugin, path, reason);
        if (rc->plugin == NULL)
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
        return open_context(rt, rc, ch, 0, err);
    }
    if (r == SL_OK)
        r = loader_open(path, &rc->plugin, err);
    /* A plugin with an option table gets its section checked here, with
       file and line, before channel_open sees it. */
    if (r == SL_OK)
        r = config_check_options(rt->config, ch, loader_options(rc->plugin), NULL, err);
    if (r != SL_OK)
        return r;
    return open_context(rt, rc, ch, 0, err);
}

int runtime_channel_open_copy(runtime_tenant *rt, const runtime_channel *rc, runtime_channel *copy,
                              sl_error *err)
{
    memset(copy, 0, sizeof *copy);
    copy->config = rc->config;
    copy->plugin = rc->plugin;
    int r = open_context(rt, copy, rc->config, 1, err);
    if (r != SL_OK)
        runtime_channel_close_copy(copy);
    return r;
}

void runtime_channel_close_copy(runtime_channel *copy)
{
    close_context(copy);
    copy->plugin = NULL; /* borrowed from the original */
}

int runtime_open(const config_tenant *t, const char *plugin_dir, int open_plugins,
                 runtime_tenant **out, sl_error *err)
{
    runtime_tenant *rt = calloc(1, sizeof *rt);
    if (rt == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    rt->config = t;
    rt->channels = calloc(t->channel_count ? t->channel_count : 1, sizeof *rt->channels);
    if (rt->channels == NULL) {
        free(rt);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    int r = store_open(t->database, &rt->db, err);
    for (size_t i = 0; r == SL_OK && i < t->channel_count; i++) {
        runtime_channel *rc = &rt->channels[rt->channel_count++];
        rc->config = &t->channels[i];
        if (open_plugins)
            r = open_channel(rt, rc, &t->channels[i], runtime_plugin_dir(plugin_dir), err);
    }
    if (r != SL_OK) {
        runtime_close(rt);
        return r;
    }
    *out = rt;
    return SL_OK;
}

void runtime_close(runtime_tenant *rt)
{
    if (rt == NULL)
        return;
    for (size_t i = 0; i < rt->channel_count; i++) {
        runtime_channel *rc = &rt->channels[i];
        close_context(rc);
        loader_free(rc->plugin);
    }
    free(rt->channels);
    if (rt->db != NULL)
        store_close(rt->db);
    free(rt);
}

runtime_channel *runtime_channel_find(runtime_tenant *rt, const char *name)
{
    for (size_t i = 0; i < rt->channel_count; i++)
        if (strcmp(rt->channels[i].config->name, name) == 0)
            return &rt->channels[i];
    return NULL;
}
