/*
 * `shopledger stock show TENANT`: on hand, reserved and available per
 * warehouse and SKU. `stock pending TENANT CHANNEL`: what the next stock
 * sync of the channel would push (only what changed since the last push).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ledger/ledger_cli.h"
#include "stock/stock.h"

/* Thousandths as decimal text ("12.500"), without floating point. */
static const char *qty_text(int64_t milli, char *buf, size_t cap)
{
    int64_t a = milli < 0 ? -milli : milli;
    snprintf(buf, cap, "%s%lld.%03lld", milli < 0 ? "-" : "", (long long)(a / 1000),
             (long long)(a % 1000));
    return buf;
}

static void print_levels(const json_t *rows)
{
    size_t i;
    const json_t *r;
    printf("%-10s %-20s %12s %12s %12s\n", "warehouse", "sku", "on_hand", "reserved",
           "available");
    json_array_foreach(rows, i, r)
    {
        char a[32], b[32], c[32];
        printf("%-10s %-20s %12s %12s %12s\n", json_string_value(json_object_get(r, "warehouse")),
               json_string_value(json_object_get(r, "sku")),
               qty_text(json_integer_value(json_object_get(r, "on_hand_milli")), a, sizeof(a)),
               qty_text(json_integer_value(json_object_get(r, "reserved_milli")), b, sizeof(b)),
               qty_text(json_integer_value(json_object_get(r, "available_milli")), c, sizeof(c)));
    }
}

static json_t *pending(const ledger_cli_tenant *lt, const char *channel, sl_error *err)
{
    const config_channel *ch = config_find_channel(lt->t, channel);
    if (!ch) {
        fprintf(stderr, "shopledger: no channel '%s'\n", channel);
        return NULL;
    }
    return stock_list_for_channel(lt->s, ch->name, ch->warehouse ? ch->warehouse : "main",
                                  ch->price_group ? ch->price_group : "", 1, err);
}

int cli_stock(int argc, char **argv, const cli_globals *g)
{
    int show = argc == 3 && strcmp(argv[1], "show") == 0;
    int pend = argc == 4 && strcmp(argv[1], "pending") == 0;
    if (!show && !pend) {
        fprintf(stderr, "usage: shopledger stock show TENANT | stock pending TENANT CHANNEL"
                        " [--json]\n");
        return CLI_USAGE;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof(err)};
    json_t *j = show ? stock_show_json(lt.s, &err) : pending(&lt, argv[3], &err);
    ledger_cli_close(&lt);
    if (!j) {
        if (err.message[0])
            fprintf(stderr, "shopledger: %s\n", err.message);
        return CLI_FAIL;
    }
    if (g->json || pend) {
        cli_print_json(j);
        return CLI_OK;
    }
    print_levels(j);
    json_decref(j);
    return CLI_OK;
}
