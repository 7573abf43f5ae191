/*
 * Tracking a postal channel's open shipments (registered, not in a final
 * status), SL_TRACK_BATCH_MAX parcels per plugin call, oldest first.
 *
 * Each answer that changes a shipment's status (or its raw label) is one
 * transaction: the status and a history row (when: the service's
 * changed_at, else now; who: "track:<channel>"), a tracking code that
 * appeared, the order's status where a shipping status implies one
 * (delivered_to_post -> sent, delivered_to_customer -> delivered,
 * returned -> returned), a note to the shop, and the money of the event
 * (ship_money.h: the COD payment when the service says it was collected,
 * the credit note of a returned parcel). A label the plugin could not map
 * arrives as "other" with its raw text, kept and logged once per label.
 */
#ifndef SL_SHIP_TRACK_H
#define SL_SHIP_TRACK_H

#include <stdint.h>

#include "config/config.h"
#include "runtime/runtime.h"
#include "store/store.h"

/* Most shipments one ship_track_channel call looks at. */
#define SHIP_TRACK_MAX_PER_RUN 1000

typedef struct ship_track_report {
    int asked;   /* parcels sent to the plugin */
    int changed; /* shipments whose status changed */
    int errors;  /* parcels the service did not answer for */
} ship_track_report;

/* Tracks the open shipments of postal channel `rc` (its context used by
   this thread alone), outside any transaction. SL_OK when every batch got
   an answer; the plugin's error otherwise (what was applied stays). */
int ship_track_channel(store *s, const config_tenant *t, runtime_channel *rc, int64_t now_ms,
                       ship_track_report *rep, sl_error *err);

#endif
