/*
 * testshop: a small but complete connector whose "remote shop" is a set of
 * local files, so the host's whole path (loader, services, inbox, rules,
 * outbox) can be exercised end to end without a network.
 *
 * Config keys of its channel:
 *   orders_dir   fetch_orders reads every *.json there, in name order; the
 *                cursor is the last file name handed over
 *   notes_file   report_status appends "EXTERNAL_ID<TAB>NOTE" lines
 *   stock_file   push_stock/push_prices append "SKU<TAB>QTY<TAB>PRICE" lines
 *   products_file  fetch_products reads a JSON array of
 *                {"sku","parent_sku","name","price","purchase_price","stock"}
 * Secret webhook_secret: X-Testshop-Signature = base64 HMAC-SHA256(body).
 *
 * Order JSON (its own simple wire format, see tests/golden/testshop/):
 *   {"id","number","status","currency","modified","email","first_name",
 *    "last_name","payment_method","prices_include_tax","total","total_tax",
 *    optional "created" (ISO 8601), "transaction_id", "company",
 *    "phone","shipping_method",
 *    "shipping":{"first_name","last_name","address_1","address_2","city",
 *                "state","postcode","country","phone"},
 *    "lines":[{"id","sku","name","qty","unit_price","total","total_tax",
 *              "tax_rate_id","tax_percent","kind"}],
 *    "refunds":[{"id","total","reason"}]}
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdk.h"
#include "shopledger/sdkutil.h"

#define TS_MAX_BODY (1u << 20)
#define TS_MAX_FILES 10000

typedef struct ts_state {
    const sl_host *host;
    const char *orders_dir, *notes_file, *stock_file, *products_file;
    /* `reject_sku`: webhook deliveries with a line of this SKU are refused
       as unsupported, as a connector bug would; the replay tests "fix" it
       by removing the key. */
    const char *reject_sku;
} ts_state;

static int open_channel(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    ts_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    s->host = host;
    s->orders_dir = host->config_get(ctx, "orders_dir");
    s->notes_file = host->config_get(ctx, "notes_file");
    s->stock_file = host->config_get(ctx, "stock_file");
    s->products_file = host->config_get(ctx, "products_file");
    s->reject_sku = host->config_get(ctx, "reject_sku");
    *state = s;
    return SL_OK;
}

static void close_channel(void *state)
{
    free(state);
}

static const char *normalized(const char *status)
{
    if (strcmp(status, "paid") == 0)
        return SL_STATUS_CONFIRMED;
    if (strcmp(status, "cancelled") == 0)
        return SL_STATUS_CANCELLED;
    if (strcmp(status, "refunded") == 0)
        return SL_STATUS_RETURNED;
    return SL_STATUS_AWAITING;
}

/* Copies a string member into a text field when present. */
static int put_text(const sl_host *h, sl_order *o, const json_t *j, const char *key, int field,
                    int required, sl_error *err)
{
    const char *v = NULL;
    int rc = sl_json_str(j, key, required, &v, err);
    if (rc == SL_OK && v != NULL)
        rc = h->order_set_text(o, field, v);
    return rc;
}

static int put_line_text(const sl_host *h, sl_line *l, const json_t *j, const char *key, int field,
                         sl_error *err)
{
    const char *v = NULL;
    int rc = sl_json_str(j, key, 0, &v, err);
    if (rc == SL_OK && v != NULL)
        rc = h->line_set_text(l, field, v);
    return rc;
}

static int put_line_money(const sl_host *h, sl_line *l, const json_t *j, const char *key, int field,
                          sl_error *err)
{
    char buf[64] = "";
    int rc = sl_json_decimal(j, key, 0, buf, sizeof buf, err);
    if (rc == SL_OK && buf[0] != '\0')
        rc = h->line_set_money(l, field, buf);
    return rc;
}

