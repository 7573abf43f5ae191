/*
 * `shopledger inbox ...`: the operator's view of a tenant's order inbox.
 *
 *   inbox list TENANT [--state S] [--limit N]   items, newest first
 *   inbox show TENANT ID                        one item, revisions, events
 *   inbox retry TENANT ID                       failed/dead/draft -> received
 *   inbox add TENANT CHANNEL FILE               replay a webhook body
 *   inbox failed TENANT [--all] [--limit N]     authentic input kept as failed
 *   inbox retry TENANT --failed                 replay every failed one
 *   inbox replay TENANT [CHANNEL] [--failed | --since TIME]
 *                                               parse stored webhook
 *                                               deliveries again (intake/)
 *   inbox prune TENANT [--dry-run]              deliveries past the
 *                                               tenant's keep_deliveries
 *                                               (cli_prune.c)
 *
 * The commands parse their arguments and print; what they do is the
 * inbox's and the intake's: `add` and `retry --failed` are the operator's
 * intake (intake/intake_operator.c: the plugin's parser as the operator's,
 * all orders of one input in one transaction), `replay` is intake_replay.
 * Every command prints JSON with --json.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "config/config.h"
#include "inbox/inbox.h"
#include "intake/intake.h"
#include "runtime/runtime.h"
#include "services/services.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define LIST_DEFAULT_LIMIT 50
#define LIST_MAX_LIMIT 100000

static int usage(void)
{
    fprintf(stderr, "usage: shopledger inbox list TENANT [--state S] [--limit N]\n"
                    "       shopledger inbox show TENANT ID\n"
                    "       shopledger inbox retry TENANT ID\n"
                    "       shopledger inbox add TENANT CHANNEL FILE\n"
                    "       shopledger inbox failed TENANT [--all] [--limit N]\n"
                    "       shopledger inbox retry TENANT --failed\n"
                    "       shopledger inbox replay TENANT [CHANNEL] [--failed | --since TIME]\n"
                    "       shopledger inbox prune TENANT [--dry-run]\n");
    return CLI_USAGE;
}

/* Parses a positive decimal id or count; 0 when it is not one. */
static int64_t parse_positive(const char *text, int64_t max)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v <= 0 || v > max)
        return 0;
    return v;
}

/* Loads the config and opens the tenant's store. */
static int open_tenant(const cli_globals *g, const char *tenant, config_set **cfg, store **db)
{
    if (cli_load_config(g, cfg) != CLI_OK)
        return CLI_FAIL;
    const config_tenant *t = config_find_tenant(*cfg, tenant);
    if (t == NULL) {
        fprintf(stderr, "shopledger: no tenant '%s' in %s\n", tenant, g->conf_dir);
        return CLI_FAIL;
    }
    sl_error err = {.size = sizeof err};
    if (store_open(t->database, db, &err) != SL_OK) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        return CLI_FAIL;
    }
    return CLI_OK;
}

static const char *str_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long long int_of(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static void print_list(const json_t *items)
{
    printf("%-8s %-12s %-16s %-10s %3s %4s %-14s %14s\n", "ID", "CHANNEL", "EXTERNAL ID", "STATE",
           "TRY", "REVS", "STATUS", "TOTAL");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        char money[SL_MONEY_TEXT_MAX];
        int exp = (int)int_of(it, "exponent");
        sl_money_format(int_of(it, "total"), exp >= 0 && exp <= SL_MONEY_MAX_EXPONENT ? exp : 0,
                        money);
        printf("%-8lld %-12s %-16s %-10s %3lld %4lld %-14s %10s %s\n", int_of(it, "id"),
               str_of(it, "channel"), str_of(it, "external_id"), str_of(it, "state"),
               int_of(it, "attempts"), int_of(it, "revisions"), str_of(it, "status"), money,
               str_of(it, "currency"));
    }
}

/* Orders serve acknowledged but has not filed yet, and input kept as
   failed, are not items: say so, or an operator would miss them. */
