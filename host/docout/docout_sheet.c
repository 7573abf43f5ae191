/*
 * The sheet writer (docout_sheet.h): CSV here, XLSX in docout_xlsx.c.
 * The CSV path keeps every value as exact text: money straight from the
 * int64 minor units (sl_money_format), never through a number type.
 */
#include "docout/docout_sheet.h"

#include <stdlib.h>
#include <string.h>

#include "docout/docout_sheet_int.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

void docout_sheet_fail(docout_sheet *sh, int code, const char *field, const char *what)
{
    if (sh->first.code == SL_OK)
        sl_error_set(&sh->first, code, field, "%s", what);
}

static int open_csv(docout_sheet *sh, const docout_sheet_options *o, sl_error *err)
{
    sh->file = fopen(sh->path, "wb");
    if (sh->file == NULL)
        return sl_error_set(err, SL_EIO, "output", "cannot write %s", sh->path);
    docout_csv_begin(&sh->csv, sh->file, o->bom);
    for (size_t i = 0; i < sh->ncols; i++)
        docout_csv_field(&sh->csv, sh->cols[i].name);
    docout_csv_end_record(&sh->csv);
    return SL_OK;
}

int docout_sheet_open(const char *path, const docout_sheet_options *o, const docout_column *cols,
                      size_t ncols, docout_sheet **out, sl_error *err)
{
    if (o->format != DOCOUT_FORMAT_CSV && o->format != DOCOUT_FORMAT_XLSX)
        return sl_error_set(err, SL_EINVALID, "format", "format must be csv or xlsx");
    if (strlen(path) >= sizeof((docout_sheet *)0)->path)
        return sl_error_set(err, SL_EINVALID, "output", "output path is too long");
    docout_sheet *sh = calloc(1, sizeof *sh);
    if (sh == NULL)
        return sl_error_set(err, SL_ENOMEM, "output", "out of memory");
    sh->format = o->format;
    sh->cols = cols;
    sh->ncols = ncols;
    sh->first.size = sizeof sh->first;
    snprintf(sh->path, sizeof sh->path, "%s", path);
    int rc = o->format == DOCOUT_FORMAT_CSV ? open_csv(sh, o, err) : docout_xlsx_open(sh, o, err);
    if (rc != SL_OK) {
        free(sh);
        return rc;
    }
    *out = sh;
    return SL_OK;
}

void docout_sheet_text(docout_sheet *sh, const char *text)
{
    if (sh->format == DOCOUT_FORMAT_CSV)
        docout_csv_field(&sh->csv, text ? text : "");
    else if (text && *text)
        docout_xlsx_text(sh, text);
    sh->col++;
}

void docout_sheet_money(docout_sheet *sh, int64_t minor, int exponent)
{
    char buf[SL_MONEY_TEXT_MAX];
    if (sh->format == DOCOUT_FORMAT_CSV)
        docout_csv_field(&sh->csv, sl_money_format(minor, exponent, buf));
    else
        docout_xlsx_money(sh, minor, exponent);
    sh->col++;
}

void docout_sheet_time(docout_sheet *sh, const docout_civil *t)
{
    int date_only = sh->col < sh->ncols && sh->cols[sh->col].kind == DOCOUT_COL_DATE;
    if (sh->format == DOCOUT_FORMAT_CSV) {
        char buf[40] = "";
        if (t && date_only)
            snprintf(buf, sizeof buf, "%04d-%02d-%02d", t->year, t->month, t->day);
        else if (t)
            snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", t->year, t->month, t->day,
                     t->hour, t->minute, t->second);
        docout_csv_field(&sh->csv, buf);
    } else if (t) {
        docout_xlsx_time(sh, t);
    }
    sh->col++;
}

void docout_sheet_integer(docout_sheet *sh, int64_t n)
{
    if (sh->format == DOCOUT_FORMAT_CSV) {
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)n);
        docout_csv_field(&sh->csv, buf);
    } else {
        docout_xlsx_integer(sh, n);
    }
    sh->col++;
}

void docout_sheet_empty(docout_sheet *sh)
{
    docout_sheet_text(sh, "");
}

int docout_sheet_end_row(docout_sheet *sh, sl_error *err)
{
    if (sh->col != sh->ncols)
        docout_sheet_fail(sh, SL_EINTERNAL, "cells", "a row has the wrong number of cells");
    if (sh->format == DOCOUT_FORMAT_CSV) {
        docout_csv_end_record(&sh->csv);
        if (ferror(sh->file))
            docout_sheet_fail(sh, SL_EIO, "output", "write failed");
    } else {
        docout_xlsx_end_row(sh);
    }
    sh->col = 0;
    if (sh->first.code != SL_OK)
        return sl_error_set(err, sh->first.code, sh->first.field, "%s: %s", sh->path,
                            sh->first.message);
    return SL_OK;
}

int docout_sheet_close(docout_sheet *sh, sl_error *err)
{
    if (sh->format == DOCOUT_FORMAT_CSV) {
        if (ferror(sh->file) | (fclose(sh->file) != 0))
            docout_sheet_fail(sh, SL_EIO, "output", "write failed");
    } else {
        docout_xlsx_close(sh);
    }
    int rc = sh->first.code;
    if (rc != SL_OK)
        sl_error_set(err, rc, sh->first.field, "%s: %s", sh->path, sh->first.message);
    free(sh);
    return rc;
}
