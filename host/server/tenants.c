/*
 * serve's tenant set: every tenant that can run is opened (store, plugins,
 * writer, checkpointer), one that cannot is kept as "broken" with its
 * first error, so one tenant's mistake never stops the others. SIGHUP
 * re-reads conf.d (server_tenants_reload):
 *   - a tenant that is not running (broken before, or a new file) and now
 *     loads and opens is started;
 *   - a running tenant keeps running on the configuration it started
 *     with: when its file is now broken it is listed as running on its
 *     last good configuration with the file's error; other changes to a
 *     running tenant (and removing its file) take effect at a restart.
 * Running tenants sit in slots that never move: chunks of
 * SERVER_TENANT_CHUNK allocated as tenants start, up to CONFIG_MAX_TENANTS
 * (an idle host with a few tenants does not pay for the cap); a started
 * tenant is published by raising tenant_count after its slot is complete,
 * so the HTTP and scheduler threads read the slots without a lock. The broken list is replaced
 * whole under broken_lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

static void close_tenant(server_tenant *st)
{
    if (st->channel_locks != NULL) {
        writer_stop(st);
        checkpoint_stop(st);
        hook_lanes_close(st);
        for (size_t c = 0; c < st->rt->channel_count; c++)
            pthread_mutex_destroy(&st->channel_locks[c]);
        free(st->channel_locks);
        st->channel_locks = NULL;
    }
    runtime_close(st->rt);
    st->rt = NULL;
    pthread_mutex_destroy(&st->notes.lock);
}

/* Opens tenant t into slot st (zeroed); on failure the slot is zeroed
   again and nothing stays open. */
static int open_tenant(server_state *s, server_tenant *st, size_t slot, const config_tenant *t,
                       sl_error *err)
{
    int r = runtime_open(t, s->opt->plugin_dir, 1, &st->rt, err);
    if (r != SL_OK) {
        memset(st, 0, sizeof *st);
        return r;
    }
    st->admin_token = t->admin_token;
    pthread_mutex_init(&st->notes.lock, NULL);
    st->channel_locks = calloc(st->rt->channel_count + 1, sizeof *st->channel_locks);
    if (st->channel_locks == NULL) {
        runtime_close(st->rt);
        pthread_mutex_destroy(&st->notes.lock);
        memset(st, 0, sizeof *st);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    for (size_t c = 0; c < st->rt->channel_count; c++)
        pthread_mutex_init(&st->channel_locks[c], NULL);
    if ((r = hook_lanes_open(st, err)) == SL_OK &&
        (r = checkpoint_start(st, s->checkpointer, err)) == SL_OK)
        scheduler_tenant_init(st, slot, st->rt->db);
    if (r != SL_OK || (r = writer_start(s, st, err)) != SL_OK) {
        checkpoint_stop(st);
        hook_lanes_close(st);
        for (size_t c = 0; c < st->rt->channel_count; c++)
            pthread_mutex_destroy(&st->channel_locks[c]);
        free(st->channel_locks);
        runtime_close(st->rt);
        pthread_mutex_destroy(&st->notes.lock);
        memset(st, 0, sizeof *st);
    }
    return r;
}

/* FNV-1a: where an id's probe starts in the tenant index. */
static size_t index_home(const char *id)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (size_t)(h % SERVER_TENANT_INDEX);
}

/* Main thread, before the slot is published: readers that find the
   entry early see a slot not below tenant_count and pass it by. */
static void index_add(server_state *s, const char *id, size_t slot)
{
    size_t k = index_home(id);
    while (atomic_load(&s->tenant_index[k]) != 0)
        k = (k + 1) % SERVER_TENANT_INDEX; /* at most half full: a free one comes */
    atomic_store(&s->tenant_index[k], slot + 1);
}

server_tenant *server_find_tenant(server_state *s, const char *id)
{
    size_t n = atomic_load(&s->tenant_count);
    for (size_t k = index_home(id), probes = 0; probes < SERVER_TENANT_INDEX; probes++) {
        size_t v = atomic_load(&s->tenant_index[k]);
        if (v == 0)
            return NULL;
        if (v - 1 < n && strcmp(server_tenant_at(s, v - 1)->rt->config->id, id) == 0)
            return server_tenant_at(s, v - 1);
        k = (k + 1) % SERVER_TENANT_INDEX;
    }
    return NULL;
}

/* Allocates the chunk holding `slot` when it is the chunk's first (main
   thread; readers see it only through a raised tenant_count). */
static int have_chunk(server_state *s, size_t slot, sl_error *err)
{
    server_tenant **c = &s->tenant_chunks[slot / SERVER_TENANT_CHUNK];
    if (*c == NULL && (*c = calloc(SERVER_TENANT_CHUNK, sizeof **c)) == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    return SL_OK;
}

static server_tenant *running_by_file(server_state *s, const char *file)
{
    size_t n = atomic_load(&s->tenant_count);
    for (size_t i = 0; i < n; i++)
        if (strcmp(server_tenant_at(s, i)->rt->config->file, file) == 0)
            return server_tenant_at(s, i);
    return NULL;
}

static void broken_free(server_broken *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(b[i].id);
        free(b[i].file);
        if (b[i].admin_token != NULL)
            explicit_bzero(b[i].admin_token, strlen(b[i].admin_token));
        free(b[i].admin_token);
        free(b[i].error);
    }
    free(b);
}