static void print_waiting(store *db)
{
    sl_error err = {.size = sizeof err};
    int64_t n = 0;
    if (inbox_arrivals_waiting(db, &n, &err) == SL_OK && n > 0)
        printf("%lld acknowledged order(s) waiting to be filed "
               "(serve files them; so does `shopledger process`)\n",
               (long long)n);
    n = 0;
    if (inbox_deliveries_waiting(db, &n, &err) == SL_OK && n > 0)
        printf("%lld acknowledged webhook delivery(ies) waiting to be parsed "
               "(serve parses them; so does `shopledger process`)\n",
               (long long)n);
    n = 0;
    if (inbox_failed_open_count(db, &n, &err) == SL_OK && n > 0)
        printf("%lld delivery(ies) or polled order(s) kept as failed: not items until "
               "replayed (`shopledger inbox failed`, `inbox retry --failed`)\n",
               (long long)n);
}

static int cmd_list(int argc, char **argv, const cli_globals *g)
{
    const char *state = NULL;
    int64_t limit = LIST_DEFAULT_LIMIT;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
            state = argv[++i];
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc &&
                 (limit = parse_positive(argv[++i], LIST_MAX_LIMIT)) > 0)
            continue;
        else
            return usage();
    }
    config_set *cfg = NULL;
    store *db = NULL;
    int rc = open_tenant(g, argv[2], &cfg, &db);
    if (rc == CLI_OK) {
        sl_error err = {.size = sizeof err};
        json_t *items = inbox_list_json(db, state, (int)limit, &err);
        if (items == NULL) {
            fprintf(stderr, "shopledger: %s\n", err.message);
            rc = CLI_FAIL;
        } else if (g->json) {
            cli_print_json(items);
        } else {
            print_list(items);
            json_decref(items);
            print_waiting(db);
        }
    }
    store_close(db);
    config_set_free(cfg);
    return rc;
}

static void print_time(const char *label, long long ms)
{
    char buf[32];
    printf("%-12s %s\n", label, ms ? sl_iso8601_format(ms, 1, buf) : "-");
}

static void print_show(const json_t *j)
{
    printf("%-12s %lld\n", "item", int_of(j, "id"));
    printf("%-12s %s / %s\n", "order", str_of(j, "channel"), str_of(j, "external_id"));
    printf("%-12s %s (attempts %lld)\n", "state", str_of(j, "state"), int_of(j, "attempts"));
    print_time("received", int_of(j, "received_ms"));
    print_time("updated", int_of(j, "updated_ms"));
    if (int_of(j, "next_attempt_ms"))
        print_time("next try", int_of(j, "next_attempt_ms"));
    if (*str_of(j, "last_error"))
        printf("%-12s %s\n", "last error", str_of(j, "last_error"));
    size_t i;
    json_t *r;
    printf("\nrevisions:\n");
    json_array_foreach(json_object_get(j, "revisions"), i, r)
    {
        char buf[32];
        const json_t *o = json_object_get(r, "order");
        printf("  #%lld%s%s status=%s modified=%s raw=%lld bytes %.12s\n", int_of(r, "revision_no"),
               json_is_true(json_object_get(r, "current")) ? " current" : "",
               json_is_true(json_object_get(r, "stale")) ? " stale" : "", str_of(o, "status"),
               int_of(r, "modified_ms") ? sl_iso8601_format(int_of(r, "modified_ms"), 1, buf) : "-",
               int_of(r, "raw_bytes"), str_of(r, "content_hash"));
    }
    printf("\nevents:\n");
    json_array_foreach(json_object_get(j, "events"), i, r)
    {
        char buf[32];
        printf("  %s %-10s %s\n", sl_iso8601_format(int_of(r, "at_ms"), 1, buf), str_of(r, "kind"),
               str_of(r, "text"));
    }
}

