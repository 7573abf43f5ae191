/*
 * Stock per warehouse and product: on hand and reserved quantities
 * (thousandths) kept in stock_levels, every change recorded as a move in
 * stock_moves (tied to the document that caused it), and the record of
 * what was last pushed to each channel so a sync sends only changes.
 *
 * available = on hand - reserved. Move kinds:
 *   "out"     invoice/receipt: on hand decreases by qty
 *   "return"  credit note / void: on hand increases by qty
 *   "reserve" confirmed sales order: reserved increases by qty
 *   "release" cancelled sales order: reserved decreases by qty
 *   "receive" import or adjustment: on hand increases by qty (may be < 0)
 * All run inside the caller's transaction.
 */
#ifndef SL_STOCK_H
#define SL_STOCK_H

#include <stdint.h>

#include <jansson.h>

#include "shopledger/sdk.h"
#include "store/store.h"

/* Records a move of `qty_milli` (> 0, except "receive") of `kind` for
   document doc_id (0 = none) and updates the level. */
int stock_move(store *s, int64_t doc_id, int64_t warehouse_id, int64_t product_id, const char *kind,
               int64_t qty_milli, int64_t now_ms, sl_error *err);

/* Undoes every out/reserve move of document `from_doc`: out -> return,
   reserve -> release, recorded against `to_doc` (may equal from_doc). */
int stock_reverse_doc(store *s, int64_t from_doc, int64_t to_doc, int64_t now_ms, sl_error *err);

/* The shop has put `restocked_milli` of a product back into stock,
   cumulative over every refund of sale document `sale_doc` (the sum of
   its lines' restocked figures for that product). Returns to stock, as a
   "return" move of credit note `to_doc`, what the moves of the sale and
   its credit notes have not given back yet, capped at what went out;
   *returned_milli is that quantity (0 when nothing was due). Each
   (sale_doc, product, figure) is booked once, decided by the primary key
   of stock_restocks: the same figure again books nothing. */
int stock_restock(store *s, int64_t sale_doc, int64_t to_doc, int64_t warehouse_id,
                  int64_t product_id, int64_t restocked_milli, int64_t now_ms,
                  int64_t *returned_milli, sl_error *err);
/* The schema of stock_restocks (appended to store_migrations). */
extern const store_migration stock_restock_migration;
/* An index of stock_moves by product, warehouse and kind: the stock sync
   asks of every listed product whether a "receive" move set its stock. */
extern const store_migration stock_moves_by_product_migration;

/* Sets on hand of a product in a warehouse to `qty_milli` (import),
   recording the difference as a "receive" move. */
int stock_set_on_hand(store *s, int64_t warehouse_id, int64_t product_id, int64_t qty_milli,
                      int64_t now_ms, sl_error *err);

/* What a stock sync of `channel` would push: a JSON array of
   {"sku", "product_id", "available_milli", "available" (whole units,
   rounded down), "price" (minor units in `price_group`, or null),
   "has_level" (1 when the product has a level in `warehouse`),
   "stock_known" (1 once an import, count or purchase set the level; an
   order alone does not)} for every product with a level in `warehouse`
   or a price in `price_group` (available 0 when it has no level).
   When `only_changed`, items equal to what was last marked pushed are
   left out, except that a variation is kept when a sibling (same parent)
   changed: shops that keep one number for a parent's variations push
   their sum. New reference. */
json_t *stock_list_for_channel(store *s, const char *channel, const char *warehouse,
                               const char *price_group, int only_changed, sl_error *err);
/* Marks the items of such a list (as returned above) as pushed. */
int stock_mark_pushed(store *s, const char *channel, const json_t *items, int64_t now_ms,
                      sl_error *err);

/* Levels of every product per warehouse: [{sku, warehouse, on_hand_milli,
   reserved_milli, available_milli}]. New reference. */
json_t *stock_show_json(store *s, sl_error *err);

#endif
