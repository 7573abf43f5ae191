/*
 * The emulated UNAS functions (api/unas.md §1-§5): login, getOrder,
 * getProduct, getStock, setStock, setProduct, setOrder. Every call after
 * login needs "Authorization: Bearer <token>" with a token younger than
 * two hours (else HTTP 401 <Error>Token Error...</Error>, assumed shape).
 * Limits (§3) are counted over a rolling hour per category; the call that
 * would break one bans the IP for an hour: HTTP 400 with "Too much
 * {function} query, IP is banned till m.d.Y H:i:s" (Budapest time), and
 * every call until then gets the same answer. InvoiceAutoSet is honoured
 * (marks the returned orders invoiced) and counted, so a test can prove a
 * read-only sync never sends it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/money.h"
#include "usb.h"

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static void stat_inc(usb *s, const char *k)
{
    json_int_t n = json_integer_value(json_object_get(s->stats, k));
    json_object_set_new(s->stats, k, json_integer(n + 1));
}

static char *error_xml(const char *text)
{
    sl_xml_buf b;
    sl_xml_buf_init(&b, 4096);
    sl_xml_add(&b, XML_HEAD);
    sl_xml_add_elem(&b, "Error", text);
    return b.p;
}

/* Rolling-hour count of `cat`; appends now unless it would pass `limit`.
   Returns 1 when the call breaks the limit. */
static int over(usb *s, const char *cat, int limit, int64_t now)
{
    json_t *arr = json_object_get(s->hits, cat);
    if (arr == NULL) {
        arr = json_array();
        json_object_set_new(s->hits, cat, arr);
    }
    while (json_array_size(arr) > 0 && json_integer_value(json_array_get(arr, 0)) <= now - 3600)
        json_array_remove(arr, 0);
    if ((int)json_array_size(arr) >= limit)
        return 1;
    json_array_append_new(arr, json_integer(now));
    return 0;
}

static void ban(usb *s, const char *fn, int64_t now, int *status, char **out)
{
    char when[32], text[160];
    if (s->ban_until <= now) {
        s->ban_until = now + 3600;
        stat_inc(s, "bans");
    }
    snprintf(text, sizeof text, "Too much %s query, IP is banned till %s", fn,
             unas_local_format(s->ban_until, 1, when));
    *status = 400;
    *out = error_xml(text);
}

/* Limits of a function call: category name and limit, or NULL. */
static const char *category(usb *s, const char *fn, int items, int *limit)
{
    int v = s->vip;
    if (strncmp(fn, "get", 3) == 0 &&
        (strcmp(fn, "getOrderStatus") == 0 || strcmp(fn, "getMethod") == 0)) {
        *limit = v ? 90 : 30;
        return "meta";
    }
    if (strncmp(fn, "get", 3) == 0) {
        *limit = items == 1 ? (v ? 3000 : 1000) : (v ? 90 : 30);
        return items == 1 ? "get_single" : "get_multi";
    }
    *limit = items <= 100 ? (v ? 3000 : 1000) : (v ? 90 : 30);
    return items <= 100 ? "set_small" : "set_big";
}

static void text_of(const xmlNode *n, const char *path, char *buf, size_t cap)
{
    if (sl_xml_path_text(n, path, buf, cap) != 1)
        buf[0] = '\0';
}

/* ---- login ------------------------------------------------------------- */

