/*
 * Exports below the CLI: the sheet writer's CSV cells (exact money text,
 * times, integers, empties, RFC 4180 quoting), its error paths (a row with
 * the wrong number of cells, an XLSX that cannot be written), the day
 * grammar, and export_run over inbox orders in a tenant's time zone:
 * local times, --from/--to as local days, status filters, and the
 * process's TZ given back afterwards (the tests run under
 * TZ=America/New_York).
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "docout/docout_sheet.h"
#include "export/export.h"
#include "inbox/inbox.h"
#include "order/order.h"
#include "shopledger/sdkutil.h"
#include "store/store.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static const docout_column COLS[] = {{"text", DOCOUT_COL_TEXT, 10},
                                     {"money", DOCOUT_COL_MONEY, 10},
                                     {"at", DOCOUT_COL_DATETIME, 19},
                                     {"day", DOCOUT_COL_DATE, 10},
                                     {"n", DOCOUT_COL_INTEGER, 6}};

static void test_csv_cells(void **state)
{
    sl_test_dir *d = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/cells.csv", d->dir);
    docout_sheet *sh = NULL;
    sl_error err = {.size = sizeof err};
    docout_sheet_options o = {.format = DOCOUT_FORMAT_CSV};
    assert_int_equal(docout_sheet_open(path, &o, COLS, 5, &sh, &err), SL_OK);
    docout_civil at = {2026, 3, 9, 7, 5, 3};
    docout_sheet_text(sh, "Ozols, \"Zaļš\"");
    docout_sheet_money(sh, -5, 2);
    docout_sheet_time(sh, &at);
    docout_sheet_time(sh, &at);
    docout_sheet_integer(sh, 42);
    assert_int_equal(docout_sheet_end_row(sh, &err), SL_OK);
    docout_sheet_empty(sh);
    docout_sheet_money(sh, INT64_MAX, 2); /* exact: never through a double */
    docout_sheet_time(sh, NULL);
    docout_sheet_time(sh, NULL);
    docout_sheet_money(sh, 1250000, 0);
    assert_int_equal(docout_sheet_end_row(sh, &err), SL_OK);
    assert_int_equal(docout_sheet_close(sh, &err), SL_OK);
    assert_string_equal(slurp(path),
                        "text,money,at,day,n\r\n"
                        "\"Ozols, \"\"Zaļš\"\"\",-0.05,2026-03-09 07:05:03,2026-03-09,42\r\n"
                        ",92233720368547758.07,,,1250000\r\n");
}

static void test_wrong_cell_count(void **state)
{
    sl_test_dir *d = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/short.csv", d->dir);
    docout_sheet *sh = NULL;
    sl_error err = {.size = sizeof err};
    docout_sheet_options o = {.format = DOCOUT_FORMAT_CSV};
    assert_int_equal(docout_sheet_open(path, &o, COLS, 5, &sh, &err), SL_OK);
    docout_sheet_text(sh, "only one");
    assert_int_equal(docout_sheet_end_row(sh, &err), SL_EINTERNAL);
    assert_int_equal(docout_sheet_close(sh, &err), SL_EINTERNAL);
}

static void test_xlsx_written_and_unwritable(void **state)
{
    sl_test_dir *d = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/s.xlsx", d->dir);
    docout_sheet *sh = NULL;
    sl_error err = {.size = sizeof err};
    docout_sheet_options o = {.format = DOCOUT_FORMAT_XLSX, .rtl = 1, .title = "orders"};
    assert_int_equal(docout_sheet_open(path, &o, COLS, 5, &sh, &err), SL_OK);
    docout_civil at = {2026, 3, 9, 7, 5, 3};
    docout_sheet_text(sh, "x");
    docout_sheet_money(sh, 123456, 2);
    docout_sheet_time(sh, &at);
    docout_sheet_time(sh, &at);
    docout_sheet_integer(sh, 7);
    assert_int_equal(docout_sheet_end_row(sh, &err), SL_OK);
    assert_int_equal(docout_sheet_close(sh, &err), SL_OK);
    assert_memory_equal(slurp(path), "PK\x03\x04", 4); /* a zip */

    snprintf(path, sizeof path, "%s/no/such/dir.xlsx", d->dir);
    assert_int_equal(docout_sheet_open(path, &o, COLS, 5, &sh, &err), SL_EIO);
    assert_non_null(strstr(err.message, "no/such/dir.xlsx"));
}

static void test_days(void **state)
{
    (void)state;
    assert_true(export_day_valid("2024-02-29"));
    assert_true(export_day_valid("2026-12-31"));
    assert_false(export_day_valid("2025-02-29"));
    assert_false(export_day_valid("2026-13-01"));
    assert_false(export_day_valid("2026-04-31"));
    assert_false(export_day_valid("2026-1-01"));
    assert_false(export_day_valid("2026-01-01x"));
    assert_false(export_day_valid("+026-01-01"));
    assert_false(export_day_valid(""));
    assert_int_equal(export_kind_parse("journal"), EXPORT_JOURNAL);
    assert_int_equal(export_kind_parse("stock"), 0);
}

