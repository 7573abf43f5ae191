/*
 * `shopledger export orders|documents|journal TENANT [--from DATE]
 *  [--to DATE] [--channel C] [--status S] [--format csv|xlsx] [--bom]
 *  -o FILE [--json]`
 *
 * Every matching row (not a page), streamed into FILE as CSV (RFC 4180,
 * UTF-8, a BOM with --bom) or XLSX. DATE is YYYY-MM-DD, a day of the
 * tenant's time zone, --to inclusive. On a terminal stderr shows "rows
 * done / total"; --json prints a summary at the end. The columns of each
 * export, in their stable order: host/export/export.h and the README.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "export/export.h"
#include "ledger/ledger_cli.h"
#include "shopledger/sdkutil.h"

static int usage(void)
{
    fprintf(stderr, "usage: shopledger export orders|documents|journal TENANT "
                    "[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--channel C] [--status S] "
                    "[--format csv|xlsx] [--bom] -o FILE [--json]\n");
    return CLI_USAGE;
}

static void show_progress(void *data, int64_t done, int64_t total)
{
    (void)data;
    fprintf(stderr, "\rexport: %lld / %lld", (long long)done, (long long)total);
}

static int parse_format(const char *v, int *format)
{
    if (strcmp(v, "csv") == 0)
        *format = DOCOUT_FORMAT_CSV;
    else if (strcmp(v, "xlsx") == 0)
        *format = DOCOUT_FORMAT_XLSX;
    else
        return -1;
    return 0;
}

/* Fills rq from argv[3..]; -1 for a usage error (message printed). */
static int parse_args(int argc, char **argv, export_request *rq)
{
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--bom") == 0) {
            rq->bom = 1;
            continue;
        }
        if (v == NULL)
            return -1;
        i++;
        if (strcmp(a, "--from") == 0 && export_day_valid(v))
            rq->from_day = v;
        else if (strcmp(a, "--to") == 0 && export_day_valid(v))
            rq->to_day = v;
        else if (strcmp(a, "--channel") == 0)
            rq->channel = v;
        else if (strcmp(a, "--status") == 0)
            rq->status = v;
        else if (strcmp(a, "--format") == 0 && parse_format(v, &rq->format) == 0)
            continue;
        else if (strcmp(a, "-o") == 0)
            rq->path = v;
        else {
            fprintf(stderr, "shopledger: export: bad option or value: %s %s\n", a, v);
            return -1;
        }
    }
    return rq->path ? 0 : -1;
}

int cli_export(int argc, char **argv, const cli_globals *g)
{
    int kind = argc >= 3 ? export_kind_parse(argv[1]) : 0;
    if (kind == 0)
        return usage();
    export_request rq = {.kind = kind, .format = DOCOUT_FORMAT_CSV};
    if (parse_args(argc, argv, &rq) != 0)
        return usage();
    int tty = isatty(STDERR_FILENO);
    if (tty)
        rq.progress = show_progress;
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof err};
    export_summary sum = {0};
    int rc = export_run(lt.s, lt.t, &rq, &sum, &err);
    ledger_cli_close(&lt);
    if (tty)
        fputc('\n', stderr);
    if (rc != SL_OK) {
        fprintf(stderr, "shopledger: export: %s\n", err.message);
        return CLI_FAIL;
    }
    if (g->json)
        cli_print_json(json_pack("{s:s, s:s, s:s, s:I, s:I}", "export", argv[1], "format",
                                 rq.format == DOCOUT_FORMAT_XLSX ? "xlsx" : "csv", "file", rq.path,
                                 "rows", (json_int_t)sum.rows, "matched", (json_int_t)sum.total));
    return CLI_OK;
}
