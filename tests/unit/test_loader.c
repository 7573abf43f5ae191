/*
 * Loader: accepts good plugins (today's and one built against the ABI 1.0
 * header), refuses each defect with a message naming the file and, for
 * version mismatches, both versions; plugin check survives a crashing
 * plugin and says where it crashed.
 */
#include "support.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "loader/loader.h"
#include "services/services.h"

static void plugin_path(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s.so", SL_TEST_PLUGIN_DIR, name);
}

static int open_named(const char *name, loaded_plugin **p, sl_error *err)
{
    char path[4096];
    plugin_path(name, path, sizeof path);
    return loader_open(path, p, err);
}

static void refused(const char *name, int code, const char *must_contain)
{
    loaded_plugin *p = NULL;
    sl_error err = {.size = sizeof err};
    int rc = open_named(name, &p, &err);
    assert_int_equal(rc, code);
    assert_null(p);
    if (strstr(err.message, must_contain) == NULL)
        fail_msg("message for %s lacks '%s': %s", name, must_contain, err.message);
    assert_non_null(strstr(err.message, name)); /* names the file */
}

static void test_accepts_current_plugin(void **state)
{
    (void)state;
    loaded_plugin *p = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(open_named("testshop", &p, &err), SL_OK);
    assert_string_equal(p->table->name, "testshop");
    assert_int_equal(p->table_size, sizeof(sl_plugin));
    assert_non_null(loader_check_connection(p));
    char caps[256];
    assert_non_null(strstr(loader_caps_text(p->table->caps, caps, sizeof caps), "webhook"));
    loader_free(p);
}

static int take_order(void *data, order *o, sl_error *err)
{
    (void)err;
    snprintf(data, 64, "%s/%s", order_text(o, SL_ORDER_EXTERNAL_ID),
             order_text(o, SL_ORDER_STATUS));
    order_free(o);
    return SL_OK;
}

static void test_accepts_plugin_built_against_abi_1_0(void **state)
{
    (void)state;
    loaded_plugin *p = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(open_named("abi_v1_0", &p, &err), SL_OK);
    assert_true(p->table_size < sizeof(sl_plugin));
    assert_int_equal(p->table->abi_minor, 0);
    assert_null(loader_check_connection(p)); /* its table predates the slot */

    /* And it works through today's host table. */
    config_channel ch = {.name = "old", .plugin = "abi_v1_0"};
    config_tenant t = {.id = "t", .currency = "EUR", .currency_exponent = 2};
    sl_ctx *ctx = services_ctx_new(&t, &ch, NULL);
    char seen[64] = "";
    services_sink sink = {.data = seen, .order_take = take_order};
    services_ctx_set_sink(ctx, &sink);
    void *st = NULL;
    assert_int_equal(p->table->channel_open(services_table(), ctx, &st, &err), SL_OK);
    services_request req = {.body = "A-1 paid 12.50", .body_len = 14, .verified = 1};
    services_call_begin(ctx);
    int rc = p->table->parse_webhook(st, ctx, &req, &err);
    services_call_end(ctx);
    if (rc != SL_OK)
        fail_msg("parse_webhook: %s", err.message);
    assert_string_equal(seen, "A-1/paid");
    p->table->channel_close(st);
    services_ctx_free(ctx);
    loader_free(p);
}

static int stub_open(const sl_host *h, sl_ctx *c, void **st, sl_error *e)
{
    (void)h, (void)c, (void)e;
    *st = NULL;
    return SL_OK;
}
static void stub_close(void *st)
{
    (void)st;
}
static int stub_parse(void *st, sl_ctx *c, const sl_request *r, sl_error *e)
{
    (void)st, (void)c, (void)r, (void)e;
    return SL_OK;
}
static int stub_verify(void *st, sl_ctx *c, const sl_request *r, int *ack, sl_error *e)
{
    (void)st, (void)c, (void)r, (void)e;
    *ack = 0;
    return SL_OK;
}

/* 1.4: verify_webhook is read only from a table that holds it, and only
   beside parse_webhook; testshop (built against today's header) has it,
   the 1.0 plugin's table ends before it. */