/* show and retry share their argument handling. */
static int cmd_item(int argc, char **argv, const cli_globals *g, int retry)
{
    if (argc != 4)
        return usage();
    int64_t id = parse_positive(argv[3], INT64_MAX);
    if (id == 0) {
        fprintf(stderr, "shopledger: '%s' is not an inbox item id\n", argv[3]);
        return CLI_USAGE;
    }
    config_set *cfg = NULL;
    store *db = NULL;
    int rc = open_tenant(g, argv[2], &cfg, &db);
    sl_error err = {.size = sizeof err};
    if (rc == CLI_OK && retry && inbox_retry(db, id, services_now_ms(), &err) != SL_OK) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        rc = CLI_FAIL;
    }
    json_t *j = rc == CLI_OK ? inbox_show_json(db, id, &err) : NULL;
    if (rc == CLI_OK && j == NULL) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        rc = CLI_FAIL;
    } else if (j != NULL && g->json) {
        cli_print_json(j);
    } else if (j != NULL) {
        if (retry)
            printf("item %lld is %s again\n", (long long)id, str_of(j, "state"));
        else
            print_show(j);
        json_decref(j);
    }
    store_close(db);
    config_set_free(cfg);
    return rc;
}

/* ---- inbox add ------------------------------------------------------------ */

/* Reads a whole file of at most ORDER_MAX_RAW bytes. */
static int read_body(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "shopledger: cannot open %s: %s\n", path, strerror(errno));
        return CLI_FAIL;
    }
    char *buf = malloc(ORDER_MAX_RAW + 1);
    size_t n = buf ? fread(buf, 1, ORDER_MAX_RAW + 1, f) : 0;
    int bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad || n > ORDER_MAX_RAW) {
        fprintf(stderr, "shopledger: %s: %s\n", path,
                bad ? "read failed" : "larger than the 16 MiB body limit (ORDER_MAX_RAW)");
        free(buf);
        return CLI_FAIL;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CLI_OK;
}

/* The runtime's command: inbox add of FILE to CHANNEL (intake_add). */
typedef struct add_args {
    const char *channel, *file;
} add_args;

static int add_to(runtime_tenant *rt, const cli_globals *g, void *arg)
{
    const add_args *a = arg;
    sl_error err = {.size = sizeof err};
    runtime_channel *ch = intake_webhook_channel(rt, a->channel, &err);
    if (ch == NULL) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        return CLI_FAIL;
    }
    char *body = NULL;
    size_t len = 0;
    if (read_body(a->file, &body, &len) != CLI_OK)
        return CLI_FAIL;
    json_t *results = NULL;
    int rc = intake_add(rt, ch, body, len, &results, &err);
    free(body);
    if (rc != SL_OK) {
        fprintf(stderr, "shopledger: %s refused: %s%s%s\n", a->file, err.message,
                err.field[0] ? " (field " : "", err.field[0] ? err.field : "");
        if (err.field[0])
            fputs(")\n", stderr);
        return CLI_FAIL;
    }
    if (g->json) {
        cli_print_json(results);
        return CLI_OK;
    }
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) printf("item %lld: order %s %s\n", int_of(r, "id"),
                                             str_of(r, "external_id"), str_of(r, "result"));
    if (json_array_size(results) == 0)
        printf("the plugin acknowledged the body and submitted no order\n");
    json_decref(results);
    return CLI_OK;
}

static int with_runtime(const char *tenant, const cli_globals *g,
                        int (*fn)(runtime_tenant *rt, const cli_globals *g, void *arg), void *arg);

static int cmd_add(int argc, char **argv, const cli_globals *g)
{
    if (argc != 5)
        return usage();
    add_args a = {.channel = argv[3], .file = argv[4]};
    return with_runtime(argv[2], g, add_to, &a);
}

/* ---- inbox failed, inbox retry --failed ------------------------------------ */

