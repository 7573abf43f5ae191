/*
 * Processing rules beyond the golden files: a 500-line order, a failure
 * after numbering rolls back everything (the series stays gapless), an
 * unbalanced journal is refused before anything is written, a channel
 * that may not create products leaves a Draft naming the SKU, a batch
 * rolls back only its failing items, a stock
 * sync list pushes only what changed since it was marked pushed, a
 * refund without lines is split over the order's tax rates, and what the
 * shop restocked returns to stock once.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "config/config.h"
#include "inbox/inbox.h"
#include "ledger/ledger.h"
#include "masters/masters.h"
#include "order/order.h"
#include "rules/rules.h"
#include "stock/stock.h"
#include "store/store.h"

#define T0 1767225600000LL

typedef struct fixture {
    config_tenant *t;
    store *s;
    char db[64];
} fixture;

static const char INI_FMT[] = "[tenant]\nid = unit\ncurrency = EUR\ndatabase = x.db\n"
                              "vat_registered = yes\n\n[channel:shop]\nplugin = testshop\n"
                              "document = invoice\nprocess_when = processing\napprove = yes\n"
                              "add_payment = yes\nseries = SH\nprice_group = retail\n%s";

static void setup_with(fixture *f, const char *extra)
{
    char path[64];
    snprintf(path, sizeof(path), "rules-%d.ini", (int)getpid());
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, INI_FMT, extra);
    fclose(fp);
    sl_error err = {.size = sizeof(err)};
    if (config_load_file(path, &f->t, &err) != SL_OK)
        fail_msg("%s", err.message);
    unlink(path);
    snprintf(f->db, sizeof(f->db), "rules-%d.db", (int)getpid());
    unlink(f->db);
    assert_int_equal(store_open(f->db, &f->s, &err), SL_OK);
}

static void teardown(fixture *f)
{
    store_close(f->s);
    config_tenant_free(f->t);
    sl_test_remove_db(f->db);
}

/* An order of n lines, each 1.00 net + 0.21 tax; `groups` distinct tax
   rate ids spread over the lines. */
static order *make_order(const char *ext, int n, int groups)
{
    sl_error err = {.size = sizeof(err)};
    order *o = order_new("unit", "shop");
    assert_int_equal(order_set_text(o, SL_ORDER_EXTERNAL_ID, ext, &err), SL_OK);
    assert_int_equal(order_set_text(o, SL_ORDER_STATUS, "processing", &err), SL_OK);
    assert_int_equal(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err), SL_OK);
    char total[32];
    snprintf(total, sizeof(total), "%d.%02d", n * 121 / 100, n * 121 % 100);
    assert_int_equal(order_set_money(o, SL_ORDER_TOTAL, total, &err), SL_OK);
    for (int i = 0; i < n; i++) {
        order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
        assert_non_null(l);
        char sku[32], rate[16];
        snprintf(sku, sizeof(sku), "SKU-%04d", i);
        snprintf(rate, sizeof(rate), "r%d", i % groups);
        assert_int_equal(order_line_set_text(o, l, SL_LINE_SKU, sku, &err), SL_OK);
        assert_int_equal(order_line_set_text(o, l, SL_LINE_TAX_RATE_ID, rate, &err), SL_OK);
        assert_int_equal(order_line_set_money(o, l, SL_LINE_TOTAL, "1.00", &err), SL_OK);
        assert_int_equal(order_line_set_money(o, l, SL_LINE_TOTAL_TAX, "0.21", &err), SL_OK);
    }
    return o;
}

static int deliver_item(fixture *f, order *o, int64_t now, int64_t *item_out)
{
    sl_error err = {.size = sizeof(err)};
    int result = 0, state = 0;
    int64_t item = 0;
    assert_int_equal(store_begin(f->s, &err), SL_OK);
    if (inbox_intake(f->s, o, now, &result, &item, &err) != SL_OK)
        fail_msg("intake: %s", err.message);
    assert_int_equal(store_commit(f->s, &err), SL_OK);
    order_free(o);
    rules_process_item(f->s, f->t, item, now, &state, &err);
    *item_out = item;
    return state;
}

static int deliver(fixture *f, order *o, int64_t now)
{
    int64_t item = 0;
    return deliver_item(f, o, now, &item);
}

