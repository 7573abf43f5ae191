/*
 * The one grammar of INI values (shopledger/options.h) and option tables:
 * flags, integers with bounds, durations that need their unit, http(s)
 * URLs, enums, lists; a table's own check; sl_options_read into a struct;
 * sl_channel_open around it (host pointer, settle, freed on refusal);
 * and the host's pass that names FILE:LINE [channel:x] key for a bad value,
 * an undeclared key or a missing required option.
 */
#include "support.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

static void flags_take_the_eight_words(void **state)
{
    (void)state;
    static const char *const yes[] = {"yes", "TRUE", "on", "1"}, *const no[] = {"no", "False",
                                                                                "OFF", "0"};
    sl_error err = {.size = sizeof err};
    int v = -1;
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(sl_parse_flag("f", yes[i], &v, &err), SL_OK);
        assert_int_equal(v, 1);
        assert_int_equal(sl_parse_flag("f", no[i], &v, &err), SL_OK);
        assert_int_equal(v, 0);
    }
    v = 7;
    assert_int_equal(sl_parse_flag("test_mode", "maybe", &v, &err), SL_EINVALID);
    assert_int_equal(v, 7);
    assert_string_equal(err.field, "test_mode");
    assert_non_null(strstr(err.message, "not a boolean"));
}

static void integers_are_bounded_and_whole(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    int64_t v = 0;
    assert_int_equal(sl_parse_int("n", "-5", -10, 10, &v, &err), SL_OK);
    assert_int_equal(v, -5);
    static const char *const bad[] = {"", "-", "5x", " 5", "+5", "1.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sl_parse_int("n", bad[i], -10, 10, &v, &err), SL_EINVALID);
        assert_non_null(strstr(err.message, "not an integer"));
    }
    assert_int_equal(sl_parse_int("n", "11", -10, 10, &v, &err), SL_EINVALID);
    assert_non_null(strstr(err.message, "out of range"));
    assert_int_equal(sl_parse_int("n", "99999999999999999999", 0, 10, &v, &err), SL_EINVALID);
    assert_int_equal(v, -5);
}

static void durations_need_a_unit(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    int64_t ms = 0;
    static const struct {
        const char *text;
        int64_t ms;
    } ok[] = {{"30s", 30000}, {"5m", 300000}, {"2h", 7200000}, {"1d", 86400000}, {"0s", 0}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(sl_parse_duration("d", ok[i].text, 0, INT64_MAX, &ms, &err), SL_OK);
        assert_int_equal(ms, ok[i].ms);
    }
    assert_int_equal(sl_parse_duration("poll_overlap", "300", 0, INT64_MAX, &ms, &err),
                     SL_EINVALID);
    assert_string_equal(err.field, "poll_overlap");
    assert_non_null(strstr(err.message, "bare number needs its unit"));
    static const char *const bad[] = {"", "s", "5x", "5 m", "5mm", "-5s", "1.5h", "9999999999999s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sl_parse_duration("d", bad[i], 0, INT64_MAX, &ms, &err), SL_EINVALID);
        assert_non_null(strstr(err.message, "not a duration"));
    }
    assert_int_equal(sl_parse_duration("d", "25h", 0, 86400000, &ms, &err), SL_EINVALID);
    assert_string_equal(err.message, "must be between 0ms and 1d");
    assert_int_equal(ms, 0);
}

static void urls_are_http_roots(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    size_t len = 0;
    assert_int_equal(sl_parse_url("url", "https://shop.test:8443/api//", 100, &len, &err), SL_OK);
    assert_int_equal(len, strlen("https://shop.test:8443/api"));
    static const char *const bad[] = {"ftp://x",     "shop.test",      "https://",
                                      "https:///x",  "https://x/?a=1", "https://x/#f",
                                      "https://x y", "http://x\t"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sl_parse_url("url", bad[i], 100, &len, &err), SL_EINVALID);
        assert_string_equal(err.field, "url");
    }
    assert_int_equal(sl_parse_url("url", "https://a.test/long", 10, &len, &err), SL_EINVALID);
}

static void enums_and_lists(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    int idx = -1;
    size_t n = 0, pos = 0;
    assert_int_equal(sl_parse_enum("k", "vip", "premium|vip", &idx, &err), SL_OK);
    assert_int_equal(idx, 1);
    assert_int_equal(sl_parse_enum("k", "vi", "premium|vip", &idx, &err), SL_EINVALID);
    assert_string_equal(err.message, "not one of the words premium, vip");
    assert_int_equal(sl_parse_list("l", " a , b,c ", 3, &n, &err), SL_OK);
    assert_int_equal(n, 3);
    char item[8];
    assert_true(sl_list_next(" a , b,c ", &pos, item, sizeof item));
    assert_string_equal(item, "a");
    assert_true(sl_list_next(" a , b,c ", &pos, item, sizeof item));
    assert_string_equal(item, "b");
    assert_true(sl_list_next(" a , b,c ", &pos, item, sizeof item));
    assert_string_equal(item, "c");
    assert_false(sl_list_next(" a , b,c ", &pos, item, sizeof item));
    assert_int_equal(sl_parse_list("l", "a,,b", 0, &n, &err), SL_EINVALID);
    assert_string_equal(err.message, "empty list item");
    assert_int_equal(sl_parse_list("l", "a,b,c,d", 3, &n, &err), SL_EINVALID);
}

