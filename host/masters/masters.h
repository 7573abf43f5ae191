/*
 * Master data: customers, products (variations are their own stock units
 * with a parent), tax groups, services (shipping, fees, discounts),
 * warehouses, price groups with per-product prices, and cash accounts.
 *
 * Each "ensure" function finds a record by its natural key and creates it
 * when missing, by INSERT .. ON CONFLICT DO NOTHING followed by a lookup,
 * so the UNIQUE constraint (not a prior SELECT) decides. All run inside
 * the caller's transaction and write *id only on success.
 */
#ifndef SL_MASTERS_H
#define SL_MASTERS_H

#include <stdint.h>

#include "shopledger/sdk.h"
#include "store/store.h"

typedef struct masters_customer {
    const char *email;
    const char *first_name;
    const char *last_name;
    const char *company;
    const char *phone;
} masters_customer;

/* Customer matched by e-mail + display name ("First Last", or the company
   when both names are empty, or "Guest"); created when missing. */
int masters_customer_ensure(store *s, const masters_customer *c, int64_t now_ms, int64_t *id,
                            sl_error *err);

/* Product by SKU. Missing: created (with `name`, and parent_sku resolved
   or created first) when `create`, else SL_ENOTFOUND naming the SKU.
   *created (may be NULL) tells whether it was new. */
int masters_product_ensure(store *s, const char *sku, const char *name, const char *parent_sku,
                           int create, int64_t now_ms, int64_t *id, int *created, sl_error *err);
/* Product id by SKU, 0 when unknown. */
int masters_product_find(store *s, const char *sku, int64_t *id, sl_error *err);
/* Sets the product's purchase price (used by import). */
int masters_product_set_purchase_price(store *s, int64_t product_id, int64_t price, sl_error *err);

/* Tax group by code; the percent (thousandths, -1 unknown) is recorded on
   creation and filled in later when it was unknown. */
int masters_tax_group_ensure(store *s, const char *code, int64_t percent_milli, int64_t *id,
                             sl_error *err);
/* Service by code (kind: shipping, fee, discount, handling, rounding). */
int masters_service_ensure(store *s, const char *code, const char *name, const char *kind,
                           int64_t *id, sl_error *err);
int masters_warehouse_ensure(store *s, const char *code, int64_t *id, sl_error *err);
int masters_price_group_ensure(store *s, const char *code, int64_t *id, sl_error *err);
/* Price of a product in a price group (replaces the old one). */
int masters_price_set(store *s, int64_t product_id, const char *group, int64_t price,
                      sl_error *err);
/* Cash account code -> ledger account (kept up to date with config). */
int masters_cash_account_ensure(store *s, const char *code, const char *account, sl_error *err);

#endif
