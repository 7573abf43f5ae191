/*
 * Helpers every command shares: loading the tenant set from --conf with
 * its errors on stderr, and printing a JSON document on stdout.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli/cli.h"
#include "config/config.h"

/* Loads every tenant of g->conf_dir into *out (free with config_set_free).
   Returns CLI_OK, or CLI_FAIL after printing every error on stderr. */
int cli_load_config(const cli_globals *g, struct config_set **out)
{
    char *report = NULL;
    sl_error err = {.size = sizeof err};
    if (config_load_dir(g->conf_dir, out, &report, &err) != SL_OK) {
        fputs(report != NULL ? report : err.message, stderr);
        if (report == NULL)
            fputc('\n', stderr);
        free(report);
        return CLI_FAIL;
    }
    free(report);
    return CLI_OK;
}

/* Prints `value` indented on stdout with a final newline, then drops the
   reference (a NULL value prints null). */
void cli_print_json(json_t *value)
{
    if (value == NULL) {
        puts("null");
        return;
    }
    json_dumpf(value, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(value);
}
