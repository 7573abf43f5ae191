/*
 * Master-data import (slot fetch_products, `shopledger channel import`).
 *
 * getProduct pages (ContentType full: prices with Vat, stock with its
 * purchase price; State live) of page_size products, paged like orders
 * (full page -> next page, one product of overlap, SKUs deduplicated).
 * Each product with a Sku becomes one product_submit: code, name, the
 * shop's id, unit, Vat short name, selling price (the "normal" price,
 * Gross or Net by price_kind), purchase price (Stocks/Stock/Price, read
 * as the purchase price — assumed, see README), stock on hand (the first
 * Stock's Qty), and for a product-family child (Types/Type child) the
 * parent's SKU (Types/Parent). Deleted products are skipped.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "unas.h"

typedef struct import_run {
    unas_chan *ch;
    sl_ctx *ctx;
    json_t *seen;
    int submitted;
} import_run;

static int request_page(import_run *r, int64_t offset, xmlDocPtr *doc, sl_error *err)
{
    char num[32];
    sl_xml_buf b;
    sl_xml_buf_init(&b, 4096);
    sl_xml_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Params>"
                   "<State>live</State><ContentType>full</ContentType>");
    snprintf(num, sizeof num, "%d", r->ch->page_size);
    sl_xml_add_elem(&b, "LimitNum", num);
    snprintf(num, sizeof num, "%lld", (long long)offset);
    sl_xml_add_elem(&b, "LimitStart", num);
    sl_xml_add(&b, "</Params>");
    int rc = b.failed ? sl_error_set(err, SL_ENOMEM, "", "out of memory")
                      : unas_call(r->ch, r->ctx, "getProduct", b.p, UNAS_RATE_GET_MULTI, "Products",
                                  doc, err);
    sl_xml_buf_free(&b);
    return rc;
}

/* Sets field f from `path` below n when present and non-empty; decimal
   fields are checked first. */
static int field(import_run *r, sl_product *p, int f, const xmlNode *n, const char *path,
                 int is_decimal)
{
    const char *v = unas_text_dup(r->ch->host, r->ctx, n, path);
    if (v == NULL || v[0] == '\0')
        return SL_OK;
    if (is_decimal && sl_decimal_check(v, strlen(v)) != SL_OK)
        return SL_EINVALID;
    return r->ch->host->product_set(p, f, v);
}

/* The <Price> of Type normal, or NULL. */
static xmlNodePtr normal_price(const xmlNode *prod)
{
    char type[16];
    xmlNodePtr pr = sl_xml_child(sl_xml_child(prod, "Prices"), "Price");
    for (; pr != NULL; pr = sl_xml_next_same(pr))
        if (sl_xml_path_text(pr, "Type", type, sizeof type) == 1 && strcmp(type, "normal") == 0)
            return pr;
    return NULL;
}

static int submit_product(import_run *r, const xmlNode *x, const char *sku, sl_error *err)
{
    const sl_host *h = r->ch->host;
    sl_product *p = h->product_new(r->ctx);
    if (p == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "product_new failed");
    xmlNodePtr price = normal_price(x);
    char type[16];
    int rc = h->product_set(p, SL_PRODUCT_SKU, sku);
    if (rc == SL_OK)
        rc = field(r, p, SL_PRODUCT_NAME, x, "Name", 0);
    if (rc == SL_OK)
        rc = field(r, p, SL_PRODUCT_EXTERNAL_ID, x, "Id", 0);
    if (rc == SL_OK)
        rc = field(r, p, SL_PRODUCT_UNIT, x, "Unit", 0);
    if (rc == SL_OK)
        rc = field(r, p, SL_PRODUCT_TAX_RATE_ID, x, "Prices/Vat", 0);
    if (rc == SL_OK)
        rc = field(r, p, SL_PRODUCT_CURRENCY, price, "Currency", 0);
    if (rc == SL_OK)
        rc = field(r, p, SL_PRODUCT_PRICE, price, r->ch->price_gross ? "Gross" : "Net", 1);
    if (rc == SL_OK)
        rc = field(r, p, SL_PRODUCT_PURCHASE_PRICE, x, "Stocks/Stock/Price", 1);
    if (rc == SL_OK)
        rc = field(r, p, SL_PRODUCT_STOCK, x, "Stocks/Stock/Qty", 1);
    if (rc == SL_OK && sl_xml_path_text(x, "Types/Type", type, sizeof type) == 1 &&
        strcmp(type, "child") == 0)
        rc = field(r, p, SL_PRODUCT_PARENT_SKU, x, "Types/Parent", 0);
    if (rc != SL_OK) /* the host keeps the first bad field; submit names it */
        h->log(r->ctx, SL_LOG_WARN, "product %s: a field was refused", sku);
    rc = h->product_submit(r->ctx, p, err);
    if (rc == SL_OK)
        r->submitted++;
    return rc;
}

static int submit_page(import_run *r, xmlDocPtr doc, size_t *count, sl_error *err)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    *count = sl_xml_count(root, "Product");
    for (xmlNodePtr x = sl_xml_child(root, "Product"); x; x = sl_xml_next_same(x)) {
        char sku[128], state[16];
        if (sl_xml_path_text(x, "Sku", sku, sizeof sku) != 1 || !sku[0] ||
            json_object_get(r->seen, sku) != NULL ||
            (sl_xml_path_text(x, "State", state, sizeof state) == 1 &&
             strcmp(state, "deleted") == 0))
            continue;
        json_object_set_new(r->seen, sku, json_true());
        int rc = submit_product(r, x, sku, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

int unas_fetch_products(void *state, sl_ctx *ctx, sl_error *err)
{
    import_run r = {.ch = state, .ctx = ctx, .seen = json_object()};
    if (r.seen == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    int rc = SL_OK;
    int64_t offset = 0;
    int page = 0;
    for (; page < UNAS_MAX_PAGES && rc == SL_OK; page++) {
        xmlDocPtr doc = NULL;
        size_t n = 0;
        rc = request_page(&r, offset, &doc, err);
        if (rc != SL_OK)
            break;
        rc = submit_page(&r, doc, &n, err);
        xmlFreeDoc(doc);
        if (rc != SL_OK || n < (size_t)r.ch->page_size)
            break;
        offset += r.ch->page_size - 1;
    }
    if (rc == SL_OK && page == UNAS_MAX_PAGES)
        rc = sl_error_set(err, SL_ETOOBIG, "Products", "more than %d pages of products",
                          UNAS_MAX_PAGES);
    if (rc == SL_OK)
        r.ch->host->log(ctx, SL_LOG_INFO, "UNAS import: %d products", r.submitted);
    json_decref(r.seen);
    return rc;
}
