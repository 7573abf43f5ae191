/*
 * The UNAS connector through the real build/plugins/unas.so with a fake
 * host (tests/support/fake_host.h plus channel state kept here): the order mapping
 * against golden files (tests/golden/unas/, regenerate with
 * SL_GOLDEN_UPDATE=1 and review), token caching and renewal on a fake
 * clock, the rate budget over a simulated day against a fake UNAS that
 * bans exactly as api/unas.md §3 says, a ban answered and respected, the
 * order_filter, test-mode pushes, and hostile XML (DOCTYPE, depth).
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_host.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

/* ---- channel state and a fake UNAS ------------------------------------- */

static json_t *g_state; /* key -> value, survives "restarts" */
static int fk_uget(sl_ctx *c, const char *k, const char **v, sl_error *e)
{
    (void)e;
    json_t *j = json_object_get(g_state, k);
    *v = j ? fk_strdup(c, json_string_value(j)) : NULL;
    return SL_OK;
}
static int fk_uput(sl_ctx *c, const char *k, const char *v, sl_error *e)
{
    (void)c, (void)e;
    json_object_set_new(g_state, k, json_string(v));
    return SL_OK;
}

typedef struct fake_unas {
    const char *orders_xml;               /* getOrder answer */
    int logins, calls, tokens_valid_from; /* tokens issued before: dead */
    int token_seq;
    int multi_hits[4096]; /* epoch s of each multi-item get */
    int nmulti;
    int64_t ban_until;
    int bans, max_rolling;
    int ban_next; /* answer the next call with a ban */
} fake_unas;

static fake_unas g_fu;

static int starts(const char *url, const char *fn)
{
    const char *p = strstr(url, "/shop/");
    return p && strcmp(p + 6, fn) == 0;
}

static void xml_reply(fake_resp *out, int status, const char *body)
{
    out->status = status;
    out->body = strdup(body);
}

static int rolling_multi(sl_ctx *c)
{
    int n = 0, now = (int)(c->now / 1000);
    for (int i = 0; i < g_fu.nmulti; i++)
        n += g_fu.multi_hits[i] > now - 3600;
    return n;
}

static int route(sl_ctx *c, const json_t *req, fake_resp *out)
{
    const char *url = json_string_value(json_object_get(req, "url"));
    const char *body = json_string_value(json_object_get(req, "body"));
    const char *auth =
        json_string_value(json_object_get(json_object_get(req, "headers"), "Authorization"));
    int64_t now = c->now / 1000;
    g_fu.calls++;
    if (g_fu.ban_until > now || g_fu.ban_next) {
        if (g_fu.ban_next) { /* 05.01.2024 15:00:00 Budapest = 13:00 UTC */
            g_fu.ban_next = 0;
            g_fu.bans++;
        }
        xml_reply(out, 400,
                  "<?xml version=\"1.0\"?><Error>Too much getOrder "
                  "query, IP is banned till 05.01.2024 15:00:00</Error>");
        return 0;
    }
    if (starts(url, "login")) {
        char tok[160];
        snprintf(tok, sizeof tok,
                 "<Login><Token>tok%d</Token><ExpireTime>%lld"
                 "</ExpireTime><Status>ok</Status></Login>",
                 ++g_fu.token_seq, (long long)(now + 7200));
        g_fu.logins++;
        xml_reply(out, strstr(body, "good-key") ? 200 : 400,
                  strstr(body, "good-key") ? tok : "<Error>Login Error: invalid ApiKey</Error>");
        return 0;
    }
    int seq = auth ? (int)strtol(auth + 10, NULL, 10) : 0;
    if (auth == NULL || seq < g_fu.tokens_valid_from) {
        xml_reply(out, 401, "<Error>Token Error: invalid token</Error>");
        return 0;
    }
    if (starts(url, "getOrder")) {
        if (strstr(body, "<Key>") == NULL) {
            if (rolling_multi(c) >= 30) { /* the 31st in an hour: banned */
                g_fu.ban_until = now + 3600;
                g_fu.bans++;
                xml_reply(out, 400,
                          "<Error>Too much getOrder query, IP is "
                          "banned</Error>");
                return 0;
            }
            g_fu.multi_hits[g_fu.nmulti++ % 4096] = (int)now;
            int r = rolling_multi(c);
            if (r > g_fu.max_rolling)
                g_fu.max_rolling = r;
        }
        xml_reply(out, 200, g_fu.orders_xml ? g_fu.orders_xml : "<Orders/>");
        return 0;
    }
    if (starts(url, "getProduct")) {
        xml_reply(out, 200,
                  "<Products><Product><Id>1</Id><Sku>BOG-KEK</Sku>"
                  "<Prices><Vat>27%</Vat><Price><Type>normal</Type><Net>3000</Net>"
                  "<Gross>3810</Gross></Price></Prices><Stocks><Status><Active>1"
                  "</Active><Variant>0</Variant></Status><Stock><Qty>14</Qty>"
                  "</Stock></Stocks></Product><Product><Id>2</Id><Sku>SAPKA</Sku>"
                  "<Stocks><Status><Active>1</Active><Variant>1</Variant></Status>"
                  "</Stocks></Product></Products>");
        return 0;
    }
    xml_reply(out, 200, "<Products/>");
    return 0;
}

