/*
 * The RFC 4180 writer (see docout_csv.h). Errors are the stream's: the
 * caller checks ferror/fclose once at the end.
 */
#include "docout/docout_csv.h"

#include <string.h>

void docout_csv_begin(docout_csv *c, FILE *f, int bom)
{
    c->f = f;
    c->fields = 0;
    if (bom)
        fputs("\xEF\xBB\xBF", f);
}

void docout_csv_field(docout_csv *c, const char *text)
{
    if (c->fields++)
        fputc(',', c->f);
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(text, c->f);
        return;
    }
    fputc('"', c->f);
    for (const char *r = text; *r; r++) {
        if (*r == '"')
            fputc('"', c->f);
        fputc(*r, c->f);
    }
    fputc('"', c->f);
}

void docout_csv_end_record(docout_csv *c)
{
    fputs("\r\n", c->f);
    c->fields = 0;
}
