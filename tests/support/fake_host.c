/*
 * The fake host for connector unit tests (tests/support/fake_host.h has
 * the contract). Built once into libsl_fake_host.a; it needs only the SDK
 * library, jansson and cmocka, never the host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fake_host.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

/* Keys of the recorded JSON: the SDK's field lists, but for times and the
   line's tax percent, which the recorded form keeps as given ("created",
   "tax_percent") where the host's own form says "created_ms" and
   "tax_percent_milli". */
#define NAME_AT_(name, key) [name] = key,
static const char *const ORDER_TEXT[SL_ORDER_TEXT_END_V1] = {SL_ORDER_TEXT_FIELDS(NAME_AT_)};
static const char *const ORDER_MONEY[SL_ORDER_MONEY_END_V1] = {SL_ORDER_MONEY_FIELDS(NAME_AT_)};
static const char *const ORDER_TIME[] = {"", "created", "modified", "paid", "completed"};
static const char *const ORDER_FLAG[SL_ORDER_FLAG_END_V1_4] = {
    SL_ORDER_FLAG_FIELDS(NAME_AT_) SL_ORDER_FLAG_FIELDS_V1_4(NAME_AT_)};
static const char *const ADDR[SL_ADDR_FIELD_END_V1] = {SL_ADDRESS_FIELDS(NAME_AT_)};
static const char *const LINE_KIND[SL_LINE_KIND_END_V1] = {SL_LINE_KINDS(NAME_AT_)};
static const char *const LINE_TEXT[SL_LINE_TEXT_END_V1_4] = {
    SL_LINE_TEXT_FIELDS(NAME_AT_) SL_LINE_TEXT_FIELDS_V1_4(NAME_AT_)};
static const char *const LINE_MONEY[] = {"",      "unit_price", "subtotal",   "subtotal_tax",
                                         "total", "total_tax",  "tax_percent"};
#undef NAME_AT_

#define FAKE_IN(arr, f) ((f) > 0 && (size_t)(f) < sizeof arr / sizeof arr[0])

/* ---- arena and plumbing -------------------------------------------------- */

void *fk_alloc(sl_ctx *c, size_t n)
{
    if (c->narena == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->arena = realloc(c->arena, c->cap * sizeof *c->arena);
    }
    void *p = calloc(1, n ? n : 1);
    c->arena[c->narena++] = p;
    return p;
}
char *fk_strdup(sl_ctx *c, const char *s)
{
    char *p = fk_alloc(c, strlen(s) + 1);
    memcpy(p, s, strlen(s) + 1);
    return p;
}
/* Frees the arena of one plugin call (the host does this on return). */
void fake_end_call(sl_ctx *c)
{
    for (size_t i = 0; i < c->narena; i++)
        free(c->arena[i]);
    c->narena = 0;
    json_array_clear(c->keep);
}
json_t *fk_keep(sl_ctx *c, json_t *j)
{
    json_array_append_new(c->keep, j);
    return j;
}
static void fk_log(sl_ctx *c, int level, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    json_array_append_new(c->logs, json_string(buf));
    (void)level;
}
static const char *fk_config_get(sl_ctx *c, const char *k)
{
    return json_string_value(json_object_get(c->config, k));
}
static const char *fk_config_map(sl_ctx *c, const char *m, const char *k)
{
    (void)c, (void)m, (void)k;
    return NULL;
}
static const char *fk_secret_get(sl_ctx *c, const char *k)
{
    return json_string_value(json_object_get(c->secrets, k));
}
static int64_t fk_now(sl_ctx *c)
{
    return c->now;
}
static int fk_state_get(sl_ctx *c, const char *k, const char **v, sl_error *e)
{
    (void)c, (void)k, (void)e;
    *v = NULL;
    return SL_OK;
}
static int fk_state_put(sl_ctx *c, const char *k, const char *v, sl_error *e)
{
    (void)c, (void)k, (void)v, (void)e;
    return SL_OK;
}

/* ---- HTTP ---------------------------------------------------------------- */

static sl_ctx *g_http_ctx; /* requests carry no ctx pointer of their own */

