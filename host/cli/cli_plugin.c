/* Placeholder until the plugin command lands. */
#include <stdio.h>

#include "cli/cli.h"

int cli_plugin(int argc, char **argv, const cli_globals *g)
{
    (void)argc;
    (void)argv;
    (void)g;
    fprintf(stderr, "shopledger: 'plugin' is not built yet\n");
    return CLI_FAIL;
}
