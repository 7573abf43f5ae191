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
#include "runtime/runtime.h"
#include "shipments/ship_money.h"
#include "shipments/ship_send.h"
#include "shipments/shipments.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

static const char USAGE[] =
    "usage: shopledger shipment send TENANT CHANNEL EXTERNAL_ID --via POSTAL\n"
    "                                [--send-type express|registered|printed|courier|fixed]\n"
    "                                [--payment cod|prepaid] [--json]\n"
    "       shopledger shipment list TENANT [--channel SHOP] [--via POSTAL] [--json]\n"
    "       shopledger shipment show TENANT ID [--json]\n"
    "       shopledger shipment resolve TENANT ID   (after a crash during a register)\n"
    "       shopledger shipment cancel TENANT ID\n"
    "       shopledger shipment settle TENANT ID AMOUNT --to CODE[:ACCOUNT] --ref REF\n";

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

/* The ID of `shipment VERB TENANT ID` (argv[3], when argc is want);
   0 after printing the usage when it is not a positive number. */
static long long id_arg(int argc, char **argv, int want)
{
    char *end = NULL;
    long long id = argc == want ? strtoll(argv[3], &end, 10) : 0;
    if (argc != want || !end || *end || id <= 0) {
        fputs(USAGE, stderr);
        return 0;
    }
    return id;
}

/* What a verb that calls the tenant's plugins holds: the configuration and
   the tenant's runtime (plugins open), and for a verb on one shipment the
   shipment and its postal channel. */
typedef struct frame {
    config_set *set;
    const config_tenant *t;
    runtime_tenant *rt;
    shipment sh;
    runtime_channel *pc;
} frame;

/* Loads the configuration and opens tenant's runtime into f. SL_OK or the
   error in err; frame_close in every case. */
static int frame_open(const cli_globals *g, const char *tenant, frame *f, sl_error *err)
{
    memset(f, 0, sizeof *f);
    if (cli_load_config(g, &f->set) != CLI_OK)
        return sl_error_set(err, SL_EINVALID, "config", "the configuration does not load");
    f->t = config_find_tenant(f->set, tenant);
    if (!f->t)
        return sl_error_set(err, SL_ENOTFOUND, "tenant", "no tenant '%s' in %s", tenant,
                            g->conf_dir);
    return runtime_open(f->t, runtime_plugin_dir(g->plugin_dir), 1, &f->rt, err);
}

/* frame_open, then shipment id and its postal channel, which must be open. */
static int frame_open_shipment(const cli_globals *g, const char *tenant, long long id, frame *f,
                               sl_error *err)
{
    int rc = frame_open(g, tenant, f, err);
    if (rc == SL_OK)
        rc = shipment_load(f->rt->db, id, &f->sh, err);
    f->pc = rc == SL_OK ? runtime_channel_find(f->rt, f->sh.postal_channel) : NULL;
    if (rc == SL_OK && (!f->pc || !f->pc->plugin))
        rc = sl_error_set(err, SL_ENOTFOUND, "channel", "channel %s is not open",
                          f->sh.postal_channel);
    return rc;
}

