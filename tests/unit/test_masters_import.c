/*
 * CSV master-data import: quoted fields, prices and stock land, a bad row
 * is refused naming its line and field, and (in the caller's rolled-back
 * transaction) nothing of the file remains.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "masters/masters.h"
#include "masters/masters_import.h"
#include "stock/stock.h"
#include "store/store.h"

static store *open_db(const char *name)
{
    sl_error err = {.size = sizeof(err)};
    store *s = NULL;
    sl_test_remove_db(name);
    assert_int_equal(store_open(name, &s, &err), SL_OK);
    return s;
}

static int import(store *s, int kind, const char *csv, size_t *rows, sl_error *err)
{
    assert_int_equal(store_begin(s, err), SL_OK);
    int rc = masters_import_csv(s, kind, csv, strlen(csv), 2, 1000, rows, err);
    if (rc == SL_OK)
        assert_int_equal(store_commit(s, err), SL_OK);
    else
        store_rollback(s);
    return rc;
}

static void products_with_quotes_prices_and_stock(void **state)
{
    (void)state;
    store *s = open_db("import-a.db");
    sl_error err = {.size = sizeof(err)};
    size_t rows = 0;
    const char *csv = "sku,name,parent_sku,price,price_group,on_hand,warehouse\r\n"
                      "HOOD,\"Hoodie, \"\"warm\"\"\",,39.00,retail,,\r\n"
                      "HOOD-M,Hoodie M,HOOD,39.00,retail,5,main\r\n";
    assert_int_equal(import(s, IMPORT_PRODUCTS, csv, &rows, &err), SL_OK);
    assert_int_equal(rows, 2);
    /* HOOD keeps no stock but has a price: listed, without a level */
    json_t *l = stock_list_for_channel(s, "c", "main", "retail", 0, &err);
    assert_int_equal(json_array_size(l), 2);
    json_t *hood = json_array_get(l, 0), *m = json_array_get(l, 1);
    assert_string_equal(json_string_value(json_object_get(hood, "sku")), "HOOD");
    assert_int_equal(json_integer_value(json_object_get(hood, "has_level")), 0);
    assert_int_equal(json_integer_value(json_object_get(hood, "stock_known")), 0);
    assert_int_equal(json_integer_value(json_object_get(hood, "price")), 3900);
    assert_string_equal(json_string_value(json_object_get(m, "sku")), "HOOD-M");
    assert_int_equal(json_integer_value(json_object_get(m, "price")), 3900);
    assert_int_equal(json_integer_value(json_object_get(m, "available")), 5);
    assert_int_equal(json_integer_value(json_object_get(m, "stock_known")), 1);
    json_decref(l);
    store_close(s);
    unlink("import-a.db");
}

static void bad_row_names_line_and_field_and_imports_nothing(void **state)
{
    (void)state;
    store *s = open_db("import-b.db");
    sl_error err = {.size = sizeof(err)};
    size_t rows = 0;
    const char *csv = "email,first_name,last_name\nann@example.com,Ann,Lee\nnot-an-email,Bo,Li\n";
    assert_int_equal(import(s, IMPORT_CUSTOMERS, csv, &rows, &err), SL_EINVALID);
    assert_string_equal(err.field, "email");
    assert_non_null(strstr(err.message, "line 3"));
    int64_t n = -1;
    sqlite3_stmt *st;
    sqlite3_prepare_v2(store_db(s), "SELECT COUNT(*) FROM customers", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    assert_int_equal(n, 0);
    assert_int_equal(import(s, IMPORT_PRODUCTS, "sku,colour\nA,red\n", &rows, &err), SL_EINVALID);
    assert_non_null(strstr(err.message, "unknown column 'colour'"));
    assert_int_equal(import(s, IMPORT_PRODUCTS, "sku,name,price\nA,x,1.234\n", &rows, &err),
                     SL_EINVALID);
    assert_string_equal(err.field, "price");
    /* Without a name: refused for a new SKU, a stock update for a known one. */
    assert_int_equal(import(s, IMPORT_PRODUCTS, "sku,on_hand\nNEW-1,4\n", &rows, &err),
                     SL_EINVALID);
    assert_string_equal(err.field, "name");
    assert_int_equal(import(s, IMPORT_PRODUCTS, "sku,name,on_hand\nOLD-1,Old,1\n", &rows, &err),
                     SL_OK);
    assert_int_equal(import(s, IMPORT_PRODUCTS, "sku,on_hand\nOLD-1,7\n", &rows, &err), SL_OK);
    sqlite3_prepare_v2(store_db(s),
                       "SELECT p.name, l.on_hand_milli FROM products p JOIN stock_levels l"
                       " ON l.product_id = p.id WHERE p.sku = 'OLD-1'",
                       -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "Old");
    assert_int_equal(sqlite3_column_int64(st, 1), 7000);
    sqlite3_finalize(st);
    store_close(s);
    unlink("import-b.db");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(products_with_quotes_prices_and_stock),
        cmocka_unit_test(bad_row_names_line_and_field_and_imports_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
