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

/* Opens (creating when missing) the database at `path`, sets WAL,
   synchronous (FULL unless `fast` for benchmarks), foreign keys, busy
   timeout, and runs pending migrations in one transaction each. */
int store_open(const char *path, store **out, sl_error *err);
void store_close(store *s);
sqlite3 *store_db(store *s);
/* Schema version after migrations. */
int store_schema_version(store *s);

/* A cached prepared statement for `sql` (reset and bindings cleared before
   it is returned). Borrowed until store_close. NULL with err on failure. */
sqlite3_stmt *store_stmt(store *s, const char *sql, sl_error *err);

/* Transactions: BEGIN IMMEDIATE / COMMIT / ROLLBACK. Nesting is refused. */
int store_begin(store *s, sl_error *err);
int store_commit(store *s, sl_error *err);
void store_rollback(store *s);
int store_in_tx(const store *s);

/* Runs a statement that returns no rows; fills err from sqlite3_errmsg. */
int store_step_done(store *s, sqlite3_stmt *st, sl_error *err);
/* Maps the last SQLite error to an sl_error (SL_ECONFLICT on constraint). */
int store_error(store *s, int rc, sl_error *err);

/* Per-channel key/value state (plugin state_get/put, cursors). */
int store_kv_get(store *s, const char *channel, const char *key, char **value,
                 sl_error *err);
int store_kv_put(store *s, const char *channel, const char *key,
                 const char *value, sl_error *err);

#endif
