/*
 * CSV per RFC 4180 for exports: fields separated by commas, records ended
 * by CRLF, a field quoted when it holds a comma, quote, CR or LF (quotes
 * doubled). UTF-8, with a byte-order mark first when asked (Excel).
 */
#ifndef SL_DOCOUT_CSV_H
#define SL_DOCOUT_CSV_H

#include <stdio.h>

typedef struct docout_csv {
    FILE *f;
    int fields; /* written in the current record */
} docout_csv;

/* Starts a CSV on f (not owned); writes the BOM when `bom`. */
void docout_csv_begin(docout_csv *c, FILE *f, int bom);
void docout_csv_field(docout_csv *c, const char *text);
void docout_csv_end_record(docout_csv *c);

#endif