/* The broken list being built by one load. */
typedef struct broken_list {
    server_broken *items;
    size_t count;
} broken_list;

static void broken_push(broken_list *l, const char *id, const char *file, const char *token,
                        const char *error, int running)
{
    server_broken *grown = realloc(l->items, (l->count + 1) * sizeof *grown);
    if (grown == NULL)
        return; /* out of memory: the log line below still says it */
    l->items = grown;
    server_broken *b = &l->items[l->count++];
    b->id = id ? strdup(id) : NULL;
    b->file = strdup(file);
    b->admin_token = token ? strdup(token) : NULL;
    b->error = strdup(error);
    b->running = running;
}

/* A fixed tenant must use the listener already bound: one cannot be
   moved without a restart. */
static int listen_fits(server_state *s, const config_tenant *t, sl_error *err)
{
    if (t->listen == NULL || s->listen_text == NULL || strcmp(t->listen, s->listen_text) == 0)
        return SL_OK;
    return sl_error_set(err, SL_EINVALID, "listen",
                        "%s:%d: [tenant] listen: '%s' differs from the running listener "
                        "'%s'; restart serve to change it",
                        t->file, t->listen_line, t->listen, s->listen_text);
}

/* Starts every tenant of `set` that is not running yet; the others of
   set->tenants are checked only for a broken file. Returns how many
   started. */
static size_t start_new(server_state *s, const config_set *set, broken_list *bl)
{
    size_t started = 0;
    for (size_t i = 0; i < set->count; i++) {
        const config_tenant *t = &set->tenants[i];
        if (running_by_file(s, t->file) != NULL)
            continue;
        server_tenant *other = server_find_tenant(s, t->id);
        if (other != NULL) { /* a new file with the id of a running tenant */
            char why[SL_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s:%d: [tenant] id: '%s' is already served from %s", t->file,
                     t->id_line, t->id, other->rt->config->file);
            services_log(NULL, SL_LOG_ERROR, "tenant %s (%s) is not served: %s", t->id, t->file,
                         why);
            broken_push(bl, NULL, t->file, NULL, why, 0);
            continue;
        }
        size_t slot = atomic_load(&s->tenant_count);
        sl_error err = {.size = sizeof err};
        int r = slot >= CONFIG_MAX_TENANTS
                    ? sl_error_set(&err, SL_ETOOBIG, "", "more than %d tenants", CONFIG_MAX_TENANTS)
                    : listen_fits(s, t, &err);
        if (r == SL_OK)
            r = have_chunk(s, slot, &err);
        if (r == SL_OK)
            r = open_tenant(s, server_tenant_at(s, slot), slot, t, &err);
        if (r != SL_OK) {
            services_log(NULL, SL_LOG_ERROR, "tenant %s (%s) is not served: %s", t->id, t->file,
                         err.message);
            broken_push(bl, t->id, t->file, t->admin_token, err.message, 0);
            continue;
        }
        index_add(s, t->id, slot);
        atomic_store(&s->tenant_count, slot + 1); /* published: the slot is complete */
        services_log(NULL, SL_LOG_INFO, "tenant %s (%s) is served", t->id, t->file);
        started++;
    }
    return started;
}

/* Lists the files of `set` that failed to load. */
static void note_broken_files(server_state *s, const config_set *set, broken_list *bl)
{
    for (size_t i = 0; i < set->broken_count; i++) {
        const config_broken *b = &set->broken[i];
        server_tenant *st = running_by_file(s, b->file);
        if (st == NULL && b->id != NULL)
            st = server_find_tenant(s, b->id);
        if (st != NULL)
            services_log(NULL, SL_LOG_ERROR,
                         "tenant %s keeps running on its last good configuration; %s",
                         st->rt->config->id, b->error);
        else
            services_log(NULL, SL_LOG_ERROR, "tenant %s (%s) is not served: %s",
                         b->id ? b->id : "?", b->file, b->error);
        broken_push(bl, st ? st->rt->config->id : b->id, b->file,
                    st ? st->admin_token : b->admin_token, b->error, st != NULL);
    }
}

static void set_broken(server_state *s, broken_list *bl)
{
    pthread_mutex_lock(&s->broken_lock);
    server_broken *old = s->broken;
    size_t old_count = s->broken_count;
    s->broken = bl->items;
    s->broken_count = bl->count;
    pthread_mutex_unlock(&s->broken_lock);
    broken_free(old, old_count);
}

/* Starts what `set` can start and replaces the broken list; keeps `set`
   (owned: freed here when no tenant came from it). */
