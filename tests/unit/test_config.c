/*
 * Tenant INI files: every error names FILE:LINE, [section] and key; all
 * errors of a file are reported in one pass; defaults, maps and account
 * roles read back as documented in config.h.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"

static const char *BASE = "[tenant]\n"
                          "id = acme\n"
                          "currency = EUR\n";

static const char *CHANNEL = "[channel:woo]\n"
                             "plugin = woocommerce\n"
                             "process_when = processing, completed\n";

/* Joins up to three pieces of INI text. */
static char *cat3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* Loads text as one file expected to fail; checks the first message is
   "PATH:LINE: [section] key: ..." and that `field` is named. Returns the
   report (caller frees). */
static char *expect_error(sl_test_dir *d, const char *text, int line, const char *section,
                          const char *field, const char *what)
{
    const char *path = sl_test_put(d, "t.ini", text, 0600);
    config_tenant *t = NULL;
    char *report = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(config_load_file_report(path, &t, &report, &err), SL_EINVALID);
    assert_null(t);
    assert_non_null(report);
    char want[512];
    if (field[0])
        snprintf(want, sizeof want, "%s:%d: [%s] %s: %s", path, line, section, field, what);
    else if (section[0])
        snprintf(want, sizeof want, "%s:%d: [%s]: %s", path, line, section, what);
    else
        snprintf(want, sizeof want, "%s:%d: %s", path, line, what);
    if (strstr(report, want) == NULL)
        fail_msg("wanted '%s' in report:\n%s", want, report);
    assert_string_equal(err.field, field);
    return report;
}

static size_t lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static config_tenant *load_ok(sl_test_dir *d, const char *text)
{
    const char *path = sl_test_put(d, "ok.ini", text, 0600);
    config_tenant *t = NULL;
    char *report = NULL;
    sl_error err = {.size = sizeof err};
    int rc = config_load_file_report(path, &t, &report, &err);
    if (rc != SL_OK)
        fail_msg("load failed: %s", report ? report : err.message);
    free(report);
    return t;
}

static void unknown_key_names_file_line_and_key(void **state)
{
    char *text = cat3(BASE, "colour = blue\n", CHANNEL);
    free(expect_error(*state, text, 4, "tenant", "colour", "unknown key"));
    free(text);
}

static void unknown_section_is_an_error(void **state)
{
    char *text = cat3(BASE, CHANNEL, "[shop]\nurl = x\n");
    char *r = expect_error(*state, text, 7, "shop", "", "unknown section");
    assert_int_equal(lines(r), 1); /* its keys are skipped, not reported */
    free(r);
    free(text);
}

static void bad_boolean_names_key(void **state)
{
    char *text = cat3(BASE, CHANNEL, "approve = maybe\n");
    free(expect_error(*state, text, 7, "channel:woo", "approve", "not a boolean"));
    free(text);
}

static void bad_duration_and_range(void **state)
{
    char *text = cat3(BASE, CHANNEL, "poll_every = 5 minutes\n");
    free(expect_error(*state, text, 7, "channel:woo", "poll_every", "not a duration"));
    free(text);
    text = cat3(BASE, CHANNEL, "poll_every = 10s\n");
    free(expect_error(*state, text, 7, "channel:woo", "poll_every", "must be between 30s and 24h"));
    free(text);
    /* the durations scheduled work reads later are checked at their line too */
    text = cat3(BASE, CHANNEL, "reverse_after = 15 minutes\n");
    free(expect_error(*state, text, 7, "channel:woo", "reverse_after", "not a duration"));
    free(text);
    text = cat3(BASE, CHANNEL, "verify_deadline = 30d\n");
    free(expect_error(*state, text, 7, "channel:woo", "verify_deadline", "must be at most 7d"));
    free(text);
    text = cat3(BASE, CHANNEL, "track_every = 2h\nrecover_every = 1m\n");
    config_tenant *t = load_ok(*state, text);
    config_tenant_free(t);
    free(text);
}

/* [intake] keep_deliveries: 90 days unless given; a duration with a
   unit, 1d..3650d; a bad value names the key at its FILE:LINE. */
