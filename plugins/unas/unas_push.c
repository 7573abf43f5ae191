/*
 * Stock and selling-price push by SKU (slots push_stock, push_prices).
 *
 * The host already lists only SKUs whose value changed since the last
 * push; we still read the shop first so that an equal value is not
 * written and unmanaged items are skipped. Per chunk of at most 100 SKUs
 * (the cheap tier of set calls, api/unas.md §3):
 *  1. getProduct with the chunk's SKUs as a comma list (ContentType full:
 *     prices with Vat, and stock with its Status) — one multi-item get, or
 *     a single-item get for a one-SKU chunk;
 *  2. per SKU: unknown -> NOT_FOUND; stock not managed (Stocks/Status/
 *     Active 0) or kept per variant combination (Status/Variant 1) ->
 *     SKIPPED; equal -> UNCHANGED; test mode -> WOULD_WRITE;
 *  3. one setStock (Action modify, absolute Qty) or setProduct (Prices/
 *     Price Type normal with both Net and Gross, the other one derived
 *     from the product's Vat) for the rest; each <Product> of the answer
 *     with Status ok -> WRITTEN, else FAILED with its <Error>.
 * When the rate budget runs out, the SKUs not yet done are reported
 * FAILED with the reason (the host tries them again next sync) and the
 * push ends with SL_OK; a ban ends it with SL_EBANNED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "unas.h"

enum push_kind { PUSH_STOCK, PUSH_PRICE };

typedef struct push_item {
    const char *sku;
    int64_t want;       /* qty (exponent 0) or price minor units */
    int64_t net, gross; /* prices to write */
    int write;          /* 1: goes into the set call */
    int decided;        /* outcome known unless write fails */
} push_item;

typedef struct push_run {
    unas_chan *ch;
    sl_ctx *ctx;
    int kind;
    int exponent; /* price list currency */
    push_item *items;
    size_t n;
} push_run;

static void report(push_run *r, const char *sku, int outcome, const char *msg)
{
    r->ch->host->push_report(r->ctx, sku, outcome, msg);
}

/* UNAS SKUs hold letters, digits, '-' and '_' only (api/unas.md §5.1). */
static int sku_ok(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 100)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return 0;
    return 1;
}

/* Reads list item i into r->items (or reports why not). */
static void plan(push_run *r, const sl_stock_list *list, size_t i)
{
    const sl_host *h = r->ch->host;
    const char *sku = h->stock_sku(list, i);
    const char *v = r->kind == PUSH_STOCK ? h->stock_quantity(list, i) : h->stock_price(list, i);
    int64_t m = 0;
    if (!sku_ok(sku)) {
        if (sku != NULL && *sku)
            report(r, sku, SL_PUSH_FAILED, "not a UNAS SKU (letters, digits, - and _ only)");
        return;
    }
    if (v == NULL) {
        report(r, sku, SL_PUSH_SKIPPED, "no value to push");
        return;
    }
    int exp = r->kind == PUSH_STOCK ? 0 : r->exponent;
    if (sl_money_parse(v, exp, &m) != SL_OK || m < 0) {
        report(r, sku, SL_PUSH_FAILED,
               r->kind == PUSH_STOCK ? "quantity is not a whole number >= 0"
                                     : "price is not valid in the currency");
        return;
    }
    r->items[r->n++] = (push_item){.sku = sku, .want = m};
}

static xmlNodePtr find_product(xmlDocPtr doc, const char *sku)
{
    char s[128];
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr p = sl_xml_child(root, "Product"); p; p = sl_xml_next_same(p))
        if (sl_xml_path_text(p, "Sku", s, sizeof s) == 1 && strcmp(s, sku) == 0)
            return p;
    return NULL;
}

