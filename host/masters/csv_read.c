/*
 * A small RFC 4180 reader (csv_read.h): fields separated by commas,
 * optionally quoted with "" as an escaped quote, rows ended by LF or CRLF.
 */
#include <stdio.h>
#include <string.h>

#include "masters/csv_read.h"
#include "shopledger/sdkutil.h"

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

int csv_read_row(csv_reader *r, csv_row *row, sl_error *err)
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

/* Maps header names to column positions (col[i] = index in the row or
   -1). Unknown names are refused; the first listed column is required. */
int csv_map_header(const csv_row *h, const char *const *names, int *col, sl_error *err)
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
        return sl_error_set(err, SL_EINVALID, names[0], "line 1: column '%s' is missing", names[0]);
    return SL_OK;
}

const char *csv_get(const csv_row *row, const int *col, int i)
{
    return col[i] >= 0 && col[i] < row->count ? row->field[col[i]] : "";
}