static int map_line(const sl_host *h, sl_order *o, const json_t *jl, sl_error *err)
{
    const char *kind = "product";
    int rc = sl_json_str(jl, "kind", 0, &kind, err);
    if (rc != SL_OK)
        return rc;
    int k = strcmp(kind, "shipping") == 0   ? SL_LINE_SHIPPING
            : strcmp(kind, "fee") == 0      ? SL_LINE_FEE
            : strcmp(kind, "discount") == 0 ? SL_LINE_DISCOUNT /* "method": the coupon code */
                                            : SL_LINE_PRODUCT;
    sl_line *l = h->order_add_line(o, k);
    if (l == NULL)
        return sl_error_set(err, SL_EINVALID, "lines", "too many lines");
    put_line_text(h, l, jl, "id", SL_LINE_EXTERNAL_ID, err);
    put_line_text(h, l, jl, "sku", SL_LINE_SKU, err);
    put_line_text(h, l, jl, "name", SL_LINE_NAME, err);
    put_line_text(h, l, jl, "tax_rate_id", SL_LINE_TAX_RATE_ID, err);
    put_line_text(h, l, jl, "method", SL_LINE_METHOD_ID, err);
    char qty[32] = "1";
    if ((rc = sl_json_decimal(jl, "qty", 0, qty, sizeof qty, err)) != SL_OK)
        return rc;
    h->line_set_quantity(l, qty);
    put_line_money(h, l, jl, "unit_price", SL_LINE_UNIT_PRICE, err);
    put_line_money(h, l, jl, "total", SL_LINE_TOTAL, err);
    put_line_money(h, l, jl, "total_tax", SL_LINE_TOTAL_TAX, err);
    put_line_money(h, l, jl, "tax_percent", SL_LINE_TAX_PERCENT, err);
    const char *rate = NULL;
    char tax[64] = "";
    sl_json_str(jl, "tax_rate_id", 0, &rate, err);
    sl_json_decimal(jl, "total_tax", 0, tax, sizeof tax, err);
    if (rate != NULL && tax[0] != '\0')
        h->line_add_tax(l, rate, tax);
    return SL_OK;
}

static int map_refunds(const sl_host *h, sl_order *o, const json_t *j, sl_error *err)
{
    json_t *arr = NULL;
    int rc = sl_json_array(j, "refunds", 0, &arr, err);
    size_t i;
    json_t *r;
    if (rc != SL_OK || arr == NULL)
        return rc;
    json_array_foreach(arr, i, r)
    {
        sl_line *l = h->order_add_line(o, SL_LINE_REFUND);
        if (l == NULL)
            return sl_error_set(err, SL_EINVALID, "refunds", "too many refunds");
        put_line_text(h, l, r, "id", SL_LINE_EXTERNAL_ID, err);
        put_line_text(h, l, r, "reason", SL_LINE_REASON, err);
        if ((rc = put_line_money(h, l, r, "total", SL_LINE_TOTAL, err)) != SL_OK)
            return rc;
    }
    return SL_OK;
}

/* The shipping address object, when present. */
static void put_shipping(const sl_host *h, sl_order *o, const json_t *j)
{
    static const struct {
        const char *key;
        int field;
    } FIELDS[] = {{"first_name", SL_ADDR_FIRST_NAME},
                  {"last_name", SL_ADDR_LAST_NAME},
                  {"address_1", SL_ADDR_LINE1},
                  {"address_2", SL_ADDR_LINE2},
                  {"city", SL_ADDR_CITY},
                  {"state", SL_ADDR_STATE},
                  {"postcode", SL_ADDR_POSTCODE},
                  {"country", SL_ADDR_COUNTRY},
                  {"phone", SL_ADDR_PHONE}};
    const json_t *a = json_object_get(j, "shipping");
    for (size_t i = 0; json_is_object(a) && i < sizeof FIELDS / sizeof FIELDS[0]; i++) {
        const char *v = json_string_value(json_object_get(a, FIELDS[i].key));
        if (v)
            h->order_set_address(o, SL_ADDR_SHIPPING, FIELDS[i].field, v);
    }
}

