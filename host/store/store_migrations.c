/*
 * The ordered list of schema migrations. Version N is entry N-1; a
 * released migration is never edited or reordered, only appended to.
 * Each module keeps its own SQL next to its code and contributes a const
 * store_migration here.
 */
#include "store/store.h"

const store_migration *const store_migrations[] = {
    &store_core_migration, /* 1: channel state, inbox, cursors, outbox */
    /* 2: &ledger_migration (host/ledger/ledger_schema.c) is added here at
       merge time, together with its extern declaration in store.h. */
};

const size_t store_migration_count =
    sizeof store_migrations / sizeof store_migrations[0];
