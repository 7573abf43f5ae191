/*
 * `shopledger doc list TENANT` and `doc show TENANT ID`: the ledger's
 * documents, as a table or (--json) with stable key names and money as
 * integers in minor units.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "inbox/inbox_find.h"
#include "ledger/ledger.h"
#include "ledger/ledger_cli.h"
#include "services/services.h"
#include "shopledger/money.h"

/* A quantity in thousandths as people write it: 2000 -> "2",
   1500 -> "1.5". */
static const char *qty_text(int64_t milli, char out[SL_MONEY_TEXT_MAX])
{
    sl_money_format(milli, 3, out);
    char *dot = strchr(out, '.');
    if (dot != NULL) {
        char *end = dot + strlen(dot) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *dot = '\0';
    }
    return out;
}

static const char *str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static int64_t num(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void print_list(const json_t *docs)
{
    size_t i;
    const json_t *d;
    printf("%-6s %-14s %-12s %-9s %-10s %12s  %s\n", "id", "number", "type", "status", "order",
           "gross", "reason");
    json_array_foreach(docs, i, d)
    {
        char g[SL_MONEY_TEXT_MAX];
        printf("%-6lld %-14s %-12s %-9s %-10s %12s  %s\n", (long long)num(d, "id"),
               str(d, "number"), str(d, "type"), str(d, "status"), str(d, "external_id"),
               sl_money_format(num(d, "gross"), (int)num(d, "exponent"), g), str(d, "reason"));
    }
}

static void print_show(const json_t *d)
{
    int e = (int)num(d, "exponent");
    char a[SL_MONEY_TEXT_MAX], b[SL_MONEY_TEXT_MAX], c[SL_MONEY_TEXT_MAX];
    printf("%s %s (%s) order %s/%s customer %s\n", str(d, "type"), str(d, "number"),
           str(d, "status"), str(d, "channel"), str(d, "external_id"), str(d, "customer_name"));
    printf("net %s tax %s gross %s %s\n", sl_money_format(num(d, "net"), e, a),
           sl_money_format(num(d, "tax"), e, b), sl_money_format(num(d, "gross"), e, c),
           str(d, "currency"));
    printf("invoice date %s, order date %s (%s)\n",
           *str(d, "invoice_date") ? str(d, "invoice_date") : "-",
           *str(d, "order_date") ? str(d, "order_date") : "-", str(d, "timezone"));
    if (*str(d, "reason"))
        printf("reason: %s\n", str(d, "reason"));
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(d, "lines"), i, x)
    {
        char q[SL_MONEY_TEXT_MAX];
        printf("  %-9s %-16s %-30.30s %8s %-10s %12s %10s\n", str(x, "kind"), str(x, "sku"),
               str(x, "text"), qty_text(num(x, "qty_milli"), q), str(x, "tax_group"),
               sl_money_format(num(x, "net"), e, a), sl_money_format(num(x, "tax"), e, b));
    }
    json_array_foreach(json_object_get(d, "postings"), i, x)
    {
        printf("  posting %-10s Dr %12s Cr %12s %s\n", str(x, "account"),
               sl_money_format(num(x, "debit"), e, a), sl_money_format(num(x, "credit"), e, b),
               str(x, "tax_group"));
    }
    json_array_foreach(json_object_get(d, "payments"), i, x)
    {
        printf("  %s %s to %s (%s)\n", str(x, "kind"), sl_money_format(num(x, "amount"), e, a),
               str(x, "cash_code"), str(x, "account"));
    }
}

/* The two dates a document carries: "invoice_date", the day it was
   booked in the tenant's time zone, and "order_date", the day the shop
   says the order was made (from its current revision; absent when the
   inbox has no order for it). */
static void add_dates(store *s, const config_tenant *t, json_t *d)
{
    char day[16];
    if (services_local_day(t->timezone, num(d, "created_ms"), day) == SL_OK)
        json_object_set_new(d, "invoice_date", json_string(day));
    json_t *o = NULL;
    sl_error err = {.size = sizeof err};
    if (inbox_find_order_json(s, str(d, "channel"), str(d, "external_id"), &o, &err) == SL_OK &&
        o != NULL && num(o, "created_ms") != 0 &&
        services_local_day(t->timezone, num(o, "created_ms"), day) == SL_OK)
        json_object_set_new(d, "order_date", json_string(day));
    json_decref(o);
    json_object_set_new(d, "timezone", json_string(t->timezone ? t->timezone : "UTC"));
}

static int parse_id(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end || v <= 0)
        return -1;
    *out = v;
    return 0;
}

int cli_doc(int argc, char **argv, const cli_globals *g)
{
    if (argc >= 2 && strcmp(argv[1], "pdf") == 0)
        return cli_doc_pdf(argc, argv, g);
    if (argc >= 2 && strcmp(argv[1], "send") == 0)
        return cli_doc_send(argc, argv, g);
    int list = argc == 3 && strcmp(argv[1], "list") == 0;
    int show = argc == 4 && strcmp(argv[1], "show") == 0;
    int64_t id = 0;
    if ((!list && !show) || (show && parse_id(argv[3], &id))) {
        fprintf(stderr, "usage: shopledger doc list TENANT | doc show TENANT ID [--json]"
                        " | doc pdf TENANT NUMBER [-o FILE]"
                        " | doc send TENANT NUMBER [--to ADDRESS]\n");
        return CLI_USAGE;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof(err)};
    json_t *j = list ? ledger_doc_list_json(lt.s, 0, &err) : ledger_doc_show_json(lt.s, id, &err);
    if (j && show)
        add_dates(lt.s, lt.t, j);
    ledger_cli_close(&lt);
    if (!j) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        return CLI_FAIL;
    }
    if (g->json) {
        cli_print_json(j);
        return CLI_OK;
    }
    if (list)
        print_list(j);
    else
        print_show(j);
    json_decref(j);
    return CLI_OK;
}
