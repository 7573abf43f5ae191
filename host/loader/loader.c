/*
 * Plugin loader. See loader.h for the rules a plugin table must meet.
 *
 * Why RTLD_NOW: an unresolved symbol should fail at load, with a message,
 * not later in the middle of an order. Why RTLD_LOCAL: two connectors may
 * carry same-named internal symbols; neither may leak into the other.
 * Why never dlclose: the host keeps pointers into plugin static data (name,
 * version, tables); unloading would leave them dangling.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loader/loader.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

typedef struct cap_slot {
    uint64_t bit;
    const char *name;
    size_t offset; /* of the function slot in sl_plugin */
} cap_slot;

/* Every capability of the SDK's list with the slot it promises. */
#define SLOT(name, bit, key, field) {name, key, offsetof(sl_plugin, field)},
static const cap_slot CAP_SLOTS[] = {SL_CAPABILITIES(SLOT)};
#undef SLOT
#define CAP_SLOT_COUNT (sizeof CAP_SLOTS / sizeof CAP_SLOTS[0])

/* Reads a function-pointer slot by offset; a slot beyond the plugin's own
   table (built against an older header) is absent, never read. */
static int slot_present(const sl_plugin *t, size_t offset)
{
    void (*fn)(void);
    if (t->size < offset + sizeof fn)
        return 0;
    memcpy(&fn, (const char *)t + offset, sizeof fn);
    return fn != NULL;
}

const char *loader_cap_name(uint64_t bit)
{
    for (size_t i = 0; i < CAP_SLOT_COUNT; i++)
        if (CAP_SLOTS[i].bit == bit)
            return CAP_SLOTS[i].name;
    return NULL;
}

