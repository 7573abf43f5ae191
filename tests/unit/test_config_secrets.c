/*
 * Secrets in tenant files: a secret file others can read is refused with
 * its name and mode; a private one is read (relative to the INI file);
 * inline secrets need a private INI file; *_env reads the environment and
 * an unset variable leaves the secret missing, not an error. Secrets never
 * land in `settings`.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"

static const char *HEAD = "[tenant]\nid = acme\ncurrency = EUR\n"
                          "[channel:woo]\nplugin = woocommerce\nprocess_when = processing\n";

/* Writes HEAD + extra as tenant.ini with `mode` and loads it. */
static int load(sl_test_dir *d, const char *extra, mode_t mode, config_tenant **t, char **report)
{
    char text[1024];
    snprintf(text, sizeof text, "%s%s", HEAD, extra);
    const char *path = sl_test_put(d, "tenant.ini", text, mode);
    sl_error err = {.size = sizeof err};
    *t = NULL;
    return config_load_file_report(path, t, report, &err);
}

static void world_readable_secret_file_is_refused(void **state)
{
    sl_test_dir *d = *state;
    const char *secret = sl_test_put(d, "woo.secret", "cs_topsecret\n", 0644);
    config_tenant *t = NULL;
    char *report = NULL;
    assert_int_equal(load(d, "secret_file = woo.secret\n", 0600, &t, &report), SL_EINVALID);
    assert_null(t);
    assert_non_null(strstr(report, ":7: [channel:woo] secret_file: secret file '"));
    assert_non_null(strstr(report, secret));
    assert_non_null(strstr(report, "mode 0644"));
    assert_null(strstr(report, "cs_topsecret")); /* never the value */
    free(report);

    sl_error err = {.size = sizeof err};
    char *value = NULL;
    assert_int_equal(chmod(secret, 0640), 0);
    assert_int_equal(config_read_secret_file(secret, &value, &err), SL_EAUTH);
    assert_null(value);
    assert_non_null(strstr(err.message, "mode 0640"));
}

static void private_secret_file_is_read_relative_to_ini(void **state)
{
    sl_test_dir *d = *state;
    sl_test_put(d, "woo.secret", "cs_topsecret\r\n", 0600);
    config_tenant *t = NULL;
    char *report = NULL;
    assert_int_equal(load(d, "secret_file = woo.secret\n", 0644, &t, &report), SL_OK);
    assert_null(report);
    const config_channel *ch = config_find_channel(t, "woo");
    assert_string_equal(config_channel_secret(ch, "secret"), "cs_topsecret");
    assert_null(config_channel_get(ch, "secret_file"));
    assert_null(config_channel_get(ch, "secret"));
    config_tenant_free(t);
}

static void missing_or_empty_secret_file_is_an_error(void **state)
{
    sl_test_dir *d = *state;
    config_tenant *t = NULL;
    char *report = NULL;
    assert_int_equal(load(d, "webhook_secret_file = nope\n", 0600, &t, &report), SL_EINVALID);
    assert_non_null(strstr(report, "[channel:woo] webhook_secret_file: cannot open"));
    free(report);
    sl_test_put(d, "empty", "\n", 0600);
    assert_int_equal(load(d, "webhook_secret_file = empty\n", 0600, &t, &report), SL_EINVALID);
    assert_non_null(strstr(report, "is empty"));
    free(report);
}

static void inline_secret_needs_private_ini(void **state)
{
    sl_test_dir *d = *state;
    config_tenant *t = NULL;
    char *report = NULL;
    assert_int_equal(load(d, "webhook_secret = whsec_1_for_tests\n", 0644, &t, &report),
                     SL_EINVALID);
    assert_non_null(strstr(report, ":7: [channel:woo] webhook_secret: an inline secret needs "
                                   "a private INI file"));
    assert_non_null(strstr(report, "mode 0644"));
    assert_null(strstr(report, "whsec_1_for_tests"));
    free(report);
    assert_int_equal(
        load(d, "webhook_secret = whsec_1_for_tests\nintake = webhook\n", 0600, &t, &report),
        SL_OK);
    const config_channel *ch = config_find_channel(t, "woo");
    assert_string_equal(config_channel_secret(ch, "webhook_secret"), "whsec_1_for_tests");
    assert_null(config_channel_get(ch, "webhook_secret"));
    assert_true(t->ini_private);
    config_tenant_free(t);
}

static void env_secret_set_and_unset(void **state)
{
    sl_test_dir *d = *state;
    config_tenant *t = NULL;
    char *report = NULL;
    assert_int_equal(setenv("SL_TEST_WOO_SECRET", "from-env-secret", 1), 0);
    unsetenv("SL_TEST_UNSET_VAR");
    assert_int_equal(load(d,
                          "secret_env = SL_TEST_WOO_SECRET\n"
                          "api_password_env = SL_TEST_UNSET_VAR\n",
                          0644, &t, &report),
                     SL_OK);
    const config_channel *ch = config_find_channel(t, "woo");
    assert_string_equal(config_channel_secret(ch, "secret"), "from-env-secret");
    assert_int_equal(ch->secret_count, 2);
    assert_null(config_channel_secret(ch, "api_password")); /* missing */
    assert_null(config_channel_get(ch, "secret_env"));
    config_tenant_free(t);
    unsetenv("SL_TEST_WOO_SECRET");
}

static void one_secret_from_two_sources_is_refused(void **state)
{
    sl_test_dir *d = *state;
    config_tenant *t = NULL;
    char *report = NULL;
    assert_int_equal(load(d, "secret_env = A\nsecret_env2 = B\nsecret = x\n", 0600, &t, &report),
                     SL_EINVALID);
    assert_non_null(strstr(report, ":9: [channel:woo] secret: secret 'secret' already given "
                                   "at line 7"));
    free(report);
}

static void webhook_intake_needs_a_webhook_secret(void **state)
{
    sl_test_dir *d = *state;
    config_tenant *t = NULL;
    char *report = NULL;
    assert_int_equal(load(d, "intake = webhook, poll\n", 0600, &t, &report), SL_EINVALID);
    assert_non_null(strstr(report, ":7: [channel:woo] intake: webhook intake needs"));
    free(report);
}

static void admin_token_from_file(void **state)
{
    sl_test_dir *d = *state;
    sl_test_put(d, "admin.token", "tok-123\n", 0600);
    char text[256];
    snprintf(text, sizeof text,
             "[tenant]\nid = a\ncurrency = EUR\nadmin_token_file = %s/admin.token\n", d->dir);
    const char *path = sl_test_put(d, "a.ini", text, 0644);
    config_tenant *t = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(config_load_file(path, &t, &err), SL_OK);
    assert_string_equal(t->admin_token, "tok-123");
    assert_int_equal(t->admin_token_line, 4);
    config_tenant_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(world_readable_secret_file_is_refused, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(private_secret_file_is_read_relative_to_ini,
                                        sl_test_dir_setup, sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(missing_or_empty_secret_file_is_an_error, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(inline_secret_needs_private_ini, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(env_secret_set_and_unset, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(one_secret_from_two_sources_is_refused, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(webhook_intake_needs_a_webhook_secret, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(admin_token_from_file, sl_test_dir_setup,
                                        sl_test_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
