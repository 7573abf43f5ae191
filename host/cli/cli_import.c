/*
 * `shopledger import products|customers TENANT FILE.csv`: master data from
 * CSV in one transaction (all rows or none); errors name line and field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_cli.h"
#include "masters/masters_import.h"

/* Reads the whole file (at most IMPORT_MAX_BYTES + 1 bytes). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(IMPORT_MAX_BYTES + 2);
    size_t n = buf ? fread(buf, 1, IMPORT_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

int cli_import(int argc, char **argv, const cli_globals *g)
{
    int kind = argc == 4 && strcmp(argv[1], "products") == 0    ? IMPORT_PRODUCTS
               : argc == 4 && strcmp(argv[1], "customers") == 0 ? IMPORT_CUSTOMERS
                                                                : 0;
    if (!kind) {
        fprintf(stderr, "usage: shopledger import products|customers TENANT FILE.csv\n");
        return CLI_USAGE;
    }
    size_t len = 0;
    char *text = slurp(argv[3], &len);
    if (!text) {
        fprintf(stderr, "shopledger: cannot read %s\n", argv[3]);
        return CLI_FAIL;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK) {
        free(text);
        return CLI_FAIL;
    }
    sl_error err = {.size = sizeof(err)};
    size_t rows = 0;
    int rc = store_begin(lt.s, &err);
    if (rc == SL_OK)
        rc = masters_import_csv(lt.s, kind, text, len, lt.t->currency_exponent, ledger_cli_now_ms(),
                                &rows, &err);
    if (rc == SL_OK)
        rc = store_commit(lt.s, &err);
    if (rc)
        store_rollback(lt.s);
    ledger_cli_close(&lt);
    free(text);
    if (rc) {
        fprintf(stderr, "shopledger: %s: %s (nothing imported)\n", argv[3], err.message);
        return CLI_FAIL;
    }
    printf("imported %zu %s\n", rows, argv[1]);
    return CLI_OK;
}
