/*
 * Builds a complete WooCommerce order object from a create body, the way
 * a store with prices entered exclusive of tax computes it: per line
 * subtotal = unit price x quantity, coupons lower line totals, each tax is
 * rounded per line (half away from zero, WooCommerce's default "round at
 * subtotal" off), shipping is taxed at the items' class, fees at their own.
 * All arithmetic is in int64 cents; the only float is line_items[].price,
 * which real stores emit as a JSON number (total / quantity).
 */
#include "sb.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 200
#define MAX_RATES 16
#define MAX_QTY 100000

static const char ORDER_TEMPLATE[] =
    "{\"id\":0,\"parent_id\":0,\"status\":\"pending\",\"currency\":\"\","
    "\"version\":\"10.0.2\",\"prices_include_tax\":false,\"date_created\":null,"
    "\"date_modified\":null,\"discount_total\":\"0.00\",\"discount_tax\":"
    "\"0.00\",\"shipping_total\":\"0.00\",\"shipping_tax\":\"0.00\","
    "\"cart_tax\":\"0.00\",\"total\":\"0.00\",\"total_tax\":\"0.00\","
    "\"customer_id\":0,\"order_key\":\"\",\"billing\":{\"first_name\":\"\","
    "\"last_name\":\"\",\"company\":\"\",\"address_1\":\"\",\"address_2\":"
    "\"\",\"city\":\"\",\"state\":\"\",\"postcode\":\"\",\"country\":\"\","
    "\"email\":\"\",\"phone\":\"\"},\"shipping\":{\"first_name\":\"\","
    "\"last_name\":\"\",\"company\":\"\",\"address_1\":\"\",\"address_2\":"
    "\"\",\"city\":\"\",\"state\":\"\",\"postcode\":\"\",\"country\":\"\","
    "\"phone\":\"\"},\"payment_method\":\"\",\"payment_method_title\":\"\","
    "\"transaction_id\":\"\",\"customer_ip_address\":\"\","
    "\"customer_user_agent\":\"\",\"created_via\":\"rest-api\","
    "\"customer_note\":\"\",\"date_completed\":null,\"date_paid\":null,"
    "\"cart_hash\":\"\",\"number\":\"\",\"meta_data\":[],\"line_items\":[],"
    "\"tax_lines\":[],\"shipping_lines\":[],\"fee_lines\":[],"
    "\"coupon_lines\":[],\"refunds\":[],\"payment_url\":\"\",\"is_editable\":true,"
    "\"needs_payment\":true,\"needs_processing\":true,\"date_created_gmt\":"
    "null,\"date_modified_gmt\":null,\"date_completed_gmt\":null,"
    "\"date_paid_gmt\":null,\"currency_symbol\":\"\"}";

static const char *const STATUSES[] = {"auto-draft", "pending",   "processing",
                                       "on-hold",    "completed", "cancelled",
                                       "refunded",   "failed",    "checkout-draft"};

/* One tax rate of the store, with its rate in 1/10000 percent. */
typedef struct rate {
    int64_t id, e4;
    int shipping;
    const json_t *obj;
} rate;

typedef struct calc {
    sb_ctx *ctx;
    sb_resp *resp;
    json_t *order;
    rate rates[MAX_RATES];
    int64_t rate_tax[MAX_RATES], rate_ship_tax[MAX_RATES];
    int rate_used[MAX_RATES];
    size_t nrates;
    char items_class[64];
    int mixed_classes;
} calc;

int sb_status_valid(const char *status)
{
    for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++)
        if (strcmp(STATUSES[i], status) == 0)
            return 1;
    return 0;
}

void sb_resp_bad_status(sb_resp *resp)
{
    const char *msg = "status is not one of auto-draft, pending, processing, "
                      "on-hold, completed, cancelled, refunded, failed, and "
                      "checkout-draft.";
    sb_resp_json(resp, 400,
                 json_pack("{s:s, s:s, s:{s:i, s:{s:s}, s:{s:{s:s, s:s, s:n}}}}", "code",
                           "rest_invalid_param", "message", "Invalid parameter(s): status", "data",
                           "status", 400, "params", "status", msg, "details", "status", "code",
                           "rest_not_in_enum", "message", msg, "data"));
}

static json_t *fail(calc *c, const char *code, const char *msg)
{
    sb_resp_error(c->resp, 400, code, msg);
    return NULL;
}

static int fail_rc(calc *c, const char *code, const char *msg)
{
    fail(c, code, msg);
    return -1;
}