/* getProduct for items [a, b). */
static int read_chunk(push_run *r, size_t a, size_t b, xmlDocPtr *doc, sl_error *err)
{
    sl_xml_buf q;
    sl_xml_buf_init(&q, UNAS_MAX_REQUEST);
    sl_xml_add(&q, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Params><Sku>");
    for (size_t i = a; i < b; i++) {
        sl_xml_add(&q, i > a ? "," : "");
        sl_xml_add_text(&q, r->items[i].sku);
    }
    sl_xml_add(&q, "</Sku><ContentType>full</ContentType>"
                   "<LimitNum>500</LimitNum></Params>");
    int cat = b - a > 1 ? UNAS_RATE_GET_MULTI : UNAS_RATE_GET_SINGLE;
    int rc = q.failed ? sl_xml_buf_error(&q, "list", "the getProduct request", err)
                      : unas_call(r->ch, r->ctx, "getProduct", q.p, cat, "Products", doc, err);
    sl_xml_buf_free(&q);
    return rc;
}

/* Decides a stock item against the shop's product p. */
static int decide_stock(push_run *r, push_item *it, xmlNodePtr p)
{
    char active[8], var[8], qty[UNAS_DEC_MAX];
    xmlNodePtr st = sl_xml_child(p, "Stocks");
    if (sl_xml_path_text(st, "Status/Active", active, sizeof active) == 1 &&
        strcmp(active, "0") == 0) {
        report(r, it->sku, SL_PUSH_SKIPPED, "stock is not managed in the shop");
        return 0;
    }
    if (sl_xml_path_text(st, "Status/Variant", var, sizeof var) == 1 && strcmp(var, "1") == 0) {
        report(r, it->sku, SL_PUSH_SKIPPED, "the shop keeps stock per variant combination");
        return 0;
    }
    int64_t have = -1;
    if (sl_xml_path_text(st, "Stock/Qty", qty, sizeof qty) != 1 ||
        sl_money_parse_round(qty, 0, SL_ROUND_HALF_UP, &have) != SL_OK)
        have = -1;
    if (have == it->want) {
        report(r, it->sku, SL_PUSH_UNCHANGED, NULL);
        return 0;
    }
    return 1;
}

/* Net and gross of a price from the master value and the Vat text. */
static int derive_prices(push_run *r, push_item *it, const char *vat)
{
    char pct[UNAS_DEC_MAX];
    int64_t milli = 0;
    if (unas_vat_percent(vat, pct) && sl_money_parse(pct, 3, &milli) != SL_OK)
        return SL_EINVALID;
    if (r->ch->price_gross) {
        it->gross = it->want;
        return sl_div_round(it->want * 100000, 100000 + milli, SL_ROUND_HALF_UP, &it->net);
    }
    it->net = it->want;
    return sl_div_round(it->want * (100000 + milli), 100000, SL_ROUND_HALF_UP, &it->gross);
}

static int decide_price(push_run *r, push_item *it, xmlNodePtr p)
{
    char vat[32] = "", cur[UNAS_DEC_MAX], type[16];
    xmlNodePtr prices = sl_xml_child(p, "Prices");
    sl_xml_path_text(prices, "Vat", vat, sizeof vat);
    if (derive_prices(r, it, vat) != SL_OK) {
        report(r, it->sku, SL_PUSH_FAILED, "cannot derive net/gross prices");
        return 0;
    }
    for (xmlNodePtr pr = sl_xml_child(prices, "Price"); pr; pr = sl_xml_next_same(pr)) {
        if (sl_xml_path_text(pr, "Type", type, sizeof type) != 1 || strcmp(type, "normal") != 0)
            continue;
        int64_t have = 0;
        if (sl_xml_path_text(pr, r->ch->price_gross ? "Gross" : "Net", cur, sizeof cur) == 1 &&
            sl_money_parse_round(cur, r->exponent, SL_ROUND_HALF_UP, &have) == SL_OK &&
            have == it->want) {
            report(r, it->sku, SL_PUSH_UNCHANGED, NULL);
            return 0;
        }
        return 1;
    }
    return 1;
}

/* Writes one item of the set request. */
static void write_item(push_run *r, sl_xml_buf *b, const push_item *it)
{
    char n[SL_MONEY_TEXT_MAX], g[SL_MONEY_TEXT_MAX];
    sl_xml_add(b, "<Product><Action>modify</Action>");
    sl_xml_add_elem(b, "Sku", it->sku);
    if (r->kind == PUSH_STOCK) {
        snprintf(n, sizeof n, "%lld", (long long)it->want);
        sl_xml_add(b, "<Stocks><Stock>");
        sl_xml_add_elem(b, "Qty", n);
        sl_xml_add(b, "</Stock></Stocks>");
    } else {
        sl_xml_add(b, "<Prices><Price><Type>normal</Type>");
        sl_xml_add_elem(b, "Net", sl_money_format(it->net, r->exponent, n));
        sl_xml_add_elem(b, "Gross", sl_money_format(it->gross, r->exponent, g));
        sl_xml_add(b, "</Price></Prices>");
    }
    sl_xml_add(b, "</Product>");
}

/* Reports the per-item results of a set answer. */
static void read_results(push_run *r, xmlDocPtr doc, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        push_item *it = &r->items[i];
        if (!it->write)
            continue;
        xmlNodePtr p = find_product(doc, it->sku);
        char st[16] = "", msg[200] = "";
        if (p != NULL)
            sl_xml_path_text(p, "Status", st, sizeof st);
        if (strcmp(st, "ok") == 0) {
            report(r, it->sku, SL_PUSH_WRITTEN, NULL);
            continue;
        }
        if (p != NULL)
            sl_xml_path_text(p, "Error", msg, sizeof msg);
        report(r, it->sku, SL_PUSH_FAILED,
               msg[0] ? msg
               : p    ? "the shop answered an error"
                      : "the answer has no entry for this SKU");
    }
}

