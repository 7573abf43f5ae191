/*
 * The money of a parcel, in the shop's currency, on the ledger's own APIs.
 *
 * Cash on delivery collected (the service says so): the post took F from
 * the buyer (the goods G of the invoice plus the postage the buyer paid
 * at the door) and keeps its fees P. Booked once per shipment (payment
 * ref "cod:<id>" on the invoice):
 *     Dr clearing F, Cr receivable G, Cr shipping_income F-G
 *     Dr fees P, Cr clearing P
 * where clearing is the postal channel's `cod_cash = CODE:ACCOUNT` (a
 * cash account like a shop's payment map), fees its `fees_account`
 * (default the tenant's gateway_fees role). F is the service's
 * cod_amount, else G; P its fee, else the quoted cost_total, else 0.
 *
 * Settlement (`shipment settle`): the service pays the clearing balance
 * to the bank: Dr bank, Cr clearing, on the shipment's invoice, once per
 * reference.
 *
 * A returned parcel: the invoice is credited in full (rules: credit note,
 * stock back, once), and the postage the seller still owes is an expense:
 *     Dr fees P, Cr clearing P
 * Every journal balances; the caller's transaction holds it all.
 */
#ifndef SL_SHIP_MONEY_H
#define SL_SHIP_MONEY_H

#include <stdint.h>

#include "config/config.h"
#include "shipments/shipments.h"
#include "store/store.h"

/* COD collected: books the payment once (*booked = 1 the first time). */
int ship_money_cod(store *s, const config_tenant *t, const shipment *sh, int64_t collected,
                   int64_t fee, int64_t now_ms, int *booked, sl_error *err);
/* Returned: the credit note and the postage expense, once. */
int ship_money_returned(store *s, const config_tenant *t, const shipment *sh, int64_t fee,
                        int64_t now_ms, sl_error *err);
/* Settlement of `amount` (shop minor units) from the clearing account of
   the shipment's postal channel to the cash account `bank` (CODE:ACCOUNT
   or a code of the tenant), reference `ref` (once). */
int ship_money_settle(store *s, const config_tenant *t, const shipment *sh, int64_t amount,
                      const char *bank, const char *ref, int64_t now_ms, sl_error *err);

#endif