static sl_http_req *fk_http_new(sl_ctx *c, const char *method, const char *url)
{
    sl_http_req *r = fk_alloc(c, sizeof *r);
    r->j = fk_keep(
        c, json_pack("{s:s, s:s, s:[], s:{}}", "method", method, "url", url, "query", "headers"));
    g_http_ctx = c;
    return r;
}
static int fk_http_header(sl_http_req *r, const char *n, const char *v)
{
    json_object_set_new(json_object_get(r->j, "headers"), n, json_string(v));
    return SL_OK;
}
static int fk_http_query(sl_http_req *r, const char *n, const char *v)
{
    json_array_append_new(json_object_get(r->j, "query"), json_pack("[s,s]", n, v));
    return SL_OK;
}
static int fk_http_body(sl_http_req *r, const char *d, size_t len, const char *ct)
{
    json_object_set_new(r->j, "body", json_stringn(d, len));
    json_object_set_new(r->j, "content_type", json_string(ct));
    return SL_OK;
}
static int fk_http_basic(sl_http_req *r, const char *u, const char *p)
{
    json_object_set_new(r->j, "basic", json_pack("[s,s]", u, p));
    return SL_OK;
}
static int fk_http_send(sl_http_req *r, sl_http_resp **out, sl_error *e)
{
    sl_ctx *c = g_http_ctx;
    json_array_append(c->requests, r->j);
    fake_resp fr = {404, NULL, NULL};
    if (c->route == NULL || c->route(c, r->j, &fr) != 0) {
        free(fr.body);
        json_decref(fr.headers);
        *out = NULL;
        return sl_error_set(e, SL_EIO, "", "no route");
    }
    sl_http_resp *resp = fk_alloc(c, sizeof *resp);
    resp->status = fr.status;
    resp->headers = fk_keep(c, fr.headers ? fr.headers : json_object());
    char *b = fr.body ? fr.body : calloc(1, 1);
    resp->len = strlen(b);
    resp->body = fk_strdup(c, b);
    free(b);
    *out = resp;
    return SL_OK;
}
static int fk_http_status(const sl_http_resp *r)
{
    return r->status;
}
/* A header of a JSON object name -> value, its name in any letter case. */
static const char *header_in(const json_t *headers, const char *name)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)headers, k, v)
    {
        if (strcasecmp(k, name) == 0)
            return json_string_value(v);
    }
    return NULL;
}
static const char *fk_resp_header(const sl_http_resp *r, const char *n)
{
    return header_in(r->headers, n);
}
static const char *fk_resp_body(const sl_http_resp *r, size_t *len)
{
    *len = r->len;
    return r->body;
}

/* ---- webhook request ----------------------------------------------------- */

static const char *fk_req_header(const sl_request *r, const char *n)
{
    return header_in(r->headers, n);
}
static const char *fk_req_body(const sl_request *r, size_t *len)
{
    *len = r->len;
    return r->body;
}
static const char *fk_req_ct(const sl_request *r)
{
    return fk_req_header(r, "Content-Type");
}
static int fk_req_verified(const sl_request *r)
{
    return r->verified;
}

/* ---- order builder ------------------------------------------------------- */

