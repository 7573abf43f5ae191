/*
 * `shopledger gateway reconcile TENANT CHANNEL [--from DATE] [--to DATE]
 * [--json]`: the gateway channel's attempts (created from DATE 00:00 UTC
 * up to the end of the --to day) against the books and the gateway's own
 * list of paid, unverified sessions; one line per finding. Exit 0 when
 * there is none, 1 when there are findings or errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "payments/payments.h"
#include "runtime/runtime.h"
#include "shopledger/sdkutil.h"

#define DAY_MS (24LL * 3600 * 1000)

static int day_ms(const char *day, int64_t *out)
{
    char iso[40];
    sl_error err = {.size = sizeof err};
    if (strlen(day) != 10)
        return -1;
    snprintf(iso, sizeof iso, "%sT00:00:00", day);
    return sl_iso8601_parse(iso, 1, out, &err) == SL_OK ? 0 : -1;
}

static int print_issues(const json_t *rep)
{
    size_t i;
    const json_t *it;
    const json_t *issues = json_object_get(rep, "issues");
    printf("%s: %lld attempt(s) checked, %lld session(s) listed by the gateway, %zu finding(s)\n",
           json_string_value(json_object_get(rep, "channel")),
           (long long)json_integer_value(json_object_get(rep, "checked")),
           (long long)json_integer_value(json_object_get(rep, "gateway_listed")),
           json_array_size(issues));
    json_array_foreach(issues, i, it)
    {
        const char *ext = json_string_value(json_object_get(it, "external_id"));
        printf("  %-22s attempt %-6lld order %-12s %s: %s\n",
               json_string_value(json_object_get(it, "kind")),
               (long long)json_integer_value(json_object_get(it, "attempt")), ext ? ext : "-",
               json_string_value(json_object_get(it, "authority")),
               json_string_value(json_object_get(it, "detail")));
    }
    return json_array_size(issues) == 0 ? CLI_OK : CLI_FAIL;
}

int cli_gateway(int argc, char **argv, const cli_globals *g)
{
    int64_t from = 0, to = INT64_MAX;
    int bad = argc < 4 || strcmp(argv[1], "reconcile") != 0;
    for (int i = 4; !bad && i < argc; i += 2) {
        int64_t d;
        if (i + 1 >= argc || day_ms(argv[i + 1], &d) != 0)
            bad = 1;
        else if (strcmp(argv[i], "--from") == 0)
            from = d;
        else if (strcmp(argv[i], "--to") == 0)
            to = d + DAY_MS;
        else
            bad = 1;
    }
    if (bad) {
        fprintf(stderr, "usage: shopledger gateway reconcile TENANT CHANNEL [--from YYYY-MM-DD] "
                        "[--to YYYY-MM-DD] [--json]\n");
        return CLI_USAGE;
    }
    config_set *cfg = NULL;
    if (cli_load_config(g, &cfg) != CLI_OK)
        return CLI_FAIL;
    const config_tenant *t = config_find_tenant(cfg, argv[2]);
    runtime_tenant *rt = NULL;
    sl_error err = {.size = sizeof err};
    int rc = CLI_FAIL;
    runtime_channel *gc = NULL;
    if (t == NULL)
        fprintf(stderr, "shopledger: no tenant '%s' in %s\n", argv[2], g->conf_dir);
    else if (runtime_open(t, g->plugin_dir, 1, &rt, &err) != SL_OK)
        fprintf(stderr, "shopledger: %s\n", err.message);
    else if ((gc = runtime_channel_find(rt, argv[3])) == NULL)
        fprintf(stderr, "shopledger: no channel '%s'\n", argv[3]);
    else {
        json_t *rep = pay_reconcile_json(rt, gc, from, to, &err);
        if (rep == NULL)
            fprintf(stderr, "shopledger: %s\n", err.message);
        else if (g->json) {
            rc = json_array_size(json_object_get(rep, "issues")) == 0 ? CLI_OK : CLI_FAIL;
            cli_print_json(rep);
        } else {
            rc = print_issues(rep);
            json_decref(rep);
        }
    }
    runtime_close(rt);
    config_set_free(cfg);
    return rc;
}
