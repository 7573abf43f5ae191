/*
 * Schema version 9: shipments, their shipping-status history and the
 * order-status history.
 *
 * shipments            one parcel of an order through one postal channel;
 *                      at most one live (not failed/cancelled) per order
 *                      (partial UNIQUE index), and a service's parcel key
 *                      belongs to one shipment of its channel
 * shipment_history     every shipping-status change (from, to, the
 *                      service's raw label, when UTC, who, comment)
 * shipment_bookings    postings of a parcel that are no payment (postage of a
 *                      returned parcel, settlements), once per reference
 * order_status_history every order-status change, same columns, keyed by
 *                      (channel, external id) so it exists before any
 *                      document or shipment does
 *
 * Status words are checked here as well as in ship_vocab.c, so a row
 * written by hand in the sqlite3 shell cannot leave the vocabulary.
 * Portable SQL (partial indexes and CHECK work on PostgreSQL too).
 */
#include "shipments/shipments.h"

#define SHIP_STATUSES                                                                              \
    "('not_loaded','no_shipping_needed','left_warehouse','delivered_to_post',"                     \
    "'delivered_to_customer','partial_delivery','returned','cancelled','other')"
#define ORDER_STATUSES                                                                             \
    "('awaiting_confirmation','confirmed','not_confirmed','preparing','reserved',"                 \
    "'invoice_defect','sent_to_postal_system','sent','delivered','returned',"                      \
    "'cancelled')"

static const char SHIPMENTS_SQL[] =
    "CREATE TABLE shipments ("
    " id INTEGER PRIMARY KEY, shop_channel TEXT NOT NULL, external_id TEXT NOT NULL,"
    " document_id INTEGER REFERENCES documents(id), postal_channel TEXT NOT NULL,"
    " parcel_id TEXT NOT NULL DEFAULT '', tracking_code TEXT NOT NULL DEFAULT '',"
    " send_type TEXT NOT NULL CHECK(send_type IN"
    "   ('express','registered','printed','courier','fixed')),"
    " payment TEXT NOT NULL CHECK(payment IN ('cod','prepaid')),"
    " weight_g INTEGER NOT NULL CHECK(weight_g >= 0),"
    " currency TEXT NOT NULL, exponent INTEGER NOT NULL,"
    " declared_value INTEGER NOT NULL CHECK(declared_value >= 0),"
    " cod_amount INTEGER NOT NULL CHECK(cod_amount >= 0),"
    " cost_post INTEGER NOT NULL DEFAULT -1, cost_tax INTEGER NOT NULL DEFAULT -1,"
    " cost_service INTEGER NOT NULL DEFAULT -1, cost_cod INTEGER NOT NULL DEFAULT -1,"
    " cost_packing INTEGER NOT NULL DEFAULT -1, cost_total INTEGER NOT NULL DEFAULT -1,"
    " reg_state TEXT NOT NULL CHECK(reg_state IN"
    "   ('pending','registering','registered','unconfirmed','failed','cancelled')),"
    " status TEXT NOT NULL CHECK(status IN " SHIP_STATUSES "),"
    " status_raw TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '',"
    " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX shipments_live ON shipments(shop_channel, external_id)"
    " WHERE reg_state NOT IN ('failed','cancelled');"
    "CREATE UNIQUE INDEX shipments_parcel ON shipments(postal_channel, parcel_id)"
    " WHERE parcel_id <> '';"
    "CREATE INDEX shipments_open ON shipments(postal_channel, reg_state, status, id);"
    "CREATE TABLE shipment_history ("
    " id INTEGER PRIMARY KEY, shipment_id INTEGER NOT NULL REFERENCES shipments(id),"
    " from_status TEXT NOT NULL, to_status TEXT NOT NULL CHECK(to_status IN " SHIP_STATUSES "),"
    " raw TEXT NOT NULL DEFAULT '', at_ms INTEGER NOT NULL, who TEXT NOT NULL,"
    " comment TEXT NOT NULL DEFAULT '', recorded_ms INTEGER NOT NULL);"
    "CREATE INDEX shipment_history_of ON shipment_history(shipment_id, id);"
    "CREATE TABLE shipment_bookings ("
    " shipment_id INTEGER NOT NULL REFERENCES shipments(id), kind TEXT NOT NULL,"
    " ref TEXT NOT NULL, amount INTEGER NOT NULL, document_id INTEGER REFERENCES documents(id),"
    " created_ms INTEGER NOT NULL, PRIMARY KEY(shipment_id, kind, ref));"
    "CREATE TABLE order_status_history ("
    " id INTEGER PRIMARY KEY, channel TEXT NOT NULL, external_id TEXT NOT NULL,"
    " from_status TEXT NOT NULL, to_status TEXT NOT NULL CHECK(to_status IN " ORDER_STATUSES "),"
    " raw TEXT NOT NULL DEFAULT '', at_ms INTEGER NOT NULL, who TEXT NOT NULL,"
    " comment TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX order_status_history_of ON order_status_history(channel, external_id, id);";

const store_migration shipments_migration = {9, "shipments and status histories", SHIPMENTS_SQL};