static void keep_deliveries_is_a_bounded_duration(void **state)
{
    char *text = cat3(BASE, CHANNEL, "");
    config_tenant *t = load_ok(*state, text);
    assert_int_equal(t->keep_deliveries_s, 90LL * 86400);
    assert_int_equal(t->keep_deliveries_line, 0);
    config_tenant_free(t);
    free(text);
    text = cat3(BASE, CHANNEL, "[intake]\nkeep_deliveries = 30d\n");
    t = load_ok(*state, text);
    assert_int_equal(t->keep_deliveries_s, 30LL * 86400);
    assert_int_equal(t->keep_deliveries_line, 8);
    config_tenant_free(t);
    free(text);
    static const char *const bad[][2] = {
        {"keep_deliveries = 90\n", "not a duration"},
        {"keep_deliveries = 90 days\n", "not a duration"},
        {"keep_deliveries = 12h\n", "must be between 1d and 3650d"},
        {"keep_deliveries = 3651d\n", "must be between 1d and 3650d"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        text = cat3(BASE, "[intake]\n", bad[i][0]);
        free(expect_error(*state, text, 5, "intake", "keep_deliveries", bad[i][1]));
        free(text);
    }
    text = cat3(BASE, "[intake]\n", "keep = 1d\n");
    free(expect_error(*state, text, 5, "intake", "keep", "unknown key (known: keep_deliveries)"));
    free(text);
}

static void start_date_and_history_are_checked(void **state)
{
    static const char *const bad[][3] = {
        {"start_date = 2026-13-01\n", "start_date", "must be a date, YYYY-MM-DD"},
        {"start_date = 1.12.2026\n", "start_date", "must be a date, YYYY-MM-DD"},
        {"start_date = 2026-+1-01\n", "start_date", "must be a date, YYYY-MM-DD"},
        {"start_date = 2026-02-30\n", "start_date", "is not a day of the calendar"},
        {"history = all\n", "history", "must be import or skip"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *text = cat3(BASE, CHANNEL, bad[i][0]);
        free(expect_error(*state, text, 7, "channel:woo", bad[i][1], bad[i][2]));
        free(text);
    }
}

static void duplicate_key_points_at_first(void **state)
{
    char *text = cat3(BASE, CHANNEL, "document = invoice\ndocument = receipt\n");
    free(expect_error(*state, text, 8, "channel:woo", "document",
                      "duplicate key (first set at line 7)"));
    free(text);
}

static void over_long_line_is_refused_not_cut(void **state)
{
    char line[260];
    memset(line, 'x', sizeof line);
    memcpy(line, "url = ", 6);
    memcpy(line + 250, "\n", 2); /* 250 bytes before the newline */
    char *text = cat3(BASE, CHANNEL, line);
    char *r = expect_error(*state, text, 7, "", "", "line is 250 bytes long");
    /* inih never saw the line, so its tail is no second error */
    assert_int_equal(lines(r), 1);
    free(r);
    free(text);
}

static void longest_allowed_line_is_kept_whole(void **state)
{
    char line[CONFIG_MAX_LINE + 2];
    memset(line, 'y', sizeof line);
    memcpy(line, "url = ", 6);
    line[CONFIG_MAX_LINE] = '\n';
    line[CONFIG_MAX_LINE + 1] = '\0';
    char *text = cat3(BASE, CHANNEL, line);
    config_tenant *t = load_ok(*state, text);
    const char *url = config_channel_get(config_find_channel(t, "woo"), "url");
    assert_non_null(url);
    assert_int_equal(strlen(url), CONFIG_MAX_LINE - 6);
    config_tenant_free(t);
    free(text);
}

static void size_and_count_limits(void **state)
{
    sl_test_dir *d = *state;
    size_t big = CONFIG_MAX_FILE_BYTES + 1;
    char *text = malloc(big + 1);
    assert_non_null(text);
    memset(text, ';', big);
    text[big] = '\0';
    free(expect_error(d, text, 1, "", "", "file is 1048577 bytes; the limit is 1048576"));
    free(text);
    size_t cap = 4096 + (CONFIG_MAX_CHANNELS + 1) * 80;
    text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "%s", BASE);
    for (int i = 0; i <= CONFIG_MAX_CHANNELS; i++)
        n +=
            (size_t)snprintf(text + n, cap - n, "[channel:c%d]\nplugin = p\nprocess_when = x\n", i);
    char *r = expect_error(d, text, 4 + 3 * CONFIG_MAX_CHANNELS, "channel:c32", "",
                           "more than 32 channels");
    assert_int_equal(lines(r), 1);
    free(r);
    free(text);
}

static void missing_plugin_points_at_section(void **state)
{
    char *text = cat3(BASE, "[channel:shop]\nprocess_when = paid\n", "");
    free(expect_error(*state, text, 4, "channel:shop", "plugin", "missing"));
    free(text);
}

static void indented_line_is_not_a_continuation(void **state)
{
    char *text = cat3(BASE, CHANNEL, "  approve = yes\n");
    free(expect_error(*state, text, 7, "channel:woo", "", "indented line"));
    free(text);
}

static void every_error_of_a_file_is_reported(void **state)
{
    char *text = cat3("[tenant]\nid = Bad Id\ncurrency = XYZ\nvat_registered = perhaps\n",
                      "[channel:woo]\nplugin = woocommerce\nprocess_when = paid\n",
                      "series = lower\nstock_sync = daily 24:00\nrounding_tolerance = -1\n"
                      "Odd-Key = 1\n[channel:woo.colours]\nnoequals\n");
    char *r = expect_error(*state, text, 2, "tenant", "id", "must match");
    assert_non_null(strstr(r, ":3: [tenant] currency: unknown currency code 'XYZ'"));
    assert_non_null(strstr(r, ":4: [tenant] vat_registered:"));
    assert_non_null(strstr(r, ":8: [channel:woo] series:"));
    assert_non_null(strstr(r, ":9: [channel:woo] stock_sync:"));
    assert_non_null(strstr(r, ":10: [channel:woo] rounding_tolerance:"));
    assert_non_null(strstr(r, ":11: [channel:woo] Odd-Key:"));
    assert_non_null(strstr(r, ":12: [channel:woo.colours]: unknown map"));
    assert_non_null(strstr(r, ":13: [channel:woo.colours]: expected 'key = value'"));
    /* a refused value is not reported again as missing */
    assert_null(strstr(r, "id: missing"));
    assert_int_equal(lines(r), 9);
    free(r);
    free(text);
}

static void duplicate_tenant_id_across_files(void **state)
{
    sl_test_dir *d = *state;
    char *a = cat3(BASE, CHANNEL, "");
    char *b = cat3("[tenant]\ncurrency = EUR\nid = acme\ndatabase = var/other.db\n", "", "");
    sl_test_put(d, "a.ini", a, 0600);
    const char *pb = sl_test_put(d, "b.ini", b, 0600);
    sl_test_put(d, "notes.txt", "not a tenant", 0600);
    config_set *set = NULL;
    char *report = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(config_load_dir(d->dir, &set, &report, &err), SL_EINVALID);
    assert_null(set);
    char want[256];
    snprintf(want, sizeof want, "%s:3: [tenant] id: 'acme' is already the id", pb);
    assert_non_null(strstr(report, want));
    assert_string_equal(err.field, "id");
    free(report);
    free(a);
    free(b);
}

static void directory_loads_in_name_order(void **state)
{
    sl_test_dir *d = *state;
    char *a = cat3("[tenant]\nid = zeta\ncurrency = HUF\ncurrency_exponent = 0\n", "", "");
    sl_test_put(d, "b.ini", a, 0600);
    sl_test_put(d, "a.ini", BASE, 0600);
    config_set *set = NULL;
    char *report = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(config_load_dir(d->dir, &set, &report, &err), SL_OK);
    assert_null(report);
    assert_int_equal(set->count, 2);
    assert_string_equal(set->tenants[0].id, "acme");
    assert_int_equal(set->tenants[0].currency_exponent, 2);
    const config_tenant *z = config_find_tenant(set, "zeta");
    assert_non_null(z);
    assert_int_equal(z->currency_exponent, 0); /* override of HUF 2 */
    assert_string_equal(z->database, "var/zeta.db");
    assert_null(config_find_tenant(set, "nobody"));
    config_set_free(set);
    free(a);
}

static void accounts_default_and_override(void **state)
{
    char *text = cat3(BASE, "[accounts]\nrevenue = 6111\ncash = 2620.EUR\n", "");
    config_tenant *t = load_ok(*state, text);
    assert_string_equal(config_account(t, "revenue"), "6111");
    assert_string_equal(config_account(t, "cash"), "2620.EUR");
    assert_string_equal(config_account(t, "receivable"), "2310");
    assert_string_equal(config_account(t, "cogs"), "7110");
    assert_string_equal(config_account(t, "no_such_role"), "");
    config_tenant_free(t);
    free(text);
    text = cat3(BASE, "[accounts]\nteller = 1\n", "");
    free(expect_error(*state, text, 5, "accounts", "teller", "unknown account role"));
    free(text);
}

static void channel_defaults_maps_and_settings(void **state)
{
    char *text = cat3(BASE, CHANNEL,
                      "url = http://127.0.0.1:8081/?a=1;b=2\nconsumer = ck_1 ; comment\n"
                      "[warehouse:north]\nname = North\n"
                      "[channel:woo.taxes]\nstandard = VAT21\nreduced-rate = VAT12\n"
                      "[channel:second_shop]\nplugin = unas\nprocess_when = paid\n"
                      "warehouse = north\ndocument = order\nintake = poll\n");
    config_tenant *t = load_ok(*state, text);
    const config_channel *ch = config_find_channel(t, "woo");
    assert_non_null(ch);
    assert_string_equal(ch->series, "WOO");
    assert_string_equal(ch->warehouse, "main");
    assert_string_equal(ch->stock_sync, "manual");
    assert_int_equal(ch->stock_sync_minute, -1);
    assert_int_equal(ch->document, CONFIG_DOC_INVOICE);
    assert_true(ch->intake_poll);
    assert_false(ch->intake_webhook);
    assert_int_equal(ch->poll_every_s, 300);
    assert_true(ch->add_payment);
    assert_false(ch->approve);
    assert_true(config_channel_processes(ch, "completed"));
    assert_false(config_channel_processes(ch, "pending"));
    assert_string_equal(config_channel_get(ch, "url"), "http://127.0.0.1:8081/?a=1;b=2");
    assert_string_equal(config_channel_get(ch, "consumer"), "ck_1");
    assert_string_equal(config_channel_get(ch, "plugin"), "woocommerce");
    assert_string_equal(config_channel_map(ch, "taxes", "reduced-rate"), "VAT12");
    assert_null(config_channel_map(ch, "taxes", "zero-rate"));
    assert_null(config_channel_map(ch, "payments", "bacs"));
    const config_channel *two = config_find_channel(t, "second_shop");
    assert_non_null(two);
    assert_string_equal(two->series, "SECOND-SHOP");
    assert_string_equal(two->warehouse, "north");
    assert_int_equal(two->document, CONFIG_DOC_ORDER);
    assert_true(config_has_warehouse(t, "north"));
    assert_string_equal(t->timezone, "UTC");
    assert_null(config_find_channel(t, "none"));
    config_tenant_free(t);
    free(text);
}

static void undeclared_warehouse_is_refused(void **state)
{
    char *text = cat3(BASE, CHANNEL, "warehouse = south\n");
    free(expect_error(*state, text, 7, "channel:woo", "warehouse", "no [warehouse:south]"));
    free(text);
}

static void shipped_example_is_valid(void **state)
{
    (void)state;
    config_tenant *t = NULL;
    sl_error err = {.size = sizeof err};
    int rc = config_load_file(SL_SOURCE_DIR "/conf.d/example.ini", &t, &err);
    if (rc != SL_OK)
        fail_msg("example.ini: %s", err.message);
    const config_channel *ch = config_find_channel(t, "woo");
    assert_non_null(ch);
    assert_true(ch->intake_webhook && ch->intake_poll);
    assert_int_equal(ch->stock_sync_minute, 6 * 60);
    assert_string_equal(config_channel_map(ch, "payments", "bacs"), "bank:2620");
    assert_string_equal(ch->start_date, "2026-12-01");
    assert_int_equal(ch->history_import, 0);
    config_tenant_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(unknown_key_names_file_line_and_key, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(unknown_section_is_an_error, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(bad_boolean_names_key, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(start_date_and_history_are_checked, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(bad_duration_and_range, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(keep_deliveries_is_a_bounded_duration, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(duplicate_key_points_at_first, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(over_long_line_is_refused_not_cut, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(longest_allowed_line_is_kept_whole, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(size_and_count_limits, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(missing_plugin_points_at_section, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(indented_line_is_not_a_continuation, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(every_error_of_a_file_is_reported, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(duplicate_tenant_id_across_files, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(directory_loads_in_name_order, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(accounts_default_and_override, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(channel_defaults_maps_and_settings, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(undeclared_warehouse_is_refused, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test(shipped_example_is_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