/* ---- fixture --------------------------------------------------------------- */

static sl_host g_host;
static fake_fixture g_f;

static const sl_plugin *unas_plugin(void)
{
    static const sl_plugin *p;
    if (p == NULL)
        p = fake_plugin_load("unas");
    return p;
}

/* Opens a channel with extra config keys (k=v pairs). */
static int open_chan(const char *const *kv)
{
    fake_ctx_init(&g_f.ctx);
    json_object_set_new(g_f.ctx.config, "url", json_string("https://api.example/shop"));
    json_object_set_new(g_f.ctx.secrets, "api_key", json_string("good-key"));
    for (size_t i = 0; kv && kv[i]; i += 2)
        json_object_set_new(g_f.ctx.config, kv[i], json_string(kv[i + 1]));
    g_f.ctx.now = 1714564800000LL; /* 2024-05-01T12:00:00Z */
    g_f.ctx.route = route;
    g_host = FAKE_HOST;
    g_host.state_get = fk_uget;
    g_host.state_put = fk_uput;
    g_f.p = unas_plugin();
    g_f.err = (sl_error){.size = sizeof g_f.err};
    int rc = g_f.p->channel_open(&g_host, &g_f.ctx, &g_f.state, &g_f.err);
    fake_end_call(&g_f.ctx);
    return rc;
}

static int fetch(const char *cursor)
{
    g_f.err = (sl_error){.size = sizeof g_f.err};
    int rc = g_f.p->fetch_orders(g_f.state, &g_f.ctx, cursor, &g_f.err);
    fake_end_call(&g_f.ctx);
    return rc;
}

static int setup(void **s)
{
    (void)s;
    g_state = json_object();
    memset(&g_fu, 0, sizeof g_fu);
    return 0;
}
static int teardown(void **s)
{
    (void)s;
    fake_close(&g_f);
    fake_ctx_free(&g_f.ctx);
    json_decref(g_state);
    free((char *)g_fu.orders_xml);
    return 0;
}

static void unas_golden(const char *rel, const json_t *got)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/unas/%s", SL_SOURCE_DIR, rel);
    fake_golden_check(path, got);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_golden_orders(void **s)
{
    (void)s;
    g_fu.orders_xml = slurp(SL_SOURCE_DIR "/tests/golden/unas/orders.xml", NULL);
    assert_int_equal(open_chan(NULL), SL_OK);
    g_f.ctx.now = 1714780800000LL; /* 2024-05-04: after every DateMod */
    assert_int_equal(fetch(NULL), SL_OK);
    assert_int_equal(json_array_size(g_f.ctx.orders), 3);
    unas_golden("orders.json", g_f.ctx.orders);
    /* cursor = newest DateMod: 2024.05.02 09:30:00 Budapest = 07:30 UTC */
    assert_string_equal(json_string_value(json_array_get(g_f.ctx.cursors, 0)), "1714635000");
}

