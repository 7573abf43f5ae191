/*
 * The tenant store: one SQLite database per tenant in WAL mode, schema by
 * numbered migrations run at open, prepared statements cached per
 * connection, explicit transactions.
 *
 * Each module owns the tables it writes and contributes its migration as a
 * const store_migration (see store_migrations.c for the ordered list);
 * versions are global and never reused or edited once released.
 *
 * A store is used by one thread at a time. The CLI and a running server may
 * open the same database; SQLite's locking plus busy_timeout serialize them.
 */
#ifndef SL_STORE_H
#define SL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "shopledger/sdk.h"

typedef struct store store;

typedef struct store_migration {
    int version;
    const char *name;
    const char *sql;
} store_migration;

/* Flags of store_open_ex. */
enum store_open_flag {
    /* synchronous=NORMAL instead of FULL: a power cut may lose the last
       commits. For benchmarks and throw-away databases only. */
    STORE_OPEN_FAST = 1u << 0
};

/* Most distinct SQL texts cached per connection (least recently used
   statement is finalized past that). */
#define STORE_STMT_CACHE_MAX 128

/* Process-global SQLite settings, before any database is opened (it is
   refused after; then nothing changes): no memory-use statistics, which
   take a global mutex on every SQLite allocation (about a tenth of the
   booking's CPU), and nothing here reads them. Called by
   services_global_init; not thread-safe, like sqlite3_config. */
void store_global_init(void);

/* Opens (creating when missing) the database at `path`, sets WAL,
   synchronous FULL, foreign keys, busy timeout 5 s, and runs pending
   migrations in one transaction each. A database whose schema version is
   newer than this binary knows is refused (SL_ECONFLICT). *out is written
   only on success; close it with store_close. */
int store_open(const char *path, store **out, sl_error *err);
/* store_open with enum store_open_flag bits. */
int store_open_ex(const char *path, unsigned flags, store **out, sl_error *err);
/* Closes the connection and finalizes every cached statement (a still-open
   transaction is rolled back). NULL is a no-op. */
void store_close(store *s);
sqlite3 *store_db(store *s);
/* Schema version after migrations. */
int store_schema_version(store *s);
/* Highest schema version this binary knows (the last migration). */
int store_known_version(void);

/* A cached prepared statement for `sql` (reset and bindings cleared before
   it is returned). Borrowed until store_close, or until
   STORE_STMT_CACHE_MAX other distinct statements have been asked for since
   (LRU eviction; SQL in this program is static text, far below the cap).
   NULL with err on failure. */
sqlite3_stmt *store_stmt(store *s, const char *sql, sl_error *err);
/* The same with the error contract: SL_OK and *out, or a negative code
   (even when err is NULL or too small to be filled). */
int store_prepare(store *s, const char *sql, sqlite3_stmt **out, sl_error *err);

/* Transactions: BEGIN IMMEDIATE / COMMIT / ROLLBACK. Nesting is refused. */
int store_begin(store *s, sl_error *err);
int store_commit(store *s, sl_error *err);
void store_rollback(store *s);
int store_in_tx(const store *s);
/* For functions that join the caller's transaction or run their own:
   store_tx_enter begins one unless one is open (*own says which);
   store_tx_leave commits (rc == SL_OK) or rolls back a transaction that
   store_tx_enter began, leaves the caller's alone, and returns the final
   code (rc, or the commit's error). */
int store_tx_enter(store *s, int *own, sl_error *err);
int store_tx_leave(store *s, int own, int rc, sl_error *err);

/* Runs constant SQL text (no values: those go through store_stmt), e.g.
   "SAVEPOINT x"; fills err from SQLite on failure. */
int store_exec(store *s, const char *sql, sl_error *err);

/* Runs a statement that returns no rows; fills err from sqlite3_errmsg. */
int store_step_done(store *s, sqlite3_stmt *st, sl_error *err);
/* Runs constant SQL text returning one value in one row (an aggregate):
 *out is that integer, or 0 with *is_null 1 when it is NULL. */
int store_query_int64(store *s, const char *sql, int64_t *out, int *is_null, sl_error *err);
/* Maps the last SQLite error to an sl_error: SL_ECONFLICT on a constraint,
   SL_ERETRY (field "disk", retry_after_ms set) when the disk or database
   is full, SL_ERETRY when busy, SL_EIO otherwise. */
int store_error(store *s, int rc, sl_error *err);

/* Per-channel key/value state (plugin state_get/put). store_kv_get writes
   a malloc'd copy the caller frees, or NULL when the key is absent (still
   SL_OK). store_kv_put upserts (a NULL value deletes) inside the caller's transaction when one
   is open and commits at once otherwise. */
int store_kv_get(store *s, const char *channel, const char *key, char **value, sl_error *err);
int store_kv_put(store *s, const char *channel, const char *key, const char *value, sl_error *err);

/* Steps `st` to the end and collects build(st) of each row into a new
   JSON array (for the CLI/admin views); resets `st`. NULL with err on a
   store error or when build returns NULL (out of memory). */
struct json_t;
struct json_t *store_rows_json(store *s, sqlite3_stmt *st, struct json_t *(*build)(sqlite3_stmt *),
                               sl_error *err);

/* The ordered migration list (store_migrations.c): versions 1..count,
   contiguous. Exposed for store_open and its tests. */
extern const store_migration *const store_migrations[];
extern const size_t store_migration_count;
/* Version 1: channel state, inbox, cursors, outbox (store_schema.c). */
extern const store_migration store_core_migration;

#endif
