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

/* Refuses an id or database path that an earlier tenant already has;
   returns the number of tenants refused, the first reason in *first. */
static int cross_check(const config_tenant *ts, size_t n, cfg_text *text, sl_error *first)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        cfg_parse p = {.path = ts[i].file, .report = text};
        int db_line = ts[i].database_line ? ts[i].database_line : ts[i].id_line;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(ts[i].id, ts[j].id) == 0)
                cfg_error_in(&p, "tenant", ts[i].id_line, "id",
                             "'%s' is already the id of the tenant in %s", ts[i].id,
                             ts[j].file);
            if (strcmp(ts[i].database, ts[j].database) == 0)
                cfg_error_in(&p, "tenant", db_line, "database",
                             "'%s' is already the database of the tenant in %s",
                             ts[i].database, ts[j].file);
        }
        if (p.errors > 0 && bad++ == 0)
            *first = p.first;
    }
    return bad;
}

/* Loads every file of the list into ts; returns how many failed, the
   first reason in *first. */
static int load_all(const char *dir, const name_list *l, config_tenant *ts, size_t *n,
                    cfg_text *text, sl_error *first)
{
    int failed = 0;
    for (size_t i = 0; i < l->count; i++) {
        size_t len = strlen(dir) + strlen(l->names[i]) + 2;
        char *path = malloc(len);
        config_tenant *t = NULL;
        sl_error e = {.size = sizeof e};
        if (path == NULL) {
            sl_error_set(&e, SL_ENOMEM, "", "out of memory");
        } else {
            snprintf(path, len, "%s/%s", dir, l->names[i]);
            if (cfg_load_one(path, &t, text, &e) == SL_OK) {
                ts[(*n)++] = *t;
                free(t); /* its members now belong to the array */
            }
        }
        free(path);
        if (t == NULL && failed++ == 0)
            *first = e;
    }
    return failed;
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
        int failed = load_all(dir, &l, ts, &n, &text, &first);
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