char *loader_caps_text(uint64_t caps, char *buf, size_t buflen)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < CAP_SLOT_COUNT && used < buflen; i++) {
        if (!(caps & CAP_SLOTS[i].bit))
            continue;
        int n = snprintf(buf + used, buflen - used, "%s%s", used ? "," : "", CAP_SLOTS[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

static int check_versions(const sl_plugin *t, const char *path, sl_error *err)
{
    if (t->abi_major != SL_ABI_MAJOR)
        return sl_error_set(err, SL_EUNSUPPORTED, "abi_major",
                            "%s: plugin built for SDK ABI %u.%u, host speaks %d.%d "
                            "(major must match; rebuild the plugin)",
                            path, t->abi_major, t->abi_minor, SL_ABI_MAJOR, SL_ABI_MINOR);
    if (t->min_host_minor > SL_ABI_MINOR)
        return sl_error_set(err, SL_EUNSUPPORTED, "min_host_minor",
                            "%s: plugin (ABI %u.%u) needs host ABI >= %u.%u, "
                            "host is %d.%d (upgrade shopledger)",
                            path, t->abi_major, t->abi_minor, t->abi_major, t->min_host_minor,
                            SL_ABI_MAJOR, SL_ABI_MINOR);
    if (t->min_host_minor > t->abi_minor)
        return sl_error_set(err, SL_EINVALID, "min_host_minor",
                            "%s: min_host_minor %u is above the plugin's own "
                            "ABI minor %u",
                            path, t->min_host_minor, t->abi_minor);
    return SL_OK;
}

static int check_caps(const sl_plugin *t, const char *path, sl_error *err)
{
    if (t->caps & ~(uint64_t)SL_CAP_ALL_V1_5)
        return sl_error_set(err, SL_EUNSUPPORTED, "caps", "%s: unknown capability bits 0x%llx",
                            path, (unsigned long long)(t->caps & ~(uint64_t)SL_CAP_ALL_V1_5));
    for (size_t i = 0; i < CAP_SLOT_COUNT; i++) {
        int flagged = (t->caps & CAP_SLOTS[i].bit) != 0;
        int present = slot_present(t, CAP_SLOTS[i].offset);
        if (flagged && !present)
            return sl_error_set(err, SL_EINVALID, CAP_SLOTS[i].name,
                                "%s: declares capability %s but its function "
                                "slot is NULL",
                                path, CAP_SLOTS[i].name);
        if (!flagged && present)
            return sl_error_set(err, SL_EINVALID, CAP_SLOTS[i].name,
                                "%s: sets function %s without declaring its "
                                "capability",
                                path, CAP_SLOTS[i].name);
    }
    /* A payment request is useless without reading the buyer's return. */
    if ((t->caps & SL_CAP_REQUEST_PAYMENT) && !slot_present(t, offsetof(sl_plugin, parse_return)))
        return sl_error_set(err, SL_EINVALID, "parse_return",
                            "%s: declares request_payment without parse_return", path);
    return SL_OK;
}

/* A 1.3 table's option table, checked by the SDK's own rules. */
static int check_options(const sl_plugin *t, const char *path, sl_error *err)
{
    if (!SL_HAS_FIELD(t, options) || t->options == NULL)
        return SL_OK;
    sl_error inner = {.size = sizeof inner};
    if (sl_options_check_table(t->options, &inner) != SL_OK)
        return sl_error_set(err, SL_EINVALID, inner.field, "%s: %s", path, inner.message);
    return SL_OK;
}

int loader_validate(const sl_plugin *t, const char *path, sl_error *err)
{
    if (t == NULL)
        return sl_error_set(err, SL_EINVALID, "sl_plugin_entry",
                            "%s: sl_plugin_entry returned NULL", path);
    /* Fields up to abi_minor exist in every table; read them before the
       size check so a size refusal can still name the versions. */
    if (t->size < offsetof(sl_plugin, min_host_minor))
        return sl_error_set(err, SL_EINVALID, "size",
                            "%s: plugin table of %zu bytes is not an SDK v1 table", path, t->size);
    int rc = check_versions(t, path, err);
    if (rc != SL_OK)
        return rc;
    if (t->size < SL_PLUGIN_SIZE_V1_0)
        return sl_error_set(err, SL_EINVALID, "size",
                            "%s: plugin table of %zu bytes is smaller than the "
                            "ABI 1.0 table (%zu bytes)",
                            path, t->size, (size_t)SL_PLUGIN_SIZE_V1_0);
    if (t->name == NULL || t->name[0] == '\0' || t->version == NULL)
        return sl_error_set(err, SL_EINVALID, "name", "%s: plugin table lacks a name or version",
                            path);
    if (t->channel_open == NULL || t->channel_close == NULL)
        return sl_error_set(err, SL_EINVALID, "channel_open",
                            "%s: plugin table lacks channel_open/channel_close", path);
    rc = check_caps(t, path, err);
    if (rc == SL_OK)
        rc = check_options(t, path, err);
    /* A signature check alone would take deliveries nobody can parse. */
    if (rc == SL_OK && loader_verify_webhook(t) != NULL && t->parse_webhook == NULL)
        rc = sl_error_set(err, SL_EINVALID, "verify_webhook",
                          "%s: sets verify_webhook without parse_webhook", path);
    return rc;
}

loader_verify_fn loader_verify_webhook(const sl_plugin *t)
{
    if (!SL_HAS_FIELD(t, verify_webhook))
        return NULL;
    return t->verify_webhook;
}

const sl_option_table *loader_options(const loaded_plugin *p)
{
    const sl_plugin *t = p->table;
    return SL_HAS_FIELD(t, options) ? t->options : NULL;
}

loader_check_fn loader_check_connection(const loaded_plugin *p)
{
    const sl_plugin *t = p->table;
    if (!SL_HAS_FIELD(t, check_connection))
        return NULL;
    return t->check_connection;
}

static int check_file(const char *path, sl_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return sl_error_set(err, SL_ENOTFOUND, "path", "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return sl_error_set(err, SL_EINVALID, "path", "%s: not a regular file", path);
    if (strlen(path) > 4096)
        return sl_error_set(err, SL_EINVALID, "path", "plugin path too long");
    return SL_OK;
}

int loader_open(const char *path, loaded_plugin **out, sl_error *err)
{
    int rc = check_file(path, err);
    if (rc != SL_OK)
        return rc;
    dlerror();
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL)
        return sl_error_set(err, SL_EINVALID, "path",
                            "%s: not a loadable plugin: %s (check `ldd %s`)", path, dlerror(),
                            path);
    /* POSIX: a function pointer round-trips through the object pointer
       dlsym returns; memcpy avoids the pedantic cast warning. */
    void *sym = dlsym(handle, SL_PLUGIN_ENTRY_SYMBOL);
    if (sym == NULL)
        return sl_error_set(err, SL_EINVALID, SL_PLUGIN_ENTRY_SYMBOL,
                            "%s: not a shopledger plugin (no %s symbol)", path,
                            SL_PLUGIN_ENTRY_SYMBOL);
    sl_plugin_entry_fn entry;
    memcpy(&entry, &sym, sizeof entry);
    const sl_plugin *table = entry();
    rc = loader_validate(table, path, err);
    if (rc != SL_OK)
        return rc;
    loaded_plugin *p = calloc(1, sizeof *p);
    char *copy = strdup(path);
    if (p == NULL || copy == NULL) {
        free(p);
        free(copy);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    p->path = copy;
    p->handle = handle;
    p->table = table;
    p->table_size = table->size;
    *out = p;
    return SL_OK;
}

void loader_free(loaded_plugin *p)
{
    if (p == NULL)
        return;
    free(p->path);
    free(p);
}

int loader_find(const char *dir, const char *name, char *buf, size_t buflen, sl_error *err)
{
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
            return sl_error_set(err, SL_EINVALID, "plugin",
                                "plugin name '%s' may hold only a-z 0-9 _ -", name);
    int n = snprintf(buf, buflen, "%s/%s.so", dir, name);
    if (n < 0 || (size_t)n >= buflen)
        return sl_error_set(err, SL_ETOOBIG, "plugin", "plugin path too long");
    struct stat st;
    if (stat(buf, &st) != 0)
        return sl_error_set(err, SL_ENOTFOUND, "plugin", "plugin '%s' not found: %s does not exist",
                            name, buf);
    return SL_OK;
}
