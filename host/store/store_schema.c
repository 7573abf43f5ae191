/*
 * Schema version 1: the tables the store, the inbox and the outbox own.
 *
 * channel_state   per-channel key/value state of plugins (tokens, counters)
 * inbox_items     one row per (channel, external id): the idempotency key
 * inbox_revisions each distinct content of an item, raw payload verbatim
 *                 (BLOB) beside the normalized JSON (TEXT); UNIQUE(item,
 *                 hash) makes a repeat delivery a no-op
 * inbox_events    the item's log: state changes, duplicates, errors
 * inbox_cursors   poll cursor per channel, written with the orders it covers
 * outbox          side effects to send after commit, UNIQUE idempotency key
 *
 * States are stored as words (not numbers) so the database reads well in
 * the sqlite3 shell; CHECK constraints keep them to the known set.
 */
#include "store/store.h"

static const char CORE_SQL[] =
    "CREATE TABLE channel_state("
    "  channel TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  PRIMARY KEY(channel, key)) WITHOUT ROWID;"

    "CREATE TABLE inbox_items("
    "  id INTEGER PRIMARY KEY,"
    "  channel TEXT NOT NULL,"
    "  external_id TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK(state IN "
    "    ('received','processed','draft','failed','dead')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  current_revision INTEGER,"
    "  revision_count INTEGER NOT NULL DEFAULT 0,"
    "  received_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL,"
    "  next_attempt_ms INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT NOT NULL DEFAULT '',"
    "  UNIQUE(channel, external_id));"
    "CREATE INDEX inbox_items_due ON inbox_items(state, next_attempt_ms, id);"

    "CREATE TABLE inbox_revisions("
    "  id INTEGER PRIMARY KEY,"
    "  item_id INTEGER NOT NULL REFERENCES inbox_items(id),"
    "  revision_no INTEGER NOT NULL,"
    "  content_hash TEXT NOT NULL,"
    "  modified_ms INTEGER NOT NULL,"
    "  received_ms INTEGER NOT NULL,"
    "  stale INTEGER NOT NULL DEFAULT 0,"
    "  raw BLOB,"
    "  normalized TEXT NOT NULL,"
    "  UNIQUE(item_id, content_hash),"
    "  UNIQUE(item_id, revision_no));"

    "CREATE TABLE inbox_events("
    "  id INTEGER PRIMARY KEY,"
    "  item_id INTEGER NOT NULL REFERENCES inbox_items(id),"
    "  at_ms INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  text TEXT NOT NULL);"
    "CREATE INDEX inbox_events_item ON inbox_events(item_id, id);"

    "CREATE TABLE inbox_cursors("
    "  channel TEXT PRIMARY KEY,"
    "  cursor TEXT NOT NULL,"
    "  updated_ms INTEGER NOT NULL) WITHOUT ROWID;"

    "CREATE TABLE outbox("
    "  id INTEGER PRIMARY KEY,"
    "  kind INTEGER NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  key TEXT NOT NULL UNIQUE,"
    "  external_id TEXT NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK(state IN "
    "    ('pending','sending','sent','dead')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt_ms INTEGER NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL,"
    "  sent_ms INTEGER,"
    "  last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX outbox_due ON outbox(state, next_attempt_ms, id);";

const store_migration store_core_migration = {
    .version = 1,
    .name = "core: channel state, inbox, cursors, outbox",
    .sql = CORE_SQL,
};