static sl_order *fk_order_new(sl_ctx *c)
{
    sl_order *o = fk_alloc(c, sizeof *o);
    o->ctx = c;
    o->exponent = -1;
    o->j = fk_keep(c, json_object());
    return o;
}
/* Keeps the first refusal of a setter of order o (sticky builder). */
static int refuse(sl_order *o, const char *setter, int field)
{
    if (o->first_rc == SL_OK) {
        o->first_rc = SL_EINVALID;
        snprintf(o->first_what, sizeof o->first_what, "%s(%d)", setter, field);
    }
    return SL_EINVALID;
}
static json_t *fk_sub(json_t *j, const char *key, int array)
{
    json_t *s = json_object_get(j, key);
    if (s == NULL) {
        s = array ? json_array() : json_object();
        json_object_set_new(j, key, s);
    }
    return s;
}
static int fk_set_text(sl_order *o, int f, const char *v)
{
    if (!FAKE_IN(ORDER_TEXT, f) || v == NULL)
        return refuse(o, "set_text", f);
    if (f == SL_ORDER_CURRENCY) {
        o->exponent = sl_currency_exponent(v);
        if (o->exponent < 0)
            return refuse(o, "set_text", f);
    }
    json_object_set_new(fk_sub(o->j, "text", 0), ORDER_TEXT[f], json_string(v));
    return SL_OK;
}
/* Exact decimal at the exponent, as the host's parser demands. */
static int fk_money_ok(int exponent, const char *v)
{
    int64_t m;
    return exponent >= 0 && sl_money_parse(v, exponent, &m) == SL_OK;
}
static int fk_set_money(sl_order *o, int f, const char *v)
{
    if (!FAKE_IN(ORDER_MONEY, f) || !fk_money_ok(o->exponent, v))
        return refuse(o, "set_money", f);
    json_object_set_new(fk_sub(o->j, "money", 0), ORDER_MONEY[f], json_string(v));
    return SL_OK;
}
static void fk_iso(int64_t ms, char *buf)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
static int fk_set_time(sl_order *o, int f, int64_t ms)
{
    char buf[32];
    if (!FAKE_IN(ORDER_TIME, f))
        return refuse(o, "set_time", f);
    fk_iso(ms, buf);
    json_object_set_new(fk_sub(o->j, "time", 0), ORDER_TIME[f], json_string(buf));
    return SL_OK;
}
static int fk_set_flag(sl_order *o, int f, int v)
{
    if (!FAKE_IN(ORDER_FLAG, f))
        return refuse(o, "set_flag", f);
    json_object_set_new(fk_sub(o->j, "flag", 0), ORDER_FLAG[f], json_integer(v));
    return SL_OK;
}
static int fk_set_address(sl_order *o, int which, int f, const char *v)
{
    if (!FAKE_IN(ADDR, f) || (which != 1 && which != 2))
        return refuse(o, "set_address", f);
    json_object_set_new(fk_sub(o->j, which == 1 ? "billing" : "shipping", 0), ADDR[f],
                        json_string(v));
    return SL_OK;
}
static int fk_set_raw(sl_order *o, const char *d, size_t len)
{
    unsigned char h[32];
    char hex[65];
    sl_sha256(d, len, h);
    sl_hex_encode(h, 32, hex);
    json_object_set_new(o->j, "raw_sha256", json_string(hex));
    return SL_OK;
}
static sl_line *fk_add_line(sl_order *o, int kind)
{
    if (!FAKE_IN(LINE_KIND, kind)) {
        refuse(o, "add_line", kind);
        return NULL;
    }
    sl_line *l = fk_alloc(o->ctx, sizeof *l);
    l->o = o;
    l->j = json_pack("{s:s}", "kind", LINE_KIND[kind]);
    json_array_append_new(fk_sub(o->j, "lines", 1), l->j);
    return l;
}
static int fk_line_text(sl_line *l, int f, const char *v)
{
    if (!FAKE_IN(LINE_TEXT, f) || v == NULL)
        return refuse(l->o, "line_text", f);
    json_object_set_new(fk_sub(l->j, "text", 0), LINE_TEXT[f], json_string(v));
    return SL_OK;
}
static int fk_line_money(sl_line *l, int f, const char *v)
{
    int64_t m;
    if (!FAKE_IN(LINE_MONEY, f))
        return refuse(l->o, "line_money", f);
    /* the percent is a plain decimal, not money of the currency */
    if (f == SL_LINE_TAX_PERCENT ? sl_money_parse(v, 4, &m) != SL_OK
                                 : !fk_money_ok(l->o->exponent, v))
        return refuse(l->o, "line_money", f);
    json_object_set_new(fk_sub(l->j, "money", 0), LINE_MONEY[f], json_string(v));
    return SL_OK;
}
static int fk_line_qty(sl_line *l, const char *v)
{
    int64_t q;
    if (sl_quantity_parse(v, &q) != SL_OK)
        return refuse(l->o, "line_qty", 0);
    json_object_set_new(l->j, "quantity", json_string(v));
    return SL_OK;
}
static int fk_line_tax(sl_line *l, const char *rate, const char *v)
{
    int64_t m;
    if (sl_money_parse(v, 6, &m) != SL_OK)
        return refuse(l->o, "line_tax", 0);
    json_array_append_new(fk_sub(l->j, "taxes", 1), json_pack("[s,s]", rate, v));
    return SL_OK;
}
static int fk_line_restocked(sl_line *l, const char *v)
{
    int64_t q;
    if (v == NULL || sl_quantity_parse(v, &q) != SL_OK || q < 0)
        return refuse(l->o, "line_restocked", 0);
    json_object_set_new(l->j, "restocked", json_string(v));
    return SL_OK;
}
static int fk_add_tax_rate(sl_order *o, const char *rate, const char *tax, const char *ship,
                           const char *pct, int compound)
{
    if (!fk_money_ok(o->exponent, tax && *tax ? tax : "0") ||
        !fk_money_ok(o->exponent, ship && *ship ? ship : "0"))
        return refuse(o, "add_tax_rate", 0);
    json_array_append_new(
        fk_sub(o->j, "tax_rates", 1),
        json_pack("[s,s,s,s,b]", rate, tax ? tax : "", ship ? ship : "", pct ? pct : "", compound));
    return SL_OK;
}
static int fk_submit(sl_ctx *c, sl_order *o, sl_error *e)
{
    if (o->first_rc != SL_OK)
        return sl_error_set(e, o->first_rc, "order", "the fake host refused %s first",
                            o->first_what);
    json_array_append(c->orders, o->j);
    return SL_OK;
}
static void fk_discard(sl_order *o)
{
    o->ctx->discards++;
}
static int fk_cursor(sl_ctx *c, const char *cur, sl_error *e)
{
    json_array_append_new(c->cursors, json_string(cur));
    (void)e;
    return SL_OK;
}

