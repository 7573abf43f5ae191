/*
 * config_load_dir_partial (serve's loader): a broken file becomes an entry
 * of `broken` with its first FILE:LINE error, its id and admin token, and
 * the files that load are the tenants; the checks across files refuse the
 * later file (an id used twice, a host-level listen given differently),
 * and strict config_load_dir refuses the same set.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static void one_broken_file_leaves_the_others(void **state)
{
    sl_test_dir *d = *state;
    sl_test_put(d, "a.ini", "[tenant]\nid = good\ncurrency = EUR\n", 0600);
    const char *pb = sl_test_put(d, "b.ini",
                                 "[tenant]\nid = bad\ncurrency = EUR\n"
                                 "admin_token = tok-bad-1234\ncolour = blue\n",
                                 0600);
    config_set *set = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(config_load_dir_partial(d->dir, &set, NULL, &err), SL_OK);
    assert_int_equal(set->count, 1);
    assert_string_equal(set->tenants[0].id, "good");
    assert_int_equal(set->broken_count, 1);
    assert_string_equal(set->broken[0].file, pb);
    assert_string_equal(set->broken[0].id, "bad");
    assert_string_equal(set->broken[0].admin_token, "tok-bad-1234");
    char want[512];
    snprintf(want, sizeof want, "%s:5: [tenant] colour:", pb);
    assert_memory_equal(set->broken[0].error, want, strlen(want));
    config_set_free(set);
}

static void listen_is_one_host_setting(void **state)
{
    sl_test_dir *d = *state;
    const char *pa = sl_test_put(
        d, "a.ini", "[tenant]\nid = one\ncurrency = EUR\nlisten = 127.0.0.1:8080\n", 0600);
    const char *pb = sl_test_put(
        d, "b.ini",
        "[tenant]\nid = two\ncurrency = EUR\ndatabase = var/two.db\nlisten = 0.0.0.0:9000\n", 0600);
    sl_test_put(d, "c.ini", "[tenant]\nid = three\ncurrency = EUR\nlisten = 127.0.0.1:8080\n",
                0600);
    config_set *set = NULL;
    char *report = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(config_load_dir(d->dir, &set, &report, &err), SL_EINVALID);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:5: [tenant] listen: '0.0.0.0:9000' differs from '127.0.0.1:8080' set at %s:4; "
             "listen is one setting of the whole host",
             pb, pa);
    assert_string_equal(err.message, want);
    assert_string_equal(err.field, "listen");
    free(report);
    assert_int_equal(config_load_dir_partial(d->dir, &set, NULL, &err), SL_OK);
    assert_int_equal(set->count, 2); /* one and three agree */
    assert_string_equal(set->tenants[1].id, "three");
    assert_int_equal(set->broken_count, 1);
    assert_string_equal(set->broken[0].id, "two");
    assert_string_equal(set->broken[0].error, want);
    config_set_free(set);
}

static void a_repeated_id_breaks_the_later_file(void **state)
{
    sl_test_dir *d = *state;
    sl_test_put(d, "a.ini", "[tenant]\nid = acme\ncurrency = EUR\n", 0600);
    sl_test_put(d, "b.ini", "[tenant]\ncurrency = EUR\nid = acme\ndatabase = var/b.db\n", 0600);
    config_set *set = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(config_load_dir_partial(d->dir, &set, NULL, &err), SL_OK);
    assert_int_equal(set->count, 1);
    assert_int_equal(set->broken_count, 1);
    assert_string_equal(set->broken[0].id, "acme");
    assert_non_null(strstr(set->broken[0].error, "b.ini:3: [tenant] id: 'acme' is already"));
    config_set_free(set);
}

static void an_unreadable_directory_fails(void **state)
{
    (void)state;
    config_set *set = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(config_load_dir_partial("/nonexistent/conf.d", &set, NULL, &err), SL_EINVALID);
    assert_null(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(one_broken_file_leaves_the_others, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(listen_is_one_host_setting, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(a_repeated_id_breaks_the_later_file, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test(an_unreadable_directory_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
