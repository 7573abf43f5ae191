/* Placeholder until the serve command lands; says so instead of pretending. */
#include <stdio.h>

#include "cli/cli.h"

int cli_serve(int argc, char **argv, const cli_globals *g)
{
    (void)argc;
    (void)argv;
    (void)g;
    fprintf(stderr, "shopledger: 'serve' is not built yet\n");
    return CLI_FAIL;
}
