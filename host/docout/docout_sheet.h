/*
 * A table written row by row to a file, as CSV or as XLSX: the one writer
 * every export uses, so an export says what its columns are and what goes
 * in each cell, never how a format spells it.
 *
 * A sheet has a fixed list of columns (name, kind, width); opening it
 * writes the header row. Cells are then given left to right, one call per
 * cell, and each row is ended with docout_sheet_end_row. Nothing is kept
 * per row once it is ended, so a sheet of any length takes bounded memory
 * (XLSX: libxlsxwriter's constant_memory mode, rows go to a temporary
 * file and into the zip at close).
 *
 * How each kind is written:
 *   kind              CSV (RFC 4180, UTF-8, docout_csv.h)   XLSX
 *   DOCOUT_COL_TEXT   the text                              inline string
 *   DOCOUT_COL_MONEY  exact decimal text ("1234.50")        number, format
 *                                                           #,##0.00 with the
 *                                                           currency's decimals
 *   DOCOUT_COL_DATETIME "YYYY-MM-DD HH:MM:SS"               date, yyyy-mm-dd hh:mm:ss
 *   DOCOUT_COL_DATE   "YYYY-MM-DD"                          date, yyyy-mm-dd
 *   DOCOUT_COL_INTEGER decimal digits                       number, format 0
 * An empty cell (docout_sheet_empty, empty text, a NULL time) is an empty
 * field in CSV and no cell at all in XLSX.
 *
 * Errors: the cell calls never fail; the first error (a write that did not
 * go through, XLSX's row limit) is kept and returned by end_row and close.
 * Not thread-safe: one sheet is one thread's.
 */
#ifndef SL_DOCOUT_SHEET_H
#define SL_DOCOUT_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"

enum docout_sheet_format { DOCOUT_FORMAT_CSV = 1, DOCOUT_FORMAT_XLSX };

enum docout_col_kind {
    DOCOUT_COL_TEXT = 1,
    DOCOUT_COL_MONEY,
    DOCOUT_COL_DATETIME,
    DOCOUT_COL_DATE,
    DOCOUT_COL_INTEGER
};

typedef struct docout_column {
    const char *name; /* header text, also the CSV header */
    int kind;         /* enum docout_col_kind */
    int width;        /* XLSX column width in characters */
} docout_column;

/* A local civil time (the caller converts from UTC in the tenant's zone). */
typedef struct docout_civil {
    int year, month, day, hour, minute, second;
} docout_civil;

typedef struct docout_sheet_options {
    int format;        /* enum docout_sheet_format */
    int bom;           /* CSV: a UTF-8 byte-order mark first (Excel) */
    int rtl;           /* XLSX: the sheet reads right to left (Persian) */
    const char *title; /* XLSX sheet name (at most 31 characters) */
} docout_sheet_options;

typedef struct docout_sheet docout_sheet;

/* Creates (truncates) `path` and writes the header row of `cols` (borrowed:
   they must outlive the sheet). SL_EIO naming the path when the file
   cannot be created, SL_EINVALID for an unknown format. */
int docout_sheet_open(const char *path, const docout_sheet_options *o, const docout_column *cols,
                      size_t ncols, docout_sheet **out, sl_error *err);
/* The next cell of the current row. */
void docout_sheet_text(docout_sheet *sh, const char *text);
void docout_sheet_money(docout_sheet *sh, int64_t minor, int exponent);
void docout_sheet_time(docout_sheet *sh, const docout_civil *t);
void docout_sheet_integer(docout_sheet *sh, int64_t n);
void docout_sheet_empty(docout_sheet *sh);
/* Ends the row; the first error so far (SL_OK when none). */
int docout_sheet_end_row(docout_sheet *sh, sl_error *err);
/* Finishes the file (XLSX: builds the zip) and frees the sheet, also on
   failure; the first error of the sheet's life. */
int docout_sheet_close(docout_sheet *sh, sl_error *err);

#endif
