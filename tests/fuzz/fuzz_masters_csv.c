/*
 * libFuzzer target: CSV master-data import (host/masters/masters_import.c)
 * into a real store. One tenant database in a private temporary directory
 * is opened once; each input is imported as products and then as
 * customers, each in a transaction that is rolled back, so the database
 * never grows. The directory is removed at exit. Corpus:
 * tests/fuzz/corpus/masters_csv/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "masters/masters_import.h"
#include "store/store.h"

static char g_dir[64];
static char g_db[96];
static store *g_store;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void remove_dir(void)
{
    char p[128];
    store_close(g_store);
    unlink(g_db);
    snprintf(p, sizeof p, "%s-wal", g_db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", g_db);
    unlink(p);
    rmdir(g_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    sl_error err = {.size = sizeof err};
    snprintf(g_dir, sizeof g_dir, "/tmp/sl-fuzz-csv-XXXXXX");
    if (mkdtemp(g_dir) == NULL)
        abort();
    snprintf(g_db, sizeof g_db, "%s/tenant.db", g_dir);
    if (store_open(g_db, &g_store, &err) != SL_OK) {
        fprintf(stderr, "store_open: %s\n", err.message);
        abort();
    }
    atexit(remove_dir);
    return 0;
}

static void import_as(int kind, const char *text, size_t len)
{
    sl_error err = {.size = sizeof err};
    size_t rows = 0;
    if (store_begin(g_store, &err) != SL_OK)
        abort();
    int rc = masters_import_csv(g_store, kind, text, len, 2, 1795337400000LL, &rows, &err);
    store_rollback(g_store);
    /* A refused file names the line ("line N: FIELD: problem") or the
       whole file's limit; the error code is the status returned. */
    if (rc != SL_OK && (err.code != rc || err.message[0] == '\0')) {
        fprintf(stderr, "import refused without a message: rc %d\n", rc);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy: reading past len is caught by ASan. */
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    import_as(IMPORT_PRODUCTS, text, size);
    import_as(IMPORT_CUSTOMERS, text, size);
    free(text);
    return 0;
}
