/*
 * The tenant store: one SQLite connection per open store, with the pragmas
 * every tenant database needs, the numbered migrations applied at open, a
 * per-connection prepared-statement cache and explicit transactions.
 *
 * Statement cache. Callers pass SQL as static string literals, so the
 * pointer is a cheap key; the text is kept beside it and compared on a hit
 * so that a reused buffer holding other SQL never gets the wrong
 * statement. Entries live in a small array searched linearly (the program
 * has a few dozen distinct statements); each hit stamps a use counter and,
 * when the array is full, the least recently used idle statement is
 * finalized to make room.
 *
 * Migrations. PRAGMA user_version holds the schema version. Each pending
 * migration runs in its own BEGIN IMMEDIATE transaction that re-reads the
 * version first, so two processes opening the same new database at once
 * apply each step exactly once. A database newer than the binary is
 * refused before anything is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shopledger/sdkutil.h"
#include "store/store.h"

#define BUSY_TIMEOUT_MS 5000
#define BUSY_POLL_US 250

typedef struct stmt_entry {
    const char *key; /* the caller's pointer */
    char *sql;       /* copy of the text */
    sqlite3_stmt *st;
    uint64_t used; /* last-use stamp for LRU eviction */
} stmt_entry;

struct store {
    sqlite3 *db;
    int in_tx;
    int version;
    stmt_entry cache[STORE_STMT_CACHE_MAX];
    size_t cached;
    uint64_t clock;
};

#define STORE_FULL_RETRY_MS 60000

int store_error(store *s, int rc, sl_error *err)
{
    int base = rc & 0xff;
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    int code = SL_EIO;
    if (base == SQLITE_CONSTRAINT)
        code = SL_ECONFLICT;
    else if (base == SQLITE_NOMEM)
        code = SL_ENOMEM;
    else if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        code = SL_ERETRY;
    else if (base == SQLITE_TOOBIG)
        code = SL_ETOOBIG;
    if (base == SQLITE_FULL) {
        /* A full disk is an outage, not a request too big: the sender
           retries (serve answers 503) once space is freed. */
        sl_error_set(err, SL_ERETRY, "disk", "sqlite: %s (free disk space)", msg);
        if (err && err->size >= sizeof *err)
            err->retry_after_ms = STORE_FULL_RETRY_MS;
        return SL_ERETRY;
    }
    return sl_error_set(err, code, "", "sqlite: %s", msg);
}

/* Runs SQL text without results (pragmas, DDL, transaction words). One
   statement (no ';') goes through the statement cache: BEGIN, COMMIT and
   the savepoint around every booked item are then parsed once per
   connection instead of once per use; several (migrations) go through
   sqlite3_exec. */
int store_exec(store *s, const char *sql, sl_error *err)
{
    if (strchr(sql, ';') == NULL) {
        sqlite3_stmt *st = NULL;
        int rc = store_prepare(s, sql, &st, err);
        return rc == SL_OK ? store_step_done(s, st, err) : rc;
    }
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? SL_OK : store_error(s, rc, err);
}

/* Reads a single-integer pragma such as user_version. */
static int pragma_int(store *s, const char *sql, int *out, sl_error *err)
{
    int64_t v = 0;
    int none = 1;
    int rc = store_query_int64(s, sql, &v, &none, err);
    if (rc == SL_OK)
        *out = (int)v;
    return rc;
}

int store_known_version(void)
{
    return (int)store_migration_count;
}

/* The list must be 1..N with no gaps: a mistake here is a build bug. */
static int check_migration_list(sl_error *err)
{
    for (size_t i = 0; i < store_migration_count; i++) {
        const store_migration *m = store_migrations[i];
        if (m == NULL || m->version != (int)i + 1 || m->sql == NULL)
            return sl_error_set(err, SL_EINTERNAL, "migration",
                                "migration list out of order at position %zu", i + 1);
    }
    return SL_OK;
}

/* Applies one migration unless another process got there first. */
static int apply_migration(store *s, const store_migration *m, sl_error *err)
{
    int rc = store_begin(s, err);
    if (rc != SL_OK)
        return rc;
    int have = 0;
    rc = pragma_int(s, "PRAGMA user_version", &have, err);
    if (rc == SL_OK && have < m->version) {
        rc = store_exec(s, m->sql, err);
        if (rc != SL_OK) {
            sl_error_set(err, rc, "migration", "migration %d (%s): %s", m->version, m->name,
                         sqlite3_errmsg(s->db));
        } else {
            /* PRAGMA takes no bound parameters; the value is our own int. */
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->version);
            rc = store_exec(s, sql, err);
        }
    }
    if (rc != SL_OK) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s, err);
}

