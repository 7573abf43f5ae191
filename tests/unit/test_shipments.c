/*
 * Shipments in the host: the schema (migration 8), one live shipment per
 * order (a second send conflicts, one after a failed one does not), a
 * service's parcel key belongs to one shipment, shipping-status changes
 * with their dated history (a repeat is no change, unknown words are
 * refused naming the field), the order-status history with its "from"
 * chain, each vocabulary word, and the one-order view.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox/outbox.h"
#include "shipments/order_status.h"
#include "shipments/order_view.h"
#include "shipments/shipments.h"
#include "shopledger/sdkutil.h"

#define OK(call) assert_int_equal((call), SL_OK)
#define T0 1717000000000LL

typedef struct fixture {
    char dir[64];
    char path[96];
    store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || sl_test_mkdtemp(f->dir, sizeof f->dir, "ship") != 0)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    sl_error err = {.size = sizeof err};
    if (store_open(f->path, &f->s, &err) != SL_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    sl_test_rmtree(f->dir);
    free(f);
    return 0;
}

static shipment new_shipment(const char *order)
{
    shipment sh;
    shipment_init(&sh);
    snprintf(sh.shop_channel, sizeof sh.shop_channel, "shop");
    snprintf(sh.external_id, sizeof sh.external_id, "%s", order);
    snprintf(sh.postal_channel, sizeof sh.postal_channel, "frotel");
    snprintf(sh.currency, sizeof sh.currency, "IRT");
    sh.weight_g = 1200;
    sh.declared_value = 171835;
    sh.cod_amount = 171835;
    return sh;
}

static void test_schema_version(void **state)
{
    fixture *f = *state;
    assert_true(store_schema_version(f->s) >= 9);
    assert_int_equal(shipments_migration.version, 9);
}

static void test_one_live_shipment(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    shipment a = new_shipment("1001"), b = new_shipment("1001");
    OK(shipment_insert(f->s, &a, T0, &err));
    assert_true(a.id > 0);
    assert_int_equal(shipment_insert(f->s, &b, T0, &err), SL_ECONFLICT);
    assert_string_equal(err.field, "external_id");
    /* a refused register frees the order for a new send */
    snprintf(a.reg_state, sizeof a.reg_state, SHIP_REG_FAILED);
    snprintf(a.last_error, sizeof a.last_error, "city not served");
    OK(shipment_update(f->s, &a, T0 + 1, &err));
    OK(shipment_insert(f->s, &b, T0 + 2, &err));
    shipment live;
    OK(shipment_find_live(f->s, "shop", "1001", &live, &err));
    assert_int_equal(live.id, b.id);
    assert_int_equal(live.cost_total, -1);
    assert_int_equal(live.cod_amount, 171835);
    assert_string_equal(live.status, SHIP_NOT_LOADED);
    assert_int_equal(shipment_find_live(f->s, "shop", "nope", &live, &err), SL_ENOTFOUND);
}

static void test_parcel_key_unique(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    shipment a = new_shipment("2001"), b = new_shipment("2002");
    OK(shipment_insert(f->s, &a, T0, &err));
    OK(shipment_insert(f->s, &b, T0, &err));
    snprintf(a.parcel_id, sizeof a.parcel_id, "9204518");
    snprintf(a.reg_state, sizeof a.reg_state, SHIP_REG_REGISTERED);
    a.cost_post = 21500;
    a.cost_total = 26435;
    OK(shipment_update(f->s, &a, T0, &err));
    snprintf(b.parcel_id, sizeof b.parcel_id, "9204518");
    assert_int_equal(shipment_update(f->s, &b, T0, &err), SL_ECONFLICT);
    assert_string_equal(err.field, "parcel_id");
    shipment back;
    OK(shipment_load(f->s, a.id, &back, &err));
    assert_int_equal(back.cost_post, 21500);
    assert_int_equal(back.cost_tax, -1);
    int64_t ids[4];
    int n = 0;
    OK(shipment_open_ids(f->s, "frotel", ids, 4, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], a.id);
}