static int write_chunk(push_run *r, size_t a, size_t b, sl_error *err)
{
    sl_xml_buf q;
    sl_xml_buf_init(&q, UNAS_MAX_REQUEST);
    sl_xml_add(&q, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Products>");
    size_t nw = 0;
    for (size_t i = a; i < b; i++)
        if (r->items[i].write) {
            write_item(r, &q, &r->items[i]);
            nw++;
        }
    sl_xml_add(&q, "</Products>");
    xmlDocPtr doc = NULL;
    int rc = SL_OK;
    if (nw > 0) {
        rc = q.failed ? sl_xml_buf_error(&q, "list", "the write request", err)
                      : unas_call(r->ch, r->ctx, r->kind == PUSH_STOCK ? "setStock" : "setProduct",
                                  q.p, UNAS_RATE_SET, "Products", &doc, err);
        if (rc == SL_OK) {
            read_results(r, doc, a, b);
            xmlFreeDoc(doc);
        }
    }
    sl_xml_buf_free(&q);
    return rc;
}

static int push_chunk(push_run *r, size_t a, size_t b, sl_error *err)
{
    xmlDocPtr doc = NULL;
    int rc = read_chunk(r, a, b, &doc, err);
    if (rc != SL_OK)
        return rc;
    for (size_t i = a; i < b; i++) {
        push_item *it = &r->items[i];
        xmlNodePtr p = find_product(doc, it->sku);
        int w = 0;
        if (p == NULL)
            report(r, it->sku, SL_PUSH_NOT_FOUND, "no product has this SKU");
        else
            w = r->kind == PUSH_STOCK ? decide_stock(r, it, p) : decide_price(r, it, p);
        if (w && r->ch->test_mode)
            report(r, it->sku, SL_PUSH_WOULD_WRITE, NULL);
        it->write = w && !r->ch->test_mode;
        it->decided = 1;
    }
    xmlFreeDoc(doc);
    return write_chunk(r, a, b, err);
}

/* Reports every SKU from `from` on as not done (budget or ban). */
static void report_rest(push_run *r, size_t from, const sl_error *err)
{
    char msg[SL_ERROR_MSG_MAX + 32];
    sl_push_not_pushed(err, msg, sizeof msg);
    for (size_t i = from; i < r->n; i++)
        if (!r->items[i].decided || r->items[i].write)
            report(r, r->items[i].sku, SL_PUSH_FAILED, msg);
}

static int push(void *state, sl_ctx *ctx, const sl_stock_list *list, int kind, sl_error *err)
{
    unas_chan *ch = state;
    size_t count;
    int exponent;
    int rc = sl_push_begin(ch->host, list, kind == PUSH_PRICE, &count, &exponent, err);
    if (rc != SL_OK)
        return rc;
    push_run r = {.ch = ch, .ctx = ctx, .kind = kind, .exponent = exponent};
    r.items = calloc(count ? count : 1, sizeof *r.items);
    if (r.items == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < count; i++)
        plan(&r, list, i);
    for (size_t a = 0; a < r.n && rc == SL_OK; a += UNAS_BATCH_MAX) {
        size_t b = a + UNAS_BATCH_MAX < r.n ? a + UNAS_BATCH_MAX : r.n;
        rc = push_chunk(&r, a, b, err);
        if (rc == SL_ERETRY || rc == SL_EBANNED) {
            report_rest(&r, a, err);
            if (rc == SL_ERETRY)
                rc = SL_OK;
        }
    }
    free(r.items);
    return rc;
}

int unas_push_stock(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err)
{
    return push(state, ctx, list, PUSH_STOCK, err);
}

int unas_push_prices(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err)
{
    return push(state, ctx, list, PUSH_PRICE, err);
}