static size_t apply_set(server_state *s, config_set *set, int owned)
{
    broken_list bl = {0};
    size_t started = start_new(s, set, &bl);
    note_broken_files(s, set, &bl);
    set_broken(s, &bl);
    if (!owned)
        return started;
    config_set **grown = started ? realloc(s->sets, (s->set_count + 1) * sizeof *grown) : NULL;
    if (grown != NULL) {
        s->sets = grown;
        s->sets[s->set_count++] = set;
    } else if (started == 0) {
        config_set_free(set);
    } else {
        /* The started tenants point into set: keep it, leaked, rather
           than free what they use. */
        services_log(NULL, SL_LOG_ERROR, "reload: out of memory keeping the configuration");
    }
    return started;
}

/* The writer pool's size: --writer-threads, else the cores, at least 2
   (a tenant's flush runs beside its next group commit, as the syncer
   thread did) and at most SERVER_WRITER_THREADS_MAX. */
static int writer_threads(const server_options *opt)
{
    if (opt->writer_threads > 0)
        return opt->writer_threads;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 2                           ? 2
           : cores > SERVER_WRITER_THREADS_MAX ? SERVER_WRITER_THREADS_MAX
                                               : (int)cores;
}

int server_tenants_start(server_state *s, const config_set *cfg, sl_error *err)
{
    pthread_mutex_init(&s->broken_lock, NULL);
    s->writers = pool_new("sl-writer", writer_threads(s->opt), err);
    s->parsers = s->writers ? pool_new("sl-parse", writer_threads(s->opt), err) : NULL;
    s->checkpointer = s->parsers ? pool_new("sl-checkpoint", 1, err) : NULL;
    if (s->checkpointer == NULL)
        return err->code;
    s->tenant_chunks =
        calloc(CONFIG_MAX_TENANTS / SERVER_TENANT_CHUNK + 1, sizeof *s->tenant_chunks);
    s->tenant_index = calloc(SERVER_TENANT_INDEX, sizeof *s->tenant_index);
    if (s->tenant_chunks == NULL || s->tenant_index == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    apply_set(s, (config_set *)cfg, 0);
    if (atomic_load(&s->tenant_count) == 0)
        return sl_error_set(err, SL_EINVALID, "", "no tenant can be served (%zu broken)",
                            s->broken_count);
    return SL_OK;
}

void server_tenants_reload(server_state *s)
{
    config_set *set = NULL;
    sl_error err = {.size = sizeof err};
    if (s->opt->conf_dir == NULL ||
        config_load_dir_partial(s->opt->conf_dir, &set, NULL, &err) != SL_OK) {
        services_log(NULL, SL_LOG_ERROR, "reload: %s; nothing changed",
                     s->opt->conf_dir ? err.message : "no configuration directory");
        return;
    }
    size_t started = apply_set(s, set, 1);
    services_log(NULL, SL_LOG_INFO, "reload: %zu tenant(s) started, %zu served, %zu broken",
                 started, (size_t)atomic_load(&s->tenant_count), s->broken_count);
}

void server_tenants_close(server_state *s)
{
    size_t n = atomic_load(&s->tenant_count);
    /* The pools first: each tenant then finishes its own queue in
       close_tenant, with no pool thread beside it. */
    pool_stop(s->writers);
    pool_stop(s->parsers);
    pool_stop(s->checkpointer);
    for (size_t i = 0; s->tenant_chunks != NULL && i < n; i++)
        close_tenant(server_tenant_at(s, i));
    pool_free(s->writers);
    pool_free(s->parsers);
    pool_free(s->checkpointer);
    s->writers = s->parsers = s->checkpointer = NULL;
    for (size_t c = 0; s->tenant_chunks != NULL && c <= CONFIG_MAX_TENANTS / SERVER_TENANT_CHUNK;
         c++)
        free(s->tenant_chunks[c]);
    free(s->tenant_chunks);
    free(s->tenant_index);
    broken_free(s->broken, s->broken_count);
    for (size_t i = 0; i < s->set_count; i++)
        config_set_free(s->sets[i]);
    free(s->sets);
    pthread_mutex_destroy(&s->broken_lock);
}

int server_tenant_broken(server_state *s, const char *id)
{
    int found = 0;
    pthread_mutex_lock(&s->broken_lock);
    for (size_t i = 0; i < s->broken_count && !found; i++)
        found = !s->broken[i].running && s->broken[i].id && strcmp(s->broken[i].id, id) == 0;
    pthread_mutex_unlock(&s->broken_lock);
    return found;
}

int server_broken_token(server_state *s, const char *given,
                        int (*token_ok)(const char *given, const char *want))
{
    int found = 0;
    pthread_mutex_lock(&s->broken_lock);
    for (size_t i = 0; i < s->broken_count && !found; i++)
        found = token_ok(given, s->broken[i].admin_token);
    pthread_mutex_unlock(&s->broken_lock);
    return found;
}