static json_t *docs(fixture *f)
{
    sl_error err = {.size = sizeof(err)};
    json_t *d = ledger_doc_list_json(f->s, 0, &err);
    assert_non_null(d);
    return d;
}

static void assert_balanced(fixture *f)
{
    sl_error err = {.size = sizeof(err)};
    int64_t diff = -1;
    assert_int_equal(ledger_imbalance(f->s, &diff, &err), SL_OK);
    assert_int_equal(diff, 0);
}

static void five_hundred_lines_post_one_document(void **state)
{
    (void)state;
    fixture f;
    setup_with(&f, "");
    assert_int_equal(deliver(&f, make_order("big", 500, 3), T0), INBOX_PROCESSED);
    json_t *d = docs(&f);
    assert_int_equal(json_array_size(d), 1);
    json_t *doc = json_array_get(d, 0);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "posted");
    assert_int_equal(json_integer_value(json_object_get(doc, "gross")), 60500);
    assert_int_equal(json_integer_value(json_object_get(doc, "tax")), 10500);
    json_decref(d);
    assert_balanced(&f);
    teardown(&f);
}

static void failure_after_numbering_rolls_back_and_keeps_series_gapless(void **state)
{
    (void)state;
    fixture f;
    setup_with(&f, "");
    /* 70 tax groups overflow one journal: the posting step fails after
       the number was taken, so everything must roll back. */
    assert_int_equal(deliver(&f, make_order("wide", 70, 70), T0), INBOX_FAILED);
    json_t *d = docs(&f);
    assert_int_equal(json_array_size(d), 0);
    json_decref(d);
    assert_int_equal(deliver(&f, make_order("next", 2, 1), T0 + 1000), INBOX_PROCESSED);
    d = docs(&f);
    assert_int_equal(json_array_size(d), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "number")),
                        "SH-000001");
    json_decref(d);
    assert_balanced(&f);
    teardown(&f);
}

/* Files an order into the inbox without processing it. */
static int64_t file_only(fixture *f, order *o, int64_t now)
{
    sl_error err = {.size = sizeof(err)};
    int result = 0;
    int64_t item = 0;
    assert_int_equal(store_begin(f->s, &err), SL_OK);
    assert_int_equal(inbox_intake(f->s, o, now, &result, &item, &err), SL_OK);
    assert_int_equal(store_commit(f->s, &err), SL_OK);
    order_free(o);
    return item;
}

static int item_state(fixture *f, int64_t id)
{
    sl_error err = {.size = sizeof(err)};
    inbox_item *it = NULL;
    assert_int_equal(inbox_load(f->s, id, &it, &err), SL_OK);
    int st = it->state;
    inbox_item_free(it);
    return st;
}

/* A batch (serve's call) with failing items among good ones: each failing
   one is rolled back alone, numbering included, and marked failed; the
   others are booked in order with gapless numbers; a batch without a
   failure books everything. */
static void batch_rolls_back_only_the_failing_items(void **state)
{
    (void)state;
    fixture f;
    setup_with(&f, "");
    int64_t ok1 = file_only(&f, make_order("ok1", 2, 1), T0);
    int64_t bad1 = file_only(&f, make_order("bad1", 70, 70), T0); /* journal overflows */
    int64_t ok2 = file_only(&f, make_order("ok2", 1, 1), T0);
    int64_t bad2 = file_only(&f, make_order("bad2", 70, 70), T0);
    int64_t ok3 = file_only(&f, make_order("ok3", 3, 2), T0);
    rules_summary sum = {0};
    sl_error err = {.size = sizeof(err)};
    assert_int_equal(rules_process_batch(f.s, f.t, T0 + 1000, 64, &sum, &err), SL_OK);
    assert_int_equal(sum.processed, 3);
    assert_int_equal(sum.failed, 2);
    assert_int_equal(item_state(&f, ok1), INBOX_PROCESSED);
    assert_int_equal(item_state(&f, ok2), INBOX_PROCESSED);
    assert_int_equal(item_state(&f, ok3), INBOX_PROCESSED);
    assert_int_equal(item_state(&f, bad1), INBOX_FAILED);
    assert_int_equal(item_state(&f, bad2), INBOX_FAILED);
    json_t *d = docs(&f);
    assert_int_equal(json_array_size(d), 3);
    static const char *const want[][2] = {
        {"ok1", "SH-000001"}, {"ok2", "SH-000002"}, {"ok3", "SH-000003"}};
    for (size_t i = 0; i < 3; i++) {
        const json_t *doc = NULL;
        size_t k;
        json_t *x;
        json_array_foreach(d, k, x)
        {
            if (strcmp(json_string_value(json_object_get(x, "external_id")), want[i][0]) == 0)
                doc = x;
        }
        assert_non_null(doc);
        assert_string_equal(json_string_value(json_object_get(doc, "number")), want[i][1]);
    }
    json_decref(d);
    assert_balanced(&f);
    /* The failed ones are not due yet; new good ones book in one run. */
    int64_t ok4 = file_only(&f, make_order("ok4", 1, 1), T0 + 2000);
    rules_summary sum2 = {0};
    assert_int_equal(rules_process_batch(f.s, f.t, T0 + 2000, 64, &sum2, &err), SL_OK);
    assert_int_equal(sum2.processed, 1);
    assert_int_equal(sum2.failed, 0);
    assert_int_equal(item_state(&f, ok4), INBOX_PROCESSED);
    assert_balanced(&f);
    teardown(&f);
}

