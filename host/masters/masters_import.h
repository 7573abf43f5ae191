/*
 * Master-data import from CSV (`shopledger import products|customers`).
 * The file has a header row naming the columns (any order; unknown
 * columns are refused). Every row is validated; the first bad one stops
 * the import with "line N: FIELD: problem". Everything is written in the
 * caller's one transaction, so an import is all or nothing.
 *
 * products:  sku,name,parent_sku,price,price_group,on_hand,warehouse,purchase_price
 *            (name only for a new SKU: a known one takes a stock or price
 *            update by sku alone)
 * customers: email,first_name,last_name,company,phone
 */
#ifndef SL_MASTERS_IMPORT_H
#define SL_MASTERS_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"
#include "store/store.h"

#define IMPORT_MAX_BYTES (32u << 20)
#define IMPORT_MAX_ROWS 200000
#define IMPORT_MAX_FIELD 1024
#define IMPORT_MAX_COLUMNS 16

enum import_kind { IMPORT_PRODUCTS = 1, IMPORT_CUSTOMERS };

/* Imports `len` bytes of CSV text. Money columns are read at `exponent`.
 *rows gets the number of data rows imported. */
int masters_import_csv(store *s, int kind, const char *text, size_t len, int exponent,
                       int64_t now_ms, size_t *rows, sl_error *err);

#endif
