/*
 * The XLSX backend of the sheet writer, on libxlsxwriter (Debian
 * libxlsxwriter-dev 1.1.4) in constant_memory mode: each finished row goes
 * to a temporary file, strings are written inline, and workbook_close
 * builds the zip, so the memory of an export does not grow with its rows.
 *
 * The sheet: a bold header row, frozen; every column's width from its
 * docout_column; right to left when asked (Persian tenants); dates as
 * Excel dates with a yyyy-mm-dd (hh:mm:ss) format; money as numbers with a
 * #,##0.00-style format carrying the currency's own decimals (one format
 * per exponent, made on first use).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "docout/docout_sheet_int.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define XLSX_MAX_EXPONENT 9
#define XLSX_MAX_CELL_TEXT 32767 /* Excel's limit of one cell's text */

struct docout_xlsx {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *header, *datetime, *date, *integer;
    lxw_format *money[XLSX_MAX_EXPONENT + 1];
    lxw_row_t row;
    char *cut; /* scratch for a text over the cell limit */
};

static void check(docout_sheet *sh, lxw_error e)
{
    if (e == LXW_NO_ERROR)
        return;
    if (e == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE)
        docout_sheet_fail(sh, SL_ETOOBIG, "rows", "more rows than one XLSX sheet holds (1048575)");
    else
        docout_sheet_fail(sh, SL_EIO, "output", lxw_strerror(e));
}

static lxw_format *number_format(lxw_workbook *wb, const char *pattern)
{
    lxw_format *f = workbook_add_format(wb);
    if (f)
        format_set_num_format(f, pattern);
    return f;
}

int docout_xlsx_open(docout_sheet *sh, const docout_sheet_options *o, sl_error *err)
{
    /* libxlsxwriter creates the file only at close (and says why on
       stderr itself); trying it now fails early, naming the path. */
    FILE *probe = fopen(sh->path, "wb");
    if (probe == NULL || fclose(probe) != 0)
        return sl_error_set(err, SL_EIO, "output", "cannot write %s", sh->path);
    docout_xlsx *x = calloc(1, sizeof *x);
    if (x == NULL)
        return sl_error_set(err, SL_ENOMEM, "output", "out of memory");
    lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE};
    x->wb = workbook_new_opt(sh->path, &wo);
    x->ws = x->wb ? workbook_add_worksheet(x->wb, o->title) : NULL;
    if (x->ws == NULL) {
        if (x->wb)
            workbook_close(x->wb); /* writes a file we then remove */
        remove(sh->path);
        free(x);
        return sl_error_set(err, SL_EIO, "output", "cannot write %s", sh->path);
    }
    sh->x = x;
    x->header = workbook_add_format(x->wb);
    format_set_bold(x->header);
    x->datetime = number_format(x->wb, "yyyy-mm-dd hh:mm:ss");
    x->date = number_format(x->wb, "yyyy-mm-dd");
    x->integer = number_format(x->wb, "0");
    if (o->rtl)
        worksheet_right_to_left(x->ws);
    worksheet_freeze_panes(x->ws, 1, 0);
    for (size_t i = 0; i < sh->ncols; i++) {
        lxw_col_t c = (lxw_col_t)i;
        check(sh, worksheet_set_column(x->ws, c, c, sh->cols[i].width, NULL));
        check(sh, worksheet_write_string(x->ws, 0, c, sh->cols[i].name, x->header));
    }
    x->row = 1;
    return SL_OK;
}

/* Cuts text at a UTF-8 boundary within the cell limit (bytes >= chars). */
static const char *cell_text(docout_xlsx *x, const char *text)
{
    size_t n = strlen(text);
    if (n <= XLSX_MAX_CELL_TEXT)
        return text;
    n = XLSX_MAX_CELL_TEXT;
    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    free(x->cut);
    x->cut = malloc(n + 1);
    if (x->cut == NULL)
        return "";
    memcpy(x->cut, text, n);
    x->cut[n] = '\0';
    return x->cut;
}

void docout_xlsx_text(docout_sheet *sh, const char *text)
{
    docout_xlsx *x = sh->x;
    check(sh, worksheet_write_string(x->ws, x->row, (lxw_col_t)sh->col, cell_text(x, text), NULL));
}

static lxw_format *money_format(docout_xlsx *x, int exponent)
{
    if (exponent < 0 || exponent > XLSX_MAX_EXPONENT)
        exponent = 0;
    if (x->money[exponent] == NULL) {
        char pattern[32] = "#,##0";
        if (exponent > 0) {
            size_t n = strlen(pattern);
            pattern[n++] = '.';
            for (int i = 0; i < exponent; i++)
                pattern[n++] = '0';
            pattern[n] = '\0';
        }
        x->money[exponent] = number_format(x->wb, pattern);
    }
    return x->money[exponent];
}

void docout_xlsx_money(docout_sheet *sh, int64_t minor, int exponent)
{
    docout_xlsx *x = sh->x;
    /* An XLSX number is an IEEE double: the one place money leaves the
       integers. It is converted once, from the exact decimal text of the
       int64 minor units (strtod rounds correctly), so the cell holds the
       double nearest the exact amount and no arithmetic was done in
       floating point; the CSV keeps the exact text. */
    char text[SL_MONEY_TEXT_MAX];
    double value = strtod(sl_money_format(minor, exponent, text), NULL);
    check(sh, worksheet_write_number(x->ws, x->row, (lxw_col_t)sh->col, value,
                                     money_format(x, exponent)));
}

void docout_xlsx_time(docout_sheet *sh, const docout_civil *t)
{
    docout_xlsx *x = sh->x;
    int date_only = sh->cols[sh->col].kind == DOCOUT_COL_DATE;
    lxw_datetime dt = {.year = t->year, .month = t->month, .day = t->day};
    if (!date_only) {
        dt.hour = t->hour;
        dt.min = t->minute;
        dt.sec = t->second;
    }
    check(sh, worksheet_write_datetime(x->ws, x->row, (lxw_col_t)sh->col, &dt,
                                       date_only ? x->date : x->datetime));
}

void docout_xlsx_integer(docout_sheet *sh, int64_t n)
{
    docout_xlsx *x = sh->x;
    /* Row ids and counts: far below 2^53, exact as a double. */
    check(sh, worksheet_write_number(x->ws, x->row, (lxw_col_t)sh->col, (double)n, x->integer));
}

void docout_xlsx_end_row(docout_sheet *sh)
{
    sh->x->row++;
}

void docout_xlsx_close(docout_sheet *sh)
{
    docout_xlsx *x = sh->x;
    check(sh, workbook_close(x->wb));
    free(x->cut);
    free(x);
    sh->x = NULL;
}
