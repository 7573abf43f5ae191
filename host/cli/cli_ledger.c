/*
 * `shopledger ledger trial-balance TENANT`: debit and credit per account
 * and their totals (JSON with --json), plus the tenant-opening helpers the
 * other ledger commands share (ledger/ledger_cli.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ledger/ledger.h"
#include "ledger/ledger_cli.h"
#include "shopledger/money.h"

int ledger_cli_open(const cli_globals *g, const char *tenant, ledger_cli_tenant *out)
{
    memset(out, 0, sizeof(*out));
    if (cli_load_config(g, &out->set) != CLI_OK)
        return CLI_FAIL;
    out->t = config_find_tenant(out->set, tenant);
    if (!out->t) {
        fprintf(stderr, "shopledger: no tenant '%s' in %s\n", tenant, g->conf_dir);
        ledger_cli_close(out);
        return CLI_FAIL;
    }
    sl_error err = {.size = sizeof(err)};
    if (store_open(out->t->database, &out->s, &err) != SL_OK) {
        fprintf(stderr, "shopledger: %s: %s\n", out->t->database, err.message);
        ledger_cli_close(out);
        return CLI_FAIL;
    }
    return CLI_OK;
}

void ledger_cli_close(ledger_cli_tenant *lt)
{
    store_close(lt->s);
    config_set_free(lt->set);
    memset(lt, 0, sizeof(*lt));
}

int64_t ledger_cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_trial_balance(const json_t *tb, int exponent)
{
    char d[SL_MONEY_TEXT_MAX], c[SL_MONEY_TEXT_MAX];
    size_t i;
    const json_t *a;
    printf("%-16s %16s %16s\n", "account", "debit", "credit");
    json_array_foreach(json_object_get(tb, "accounts"), i, a)
    {
        printf("%-16s %16s %16s\n", json_string_value(json_object_get(a, "account")),
               sl_money_format(json_integer_value(json_object_get(a, "debit")), exponent, d),
               sl_money_format(json_integer_value(json_object_get(a, "credit")), exponent, c));
    }
    printf("%-16s %16s %16s\n", "total",
           sl_money_format(json_integer_value(json_object_get(tb, "debit_total")), exponent, d),
           sl_money_format(json_integer_value(json_object_get(tb, "credit_total")), exponent, c));
}

int cli_ledger(int argc, char **argv, const cli_globals *g)
{
    if (argc != 3 || strcmp(argv[1], "trial-balance") != 0) {
        fprintf(stderr, "usage: shopledger ledger trial-balance TENANT [--json]\n");
        return CLI_USAGE;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof(err)};
    json_t *tb = ledger_trial_balance_json(lt.s, &err);
    int rc = CLI_OK;
    if (!tb) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        rc = CLI_FAIL;
    } else if (g->json) {
        cli_print_json(tb);
    } else {
        print_trial_balance(tb, lt.t->currency_exponent);
        json_decref(tb);
    }
    ledger_cli_close(&lt);
    return rc;
}
