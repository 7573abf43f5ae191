/*
 * The tenant store: pragmas at open, migrations applied once and never
 * again, a database from a newer binary refused, the statement cache, the
 * transaction words and the per-channel key/value state.
 */
#include "support.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shopledger/sdkutil.h"
#include "store/store.h"

typedef struct fixture {
    char dir[64];
    char path[96];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    if (sl_test_mkdtemp(f->dir, sizeof f->dir, "store") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sl_test_rmtree(f->dir);
    free(f);
    return 0;
}

static int64_t query_int(store *s, const char *sql)
{
    sqlite3_stmt *st = store_stmt(s, sql, NULL);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}

static void open_sets_pragmas_and_migrates(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    assert_int_equal(store_open(f->path, &s, &err), SL_OK);
    assert_int_equal(store_schema_version(s), store_known_version());
    assert_int_equal(query_int(s, "PRAGMA foreign_keys"), 1);
    assert_int_equal(query_int(s, "PRAGMA synchronous"), 2); /* FULL */
    assert_int_equal(query_int(s, "PRAGMA temp_store"), 2);  /* MEMORY */
    assert_int_equal(query_int(s, "SELECT count(*) FROM sqlite_schema "
                                  "WHERE name IN ('inbox_items','outbox')"),
                     2);
    store_close(s);
}

typedef struct lock_holder {
    store *s;
    int held_ms;
} lock_holder;

static void *release_later(void *arg)
{
    lock_holder *h = arg;
    usleep((useconds_t)h->held_ms * 1000);
    sl_error err = {.size = sizeof err};
    store_commit(h->s, &err);
    return NULL;
}

/* A write meeting another connection's write lock waits for it instead
   of failing with SQLITE_BUSY. */
static void write_waits_for_another_connections_lock(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *a = NULL, *b = NULL;
    assert_int_equal(store_open(f->path, &a, &err), SL_OK);
    assert_int_equal(store_open(f->path, &b, &err), SL_OK);
    assert_int_equal(store_begin(b, &err), SL_OK); /* BEGIN IMMEDIATE: holds the lock */
    assert_int_equal(store_kv_put(b, "woo", "held", "1", &err), SL_OK);
    lock_holder h = {.s = b, .held_ms = 100};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, release_later, &h), 0);
    assert_int_equal(store_kv_put(a, "woo", "waited", "1", &err), SL_OK);
    pthread_join(t, NULL);
    char *v = NULL;
    assert_int_equal(store_kv_get(a, "woo", "held", &v, &err), SL_OK);
    assert_string_equal(v, "1");
    free(v);
    store_close(b);
    store_close(a);
}

static void fast_flag_uses_normal_sync(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    assert_int_equal(store_open_ex(f->path, STORE_OPEN_FAST, &s, &err), SL_OK);
    assert_int_equal(query_int(s, "PRAGMA synchronous"), 1); /* NORMAL */
    store_close(s);
}

static void reopen_is_idempotent(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    assert_int_equal(store_open(f->path, &s, &err), SL_OK);
    assert_int_equal(store_kv_put(s, "woo", "token", "abc", &err), SL_OK);
    store_close(s);
    /* A second open finds the schema current and keeps the data. */
    assert_int_equal(store_open(f->path, &s, &err), SL_OK);
    assert_int_equal(store_schema_version(s), store_known_version());
    char *v = NULL;
    assert_int_equal(store_kv_get(s, "woo", "token", &v, &err), SL_OK);
    assert_string_equal(v, "abc");
    free(v);
    store_close(s);
}

static void newer_database_is_refused(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    assert_int_equal(store_open(f->path, &s, &err), SL_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_known_version() + 1);
    assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
    store_close(s);
    s = NULL;
    assert_int_equal(store_open(f->path, &s, &err), SL_ECONFLICT);
    assert_null(s);
    assert_string_equal(err.field, "schema_version");
    assert_non_null(strstr(err.message, "upgrade shopledger"));
}

static void unopenable_path_is_an_error(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    assert_int_equal(store_open("/nonexistent-dir/x/y.db", &s, &err), SL_EIO);
    assert_null(s);
    assert_string_equal(err.field, "database");
    assert_int_equal(store_open("", &s, &err), SL_EINVALID);
}

static void statement_cache_reuses_and_resets(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    assert_int_equal(store_open(f->path, &s, &err), SL_OK);
    static const char sql[] = "SELECT ?1 + 1";
    sqlite3_stmt *a = store_stmt(s, sql, &err);
    assert_non_null(a);
    sqlite3_bind_int(a, 1, 41);
    assert_int_equal(sqlite3_step(a), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(a, 0), 42);
    /* Same text again: same statement, reset, bindings cleared. */
    sqlite3_stmt *b = store_stmt(s, sql, &err);
    assert_ptr_equal(a, b);
    assert_int_equal(sqlite3_step(b), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(b, 0), SQLITE_NULL);
    sqlite3_reset(b);
    /* A reused buffer with other text must not get the old statement. */
    char buf[32];
    snprintf(buf, sizeof buf, "SELECT 1");
    sqlite3_stmt *c = store_stmt(s, buf, &err);
    snprintf(buf, sizeof buf, "SELECT 2");
    sqlite3_stmt *d = store_stmt(s, buf, &err);
    assert_ptr_not_equal(c, d);
    assert_int_equal(sqlite3_step(d), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(d, 0), 2);
    sqlite3_reset(d);
    /* Bad SQL is an error, not a crash. */
    assert_null(store_stmt(s, "SELEC nonsense", &err));
    assert_int_equal(err.code, SL_EIO);
    store_close(s);
}

