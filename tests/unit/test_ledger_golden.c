/*
 * Golden data tests of the processing rules: each tests/golden/<case>/
 * holds tenant.ini (the tenant and its channel rules), order.json (one
 * normalized order in order_to_json's form, or an array of them: revisions
 * delivered one after the other, each followed by a processing run) and
 * expected.json (the documents with lines, postings, payments and stock
 * moves, stock levels and inbox states that must result). expected.json
 * is matched as a subset: every key it names must be equal, arrays must
 * have the same length. After every case the ledger must balance.
 *
 * SL_GOLDEN_DUMP=1 prints the actual result of each case (to write new
 * cases; the expected file is then checked by hand, never copied blind).
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "config/config.h"
#include "inbox/inbox.h"
#include "ledger/ledger.h"
#include "order/order.h"
#include "rules/rules.h"
#include "stock/stock.h"
#include "store/store.h"

#define GOLDEN_DIR SL_SOURCE_DIR "/tests/golden"
#define T0_MS 1767225600000LL /* 2026-01-01T00:00:00Z */

/* Subset match; on a difference writes the JSON path into `path`. */
static int subset(const json_t *want, const json_t *have, char *path, size_t cap)
{
    if (json_is_object(want)) {
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)want, k, v)
        {
            size_t used = strlen(path);
            snprintf(path + used, cap - used, ".%s", k);
            if (!json_is_object(have) || !subset(v, json_object_get(have, k), path, cap))
                return 0;
            path[used] = '\0';
        }
        return 1;
    }
    if (json_is_array(want)) {
        if (!json_is_array(have) || json_array_size(want) != json_array_size(have)) {
            size_t used = strlen(path);
            snprintf(path + used, cap - used, " (length %zu != %zu)", json_array_size(want),
                     json_is_array(have) ? json_array_size(have) : (size_t)0);
            return 0;
        }
        for (size_t i = 0; i < json_array_size(want); i++) {
            size_t used = strlen(path);
            snprintf(path + used, cap - used, "[%zu]", i);
            if (!subset(json_array_get(want, i), json_array_get(have, i), path, cap))
                return 0;
            path[used] = '\0';
        }
        return 1;
    }
    return have && json_equal((json_t *)want, (json_t *)have);
}

static void intake_and_process(store *s, const config_tenant *t, const json_t *step, int64_t now)
{
    sl_error err = {.size = sizeof(err)};
    order *o = NULL;
    if (order_from_json(step, &o, &err) != SL_OK)
        fail_msg("order.json: %s (%s)", err.message, err.field);
    int result = 0;
    int64_t item = 0;
    assert_int_equal(store_begin(s, &err), SL_OK);
    if (inbox_intake(s, o, now, &result, &item, &err) != SL_OK)
        fail_msg("intake: %s", err.message);
    assert_int_equal(store_commit(s, &err), SL_OK);
    order_free(o);
    rules_summary sum = {0, 0, 0};
    assert_int_equal(rules_process_pending(s, t, now, 1000, &sum, &err), SL_OK);
}

/* Texts of the notes queued to the shop, in order. */
static json_t *notes(store *s)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(s),
                                        "SELECT json_extract(payload, '$.note') FROM outbox"
                                        " WHERE kind = 1 ORDER BY id",
                                        -1, &st, NULL),
                     SQLITE_OK);
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, json_string((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    return arr;
}

static json_t *actual_state(store *s)
{
    sl_error err = {.size = sizeof(err)};
    json_t *list = ledger_doc_list_json(s, 0, &err);
    assert_non_null(list);
    json_t *docs = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(list, i, d)
    {
        json_t *full = ledger_doc_show_json(s, json_integer_value(json_object_get(d, "id")), &err);
        assert_non_null(full);
        json_array_append_new(docs, full);
    }
    json_decref(list);
    json_t *inbox = inbox_list_json(s, NULL, 1000, &err);
    assert_non_null(inbox);
    json_t *states = json_array();
    for (size_t k = json_array_size(inbox); k > 0; k--)
        json_array_append(states, json_object_get(json_array_get(inbox, k - 1), "state"));
    json_decref(inbox);
    json_t *stock = stock_show_json(s, &err);
    assert_non_null(stock);
    return json_pack("{s:o, s:o, s:o, s:o}", "documents", docs, "stock", stock, "inbox", states,
                     "notes", notes(s));
}

static void run_case(const char *name)
{
    char path[512], db[256];
    sl_error err = {.size = sizeof(err)};
    config_tenant *t = NULL;
    snprintf(path, sizeof(path), GOLDEN_DIR "/%s/tenant.ini", name);
    if (config_load_file(path, &t, &err) != SL_OK)
        fail_msg("%s: %s", path, err.message);
    snprintf(db, sizeof(db), "golden-%s.db", name);
    sl_test_remove_db(db);
    store *s = NULL;
    assert_int_equal(store_open(db, &s, &err), SL_OK);

    snprintf(path, sizeof(path), GOLDEN_DIR "/%s/order.json", name);
    json_error_t jerr;
    json_t *steps = json_load_file(path, 0, &jerr);
    if (!steps)
        fail_msg("%s:%d: %s", path, jerr.line, jerr.text);
    if (json_is_object(steps))
        steps = json_pack("[o]", steps);
    for (size_t i = 0; i < json_array_size(steps); i++)
        intake_and_process(s, t, json_array_get(steps, i), T0_MS + (int64_t)i * 60000);
    json_decref(steps);

    json_t *have = actual_state(s);
    if (getenv("SL_GOLDEN_DUMP"))
        json_dumpf(have, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER), puts("");
    snprintf(path, sizeof(path), GOLDEN_DIR "/%s/expected.json", name);
    json_t *want = json_load_file(path, 0, &jerr);
    if (!want)
        fail_msg("%s:%d: %s", path, jerr.line, jerr.text);
    char where[512] = "";
    int ok = subset(want, have, where, sizeof(where));
    if (!ok) {
        char *dump = json_dumps(have, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        fprintf(stderr, "%s: differs at %s\nactual:\n%s\n", name, where, dump);
        free(dump);
    }
    int64_t diff = -1;
    assert_int_equal(ledger_imbalance(s, &diff, &err), SL_OK);
    json_decref(want);
    json_decref(have);
    store_close(s);
    config_tenant_free(t);
    sl_test_remove_db(db);
    assert_true(ok);
    assert_int_equal(diff, 0);
}

#define GOLDEN(name)                                                                               \
    static void test_##name(void **state)                                                          \
    {                                                                                              \
        (void)state;                                                                               \
        run_case(#name);                                                                           \
    }
#include "../golden/cases.h"
#undef GOLDEN

int main(void)
{
#define GOLDEN(name) cmocka_unit_test(test_##name),
    const struct CMUnitTest tests[] = {
#include "../golden/cases.h"
    };
#undef GOLDEN
    return cmocka_run_group_tests(tests, NULL, NULL);
}