static void test_invoiceable_filter(void **s)
{
    (void)s;
    g_fu.orders_xml = slurp(SL_SOURCE_DIR "/tests/golden/unas/orders.xml", NULL);
    const char *kv[] = {"order_filter", "invoiceable", NULL};
    assert_int_equal(open_chan(kv), SL_OK);
    assert_int_equal(fetch(NULL), SL_OK);
    assert_int_equal(json_array_size(g_f.ctx.orders), 2); /* 533 is not billable */
}

static void test_token_cached_and_renewed(void **s)
{
    (void)s;
    assert_int_equal(open_chan(NULL), SL_OK);
    assert_int_equal(fetch("1714560000"), SL_OK);
    assert_int_equal(fetch("1714560000"), SL_OK);
    assert_int_equal(g_fu.logins, 1);               /* reused */
    g_f.ctx.now += 2 * 3600 * 1000 - 4 * 60 * 1000; /* 4 min before expiry */
    assert_int_equal(fetch("1714560000"), SL_OK);
    assert_int_equal(g_fu.logins, 2);            /* renewed before it expired */
    g_fu.tokens_valid_from = g_fu.token_seq + 1; /* shop drops the token */
    assert_int_equal(fetch("1714560000"), SL_OK);
    assert_int_equal(g_fu.logins, 3); /* one renewal after the 401 */
    /* a restart keeps the cached token (state is durable) */
    fake_close(&g_f);
    fake_ctx_free(&g_f.ctx);
    assert_int_equal(open_chan(NULL), SL_OK);
    g_f.ctx.now = 1714564800000LL + 2 * 3600 * 1000;
    assert_int_equal(fetch("1714560000"), SL_OK);
    assert_int_equal(g_fu.logins, 3);
}

static void test_auth_refused_twice_no_loop(void **s)
{
    (void)s;
    assert_int_equal(open_chan(NULL), SL_OK);
    assert_int_equal(fetch(NULL), SL_OK);
    g_fu.tokens_valid_from = 1000000; /* every token refused */
    int before = g_fu.calls;
    assert_int_equal(fetch(NULL), SL_EAUTH);
    assert_true(g_fu.calls - before <= 3); /* call, login, call: no loop */
}

/* A poll every 30 s for a simulated day: the budget never lets a rolling
   hour pass the usable 27 of PREMIUM's 30 multi-item gets, so no ban. */
static void test_rate_budget_day(void **s)
{
    (void)s;
    assert_int_equal(open_chan(NULL), SL_OK);
    int ok = 0, refused = 0, banned = 0;
    for (int step = 0; step < 24 * 120; step++) {
        int rc = fetch("1714560000");
        ok += rc == SL_OK;
        refused += rc == SL_ERETRY;
        banned += rc == SL_EBANNED;
        if (rc == SL_ERETRY)
            assert_true(g_f.err.retry_after_ms > 0);
        g_f.ctx.now += 30 * 1000;
    }
    fprintf(stderr,
            "simulated day, poll every 30s: %d fetches made, %d refused "
            "by the budget, max %d multi-item getOrder in a rolling hour "
            "(limit 30, plugin stops at 27), bans %d, logins %d\n",
            ok, refused, g_fu.max_rolling, g_fu.bans, g_fu.logins);
    assert_int_equal(g_fu.bans, 0);
    assert_int_equal(banned, 0);
    assert_true(g_fu.max_rolling <= 27);
    assert_true(ok >= 24 * 24); /* ~24 an hour still get through */
}

/* Default poll_every (5 min): 12 an hour, never refused. */
static void test_rate_budget_day_5min(void **s)
{
    (void)s;
    assert_int_equal(open_chan(NULL), SL_OK);
    for (int step = 0; step < 24 * 12; step++) {
        assert_int_equal(fetch("1714560000"), SL_OK);
        g_f.ctx.now += 300 * 1000;
    }
    fprintf(stderr,
            "simulated day, poll every 5m: max %d multi-item getOrder "
            "in a rolling hour, %d logins\n",
            g_fu.max_rolling, g_fu.logins);
    assert_true(g_fu.max_rolling <= 13);
    assert_int_equal(g_fu.bans, 0);
}