static void test_refused_fields(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    shipment a = new_shipment("3001");
    snprintf(a.send_type, sizeof a.send_type, "pigeon");
    assert_int_equal(shipment_insert(f->s, &a, T0, &err), SL_EINVALID);
    assert_string_equal(err.field, "send_type");
    a = new_shipment("3001");
    snprintf(a.payment, sizeof a.payment, "prepaid");
    assert_int_equal(shipment_insert(f->s, &a, T0, &err), SL_EINVALID);
    assert_string_equal(err.field, "cod_amount");
    a = new_shipment("3001");
    a.weight_g = -1;
    assert_int_equal(shipment_insert(f->s, &a, T0, &err), SL_EINVALID);
    assert_string_equal(err.field, "weight_g");
    a = new_shipment("");
    assert_int_equal(shipment_insert(f->s, &a, T0, &err), SL_EINVALID);
    assert_string_equal(err.field, "external_id");
}

static void test_status_history(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    shipment a = new_shipment("4001");
    OK(shipment_insert(f->s, &a, T0, &err));
    int changed = -1;
    OK(shipment_set_status(f->s, a.id, SHIP_LEFT_WAREHOUSE, "ارسال شده", T0 + 10, "track:frotel",
                           NULL, &changed, &err));
    assert_int_equal(changed, 1);
    OK(shipment_set_status(f->s, a.id, SHIP_LEFT_WAREHOUSE, "ارسال شده", T0 + 20, "track:frotel",
                           NULL, &changed, &err));
    assert_int_equal(changed, 0);
    OK(shipment_set_status(f->s, a.id, SHIP_OTHER, "در حال بررسی گمرک", T0 + 30, "track:frotel",
                           "unknown label", &changed, &err));
    assert_int_equal(changed, 1);
    assert_int_equal(shipment_set_status(f->s, a.id, "lost", "", T0, "x", NULL, &changed, &err),
                     SL_EINVALID);
    assert_string_equal(err.field, "status");
    assert_int_equal(shipment_set_status(f->s, a.id, SHIP_OTHER, "", T0, "", NULL, &changed, &err),
                     SL_EINVALID);
    assert_string_equal(err.field, "who");
    json_t *one = shipment_show_json(f->s, a.id, &err);
    assert_non_null(one);
    json_t *h = json_object_get(one, "history");
    assert_int_equal(json_array_size(h), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "from")),
                        SHIP_NOT_LOADED);
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 1), "raw")),
                        "در حال بررسی گمرک");
    assert_string_equal(json_string_value(json_object_get(one, "status")), SHIP_OTHER);
    json_decref(one);
    assert_null(shipment_show_json(f->s, 999, &err));
    assert_int_equal(err.code, SL_ENOTFOUND);
}

static void test_vocabularies(void **state)
{
    (void)state;
    static const char *const SHIP[] = {"not_loaded",
                                       "no_shipping_needed",
                                       "left_warehouse",
                                       "delivered_to_post",
                                       "delivered_to_customer",
                                       "partial_delivery",
                                       "returned",
                                       "cancelled",
                                       "other"};
    for (size_t i = 0; i < sizeof SHIP / sizeof SHIP[0]; i++) {
        assert_true(ship_status_known(SHIP[i]));
        assert_non_null(strstr(ship_status_list(), SHIP[i]));
    }
    assert_false(ship_status_known("delivered"));
    assert_false(ship_status_known(NULL));
    assert_true(ship_status_final("delivered_to_customer"));
    assert_true(ship_status_final("returned"));
    assert_false(ship_status_final("partial_delivery"));
    static const char *const ORDER[] = {
        SL_STATUS_AWAITING,  SL_STATUS_CONFIRMED,      SL_STATUS_NOT_CONFIRMED, SL_STATUS_PREPARING,
        SL_STATUS_RESERVED,  SL_STATUS_INVOICE_DEFECT, SL_STATUS_SENT_TO_POST,  SL_STATUS_SENT,
        SL_STATUS_DELIVERED, SL_STATUS_RETURNED,       SL_STATUS_CANCELLED};
    for (size_t i = 0; i < sizeof ORDER / sizeof ORDER[0]; i++) {
        assert_true(order_status_known(ORDER[i]));
        assert_non_null(strstr(order_status_list(), ORDER[i]));
    }
    assert_false(order_status_known("shipped"));
}