static int run_migrations(store *s, const char *path, sl_error *err)
{
    int rc = check_migration_list(err);
    if (rc != SL_OK)
        return rc;
    int have = 0;
    rc = pragma_int(s, "PRAGMA user_version", &have, err);
    if (rc != SL_OK)
        return rc;
    int known = store_known_version();
    if (have > known)
        return sl_error_set(err, SL_ECONFLICT, "schema_version",
                            "%s has schema version %d but this shopledger "
                            "knows only up to %d: upgrade shopledger",
                            path, have, known);
    for (int v = have + 1; v <= known; v++) {
        rc = apply_migration(s, store_migrations[v - 1], err);
        if (rc != SL_OK)
            return rc;
    }
    return pragma_int(s, "PRAGMA user_version", &s->version, err);
}

/* Another connection holds the write lock (serve's scheduler sending the
   outbox, a plugin saving its state, the CLI): try again shortly, for up
   to BUSY_TIMEOUT_MS. SQLite's own timeout handler sleeps 1, 2, 5, 10,
   15, 20, 25 ms... between tries, so a writer that met the lock once
   waited up to 80 ms for a transaction of one or two milliseconds, and a
   steady trickle of webhooks felt it once a second. */
static int busy_retry(void *arg, int tries)
{
    (void)arg;
    if ((int64_t)tries * BUSY_POLL_US >= (int64_t)BUSY_TIMEOUT_MS * 1000)
        return 0;
    struct timespec ts = {0, BUSY_POLL_US * 1000L};
    nanosleep(&ts, NULL);
    return 1;
}

static int set_pragmas(store *s, unsigned flags, sl_error *err)
{
    int rc = sqlite3_busy_handler(s->db, busy_retry, NULL);
    if (rc != SQLITE_OK)
        return store_error(s, rc, err);
    char mode[16] = "";
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(mode, sizeof mode, "%s", t ? (const char *)t : "");
    }
    sqlite3_finalize(st);
    if (strcmp(mode, "wal") != 0)
        return sl_error_set(err, SL_EIO, "database",
                            "could not switch to WAL (journal_mode is '%s')", mode);
    rc = store_exec(
        s, (flags & STORE_OPEN_FAST) ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL",
        err);
    if (rc == SL_OK)
        rc = store_exec(s, "PRAGMA foreign_keys=ON", err);
    /* Savepoint journals stay in memory: batches give each order a
       savepoint, and past 64 KB SQLite spilled them to a temp file,
       which took about 2.7 writes for every WAL write while booking. */
    if (rc == SL_OK)
        rc = store_exec(s, "PRAGMA temp_store=MEMORY", err);
    return rc;
}