typedef struct demo_chan {
    int test_mode, page_size, tier;
    int64_t overlap_ms;
    char base[32];
    const char *language, *api_key;
    const sl_host *host; /* set by sl_channel_open only */
} demo_chan;

static const sl_option DEMO_ROWS[] = {
    SL_OPT_URL("url", demo_chan, base, SL_OPT_REQUIRED, NULL, 24, "API root"),
    SL_OPT_SECRET("api_key", demo_chan, api_key, SL_OPT_REQUIRED, "the shop's API key"),
    SL_OPT_FLAG("test_mode", demo_chan, test_mode, "no", "read only"),
    SL_OPT_INT("page_size", demo_chan, page_size, "50", 1, 100, "orders per page"),
    SL_OPT_DURATION("poll_overlap", demo_chan, overlap_ms, "10m", 0, 48LL * 3600000,
                    "re-read window"),
    SL_OPT_ENUM("tier", demo_chan, tier, "premium", "premium|vip", "subscription"),
    SL_OPT_STRING("language", demo_chan, language, 0, NULL, 1, 8, "a-_", "language key"),
};
static const sl_option_table DEMO = SL_OPTION_TABLE(DEMO_ROWS);

static void tables_are_checked(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    assert_int_equal(sl_options_check_table(&DEMO, &err), SL_OK);
    sl_option rows[2] = {DEMO_ROWS[2], DEMO_ROWS[2]};
    sl_option_table twice = SL_OPTION_TABLE(rows);
    assert_int_equal(sl_options_check_table(&twice, &err), SL_EINVALID);
    assert_non_null(strstr(err.message, "appears twice"));
    rows[1] = DEMO_ROWS[3];
    rows[1].def = "500";
    assert_int_equal(sl_options_check_table(&twice, &err), SL_EINVALID);
    assert_non_null(strstr(err.message, "default of page_size"));
    rows[1] = DEMO_ROWS[1];
    rows[1].name = "merchant";
    assert_int_equal(sl_options_check_table(&twice, &err), SL_EINVALID);
    rows[1] = DEMO_ROWS[3];
    rows[1].dest_size = sizeof(int64_t);
    assert_int_equal(sl_options_check_table(&twice, &err), SL_EINVALID);
}

/* A fake host: config from a NULL-terminated key/value list. */
static const char *const *CONF;
static const char *conf_get(sl_ctx *c, const char *k)
{
    (void)c;
    for (size_t i = 0; CONF[i] != NULL; i += 2)
        if (strcmp(CONF[i], k) == 0)
            return CONF[i + 1];
    return NULL;
}
static const sl_host HOST = {.size = sizeof HOST, .config_get = conf_get, .secret_get = conf_get};

static void read_fills_the_struct(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    static const char *const good[] = {"url", "http://127.0.0.1:9/", "api_key", "k1", "tier",
                                       "vip", "poll_overlap",        "2h",      NULL};
    CONF = good;
    demo_chan ch = {0};
    assert_int_equal(sl_options_read(&HOST, NULL, &DEMO, &ch, &err), SL_OK);
    assert_string_equal(ch.base, "http://127.0.0.1:9");
    assert_string_equal(ch.api_key, "k1");
    assert_int_equal(ch.tier, 1);
    assert_int_equal(ch.page_size, 50);
    assert_int_equal(ch.overlap_ms, 7200000);
    assert_int_equal(ch.test_mode, 0);
    assert_null(ch.language);
    static const char *const no_key[] = {"url", "http://x", NULL};
    CONF = no_key;
    assert_int_equal(sl_options_read(&HOST, NULL, &DEMO, &ch, &err), SL_EINVALID);
    assert_string_equal(err.field, "api_key");
    static const char *const bad[] = {"url", "http://x", "api_key", "k", "page_size", "0", NULL};
    CONF = bad;
    assert_int_equal(sl_options_read(&HOST, NULL, &DEMO, &ch, &err), SL_EINVALID);
    assert_string_equal(err.field, "page_size");
}

