/*
 * The ledger's schema migration: master data, documents with their lines,
 * journal postings and payments, numbering series, the order -> document
 * link, and stock. One migration so the tables that reference each other
 * arrive together; store_migrations.c lists it after the store's own.
 */
#ifndef SL_LEDGER_SCHEMA_H
#define SL_LEDGER_SCHEMA_H

#include "store/store.h"

/* Version 2, "ledger". */
extern const store_migration ledger_migration;

#endif
