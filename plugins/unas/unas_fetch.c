/*
 * Polling intake (slot fetch_orders).
 *
 * The cursor is unix seconds of the newest DateMod taken ("" or NULL = from
 * the beginning). One poll asks getOrder for TimeModStart = cursor -
 * poll_overlap (DateMod has one-second resolution and a shop clock may
 * lag ours), LimitNum = page_size (500, the maximum, by default: a
 * multi-item getOrder costs one of only 30 calls an hour on PREMIUM, so a
 * page should carry as much as it can). There are no totals: we page while
 * a page comes back full. Whether LimitStart is 0- or 1-based is not
 * documented, so pages overlap by one order and a Key seen in this poll
 * is not submitted twice.
 *
 * Cursor safety (as in the WooCommerce connector): pages have no stated
 * order, so each page commits its orders with the cursor we started from;
 * only the last page moves it, to min(newest DateMod seen, our clock at
 * the start of the poll): anything modified while we paged is at or after
 * that start and comes again next time. Orders the order_filter skips
 * still move the cursor (they are not wanted at this revision).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "shopledger/sdkutil.h"
#include "unas.h"

typedef struct fetch_run {
    unas_chan *ch;
    sl_ctx *ctx;
    const char *start; /* cursor as given */
    int64_t since_s;   /* TimeModStart, 0 = none */
    int64_t seen_max;  /* newest DateMod seen (s) */
    json_t *seen;      /* Keys taken in this poll */
    size_t submitted;
} fetch_run;

static int request_page(fetch_run *r, int64_t offset, xmlDocPtr *doc, sl_error *err)
{
    char num[32];
    sl_xml_buf b;
    sl_xml_buf_init(&b, 4096);
    sl_xml_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Params>");
    if (r->since_s > 0) {
        snprintf(num, sizeof num, "%lld", (long long)r->since_s);
        sl_xml_add_elem(&b, "TimeModStart", num);
    }
    snprintf(num, sizeof num, "%d", r->ch->page_size);
    sl_xml_add_elem(&b, "LimitNum", num);
    snprintf(num, sizeof num, "%lld", (long long)offset);
    sl_xml_add_elem(&b, "LimitStart", num);
    sl_xml_add(&b, "</Params>");
    int rc = b.failed ? sl_error_set(err, SL_ENOMEM, "", "out of memory")
                      : unas_call(r->ch, r->ctx, "getOrder", b.p, UNAS_RATE_GET_MULTI, "Orders",
                                  doc, err);
    sl_xml_buf_free(&b);
    return rc;
}

/* The <Order> element as text, for order_set_raw (malloc'd). */
static char *dump_order(xmlDocPtr doc, xmlNodePtr o, size_t *len)
{
    xmlBufferPtr buf = xmlBufferCreate();
    if (buf == NULL)
        return NULL;
    char *out = NULL;
    if (xmlNodeDump(buf, doc, o, 0, 0) >= 0) {
        *len = (size_t)xmlBufferLength(buf);
        out = malloc(*len + 1);
        if (out != NULL) {
            memcpy(out, xmlBufferContent(buf), *len);
            out[*len] = '\0';
        }
    }
    xmlBufferFree(buf);
    return out;
}

static int submit_one(fetch_run *r, xmlDocPtr doc, xmlNodePtr o, sl_error *err)
{
    char key[128];
    if (sl_xml_path_text(o, "Key", key, sizeof key) == 1 && key[0] &&
        json_object_get(r->seen, key) != NULL)
        return SL_OK; /* the page overlap brought it again */
    size_t len = 0;
    char *raw = dump_order(doc, o, &len);
    if (raw == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "cannot serialize an order");
    int submitted = 0;
    int64_t mod = 0;
    int rc = unas_order_submit(r->ch, r->ctx, o, raw, len, &submitted, &mod, err);
    free(raw);
    if (rc != SL_OK)
        return rc;
    json_object_set_new(r->seen, key, json_true());
    r->submitted += (size_t)submitted;
    if (mod > r->seen_max)
        r->seen_max = mod;
    return SL_OK;
}

/* Submits one page; *count = its number of orders. */
static int submit_page(fetch_run *r, xmlDocPtr doc, size_t *count, sl_error *err)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    *count = sl_xml_count(root, "Order");
    if (*count > (size_t)r->ch->page_size)
        return sl_error_set(err, SL_EREMOTE, "Orders",
                            "getOrder answered %zu orders for LimitNum %d", *count,
                            r->ch->page_size);
    for (xmlNodePtr o = sl_xml_child(root, "Order"); o; o = sl_xml_next_same(o)) {
        int rc = submit_one(r, doc, o, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

static int commit_final(fetch_run *r, int64_t poll_start_s, sl_error *err)
{
    int64_t next = r->seen_max < poll_start_s ? r->seen_max : poll_start_s;
    int64_t start = r->start[0] ? strtoll(r->start, NULL, 10) : 0;
    if (next <= start)
        return r->submitted ? r->ch->host->cursor_commit(r->ctx, r->start, err) : SL_OK;
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)next);
    return r->ch->host->cursor_commit(r->ctx, buf, err);
}

static int parse_cursor(fetch_run *r, sl_error *err)
{
    if (r->start[0] == '\0')
        return SL_OK;
    char *end = NULL;
    long long v = strtoll(r->start, &end, 10);
    if (end == r->start || *end != '\0' || v < 0)
        return sl_error_set(err, SL_EINVALID, "cursor", "cursor \"%.40s\" is not unix seconds",
                            r->start);
    int64_t overlap_s = r->ch->overlap_ms / 1000;
    r->since_s = v > overlap_s ? v - overlap_s : 1;
    return SL_OK;
}

static int run_pages(fetch_run *r, sl_error *err)
{
    int64_t offset = 0;
    for (int page = 0; page < UNAS_MAX_PAGES; page++) {
        xmlDocPtr doc = NULL;
        size_t n = 0;
        int rc = request_page(r, offset, &doc, err);
        if (rc != SL_OK)
            return rc;
        rc = submit_page(r, doc, &n, err);
        xmlFreeDoc(doc);
        if (rc != SL_OK)
            return rc;
        if (n < (size_t)r->ch->page_size)
            return SL_OK;
        if (r->submitted > 0 && (rc = r->ch->host->cursor_commit(r->ctx, r->start, err)) != SL_OK)
            return rc;
        offset += r->ch->page_size - 1; /* overlap one: base not stated */
    }
    return sl_error_set(err, SL_ETOOBIG, "Orders", "more than %d pages of orders in one poll",
                        UNAS_MAX_PAGES);
}

int unas_fetch_orders(void *state, sl_ctx *ctx, const char *cursor, sl_error *err)
{
    fetch_run r = {.ch = state, .ctx = ctx, .start = cursor ? cursor : ""};
    int rc = parse_cursor(&r, err);
    if (rc != SL_OK)
        return rc;
    int64_t poll_start = r.ch->host->now_ms(ctx) / 1000;
    r.seen = json_object();
    if (r.seen == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    rc = run_pages(&r, err);
    if (rc == SL_OK)
        rc = commit_final(&r, poll_start, err);
    else if (r.submitted > 0)
        r.ch->host->cursor_commit(ctx, r.start, NULL); /* keep what we took */
    json_decref(r.seen);
    return rc;
}