static void test_order_status_history(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    int rec = -1;
    char cur[32];
    OK(order_status_current(f->s, "shop", "5001", cur, sizeof cur, &err));
    assert_string_equal(cur, "");
    OK(order_status_record(f->s, "shop", "5001", SL_STATUS_CONFIRMED, "processing", "shop", NULL,
                           T0, &rec, &err));
    assert_int_equal(rec, 1);
    OK(order_status_record(f->s, "shop", "5001", SL_STATUS_CONFIRMED, NULL, "shop", NULL, T0 + 1,
                           &rec, &err));
    assert_int_equal(rec, 0);
    OK(store_begin(f->s, &err));
    OK(order_status_record(f->s, "shop", "5001", SL_STATUS_SENT_TO_POST, NULL, "host",
                           "parcel 9204518", T0 + 2, &rec, &err));
    store_rollback(f->s); /* joins the caller's transaction: gone with it */
    OK(order_status_current(f->s, "shop", "5001", cur, sizeof cur, &err));
    assert_string_equal(cur, SL_STATUS_CONFIRMED);
    OK(order_status_record(f->s, "shop", "5001", SL_STATUS_SENT_TO_POST, NULL, "host",
                           "parcel 9204518", T0 + 3, &rec, &err));
    assert_int_equal(
        order_status_record(f->s, "shop", "5001", "shipped", NULL, "x", NULL, T0, &rec, &err),
        SL_EINVALID);
    assert_string_equal(err.field, "status");
    assert_int_equal(
        order_status_record(f->s, "shop", "5001", SL_STATUS_SENT, NULL, "", NULL, T0, &rec, &err),
        SL_EINVALID);
    assert_string_equal(err.field, "who");
    json_t *h = order_status_history_json(f->s, "shop", "5001", &err);
    assert_int_equal(json_array_size(h), 2);
    const json_t *second = json_array_get(h, 1);
    assert_string_equal(json_string_value(json_object_get(second, "from")), SL_STATUS_CONFIRMED);
    assert_string_equal(json_string_value(json_object_get(second, "to")), SL_STATUS_SENT_TO_POST);
    assert_string_equal(json_string_value(json_object_get(second, "who")), "host");
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "raw")),
                        "processing");
    assert_string_equal(json_string_value(json_object_get(second, "at")), "2024-05-29T16:26:40Z");
    json_decref(h);
}

static void test_order_view(void **state)
{
    fixture *f = *state;
    sl_error err = {.size = sizeof err};
    assert_null(order_view_json(f->s, "shop", "6001", &err));
    assert_int_equal(err.code, SL_ENOTFOUND);
    shipment a = new_shipment("6001");
    OK(shipment_insert(f->s, &a, T0, &err));
    OK(order_status_record(f->s, "shop", "6001", SL_STATUS_CONFIRMED, NULL, "shop", NULL, T0, NULL,
                           &err));
    int queued = 0;
    OK(outbox_put(f->s, OUTBOX_NOTE, "shop", "note:ship:1", "6001",
                  "{\"note\":\"tracking 1685300\"}", T0, &queued, &err));
    json_t *v = order_view_json(f->s, "shop", "6001", &err);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "status")), SL_STATUS_CONFIRMED);
    assert_true(json_is_null(json_object_get(v, "order")));
    assert_int_equal(json_array_size(json_object_get(v, "shipments")), 1);
    assert_int_equal(json_array_size(json_object_get(v, "documents")), 0);
    assert_int_equal(json_array_size(json_object_get(v, "payments")), 0);
    json_t *notes = json_object_get(v, "notes");
    assert_int_equal(json_array_size(notes), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 0), "note")),
                        "tracking 1685300");
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_schema_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_live_shipment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parcel_key_unique, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_history, setup, teardown),
        cmocka_unit_test(test_vocabularies),
        cmocka_unit_test_setup_teardown(test_order_status_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_view, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