/* "21.0000" -> 210000. */
static int parse_rate(const char *text, int64_t *e4)
{
    int64_t v = 0;
    int frac = -1;
    for (const char *p = text; *p; p++) {
        if (*p == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (!isdigit((unsigned char)*p) || frac >= 4 || v > 100000000)
            return -1;
        v = v * 10 + (*p - '0');
        if (frac >= 0)
            frac++;
    }
    for (frac = frac < 0 ? 0 : frac; frac < 4; frac++)
        v *= 10;
    *e4 = v;
    return 0;
}

/* The rates of a tax class ("" = standard) into out; returns the count. */
static size_t class_rates(calc *c, const char *cls, size_t out[MAX_RATES])
{
    size_t n = 0;
    const char *want = *cls ? cls : "standard";
    for (size_t i = 0; i < c->nrates; i++)
        if (strcmp(sb_str(c->rates[i].obj, "class", "standard"), want) == 0)
            out[n++] = i;
    return n;
}

static int load_rates(calc *c)
{
    size_t i;
    json_t *t;
    json_array_foreach(c->ctx->store.taxes, i, t)
    {
        if (c->nrates >= MAX_RATES)
            break;
        rate *r = &c->rates[c->nrates];
        if (parse_rate(sb_str(t, "rate", "0"), &r->e4))
            return -1;
        r->id = sb_int(t, "id", 0);
        r->shipping = json_object_get(t, "shipping") != json_false();
        r->obj = t;
        c->nrates++;
    }
    return 0;
}

/* Taxes of amount under class; fills a taxes[] array, adds to sums. */
static int64_t tax_of(calc *c, const char *cls, int64_t amount, int64_t subtotal, int has_sub,
                      int shipping, json_t *taxes)
{
    size_t idx[MAX_RATES], n = class_rates(c, cls, idx);
    int64_t sum = 0;
    for (size_t k = 0; k < n; k++) {
        rate *r = &c->rates[idx[k]];
        if (shipping && !r->shipping)
            continue;
        int64_t t = sb_div_round(amount * r->e4, 1000000);
        int64_t ts = sb_div_round(subtotal * r->e4, 1000000);
        char a[32], b[32];
        json_array_append_new(taxes, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->id, "total",
                                               sb_money_fmt(t, a), "subtotal",
                                               has_sub ? sb_money_fmt(ts, b) : ""));
        c->rate_used[idx[k]] = 1;
        if (shipping)
            c->rate_ship_tax[idx[k]] += t;
        else
            c->rate_tax[idx[k]] += t;
        sum += t;
    }
    return sum;
}

/* The tax class of a product or variation ("parent" resolved). */
static const char *item_class(sb_store *st, const json_t *p)
{
    const char *cls = sb_str(p, "tax_class", "");
    if (strcmp(cls, "parent") == 0) {
        json_t *par = sb_product_find(st, sb_int(p, "parent_id", 0));
        cls = par ? sb_str(par, "tax_class", "") : "";
    }
    return cls;
}

/* Variation attributes as order item meta and the " - M, Red" suffix. */
static void variation_meta(calc *c, const json_t *var, json_t *meta, char *suffix, size_t cap)
{
    size_t i, len = 0;
    json_t *a;
    json_array_foreach(json_object_get(var, "attributes"), i, a)
    {
        const char *slug = sb_str(a, "slug", ""), *opt = sb_str(a, "option", "");
        char key[64], val[64];
        int global = strncmp(slug, "pa_", 3) == 0;
        snprintf(key, sizeof key, "%s", *slug ? slug : sb_str(a, "name", ""));
        for (char *k = key; *k && !*slug; k++)
            *k = (char)tolower((unsigned char)*k);
        snprintf(val, sizeof val, "%s", opt);
        for (char *v = val; *v && global; v++) /* global terms: slug in meta */
            *v = (char)tolower((unsigned char)*v);
        json_array_append_new(meta, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
                                              (json_int_t)sb_next(&c->ctx->store.next_meta_id),
                                              "key", key, "value", val, "display_key",
                                              sb_str(a, "name", ""), "display_value", opt));
        len += (size_t)snprintf(suffix + len, len < cap ? cap - len : 0, "%s%s", i ? ", " : " - ",
                                opt);
    }
}

static json_t *price_number(int64_t total, int64_t qty)
{
    if (total % (qty * 100) == 0)
        return json_integer(total / (qty * 100));
    return json_real((double)total / 100.0 / (double)qty);
}

