/*
 * Sending an order's parcel through a postal channel.
 *
 * ship_send_queue builds the shipment from the order's current revision
 * (address mapped to the service's ids, Rial amounts, items) and, in the
 * same transaction, queues one OUTBOX_SHIPMENT row carrying the call's
 * parameters. ship_register_row is that row's sender: it quotes (when the
 * plugin can), then registers, with the shipment's register state
 * committed as "registering" before the remote call, so that
 *   - a definite answer (registered, or refused) is recorded once;
 *   - nothing having reached the service (connection refused) puts it
 *     back to pending and the outbox retries later;
 *   - an unknown outcome (timeout, or a crash: the row is sent again and
 *     finds "registering") is resolved by find_shipment when the plugin
 *     has it, and otherwise leaves the shipment "unconfirmed" for the
 *     operator: the host never registers a second time.
 * On success the tracking keys go to the shipment, the order's status to
 * sent_to_postal_system, and a note to the shop (outbox) names them.
 *
 * Keys of the postal channel's section read here (host keys):
 *   cities = FILE.csv        the service's city list (ship_address.h),
 *                            relative to the tenant's INI file; overrides
 *                            in [channel:NAME.cities]
 *   item_weight_g = 500      weight of one unit (orders carry none)
 *   send_type = express      default send type
 *   cod_methods = cod        shop payment methods that mean cash on
 *                            delivery (others ship prepaid)
 */
#ifndef SL_SHIP_SEND_H
#define SL_SHIP_SEND_H

#include <stdint.h>

#include "config/config.h"
#include "outbox/outbox.h"
#include "runtime/runtime.h"
#include "shipments/shipments.h"
#include "store/store.h"

typedef struct ship_send_request {
    const char *shop_channel;
    const char *external_id;
    const char *postal_channel;
    const char *send_type; /* NULL = the postal channel's send_type */
    const char *payment;   /* NULL = by the order's payment method */
    const char *who;       /* "operator", "rule:ship_when" ... */
} ship_send_request;

/* The outbox key of a shipment's registration. */
void ship_register_key(int64_t shipment_id, char *out, size_t cap);

/* Builds and queues the shipment in one transaction (the caller's when
   one is open: then a failure may leave the caller's work half done, so
   such a caller brackets the call with a savepoint, as ship_rule does).
   SL_ECONFLICT when the order already has a live shipment (*out = that
   one). An order whose address cannot be put in the service's form gets
   a failed shipment recording why (SL_ENOTFOUND / SL_ECONFLICT /
   SL_EINVALID naming the field, e.g. "city 'Karaj' not found in
   foroutel's list"), and nothing is queued. SL_ENOTFOUND (field
   "external_id") for an order not in the inbox; SL_EINVALID naming
   "via" for a channel that is no postal channel. */
int ship_send_queue(store *s, const config_tenant *t, const ship_send_request *rq, int64_t now_ms,
                    shipment *out, sl_error *err);

/* The sender of an OUTBOX_SHIPMENT row (see above): `postal` is the open
   postal channel (its context used by this thread alone). Returns the
   outbox contract's codes (SL_OK, SL_ERETRY, OUTBOX_GIVE_UP ...). */
int ship_register_row(store *s, runtime_channel *postal, const outbox_row *row, int64_t now_ms,
                      sl_error *err);

/* The operator's way out after a crash left a shipment "registering"
   (its outbox row is held by a lease of the process that died): asks the
   service through find_shipment when the plugin has it, else marks the
   shipment unconfirmed with the reason. A shipment in any other state is
   left alone (SL_OK). */
int ship_resolve_unknown(store *s, runtime_channel *postal, int64_t shipment_id, int64_t now_ms,
                         sl_error *err);

/* Cancels a registered shipment at the service (cancel_shipment), as the
   operator asks: SL_OK = cancelled there; the shipment's states become
   cancelled with a history row (who), a note to the shop. SL_EREMOTE with
   the service's text when it refuses (e.g. already sent), SL_EUNSUPPORTED
   when the plugin has no such call (cancel in the service's panel);
   SL_ECONFLICT for a shipment that is not registered or is final. */
int ship_cancel(store *s, runtime_channel *postal, int64_t shipment_id, const char *who,
                int64_t now_ms, sl_error *err);

/* Sending by rule, from the rules' transaction after an order is booked
   (rules.c): when the order's shipping method maps to a postal channel in
   the shop channel's [channel:SHOP.shipping] map (METHOD = POSTAL or
   POSTAL:SEND_TYPE) and the postal channel's `ship_when` lists the
   order's status (normalized word or the shop's own), the shipment is
   queued as `shipment send` would (who "rule"). An order that has a live
   shipment is left alone; a refusal (an unmappable city...) is recorded
   on its failed shipment and as an inbox event, and never fails the
   booking (a savepoint keeps the rest). */
struct inbox_item;
int ship_rule_apply(store *s, const config_tenant *t, const config_channel *shop,
                    const struct inbox_item *it, int64_t now_ms, sl_error *err);

#endif
