/* Placeholder until the config command lands; says so instead of pretending. */
#include <stdio.h>

#include "cli/cli.h"

int cli_config(int argc, char **argv, const cli_globals *g)
{
    (void)argc;
    (void)argv;
    (void)g;
    fprintf(stderr, "shopledger: 'config' is not built yet\n");
    return CLI_FAIL;
}