/* One line item; lines[] of the order gets it. */
static int add_line(calc *c, const json_t *in, int64_t *sub_out)
{
    sb_store *st = &c->ctx->store;
    int64_t pid = sb_int(in, "product_id", 0), vid = sb_int(in, "variation_id", 0);
    json_t *p = NULL;
    const char *sku = sb_str(in, "sku", NULL);
    if (vid > 0)
        p = sb_product_find(st, vid);
    else if (pid > 0)
        p = sb_product_find(st, pid);
    else if (sku)
        p = sb_product_by_sku(st, sku);
    if (!p || (vid > 0 && pid > 0 && sb_int(p, "parent_id", 0) != pid))
        return fail_rc(c, "woocommerce_rest_invalid_product_id", "Invalid product ID.");
    int is_var = strcmp(sb_str(p, "type", ""), "variation") == 0;
    json_t *parent = is_var ? sb_product_find(st, sb_int(p, "parent_id", 0)) : NULL;
    int64_t qty = sb_int(in, "quantity", 1), unit, sub;
    if (qty < 1 || qty > MAX_QTY)
        return fail_rc(c, "woocommerce_rest_invalid_quantity",
                       "line_items[].quantity must be a positive integer.");
    const char *sale = sb_str(p, "sale_price", "");
    if (sb_money_parse(*sale ? sale : sb_str(p, "regular_price", ""), &unit))
        return fail_rc(c, "woocommerce_rest_invalid_product_id", "Product has no price.");
    sub = unit * qty;
    if (json_object_get(in, "subtotal") && sb_money_get(in, "subtotal", &sub))
        return fail_rc(c, "rest_invalid_param", "line_items[].subtotal is not money.");
    const char *cls = item_class(st, p);
    if (!c->items_class[0] && !c->mixed_classes)
        snprintf(c->items_class, sizeof c->items_class, "%s", *cls ? cls : "standard");
    else if (strcmp(c->items_class, *cls ? cls : "standard") != 0)
        c->mixed_classes = 1;
    char name[256], suffix[160] = "";
    json_t *meta = json_array();
    if (is_var)
        variation_meta(c, p, meta, suffix, sizeof suffix);
    snprintf(name, sizeof name, "%s%s", parent ? sb_str(parent, "name", "") : sb_str(p, "name", ""),
             suffix);
    json_t *line = json_pack(
        "{s:I, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:[], s:o, s:O, s:n, "
        "s:o, s:o}",
        "id", (json_int_t)sb_next(&st->next_item_id), "name", name, "product_id",
        (json_int_t)(parent ? sb_int(parent, "id", 0) : sb_int(p, "id", 0)), "variation_id",
        (json_int_t)(is_var ? sb_int(p, "id", 0) : 0), "quantity", (json_int_t)qty, "tax_class",
        cls, "subtotal", "", "subtotal_tax", "", "total", "", "total_tax", "", "taxes", "meta_data",
        meta, "sku", json_object_get(p, "sku"), "price", "image",
        is_var ? json_pack("{s:i, s:s}", "id", 0, "src", "")
               : json_pack("{s:s, s:s}", "id", "", "src", ""),
        "parent_name", parent ? json_string(sb_str(parent, "name", "")) : json_null());
    json_object_set_new(line, "subtotal", sb_money_json(sub));
    json_array_append_new(json_object_get(c->order, "line_items"), line);
    *sub_out = sub;
    return 0;
}

/* Applies coupons to per-line totals (in/out); fills coupon_lines. */
static int apply_coupons(calc *c, const json_t *coupons, int64_t *tot, size_t n)
{
    size_t i;
    json_t *cin;
    json_array_foreach(coupons, i, cin)
    {
        const char *code = sb_str(cin, "code", "");
        json_t *def = NULL, *d;
        size_t k;
        json_array_foreach(c->ctx->store.coupons, k, d)
        {
            if (strcasecmp(sb_str(d, "code", ""), code) == 0)
                def = d;
        }
        int64_t amount, base = 0, disc = 0, left;
        if (!def || sb_money_get(def, "amount", &amount)) {
            char msg[160];
            snprintf(msg, sizeof msg, "Coupon \"%s\" does not exist!", code);
            sb_resp_error(c->resp, 400, "woocommerce_rest_invalid_coupon", msg);
            return -1;
        }
        int percent = strcmp(sb_str(def, "discount_type", "fixed_cart"), "percent") == 0;
        for (size_t l = 0; l < n; l++)
            base += tot[l];
        left = percent ? sb_div_round(base * amount, 10000) : amount;
        if (left > base)
            left = base;
        int64_t want = left;
        for (size_t l = 0; l < n && base > 0; l++) {
            int64_t part = l + 1 == n ? left : want * tot[l] / base;
            if (percent)
                part = l + 1 == n ? left : sb_div_round(tot[l] * amount, 10000);
            if (part > tot[l])
                part = tot[l];
            tot[l] -= part;
            left -= part;
            disc += part;
        }
        json_array_append_new(json_object_get(c->order, "coupon_lines"),
                              json_pack("{s:I, s:s, s:o, s:s, s:[], s:s, s:o, s:b}", "id",
                                        (json_int_t)sb_next(&c->ctx->store.next_item_id), "code",
                                        code, "discount", sb_money_json(disc), "discount_tax",
                                        "0.00", "meta_data", "discount_type",
                                        percent ? "percent" : "fixed_cart", "nominal_amount",
                                        price_number(amount, 1), "free_shipping", 0));
    }
    return 0;
}

