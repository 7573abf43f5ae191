/*
 * libFuzzer target: one tenant INI file through the host's reader
 * (config_load_file_report: host/config/config_parse.c over libinih, the
 * sections, channel keys, option grammar and cross-key checks). The input
 * is written to tenant.ini in a private temporary directory (secret files
 * named relatively resolve there, and it is empty) and loaded; the
 * directory is removed at exit. Corpus: tests/fuzz/corpus/config_ini/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"

static char g_dir[64];
static char g_ini[96];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void remove_dir(void)
{
    unlink(g_ini);
    rmdir(g_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(g_dir, sizeof g_dir, "/tmp/sl-fuzz-ini-XXXXXX");
    if (mkdtemp(g_dir) == NULL)
        abort();
    snprintf(g_ini, sizeof g_ini, "%s/tenant.ini", g_dir);
    atexit(remove_dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *fp = fopen(g_ini, "wb");
    if (fp == NULL)
        abort();
    if (size > 0 && fwrite(data, 1, size, fp) != size)
        abort();
    if (fclose(fp) != 0)
        abort();
    config_tenant *t = NULL;
    char *report = NULL;
    sl_error err = {.size = sizeof err};
    int rc = config_load_file_report(g_ini, &t, &report, &err);
    /* A refused file says why, as err and in the report (FILE:LINE). */
    if (rc != SL_OK && (err.code != rc || err.message[0] == '\0' || report == NULL ||
                        strstr(report, g_ini) == NULL)) {
        fprintf(stderr, "refused without a message naming the file: rc %d, \"%s\"\n", rc,
                err.message);
        abort();
    }
    if (rc == SL_OK)
        config_tenant_free(t);
    free(report);
    return 0;
}
