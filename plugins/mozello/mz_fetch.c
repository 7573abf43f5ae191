/*
 * Polling intake (slot fetch_orders), api/mozello.md §3 and §4.1.
 *
 * Orders have no modified filter, only created_at, so the poll catches
 * orders whose notification never arrived; payment and dispatch changes
 * travel by notification. The cursor is the largest created_at taken so
 * far, in Mozello's own form ("2024-05-01 14:22:05", the site's local
 * time; "" or NULL = from the beginning). We ask for
 * filter=created_at>=cursor-poll_overlap, oldest first, and follow the
 * relative next_page_uri (cursor paging, page_start=id:N) until it is
 * null, at most MZ_MAX_PAGES pages.
 *
 * Cursor safety: intermediate pages commit their orders with the cursor
 * we started from (a repeat costs nothing: intake is idempotent); only
 * the last page moves it, to the largest created_at seen. Pages come in
 * id order, and ids grow with creation, so nothing is skipped; the overlap
 * covers orders committed late with an earlier timestamp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mozello.h"
#include "shopledger/sdkutil.h"

typedef struct fetch_run {
    mz_chan *ch;
    sl_ctx *ctx;
    const char *start;  /* cursor as given ("" = none) */
    int64_t seen_max;   /* largest created_at (wall clock ms) submitted */
    char seen_text[32]; /* ... as Mozello wrote it */
    size_t submitted;
} fetch_run;

/* Wall-clock ms of "YYYY-MM-DD HH:MM:SS" (no zone arithmetic). */
static int wall_ms(const char *text, int64_t *out)
{
    return sl_iso8601_parse(text, 1, out, NULL);
}

static int submit_page(fetch_run *r, const json_t *ans, sl_error *err)
{
    json_t *orders = NULL, *o;
    int rc = sl_json_array(ans, "orders", 1, &orders, err);
    if (rc != SL_OK)
        return rc;
    size_t i;
    json_array_foreach(orders, i, o)
    {
        char *raw = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (raw == NULL)
            return sl_error_set(err, SL_ENOMEM, "", "cannot serialize order");
        const char *created = NULL;
        rc = mz_order_submit(r->ch, r->ctx, o, raw, strlen(raw), &created, err);
        free(raw);
        if (rc != SL_OK)
            return rc;
        int64_t ms = 0;
        r->submitted++;
        if (wall_ms(created, &ms) == SL_OK && ms > r->seen_max &&
            strlen(created) < sizeof r->seen_text) {
            r->seen_max = ms;
            memcpy(r->seen_text, created, strlen(created) + 1);
        }
    }
    return SL_OK;
}

/* The first page's query: size, order and the created_at window. */
static void first_query(fetch_run *r, int64_t start_ms, const char **q, char *size, char *filter)
{
    size_t n = 0;
    snprintf(size, 16, "%d", r->ch->page_size);
    q[n++] = "page_size", q[n++] = size;
    q[n++] = "desc", q[n++] = "0";
    if (r->start[0] != '\0') {
        char iso[32];
        sl_iso8601_format(start_ms - r->ch->overlap_ms, 0, iso);
        iso[10] = ' ';
        snprintf(filter, 64, "created_at>=%s", iso);
        q[n++] = "filter", q[n++] = filter;
    }
    q[n] = NULL;
}

int mz_fetch_orders(void *state, sl_ctx *ctx, const char *cursor, sl_error *err)
{
    fetch_run r = {.ch = state, .ctx = ctx, .start = cursor ? cursor : ""};
    int64_t start_ms = 0;
    if (r.start[0] != '\0' && wall_ms(r.start, &start_ms) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "cursor",
                            "cursor \"%.40s\" is not YYYY-MM-DD HH:MM:SS", r.start);
    r.seen_max = start_ms;
    const char *q[8];
    char size[16], filter[64], path[1024] = "/store/orders/";
    first_query(&r, start_ms, q, size, filter);
    for (int page = 0; page < MZ_MAX_PAGES; page++) {
        json_t *ans = NULL;
        int has_next = 0;
        int rc = mz_call(r.ch, ctx, "GET", path, page == 0 ? q : NULL, NULL, &ans, err);
        if (rc == SL_OK)
            rc = submit_page(&r, ans, err);
        if (rc == SL_OK)
            rc = mz_next_page(r.ch, ans, path, sizeof path, &has_next, err);
        json_decref(ans);
        if (rc != SL_OK)
            return rc;
        if (!has_next)
            break;
        if (r.submitted > 0 && (rc = r.ch->host->cursor_commit(ctx, r.start, err)) != SL_OK)
            return rc;
    }
    if (r.seen_text[0] != '\0')
        return r.ch->host->cursor_commit(ctx, r.seen_text, err);
    return r.submitted > 0 ? r.ch->host->cursor_commit(ctx, r.start, err) : SL_OK;
}
