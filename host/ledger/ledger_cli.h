/*
 * What the ledger's CLI commands (process, doc, ledger, stock, import)
 * share: finding the tenant in --conf and opening its store, and the
 * current time. Defined in host/cli/cli_ledger.c.
 */
#ifndef SL_LEDGER_CLI_H
#define SL_LEDGER_CLI_H

#include <stdint.h>

#include "cli/cli.h"
#include "config/config.h"
#include "store/store.h"

typedef struct ledger_cli_tenant {
    config_set *set;
    const config_tenant *t; /* borrowed from set */
    store *s;
} ledger_cli_tenant;

/* Loads the config, finds `tenant`, opens its database. Prints the error
   on stderr and returns CLI_FAIL on failure. */
int ledger_cli_open(const cli_globals *g, const char *tenant, ledger_cli_tenant *out);
void ledger_cli_close(ledger_cli_tenant *lt);
/* Wall clock in UTC milliseconds. */
int64_t ledger_cli_now_ms(void);

#endif
