/*
 * CSV master-data import (see masters_import.h), on the small RFC 4180
 * reader of csv_read.h. Sizes of the file, fields, columns and rows are
 * capped.
 */
#include <stdio.h>
#include <string.h>

#include "masters/masters.h"
#include "masters/csv_read.h"
#include "masters/masters_import.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "stock/stock.h"

static const char *const PRODUCT_COLS[] = {"sku",       "name",           "parent_sku",
                                           "price",     "price_group",    "on_hand",
                                           "warehouse", "purchase_price", NULL};
static const char *const CUSTOMER_COLS[] = {"email",   "first_name", "last_name",
                                            "company", "phone",      NULL};

static int bad(sl_error *err, size_t line, const char *field, const char *what)
{
    return sl_error_set(err, SL_EINVALID, field, "line %zu: %s: %s", line, field, what);
}

static int product_row(store *s, const csv_row *row, const int *col, size_t line, int exponent,
                       int64_t now_ms, sl_error *err)
{
    const char *sku = csv_get(row, col, 0), *price = csv_get(row, col, 3),
               *qty = csv_get(row, col, 5);
    const char *pp = csv_get(row, col, 7), *group = csv_get(row, col, 4),
               *wh = csv_get(row, col, 6);
    int64_t price_v = 0, qty_v = 0, pp_v = 0, id = 0;
    if (!*sku)
        return bad(err, line, "sku", "required");
    /* A stock or price update by SKU needs no name; a new product does. */
    int rc = *csv_get(row, col, 1) ? SL_OK : masters_product_find(s, sku, &id, err);
    if (rc != SL_OK)
        return rc;
    if (!*csv_get(row, col, 1) && id == 0)
        return bad(err, line, "name", "required for a new product");
    if (*price && sl_money_parse(price, exponent, &price_v))
        return bad(err, line, "price", "not a decimal amount in the currency");
    if (*qty && sl_quantity_parse(qty, &qty_v))
        return bad(err, line, "on_hand", "not a decimal quantity");
    if (*pp && sl_money_parse(pp, exponent, &pp_v))
        return bad(err, line, "purchase_price", "not a decimal amount in the currency");
    if (id == 0)
        rc = masters_product_ensure(s, sku, csv_get(row, col, 1), csv_get(row, col, 2), 1, now_ms,
                                    &id, NULL, err);
    if (rc == SL_OK && *price)
        rc = masters_price_set(s, id, *group ? group : "retail", price_v, err);
    if (rc == SL_OK && *pp)
        rc = masters_product_set_purchase_price(s, id, pp_v, err);
    if (rc == SL_OK && *qty) {
        int64_t w = 0;
        rc = masters_warehouse_ensure(s, *wh ? wh : "main", &w, err);
        if (rc == SL_OK)
            rc = stock_set_on_hand(s, w, id, qty_v, now_ms, err);
    }
    return rc;
}

static int customer_row(store *s, const csv_row *row, const int *col, size_t line, int64_t now_ms,
                        sl_error *err)
{
    const char *email = csv_get(row, col, 0);
    if (!*email)
        return bad(err, line, "email", "required");
    const char *at = strchr(email, '@');
    if (!at || at == email || !at[1] || strchr(at + 1, '@'))
        return bad(err, line, "email", "not an e-mail address");
    masters_customer c = {email, csv_get(row, col, 1), csv_get(row, col, 2), csv_get(row, col, 3),
                          csv_get(row, col, 4)};
    int64_t id = 0;
    return masters_customer_ensure(s, &c, now_ms, &id, err);
}

int masters_import_csv(store *s, int kind, const char *text, size_t len, int exponent,
                       int64_t now_ms, size_t *rows, sl_error *err)
{
    if (len > IMPORT_MAX_BYTES)
        return sl_error_set(err, SL_ETOOBIG, "", "file larger than %u bytes", IMPORT_MAX_BYTES);
    static _Thread_local csv_row row; /* ~16 KB: kept off the stack */
    csv_reader r = {text, text + len, 0};
    int col[IMPORT_MAX_COLUMNS];
    const char *const *names = kind == IMPORT_PRODUCTS ? PRODUCT_COLS : CUSTOMER_COLS;
    int rc = csv_read_row(&r, &row, err);
    if (rc == SL_OK)
        rc = csv_map_header(&row, names, col, err);
    size_t n = 0;
    while (rc == SL_OK && r.p < r.end) {
        size_t line = r.line + 1;
        rc = csv_read_row(&r, &row, err);
        if (rc || (row.count == 1 && !row.field[0][0]))
            continue; /* blank line */
        if (++n > IMPORT_MAX_ROWS)
            return sl_error_set(err, SL_ETOOBIG, "", "more than %d rows", IMPORT_MAX_ROWS);
        rc = kind == IMPORT_PRODUCTS ? product_row(s, &row, col, line, exponent, now_ms, err)
                                     : customer_row(s, &row, col, line, now_ms, err);
    }
    if (rc == SL_OK)
        *rows = n;
    return rc;
}