/* Maps one order object and submits it. */
static int map_order(const sl_host *h, sl_ctx *ctx, const json_t *j, const char *raw,
                     size_t raw_len, sl_error *err)
{
    sl_order *o = h->order_new(ctx);
    if (o == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    const char *status = NULL, *modified = NULL;
    int rc = put_text(h, o, j, "id", SL_ORDER_EXTERNAL_ID, 1, err);
    if (rc == SL_OK)
        rc = put_text(h, o, j, "currency", SL_ORDER_CURRENCY, 1, err);
    if (rc == SL_OK)
        rc = sl_json_str(j, "status", 1, &status, err);
    if (rc == SL_OK)
        rc = sl_json_str(j, "modified", 1, &modified, err);
    int64_t ms = 0;
    if (rc == SL_OK)
        rc = sl_iso8601_parse(modified, 1, &ms, err);
    if (rc != SL_OK) {
        h->order_discard(o);
        return rc;
    }
    h->order_set_text(o, SL_ORDER_STATUS, status);
    h->order_set_text(o, SL_ORDER_STATUS_NORMALIZED, normalized(status));
    h->order_set_time(o, SL_ORDER_MODIFIED, ms);
    put_text(h, o, j, "number", SL_ORDER_NUMBER, 0, err);
    put_text(h, o, j, "email", SL_ORDER_EMAIL, 0, err);
    put_text(h, o, j, "first_name", SL_ORDER_FIRST_NAME, 0, err);
    put_text(h, o, j, "last_name", SL_ORDER_LAST_NAME, 0, err);
    put_text(h, o, j, "payment_method", SL_ORDER_PAYMENT_METHOD, 0, err);
    put_text(h, o, j, "transaction_id", SL_ORDER_TRANSACTION_ID, 0, err);
    put_text(h, o, j, "company", SL_ORDER_COMPANY, 0, err);
    const char *created = NULL;
    int64_t created_ms = 0;
    if (sl_json_str(j, "created", 0, &created, err) == SL_OK && created != NULL) {
        if (sl_iso8601_parse(created, 1, &created_ms, err) != SL_OK) {
            h->order_discard(o);
            return SL_EINVALID;
        }
        h->order_set_time(o, SL_ORDER_CREATED, created_ms);
    }
    put_text(h, o, j, "phone", SL_ORDER_PHONE, 0, err);
    put_text(h, o, j, "shipping_method", SL_ORDER_SHIPPING_METHOD, 0, err);
    put_shipping(h, o, j);
    int incl = 0;
    sl_json_bool(j, "prices_include_tax", 0, &incl, err);
    h->order_set_flag(o, SL_ORDER_PRICES_INCLUDE_TAX, incl);
    h->order_set_flag(o, SL_ORDER_IS_PAID, strcmp(status, "paid") == 0);
    char money[64];
    if (sl_json_decimal(j, "total", 1, money, sizeof money, err) != SL_OK) {
        h->order_discard(o);
        return SL_EINVALID;
    }
    h->order_set_money(o, SL_ORDER_TOTAL, money);
    money[0] = '\0';
    sl_json_decimal(j, "total_tax", 0, money, sizeof money, err);
    if (money[0])
        h->order_set_money(o, SL_ORDER_TOTAL_TAX, money);
    json_t *lines = NULL;
    size_t i;
    json_t *jl;
    rc = sl_json_array(j, "lines", 1, &lines, err);
    if (rc == SL_OK)
        json_array_foreach(lines, i, jl) if ((rc = map_line(h, o, jl, err)) != SL_OK) break;
    if (rc == SL_OK)
        rc = map_refunds(h, o, j, err);
    if (rc != SL_OK) {
        h->order_discard(o);
        return rc;
    }
    h->order_set_raw(o, raw, raw_len);
    return h->order_submit(ctx, o, err);
}

static int map_body(const sl_host *h, sl_ctx *ctx, const char *body, size_t len, sl_error *err)
{
    json_t *j = NULL;
    int rc = sl_json_parse_object(body, len, TS_MAX_BODY, "order", &j, err);
    if (rc != SL_OK)
        return rc;
    rc = map_order(h, ctx, j, body, len, err);
    json_decref(j);
    return rc;
}

static int verify(const sl_host *h, sl_ctx *ctx, const sl_request *req, const char *body,
                  size_t len, sl_error *err)
{
    if (h->request_verified(req))
        return SL_OK;
    const char *secret = h->secret_get(ctx, "webhook_secret");
    const char *sig = h->request_header(req, "X-Testshop-Signature");
    if (secret == NULL || sig == NULL)
        return sl_error_set(err, SL_EAUTH, "X-Testshop-Signature",
                            "missing signature or webhook secret");
    unsigned char mac[32];
    char expect[64];
    sl_hmac_sha256(secret, strlen(secret), body, len, mac);
    size_t n = sl_base64_encode(mac, sizeof mac, expect);
    if (!sl_ct_equal(expect, n, sig, strlen(sig)))
        return sl_error_set(err, SL_EAUTH, "X-Testshop-Signature", "signature mismatch");
    return SL_OK;
}

/* The rejected SKU as it appears in a body ("sku":"X"), or 0. */
static int has_rejected_sku(const ts_state *s, const char *body, size_t len)
{
    if (s->reject_sku == NULL || *s->reject_sku == '\0')
        return 0;
    char needle[160];
    int n = snprintf(needle, sizeof needle, "\"sku\":\"%s\"", s->reject_sku);
    if (n <= 0 || (size_t)n >= sizeof needle)
        return 0;
    for (size_t i = 0; i + (size_t)n <= len; i++)
        if (memcmp(body + i, needle, (size_t)n) == 0)
            return 1;
    return 0;
}

static int parse_webhook(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err)
{
    ts_state *s = state;
    size_t len = 0;
    const char *body = s->host->request_body(req, &len);
    int rc = verify(s->host, ctx, req, body, len, err);
    if (rc == SL_OK && has_rejected_sku(s, body, len))
        return sl_error_set(err, SL_EUNSUPPORTED, "lines",
                            "SKU %s is not supported by this connector version", s->reject_sku);
    return rc != SL_OK ? rc : map_body(s->host, ctx, body, len, err);
}

/* 1.4: the signature alone; every signed body is parsed. */
static int verify_webhook(void *state, sl_ctx *ctx, const sl_request *req, int *acknowledge_only,
                          sl_error *err)
{
    ts_state *s = state;
    size_t len = 0;
    const char *body = s->host->request_body(req, &len);
    *acknowledge_only = 0;
    return verify(s->host, ctx, req, body, len, err);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(TS_MAX_BODY + 1);
    size_t n = buf ? fread(buf, 1, TS_MAX_BODY + 1, f) : 0;
    fclose(f);
    if (buf == NULL || n > TS_MAX_BODY) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int fetch_one(ts_state *s, sl_ctx *ctx, const char *name, sl_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", s->orders_dir, name);
    size_t len = 0;
    char *body = read_file(path, &len);
    if (body == NULL)
        return sl_error_set(err, SL_EIO, "orders_dir", "cannot read %s", path);
    int rc = map_body(s->host, ctx, body, len, err);
    free(body);
    return rc != SL_OK ? rc : s->host->cursor_commit(ctx, name, err);
}

static int fetch_orders(void *state, sl_ctx *ctx, const char *cursor, sl_error *err)
{
    ts_state *s = state;
    if (s->orders_dir == NULL)
        return sl_error_set(err, SL_EINVALID, "orders_dir", "orders_dir is not set");
    DIR *d = opendir(s->orders_dir);
    if (d == NULL)
        return sl_error_set(err, SL_EIO, "orders_dir", "cannot open %s", s->orders_dir);
    char *names[TS_MAX_FILES];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < TS_MAX_FILES) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0 &&
            (cursor == NULL || strcmp(e->d_name, cursor) > 0))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    int rc = SL_OK;
    for (size_t i = 0; i < n; i++) {
        if (rc == SL_OK && names[i] != NULL)
            rc = fetch_one(s, ctx, names[i], err);
        free(names[i]);
    }
    return rc;
}