static void do_login(usb *s, xmlNodePtr params, int64_t now, int *status, char **out)
{
    char key[256];
    text_of(params, "ApiKey", key, sizeof key);
    if (strcmp(key, s->api_key) != 0) {
        if (over(s, "login_fail", 5, now))
            return ban(s, "login", now, status, out);
        stat_inc(s, "login_failures");
        *status = 400;
        *out = error_xml("Login Error: invalid ApiKey");
        return;
    }
    if (over(s, "all", s->vip ? 6000 : 2000, now))
        return ban(s, "login", now, status, out);
    char tok[40], exp[32], num[32];
    snprintf(tok, sizeof tok, "%08llx%08llx", (unsigned long long)now,
             (unsigned long long)(++s->next_id * 2654435761u));
    json_object_set_new(s->tokens, tok, json_integer(now + USB_TOKEN_LIFE_S));
    stat_inc(s, "logins");
    sl_xml_buf b;
    sl_xml_buf_init(&b, 4096);
    sl_xml_add(&b, XML_HEAD "<Login>");
    sl_xml_add_elem(&b, "Token", tok);
    sl_xml_add_elem(&b, "Expire", unas_local_format(now + USB_TOKEN_LIFE_S, 0, exp));
    snprintf(num, sizeof num, "%lld", (long long)(now + USB_TOKEN_LIFE_S));
    sl_xml_add_elem(&b, "ExpireTime", num);
    sl_xml_add(&b, "<ShopId>98765</ShopId><Subscription>");
    sl_xml_add(&b, s->vip ? "vip" : "premium");
    sl_xml_add(&b, "</Subscription><Status>ok</Status></Login>");
    *status = 200;
    *out = b.p;
}

/* ---- getOrder / getProduct / getStock ---------------------------------- */

static int64_t num_param(const xmlNode *p, const char *k, int64_t dflt)
{
    char v[32];
    text_of(p, k, v, sizeof v);
    return v[0] ? strtoll(v, NULL, 10) : dflt;
}

static int order_matches(const json_t *o, const xmlNode *p)
{
    char key[128], inv[8];
    text_of(p, "Key", key, sizeof key);
    text_of(p, "InvoiceStatus", inv, sizeof inv);
    int64_t mod = json_integer_value(json_object_get(o, "mod_ts"));
    if (key[0] && strcmp(key, json_string_value(json_object_get(o, "key"))))
        return 0;
    if (inv[0] &&
        json_integer_value(json_object_get(o, "invoice_status")) != strtoll(inv, NULL, 10))
        return 0;
    return mod >= num_param(p, "TimeModStart", 0) && mod <= num_param(p, "TimeModEnd", INT64_MAX);
}

static void get_orders(usb *s, xmlNodePtr p, sl_xml_buf *b)
{
    int64_t num = num_param(p, "LimitNum", 500), start = num_param(p, "LimitStart", 0);
    int autoset = sl_xml_path(p, "InvoiceAutoSet") != NULL;
    if (num <= 0 || num > 500)
        num = 500;
    if (autoset)
        stat_inc(s, "invoice_autoset_calls");
    sl_xml_add(b, "<Orders>");
    size_t i;
    json_t *o;
    int64_t k = 0;
    json_array_foreach(s->orders, i, o)
    {
        if (!order_matches(o, p) || k++ < start || k > start + num)
            continue;
        if (autoset)
            json_object_set_new(o, "invoice_status", json_integer(2));
        usb_render_order(b, o);
    }
    sl_xml_add(b, "</Orders>");
}

/* Whether product p is named in the comma list `skus` ("" = all). */
static int sku_listed(const char *skus, const char *sku)
{
    if (!skus[0])
        return 1;
    size_t n = strlen(sku);
    for (const char *c = skus; *c;) {
        size_t k = strcspn(c, ",");
        if (k == n && strncmp(c, sku, n) == 0)
            return 1;
        c += k + (c[k] == ',');
    }
    return 0;
}

static void get_products(usb *s, xmlNodePtr p, sl_xml_buf *b)
{
    char skus[8192];
    text_of(p, "Sku", skus, sizeof skus);
    int64_t num = num_param(p, "LimitNum", 500), start = num_param(p, "LimitStart", 0);
    sl_xml_add(b, "<Products>");
    size_t i;
    json_t *pr;
    int64_t k = 0;
    json_array_foreach(s->products, i, pr)
    {
        const char *sku = json_string_value(json_object_get(pr, "sku"));
        if (!sku_listed(skus, sku) || k++ < start || k > start + num)
            continue;
        usb_render_product(b, pr);
    }
    sl_xml_add(b, "</Products>");
}

