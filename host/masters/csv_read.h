/*
 * CSV rows from a bounded text: the reader behind `import products|
 * customers` and the postal channels' city lists. Each field is cut at
 * IMPORT_MAX_FIELD - 1 bytes with an error, at most IMPORT_MAX_COLUMNS
 * columns per row.
 */
#ifndef SL_CSV_READ_H
#define SL_CSV_READ_H

#include <stddef.h>

#include "masters/masters_import.h"
#include "shopledger/sdk.h"

typedef struct csv_row {
    char field[IMPORT_MAX_COLUMNS][IMPORT_MAX_FIELD];
    int count;
} csv_row;

/* The text being read: p moves from the start towards end; line counts
   the rows read (1 = the header). */
typedef struct csv_reader {
    const char *p, *end;
    size_t line;
} csv_reader;

/* Reads the next row into *row (~16 KB: keep it off the stack).
   SL_ETOOBIG for a field or column count over the caps, SL_EINVALID for
   an unterminated quote, each naming the line. */
int csv_read_row(csv_reader *r, csv_row *row, sl_error *err);
/* Maps header names (NULL-terminated list) to column positions: col[i]
   is the index of names[i] in the row or -1. An unknown name is refused
   (field = that name); the first listed column is required. */
int csv_map_header(const csv_row *h, const char *const *names, int *col, sl_error *err);
/* Field i of names in row, "" when the column is absent or short. */
const char *csv_get(const csv_row *row, const int *col, int i);

#endif
