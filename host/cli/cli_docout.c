/*
 * `shopledger doc pdf TENANT NUMBER [-o FILE]`: the document's PDF, in
 * the tenant's (or its channel's) language, to FILE or to NUMBER.pdf.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "docout/docout.h"
#include "ledger/ledger_cli.h"

static int write_file(const char *path, const unsigned char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    int bad = fclose(f) != 0 || n != len;
    return bad ? -1 : 0;
}

int cli_doc_pdf(int argc, char **argv, const cli_globals *g)
{
    const char *out = NULL;
    if (argc == 6 && strcmp(argv[4], "-o") == 0)
        out = argv[5];
    else if (argc != 4) {
        fprintf(stderr, "usage: shopledger doc pdf TENANT NUMBER [-o FILE]\n");
        return CLI_USAGE;
    }
    char fallback[128];
    if (out == NULL) {
        snprintf(fallback, sizeof fallback, "%s.pdf", argv[3]);
        out = fallback;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof err};
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = docout_pdf_of(lt.s, lt.t, argv[3], 0, &pdf, &len, &err);
    ledger_cli_close(&lt);
    if (rc != SL_OK) {
        fprintf(stderr, "shopledger: doc pdf: %s\n", err.message);
        return CLI_FAIL;
    }
    int bad = write_file(out, pdf, len);
    free(pdf);
    if (bad) {
        fprintf(stderr, "shopledger: doc pdf: cannot write %s\n", out);
        return CLI_FAIL;
    }
    if (g->json)
        cli_print_json(json_pack("{s:s, s:s, s:I}", "number", argv[3], "file", out, "bytes",
                                 (json_int_t)len));
    else
        printf("%s: %zu bytes\n", out, len);
    return CLI_OK;
}
