/* Placeholder until the channel command lands; says so instead of pretending. */
#include <stdio.h>

#include "cli/cli.h"

int cli_channel(int argc, char **argv, const cli_globals *g)
{
    (void)argc;
    (void)argv;
    (void)g;
    fprintf(stderr, "shopledger: 'channel' is not built yet\n");
    return CLI_FAIL;
}