static void unbalanced_journal_is_refused(void **state)
{
    (void)state;
    fixture f;
    setup_with(&f, "");
    sl_error err = {.size = sizeof(err)};
    ledger_journal j = {.n = 0};
    assert_int_equal(ledger_journal_add(&j, "2310", 100, "", "", &err), SL_OK);
    assert_int_equal(ledger_journal_add(&j, "6110", -99, "", "", &err), SL_OK);
    ledger_doc *doc = ledger_doc_new(LEDGER_INVOICE, "shop", "x");
    snprintf(doc->currency, sizeof(doc->currency), "EUR");
    assert_int_equal(store_begin(f.s, &err), SL_OK);
    assert_int_equal(ledger_doc_insert(f.s, doc, T0, &err), SL_OK);
    assert_int_equal(ledger_post(f.s, doc->id, 0, &j, T0, &err), SL_EINTERNAL);
    assert_non_null(strstr(err.message, "debits 100 != credits 99"));
    assert_int_equal(store_commit(f.s, &err), SL_OK);
    ledger_doc_free(doc);
    assert_balanced(&f);
    teardown(&f);
}

static void unknown_product_without_creation_is_a_draft(void **state)
{
    (void)state;
    fixture f;
    setup_with(&f, "create_products = no\n");
    assert_int_equal(deliver(&f, make_order("nocreate", 1, 1), T0), INBOX_DRAFT);
    json_t *d = docs(&f);
    const char *reason = json_string_value(json_object_get(json_array_get(d, 0), "reason"));
    assert_non_null(strstr(reason, "SKU-0000"));
    json_decref(d);
    teardown(&f);
}

static void stock_sync_pushes_only_changes(void **state)
{
    (void)state;
    fixture f;
    setup_with(&f, "");
    sl_error err = {.size = sizeof(err)};
    int64_t p = 0, w = 0;
    assert_int_equal(store_begin(f.s, &err), SL_OK);
    assert_int_equal(masters_product_ensure(f.s, "SKU-0000", "A", NULL, 1, T0, &p, NULL, &err), 0);
    assert_int_equal(masters_warehouse_ensure(f.s, "main", &w, &err), SL_OK);
    assert_int_equal(stock_set_on_hand(f.s, w, p, 10000, T0, &err), SL_OK);
    assert_int_equal(masters_price_set(f.s, p, "retail", 1999, &err), SL_OK);
    assert_int_equal(store_commit(f.s, &err), SL_OK);
    json_t *l = stock_list_for_channel(f.s, "shop", "main", "retail", 1, &err);
    assert_int_equal(json_array_size(l), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "available")), 10);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "price")), 1999);
    assert_int_equal(stock_mark_pushed(f.s, "shop", l, T0, &err), SL_OK);
    json_decref(l);
    l = stock_list_for_channel(f.s, "shop", "main", "retail", 1, &err);
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
    /* Selling 2 (invoice) changes availability: it is listed again. */
    assert_int_equal(deliver(&f, make_order("sale", 1, 1), T0 + 1), INBOX_PROCESSED);
    l = stock_list_for_channel(f.s, "shop", "main", "retail", 1, &err);
    assert_int_equal(json_array_size(l), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "available_milli")),
                     9000);
    json_decref(l);
    teardown(&f);
}