/* ---- stock lists and other lists ---------------------------------------- */

static size_t fk_stock_count(const sl_stock_list *l)
{
    return json_array_size(l->items);
}
static const char *fk_stock_at(const sl_stock_list *l, size_t i, size_t k)
{
    return json_string_value(json_array_get(json_array_get(l->items, i), k));
}
static const char *fk_stock_sku(const sl_stock_list *l, size_t i)
{
    return fk_stock_at(l, i, 0);
}
static const char *fk_stock_qty(const sl_stock_list *l, size_t i)
{
    return fk_stock_at(l, i, 1);
}
static const char *fk_stock_price(const sl_stock_list *l, size_t i)
{
    return fk_stock_at(l, i, 2);
}
static const char *fk_stock_cur(const sl_stock_list *l)
{
    return l->currency;
}
#define NAME_AT_(name, key) [name] = key,
static const char *const OUTCOME[SL_PUSH_OUTCOME_END_V1] = {SL_PUSH_OUTCOMES(NAME_AT_)};
#undef NAME_AT_
static void fk_push_report(sl_ctx *c, const char *sku, int outcome, const char *msg)
{
    json_array_append_new(c->reports, json_pack("[s,s,s]", sku,
                                                FAKE_IN(OUTCOME, outcome) ? OUTCOME[outcome] : "?",
                                                msg ? msg : ""));
}
static int fk_list_add(sl_ctx *c, int kind, const char *id, const char *label, const char *detail)
{
    json_array_append_new(c->lists, json_pack("[i,s,s,s]", kind, id, label, detail ? detail : ""));
    return SL_OK;
}

const sl_host FAKE_HOST = {
    .size = sizeof(sl_host),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .log = fk_log,
    .config_get = fk_config_get,
    .config_map = fk_config_map,
    .secret_get = fk_secret_get,
    .now_ms = fk_now,
    .alloc = fk_alloc,
    .strdup = fk_strdup,
    .state_get = fk_state_get,
    .state_put = fk_state_put,
    .http_new = fk_http_new,
    .http_header = fk_http_header,
    .http_query = fk_http_query,
    .http_body = fk_http_body,
    .http_basic_auth = fk_http_basic,
    .http_send = fk_http_send,
    .http_status = fk_http_status,
    .http_resp_header = fk_resp_header,
    .http_resp_body = fk_resp_body,
    .request_header = fk_req_header,
    .request_body = fk_req_body,
    .request_content_type = fk_req_ct,
    .request_verified = fk_req_verified,
    .order_new = fk_order_new,
    .order_set_text = fk_set_text,
    .order_set_money = fk_set_money,
    .order_set_time = fk_set_time,
    .order_set_flag = fk_set_flag,
    .order_set_address = fk_set_address,
    .order_set_raw = fk_set_raw,
    .order_add_line = fk_add_line,
    .line_set_text = fk_line_text,
    .line_set_money = fk_line_money,
    .line_set_quantity = fk_line_qty,
    .line_add_tax = fk_line_tax,
    .order_submit = fk_submit,
    .cursor_commit = fk_cursor,
    .stock_count = fk_stock_count,
    .stock_sku = fk_stock_sku,
    .stock_quantity = fk_stock_qty,
    .stock_price = fk_stock_price,
    .stock_currency = fk_stock_cur,
    .push_report = fk_push_report,
    .list_add = fk_list_add,
    .order_add_tax_rate = fk_add_tax_rate,
    .line_set_restocked = fk_line_restocked,
    .order_discard = fk_discard,
};

/* ---- fixture ------------------------------------------------------------- */

/* A recorded request's query parameter `name`, or NULL. */
const char *fake_query(const json_t *req, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(req, "query"), i, p)
    {
        if (strcmp(json_string_value(json_array_get(p, 0)), name) == 0)
            return json_string_value(json_array_get(p, 1));
    }
    return NULL;
}