static void test_ban_respected(void **s)
{
    (void)s;
    assert_int_equal(open_chan(NULL), SL_OK);
    g_f.ctx.now = 1714564800000LL; /* 12:00 UTC = 14:00 Budapest */
    assert_int_equal(fetch("1714560000"), SL_OK);
    g_fu.ban_next = 1;
    assert_int_equal(fetch("1714560000"), SL_EBANNED);
    /* banned till 15:00 Budapest = 13:00 UTC: one hour from now */
    assert_int_equal(g_f.err.retry_after_ms, 3600 * 1000);
    int calls = g_fu.calls;
    for (int i = 0; i < 50; i++) {
        g_f.ctx.now += 60 * 1000;
        if (i < 59 && g_f.ctx.now < 1714568400000LL)
            assert_int_equal(fetch("1714560000"), SL_EBANNED);
    }
    assert_int_equal(g_fu.calls, calls); /* not one call during the ban */
    g_f.ctx.now = 1714568400000LL + 1000;
    assert_int_equal(fetch("1714560000"), SL_OK);
}

static void test_hostile_xml(void **s)
{
    (void)s;
    g_fu.orders_xml = strdup("<?xml version=\"1.0\"?><!DOCTYPE Orders [<!ENTITY x "
                             "SYSTEM \"file:///etc/passwd\">]><Orders><Order><Key>&x;"
                             "</Key></Order></Orders>");
    assert_int_equal(open_chan(NULL), SL_OK);
    assert_int_equal(fetch(NULL), SL_EREMOTE);
    assert_non_null(strstr(g_f.err.message, "DOCTYPE"));
    free((char *)g_fu.orders_xml);
    char *deep = calloc(1, 4096);
    strcpy(deep, "<Orders>");
    for (int i = 0; i < 40; i++)
        strcat(deep, "<a>");
    g_fu.orders_xml = deep; /* also not well-formed: refused either way */
    assert_int_not_equal(fetch(NULL), SL_OK);
    assert_int_equal(json_array_size(g_f.ctx.orders), 0);
}

static void test_push_test_mode(void **s)
{
    (void)s;
    const char *kv[] = {"test_mode", "yes", NULL};
    assert_int_equal(open_chan(kv), SL_OK);
    sl_stock_list l = {.items = json_pack("[[s,s,s],[s,s,s],[s,s,s],[s,s,s]]", "BOG-KEK", "20",
                                          "4000.00", "SAPKA", "1", "1.00", "NINCS", "1", "1.00",
                                          "BAD SKU", "1", "1.00"),
                       .currency = "HUF"};
    g_f.err = (sl_error){.size = sizeof g_f.err};
    assert_int_equal(g_f.p->push_stock(g_f.state, &g_f.ctx, &l, &g_f.err), SL_OK);
    fake_end_call(&g_f.ctx);
    unas_golden("push_test_mode.json", g_f.ctx.reports);
    size_t i;
    json_t *r;
    json_array_foreach(g_f.ctx.requests, i, r) /* nothing but reads */
        assert_null(strstr(json_string_value(json_object_get(r, "url")), "/set"));
    json_decref(l.items);
}

/* The keys go through the SDK's option grammar: a duration needs its
   unit, an enum one of its words, an integer its bounds. */
static void test_config_grammar(void **s)
{
    (void)s;
    static const char *const bad[][2] = {
        {"poll_overlap", "120"},      {"poll_overlap", "2h"},        {"subscription", "gold"},
        {"rate_reserve", "4"},        {"page_size", "501"},          {"test_mode", "maybe"},
        {"url", "ftp://api.example"}, {"name_order", "Family_First"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *kv[] = {bad[i][0], bad[i][1], NULL};
        assert_int_equal(open_chan(kv), SL_EINVALID);
        assert_string_equal(g_f.err.field, bad[i][0]);
        fake_ctx_free(&g_f.ctx);
    }
    const char *kv[] = {"poll_overlap", "5m", "subscription", "vip", NULL};
    assert_int_equal(open_chan(kv), SL_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_golden_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invoiceable_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_cached_and_renewed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auth_refused_twice_no_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_budget_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_budget_day_5min, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ban_respected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_xml, setup, teardown),
        cmocka_unit_test_setup_teardown(test_push_test_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_grammar, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
