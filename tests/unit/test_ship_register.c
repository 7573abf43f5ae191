/*
 * Registering a parcel exactly once, with a postal plugin that can look a
 * parcel up (tests/plugins/testpost): an answer lost after the service
 * registered it is found by reference on the retry (one parcel, its key
 * recorded); a request lost before it reached the service is registered
 * on the retry (still one parcel); a shipment never goes out twice.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "inbox/inbox.h"
#include "order/order.h"
#include "runtime/runtime.h"
#include "shipments/ship_send.h"
#include "shopledger/sdkutil.h"

#define OK(call) assert_int_equal((call), SL_OK)
#define T0 1796000000000LL

typedef struct fx {
    char dir[64], db[128], ini[128], csv[128];
    config_tenant *t;
    runtime_tenant *rt;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || sl_test_mkdtemp(f->dir, sizeof f->dir, "shipreg") != 0)
        return -1;
    snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
    snprintf(f->ini, sizeof f->ini, "%s/t.ini", f->dir);
    snprintf(f->csv, sizeof f->csv, "%s/cities.csv", f->dir);
    FILE *c = fopen(f->csv, "w");
    fprintf(c, "province_id,province,city_id,city\n4,Isfahan,42,Kashan\n");
    fclose(c);
    FILE *i = fopen(f->ini, "w");
    fprintf(i,
            "[tenant]\nid = unit\ncurrency = IRT\ndatabase = %s\n\n"
            "[channel:shop]\nplugin = testshop\nprocess_when = processing\n\n"
            "[channel:tp]\nplugin = testpost\nparcels_dir = %s\ncities = cities.csv\n",
            f->db, f->dir);
    fclose(i);
    sl_error err = {.size = sizeof err};
    if (config_load_file(f->ini, &f->t, &err) != SL_OK ||
        runtime_open(f->t, SL_TEST_PLUGIN_DIR, 1, &f->rt, &err) != SL_OK) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    runtime_close(f->rt);
    config_tenant_free(f->t);
    sl_test_rmtree(f->dir);
    free(f);
    return 0;
}

static void add_order(fx *f, const char *id)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"tenant\":\"unit\",\"channel\":\"shop\",\"exponent\":0,\"external_id\":\"%s\","
             "\"currency\":\"IRT\",\"status\":\"processing\",\"total\":545000,"
             "\"payment_method\":\"cod\",\"phone\":\"09121112244\","
             "\"shipping\":{\"first_name\":\"Leila\",\"last_name\":\"Hosseini\","
             "\"line1\":\"Fin 9\",\"city\":\"Kashan\",\"state\":\"Isfahan\","
             "\"postcode\":\"8731512345\"},"
             "\"lines\":[{\"kind\":\"product\",\"sku\":\"MUG\",\"name\":\"Mug\","
             "\"qty_milli\":1000,\"total\":500000,\"total_tax\":45000}]}",
             id);
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    order *o = NULL;
    sl_error err = {.size = sizeof err};
    if (order_from_json(j, &o, &err) != SL_OK)
        fail_msg("%s", err.message);
    json_decref(j);
    int result = 0;
    int64_t item = 0;
    OK(store_begin(f->rt->db, &err));
    OK(inbox_intake(f->rt->db, o, T0, &result, &item, &err));
    OK(store_commit(f->rt->db, &err));
    order_free(o);
}

static void fault(fx *f, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *x = fopen(path, "w");
    fclose(x);
}

static int parcels(fx *f)
{
    char path[256], line[256];
    snprintf(path, sizeof path, "%s/parcels.txt", f->dir);
    FILE *x = fopen(path, "r");
    int n = 0;
    while (x && fgets(line, sizeof line, x))
        n++;
    if (x)
        fclose(x);
    return n;
}

typedef struct send_data {
    runtime_tenant *rt;
    int64_t now;
} send_data;

static int sender(void *data, const outbox_row *row, sl_error *err)
{
    send_data *d = data;
    return ship_register_row(d->rt->db, runtime_channel_find(d->rt, row->channel), row, d->now,
                             err);
}

/* Queues order `id` and runs its outbox row at `now`; the shipment back. */
static shipment send_at(fx *f, const char *id, int64_t now, int queue)
{
    sl_error err = {.size = sizeof err};
    shipment sh;
    if (queue) {
        ship_send_request rq = {
            .shop_channel = "shop", .external_id = id, .postal_channel = "tp", .who = "test"};
        if (ship_send_queue(f->rt->db, f->t, &rq, T0, &sh, &err) != SL_OK)
            fail_msg("queue: %s", err.message);
    } else {
        OK(shipment_find_live(f->rt->db, "shop", id, &sh, &err));
    }
    char key[64];
    int sent = 0;
    send_data d = {f->rt, now};
    ship_register_key(sh.id, key, sizeof key);
    OK(outbox_dispatch_key(f->rt->db, key, now, sender, &d, &sent, &err));
    OK(shipment_load(f->rt->db, sh.id, &sh, &err));
    return sh;
}

static void test_lost_answer_is_found(void **state)
{
    fx *f = *state;
    add_order(f, "9001");
    fault(f, "lose_answer");
    shipment sh = send_at(f, "9001", T0, 1);
    assert_string_equal(sh.reg_state, SHIP_REG_REGISTERING); /* unknown: asked again later */
    assert_int_equal(parcels(f), 1);
    sh = send_at(f, "9001", T0 + 3600 * 1000, 0); /* the outbox's retry */
    assert_string_equal(sh.reg_state, SHIP_REG_REGISTERED);
    assert_string_equal(sh.parcel_id, "TP0001");
    assert_int_equal(parcels(f), 1); /* found, not registered again */
    sh = send_at(f, "9001", T0 + 7200 * 1000, 0);
    assert_int_equal(parcels(f), 1);
    sl_error err = {.size = sizeof err};
    ship_send_request rq = {
        .shop_channel = "shop", .external_id = "9001", .postal_channel = "tp", .who = "test"};
    assert_int_equal(ship_send_queue(f->rt->db, f->t, &rq, T0, &sh, &err), SL_ECONFLICT);
}

static void test_lost_request_is_sent_again(void **state)
{
    fx *f = *state;
    add_order(f, "9002");
    fault(f, "lose_request");
    shipment sh = send_at(f, "9002", T0, 1);
    assert_string_equal(sh.reg_state, SHIP_REG_REGISTERING);
    assert_int_equal(parcels(f), 0);
    sh = send_at(f, "9002", T0 + 3600 * 1000, 0); /* find: none, so register */
    assert_string_equal(sh.reg_state, SHIP_REG_REGISTERED);
    assert_int_equal(parcels(f), 1);
    /* resolve on a registered shipment changes nothing */
    sl_error err = {.size = sizeof err};
    OK(ship_resolve_unknown(f->rt->db, runtime_channel_find(f->rt, "tp"), sh.id, T0, &err));
    OK(shipment_load(f->rt->db, sh.id, &sh, &err));
    assert_string_equal(sh.reg_state, SHIP_REG_REGISTERED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lost_answer_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_request_is_sent_again, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