static void add_taxed_line(order *o, const char *sku, const char *total, const char *tax,
                           const char *percent)
{
    sl_error err = {.size = sizeof(err)};
    order_line *l = order_add_line(o, SL_LINE_PRODUCT, &err);
    assert_non_null(l);
    assert_int_equal(order_line_set_text(o, l, SL_LINE_SKU, sku, &err), SL_OK);
    assert_int_equal(order_line_set_money(o, l, SL_LINE_TOTAL, total, &err), SL_OK);
    assert_int_equal(order_line_set_money(o, l, SL_LINE_TOTAL_TAX, tax, &err), SL_OK);
    assert_int_equal(order_line_set_money(o, l, SL_LINE_TAX_PERCENT, percent, &err), SL_OK);
}

static void assert_refund_line(const json_t *line, const char *group, int64_t net, int64_t tax)
{
    assert_string_equal(json_string_value(json_object_get(line, "kind")), "refund");
    assert_string_equal(json_string_value(json_object_get(line, "tax_group")), group);
    assert_int_equal(json_integer_value(json_object_get(line, "net")), net);
    assert_int_equal(json_integer_value(json_object_get(line, "tax")), tax);
}

/* Invoice: A 100.00 + 21.00 VAT (gross 121.00), B 50.00 + 6.00 VAT
   (gross 56.00), together 177.00. Refund 50.00 without lines:
     gross  A 5000 * 12100 / 17700 = 3418 rest 1400
            B 5000 *  5600 / 17700 = 1581 rest 16300
            one unit left (5000 - 4999): B has the larger rest -> 1582
     tax    A 3418 * 2100 / 12100 = 593.21 -> 593, net 2825
            B 1582 *  600 /  5600 = 169.50 -> 170 (half up), net 1412
   The old single line would have booked 5000 * 2700 / 17700 = 763 at
   21 % only. */
static void refund_without_lines_is_split_per_rate(void **state)
{
    (void)state;
    fixture f;
    setup_with(&f, "");
    sl_error err = {.size = sizeof(err)};
    order *o = order_new("unit", "shop");
    assert_int_equal(order_set_text(o, SL_ORDER_EXTERNAL_ID, "two-rates", &err), SL_OK);
    assert_int_equal(order_set_text(o, SL_ORDER_STATUS, "processing", &err), SL_OK);
    assert_int_equal(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err), SL_OK);
    assert_int_equal(order_set_money(o, SL_ORDER_TOTAL, "177.00", &err), SL_OK);
    add_taxed_line(o, "A", "100.00", "21.00", "21");
    add_taxed_line(o, "B", "50.00", "6.00", "12");
    order_line *r = order_add_line(o, SL_LINE_REFUND, &err);
    assert_non_null(r);
    assert_int_equal(order_line_set_text(o, r, SL_LINE_EXTERNAL_ID, "7", &err), SL_OK);
    assert_int_equal(order_line_set_money(o, r, SL_LINE_TOTAL, "50.00", &err), SL_OK);
    assert_int_equal(deliver(&f, o, T0), INBOX_PROCESSED);
    json_t *d = docs(&f);
    assert_int_equal(json_array_size(d), 2);
    json_t *cn = ledger_doc_show_json(
        f.s, json_integer_value(json_object_get(json_array_get(d, 1), "id")), &err);
    assert_non_null(cn);
    assert_string_equal(json_string_value(json_object_get(cn, "type")), "credit_note");
    assert_int_equal(json_integer_value(json_object_get(cn, "gross")), -5000);
    assert_int_equal(json_integer_value(json_object_get(cn, "tax")), -763);
    json_t *lines = json_object_get(cn, "lines");
    assert_int_equal(json_array_size(lines), 2);
    assert_refund_line(json_array_get(lines, 0), "TAX-21", -2825, -593);
    assert_refund_line(json_array_get(lines, 1), "TAX-12", -1412, -170);
    json_decref(cn);
    json_decref(d);
    assert_balanced(&f);
    teardown(&f);
}

/* 3 x MUG 10.00 + 2.10 VAT = 36.30; each revision adds refunds and the
   shop's cumulative restocked figure. */
