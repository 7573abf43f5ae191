/*
 * `shopledger pay link TENANT CHANNEL EXTERNAL_ID --via GATEWAY`: asks the
 * gateway for a payment of the order's open amount and prints the
 * buyer's start-pay URL (the attempt is stored before it is printed).
 * `shopledger pay show TENANT CHANNEL EXTERNAL_ID [--json]`: the order's
 * gateway attempts. `shopledger pay recover TENANT GATEWAY`: one recovery
 * pass by hand (what serve's scheduler runs every recover_every).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "payments/payments.h"
#include "runtime/runtime.h"
#include "services/services.h"
#include "shopledger/money.h"

typedef struct pay_cli {
    config_set *cfg;
    runtime_tenant *rt;
} pay_cli;

static int open_tenant(const cli_globals *g, const char *tenant, int plugins, pay_cli *pc)
{
    memset(pc, 0, sizeof *pc);
    if (cli_load_config(g, &pc->cfg) != CLI_OK)
        return CLI_FAIL;
    const config_tenant *t = config_find_tenant(pc->cfg, tenant);
    sl_error err = {.size = sizeof err};
    if (t == NULL) {
        fprintf(stderr, "shopledger: no tenant '%s' in %s\n", tenant, g->conf_dir);
        return CLI_FAIL;
    }
    if (runtime_open(t, g->plugin_dir, plugins, &pc->rt, &err) != SL_OK) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        return CLI_FAIL;
    }
    return CLI_OK;
}

static void close_tenant(pay_cli *pc)
{
    runtime_close(pc->rt);
    config_set_free(pc->cfg);
}

static void print_link(const pay_link_result *r, int as_json)
{
    char s[SL_MONEY_TEXT_MAX], gw[SL_MONEY_TEXT_MAX];
    sl_money_format(r->shop_amount, r->shop_exponent, s);
    sl_money_format(r->gateway_amount, r->gateway_exponent, gw);
    if (as_json) {
        cli_print_json(json_pack("{s:I,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:{s:s,s:s},s:s}", "attempt",
                                 (json_int_t)r->attempt_id, "authority", r->authority, "start_url",
                                 r->start_url, "start_method", r->start_method, "start_field",
                                 r->start_field, "shop", "amount", s, "currency", r->shop_currency,
                                 "gateway", "amount", gw, "currency", r->gateway_currency, "rule",
                                 r->rule));
        return;
    }
    printf("attempt %lld: %s %s = %s %s (%s)\n%s\n", (long long)r->attempt_id, s, r->shop_currency,
           gw, r->gateway_currency, r->rule, r->start_url);
}

static int link_cmd(int argc, char **argv, const cli_globals *g)
{
    if (argc != 7 || strcmp(argv[5], "--via") != 0) {
        fprintf(stderr, "usage: shopledger pay link TENANT CHANNEL EXTERNAL_ID --via GATEWAY\n");
        return CLI_USAGE;
    }
    pay_cli pc;
    int rc = open_tenant(g, argv[2], 1, &pc);
    if (rc == CLI_OK) {
        pay_link_result r;
        sl_error err = {.size = sizeof err};
        if (pay_link(pc.rt, pc.rt->db, argv[3], argv[4], argv[6], &r, &err) == SL_OK) {
            print_link(&r, g->json);
        } else {
            fprintf(stderr, "shopledger: pay link: %s%s%s\n", err.message,
                    r.attempt_id ? " (attempt " : "", r.attempt_id ? "kept)" : "");
            rc = CLI_FAIL;
        }
    }
    close_tenant(&pc);
    return rc;
}

static int show_cmd(int argc, char **argv, const cli_globals *g)
{
    if (argc != 5) {
        fprintf(stderr, "usage: shopledger pay show TENANT CHANNEL EXTERNAL_ID [--json]\n");
        return CLI_USAGE;
    }
    pay_cli pc;
    int rc = open_tenant(g, argv[2], 0, &pc);
    sl_error err = {.size = sizeof err};
    if (rc == CLI_OK &&
        pay_show_print(pc.rt->db, argv[3], argv[4], g->json, stdout, &err) != SL_OK) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        rc = CLI_FAIL;
    }
    close_tenant(&pc);
    return rc;
}

static int recover_cmd(int argc, char **argv, const cli_globals *g)
{
    if (argc != 4) {
        fprintf(stderr, "usage: shopledger pay recover TENANT GATEWAY\n");
        return CLI_USAGE;
    }
    pay_cli pc;
    int rc = open_tenant(g, argv[2], 1, &pc);
    runtime_channel *gc = rc == CLI_OK ? runtime_channel_find(pc.rt, argv[3]) : NULL;
    sl_error err = {.size = sizeof err};
    pay_recover_report rep;
    if (rc == CLI_OK && gc == NULL) {
        fprintf(stderr, "shopledger: no channel '%s'\n", argv[3]);
        rc = CLI_FAIL;
    } else if (rc == CLI_OK &&
               pay_recover_channel(pc.rt, gc, pc.rt->db, services_now_ms(), &rep, &err) != SL_OK) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        rc = CLI_FAIL;
    } else if (rc == CLI_OK) {
        printf("looked at %d, verified %d, booked %d, closed %d, unknown %d\n", rep.looked,
               rep.verified, rep.booked, rep.closed, rep.unknown);
    }
    close_tenant(&pc);
    return rc;
}

int cli_pay(int argc, char **argv, const cli_globals *g)
{
    if (argc >= 2 && strcmp(argv[1], "link") == 0)
        return link_cmd(argc, argv, g);
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return show_cmd(argc, argv, g);
    if (argc >= 2 && strcmp(argv[1], "recover") == 0)
        return recover_cmd(argc, argv, g);
    fprintf(stderr, "usage: shopledger pay link TENANT CHANNEL EXTERNAL_ID --via GATEWAY\n"
                    "       shopledger pay show TENANT CHANNEL EXTERNAL_ID [--json]\n"
                    "       shopledger pay recover TENANT GATEWAY\n");
    return CLI_USAGE;
}