/* Lines: totals, taxes, price; returns sums through out params. */
static void finish_lines(calc *c, const int64_t *sub, const int64_t *tot, int64_t *line_total,
                         int64_t *line_tax, int64_t *disc_tax)
{
    size_t i;
    json_t *line;
    json_t *coupons = json_object_get(c->order, "coupon_lines");
    int64_t sub_tax_sum = 0;
    json_array_foreach(json_object_get(c->order, "line_items"), i, line)
    {
        json_t *taxes = json_object_get(line, "taxes");
        const char *cls = sb_str(line, "tax_class", "");
        int64_t t = tax_of(c, cls, tot[i], sub[i], 1, 0, taxes), st = 0;
        size_t k;
        json_t *tx;
        json_array_foreach(taxes, k, tx)
        {
            int64_t v;
            sb_money_parse(sb_str(tx, "subtotal", ""), &v);
            st += v;
        }
        json_object_set_new(line, "subtotal_tax", sb_money_json(st));
        json_object_set_new(line, "total", sb_money_json(tot[i]));
        json_object_set_new(line, "total_tax", sb_money_json(t));
        json_object_set_new(line, "price", price_number(tot[i], sb_int(line, "quantity", 1)));
        *line_total += tot[i];
        *line_tax += t;
        sub_tax_sum += st;
    }
    *disc_tax = sub_tax_sum - *line_tax;
    if (json_array_size(coupons) == 1) /* one coupon carries all of it */
        json_object_set_new(json_array_get(coupons, 0), "discount_tax", sb_money_json(*disc_tax));
}

static int add_shipping(calc *c, const json_t *in, int64_t *total, int64_t *tax)
{
    size_t i;
    json_t *s;
    const char *cls = c->mixed_classes || !c->items_class[0] ? "" : c->items_class;
    if (strcmp(cls, "standard") == 0)
        cls = "";
    json_array_foreach(in, i, s)
    {
        int64_t amount;
        if (sb_money_get(s, "total", &amount))
            return fail_rc(c, "rest_invalid_param", "shipping_lines[].total is not money.");
        json_t *taxes = json_array();
        int64_t t = tax_of(c, cls, amount, 0, 0, 1, taxes);
        json_array_append_new(json_object_get(c->order, "shipping_lines"),
                              json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:[]}", "id",
                                        (json_int_t)sb_next(&c->ctx->store.next_item_id),
                                        "method_title", sb_str(s, "method_title", "Flat rate"),
                                        "method_id", sb_str(s, "method_id", "flat_rate"),
                                        "instance_id", sb_str(s, "instance_id", ""), "total",
                                        sb_money_json(amount), "total_tax", sb_money_json(t),
                                        "taxes", taxes, "tax_status", "taxable", "meta_data"));
        *total += amount;
        *tax += t;
    }
    return 0;
}

static int add_fees(calc *c, const json_t *in, int64_t *total, int64_t *tax)
{
    size_t i;
    json_t *f;
    json_array_foreach(in, i, f)
    {
        int64_t amount;
        if (sb_money_get(f, "total", &amount))
            return fail_rc(c, "rest_invalid_param", "fee_lines[].total is not money.");
        const char *status = sb_str(f, "tax_status", "taxable");
        const char *cls = sb_str(f, "tax_class", "");
        json_t *taxes = json_array();
        int64_t t = strcmp(status, "taxable") == 0 ? tax_of(c, cls, amount, 0, 0, 0, taxes) : 0;
        json_array_append_new(json_object_get(c->order, "fee_lines"),
                              json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:[]}", "id",
                                        (json_int_t)sb_next(&c->ctx->store.next_item_id), "name",
                                        sb_str(f, "name", "Fee"), "tax_class", cls, "tax_status",
                                        status, "amount", sb_str(f, "amount", ""), "total",
                                        sb_money_json(amount), "total_tax", sb_money_json(t),
                                        "taxes", taxes, "meta_data"));
        *total += amount;
        *tax += t;
    }
    return 0;
}