/* Items a get call asks for: 1 for a Key/Id/single Sku, else many. */
static int get_items(const xmlNode *p)
{
    char v[8192];
    text_of(p, "Key", v, sizeof v);
    if (v[0])
        return 1;
    text_of(p, "Id", v, sizeof v);
    if (v[0])
        return 1;
    text_of(p, "Sku", v, sizeof v);
    return v[0] && strchr(v, ',') == NULL ? 1 : 2;
}

/* ---- setStock / setProduct / setOrder ----------------------------------- */

static json_t *product_by_sku(usb *s, const char *sku)
{
    size_t i;
    json_t *p;
    json_array_foreach(s->products, i, p) if (strcmp(json_string_value(json_object_get(p, "sku")),
                                                     sku) == 0) return p;
    return NULL;
}

/* Applies one <Product> of setStock/setProduct; returns an error or NULL. */
static const char *apply_product(usb *s, const char *fn, xmlNodePtr x)
{
    char sku[128], action[16], v1[64], v2[64];
    text_of(x, "Sku", sku, sizeof sku);
    text_of(x, "Action", action, sizeof action);
    json_t *p = product_by_sku(s, sku);
    if (p == NULL)
        return "Product not found";
    if (strcmp(action, "modify") != 0)
        return "Only Action modify is emulated";
    int64_t m = 0;
    if (strcmp(fn, "setStock") == 0) {
        text_of(x, "Stocks/Stock/Qty", v1, sizeof v1);
        if (sl_money_parse(v1, 0, &m) != SL_OK)
            return "Invalid Qty";
        json_object_set_new(p, "stock", json_integer(m));
    } else {
        text_of(x, "Prices/Price/Net", v1, sizeof v1);
        text_of(x, "Prices/Price/Gross", v2, sizeof v2);
        if (sl_money_parse(v1, 4, &m) || sl_money_parse(v2, 4, &m))
            return "Invalid price";
        json_object_set_new(p, "net", json_string(v1));
        json_object_set_new(p, "gross", json_string(v2));
    }
    stat_inc(s, "writes");
    return NULL;
}

static void set_products(usb *s, const char *fn, xmlNodePtr root, sl_xml_buf *b)
{
    sl_xml_add(b, "<Products>");
    for (xmlNodePtr x = sl_xml_child(root, "Product"); x; x = sl_xml_next_same(x)) {
        char sku[128];
        text_of(x, "Sku", sku, sizeof sku);
        const char *e = apply_product(s, fn, x);
        json_t *p = product_by_sku(s, sku);
        sl_xml_add(b, "<Product>");
        if (p) {
            char id[32];
            snprintf(id, sizeof id, "%lld",
                     (long long)json_integer_value(json_object_get(p, "id")));
            sl_xml_add_elem(b, "Id", id);
        }
        sl_xml_add_elem(b, "Sku", sku);
        sl_xml_add(b, "<Action>modify</Action>");
        sl_xml_add_elem(b, "Status", e ? "error" : "ok");
        if (e)
            sl_xml_add_elem(b, "Error", e);
        sl_xml_add(b, "</Product>");
    }
    sl_xml_add(b, "</Products>");
}

static void set_orders(usb *s, xmlNodePtr root, sl_xml_buf *b)
{
    sl_xml_add(b, "<Orders>");
    for (xmlNodePtr x = sl_xml_child(root, "Order"); x; x = sl_xml_next_same(x)) {
        char key[128], text[4096];
        text_of(x, "Key", key, sizeof key);
        json_t *o = NULL, *it;
        size_t i;
        json_array_foreach(s->orders, i,
                           it) if (strcmp(json_string_value(json_object_get(it, "key")), key) == 0)
            o = it;
        sl_xml_add(b, "<Order><Action>modify</Action>");
        sl_xml_add_elem(b, "Key", key);
        if (o == NULL) {
            sl_xml_add(b, "<Status>error</Status><Error>Order not found</Error></Order>");
            continue;
        }
        xmlNodePtr c = sl_xml_path(x, "Comments/Comment");
        for (; c; c = sl_xml_next_same(c)) { /* assumed: append */
            text_of(c, "Text", text, sizeof text);
            json_t *list = json_object_get(o, "comments");
            if (list == NULL)
                json_object_set_new(o, "comments", list = json_array());
            json_array_append_new(list, json_pack("{s:s,s:s}", "type", "admin", "text", text));
        }
        json_object_set_new(o, "mod_ts", json_integer(usb_now(s)));
        stat_inc(s, "writes");
        sl_xml_add(b, "<Status>ok</Status></Order>");
    }
    sl_xml_add(b, "</Orders>");
}

