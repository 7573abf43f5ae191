/*
 * Inside docout: the sheet's state shared by docout_sheet.c (the CSV path
 * and the dispatch) and docout_xlsx.c (the XLSX backend).
 */
#ifndef SL_DOCOUT_SHEET_INT_H
#define SL_DOCOUT_SHEET_INT_H

#include <stdio.h>

#include "docout/docout_csv.h"
#include "docout/docout_sheet.h"

typedef struct docout_xlsx docout_xlsx;

struct docout_sheet {
    int format;
    const docout_column *cols;
    size_t ncols;
    size_t col;     /* next cell of the current row */
    sl_error first; /* the first error; code SL_OK while none */
    FILE *file;     /* CSV */
    docout_csv csv;
    char path[512];
    docout_xlsx *x; /* XLSX */
};

/* Keeps the first error only; later ones are consequences. */
void docout_sheet_fail(docout_sheet *sh, int code, const char *field, const char *what);

/* The XLSX backend (docout_xlsx.c); `row` counts from 0 = the header. */
int docout_xlsx_open(docout_sheet *sh, const docout_sheet_options *o, sl_error *err);
void docout_xlsx_text(docout_sheet *sh, const char *text);
void docout_xlsx_money(docout_sheet *sh, int64_t minor, int exponent);
void docout_xlsx_time(docout_sheet *sh, const docout_civil *t);
void docout_xlsx_integer(docout_sheet *sh, int64_t n);
void docout_xlsx_end_row(docout_sheet *sh);
void docout_xlsx_close(docout_sheet *sh);

#endif