/* A recorded request's path below /wp-json/wc/v3. */
const char *fake_route(const json_t *req)
{
    const char *url = json_string_value(json_object_get(req, "url"));
    const char *p = strstr(url, "/wp-json/wc/v3");
    return p ? p + strlen("/wp-json/wc/v3") : url;
}

/* One webhook delivery to the fixture's channel. Takes `headers` (a JSON
   object header -> value, or NULL for none); f->err holds any error. */
int fake_deliver(fake_fixture *f, json_t *headers, const char *body, size_t len, int verified)
{
    sl_request req = {.headers = headers ? headers : json_object(),
                      .body = body,
                      .len = len,
                      .verified = verified};
    f->err = (sl_error){.size = sizeof f->err};
    int rc = f->p->parse_webhook(f->state, &f->ctx, &req, &f->err);
    fake_end_call(&f->ctx);
    json_decref(req.headers);
    return rc;
}

const sl_plugin *fake_plugin_load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.so", SL_BUILD_PLUGIN_DIR, name);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL); /* never closed, as the host */
    if (h == NULL)
        fprintf(stderr, "fake host: %s\n", dlerror());
    assert_non_null(h);
    sl_plugin_entry_fn fn = (sl_plugin_entry_fn)dlsym(h, SL_PLUGIN_ENTRY_SYMBOL);
    assert_non_null(fn);
    const sl_plugin *p = fn();
    assert_non_null(p);
    return p;
}

const sl_plugin *woo_plugin(void)
{
    static const sl_plugin *p;
    if (p == NULL)
        p = fake_plugin_load("woocommerce");
    return p;
}

void fake_ctx_init(sl_ctx *c)
{
    memset(c, 0, sizeof *c);
    c->config = json_object();
    c->secrets = json_object();
    c->now = 1795337400000LL; /* 2026-11-22T08:50:00Z */
    c->orders = json_array();
    c->cursors = json_array();
    c->reports = json_array();
    c->lists = json_array();
    c->requests = json_array();
    c->logs = json_array();
    c->keep = json_array();
}

void woo_ctx_init(sl_ctx *c, const char *url)
{
    fake_ctx_init(c);
    json_object_set_new(c->config, "url", json_string(url));
    json_object_set_new(c->config, "key", json_string("ck_test"));
    json_object_set_new(c->secrets, "secret", json_string("cs_test"));
    json_object_set_new(c->secrets, "webhook_secret", json_string("woopeer-webhook-secret"));
}

void fake_ctx_free(sl_ctx *c)
{
    fake_end_call(c);
    free(c->arena);
    json_t *all[] = {c->config, c->secrets,  c->orders, c->cursors, c->reports,
                     c->lists,  c->requests, c->logs,   c->keep};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        json_decref(all[i]);
}

int fake_open(fake_fixture *f, const sl_plugin *p)
{
    f->p = p;
    f->err = (sl_error){.size = sizeof f->err};
    f->state = NULL;
    int rc = f->p->channel_open(&FAKE_HOST, &f->ctx, &f->state, &f->err);
    fake_end_call(&f->ctx);
    return rc;
}

int woo_open(fake_fixture *f)
{
    return fake_open(f, woo_plugin());
}

void fake_close(fake_fixture *f)
{
    if (f->state != NULL)
        f->p->channel_close(f->state);
    f->state = NULL;
}

/* Reads a whole file into a malloc'd NUL-terminated buffer. */
char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, fp);
    fclose(fp);
    b[got] = '\0';
    if (len)
        *len = got;
    return b;
}

void fake_golden_check(const char *path, const json_t *got)
{
    char *text = json_dumps(got, JSON_INDENT(1) | JSON_SORT_KEYS);
    assert_non_null(text);
    const char *upd = getenv("SL_GOLDEN_UPDATE");
    if (upd != NULL && strcmp(upd, "1") == 0) {
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        fputs(text, fp);
        fputc('\n', fp);
        fclose(fp);
    }
    json_error_t je;
    json_t *want = json_load_file(path, 0, &je);
    int same = want != NULL && json_equal(want, got);
    if (!same)
        fprintf(stderr, "golden mismatch: %s\ngot:\n%s\n", path, text);
    free(text);
    json_decref(want);
    assert_true(same);
}

void golden_check(const char *rel, const json_t *got)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/woo/%s", SL_SOURCE_DIR, rel);
    fake_golden_check(path, got);
}