/* ---- dispatch ----------------------------------------------------------- */

static const char *expected_root(const char *fn)
{
    if (strcmp(fn, "setStock") == 0 || strcmp(fn, "setProduct") == 0)
        return "Products";
    if (strcmp(fn, "setOrder") == 0)
        return "Orders";
    return "Params";
}

static int token_ok(usb *s, const char *auth, int64_t now)
{
    if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0)
        return 0;
    json_t *e = json_object_get(s->tokens, auth + 7);
    return e != NULL && json_integer_value(e) > now;
}

static void run_fn(usb *s, const char *fn, xmlNodePtr root, sl_xml_buf *b)
{
    if (strcmp(fn, "getOrder") == 0)
        get_orders(s, root, b);
    else if (strcmp(fn, "getProduct") == 0 || strcmp(fn, "getStock") == 0)
        get_products(s, root, b);
    else if (strcmp(fn, "setStock") == 0 || strcmp(fn, "setProduct") == 0)
        set_products(s, fn, root, b);
    else
        set_orders(s, root, b);
}

static int known_fn(const char *fn)
{
    static const char *const F[] = {"login",    "getOrder",   "getProduct", "getStock",
                                    "setStock", "setProduct", "setOrder"};
    for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
        if (strcmp(F[i], fn) == 0)
            return 1;
    return 0;
}

static void api_locked(usb *s, const char *fn, const char *auth, const char *body, size_t len,
                       int *status, char **out)
{
    int64_t now = usb_now(s);
    stat_inc(s, "requests");
    if (s->ban_until > now)
        return ban(s, fn, now, status, out);
    if (!known_fn(fn)) {
        *status = 404;
        *out = error_xml("Unknown function");
        return;
    }
    xmlDocPtr doc = NULL;
    sl_error err = {.size = sizeof err};
    const char *root = strcmp(fn, "login") == 0 ? "Params" : expected_root(fn);
    if (unas_xml_parse(body, len, USB_MAX_BODY, root, &doc, &err) != SL_OK) {
        char text[300];
        snprintf(text, sizeof text, "XML Error: %s", err.message);
        *status = 400;
        *out = error_xml(text);
        return;
    }
    xmlNodePtr r = xmlDocGetRootElement(doc);
    if (strcmp(fn, "login") == 0) {
        do_login(s, r, now, status, out);
    } else if (!token_ok(s, auth, now)) {
        *status = 401;
        *out = error_xml("Token Error: invalid or expired token");
    } else {
        int items = strncmp(fn, "get", 3) == 0
                        ? get_items(r)
                        : (int)sl_xml_count(r, strcmp(root, "Orders") ? "Product" : "Order");
        int limit = 0;
        const char *cat = category(s, fn, items, &limit);
        if (over(s, cat, limit, now) || over(s, "all", s->vip ? 6000 : 2000, now)) {
            ban(s, fn, now, status, out);
        } else {
            sl_xml_buf b;
            sl_xml_buf_init(&b, USB_MAX_BODY);
            sl_xml_add(&b, XML_HEAD);
            run_fn(s, fn, r, &b);
            stat_inc(s, fn);
            *status = b.failed ? 500 : 200;
            *out = b.failed ? error_xml("answer too large") : b.p;
            if (b.failed)
                sl_xml_buf_free(&b);
        }
    }
    xmlFreeDoc(doc);
}

void usb_api(usb *s, const char *fn, const char *auth, const char *body, size_t len, int *status,
             char **out)
{
    pthread_mutex_lock(&s->mu);
    api_locked(s, fn, auth, body, len, status, out);
    pthread_mutex_unlock(&s->mu);
}
