/*
 * Polling intake (slot fetch_orders).
 *
 * The cursor is the largest date_modified_gmt taken so far, as ISO text
 * without offset ("" or NULL = from the beginning). We ask for
 * modified_after = cursor - poll_overlap (date_modified has 1 s resolution
 * and a checkout may commit late), dates_are_gmt, status=any, ordered by id
 * (older stores refuse orderby=modified) and follow X-WP-TotalPages up to
 * WOO_MAX_PAGES.
 *
 * Day one: with the host's start_date set, the first poll (cursor "")
 * does not page the shop's whole history. It asks `after=` (created since)
 * with history = skip, `modified_after=` (anything touched since, old
 * orders too, which the host keeps as history) with history = import. The
 * host knows the tenant's time zone, we do not, so the bound is the
 * start date's midnight UTC less 14 hours (the furthest zone ahead of
 * UTC): a few hours too early at most, and the host itself decides, by
 * the exact local midnight, which order is history.
 *
 * Cursor safety: pages come in id order, not modification order, so a later
 * page can hold an order modified before the maximum seen so far. Moving the
 * cursor to that maximum after page 1 and crashing before page 2 would skip
 * it for good. So each page commits its orders with the cursor we started
 * from (the orders are idempotent, a repeat costs nothing), and only the
 * last page moves the cursor, to min(max modified seen, the store's Date at
 * the first answer): an order changed while we paged has a modified time at
 * or after that Date and is caught by the next poll.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

/* "Sun, 22 Nov 2026 08:52:09 GMT" -> UTC ms; 0 when absent or malformed. */
static int64_t http_date_ms(const char *v)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char wd[4], mon[4], iso[32];
    int d, y, hh, mm, ss;
    if (v == NULL || sscanf(v, "%3s %d %3s %d %d:%d:%d GMT", wd, &d, mon, &y, &hh, &mm, &ss) != 7)
        return 0;
    const char *p = strstr(months, mon);
    if (p == NULL || strlen(mon) != 3 || (p - months) % 3 != 0)
        return 0;
    int month = (int)(p - months) / 3 + 1;
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d", y, month, d, hh, mm, ss);
    int64_t ms = 0;
    return sl_iso8601_parse(iso, 1, &ms, NULL) == SL_OK ? ms : 0;
}

typedef struct fetch_run {
    woo_chan *ch;
    sl_ctx *ctx;
    const char *start;      /* cursor as given ("" = none) */
    char after[32];         /* the date bound, "" = none */
    const char *after_name; /* its parameter: modified_after, or after */
    int64_t seen_max;       /* largest date_modified_gmt submitted */
    int64_t store_date;     /* Date header of the first answer, 0 = unknown */
    size_t submitted;
} fetch_run;

static int request_page(fetch_run *r, int page, json_t **arr, const sl_http_resp **resp,
                        sl_error *err)
{
    woo_call c;
    char pg[16], pp[16];
    snprintf(pg, sizeof pg, "%d", page);
    snprintf(pp, sizeof pp, "%d", r->ch->per_page);
    woo_call_init(&c, "GET", "/orders");
    int rc = SL_OK;
    if (r->after[0] != '\0')
        rc = woo_call_param(&c, r->ch, r->ctx, r->after_name, r->after, err);
    if (rc || (rc = woo_call_param(&c, r->ch, r->ctx, "dates_are_gmt", "true", err)) ||
        (rc = woo_call_param(&c, r->ch, r->ctx, "status", "any", err)) ||
        (rc = woo_call_param(&c, r->ch, r->ctx, "per_page", pp, err)) ||
        (rc = woo_call_param(&c, r->ch, r->ctx, "page", pg, err)) ||
        (rc = woo_call_param(&c, r->ch, r->ctx, "orderby", "id", err)) ||
        (rc = woo_call_param(&c, r->ch, r->ctx, "order", "asc", err)))
        return rc;
    rc = woo_call_send(r->ch, r->ctx, &c, arr, resp, err);
    if (rc == SL_OK && !json_is_array(*arr)) {
        json_decref(*arr);
        return sl_error_set(err, SL_EREMOTE, "body", "GET /orders did not answer a JSON array");
    }
    return rc;
}

/* The refunds of a polled order that lists some (GET /orders/{id}/refunds,
   every page): their lines, which the order body lacks. *out stays NULL
   when the order lists none or the host predates 1.4 (SL_LINE_REFUND_ID);
   a failed call fails the poll, which the next one repeats. */