static void statement_cache_is_capped(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    assert_int_equal(store_open(f->path, &s, &err), SL_OK);
    /* Twice the cap of distinct texts: every one still works and the
       store closes without leaking (ASan checks the latter). */
    static char texts[2 * STORE_STMT_CACHE_MAX][32];
    for (int i = 0; i < 2 * STORE_STMT_CACHE_MAX; i++) {
        snprintf(texts[i], sizeof texts[i], "SELECT %d", i);
        sqlite3_stmt *st = store_stmt(s, texts[i], &err);
        assert_non_null(st);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), i);
        sqlite3_reset(st);
    }
    store_close(s);
}

static void transactions_commit_and_roll_back(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    assert_int_equal(store_open(f->path, &s, &err), SL_OK);
    assert_int_equal(store_begin(s, &err), SL_OK);
    assert_true(store_in_tx(s));
    assert_int_equal(store_begin(s, &err), SL_EINTERNAL); /* no nesting */
    assert_int_equal(store_kv_put(s, "c", "k", "lost", &err), SL_OK);
    store_rollback(s);
    assert_false(store_in_tx(s));
    char *v = (char *)"sentinel";
    assert_int_equal(store_kv_get(s, "c", "k", &v, &err), SL_OK);
    assert_null(v);

    assert_int_equal(store_begin(s, &err), SL_OK);
    assert_int_equal(store_kv_put(s, "c", "k", "kept", &err), SL_OK);
    assert_int_equal(store_kv_put(s, "c", "k", "kept2", &err), SL_OK);
    assert_int_equal(store_commit(s, &err), SL_OK);
    assert_int_equal(store_commit(s, &err), SL_EINTERNAL);
    assert_int_equal(store_kv_get(s, "c", "k", &v, &err), SL_OK);
    assert_string_equal(v, "kept2");
    free(v);
    /* Keys are per channel; NULL deletes. */
    assert_int_equal(store_kv_get(s, "other", "k", &v, &err), SL_OK);
    assert_null(v);
    assert_int_equal(store_kv_put(s, "c", "k", NULL, &err), SL_OK);
    assert_int_equal(store_kv_get(s, "c", "k", &v, &err), SL_OK);
    assert_null(v);
    store_close(s);
}

static void constraint_maps_to_conflict(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    assert_int_equal(store_open(f->path, &s, &err), SL_OK);
    static const char ins[] = "INSERT INTO inbox_cursors(channel, cursor, updated_ms) "
                              "VALUES('w', 'x', 1)";
    assert_int_equal(store_step_done(s, store_stmt(s, ins, &err), &err), SL_OK);
    assert_int_equal(store_step_done(s, store_stmt(s, ins, &err), &err), SL_ECONFLICT);
    store_close(s);
}

/* A full disk (here: the database at its page limit) is a passing outage
   the shop should retry (503), not a request too big (413). */
static void full_database_is_retry_not_too_big(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    store *s = NULL;
    assert_int_equal(store_open(f->path, &s, &err), SL_OK);
    int pages = 0;
    sqlite3_stmt *st = store_stmt(s, "PRAGMA page_count", &err);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    pages = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %d", pages + 2);
    assert_int_equal(store_exec(s, sql, &err), SL_OK);
    int rc = SL_OK;
    for (int i = 0; i < 1000 && rc == SL_OK; i++) {
        char ins[128];
        snprintf(ins, sizeof ins,
                 "INSERT INTO inbox_cursors(channel, cursor, updated_ms) "
                 "VALUES('c%d', printf('%%.3000c', 'x'), 1)",
                 i);
        rc = store_exec(s, ins, &err);
    }
    assert_int_equal(rc, SL_ERETRY);
    assert_string_equal(err.field, "disk");
    assert_true(err.retry_after_ms > 0);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_sets_pragmas_and_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(write_waits_for_another_connections_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(fast_flag_uses_normal_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(reopen_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(newer_database_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(unopenable_path_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(statement_cache_reuses_and_resets, setup, teardown),
        cmocka_unit_test_setup_teardown(statement_cache_is_capped, setup, teardown),
        cmocka_unit_test_setup_teardown(transactions_commit_and_roll_back, setup, teardown),
        cmocka_unit_test_setup_teardown(constraint_maps_to_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(full_database_is_retry_not_too_big, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
