/*
 * The tenant set: every *.ini of a directory, in name order, each loaded
 * alone, then the checks that only the whole set can make (a tenant id or
 * a database path must belong to one file). Every file is loaded even
 * after one fails, so a single run reports every mistake of the set.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "shopledger/sdkutil.h"

typedef struct name_list {
    char **names;
    size_t count;
} name_list;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_ini(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".ini") == 0;
}

static void names_free(name_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->names[i]);
    free(l->names);
}

/* Lists the *.ini names of dir, sorted; errors go to p (path = dir). */
static int list_ini(cfg_parse *p, const char *dir, name_list *out)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        cfg_error_in(p, NULL, 0, NULL, "cannot open the configuration directory: %s",
                     strerror(errno));
        return -1;
    }
    name_list l = {0};
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!is_ini(e->d_name))
            continue;
        if (l.count >= CONFIG_MAX_TENANTS) {
            cfg_error_in(p, NULL, 0, NULL, "more than %d tenant files", CONFIG_MAX_TENANTS);
            rc = -1;
            break;
        }
        char **n = realloc(l.names, (l.count + 1) * sizeof *n);
        if (n == NULL || (n[l.count] = strdup(e->d_name)) == NULL) {
            if (n != NULL)
                l.names = n;
            p->oom = 1;
            rc = -1;
            break;
        }
        l.names = n;
        l.count++;
    }
    closedir(d);
    if (rc != 0) {
        names_free(&l);
        return rc;
    }
    if (l.count > 0)
        qsort(l.names, l.count, sizeof *l.names, by_name);
    *out = l;
    return 0;
}

/* A host-level key of tenant i that differs from the first earlier
   tenant setting it: refused at i's line (the listeners are one setting
   of the host, so a second value would be silently ignored). */
static void host_key_check(cfg_parse *p, const config_tenant *ts, size_t i, const char *key,
                           const char *(*value)(const config_tenant *),
                           int (*line)(const config_tenant *))
{
    const char *mine = value(&ts[i]);
    if (mine == NULL)
        return;
    for (size_t j = 0; j < i; j++) {
        const char *theirs = value(&ts[j]);
        if (theirs == NULL)
            continue;
        if (strcmp(mine, theirs) != 0)
            cfg_error_in(p, "tenant", line(&ts[i]), key,
                         "'%s' differs from '%s' set at %s:%d; %s is one setting of the "
                         "whole host",
                         mine, theirs, ts[j].file, line(&ts[j]), key);
        return;
    }
}

static const char *listen_of(const config_tenant *t)
{
    return t->listen;
}
static int listen_line_of(const config_tenant *t)
{
    return t->listen_line;
}
static const char *admin_listen_of(const config_tenant *t)
{
    return t->admin_listen;
}
static int admin_listen_line_of(const config_tenant *t)
{
    return t->admin_listen_line;
}
static const char *admin_public_of(const config_tenant *t)
{
    return t->admin_public_line == 0 ? NULL : t->admin_public ? "yes" : "no";
}
static int admin_public_line_of(const config_tenant *t)
{
    return t->admin_public_line;
}

/* Checks tenant i against the tenants before it: an id or database path
   an earlier tenant already has, or a host-level key set differently.
   Returns the number of errors, the first in *first. */
static int cross_check_one(const config_tenant *ts, size_t i, cfg_text *text, sl_error *first)
{
    cfg_parse p = {.path = ts[i].file, .report = text};
    int db_line = ts[i].database_line ? ts[i].database_line : ts[i].id_line;
    for (size_t j = 0; j < i; j++) {
        if (strcmp(ts[i].id, ts[j].id) == 0)
            cfg_error_in(&p, "tenant", ts[i].id_line, "id",
                         "'%s' is already the id of the tenant in %s", ts[i].id, ts[j].file);
        if (strcmp(ts[i].database, ts[j].database) == 0)
            cfg_error_in(&p, "tenant", db_line, "database",
                         "'%s' is already the database of the tenant in %s", ts[i].database,
                         ts[j].file);
    }
    host_key_check(&p, ts, i, "listen", listen_of, listen_line_of);
    host_key_check(&p, ts, i, "admin_listen", admin_listen_of, admin_listen_line_of);
    host_key_check(&p, ts, i, "admin_public", admin_public_of, admin_public_line_of);
    if (p.errors > 0)
        *first = p.first;
    return p.errors;
}

/* Refuses what cross_check_one finds; returns the number of tenants
   refused, the first reason in *first. */
static int cross_check(const config_tenant *ts, size_t n, cfg_text *text, sl_error *first)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        sl_error e = {.size = sizeof e};
        if (cross_check_one(ts, i, text, &e) > 0 && bad++ == 0)
            *first = e;
    }
    return bad;
}

/* Records a file that failed; its id and token are already in *b. */
static int broken_add(config_set *set, config_broken *b, const char *file, const char *why)
{
    config_broken *grown = realloc(set->broken, (set->broken_count + 1) * sizeof *grown);
    if (grown != NULL)
        set->broken = grown;
    if (grown == NULL || (b->file = strdup(file)) == NULL || (b->error = strdup(why)) == NULL) {
        cfg_broken_clear(b);
        return -1;
    }
    set->broken[set->broken_count++] = *b;
    return 0;
}

/* Loads every file of the list into ts; returns how many failed, the
   first reason in *first. With `set`, each failed file is also kept in
   set->broken (a failure to keep it is SL_ENOMEM in *first). */