static void add_tax_lines(calc *c)
{
    for (size_t i = 0; i < c->nrates; i++) {
        if (!c->rate_used[i])
            continue;
        const json_t *r = c->rates[i].obj;
        char code[160];
        size_t n = 0;
        const char *parts[] = {sb_str(r, "country", ""), sb_str(r, "state", ""),
                               sb_str(r, "name", "TAX")};
        for (size_t k = 0; k < 3; k++)
            if (*parts[k])
                n += (size_t)snprintf(code + n, sizeof code - n, "%s-", parts[k]);
        snprintf(code + n, sizeof code - n, "%lld", (long long)sb_int(r, "priority", 1));
        for (char *p = code; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        int64_t e4 = c->rates[i].e4;
        json_array_append_new(
            json_object_get(c->order, "tax_lines"),
            json_pack(
                "{s:I, s:s, s:I, s:s, s:O, s:o, s:o, s:o, s:[]}", "id",
                (json_int_t)sb_next(&c->ctx->store.next_item_id), "rate_code", code, "rate_id",
                (json_int_t)c->rates[i].id, "label", sb_str(r, "name", ""), "compound",
                json_object_get(r, "compound") ? json_object_get(r, "compound") : json_false(),
                "tax_total", sb_money_json(c->rate_tax[i]), "shipping_tax_total",
                sb_money_json(c->rate_ship_tax[i]), "rate_percent",
                e4 % 10000 == 0 ? json_integer(e4 / 10000) : json_real((double)e4 / 10000.0),
                "meta_data"));
    }
}

/* Copies the plain fields of the body onto the order. */
static void copy_fields(calc *c, const json_t *body)
{
    static const char *const plain[] = {"status",
                                        "currency",
                                        "payment_method",
                                        "payment_method_title",
                                        "transaction_id",
                                        "customer_note",
                                        "created_via",
                                        "customer_ip_address",
                                        "customer_user_agent",
                                        "cart_hash",
                                        "version",
                                        "order_key"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (json_is_string(json_object_get(body, plain[i])))
            json_object_set(c->order, plain[i], json_object_get(body, plain[i]));
    if (json_is_integer(json_object_get(body, "customer_id")))
        json_object_set(c->order, "customer_id", json_object_get(body, "customer_id"));
    const char *objs[] = {"billing", "shipping"};
    for (size_t i = 0; i < 2; i++)
        if (json_is_object(json_object_get(body, objs[i])))
            json_object_update_existing(json_object_get(c->order, objs[i]),
                                        json_object_get(body, objs[i]));
    size_t k;
    json_t *m;
    json_array_foreach(json_object_get(body, "meta_data"), k, m)
    {
        if (json_is_string(json_object_get(m, "key")))
            json_array_append_new(
                json_object_get(c->order, "meta_data"),
                json_pack("{s:I, s:O, s:O}", "id", (json_int_t)sb_next(&c->ctx->store.next_meta_id),
                          "key", json_object_get(m, "key"), "value",
                          json_object_get(m, "value") ? json_object_get(m, "value") : json_null()));
    }
}

/* Dates: given *_gmt in the body (seeds) or now. */
static void set_dates(calc *c, const json_t *body)
{
    sb_store *st = &c->ctx->store;
    const char *status = sb_str(c->order, "status", "pending");
    int64_t now = sb_now(st), t;
    const char *names[] = {"date_created", "date_modified", "date_paid", "date_completed"};
    int want[] = {1, 1,
                  json_is_true(json_object_get(body, "set_paid")) ||
                      strcmp(status, "processing") == 0 || strcmp(status, "completed") == 0,
                  strcmp(status, "completed") == 0};
    int64_t created = now;
    for (size_t i = 0; i < 4; i++) {
        char key[40];
        snprintf(key, sizeof key, "%s_gmt", names[i]);
        const char *given = sb_str(body, key, NULL);
        t = given && sb_time_parse(given, 0, &t) == 0 ? t : (i ? created : now);
        if (i == 0)
            created = t;
        if (want[i] || given)
            sb_set_date(st, c->order, names[i], t);
    }
}

json_t *sb_order_build(sb_ctx *ctx, const json_t *body, sb_resp *resp)
{
    calc c = {.ctx = ctx, .resp = resp};
    json_error_t jerr;
    sb_store *st = &ctx->store;
    json_t *lines_in = json_object_get(body, "line_items");
    size_t n = json_array_size(lines_in), i;
    int64_t sub[MAX_LINES], tot[MAX_LINES];
    const char *status = sb_str(body, "status", "pending");
    if (!sb_status_valid(status)) {
        sb_resp_bad_status(resp);
        return NULL;
    }
    if (n > MAX_LINES || load_rates(&c))
        return fail(&c, "rest_invalid_param", "Too many line_items or a bad tax rate.");
    if (json_is_true(json_object_get(body, "set_paid")) && strcmp(status, "pending") == 0)
        status = "processing";
    c.order = json_loads(ORDER_TEMPLATE, 0, &jerr);
    int64_t id = sb_int(body, "id", 0);
    if (id <= 0)
        id = sb_next(&st->next_post_id);
    char num[32], key[40], md5[33];
    snprintf(num, sizeof num, "%lld", (long long)id);
    json_object_set_new(c.order, "id", json_integer(id));
    json_object_set_new(c.order, "number", json_string(num));
    json_object_set_new(c.order, "currency", json_string(sb_str(st->settings, "currency", "EUR")));
    json_object_set_new(c.order, "currency_symbol",
                        json_string(sb_str(st->settings, "currency_symbol", "")));
    snprintf(key, sizeof key, "order-%lld-%lld", (long long)id, (long long)sb_now(st));
    sb_md5_hex(key, md5);
    snprintf(key, sizeof key, "wc_order_%.13s", md5);
    json_object_set_new(c.order, "order_key", json_string(key));
    copy_fields(&c, body);
    json_object_set_new(c.order, "status", json_string(status));
    for (i = 0; i < n; i++) {
        json_t *li = json_array_get(lines_in, i);
        if (add_line(&c, li, &sub[i]) < 0) {
            json_decref(c.order);
            return NULL;
        }
        tot[i] = sub[i];
        if (json_object_get(li, "total") && sb_money_get(li, "total", &tot[i])) {
            json_decref(c.order);
            return fail(&c, "rest_invalid_param", "line_items[].total is not money.");
        }
    }
    int64_t line_total = 0, line_tax = 0, disc_tax = 0, ship = 0, ship_tax = 0, fees = 0,
            fee_tax = 0, disc = 0;
    if (apply_coupons(&c, json_object_get(body, "coupon_lines"), tot, n)) {
        json_decref(c.order);
        return NULL;
    }
    finish_lines(&c, sub, tot, &line_total, &line_tax, &disc_tax);
    if (add_shipping(&c, json_object_get(body, "shipping_lines"), &ship, &ship_tax) ||
        add_fees(&c, json_object_get(body, "fee_lines"), &fees, &fee_tax)) {
        json_decref(c.order);
        return NULL;
    }
    add_tax_lines(&c);
    for (i = 0; i < n; i++)
        disc += sub[i] - tot[i];
    int64_t cart_tax = line_tax + fee_tax, total_tax = cart_tax + ship_tax;
    json_object_set_new(c.order, "discount_total", sb_money_json(disc));
    json_object_set_new(c.order, "discount_tax", sb_money_json(disc_tax));
    json_object_set_new(c.order, "shipping_total", sb_money_json(ship));
    json_object_set_new(c.order, "shipping_tax", sb_money_json(ship_tax));
    json_object_set_new(c.order, "cart_tax", sb_money_json(cart_tax));
    json_object_set_new(c.order, "total_tax", sb_money_json(total_tax));
    json_object_set_new(c.order, "total", sb_money_json(line_total + fees + ship + total_tax));
    set_dates(&c, body);
    sb_order_flags(c.order);
    return c.order;
}

void sb_order_flags(json_t *order)
{
    const char *s = sb_str(order, "status", "");
    int64_t total = 0;
    sb_money_get(order, "total", &total);
    int pay = strcmp(s, "pending") == 0 || strcmp(s, "failed") == 0;
    json_object_set_new(order, "is_editable",
                        json_boolean(strcmp(s, "pending") == 0 || strcmp(s, "on-hold") == 0 ||
                                     strcmp(s, "auto-draft") == 0));
    json_object_set_new(order, "needs_payment", json_boolean(pay && total > 0));
}
