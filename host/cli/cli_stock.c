/* Placeholder until the stock command lands; says so instead of pretending. */
#include <stdio.h>

#include "cli/cli.h"

int cli_stock(int argc, char **argv, const cli_globals *g)
{
    (void)argc;
    (void)argv;
    (void)g;
    fprintf(stderr, "shopledger: 'stock' is not built yet\n");
    return CLI_FAIL;
}