static void test_verify_webhook_slot(void **state)
{
    (void)state;
    sl_plugin t = {.size = sizeof t,
                   .abi_major = SL_ABI_MAJOR,
                   .abi_minor = SL_ABI_MINOR,
                   .name = "v",
                   .version = "1",
                   .caps = SL_CAP_WEBHOOK,
                   .channel_open = stub_open,
                   .channel_close = stub_close,
                   .parse_webhook = stub_parse,
                   .verify_webhook = stub_verify};
    sl_error err = {.size = sizeof err};
    assert_int_equal(loader_validate(&t, "v.so", &err), SL_OK);
    assert_true(loader_verify_webhook(&t) == stub_verify);
    t.caps = 0;
    t.parse_webhook = NULL;
    assert_int_equal(loader_validate(&t, "v.so", &err), SL_EINVALID);
    assert_string_equal(err.field, "verify_webhook");
    assert_non_null(strstr(err.message, "v.so: sets verify_webhook without parse_webhook"));
    t.size = offsetof(sl_plugin, verify_webhook); /* built against 1.3 */
    assert_null(loader_verify_webhook(&t));
    loaded_plugin *p = NULL;
    assert_int_equal(open_named("testshop", &p, &err), SL_OK);
    assert_non_null(loader_verify_webhook(p->table));
    loader_free(p);
    assert_int_equal(open_named("abi_v1_0", &p, &err), SL_OK);
    assert_null(loader_verify_webhook(p->table));
    loader_free(p);
}

static void test_refuses_wrong_major(void **state)
{
    (void)state;
    char want[64];
    snprintf(want, sizeof want, "ABI %d.%d, host speaks %d.%d", SL_ABI_MAJOR + 1, SL_ABI_MINOR,
             SL_ABI_MAJOR, SL_ABI_MINOR);
    refused("bad_wrong_major", SL_EUNSUPPORTED, want);
}

static void test_refuses_plugin_needing_newer_host(void **state)
{
    (void)state;
    char want[64];
    snprintf(want, sizeof want, "needs host ABI >= %d.%d", SL_ABI_MAJOR, SL_ABI_MINOR + 1);
    refused("bad_too_new", SL_EUNSUPPORTED, want);
}

static void test_refuses_caps_slots_mismatch(void **state)
{
    (void)state;
    refused("bad_caps_without_slot", SL_EINVALID, "declares capability push_stock");
    refused("bad_slot_without_cap", SL_EINVALID, "without declaring its capability");
}

static void test_refuses_missing_entry_and_small_table(void **state)
{
    (void)state;
    refused("bad_no_entry", SL_EINVALID, "no sl_plugin_entry symbol");
    refused("bad_small_table", SL_EINVALID, "smaller than the ABI 1.0 table");
}

static void test_refuses_missing_file_and_non_plugin(void **state)
{
    (void)state;
    loaded_plugin *p = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(loader_open("/nonexistent/x.so", &p, &err), SL_ENOTFOUND);
    assert_non_null(strstr(err.message, "/nonexistent/x.so"));
    char path[4096];
    snprintf(path, sizeof path, "%s/CMakeLists.txt", SL_SOURCE_DIR);
    assert_int_equal(loader_open(path, &p, &err), SL_EINVALID);
    assert_non_null(strstr(err.message, "not a loadable plugin"));
}

static void test_find_refuses_odd_names(void **state)
{
    (void)state;
    char buf[256];
    sl_error err = {.size = sizeof err};
    assert_int_equal(loader_find("/tmp", "../etc/x", buf, sizeof buf, &err), SL_EINVALID);
    assert_int_equal(loader_find(SL_TEST_PLUGIN_DIR, "testshop", buf, sizeof buf, &err), SL_OK);
    assert_int_equal(loader_find(SL_TEST_PLUGIN_DIR, "nosuch", buf, sizeof buf, &err),
                     SL_ENOTFOUND);
}

static void test_check_survives_crashing_plugin(void **state)
{
    (void)state;
    char path[4096];
    plugin_path("bad_crash_on_open", path, sizeof path);
    check_options opt = {.plugin_path = path, .timeout_s = 60};
    json_t *report = NULL;
    assert_int_equal(check_run(&opt, &report), 1);
    char *text = json_dumps(report, 0);
    assert_non_null(strstr(text, "crashed with signal"));
    assert_non_null(strstr(text, "channel_open"));
    free(text);
    json_decref(report);
}

static void test_check_passes_testshop(void **state)
{
    (void)state;
    char path[4096];
    plugin_path("testshop", path, sizeof path);
    check_options opt = {.plugin_path = path, .timeout_s = 60};
    json_t *report = NULL;
    int rc = check_run(&opt, &report);
    char *text = json_dumps(report, JSON_INDENT(1));
    if (rc != 0)
        fail_msg("check failed: %s", text);
    free(text);
    json_decref(report);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_current_plugin),
        cmocka_unit_test(test_accepts_plugin_built_against_abi_1_0),
        cmocka_unit_test(test_verify_webhook_slot),
        cmocka_unit_test(test_refuses_wrong_major),
        cmocka_unit_test(test_refuses_plugin_needing_newer_host),
        cmocka_unit_test(test_refuses_caps_slots_mismatch),
        cmocka_unit_test(test_refuses_missing_entry_and_small_table),
        cmocka_unit_test(test_refuses_missing_file_and_non_plugin),
        cmocka_unit_test(test_find_refuses_odd_names),
        cmocka_unit_test(test_check_survives_crashing_plugin),
        cmocka_unit_test(test_check_passes_testshop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