static int load_all(const char *dir, const name_list *l, config_tenant *ts, size_t *n,
                    cfg_text *text, sl_error *first, config_set *set)
{
    int failed = 0;
    for (size_t i = 0; i < l->count; i++) {
        size_t len = strlen(dir) + strlen(l->names[i]) + 2;
        char *path = malloc(len);
        config_tenant *t = NULL;
        config_broken b = {0};
        sl_error e = {.size = sizeof e};
        if (path == NULL) {
            sl_error_set(&e, SL_ENOMEM, "", "out of memory");
        } else {
            snprintf(path, len, "%s/%s", dir, l->names[i]);
            if (cfg_load_one_keep(path, &t, text, &e, set ? &b : NULL) == SL_OK) {
                ts[(*n)++] = *t;
                free(t); /* its members now belong to the array */
            }
        }
        if (t == NULL && set != NULL && e.code != SL_ENOMEM) {
            if (broken_add(set, &b, path, e.message) != 0) /* b is taken or cleared */
                sl_error_set(&e, SL_ENOMEM, "", "out of memory");
        } else {
            cfg_broken_clear(&b);
        }
        free(path);
        if (t == NULL && (failed++ == 0 || e.code == SL_ENOMEM))
            *first = e;
    }
    return failed;
}

/* Partial mode: moves every tenant the cross-file checks refuse from ts
   into set->broken (checking each against the tenants kept before it). */
static int split_refused(config_tenant *ts, size_t *n, cfg_text *text, config_set *set)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        ts[kept] = ts[i];
        sl_error e = {.size = sizeof e};
        if (cross_check_one(ts, kept, text, &e) == 0) {
            kept++;
            continue;
        }
        config_broken b = {.id = ts[kept].id, .admin_token = ts[kept].admin_token};
        ts[kept].id = NULL;
        ts[kept].admin_token = NULL;
        int rc = broken_add(set, &b, ts[kept].file, e.message);
        cfg_tenant_clear(&ts[kept]);
        if (rc != 0) {
            for (size_t j = i + 1; j < *n; j++)
                cfg_tenant_clear(&ts[j]);
            *n = kept;
            return -1;
        }
    }
    *n = kept;
    return 0;
}

static int finish(cfg_text *text, char **report, sl_error *err, const sl_error *first)
{
    if (first->code == SL_ENOMEM)
        cfg_text_add(text, first->message);
    if (report != NULL && !text->oom)
        *report = text->data;
    else
        free(text->data);
    if (err != NULL && err->size >= sizeof *err && first->code != SL_OK)
        *err = *first;
    return first->code;
}

int config_load_dir(const char *dir, config_set **out, char **report, sl_error *err)
{
    cfg_text text = {0};
    cfg_parse p = {.path = dir, .report = &text};
    sl_error first = {.size = sizeof first};
    name_list l = {0};
    config_tenant *ts = NULL;
    size_t n = 0;
    if (report != NULL)
        *report = NULL;
    if (list_ini(&p, dir, &l) != 0) {
        first = p.first;
        if (p.oom)
            sl_error_set(&first, SL_ENOMEM, "", "out of memory");
    } else if (l.count > 0 && (ts = calloc(l.count, sizeof *ts)) == NULL) {
        sl_error_set(&first, SL_ENOMEM, "", "out of memory");
    } else {
        sl_error cross = {.size = sizeof cross};
        int failed = load_all(dir, &l, ts, &n, &text, &first, NULL);
        if (cross_check(ts, n, &text, &cross) > 0 && failed == 0)
            first = cross;
    }
    names_free(&l);
    config_set *set = first.code == SL_OK ? calloc(1, sizeof *set) : NULL;
    if (set == NULL && first.code == SL_OK)
        sl_error_set(&first, SL_ENOMEM, "", "out of memory");
    if (set == NULL) {
        for (size_t i = 0; i < n; i++)
            cfg_tenant_clear(&ts[i]);
        free(ts);
        return finish(&text, report, err, &first);
    }
    set->tenants = ts;
    set->count = n;
    *out = set;
    return finish(&text, report, err, &first);
}

int config_load_dir_partial(const char *dir, config_set **out, char **report, sl_error *err)
{
    cfg_text text = {0};
    cfg_parse p = {.path = dir, .report = &text};
    sl_error first = {.size = sizeof first};
    name_list l = {0};
    config_set *set = calloc(1, sizeof *set);
    if (report != NULL)
        *report = NULL;
    if (set == NULL) {
        sl_error_set(&first, SL_ENOMEM, "", "out of memory");
    } else if (list_ini(&p, dir, &l) != 0) {
        first = p.first;
        if (p.oom)
            sl_error_set(&first, SL_ENOMEM, "", "out of memory");
    } else if (l.count > 0 && (set->tenants = calloc(l.count, sizeof *set->tenants)) == NULL) {
        sl_error_set(&first, SL_ENOMEM, "", "out of memory");
    } else {
        sl_error failed = {.size = sizeof failed};
        load_all(dir, &l, set->tenants, &set->count, &text, &failed, set);
        if (failed.code == SL_ENOMEM || split_refused(set->tenants, &set->count, &text, set) != 0)
            sl_error_set(&first, SL_ENOMEM, "", "out of memory");
    }
    names_free(&l);
    if (first.code != SL_OK) {
        config_set_free(set);
        return finish(&text, report, err, &first);
    }
    *out = set;
    return finish(&text, report, err, &first);
}
