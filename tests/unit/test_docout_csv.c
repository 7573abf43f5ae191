/*
 * The RFC 4180 writer: plain fields bare, fields with a comma, quote, CR
 * or LF quoted with quotes doubled, CRLF between records, optional BOM.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docout/docout_csv.h"

static void test_quoting(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    docout_csv c;
    docout_csv_begin(&c, f, 1);
    docout_csv_field(&c, "plain");
    docout_csv_field(&c, "a,b");
    docout_csv_field(&c, "say \"hi\"");
    docout_csv_field(&c, "two\nlines");
    docout_csv_field(&c, "");
    docout_csv_end_record(&c);
    docout_csv_field(&c, "Ārija");
    docout_csv_end_record(&c);
    fclose(f);
    assert_string_equal(buf, "\xEF\xBB\xBFplain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
                             "Ārija\r\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_quoting)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
