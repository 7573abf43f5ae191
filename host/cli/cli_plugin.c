/*
 * `shopledger plugin list`, `shopledger plugin check FILE.so` and
 * `shopledger plugin retry NAME` (lifts a crash quarantine:
 * loader/quarantine.h; serve's next start runs the plugin again).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check/check.h"
#include "cli/cli.h"
#include "loader/loader.h"
#include "loader/quarantine.h"
#include "runtime/runtime.h"
#include "services/services.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.so names in dir (malloc'd array of malloc'd strings). */
static char **list_so(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    *count = 0;
    if (d == NULL)
        return NULL;
    char **names = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && *count < 1024) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".so") != 0)
            continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL)
                break;
            names = grown;
        }
        names[(*count)++] = strdup(e->d_name);
    }
    closedir(d);
    if (names)
        qsort(names, *count, sizeof *names, by_name);
    return names;
}

static json_t *describe(const char *path)
{
    loaded_plugin *p = NULL;
    sl_error err = {.size = sizeof err};
    if (loader_open(path, &p, &err) != SL_OK)
        return json_pack("{s:s, s:b, s:s}", "file", path, "ok", 0, "error", err.message);
    const sl_plugin *t = p->table;
    char abi[32], caps[512];
    snprintf(abi, sizeof abi, "%u.%u", t->abi_major, t->abi_minor);
    json_t *j = json_pack("{s:s, s:b, s:s, s:s, s:s, s:s, s:s}", "file", path, "ok", 1, "name",
                          t->name, "version", t->version, "abi", abi, "description",
                          t->description ? t->description : "", "capabilities",
                          loader_caps_text(t->caps, caps, sizeof caps));
    loader_free(p);
    /* NAME.so is the plugin `plugin = NAME` names, as serve finds it. */
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char name[64], reason[QUARANTINE_REASON_MAX];
    snprintf(name, sizeof name, "%.*s", (int)(strlen(base) > 3 ? strlen(base) - 3 : 0), base);
    if (quarantine_find(quarantine_state_dir(), name, path, reason, sizeof reason))
        json_object_set_new(j, "quarantined", json_string(reason));
    return j;
}

static void print_plugin_line(const json_t *j)
{
    if (!json_is_true(json_object_get(j, "ok"))) {
        printf("REFUSED  %s\n", json_string_value(json_object_get(j, "error")));
        return;
    }
    printf("%-14s %-8s ABI %-5s %s\n", json_string_value(json_object_get(j, "name")),
           json_string_value(json_object_get(j, "version")),
           json_string_value(json_object_get(j, "abi")),
           json_string_value(json_object_get(j, "capabilities")));
    const char *q = json_string_value(json_object_get(j, "quarantined"));
    if (q != NULL)
        printf("  QUARANTINED: %s\n", q);
}

static int plugin_retry(const char *name)
{
    sl_error err = {.size = sizeof err};
    if (quarantine_lift(quarantine_state_dir(), name, &err) != SL_OK) {
        fprintf(stderr, "shopledger plugin retry: %s\n", err.message);
        return CLI_FAIL;
    }
    printf("plugin %s: quarantine lifted; serve runs it again from its next start\n", name);
    return CLI_OK;
}

static int plugin_list(const cli_globals *g)
{
    const char *dir = runtime_plugin_dir(g->plugin_dir);
    size_t count = 0;
    char **names = list_so(dir, &count);
    json_t *all = json_array();
    int refused = 0;
    for (size_t i = 0; i < count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        json_t *j = describe(path);
        refused += !json_is_true(json_object_get(j, "ok"));
        if (!g->json)
            print_plugin_line(j);
        json_array_append_new(all, j);
        free(names[i]);
    }
    free(names);
    if (g->json)
        cli_print_json(json_pack("{s:s, s:o}", "plugin_dir", dir, "plugins", all));
    else {
        if (count == 0)
            printf("no plugins in %s\n", dir);
        json_decref(all);
    }
    return refused ? CLI_FAIL : CLI_OK;
}

static int plugin_check(const char *file, const cli_globals *g)
{
    /* Built: the emulators sit next to the shopledger binary and read
       their data from the source tree. Installed: under the prefix
       (SL_INSTALL_SANDBOX_REL, SL_INSTALL_SANDBOX_DATA_REL), found
       relative to the binary as the plugins are. */
    char sandbox_dir[4096], data_dir[4096];
    const char *data = NULL;
    if (services_installed_dir(SL_INSTALL_SANDBOX_REL, sandbox_dir, sizeof sandbox_dir) == 0) {
        if (services_installed_dir(SL_INSTALL_SANDBOX_DATA_REL, data_dir, sizeof data_dir) == 0)
            data = data_dir;
    } else if (services_exe_dir(sandbox_dir, sizeof sandbox_dir) != 0) {
        sandbox_dir[0] = '\0';
    }
    check_options opt = {
        .plugin_path = file, .sandbox_dir = sandbox_dir, .data_dir = data, .timeout_s = 120};
    json_t *report = NULL;
    int rc = check_run(&opt, &report);
    if (g->json) {
        cli_print_json(report);
        return rc ? CLI_FAIL : CLI_OK;
    }
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(report, "steps"), i, s)
        printf("%s  %s: %s\n", json_is_true(json_object_get(s, "ok")) ? "ok  " : "FAIL",
               json_string_value(json_object_get(s, "name")),
               json_string_value(json_object_get(s, "detail")));
    printf("%s\n", rc ? "plugin check FAILED" : "plugin check passed");
    json_decref(report);
    return rc ? CLI_FAIL : CLI_OK;
}

int cli_plugin(int argc, char **argv, const cli_globals *g)
{
    if (argc == 2 && strcmp(argv[1], "list") == 0)
        return plugin_list(g);
    if (argc == 3 && strcmp(argv[1], "check") == 0)
        return plugin_check(argv[2], g);
    if (argc == 3 && strcmp(argv[1], "retry") == 0)
        return plugin_retry(argv[2]);
    fprintf(stderr, "usage: shopledger plugin list | plugin check FILE.so | plugin retry NAME\n");
    return CLI_USAGE;
}
