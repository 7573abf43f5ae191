/*
 * `shopledger inbox prune TENANT [--dry-run]`: the deliveries log cut to
 * the tenant's [intake] keep_deliveries (intake_prune; the rule is in
 * inbox/inbox.h). Prints how many deliveries and bytes went (or would go,
 * with --dry-run) and what older stays and why: failed ones (evidence, for
 * `inbox replay --failed`), ones not parsed yet, and ones held for an
 * inbox item that is not settled. Safe beside a running serve: each batch
 * is one short transaction. The database file does not shrink; SQLite
 * reuses the freed pages for new deliveries.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "config/config.h"
#include "inbox/inbox.h"
#include "intake/intake.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define PRUNE_CLI_BATCHES 1000000 /* a run goes on until nothing is left */

static int usage(void)
{
    fprintf(stderr, "usage: shopledger inbox prune TENANT [--dry-run]\n");
    return CLI_USAGE;
}

static void print_result(const config_tenant *t, int dry_run, const intake_prune_summary *sum,
                         const inbox_old_deliveries *old, const cli_globals *g)
{
    int64_t held = old->total - old->failed - old->unparsed;
    char when[32];
    sl_iso8601_format(sum->cutoff_ms, 1, when);
    if (g->json) {
        cli_print_json(json_pack(
            "{s:b, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I}", "dry_run", dry_run, "tenant", t->id,
            "keep_seconds", (json_int_t)t->keep_deliveries_s, "received_before", when,
            dry_run ? "prunable" : "pruned", (json_int_t)sum->rows, "bytes", (json_int_t)sum->bytes,
            "kept_failed", (json_int_t)old->failed, "kept_unparsed", (json_int_t)old->unparsed,
            "kept_for_replay", (json_int_t)(held > 0 ? held : 0)));
        return;
    }
    printf("%s %lld deliveries (%lld bytes) received before %s (keep_deliveries %lld days)\n",
           dry_run ? "would prune" : "pruned", (long long)sum->rows, (long long)sum->bytes, when,
           (long long)(t->keep_deliveries_s / 86400));
    if (old->total > 0)
        printf("older ones kept: %lld failed (replayable: inbox failed), %lld not parsed yet, "
               "%lld held for an inbox item not yet processed\n",
               (long long)old->failed, (long long)old->unparsed, (long long)(held > 0 ? held : 0));
}

int cli_inbox_prune(int argc, char **argv, const cli_globals *g)
{
    int dry_run = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0)
            dry_run = 1;
        else
            return usage();
    }
    if (argc < 3)
        return usage();
    config_set *cfg = NULL;
    if (cli_load_config(g, &cfg) != CLI_OK)
        return CLI_FAIL;
    const config_tenant *t = config_find_tenant(cfg, argv[2]);
    sl_error err = {.size = sizeof err};
    store *db = NULL;
    int rc = CLI_FAIL;
    intake_prune_summary sum = {0};
    inbox_old_deliveries old = {0};
    if (t == NULL)
        fprintf(stderr, "shopledger: no tenant '%s' in %s\n", argv[2], g->conf_dir);
    else if (store_open(t->database, &db, &err) != SL_OK ||
             intake_prune(db, t, services_now_ms(), PRUNE_CLI_BATCHES, dry_run, &sum, &err) !=
                 SL_OK ||
             inbox_deliveries_old(db, sum.cutoff_ms, &old, &err) != SL_OK)
        fprintf(stderr, "shopledger: inbox prune: %s\n", err.message);
    else {
        if (dry_run) /* what stays is everything older minus what would go */
            old.total -= sum.rows;
        print_result(t, dry_run, &sum, &old, g);
        rc = CLI_OK;
    }
    store_close(db);
    config_set_free(cfg);
    return rc;
}
