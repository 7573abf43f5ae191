/*
 * The ordered list of schema migrations. Version N is entry N-1; a
 * released migration is never edited or reordered, only appended to.
 * Each module keeps its own SQL next to its code and contributes a const
 * store_migration here.
 */
#include "inbox/inbox.h"
#include "ledger/ledger_schema.h"
#include "payments/payments.h"
#include "shipments/shipments.h"
#include "stock/stock.h"
#include "store/store.h"

const store_migration *const store_migrations[] = {
    &store_core_migration,             /* 1: channel state, inbox, cursors, outbox */
    &ledger_migration,                 /* 2: masters, documents, postings, stock */
    &inbox_arrivals_migration,         /* 3: delivered orders waiting to be filed */
    &payments_migration,               /* 4: gateway attempts and their events */
    &stock_restock_migration,          /* 5: restocked figures of refunded sales */
    &inbox_failed_migration,           /* 6: authentic input that did not map */
    &stock_moves_by_product_migration, /* 7: the sync's "stock known" lookup */
    &inbox_deliveries_migration,       /* 8: webhook deliveries, verbatim */
    &shipments_migration,              /* 9: shipments, shipping and order-status history */
    &inbox_delivery_bodies_migration,  /* 10: deliveries' bytes apart from their state */
};

const size_t store_migration_count = sizeof store_migrations / sizeof store_migrations[0];
