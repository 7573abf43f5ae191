/*
 * `inbox replay`: stored deliveries parsed again by the channel's current
 * connector (intake.h). Why: a connector bug or a mapping the shop owner
 * fixed turns lost orders into a re-run, since every authentic delivery
 * is kept verbatim. Filing is idempotent by content hash, so a delivery
 * whose orders are already filed adds only an event; an order the fixed
 * connector maps differently becomes a new revision.
 *
 * The replay is the operator's (request_verified): the signature was
 * checked when the delivery was acknowledged and the secret may have
 * changed since. intake_drain is serve's own parse, done by the CLI for
 * what a stopped serve left unparsed. Pages of REPLAY_PAGE deliveries:
 * parse outside, file in one transaction each.
 */
#include <stdlib.h>
#include <string.h>

#include "intake/intake.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define REPLAY_PAGE 64

/* Files one page; counts into *sum. */
static int file_page(runtime_tenant *rt, const inbox_delivery_row *rows,
                     const intake_parsed *parsed, int n, intake_replay_summary *sum, sl_error *err)
{
    int64_t now = services_now_ms();
    int rc = store_begin(rt->db, err);
    for (int i = 0; rc == SL_OK && i < n; i++) {
        intake_filed out;
        rc = intake_file(rt->db, &rows[i], &parsed[i], now, &out, err);
        if (rc == SL_OK && !out.failed && strcmp(rows[i].state, "failed") == 0)
            rc = inbox_failed_resolve_body(rt->db, rows[i].channel, rows[i].body, rows[i].body_len,
                                           now, err);
        sum->deliveries += rc == SL_OK;
        sum->orders += out.orders;
        sum->changed += out.current;
        sum->failed += out.failed;
        sum->fixed += rc == SL_OK && !out.failed && strcmp(rows[i].state, "failed") == 0;
    }
    rc = rc == SL_OK ? store_commit(rt->db, err) : rc;
    if (rc != SL_OK)
        store_rollback(rt->db);
    return rc;
}

/* Parses and files every delivery the filter selects, page by page. */
static int run_pages(runtime_tenant *rt, const char *channel, int64_t since_ms, const char *state,
                     int operator_replay, intake_replay_summary *sum, sl_error *err)
{
    int64_t after = 0;
    for (;;) {
        inbox_delivery_row *rows = NULL;
        int n = 0;
        int rc = inbox_deliveries_page(rt->db, channel, since_ms, state, after, REPLAY_PAGE, &rows,
                                       &n, err);
        if (rc != SL_OK || n == 0) {
            inbox_delivery_rows_free(rows, n);
            return rc;
        }
        intake_parsed *parsed = calloc((size_t)n, sizeof *parsed);
        int ready = 0;
        while (parsed != NULL && ready < n) {
            int r = intake_parse(runtime_channel_find(rt, rows[ready].channel), &rows[ready],
                                 operator_replay, &parsed[ready]);
            /* SL_EAUTH outside a replay: the secret changed since the
               delivery was acknowledged; kept as failed, as serve does. */
            if (r != SL_OK && !services_content_error(r) && !(r == SL_EAUTH && !operator_replay))
                break; /* says nothing about the delivery: stop, report it */
            ready++;
        }
        rc = parsed == NULL ? sl_error_set(err, SL_ENOMEM, "", "out of memory")
                            : file_page(rt, rows, parsed, ready, sum, err);
        if (rc == SL_OK && ready < n)
            rc = sl_error_set(err, parsed[ready].rc, parsed[ready].why.field, "delivery %lld: %s",
                              (long long)rows[ready].id, parsed[ready].why.message);
        after = rows[n - 1].id;
        for (int i = 0; parsed != NULL && i < n; i++)
            intake_parsed_clear(&parsed[i]);
        free(parsed);
        inbox_delivery_rows_free(rows, n);
        if (rc != SL_OK)
            return rc;
    }
}

int intake_replay(runtime_tenant *rt, const char *channel, int64_t since_ms, int failed_only,
                  intake_replay_summary *sum, sl_error *err)
{
    memset(sum, 0, sizeof *sum);
    if (channel != NULL && runtime_channel_find(rt, channel) == NULL)
        return sl_error_set(err, SL_ENOTFOUND, "channel", "no channel '%s' in tenant %s", channel,
                            rt->config->id);
    return run_pages(rt, channel, since_ms, failed_only ? "failed" : NULL, 1, sum, err);
}

int intake_drain(runtime_tenant *rt, intake_replay_summary *sum, sl_error *err)
{
    memset(sum, 0, sizeof *sum);
    return run_pages(rt, NULL, 0, "new", 0, sum, err);
}