/* sl_channel_open: the host pointer where the spec says, the options
   read, the connector's settle called on what was read, and the state
   freed (valgrind/ASan runs of this test see a leak otherwise) when the
   options or settle refuse, *state then untouched. */
static int g_settled;
static int demo_settle(void *st, sl_ctx *ctx, sl_error *err)
{
    (void)ctx;
    const demo_chan *ch = st;
    g_settled++;
    if (ch->page_size > 90)
        return sl_error_set(err, SL_EINVALID, "page_size", "page_size over 90 with this tier");
    return SL_OK;
}

static void channel_open_reads_and_settles(void **state)
{
    (void)state;
    static const sl_channel_spec spec = {&DEMO, sizeof(demo_chan), offsetof(demo_chan, host),
                                         demo_settle};
    sl_error err = {.size = sizeof err};
    static const char *const good[] = {"url", "http://127.0.0.1:9/", "api_key", "k1", NULL};
    CONF = good;
    g_settled = 0;
    void *st = NULL;
    assert_int_equal(sl_channel_open(&HOST, NULL, &spec, &st, &err), SL_OK);
    const demo_chan *ch = st;
    assert_ptr_equal(ch->host, &HOST);
    assert_string_equal(ch->api_key, "k1");
    assert_int_equal(ch->page_size, 50);
    assert_int_equal(g_settled, 1);
    sl_channel_free(st);
    /* settle refuses: its error, no state */
    static const char *const big[] = {"url", "http://x", "api_key", "k", "page_size", "95", NULL};
    CONF = big;
    void *none = &g_settled;
    assert_int_equal(sl_channel_open(&HOST, NULL, &spec, &none, &err), SL_EINVALID);
    assert_string_equal(err.field, "page_size");
    assert_non_null(strstr(err.message, "over 90"));
    assert_ptr_equal(none, &g_settled);
    /* the options refuse: settle is not reached */
    static const char *const no_key[] = {"url", "http://x", NULL};
    CONF = no_key;
    g_settled = 0;
    assert_int_equal(sl_channel_open(&HOST, NULL, &spec, &none, &err), SL_EINVALID);
    assert_string_equal(err.field, "api_key");
    assert_int_equal(g_settled, 0);
    /* no settle at all, and a spec whose host would land outside */
    const sl_channel_spec plain = {&DEMO, sizeof(demo_chan), offsetof(demo_chan, host), NULL};
    CONF = good;
    assert_int_equal(sl_channel_open(&HOST, NULL, &plain, &st, &err), SL_OK);
    sl_channel_free(st);
    const sl_channel_spec bad = {&DEMO, sizeof(demo_chan), sizeof(demo_chan), NULL};
    assert_int_equal(sl_channel_open(&HOST, NULL, &bad, &none, &err), SL_EINTERNAL);
    assert_ptr_equal(none, &g_settled);
}

static void host_names_file_line_and_key(void **state)
{
    sl_test_dir *d = *state;
    const char *path = sl_test_put(d, "t.ini",
                                   "[tenant]\nid = acme\ncurrency = EUR\n"
                                   "[channel:shop]\nplugin = demo\nprocess_when = paid\n"
                                   "url = http://127.0.0.1:9\npoll_overlap = 300\n"
                                   "colour = blue\npoll_every = 5m\n",
                                   0600);
    config_tenant *t = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(config_load_file(path, &t, &err), SL_OK);
    char *report = NULL;
    assert_int_equal(config_check_options(t, &t->channels[0], &DEMO, &report, &err), SL_EINVALID);
    char want[512];
    snprintf(want, sizeof want, "%s:8: [channel:shop] poll_overlap: not a duration", path);
    assert_non_null(strstr(report, want));
    assert_string_equal(err.field, "poll_overlap");
    snprintf(want, sizeof want, "%s:9: [channel:shop] colour: unknown key", path);
    assert_non_null(strstr(report, want));
    snprintf(want, sizeof want, "%s:4: [channel:shop] api_key: required secret", path);
    assert_non_null(strstr(report, want));
    assert_null(strstr(report, "poll_every")); /* the host's own key */
    free(report);
    assert_int_equal(config_check_options(t, &t->channels[0], NULL, &report, &err), SL_OK);
    assert_null(report);
    config_tenant_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flags_take_the_eight_words),
        cmocka_unit_test(integers_are_bounded_and_whole),
        cmocka_unit_test(durations_need_a_unit),
        cmocka_unit_test(urls_are_http_roots),
        cmocka_unit_test(enums_and_lists),
        cmocka_unit_test(tables_are_checked),
        cmocka_unit_test(read_fills_the_struct),
        cmocka_unit_test(channel_open_reads_and_settles),
        cmocka_unit_test_setup_teardown(host_names_file_line_and_key, sl_test_dir_setup,
                                        sl_test_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
