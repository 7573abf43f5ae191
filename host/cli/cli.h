/*
 * Command-line front end. main.c parses the global options and dispatches
 * to one cli_* function per command group; each lives in its own file.
 * Exit codes: 0 ok, 1 failure, 2 usage.
 */
#ifndef SL_CLI_H
#define SL_CLI_H

#include <stdio.h>

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

typedef struct cli_globals {
    const char *conf_dir;   /* --conf, default "conf.d" */
    const char *plugin_dir; /* --plugins, NULL = runtime_plugin_dir(NULL) */
    int json;               /* --json anywhere on the line */
} cli_globals;

/* argv[0] is the command group word ("plugin", "inbox" ...). */
int cli_plugin(int argc, char **argv, const cli_globals *g);
int cli_config(int argc, char **argv, const cli_globals *g);
int cli_inbox(int argc, char **argv, const cli_globals *g);
int cli_process(int argc, char **argv, const cli_globals *g);
int cli_doc(int argc, char **argv, const cli_globals *g);
int cli_ledger(int argc, char **argv, const cli_globals *g);
int cli_stock(int argc, char **argv, const cli_globals *g);
int cli_import(int argc, char **argv, const cli_globals *g);
int cli_channel(int argc, char **argv, const cli_globals *g);
int cli_serve(int argc, char **argv, const cli_globals *g);
/* `doc pdf ...` (cli_docout.c), reached through cli_doc. */
int cli_doc_pdf(int argc, char **argv, const cli_globals *g);
/* `doc send ...` (cli_docout.c), reached through cli_doc. */
int cli_doc_send(int argc, char **argv, const cli_globals *g);
int cli_export(int argc, char **argv, const cli_globals *g);
/* `pay link|show|recover` (cli_pay.c) and `gateway reconcile` (cli_gateway.c). */
int cli_pay(int argc, char **argv, const cli_globals *g);
int cli_gateway(int argc, char **argv, const cli_globals *g);
int cli_shipment(int argc, char **argv, const cli_globals *g);
int cli_order(int argc, char **argv, const cli_globals *g);
/* `inbox prune TENANT [--dry-run]` (cli_prune.c), reached through cli_inbox. */
int cli_inbox_prune(int argc, char **argv, const cli_globals *g);
/* One shipment (shipment_show_json's form) as text (cli_shipment.c). */
struct json_t;
void cli_print_shipment(const struct json_t *shipment);

/* Helpers shared by the commands (cli_common.c). */
/* Loads the tenant set from g->conf_dir; prints errors to stderr. */
struct config_set;
int cli_load_config(const cli_globals *g, struct config_set **out);
/* Prints a jansson value as JSON on stdout (and a newline), then decrefs. */
struct json_t;
void cli_print_json(struct json_t *value);

/* A channel's options as its plugin's table declares them (cli_options.c),
   with the value the section gives, the default, or for secrets only
   "(set)" / "(missing)" / "(not set)". A NULL table prints nothing and
   gives an empty array. */
struct config_channel;
struct sl_option_table;
void cli_print_options(const struct config_channel *ch, const struct sl_option_table *opts,
                       const char *indent);
struct json_t *cli_options_json(const struct config_channel *ch,
                                const struct sl_option_table *opts);

#endif
