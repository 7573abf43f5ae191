/*
 * Shipments: parcels of an order registered with a postal service (Iran
 * Post intermediaries such as Foroutel), their keys, quoted costs and
 * dated shipping-status history.
 *
 * A shipment belongs to one shop order (shop channel + external id) and,
 * once the order is booked, to its document. It goes out through one
 * postal channel ([channel:NAME] whose plugin has SL_CAP_CREATE_SHIPMENT).
 * The host's own number (its id, "order_ref" to the plugin) is stable
 * across retries. Two lifecycles live side by side:
 *
 *   register  pending -> registering -> registered
 *             ... -> failed       (the service refused; a new send may follow)
 *             ... -> unconfirmed  (the outcome of a register is unknown and
 *                                 the plugin cannot look it up: the operator
 *                                 decides; the host never registers again)
 *             ... -> cancelled
 *   status    the service's shipping status in the normalized vocabulary
 *             (ship_vocab.c), raw label kept beside; every change is a row
 *             of shipment_history (from, to, when UTC, who, comment).
 *
 * At most one shipment of an order is live (not failed or cancelled) at a
 * time: a partial UNIQUE index, so sending twice cannot make two.
 * Money is in the shop's currency minor units (exponent beside);
 * conversion to the service's Rial happens when the call is made. A cost
 * the service did not give is -1.
 *
 * SQL for these tables lives only in this folder. One thread per store.
 */
#ifndef SL_SHIPMENTS_H
#define SL_SHIPMENTS_H

#include <stdint.h>

#include <jansson.h>

#include "shopledger/sdk.h"
#include "store/store.h"

/* Schema version 9: shipments, their history, order-status history. */
extern const store_migration shipments_migration;

/* ---- vocabularies (ship_vocab.c) --------------------------------------- */

/* Normalized shipping statuses (sdk.h 1.5 lists the same words). */
#define SHIP_NOT_LOADED "not_loaded"
#define SHIP_NO_SHIPPING_NEEDED "no_shipping_needed"
#define SHIP_LEFT_WAREHOUSE "left_warehouse"
#define SHIP_DELIVERED_TO_POST "delivered_to_post"
#define SHIP_DELIVERED "delivered_to_customer"
#define SHIP_PARTIAL "partial_delivery"
#define SHIP_RETURNED "returned"
#define SHIP_CANCELLED "cancelled"
#define SHIP_OTHER "other"

/* 1 when `name` is one of the shipping status words above. */
int ship_status_known(const char *name);
/* 1 for a status after which the service reports nothing new (delivered,
   returned, cancelled): tracking stops. */
int ship_status_final(const char *name);
/* 1 when `name` is one of the SL_STATUS_* order status words (sdk.h). */
int order_status_known(const char *name);
/* The words as one comma-separated list, for error messages. */
const char *ship_status_list(void);
const char *order_status_list(void);

/* Register lifecycle words. */
#define SHIP_REG_PENDING "pending"
#define SHIP_REG_REGISTERING "registering"
#define SHIP_REG_REGISTERED "registered"
#define SHIP_REG_UNCONFIRMED "unconfirmed"
#define SHIP_REG_FAILED "failed"
#define SHIP_REG_CANCELLED "cancelled"

/* ---- the shipment row (ship_store.c) ----------------------------------- */

#define SHIP_TEXT_MAX 128
#define SHIP_ERROR_MAX 512

typedef struct shipment {
    int64_t id;
    char shop_channel[64];
    char external_id[SHIP_TEXT_MAX];
    int64_t document_id; /* 0 = none yet */
    char postal_channel[64];
    char parcel_id[SHIP_TEXT_MAX]; /* the service's key; "" before */
    char tracking_code[SHIP_TEXT_MAX];
    char send_type[16]; /* express | registered | printed | courier | fixed */
    char payment[16];   /* cod | prepaid */
    int64_t weight_g;
    char currency[8];
    int exponent;
    int64_t declared_value;
    int64_t cod_amount; /* 0 when prepaid */
    /* quoted cost split, -1 = not given */
    int64_t cost_post, cost_tax, cost_service, cost_cod, cost_packing, cost_total;
    char reg_state[16];
    char status[32];
    char status_raw[SHIP_TEXT_MAX];
    char last_error[SHIP_ERROR_MAX];
    int64_t created_ms, updated_ms;
} shipment;

/* A new shipment's fields with every cost -1 and the states at their
   start (pending, not_loaded). */
void shipment_init(shipment *sh);

/* Inserts sh (id ignored) inside the caller's transaction or its own;
   writes sh->id. SL_ECONFLICT (field "external_id") when the order
   already has a live shipment; SL_EINVALID naming a field that is not
   in its vocabulary (send_type, payment, status) or a negative amount. */
int shipment_insert(store *s, shipment *sh, int64_t now_ms, sl_error *err);
/* Loads one shipment; SL_ENOTFOUND naming "id". */
int shipment_load(store *s, int64_t id, shipment *out, sl_error *err);
/* The live shipment of an order (not failed/cancelled); SL_ENOTFOUND. */
int shipment_find_live(store *s, const char *shop_channel, const char *external_id, shipment *out,
                       sl_error *err);
/* Writes the register fields back (reg_state, parcel_id, tracking_code,
   costs, document_id, last_error) of sh->id. The status goes through
   shipment_set_status only. */
int shipment_update(store *s, const shipment *sh, int64_t now_ms, sl_error *err);

/* Moves the shipment to `status` (raw = the service's own label) at
   `at_ms` and appends a history row (from, to, raw, at, who, comment).
   The same status and raw label as now is no change (*changed = 0,
   nothing written). SL_EINVALID for a word outside the vocabulary. */
int shipment_set_status(store *s, int64_t id, const char *status, const char *raw, int64_t at_ms,
                        const char *who, const char *comment, int *changed, sl_error *err);

/* Ids of shipments of a postal channel that are registered and not in a
   final status, oldest first; at most `max`. */
int shipment_open_ids(store *s, const char *postal_channel, int64_t *ids, int max, int *n,
                      sl_error *err);

/* Claims the booking (shipment, kind, ref) of `amount` on document
   doc_id: *fresh = 1 the first time (the caller then posts it in the same
   transaction), 0 when it was booked before. */
int shipment_booking_claim(store *s, int64_t shipment_id, const char *kind, const char *ref,
                           int64_t amount, int64_t doc_id, int64_t now_ms, int *fresh,
                           sl_error *err);

/* ---- JSON views (ship_view.c) ------------------------------------------ */

/* Shipments (newest last), optionally of one shop channel or one postal
   channel (NULL = all). New reference or NULL with err. */
json_t *shipment_list_json(store *s, const char *shop_channel, const char *postal_channel,
                           sl_error *err);
/* One shipment with its "history". SL_ENOTFOUND. */
json_t *shipment_show_json(store *s, int64_t id, sl_error *err);
/* Shipments of one order, each with its history. */
json_t *shipment_order_json(store *s, const char *shop_channel, const char *external_id,
                            sl_error *err);

#endif
