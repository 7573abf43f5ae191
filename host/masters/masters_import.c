/*
 * CSV master-data import (see masters_import.h). A small RFC 4180 reader:
 * fields separated by commas, optionally quoted with "" as an escaped
 * quote, rows ended by LF or CRLF. Sizes of the file, fields, columns and
 * rows are capped.
 */
#include <stdio.h>
#include <string.h>

#include "masters/masters.h"
#include "masters/masters_import.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "stock/stock.h"

typedef struct csv_row {
    char field[IMPORT_MAX_COLUMNS][IMPORT_MAX_FIELD];
    int count;
} csv_row;

typedef struct csv_reader {
    const char *p, *end;
    size_t line;
} csv_reader;

/* Reads one field into out; returns 1 when the row continues, 0 at its
   end, negative on error. */
static int read_field(csv_reader *r, char *out, sl_error *err)
{
    size_t n = 0;
    int quoted = r->p < r->end && *r->p == '"';
    if (quoted)
        r->p++;
    while (r->p < r->end) {
        char c = *r->p;
        if (quoted && c == '"') {
            if (r->p + 1 < r->end && r->p[1] == '"') {
                r->p++;
            } else {
                quoted = 0;
                r->p++;
                continue;
            }
        } else if (!quoted && (c == ',' || c == '\n' || c == '\r')) {
            break;
        } else if (c == '\n') {
            r->line++;
        }
        if (n + 1 >= IMPORT_MAX_FIELD)
            return sl_error_set(err, SL_ETOOBIG, "", "line %zu: field longer than %d bytes",
                                r->line, IMPORT_MAX_FIELD - 1);
        out[n++] = *r->p++;
    }
    out[n] = '\0';
    if (quoted)
        return sl_error_set(err, SL_EINVALID, "", "line %zu: unterminated quote", r->line);
    if (r->p < r->end && *r->p == ',') {
        r->p++;
        return 1;
    }
    if (r->p < r->end && *r->p == '\r')
        r->p++;
    if (r->p < r->end && *r->p == '\n')
        r->p++;
    return 0;
}

static int read_row(csv_reader *r, csv_row *row, sl_error *err)
{
    row->count = 0;
    r->line++;
    for (;;) {
        if (row->count >= IMPORT_MAX_COLUMNS)
            return sl_error_set(err, SL_ETOOBIG, "", "line %zu: more than %d columns", r->line,
                                IMPORT_MAX_COLUMNS);
        int rc = read_field(r, row->field[row->count], err);
        if (rc < 0)
            return rc;
        row->count++;
        if (rc == 0)
            return SL_OK;
    }
}

static const char *const PRODUCT_COLS[] = {"sku", "name", "parent_sku", "price", "price_group",
                                           "on_hand", "warehouse", "purchase_price", NULL};
static const char *const CUSTOMER_COLS[] = {"email", "first_name", "last_name", "company",
                                            "phone", NULL};

/* Maps header names to column positions (col[i] = index in the row or
   -1). Unknown names are refused; the first listed column is required. */
static int map_header(const csv_row *h, const char *const *names, int *col, sl_error *err)
{
    for (int i = 0; names[i]; i++)
        col[i] = -1;
    for (int c = 0; c < h->count; c++) {
        int found = 0;
        for (int i = 0; names[i] && !found; i++)
            if (strcmp(h->field[c], names[i]) == 0) {
                col[i] = c;
                found = 1;
            }
        if (!found)
            return sl_error_set(err, SL_EINVALID, h->field[c], "line 1: unknown column '%s'",
                                h->field[c]);
    }
    if (col[0] < 0)
        return sl_error_set(err, SL_EINVALID, names[0], "line 1: column '%s' is missing",
                            names[0]);
    return SL_OK;
}

static const char *get(const csv_row *row, const int *col, int i)
{
    return col[i] >= 0 && col[i] < row->count ? row->field[col[i]] : "";
}

static int bad(sl_error *err, size_t line, const char *field, const char *what)
{
    return sl_error_set(err, SL_EINVALID, field, "line %zu: %s: %s", line, field, what);
}

static int product_row(store *s, const csv_row *row, const int *col, size_t line, int exponent,
                       int64_t now_ms, sl_error *err)
{
    const char *sku = get(row, col, 0), *price = get(row, col, 3), *qty = get(row, col, 5);
    const char *pp = get(row, col, 7), *group = get(row, col, 4), *wh = get(row, col, 6);
    int64_t price_v = 0, qty_v = 0, pp_v = 0, id = 0;
    if (!*sku)
        return bad(err, line, "sku", "required");
    /* A stock or price update by SKU needs no name; a new product does. */
    int rc = *get(row, col, 1) ? SL_OK : masters_product_find(s, sku, &id, err);
    if (rc != SL_OK)
        return rc;
    if (!*get(row, col, 1) && id == 0)
        return bad(err, line, "name", "required for a new product");
    if (*price && sl_money_parse(price, exponent, &price_v))
        return bad(err, line, "price", "not a decimal amount in the currency");
    if (*qty && sl_quantity_parse(qty, &qty_v))
        return bad(err, line, "on_hand", "not a decimal quantity");
    if (*pp && sl_money_parse(pp, exponent, &pp_v))
        return bad(err, line, "purchase_price", "not a decimal amount in the currency");
    if (id == 0)
        rc = masters_product_ensure(s, sku, get(row, col, 1), get(row, col, 2), 1, now_ms, &id,
                                    NULL, err);
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

static int customer_row(store *s, const csv_row *row, const int *col, size_t line,
                        int64_t now_ms, sl_error *err)
{
    const char *email = get(row, col, 0);
    if (!*email)
        return bad(err, line, "email", "required");
    const char *at = strchr(email, '@');
    if (!at || at == email || !at[1] || strchr(at + 1, '@'))
        return bad(err, line, "email", "not an e-mail address");
    masters_customer c = {email, get(row, col, 1), get(row, col, 2), get(row, col, 3),
                          get(row, col, 4)};
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
    int rc = read_row(&r, &row, err);
    if (rc == SL_OK)
        rc = map_header(&row, names, col, err);
    size_t n = 0;
    while (rc == SL_OK && r.p < r.end) {
        size_t line = r.line + 1;
        rc = read_row(&r, &row, err);
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