int store_open_ex(const char *path, unsigned flags, store **out, sl_error *err)
{
    if (path == NULL || *path == '\0')
        return sl_error_set(err, SL_EINVALID, "database", "no database path given");
    store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    int rc = sqlite3_open_v2(
        path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        sl_error_set(err, SL_EIO, "database", "cannot open %s: %s", path,
                     s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        store_close(s);
        return SL_EIO;
    }
    sqlite3_extended_result_codes(s->db, 1);
    rc = set_pragmas(s, flags, err);
    if (rc == SL_OK)
        rc = run_migrations(s, path, err);
    if (rc != SL_OK) {
        store_close(s);
        return rc;
    }
    *out = s;
    return SL_OK;
}

void store_global_init(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_open(const char *path, store **out, sl_error *err)
{
    return store_open_ex(path, 0, out, err);
}

void store_close(store *s)
{
    if (s == NULL)
        return;
    if (s->in_tx)
        store_rollback(s);
    for (size_t i = 0; i < s->cached; i++) {
        sqlite3_finalize(s->cache[i].st);
        free(s->cache[i].sql);
    }
    sqlite3_close(s->db);
    free(s);
}

sqlite3 *store_db(store *s)
{
    return s->db;
}

int store_schema_version(store *s)
{
    return s->version;
}

static stmt_entry *cache_find(store *s, const char *sql)
{
    for (size_t i = 0; i < s->cached; i++) {
        stmt_entry *e = &s->cache[i];
        if (e->key == sql && strcmp(e->sql, sql) == 0)
            return e;
    }
    return NULL;
}

/* A free slot, finalizing the least recently used idle statement when the
   cache is full. NULL when every statement is in the middle of a step. */
static stmt_entry *cache_slot(store *s)
{
    if (s->cached < STORE_STMT_CACHE_MAX)
        return &s->cache[s->cached++];
    stmt_entry *victim = NULL;
    for (size_t i = 0; i < s->cached; i++) {
        stmt_entry *e = &s->cache[i];
        if (!sqlite3_stmt_busy(e->st) && (!victim || e->used < victim->used))
            victim = e;
    }
    if (victim) {
        sqlite3_finalize(victim->st);
        free(victim->sql);
        memset(victim, 0, sizeof *victim);
    }
    return victim;
}

int store_prepare(store *s, const char *sql, sqlite3_stmt **out, sl_error *err)
{
    sl_error local = {.size = sizeof local};
    sqlite3_stmt *st = store_stmt(s, sql, &local);
    if (st == NULL) {
        if (err && err->size >= sizeof *err)
            *err = local;
        return local.code;
    }
    *out = st;
    return SL_OK;
}

sqlite3_stmt *store_stmt(store *s, const char *sql, sl_error *err)
{
    stmt_entry *e = cache_find(s, sql);
    if (e) {
        sqlite3_reset(e->st);
        sqlite3_clear_bindings(e->st);
        e->used = ++s->clock;
        return e->st;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        store_error(s, rc, err);
        return NULL;
    }
    char *copy = strdup(sql);
    e = copy ? cache_slot(s) : NULL;
    if (e == NULL) {
        sqlite3_finalize(st);
        free(copy);
        sl_error_set(err, copy ? SL_ETOOBIG : SL_ENOMEM, "", "statement cache: %s",
                     copy ? "every statement is busy" : "out of memory");
        return NULL;
    }
    e->key = sql;
    e->sql = copy;
    e->st = st;
    e->used = ++s->clock;
    return st;
}

int store_begin(store *s, sl_error *err)
{
    if (s->in_tx)
        return sl_error_set(err, SL_EINTERNAL, "", "nested transaction refused");
    int rc = store_exec(s, "BEGIN IMMEDIATE", err);
    if (rc == SL_OK)
        s->in_tx = 1;
    return rc;
}

int store_commit(store *s, sl_error *err)
{
    if (!s->in_tx)
        return sl_error_set(err, SL_EINTERNAL, "", "commit without begin");
    int rc = store_exec(s, "COMMIT", err);
    if (rc != SL_OK) {
        /* A failed COMMIT may leave the transaction open (SQLITE_BUSY);
           roll it back so the store is usable and the caller can retry. */
        store_rollback(s);
        return rc;
    }
    s->in_tx = 0;
    return SL_OK;
}

void store_rollback(store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = 0;
}

int store_in_tx(const store *s)
{
    return s->in_tx;
}

int store_tx_enter(store *s, int *own, sl_error *err)
{
    *own = !s->in_tx;
    return *own ? store_begin(s, err) : SL_OK;
}

int store_tx_leave(store *s, int own, int rc, sl_error *err)
{
    if (!own)
        return rc;
    if (rc != SL_OK) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s, err);
}

int store_step_done(store *s, sqlite3_stmt *st, sl_error *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return SL_OK;
    return store_error(s, rc, err);
}

int store_query_int64(store *s, const char *sql, int64_t *out, int *is_null, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, sql, &st, err);
    if (rc != SL_OK)
        return rc;
    rc = sqlite3_step(st);
    *out = 0;
    *is_null = 1;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *out = sqlite3_column_int64(st, 0);
        *is_null = 0;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return SL_OK;
    return rc == SQLITE_DONE ? sl_error_set(err, SL_EINTERNAL, "", "the query returned no row")
                             : store_error(s, rc, err);
}

int store_kv_get(store *s, const char *channel, const char *key, char **value, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT value FROM channel_state WHERE channel = ?1 AND key = ?2",
                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    char *copy = NULL;
    if (rc == SQLITE_ROW) {
        copy = strdup((const char *)sqlite3_column_text(st, 0));
        if (copy == NULL) {
            sqlite3_reset(st);
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
        }
    } else if (rc != SQLITE_DONE) {
        int e = store_error(s, rc, err);
        sqlite3_reset(st);
        return e;
    }
    sqlite3_reset(st);
    *value = copy;
    return SL_OK;
}

int store_kv_put(store *s, const char *channel, const char *key, const char *value, sl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = value == NULL ? store_prepare(s,
                                           "DELETE FROM channel_state "
                                           "WHERE channel = ?1 AND key = ?2",
                                           &st, err)
                           : store_prepare(s,
                                           "INSERT INTO channel_state(channel, key, "
                                           "value) VALUES(?1, ?2, ?3) "
                                           "ON CONFLICT(channel, key) DO UPDATE "
                                           "SET value = excluded.value",
                                           &st, err);
    if (rc != SL_OK)
        return rc;
    sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    if (value)
        sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
    return store_step_done(s, st, err);
}
