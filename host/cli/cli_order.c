/*
 * `shopledger order show TENANT CHANNEL EXTERNAL_ID [--json]`: one shop
 * order as the host knows it (shipments/order_view.h): status, documents,
 * payments, shipments with their history, notes, status history.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ledger/ledger_cli.h"
#include "shipments/order_view.h"
#include "shopledger/money.h"

static const char *str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static json_int_t num(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void print_documents(const json_t *v)
{
    char buf[SL_MONEY_TEXT_MAX];
    size_t i;
    const json_t *d;
    printf("documents:\n");
    json_array_foreach(json_object_get(v, "documents"), i, d)
    {
        printf("  %-12s %-12s %-9s %12s %s%s%s\n", str(d, "number")[0] ? str(d, "number") : "-",
               str(d, "type"), str(d, "status"),
               sl_money_format(num(d, "gross"), (int)num(d, "exponent"), buf), str(d, "currency"),
               str(d, "reason")[0] ? "  " : "", str(d, "reason"));
    }
    printf("payments:\n");
    json_array_foreach(json_object_get(v, "payments"), i, d)
    {
        printf("  %-12s %-8s %12lld %s %s\n", str(d, "document"), str(d, "kind"),
               (long long)num(d, "amount"), str(d, "cash_code"), str(d, "account"));
    }
}

/* The admin's "gateway transactions" tab. */
static void print_gateway_attempts(const json_t *v)
{
    size_t i;
    const json_t *a;
    printf("gateway attempts:\n");
    json_array_foreach(json_object_get(v, "gateway_attempts"), i, a)
    {
        const json_t *shop = json_object_get(a, "shop"), *gw = json_object_get(a, "gateway_amount");
        printf("  #%lld %-10s %-9s %s %s = %s %s  entered %s  ref %s  card %s%s%s\n",
               (long long)num(a, "id"), str(a, "gateway"), str(a, "status"), str(shop, "amount"),
               str(shop, "currency"), str(gw, "amount"), str(gw, "currency"),
               json_is_string(json_object_get(a, "entered")) ? str(a, "entered") : "-",
               str(a, "reference")[0] ? str(a, "reference") : "-",
               str(a, "card_mask")[0] ? str(a, "card_mask") : "-", str(a, "message")[0] ? "  " : "",
               str(a, "message"));
    }
}

static void print_view(const json_t *v)
{
    const json_t *o = json_object_get(v, "order");
    printf("order %s/%s  status %s\n", str(v, "channel"), str(v, "external_id"),
           str(v, "status")[0] ? str(v, "status") : "(none recorded)");
    if (json_is_object(o)) {
        char buf[SL_MONEY_TEXT_MAX];
        printf("  number %s  shop status %s  total %s %s\n", str(o, "number"), str(o, "status"),
               sl_money_format(num(o, "total"), (int)num(o, "exponent"), buf), str(o, "currency"));
    }
    print_documents(v);
    print_gateway_attempts(v);
    printf("shipments:\n");
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(v, "shipments"), i, x) cli_print_shipment(x);
    printf("notes:\n");
    json_array_foreach(json_object_get(v, "notes"), i, x)
        printf("  [%s] %s\n", str(x, "state"), str(x, "note"));
    printf("status history:\n");
    json_array_foreach(json_object_get(v, "status_history"), i, x)
    {
        printf("  %s  %s -> %s  by %s%s%s\n", str(x, "at"),
               str(x, "from")[0] ? str(x, "from") : "(none)", str(x, "to"), str(x, "who"),
               str(x, "comment")[0] ? ": " : "", str(x, "comment"));
    }
}

int cli_order(int argc, char **argv, const cli_globals *g)
{
    if (argc != 5 || strcmp(argv[1], "show") != 0) {
        fprintf(stderr, "usage: shopledger order show TENANT CHANNEL EXTERNAL_ID [--json]\n");
        return CLI_USAGE;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof err};
    json_t *v = order_view_json(lt.s, argv[3], argv[4], &err);
    int rc = CLI_OK;
    if (!v) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        rc = CLI_FAIL;
    } else if (g->json) {
        cli_print_json(v);
    } else {
        print_view(v);
        json_decref(v);
    }
    ledger_cli_close(&lt);
    return rc;
}