static void frame_close(frame *f)
{
    runtime_close(f->rt);
    config_set_free(f->set);
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
    long long id = id_arg(argc, argv, 4);
    if (id == 0)
        return CLI_USAGE;
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

typedef struct send_data {
    runtime_tenant *rt;
} send_data;

static int send_register(void *data, const outbox_row *row, sl_error *err)
{
    send_data *d = data;
    runtime_channel *rc = runtime_channel_find(d->rt, row->channel);
    if (!rc || !rc->plugin)
        return sl_error_set(err, SL_ENOTFOUND, "channel", "channel %s is not open", row->channel);
    return ship_register_row(d->rt->db, rc, row, ledger_cli_now_ms(), err);
}

static int parse_send(int argc, char **argv, ship_send_request *rq)
{
    if (argc < 5)
        return -1;
    rq->shop_channel = argv[3];
    rq->external_id = argv[4];
    rq->who = "operator";
    for (int i = 5; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--via") == 0)
            rq->postal_channel = argv[i + 1];
        else if (strcmp(argv[i], "--send-type") == 0)
            rq->send_type = argv[i + 1];
        else if (strcmp(argv[i], "--payment") == 0)
            rq->payment = argv[i + 1];
        else
            return -1;
    }
    return argc % 2 == 1 && rq->postal_channel ? 0 : -1;
}

/* Queues the shipment, then sends its registration now (the outbox row
   stays for serve to retry when this attempt cannot finish). */
static int run_send(int argc, char **argv, const cli_globals *g)
{
    ship_send_request rq = {0};
    if (parse_send(argc, argv, &rq) != 0) {
        fputs(USAGE, stderr);
        return CLI_USAGE;
    }
    frame f;
    sl_error err = {.size = sizeof err};
    int rc = frame_open(g, argv[2], &f, &err);
    runtime_tenant *rt = f.rt;
    shipment sh;
    if (rc == SL_OK)
        rc = ship_send_queue(rt->db, f.t, &rq, ledger_cli_now_ms(), &sh, &err);
    if (rc == SL_OK) {
        char key[64];
        int sent = 0;
        send_data d = {rt};
        ship_register_key(sh.id, key, sizeof key);
        /* a running serve may have claimed the row first: then it sends */
        rc = outbox_dispatch_key(rt->db, key, ledger_cli_now_ms(), send_register, &d, &sent, &err);
        if (rc == SL_OK && shipment_load(rt->db, sh.id, &sh, &err) == SL_OK &&
            (strcmp(sh.reg_state, SHIP_REG_FAILED) == 0 ||
             strcmp(sh.reg_state, SHIP_REG_UNCONFIRMED) == 0))
            rc = sl_error_set(&err, SL_EREMOTE, "register", "shipment %lld is %s: %s",
                              (long long)sh.id, sh.reg_state, sh.last_error);
    }
    if (rc != SL_OK)
        fprintf(stderr, "shopledger: shipment send: %s\n", err.message);
    if (rt && rc == SL_OK) {
        json_t *one = shipment_show_json(rt->db, sh.id, &err);
        if (one && g->json)
            cli_print_json(one);
        else if (one) {
            cli_print_shipment(one);
            json_decref(one);
        }
    }
    frame_close(&f);
    return rc == SL_OK ? CLI_OK : CLI_FAIL;
}

/* `shipment resolve TENANT ID`: a shipment a crash left "registering". */
static int run_resolve(int argc, char **argv, const cli_globals *g)
{
    long long id = id_arg(argc, argv, 4);
    if (id == 0)
        return CLI_USAGE;
    frame f;
    sl_error err = {.size = sizeof err};
    int rc = frame_open_shipment(g, argv[2], id, &f, &err);
    if (rc == SL_OK)
        rc = ship_resolve_unknown(f.rt->db, f.pc, id, ledger_cli_now_ms(), &err);
    if (rc == SL_OK && shipment_load(f.rt->db, id, &f.sh, &err) == SL_OK)
        printf("shipment %lld: %s%s%s\n", id, f.sh.reg_state, f.sh.last_error[0] ? ": " : "",
               f.sh.last_error);
    else
        fprintf(stderr, "shopledger: shipment resolve: %s\n", err.message);
    frame_close(&f);
    return rc == SL_OK ? CLI_OK : CLI_FAIL;
}

/* `shipment settle TENANT ID AMOUNT --to CODE[:ACCOUNT] --ref REF`: the
   service paid AMOUNT (decimal, the tenant's currency) of the parcel's
   clearing balance to the bank. */
static int run_settle(int argc, char **argv, const cli_globals *g)
{
    const char *to = NULL, *ref = NULL;
    for (int i = 5; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--to") == 0)
            to = argv[i + 1];
        else if (strcmp(argv[i], "--ref") == 0)
            ref = argv[i + 1];
    }
    char *end = NULL;
    long long id = argc >= 5 ? strtoll(argv[3], &end, 10) : 0;
    if (argc != 9 || !end || *end || id <= 0 || !to || !ref) {
        fputs(USAGE, stderr);
        return CLI_USAGE;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof err};
    shipment sh;
    int64_t amount = 0;
    int rc = shipment_load(lt.s, id, &sh, &err);
    if (rc == SL_OK && sl_money_parse(argv[4], lt.t->currency_exponent, &amount) != SL_OK)
        rc = sl_error_set(&err, SL_EINVALID, "amount", "'%s' is not an amount of %s", argv[4],
                          lt.t->currency);
    if (rc == SL_OK && (rc = store_begin(lt.s, &err)) == SL_OK) {
        rc = ship_money_settle(lt.s, lt.t, &sh, amount, to, ref, ledger_cli_now_ms(), &err);
        if (rc == SL_OK)
            rc = store_commit(lt.s, &err);
        else
            store_rollback(lt.s);
    }
    if (rc == SL_OK)
        printf("shipment %lld: settled %s %s to %s (%s)\n", id, argv[4], lt.t->currency, to, ref);
    else
        fprintf(stderr, "shopledger: shipment settle: %s\n", err.message);
    ledger_cli_close(&lt);
    return rc == SL_OK ? CLI_OK : CLI_FAIL;
}

/* `shipment cancel TENANT ID`: cancels the parcel at the service. */
static int run_cancel(int argc, char **argv, const cli_globals *g)
{
    long long id = id_arg(argc, argv, 4);
    if (id == 0)
        return CLI_USAGE;
    frame f;
    sl_error err = {.size = sizeof err};
    int rc = frame_open_shipment(g, argv[2], id, &f, &err);
    if (rc == SL_OK)
        rc = ship_cancel(f.rt->db, f.pc, id, "operator", ledger_cli_now_ms(), &err);
    if (rc == SL_OK)
        printf("shipment %lld: cancelled at %s\n", id, f.sh.postal_channel);
    else
        fprintf(stderr, "shopledger: shipment cancel: %s\n", err.message);
    frame_close(&f);
    return rc == SL_OK ? CLI_OK : CLI_FAIL;
}

int cli_shipment(int argc, char **argv, const cli_globals *g)
{
    if (argc >= 3 && strcmp(argv[1], "cancel") == 0)
        return run_cancel(argc, argv, g);
    if (argc >= 3 && strcmp(argv[1], "settle") == 0)
        return run_settle(argc, argv, g);
    if (argc >= 3 && strcmp(argv[1], "resolve") == 0)
        return run_resolve(argc, argv, g);
    if (argc >= 3 && strcmp(argv[1], "send") == 0)
        return run_send(argc, argv, g);
    if (argc >= 3 && strcmp(argv[1], "list") == 0)
        return run_list(argc, argv, g);
    if (argc >= 3 && strcmp(argv[1], "show") == 0)
        return run_show(argc, argv, g);
    fputs(USAGE, stderr);
    return CLI_USAGE;
}
