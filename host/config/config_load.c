/*
 * Loading: one INI file into a config_tenant, a directory of them into a
 * config_set, and the checks that span files (a tenant id or a database
 * path used twice). Also the small key/value helpers the parser shares,
 * and the frees, which wipe secrets before releasing them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_internal.h"
#include "shopledger/sdkutil.h"

int cfg_kv_push(config_kv **arr, size_t *count, const char *key, const char *value, int line)
{
    config_kv *a = realloc(*arr, (*count + 1) * sizeof *a);
    if (a == NULL)
        return -1;
    *arr = a;
    config_kv *kv = &a[*count];
    kv->key = strdup(key);
    kv->value = value ? strdup(value) : NULL;
    kv->line = line;
    if (kv->key == NULL || (value != NULL && kv->value == NULL)) {
        free(kv->key);
        free(kv->value);
        return -1;
    }
    (*count)++;
    return 0;
}

const config_kv *cfg_kv_find(const config_kv *arr, size_t count, const char *key)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(arr[i].key, key) == 0)
            return &arr[i];
    return NULL;
}

void cfg_secret_free(char *s)
{
    if (s != NULL) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

void cfg_kv_free(config_kv *arr, size_t count, int secret)
{
    for (size_t i = 0; i < count; i++) {
        free(arr[i].key);
        if (secret)
            cfg_secret_free(arr[i].value);
        else
            free(arr[i].value);
    }
    free(arr);
}

int cfg_read_fd(int fd, char *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    while (n < cap) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    return 0;
}

int cfg_set_str(char **slot, const char *value)
{
    char *c = strdup(value);
    if (c == NULL)
        return -1;
    free(*slot);
    *slot = c;
    return 0;
}

static void channel_free(config_channel *ch)
{
    free(ch->name);
    free(ch->plugin);
    cfg_list_free(ch->process_when, ch->process_when_count);
    free(ch->series);
    free(ch->warehouse);
    free(ch->price_group);
    free(ch->stock_sync);
    cfg_kv_free(ch->settings, ch->settings_count, 0);
    for (size_t i = 0; i < ch->map_count; i++) {
        free(ch->maps[i].name);
        cfg_kv_free(ch->maps[i].items, ch->maps[i].count, 0);
    }
    free(ch->maps);
    cfg_kv_free(ch->secrets, ch->secret_count, 1);
}

/* Frees what a tenant owns, not the struct (it may sit in an array). */
void cfg_tenant_clear(config_tenant *t)
{
    free(t->file);
    free(t->id);
    free(t->name);
    free(t->currency);
    free(t->database);
    free(t->timezone);
    free(t->listen);
    free(t->admin_listen);
    cfg_secret_free(t->admin_token);
    cfg_kv_free(t->accounts, t->account_count, 0);
    cfg_kv_free(t->documents, t->document_count, 1);
    for (size_t i = 0; i < t->channel_count; i++)
        channel_free(&t->channels[i]);
    free(t->channels);
    for (size_t i = 0; i < t->warehouse_count; i++) {
        free(t->warehouses[i].name);
        free(t->warehouses[i].label);
    }
    free(t->warehouses);
}

void config_tenant_free(config_tenant *t)
{
    if (t == NULL)
        return;
    cfg_tenant_clear(t);
    free(t);
}

void cfg_broken_clear(config_broken *b)
{
    free(b->file);
    free(b->id);
    cfg_secret_free(b->admin_token);
    free(b->error);
}

void config_set_free(config_set *set)
{
    if (set == NULL)
        return;
    for (size_t i = 0; i < set->count; i++)
        cfg_tenant_clear(&set->tenants[i]);
    free(set->tenants);
    for (size_t i = 0; i < set->broken_count; i++)
        cfg_broken_clear(&set->broken[i]);
    free(set->broken);
    free(set);
}

/* Reads the file into p->buf after checking kind and size. */
static int read_file(cfg_parse *p, char **buf)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; the kind
       check right after refuses it. */
    int fd = open(p->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        cfg_error_in(p, NULL, 1, NULL, "cannot read: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int rc = -1;
    char *data = NULL;
    size_t got = 0;
    if (!S_ISREG(st.st_mode))
        cfg_error_in(p, NULL, 1, NULL, "not a regular file");
    else if (st.st_size > CONFIG_MAX_FILE_BYTES)
        cfg_error_in(p, NULL, 1, NULL, "file is %lld bytes; the limit is %d", (long long)st.st_size,
                     CONFIG_MAX_FILE_BYTES);
    else if ((data = malloc((size_t)st.st_size + 1)) == NULL)
        p->oom = 1;
    else if (cfg_read_fd(fd, data, (size_t)st.st_size + 1, &got) != 0 || got != (size_t)st.st_size)
        cfg_error_in(p, NULL, 1, NULL, "file changed or failed while being read");
    else
        rc = 0;
    close(fd);
    if (rc != 0) {
        free(data);
        return rc;
    }
    p->ini_mode = (unsigned)(st.st_mode & 07777);
    p->len = got;
    *buf = data;
    return 0;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* What a file that failed still told: its id and admin token, so serve
   can answer its webhooks 503 and show its error to its own token. */
static void keep_broken(config_tenant *t, config_broken *b)
{
    if (b == NULL)
        return;
    b->id = t->id;
    t->id = NULL;
    b->admin_token = t->admin_token;
    t->admin_token = NULL;
}

int cfg_load_one(const char *path, config_tenant **out, cfg_text *text, sl_error *err)
{
    return cfg_load_one_keep(path, out, text, err, NULL);
}

int cfg_load_one_keep(const char *path, config_tenant **out, cfg_text *text, sl_error *err,
                      config_broken *broken)
{
    cfg_parse p = {.path = path, .report = text};
    char *buf = NULL;
    config_tenant *t = calloc(1, sizeof *t);
    p.dir = dir_of(path);
    if (t == NULL || p.dir == NULL || (t->file = strdup(path)) == NULL) {
        p.oom = 1;
    } else if (read_file(&p, &buf) == 0) {
        t->currency_exponent = -1;
        t->keep_deliveries_s = CONFIG_KEEP_DELIVERIES_DEFAULT_S;
        t->ini_private = (p.ini_mode & 077) == 0;
        p.t = t;
        p.buf = buf;
        cfg_parse_text(&p);
        if (!p.oom)
            cfg_validate(&p);
    }
    free(buf);
    free(p.dir);
    cfg_kv_free(p.seen, p.seen_count, 0);
    if (p.oom) {
        config_tenant_free(t);
        return sl_error_set(err, SL_ENOMEM, "", "%s: out of memory while loading", path);
    }
    if (p.errors > 0) {
        keep_broken(t, broken);
        config_tenant_free(t);
        if (err != NULL && err->size >= sizeof *err)
            *err = p.first;
        return SL_EINVALID;
    }
    *out = t;
    return SL_OK;
}

int config_load_file_report(const char *path, config_tenant **out, char **report, sl_error *err)
{
    cfg_text text = {0};
    if (report != NULL)
        *report = NULL;
    int rc = cfg_load_one(path, out, &text, err);
    if (report != NULL && !text.oom)
        *report = text.data;
    else
        free(text.data);
    return rc;
}

int config_load_file(const char *path, config_tenant **out, sl_error *err)
{
    return config_load_file_report(path, out, NULL, err);
}
