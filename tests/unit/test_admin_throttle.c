/*
 * The wrong-token throttle (host/server/admin_throttle.c), on a clock the
 * test hands in: 20 wrong tokens within 60 s block an address for 60 s,
 * other addresses are untouched, a new window starts the count again.
 */
#include "support.h"

#include "server/admin_throttle.h"

#define A 0x7f000001u /* 127.0.0.1 */
#define B 0x7f000002u

static void twenty_in_a_window_block_for_sixty_seconds(void **state)
{
    (void)state;
    admin_throttle t;
    admin_throttle_init(&t);
    assert_int_equal(admin_throttle_wrong(&t, A, 1000), ADMIN_THROTTLE_LOG_FIRST);
    for (int i = 2; i < 20; i++)
        assert_int_equal(admin_throttle_wrong(&t, A, 1000 + i), ADMIN_THROTTLE_QUIET);
    assert_int_equal(admin_throttle_wait_s(&t, A, 1019), 0);
    /* the 20th at t=1020 ms: blocked until 61020 ms */
    assert_int_equal(admin_throttle_wrong(&t, A, 1020), ADMIN_THROTTLE_LOG_BLOCK);
    assert_int_equal(admin_throttle_wait_s(&t, A, 1020), 60);
    assert_int_equal(admin_throttle_wait_s(&t, A, 60020), 1); /* 1000 ms left */
    assert_int_equal(admin_throttle_wait_s(&t, A, 60021), 1); /* 999 ms: rounded up */
    assert_int_equal(admin_throttle_wait_s(&t, A, 61020), 0);
    assert_int_equal(admin_throttle_wait_s(&t, B, 1020), 0);
    admin_throttle_destroy(&t);
}

static void a_new_window_counts_again(void **state)
{
    (void)state;
    admin_throttle t;
    admin_throttle_init(&t);
    for (int i = 0; i < 19; i++)
        admin_throttle_wrong(&t, A, 0);
    /* 60 s after the window began, a new one starts: 19 old ones forgotten */
    assert_int_equal(admin_throttle_wrong(&t, A, 60000), ADMIN_THROTTLE_LOG_FIRST);
    assert_int_equal(admin_throttle_wait_s(&t, A, 60000), 0);
    admin_throttle_destroy(&t);
}

static void many_addresses_never_grow_the_table(void **state)
{
    (void)state;
    admin_throttle t;
    admin_throttle_init(&t);
    for (int i = 0; i < 20; i++)
        admin_throttle_wrong(&t, A, 0);
    /* 1000 other addresses, one wrong token each: A's block stays */
    for (uint32_t x = 1; x <= 1000; x++)
        admin_throttle_wrong(&t, 0x0a000000u + x, 10 + x);
    assert_int_equal(admin_throttle_wait_s(&t, A, 2000), 58);
    admin_throttle_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(twenty_in_a_window_block_for_sixty_seconds),
        cmocka_unit_test(a_new_window_counts_again),
        cmocka_unit_test(many_addresses_never_grow_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