static int append_line(const char *path, const char *a, const char *b, const char *c, sl_error *err)
{
    if (path == NULL)
        return sl_error_set(err, SL_EINVALID, "notes_file", "output file not configured");
    FILE *f = fopen(path, "a");
    if (f == NULL)
        return sl_error_set(err, SL_EIO, "file", "cannot append to %s", path);
    fprintf(f, "%s\t%s\t%s\n", a, b, c ? c : "");
    fclose(f);
    return SL_OK;
}

static int report_status(void *state, sl_ctx *ctx, const char *external_id, const char *note,
                         const char *status, const char *key, sl_error *err)
{
    (void)ctx;
    (void)key;
    ts_state *s = state;
    return append_line(s->notes_file, external_id, note ? note : "", status, err);
}

static int push(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err)
{
    ts_state *s = state;
    const sl_host *h = s->host;
    for (size_t i = 0; i < h->stock_count(list); i++) {
        const char *sku = h->stock_sku(list, i);
        int rc = append_line(s->stock_file, sku, h->stock_quantity(list, i),
                             h->stock_price(list, i), err);
        if (rc != SL_OK)
            return rc;
        h->push_report(ctx, sku, SL_PUSH_WRITTEN, "");
    }
    return SL_OK;
}

static int submit_product(const sl_host *h, sl_ctx *ctx, const json_t *jp, sl_error *err)
{
    static const struct {
        const char *key;
        int field;
    } map[] = {{"sku", SL_PRODUCT_SKU},
               {"parent_sku", SL_PRODUCT_PARENT_SKU},
               {"name", SL_PRODUCT_NAME},
               {"price", SL_PRODUCT_PRICE},
               {"purchase_price", SL_PRODUCT_PURCHASE_PRICE},
               {"stock", SL_PRODUCT_STOCK}};
    sl_product *p = h->product_new(ctx);
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        char buf[256] = "";
        int rc = sl_json_decimal(jp, map[i].key, 0, buf, sizeof buf, err);
        if (rc != SL_OK) { /* not a number: take it as text */
            const char *v = NULL;
            if ((rc = sl_json_str(jp, map[i].key, 0, &v, err)) != SL_OK)
                return rc; /* the unsubmitted product is reclaimed at call end */
            snprintf(buf, sizeof buf, "%s", v ? v : "");
        }
        if (buf[0] != '\0')
            h->product_set(p, map[i].field, buf);
    }
    return h->product_submit(ctx, p, err);
}