static void print_failed(const json_t *rows)
{
    printf("%-6s %-12s %-8s %-12s %-9s %3s %s\n", "ID", "CHANNEL", "SOURCE", "EXTERNAL ID", "STATE",
           "TRY", "REASON");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *ext = str_of(r, "external_id");
        printf("%-6lld %-12s %-8s %-12s %-9s %3lld %s%s%s%s\n", int_of(r, "id"),
               str_of(r, "channel"), str_of(r, "source"), *ext ? ext : "-", str_of(r, "state"),
               int_of(r, "attempts"), str_of(r, "reason"), *str_of(r, "field") ? " (field " : "",
               str_of(r, "field"), *str_of(r, "field") ? ")" : "");
    }
}

static int cmd_failed(int argc, char **argv, const cli_globals *g)
{
    int all = 0;
    int64_t limit = LIST_DEFAULT_LIMIT;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0)
            all = 1;
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc &&
                 (limit = parse_positive(argv[++i], LIST_MAX_LIMIT)) > 0)
            continue;
        else
            return usage();
    }
    config_set *cfg = NULL;
    store *db = NULL;
    int rc = open_tenant(g, argv[2], &cfg, &db);
    if (rc == CLI_OK) {
        sl_error err = {.size = sizeof err};
        json_t *rows = inbox_failed_list_json(db, all, (int)limit, &err);
        if (rows == NULL) {
            fprintf(stderr, "shopledger: %s\n", err.message);
            rc = CLI_FAIL;
        } else if (g->json) {
            cli_print_json(rows);
        } else {
            print_failed(rows);
            json_decref(rows);
        }
    }
    store_close(db);
    config_set_free(cfg);
    return rc;
}

static void print_outcomes(const json_t *out)
{
    size_t i, k;
    json_t *o, *ord;
    json_array_foreach(out, i, o)
    {
        printf("failed %lld (%s): %s", int_of(o, "id"), str_of(o, "channel"), str_of(o, "result"));
        if (*str_of(o, "reason"))
            printf(": %s%s%s%s", str_of(o, "reason"), *str_of(o, "field") ? " (field " : "",
                   str_of(o, "field"), *str_of(o, "field") ? ")" : "");
        json_array_foreach(json_object_get(o, "orders"), k, ord)
            printf("%s item %lld: order %s %s", k ? "," : ";", int_of(ord, "id"),
                   str_of(ord, "external_id"), str_of(ord, "result"));
        printf("\n");
    }
    if (json_array_size(out) == 0)
        printf("no failed delivery waits for a replay\n");
}

/* Replays every row still failed, oldest first (intake_retry_failed). */
static int retry_failed_in(runtime_tenant *rt, const cli_globals *g, void *arg)
{
    (void)arg;
    sl_error err = {.size = sizeof err};
    intake_retry_report rep;
    if (intake_retry_failed(rt, &rep, &err) != SL_OK) {
        fprintf(stderr, "shopledger: %s\n", err.message);
        return CLI_FAIL;
    }
    size_t i;
    json_t *e;
    json_array_foreach(rep.errors, i, e)
        fprintf(stderr, "shopledger: failed %lld: %s\n", int_of(e, "id"), str_of(e, "message"));
    /* a script sees that something still waits */
    int rc = rep.filed == rep.waiting ? CLI_OK : CLI_FAIL;
    if (g->json)
        cli_print_json(json_incref(rep.outcomes));
    else
        print_outcomes(rep.outcomes);
    intake_retry_report_clear(&rep);
    return rc;
}

