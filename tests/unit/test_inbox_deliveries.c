/*
 * The deliveries log (inbox/inbox_deliveries.c): a delivery reads back
 * verbatim, bytes and headers, with its size recorded; a parse's mark
 * changes the state and leaves the bytes alone; and a database of schema
 * 9, which kept the bytes in the state row, keeps every delivery when
 * migration 10 moves them to inbox_delivery_bodies.
 */
#include "support.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "store/store.h"

#define OK(call) assert_int_equal((call), SL_OK)
#define HEADERS "{\"X-Topic\":\"order.created\",\"X-Note\":\"caf\xc3\xa9\"}"
/* A body with a NUL byte and bytes that are not UTF-8: kept as sent. */
static const char BODY[] = "{\"id\":7}\0\xff\xfe tail";

/* The test's database, in its scratch directory (sl_test_dir_setup). */
static const char *db_path(void **state, char *buf, size_t len)
{
    const sl_test_dir *d = *state;
    snprintf(buf, len, "%s/t.db", d->dir);
    return buf;
}

/* Reads every delivery of the log and checks the one there is. */
static void assert_one_verbatim(store *s, const char *state)
{
    sl_error err = {.size = sizeof err};
    inbox_delivery_row *rows = NULL;
    int n = 0;
    OK(inbox_deliveries_page(s, NULL, 0, NULL, 0, 10, &rows, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].channel, "shop");
    assert_string_equal(rows[0].state, state);
    assert_string_equal(rows[0].headers, HEADERS);
    assert_int_equal(rows[0].body_len, sizeof BODY - 1);
    assert_memory_equal(rows[0].body, BODY, sizeof BODY - 1);
    inbox_delivery_rows_free(rows, n);
}

static int64_t recorded_bytes(store *s)
{
    int64_t bytes = -1;
    int is_null = 0;
    sl_error err = {.size = sizeof err};
    OK(store_query_int64(s, "SELECT bytes FROM inbox_deliveries", &bytes, &is_null, &err));
    return bytes;
}

static void delivery_reads_back_and_mark_keeps_the_bytes(void **state)
{
    char path[96];
    store *s = NULL;
    sl_error err = {.size = sizeof err};
    OK(store_open(db_path(state, path, sizeof path), &s, &err));
    int64_t id = 0;
    OK(store_begin(s, &err));
    OK(inbox_delivery_append(s, "shop", HEADERS, BODY, sizeof BODY - 1, 1000, &id, &err));
    OK(store_commit(s, &err));
    assert_true(id > 0);
    assert_one_verbatim(s, "new");
    assert_int_equal(recorded_bytes(s), (int64_t)(sizeof BODY - 1 + strlen(HEADERS)));
    OK(store_begin(s, &err));
    OK(inbox_delivery_mark(s, id, "parsed", 1, NULL, 2000, &err));
    OK(store_commit(s, &err));
    assert_one_verbatim(s, "parsed");
    int64_t waiting = -1;
    OK(inbox_deliveries_waiting(s, &waiting, &err));
    assert_int_equal(waiting, 0);
    store_close(s);
}

/* Writes a database of schema 9 holding one delivery, as that schema
   stored it (bytes in the state row). */
static void write_version_9(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (size_t v = 1; v <= 9; v++)
        if (sqlite3_exec(db, store_migrations[v - 1]->sql, NULL, NULL, NULL) != SQLITE_OK)
            fail_msg("migration %zu: %s", v, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 9", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO inbox_deliveries(channel, received_ms, "
                                        "headers, body, state, orders, reason, parsed_ms) "
                                        "VALUES('shop', 1000, ?1, ?2, 'new', 0, '', 0)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, HEADERS, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, BODY, (int)sizeof BODY - 1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void migration_10_keeps_every_delivery(void **state)
{
    char path[96];
    write_version_9(db_path(state, path, sizeof path));
    store *s = NULL;
    sl_error err = {.size = sizeof err};
    OK(store_open(path, &s, &err));
    assert_true(store_schema_version(s) >= 10);
    assert_one_verbatim(s, "new");
    /* In bytes, not characters: the header's é is two. */
    assert_int_equal(recorded_bytes(s), (int64_t)(sizeof BODY - 1 + strlen(HEADERS)));
    int64_t waiting = -1;
    OK(inbox_deliveries_waiting(s, &waiting, &err));
    assert_int_equal(waiting, 1);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(delivery_reads_back_and_mark_keeps_the_bytes,
                                        sl_test_dir_setup, sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(migration_10_keeps_every_delivery, sl_test_dir_setup,
                                        sl_test_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