static int fetch_products(void *state, sl_ctx *ctx, sl_error *err)
{
    ts_state *s = state;
    size_t len = 0;
    char *body = s->products_file ? read_file(s->products_file, &len) : NULL;
    if (body == NULL)
        return sl_error_set(err, SL_EIO, "products_file", "products_file is not readable");
    json_t *arr = NULL;
    int rc = sl_json_parse(body, len, TS_MAX_BODY, &arr, err);
    free(body);
    if (rc != SL_OK)
        return rc;
    size_t i;
    json_t *jp;
    json_array_foreach(arr, i, jp) if ((rc = submit_product(s->host, ctx, jp, err)) != SL_OK) break;
    json_decref(arr);
    return rc;
}

static int check_connection(void *state, sl_ctx *ctx, sl_error *err)
{
    (void)ctx;
    ts_state *s = state;
    DIR *d = s->orders_dir ? opendir(s->orders_dir) : NULL;
    if (d == NULL)
        return sl_error_set(err, SL_EIO, "orders_dir", "orders_dir is not readable");
    closedir(d);
    return SL_OK;
}

static const sl_plugin PLUGIN = {
    .size = sizeof(sl_plugin),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .min_host_minor = 0,
    .name = "testshop",
    .version = "1.0.0",
    .description = "file-backed shop for the host's own tests",
    .caps = SL_CAP_FETCH_ORDERS | SL_CAP_WEBHOOK | SL_CAP_PUSH_STOCK | SL_CAP_PUSH_PRICES |
            SL_CAP_REPORT_STATUS | SL_CAP_FETCH_PRODUCTS,
    .channel_open = open_channel,
    .channel_close = close_channel,
    .fetch_orders = fetch_orders,
    .parse_webhook = parse_webhook,
    .push_stock = push,
    .push_prices = push,
    .report_status = report_status,
    .check_connection = check_connection,
    .fetch_products = fetch_products,
    .verify_webhook = verify_webhook,
};

SL_EXPORT const sl_plugin *sl_plugin_entry(void)
{
    return &PLUGIN;
}
