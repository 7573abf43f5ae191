/*
 * `shopledger process TENANT [--max N]`: parses and files what serve
 * acknowledged but had not yet filed (a stop or crash can leave logged
 * deliveries and arrivals behind; intake_drain parses the deliveries
 * with the channels' plugins exactly as serve would), then runs
 * the rules over the tenant's pending inbox items now (one transaction
 * each) and prints a summary.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "inbox/inbox.h"
#include "intake/intake.h"
#include "ledger/ledger_cli.h"
#include "rules/rules.h"
#include "runtime/runtime.h"

#define PROCESS_DEFAULT_MAX 100000
#define FILE_BATCH 1000        /* arrivals per transaction */
#define FILE_MAX_ROUNDS 100000 /* bounds the loop: 10^8 arrivals */

static int parse_max(const char *text, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || v <= 0 || v > 10000000)
        return -1;
    *out = (int)v;
    return 0;
}

/* Files every waiting arrival into the inbox; returns the count or -1. */
static int file_arrivals(store *s, sl_error *err)
{
    int total = 0;
    for (int round = 0; round < FILE_MAX_ROUNDS; round++) {
        int sorted = 0;
        if (inbox_arrivals_sort(s, FILE_BATCH, &sorted, NULL, err) != SL_OK)
            return -1;
        total += sorted;
        if (sorted < FILE_BATCH)
            break;
    }
    return total;
}

/* Parses the deliveries serve logged and left unparsed, if any; SL_OK
   when none wait or all were recorded. */
static int drain_deliveries(const cli_globals *g, const ledger_cli_tenant *lt, sl_error *err)
{
    int64_t waiting = 0;
    int rc = inbox_deliveries_waiting(lt->s, &waiting, err);
    if (rc != SL_OK || waiting == 0)
        return rc;
    runtime_tenant *rt = NULL;
    intake_replay_summary sum;
    rc = runtime_open(lt->t, g->plugin_dir, 1, &rt, err);
    if (rc == SL_OK)
        rc = intake_drain(rt, &sum, err);
    runtime_close(rt);
    if (rc == SL_OK && !g->json)
        printf("parsed %ld waiting deliveries: %ld orders filed, %ld kept as failed\n",
               sum.deliveries, sum.orders, sum.failed);
    return rc;
}

int cli_process(int argc, char **argv, const cli_globals *g)
{
    int max = PROCESS_DEFAULT_MAX;
    if (argc == 4 && strcmp(argv[2], "--max") == 0) {
        if (parse_max(argv[3], &max)) {
            fprintf(stderr, "shopledger: --max needs a positive count\n");
            return CLI_USAGE;
        }
    } else if (argc != 2) {
        fprintf(stderr, "usage: shopledger process TENANT [--max N] [--json]\n");
        return CLI_USAGE;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[1], &lt) != CLI_OK)
        return CLI_FAIL;
    rules_summary sum = {0, 0, 0};
    sl_error err = {.size = sizeof(err)};
    int rc = drain_deliveries(g, &lt, &err);
    if (rc == SL_OK)
        rc = file_arrivals(lt.s, &err) < 0 ? err.code : SL_OK;
    if (rc == SL_OK)
        rc = rules_process_pending(lt.s, lt.t, ledger_cli_now_ms(), max, &sum, &err);
    ledger_cli_close(&lt);
    if (rc) {
        fprintf(stderr, "shopledger: process: %s\n", err.message);
        return CLI_FAIL;
    }
    if (g->json)
        cli_print_json(json_pack("{s:i, s:i, s:i}", "processed", sum.processed, "draft", sum.drafts,
                                 "failed", sum.failed));
    else
        printf("processed %d, draft %d, failed %d\n", sum.processed, sum.drafts, sum.failed);
    return sum.failed ? CLI_FAIL : CLI_OK;
}
