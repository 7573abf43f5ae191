/*
 * The headers a logged delivery keeps (host/intake/intake_headers.c), and
 * that they read back (intake_request) as the plugin saw them.
 */
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "intake/intake.h"

#define H(n, v) ((services_request_header){(n), (v)})

/* Encodes, reads back, and returns the value named `name` as read. */
static const char *read_back(json_t **keep, const char *text, const char *name, size_t *count)
{
    services_request_header items[16];
    services_request req;
    *keep = intake_request(text, "", 0, 0, items, 16, &req);
    assert_non_null(*keep);
    *count = req.header_count;
    for (size_t i = 0; i < req.header_count; i++)
        if (strcmp(req.headers[i].name, name) == 0)
            return req.headers[i].value;
    return NULL;
}

static void test_values_read_back_as_sent(void **state)
{
    (void)state;
    services_request_header in[] = {
        H("X-WC-Webhook-Topic", "order.updated"),
        H("X-Note", "a \"quoted\" back\\slash\ttab \x01 and \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85"),
    };
    char *text = intake_headers_json(in, 2);
    assert_non_null(text);
    json_t *j;
    size_t n;
    assert_string_equal(read_back(&j, text, "X-Note", &n), in[1].value);
    assert_int_equal(n, 2);
    json_decref(j);
    /* Arrival order, no spaces: what the log and inbox_failed store. */
    assert_int_equal(strncmp(text, "{\"X-WC-Webhook-Topic\":\"order.updated\",\"X-Note\":", 47), 0);
    free(text);
}

static void test_credentials_and_non_utf8_are_dropped(void **state)
{
    (void)state;
    services_request_header in[] = {
        H("Authorization", "Basic c2VjcmV0"),
        H("cookie", "s=1"),
        H("Proxy-Authorization", "x"),
        H("X-Bad", "caf\xe9"),
        H("X-Good", "yes"),
    };
    char *text = intake_headers_json(in, 5);
    assert_string_equal(text, "{\"X-Good\":\"yes\"}");
    free(text);
}

static void test_first_of_a_repeated_name_is_kept(void **state)
{
    (void)state;
    services_request_header in[] = {
        H("X-WC-Webhook-Topic", "order.created"),
        H("x-wc-webhook-topic", "order.deleted"),
    };
    char *text = intake_headers_json(in, 2);
    assert_string_equal(text, "{\"X-WC-Webhook-Topic\":\"order.created\"}");
    free(text);
}

static void test_no_headers_is_an_empty_object(void **state)
{
    (void)state;
    char *text = intake_headers_json(NULL, 0);
    assert_string_equal(text, "{}");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_read_back_as_sent),
        cmocka_unit_test(test_credentials_and_non_utf8_are_dropped),
        cmocka_unit_test(test_first_of_a_repeated_name_is_kept),
        cmocka_unit_test(test_no_headers_is_an_empty_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