static int fetch_refunds(fetch_run *r, const json_t *o, json_t **out, sl_error *err)
{
    char id[WOO_ID_MAX] = "", path[64];
    *out = NULL;
    if (json_array_size(json_object_get(o, "refunds")) == 0 || r->ch->host->abi_minor < 4 ||
        sl_json_id(o, "id", 0, id, sizeof id, NULL) != SL_OK || id[0] == '\0')
        return SL_OK;
    snprintf(path, sizeof path, "/orders/%s/refunds", id);
    json_t *all = json_array();
    int rc = all ? SL_OK : sl_error_set(err, SL_ENOMEM, "", "out of memory");
    for (int page = 1, total = 1; rc == SL_OK && page <= total && page <= WOO_MAX_PAGES; page++) {
        woo_call c;
        char pg[16];
        json_t *arr = NULL;
        const sl_http_resp *resp = NULL;
        snprintf(pg, sizeof pg, "%d", page);
        if ((rc = woo_call_init(&c, "GET", path)) ||
            (rc = woo_call_param(&c, r->ch, r->ctx, "per_page", "100", err)) ||
            (rc = woo_call_param(&c, r->ch, r->ctx, "page", pg, err)) ||
            (rc = woo_call_send(r->ch, r->ctx, &c, &arr, &resp, err)))
            break;
        if (!json_is_array(arr))
            rc = sl_error_set(err, SL_EREMOTE, "refunds", "GET %s did not answer a JSON array",
                              path);
        else
            json_array_extend(all, arr);
        total = woo_total_pages(r->ch, resp);
        json_decref(arr);
    }
    if (rc != SL_OK) {
        json_decref(all);
        return rc;
    }
    *out = all;
    return SL_OK;
}

/* Maps and submits every order of one page. */
static int submit_page(fetch_run *r, const json_t *arr, sl_error *err)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        char *raw = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (raw == NULL)
            return sl_error_set(err, SL_ENOMEM, "", "cannot serialize order");
        int submitted = 0;
        int64_t mod = 0;
        json_t *refunds = NULL;
        int rc = fetch_refunds(r, o, &refunds, err);
        if (rc == SL_OK)
            rc = woo_order_submit_refunds(r->ch, r->ctx, o, refunds, raw, strlen(raw), &submitted,
                                          &mod, err);
        json_decref(refunds);
        free(raw);
        if (rc != SL_OK)
            return rc;
        if (submitted) {
            r->submitted++;
            if (mod > r->seen_max)
                r->seen_max = mod;
        }
    }
    return SL_OK;
}

/* The cursor after the last page: never behind the start, never past the
   store's clock at the first answer. */
static int commit_final(fetch_run *r, int64_t start_ms, sl_error *err)
{
    int64_t next = r->seen_max;
    if (r->store_date > 0 && next > r->store_date)
        next = r->store_date;
    if (next <= start_ms) {
        if (r->submitted == 0)
            return SL_OK;
        return r->ch->host->cursor_commit(r->ctx, r->start, err);
    }
    char buf[32];
    sl_iso8601_format(next, 0, buf);
    return r->ch->host->cursor_commit(r->ctx, buf, err);
}

int woo_fetch_orders(void *state, sl_ctx *ctx, const char *cursor, sl_error *err)
{
    fetch_run r = {
        .ch = state, .ctx = ctx, .start = cursor ? cursor : "", .after_name = "modified_after"};
    int64_t start_ms = 0;
    if (r.start[0] == '\0' && r.ch->first_after[0] != '\0') {
        snprintf(r.after, sizeof r.after, "%s", r.ch->first_after);
        r.after_name = r.ch->history_import ? "modified_after" : "after";
    } else if (r.start[0] != '\0') {
        if (sl_iso8601_parse(r.start, 1, &start_ms, NULL) != SL_OK)
            return sl_error_set(err, SL_EINVALID, "cursor",
                                "cursor \"%.40s\" is not an ISO 8601 date", r.start);
        sl_iso8601_format(start_ms - r.ch->overlap_ms, 0, r.after);
    }
    int total = 1;
    for (int page = 1; page <= total && page <= WOO_MAX_PAGES; page++) {
        json_t *arr = NULL;
        const sl_http_resp *resp = NULL;
        int rc = request_page(&r, page, &arr, &resp, err);
        if (rc != SL_OK)
            return rc;
        if (page == 1)
            r.store_date = http_date_ms(r.ch->host->http_resp_header(resp, "Date"));
        total = woo_total_pages(r.ch, resp);
        size_t n = json_array_size(arr);
        rc = submit_page(&r, arr, err);
        json_decref(arr);
        if (rc == SL_OK && n > 0 && page < total && r.submitted > 0)
            rc = r.ch->host->cursor_commit(ctx, r.start, err);
        if (rc != SL_OK)
            return rc;
        if (n == 0)
            break; /* a page past the end answers 200 [] */
    }
    return commit_final(&r, start_ms, err);
}

#define WOO_FURTHEST_ZONE_MS (14 * 3600 * 1000LL)

int woo_fetch_config(woo_chan *ch, sl_ctx *ctx, sl_error *err)
{
    const char *day = ch->host->config_get(ctx, "start_date");
    const char *history = ch->host->config_get(ctx, "history");
    ch->history_import = history != NULL && strcmp(history, "import") == 0;
    ch->first_after[0] = '\0';
    if (day == NULL || day[0] == '\0')
        return SL_OK;
    char iso[32];
    int64_t ms = 0;
    snprintf(iso, sizeof iso, "%.10sT00:00:00", day);
    if (sl_iso8601_parse(iso, 1, &ms, NULL) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "start_date", "start_date \"%.20s\" is not a date",
                            day);
    sl_iso8601_format(ms - WOO_FURTHEST_ZONE_MS, 0, ch->first_after);
    return SL_OK;
}
