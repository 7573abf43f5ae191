/*
 * `shopledger shipment list TENANT [--channel SHOP] [--via POSTAL]` and
 * `shopledger shipment show TENANT ID`: shipments with their keys, costs
 * and shipping-status history (JSON with --json).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ledger/ledger_cli.h"
#include "shipments/shipments.h"
#include "shopledger/money.h"

static const char USAGE[] =
    "usage: shopledger shipment list TENANT [--channel SHOP] [--via POSTAL] [--json]\n"
    "       shopledger shipment show TENANT ID [--json]\n";

static const char *str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static json_int_t num(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void print_line(const json_t *sh)
{
    char cod[SL_MONEY_TEXT_MAX];
    int exp = (int)num(sh, "exponent");
    printf("%-5lld %-10s %-14s %-10s %-12s %-14s %-10s %-8s %8s %s\n", (long long)num(sh, "id"),
           str(sh, "shop_channel"), str(sh, "external_id"), str(sh, "postal_channel"),
           str(sh, "parcel_id")[0] ? str(sh, "parcel_id") : "-", str(sh, "reg_state"),
           str(sh, "status"), str(sh, "payment"), sl_money_format(num(sh, "cod_amount"), exp, cod),
           str(sh, "currency"));
}

void cli_print_shipment(const json_t *sh)
{
    char buf[SL_MONEY_TEXT_MAX];
    int exp = (int)num(sh, "exponent");
    printf("shipment %lld  order %s/%s  via %s\n", (long long)num(sh, "id"),
           str(sh, "shop_channel"), str(sh, "external_id"), str(sh, "postal_channel"));
    printf("  parcel %s  tracking %s  register %s  status %s%s%s%s\n",
           str(sh, "parcel_id")[0] ? str(sh, "parcel_id") : "-",
           str(sh, "tracking_code")[0] ? str(sh, "tracking_code") : "-", str(sh, "reg_state"),
           str(sh, "status"), str(sh, "status_raw")[0] ? " (" : "", str(sh, "status_raw"),
           str(sh, "status_raw")[0] ? ")" : "");
    printf("  %s, %s, %lld g, declared %s", str(sh, "send_type"), str(sh, "payment"),
           (long long)num(sh, "weight_g"), sl_money_format(num(sh, "declared_value"), exp, buf));
    printf(", COD %s %s\n", sl_money_format(num(sh, "cod_amount"), exp, buf), str(sh, "currency"));
    static const char *const COSTS[] = {"cost_post", "cost_tax",     "cost_service",
                                        "cost_cod",  "cost_packing", "cost_total"};
    int any = 0;
    for (size_t i = 0; i < sizeof COSTS / sizeof COSTS[0]; i++) {
        if (num(sh, COSTS[i]) < 0)
            continue;
        printf("%s%s %s", any ? ", " : "  quoted: ", COSTS[i] + 5,
               sl_money_format(num(sh, COSTS[i]), exp, buf));
        any = 1;
    }
    if (any)
        printf("\n");
    if (str(sh, "last_error")[0])
        printf("  error: %s\n", str(sh, "last_error"));
    size_t i;
    const json_t *h;
    json_array_foreach(json_object_get(sh, "history"), i, h)
    {
        printf("  %s  %s -> %s%s%s%s  by %s%s%s\n", str(h, "at"),
               str(h, "from")[0] ? str(h, "from") : "(none)", str(h, "to"),
               str(h, "raw")[0] ? " (" : "", str(h, "raw"), str(h, "raw")[0] ? ")" : "",
               str(h, "who"), str(h, "comment")[0] ? ": " : "", str(h, "comment"));
    }
}

static int run_list(int argc, char **argv, const cli_globals *g)
{
    const char *shop = NULL, *via = NULL;
    for (int i = 3; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--channel") == 0)
            shop = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--via") == 0)
            via = argv[++i];
        else {
            fputs(USAGE, stderr);
            return CLI_USAGE;
        }
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof err};
    json_t *rows = shipment_list_json(lt.s, shop, via, &err);
    int rc = CLI_OK;
    if (!rows) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        rc = CLI_FAIL;
    } else if (g->json) {
        cli_print_json(rows);
    } else {
        printf("%-5s %-10s %-14s %-10s %-12s %-14s %-10s %-8s %8s\n", "id", "channel", "order",
               "via", "parcel", "register", "status", "payment", "cod");
        size_t i;
        const json_t *sh;
        json_array_foreach(rows, i, sh) print_line(sh);
        json_decref(rows);
    }
    ledger_cli_close(&lt);
    return rc;
}

static int run_show(int argc, char **argv, const cli_globals *g)
{
    char *end = NULL;
    long long id = argc == 4 ? strtoll(argv[3], &end, 10) : 0;
    if (argc != 4 || !end || *end || id <= 0) {
        fputs(USAGE, stderr);
        return CLI_USAGE;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof err};
    json_t *sh = shipment_show_json(lt.s, id, &err);
    int rc = CLI_OK;
    if (!sh) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        rc = CLI_FAIL;
    } else if (g->json) {
        cli_print_json(sh);
    } else {
        cli_print_shipment(sh);
        json_decref(sh);
    }
    ledger_cli_close(&lt);
    return rc;
}

int cli_shipment(int argc, char **argv, const cli_globals *g)
{
    if (argc >= 3 && strcmp(argv[1], "list") == 0)
        return run_list(argc, argv, g);
    if (argc >= 3 && strcmp(argv[1], "show") == 0)
        return run_show(argc, argv, g);
    fputs(USAGE, stderr);
    return CLI_USAGE;
}
