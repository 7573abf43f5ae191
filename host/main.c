/*
 * shopledger: the command-line entry. Parses the global options (they may
 * appear anywhere before or after the command words), strips them, and
 * hands the rest to the command group's function.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "services/services.h"
#include "shopledger/sdk.h"

typedef struct command {
    const char *word;
    int (*run)(int argc, char **argv, const cli_globals *g);
    const char *help;
} command;

static const command COMMANDS[] = {
    {"plugin", cli_plugin, "plugin list | plugin check FILE.so"},
    {"config", cli_config, "config check"},
    {"inbox", cli_inbox,
     "inbox add TENANT CHANNEL FILE | list TENANT | show TENANT ID | retry TENANT ID|--failed | "
     "failed TENANT | replay TENANT [CHANNEL] [--failed|--since TIME]"},
    {"process", cli_process, "process TENANT"},
    {"doc", cli_doc,
     "doc list TENANT | doc show TENANT ID | doc pdf TENANT NUMBER [-o FILE] | doc send TENANT "
     "NUMBER [--to ADDRESS]"},
    {"ledger", cli_ledger, "ledger trial-balance TENANT"},
    {"stock", cli_stock, "stock show TENANT | stock sync TENANT [CHANNEL]"},
    {"import", cli_import, "import products|customers TENANT FILE.csv"},
    {"channel", cli_channel, "channel describe TENANT CHANNEL"},
    {"serve", cli_serve, "serve [--listen 127.0.0.1:PORT]"},
    {"pay", cli_pay,
     "pay link TENANT CHANNEL EXTERNAL_ID --via GATEWAY | pay show TENANT CHANNEL EXTERNAL_ID | "
     "pay recover TENANT GATEWAY"},
    {"gateway", cli_gateway, "gateway reconcile TENANT CHANNEL [--from D] [--to D]"},
    {"shipment", cli_shipment,
     "shipment send TENANT CHANNEL EXTERNAL_ID --via POSTAL [--send-type T] [--payment "
     "cod|prepaid] | shipment list TENANT [--channel SHOP] [--via POSTAL] | shipment show TENANT "
     "ID | shipment resolve TENANT ID | shipment cancel TENANT ID | shipment settle TENANT ID "
     "AMOUNT --to CODE[:ACCOUNT] --ref REF"},
    {"order", cli_order, "order show TENANT CHANNEL EXTERNAL_ID"},
    {"export", cli_export,
     "export orders|documents|journal TENANT [--from D] [--to D] [--channel C] [--status S] "
     "[--format csv|xlsx] [--bom] -o FILE"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: shopledger [--conf DIR] [--plugins DIR] [--json] COMMAND ...\n"
                 "       shopledger --version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++)
        fprintf(out, "  %s\n", COMMANDS[i].help);
}

static void print_version(void)
{
    printf("shopledger %s (SDK ABI %d.%d)\n", SL_VERSION, SL_ABI_MAJOR, SL_ABI_MINOR);
}

/* Removes global options from argv in place; returns the new argc or -1. */
static int strip_globals(int argc, char **argv, cli_globals *g, int *want_version)
{
    int out = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            g->json = 1;
        } else if (strcmp(a, "--version") == 0) {
            *want_version = 1;
        } else if (strcmp(a, "--conf") == 0 || strcmp(a, "--plugins") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "shopledger: %s needs a directory\n", a);
                return -1;
            }
            if (a[2] == 'c')
                g->conf_dir = argv[++i];
            else
                g->plugin_dir = argv[++i];
        } else if (strncmp(a, "--conf=", 7) == 0) {
            g->conf_dir = a + 7;
        } else if (strncmp(a, "--plugins=", 10) == 0) {
            g->plugin_dir = a + 10;
        } else {
            argv[out++] = argv[i];
        }
    }
    return out;
}

int main(int argc, char **argv)
{
    cli_globals g = {.conf_dir = "conf.d"};
    int want_version = 0;
    int n = strip_globals(argc - 1, argv + 1, &g, &want_version);
    if (n < 0)
        return CLI_USAGE;
    if (want_version) {
        print_version();
        return CLI_OK;
    }
    if (n == 0 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(n == 0 ? stderr : stdout);
        return n == 0 ? CLI_USAGE : CLI_OK;
    }
    sl_error err = {.size = sizeof err};
    if (services_global_init(&err) != SL_OK) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        return CLI_FAIL;
    }
    int rc = CLI_USAGE;
    int found = 0;
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++) {
        if (strcmp(argv[1], COMMANDS[i].word) == 0) {
            rc = COMMANDS[i].run(n, argv + 1, &g);
            found = 1;
            break;
        }
    }
    if (!found) {
        fprintf(stderr, "shopledger: unknown command '%s'\n", argv[1]);
        usage(stderr);
    }
    services_global_cleanup();
    return rc;
}