/* An order of channel shop, created at `created_ms` with `status`. */
static void put_order(store *s, const char *id, int64_t created_ms, const char *status,
                      const char *normalized)
{
    sl_error err = {.size = sizeof err};
    order *o = order_new("unit", "shop");
    assert_non_null(o);
    assert_int_equal(order_set_text(o, SL_ORDER_EXTERNAL_ID, id, &err), SL_OK);
    assert_int_equal(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err), SL_OK);
    assert_int_equal(order_set_text(o, SL_ORDER_STATUS, status, &err), SL_OK);
    assert_int_equal(order_set_text(o, SL_ORDER_STATUS_NORMALIZED, normalized, &err), SL_OK);
    assert_int_equal(order_set_money(o, SL_ORDER_TOTAL, "10.00", &err), SL_OK);
    assert_int_equal(order_set_time(o, SL_ORDER_CREATED, created_ms, &err), SL_OK);
    order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
    assert_non_null(l);
    assert_int_equal(order_line_set_money(o, l, SL_LINE_TOTAL, "10.00", &err), SL_OK);
    int result = 0;
    int64_t item = 0;
    assert_int_equal(store_begin(s, &err), SL_OK);
    assert_int_equal(inbox_intake(s, o, created_ms + 1000, &result, &item, &err), SL_OK);
    assert_int_equal(store_commit(s, &err), SL_OK);
    order_free(o);
}

static int lines_of(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

static void test_orders_in_the_tenant_zone(void **state)
{
    sl_test_dir *d = *state;
    char db[128], ini[320], out[128];
    snprintf(db, sizeof db, "%s/t.db", d->dir);
    snprintf(out, sizeof out, "%s/orders.csv", d->dir);
    snprintf(ini, sizeof ini,
             "[tenant]\nid = unit\ncurrency = EUR\ndatabase = %s\n"
             "timezone = Asia/Tehran\n",
             db);
    const char *path = sl_test_put(d, "unit.ini", ini, 0600);
    config_tenant *t = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(config_load_file(path, &t, &err), SL_OK);
    store *s = NULL;
    assert_int_equal(store_open(db, &s, &err), SL_OK);
    /* 2026-11-20 20:15 UTC is 23:45 in Tehran; 20:45 UTC is 00:15 on the 21st */
    put_order(s, "1", 1795205700000LL, "processing", "confirmed");
    put_order(s, "2", 1795207500000LL, "pending", "awaiting_confirmation");
    put_order(s, "3", 1795300000000LL, "processing", "confirmed");

    export_request rq = {.kind = EXPORT_ORDERS, .format = DOCOUT_FORMAT_CSV, .path = out};
    export_summary sum;
    assert_int_equal(export_run(s, t, &rq, &sum, &err), SL_OK);
    assert_int_equal(sum.rows, 3);
    const char *csv = slurp(out);
    assert_non_null(strstr(csv, ",1,shop,2026-11-20 23:45:00,2026-11-20 23:45:01,processing,"));
    assert_non_null(strstr(csv, ",2,shop,2026-11-21 00:15:00,"));
    assert_string_equal(getenv("TZ"), "America/New_York"); /* given back */

    rq.from_day = rq.to_day = "2026-11-21"; /* a Tehran day */
    assert_int_equal(export_run(s, t, &rq, &sum, &err), SL_OK);
    assert_int_equal(sum.rows, 1);
    assert_non_null(strstr(slurp(out), ",2,shop,"));

    rq.from_day = rq.to_day = NULL;
    rq.status = "confirmed";
    assert_int_equal(export_run(s, t, &rq, &sum, &err), SL_OK);
    assert_int_equal(sum.rows, 2);
    assert_int_equal(lines_of(slurp(out)), 3);
    rq.status = "pending";
    assert_int_equal(export_run(s, t, &rq, &sum, &err), SL_OK);
    assert_int_equal(sum.rows, 1);

    rq.status = NULL;
    rq.from_day = "2026-02-30";
    assert_int_equal(export_run(s, t, &rq, &sum, &err), SL_EINVALID);
    assert_string_equal(err.field, "from");
    store_close(s);
    config_tenant_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_csv_cells, sl_test_dir_setup, sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_cell_count, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_written_and_unwritable, sl_test_dir_setup,
                                        sl_test_dir_teardown),
        cmocka_unit_test(test_days),
        cmocka_unit_test_setup_teardown(test_orders_in_the_tenant_zone, sl_test_dir_setup,
                                        sl_test_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
