/*
 * GET /admin/<tenant>/documents/<ID>.pdf: a ledger document rendered as
 * its PDF (docout), answered as application/pdf.
 *
 * It runs on the admin listener's own thread pool with the request's own
 * short-lived read connection, so a render never holds a webhook thread,
 * the writer or its transaction. Renders are taken one at a time: a
 * document of many pages costs megabytes and CPU, and a burst of admin
 * clicks should not take both cores from the writer.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "docout/docout.h"
#include "server/server_int.h"
#include "shopledger/sdkutil.h"

static pthread_mutex_t render_lock = PTHREAD_MUTEX_INITIALIZER;

int admin_pdf_route(const char *rest, int64_t *id)
{
    const char *p = rest + strlen("documents/");
    if (strncmp(rest, "documents/", strlen("documents/")) != 0 || *p < '1' || *p > '9')
        return 0;
    int64_t n = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (INT64_MAX - 9) / 10)
            return 0;
        n = n * 10 + (*p - '0');
    }
    if (strcmp(p, ".pdf") != 0)
        return 0;
    *id = n;
    return 1;
}

int admin_pdf(server_tenant *st, store *db, int64_t id, unsigned char **pdf, size_t *len,
              sl_error *err)
{
    pthread_mutex_lock(&render_lock);
    int rc = docout_pdf_of(db, st->rt->config, NULL, id, pdf, len, err);
    pthread_mutex_unlock(&render_lock);
    return rc;
}