static order *mug_order(int64_t modified, int refunds, const char *restocked)
{
    sl_error err = {.size = sizeof(err)};
    order *o = order_new("unit", "shop");
    assert_int_equal(order_set_text(o, SL_ORDER_EXTERNAL_ID, "mugs", &err), SL_OK);
    assert_int_equal(order_set_text(o, SL_ORDER_STATUS, "processing", &err), SL_OK);
    assert_int_equal(order_set_text(o, SL_ORDER_CURRENCY, "EUR", &err), SL_OK);
    assert_int_equal(order_set_time(o, SL_ORDER_MODIFIED, modified, &err), SL_OK);
    assert_int_equal(order_set_money(o, SL_ORDER_TOTAL, "36.30", &err), SL_OK);
    add_taxed_line(o, "MUG", "30.00", "6.30", "21");
    assert_int_equal(order_line_set_quantity(&o->lines[0], "3", &err), SL_OK);
    if (restocked)
        assert_int_equal(order_line_set_restocked(o, &o->lines[0], restocked, &err), SL_OK);
    for (int i = 1; i <= refunds; i++) {
        char id[16];
        snprintf(id, sizeof(id), "r%d", i);
        order_line *r = order_add_line(o, SL_LINE_REFUND, &err);
        assert_non_null(r);
        assert_int_equal(order_line_set_text(o, r, SL_LINE_EXTERNAL_ID, id, &err), SL_OK);
        assert_int_equal(order_line_set_money(o, r, SL_LINE_TOTAL, "12.10", &err), SL_OK);
    }
    assert_int_equal(order_validate(o, &err), SL_OK);
    return o;
}

static int64_t mug_on_hand(fixture *f)
{
    sl_error err = {.size = sizeof(err)};
    json_t *st = stock_show_json(f->s, &err);
    assert_int_equal(json_array_size(st), 1);
    int64_t v = json_integer_value(json_object_get(json_array_get(st, 0), "on_hand_milli"));
    json_decref(st);
    return v;
}

static void restock_returns_stock_once(void **state)
{
    (void)state;
    fixture f;
    setup_with(&f, "");
    int64_t item = 0;
    sl_error err = {.size = sizeof(err)};
    assert_int_equal(deliver_item(&f, mug_order(T0, 0, NULL), T0, &item), INBOX_PROCESSED);
    assert_int_equal(mug_on_hand(&f), -3000);
    /* refund r1 with one mug restocked: 1 back */
    assert_int_equal(deliver_item(&f, mug_order(T0 + 1000, 1, "1"), T0 + 1000, &item),
                     INBOX_PROCESSED);
    assert_int_equal(mug_on_hand(&f), -2000);
    /* the same revision processed again books nothing more */
    int st = 0;
    assert_int_equal(rules_process_item(f.s, f.t, item, T0 + 1500, &st, &err), SL_OK);
    assert_int_equal(st, INBOX_PROCESSED);
    assert_int_equal(mug_on_hand(&f), -2000);
    /* refund r2, figure now 3 (cumulative): 3 - 1 = 2 back */
    assert_int_equal(deliver(&f, mug_order(T0 + 2000, 2, "3"), T0 + 2000), INBOX_PROCESSED);
    assert_int_equal(mug_on_hand(&f), 0);
    /* refund r3, figure still 3: nothing */
    assert_int_equal(deliver(&f, mug_order(T0 + 3000, 3, "3"), T0 + 3000), INBOX_PROCESSED);
    assert_int_equal(mug_on_hand(&f), 0);
    json_t *d = docs(&f);
    assert_int_equal(json_array_size(d), 4); /* invoice + 3 credit notes */
    json_decref(d);
    assert_balanced(&f);
    teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(five_hundred_lines_post_one_document),
        cmocka_unit_test(failure_after_numbering_rolls_back_and_keeps_series_gapless),
        cmocka_unit_test(batch_rolls_back_only_the_failing_items),
        cmocka_unit_test(unbalanced_journal_is_refused),
        cmocka_unit_test(unknown_product_without_creation_is_a_draft),
        cmocka_unit_test(stock_sync_pushes_only_changes),
        cmocka_unit_test(refund_without_lines_is_split_per_rate),
        cmocka_unit_test(restock_returns_stock_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
