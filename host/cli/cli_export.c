/*
 * `shopledger export documents TENANT [--from DATE] [--to DATE]
 *  [--channel C] [--status S] [--format csv] [--bom] -o FILE`
 *
 * Every matching document (not a page), streamed row by row as CSV
 * (RFC 4180, UTF-8, a BOM with --bom). Dates are YYYY-MM-DD in UTC, --to
 * inclusive. On a terminal stderr shows "rows done / total"; --json
 * prints a summary at the end. Columns, in this order (stable; new ones
 * are only ever appended):
 *   number, type, status, channel, shop_order_id, order_number,
 *   issue_date, currency, net, tax, gross, paid, customer_name,
 *   customer_email
 * Money is decimal text with a dot in the currency's own decimals.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "docout/docout_csv.h"
#include "ledger/ledger_cli.h"
#include "ledger/ledger_export.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define DAY_MS 86400000LL
#define PROGRESS_EVERY 1000

static const char *const COLUMNS[] = {
    "number",   "type", "status", "channel", "shop_order_id", "order_number",  "issue_date",
    "currency", "net",  "tax",    "gross",   "paid",          "customer_name", "customer_email"};

typedef struct export_run {
    docout_csv csv;
    int64_t done, total;
    int progress;
} export_run;

static int parse_day(const char *text, int64_t *ms)
{
    char iso[40];
    sl_error err = {.size = sizeof err};
    if (strlen(text) != 10)
        return -1;
    snprintf(iso, sizeof iso, "%sT00:00:00", text);
    return sl_iso8601_parse(iso, 1, ms, &err) == SL_OK ? 0 : -1;
}

static int write_row(void *data, const ledger_export_doc *d)
{
    export_run *r = data;
    char day[32], iso[32], net[SL_MONEY_TEXT_MAX], tax[SL_MONEY_TEXT_MAX],
        gross[SL_MONEY_TEXT_MAX], paid[SL_MONEY_TEXT_MAX];
    snprintf(day, sizeof day, "%.10s", sl_iso8601_format(d->created_ms, 0, iso));
    const char *cells[] = {d->number,
                           d->type,
                           d->status,
                           d->channel,
                           d->external_id,
                           d->order_number,
                           day,
                           d->currency,
                           sl_money_format(d->net, d->exponent, net),
                           sl_money_format(d->tax, d->exponent, tax),
                           sl_money_format(d->gross, d->exponent, gross),
                           sl_money_format(d->paid, d->exponent, paid),
                           d->customer_name,
                           d->customer_email};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        docout_csv_field(&r->csv, cells[i]);
    docout_csv_end_record(&r->csv);
    if (++r->done % PROGRESS_EVERY == 0 && r->progress)
        fprintf(stderr, "\rexport: %lld / %lld", (long long)r->done, (long long)r->total);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: shopledger export documents TENANT [--from YYYY-MM-DD] "
                    "[--to YYYY-MM-DD] [--channel C] [--status S] [--format csv] [--bom] "
                    "-o FILE [--json]\n");
    return CLI_USAGE;
}

int cli_export(int argc, char **argv, const cli_globals *g)
{
    if (argc < 3 || strcmp(argv[1], "documents") != 0)
        return usage();
    ledger_export_filter f = {0};
    const char *out = NULL;
    int bom = 0;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int64_t ms;
        if (strcmp(a, "--bom") == 0) {
            bom = 1;
            continue;
        }
        if (v == NULL)
            return usage();
        i++;
        if (strcmp(a, "--from") == 0 && parse_day(v, &ms) == 0)
            f.from_ms = ms;
        else if (strcmp(a, "--to") == 0 && parse_day(v, &ms) == 0)
            f.to_ms = ms + DAY_MS;
        else if (strcmp(a, "--channel") == 0)
            f.channel = v;
        else if (strcmp(a, "--status") == 0)
            f.status = v;
        else if (strcmp(a, "--format") == 0 && strcmp(v, "csv") == 0)
            continue;
        else if (strcmp(a, "-o") == 0)
            out = v;
        else
            return usage();
    }
    if (out == NULL)
        return usage();
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    FILE *file = fopen(out, "wb");
    if (file == NULL) {
        ledger_cli_close(&lt);
        fprintf(stderr, "shopledger: export: cannot write %s\n", out);
        return CLI_FAIL;
    }
    export_run r = {.progress = isatty(STDERR_FILENO)};
    docout_csv_begin(&r.csv, file, bom);
    for (size_t i = 0; i < sizeof COLUMNS / sizeof COLUMNS[0]; i++)
        docout_csv_field(&r.csv, COLUMNS[i]);
    docout_csv_end_record(&r.csv);
    sl_error err = {.size = sizeof err};
    int rc = ledger_export_documents(lt.s, &f, &r.total, write_row, &r, &err);
    ledger_cli_close(&lt);
    int bad = ferror(file);
    bad |= fclose(file) != 0;
    if (r.progress)
        fprintf(stderr, "\rexport: %lld / %lld\n", (long long)r.done, (long long)r.total);
    if (rc != SL_OK || bad) {
        fprintf(stderr, "shopledger: export: %s\n", rc ? err.message : "write failed");
        return CLI_FAIL;
    }
    if (g->json)
        cli_print_json(json_pack("{s:s, s:s, s:I}", "export", "documents", "file", out, "rows",
                                 (json_int_t)r.done));
    return CLI_OK;
}