/* Opens the tenant's runtime (plugins loaded) and runs fn(rt, g, arg). */
static int with_runtime(const char *tenant, const cli_globals *g,
                        int (*fn)(runtime_tenant *rt, const cli_globals *g, void *arg), void *arg)
{
    config_set *cfg = NULL;
    if (cli_load_config(g, &cfg) != CLI_OK)
        return CLI_FAIL;
    const config_tenant *t = config_find_tenant(cfg, tenant);
    runtime_tenant *rt = NULL;
    sl_error err = {.size = sizeof err};
    int rc = CLI_FAIL;
    if (t == NULL)
        fprintf(stderr, "shopledger: no tenant '%s' in %s\n", tenant, g->conf_dir);
    else if (runtime_open(t, g->plugin_dir, 1, &rt, &err) != SL_OK)
        fprintf(stderr, "shopledger: %s\n", err.message);
    else
        rc = fn(rt, g, arg);
    runtime_close(rt);
    config_set_free(cfg);
    return rc;
}

/* What `inbox replay` was asked. */
typedef struct replay_args {
    const char *channel; /* NULL: every channel */
    int64_t since_ms;    /* 0: from the first delivery */
    int failed_only;
} replay_args;

static int replay_in(runtime_tenant *rt, const cli_globals *g, void *arg)
{
    const replay_args *a = arg;
    intake_replay_summary sum;
    sl_error err = {.size = sizeof err};
    int rc = intake_replay(rt, a->channel, a->since_ms, a->failed_only, &sum, &err);
    if (g->json) {
        cli_print_json(json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:s}", "ok", rc == SL_OK,
                                 "deliveries", (json_int_t)sum.deliveries, "orders",
                                 (json_int_t)sum.orders, "changed", (json_int_t)sum.changed,
                                 "failed", (json_int_t)sum.failed, "fixed", (json_int_t)sum.fixed,
                                 "error", rc == SL_OK ? "" : err.message));
    } else if (rc == SL_OK || sum.deliveries > 0) {
        printf("replayed %ld deliveries: %ld orders filed, %ld new or changed (to book), "
               "%ld refused again, %ld failed before and filed now\n",
               sum.deliveries, sum.orders, sum.changed, sum.failed, sum.fixed);
        if (sum.changed > 0)
            printf("serve books them on its own; without it: shopledger process %s\n",
                   rt->config->id);
    }
    if (rc != SL_OK)
        fprintf(stderr, "shopledger: replay stopped: %s\n", err.message);
    return rc == SL_OK ? CLI_OK : CLI_FAIL;
}

static int cmd_replay(int argc, char **argv, const cli_globals *g)
{
    replay_args a = {0};
    for (int i = 3; i < argc; i++) {
        sl_error err = {.size = sizeof err};
        if (strcmp(argv[i], "--failed") == 0 && a.since_ms == 0)
            a.failed_only = 1;
        else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc && !a.failed_only) {
            if (sl_iso8601_parse(argv[++i], 1, &a.since_ms, &err) != SL_OK) {
                fprintf(stderr, "shopledger: --since: %s\n", err.message);
                return CLI_USAGE;
            }
        } else if (argv[i][0] != '-' && a.channel == NULL)
            a.channel = argv[i];
        else
            return usage();
    }
    return with_runtime(argv[2], g, replay_in, &a);
}

int cli_inbox(int argc, char **argv, const cli_globals *g)
{
    if (argc < 3)
        return usage();
    if (strcmp(argv[1], "list") == 0)
        return cmd_list(argc, argv, g);
    if (strcmp(argv[1], "show") == 0)
        return cmd_item(argc, argv, g, 0);
    if (strcmp(argv[1], "retry") == 0 && argc == 4 && strcmp(argv[3], "--failed") == 0)
        return with_runtime(argv[2], g, retry_failed_in, NULL);
    if (strcmp(argv[1], "retry") == 0)
        return cmd_item(argc, argv, g, 1);
    if (strcmp(argv[1], "failed") == 0)
        return cmd_failed(argc, argv, g);
    if (strcmp(argv[1], "add") == 0)
        return cmd_add(argc, argv, g);
    if (strcmp(argv[1], "replay") == 0)
        return cmd_replay(argc, argv, g);
    if (strcmp(argv[1], "prune") == 0)
        return cli_inbox_prune(argc, argv, g);
    return usage();
}
