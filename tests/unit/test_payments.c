/*
 * Gateway payments in the host: the conversion rule of a gateway channel
 * (multiply/divide, one half-up rounding to 10^N gateway units, the way
 * back to the shop's currency), its option errors, and booking a confirmed
 * attempt once with its fee and rounding difference on a balanced ledger.
 */
#include "support.h"

#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "ledger/ledger.h"
#include "loader/loader.h"
#include "payments/pay_int.h"
#include "shopledger/money.h"

#define SHOP "process_when = processing\n\n"

static config_tenant *gateway_tenant(const char *db, const char *gateway_lines)
{
    char lines[1024];
    snprintf(lines, sizeof lines, SHOP "[channel:zp]\nplugin = zarinpal\nprocess_when = paid\n%s",
             gateway_lines);
    return sl_test_tenant(db, lines);
}

static void load_rule(const char *lines, pay_rule *r)
{
    config_tenant *t = gateway_tenant("unused.db", lines);
    sl_error err = {.size = sizeof err};
    int rc = pay_rule_load(t, config_find_channel(t, "zp"), r, &err);
    if (rc != SL_OK)
        fail_msg("%s", err.message);
    config_tenant_free(t);
}

static int64_t to_gateway(const pay_rule *r, int shop_exp, int64_t shop)
{
    int64_t g = 0;
    sl_error err = {.size = sizeof err};
    char text[PAY_TEXT_MAX];
    if (pay_rule_to_gateway(r, "USD", shop_exp, shop, &g, text, sizeof text, &err) != SL_OK)
        fail_msg("%s", err.message);
    return g;
}

static void test_rounding_two_digits(void **state)
{
    (void)state;
    pay_rule r;
    load_rule("gateway_currency = IRR\nrate = 1\nrounding = 2\n", &r);
    assert_int_equal(to_gateway(&r, 0, 1223), 1200);
    assert_int_equal(to_gateway(&r, 0, 1288), 1300);
    assert_int_equal(to_gateway(&r, 0, 1250), 1300); /* half-up */
    assert_int_equal(to_gateway(&r, 0, 1249), 1200);
}

static void test_one_rounding_not_two(void **state)
{
    (void)state;
    pay_rule r;
    /* 12.495 USD x 100 = 1249.5 IRR: rounded once to hundreds it is 1200;
       rounding to Rial first (1250) and then to hundreds would give 1300. */
    load_rule("gateway_currency = IRR\nrate = 100\nrounding = 2\n", &r);
    assert_int_equal(to_gateway(&r, 3, 12495), 1200);
}

static void test_usd_to_rial_multiply_and_back(void **state)
{
    (void)state;
    pay_rule r;
    load_rule("gateway_currency = IRR\nrate = 104567.5\nrate_mode = multiply\nrounding = 3\n", &r);
    /* 12.34 USD x 104567.5 = 1290362.95 IRR -> 1290000 (10^3, half-up) */
    assert_int_equal(to_gateway(&r, 2, 1234), 1290000);
    int64_t back = 0;
    sl_error err = {.size = sizeof err};
    /* 1290000 / 104567.5 = 12.3365... USD -> 12.34 */
    assert_int_equal(pay_rule_to_shop(&r, 2, 1290000, &back, &err), SL_OK);
    assert_int_equal(back, 1234);
    assert_int_equal(pay_rule_to_shop(&r, 2, 1200000, &back, &err), SL_OK);
    assert_int_equal(back, 1148); /* 11.4758 */
}

static void test_divide_and_toman(void **state)
{
    (void)state;
    pay_rule r;
    /* A Rial shop paying through a Toman terminal: IRR / 10 = IRT. */
    load_rule("gateway_currency = IRT\nrate = 10\nrate_mode = divide\n", &r);
    assert_string_equal(r.currency, "IRT");
    assert_int_equal(to_gateway(&r, 0, 250005), 25001);
    int64_t back = 0;
    sl_error err = {.size = sizeof err};
    assert_int_equal(pay_rule_to_shop(&r, 0, 25001, &back, &err), SL_OK);
    assert_int_equal(back, 250010);
}

/* A Toman tenant and a Rial gateway: ten Rial to the Toman, by
   definition, without a rate in the INI; the other way round divides. */
static void test_toman_to_rial_by_definition(void **state)
{
    (void)state;
    const char *pairs[][3] = {{"IRT", "IRR", "5250000"}, {"IRR", "IRT", "52500"}};
    const int64_t shop[] = {525000, 525000};
    for (size_t i = 0; i < 2; i++) {
        char line[64];
        snprintf(line, sizeof line, "gateway_currency = %s\n", pairs[i][1]);
        config_tenant *t = gateway_tenant("unused.db", line);
        free(t->currency);
        t->currency = strdup(pairs[i][0]);
        pay_rule r;
        sl_error err = {.size = sizeof err};
        assert_int_equal(pay_rule_load(t, config_find_channel(t, "zp"), &r, &err), SL_OK);
        char got[32];
        snprintf(got, sizeof got, "%lld", (long long)to_gateway(&r, 0, shop[i]));
        assert_string_equal(got, pairs[i][2]);
        assert_string_equal(r.rate, "10");
        config_tenant_free(t);
    }
}

static void test_bad_options_name_the_key(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"rate = 0\n", "rate"},
        {"rate = -3\n", "rate"},
        {"rate = 1e5\n", "rate"},
        {"rate = 1\nrate_mode = times\n", "rate_mode"},
        {"rate = 1\nrounding = 12\n", "rounding"},
        {"gateway_currency = XYZ\n", "gateway_currency"},
        {"rate = 1\nactive = maybe\n", "active"},
        {"rate = 1\nfee_percent = abc\n", "fee_percent"},
        {"rate = 1\ndecimals = 9\n", "decimals"},
        {"rate = 1\npublic_url = ftp://x\n", "public_url"},
        /* two currencies and no rate: no rate the host could know */
        {"gateway_currency = IRR\n", "rate"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        config_tenant *t = gateway_tenant("unused.db", cases[i][0]);
        pay_rule r;
        sl_error err = {.size = sizeof err};
        assert_int_equal(pay_rule_load(t, config_find_channel(t, "zp"), &r, &err), SL_EINVALID);
        assert_string_equal(err.field, cases[i][1]);
        config_tenant_free(t);
    }
}

static void test_overflow_and_zero_refused(void **state)
{
    (void)state;
    pay_rule r;
    load_rule("rate = 999999999999999999\n", &r);
    int64_t g;
    sl_error err = {.size = sizeof err};
    assert_int_equal(pay_rule_to_gateway(&r, "USD", 2, INT64_MAX / 2, &g, NULL, 0, &err),
                     SL_ETOOBIG);
    load_rule("rate = 1\nrounding = 4\n", &r);
    assert_int_equal(pay_rule_to_gateway(&r, "IRR", 0, 4000, &g, NULL, 0, &err), SL_EINVALID);
    assert_int_equal(pay_rule_to_gateway(&r, "IRR", 0, 0, &g, NULL, 0, &err), SL_EINVALID);
}

/* A posted invoice of `gross` cents with its sale journal. */
static int64_t posted_invoice(store *db, const config_tenant *t, int64_t gross)
{
    sl_error err = {.size = sizeof err};
    ledger_doc *d = ledger_doc_new(LEDGER_INVOICE, "shop", "1001");
    assert_non_null(d);
    snprintf(d->currency, sizeof d->currency, "USD");
    d->exponent = 2;
    snprintf(d->status, sizeof d->status, "%s", LEDGER_POSTED);
    ledger_line *l = ledger_doc_add_line(d, "product", "MUG", "Mug");
    l->qty_milli = 1000;
    l->unit_price = l->net = gross;
    snprintf(l->account, sizeof l->account, "%s", config_account(t, "revenue"));
    ledger_doc_sum(d);
    assert_int_equal(ledger_doc_insert(db, d, 1, &err), SL_OK);
    ledger_journal j = {.n = 0};
    assert_int_equal(ledger_journal_add(&j, config_account(t, "receivable"), gross, "", "", &err),
                     SL_OK);
    assert_int_equal(ledger_journal_add(&j, l->account, -gross, "", "", &err), SL_OK);
    assert_int_equal(ledger_post(db, d->id, 0, &j, 1, &err), SL_OK);
    int64_t id = d->id;
    ledger_doc_free(d);
    return id;
}

static int64_t account_balance(store *db, const char *account)
{
    sl_error err = {.size = sizeof err};
    json_t *tb = ledger_trial_balance_json(db, &err);
    assert_non_null(tb);
    int64_t bal = 0;
    size_t i;
    json_t *row;
    json_array_foreach(
        json_object_get(tb, "accounts"), i,
        row) if (strcmp(json_string_value(json_object_get(row, "account")), account) == 0) bal =
        json_integer_value(json_object_get(row, "balance"));
    json_decref(tb);
    return bal;
}

static void test_book_once_with_fee_and_rounding(void **state)
{
    (void)state;
    char db_path[64];
    snprintf(db_path, sizeof db_path, "pay-book-%d.db", (int)getpid());
    config_tenant *t = gateway_tenant(
        db_path, "gateway_currency = IRR\nrate = 100000\nrounding = 5\nfee_percent = 1\n"
                 "cash = zarinpal:1115\n");
    store *db = NULL;
    sl_error err = {.size = sizeof err};
    assert_int_equal(store_open(db_path, &db, &err), SL_OK);
    runtime_tenant rt = {.config = t, .db = db};
    pay_rule r;
    assert_int_equal(pay_rule_load(t, config_find_channel(t, "zp"), &r, &err), SL_OK);
    pay_attempt a = {.document_id = posted_invoice(db, t, 1234), .fee_gateway = -1};
    snprintf(a.channel, sizeof a.channel, "zp");
    snprintf(a.shop_channel, sizeof a.shop_channel, "shop");
    snprintf(a.external_id, sizeof a.external_id, "1001");
    snprintf(a.origin, sizeof a.origin, "link");
    snprintf(a.status, sizeof a.status, PAY_VERIFIED);
    snprintf(a.shop_currency, sizeof a.shop_currency, "USD");
    snprintf(a.gateway_currency, sizeof a.gateway_currency, "IRR");
    a.shop_exponent = 2;
    a.shop_amount = 1234;
    /* 12.34 USD x 100000 = 1234000 IRR, rounded to 10^5: 1200000 = 12.00 USD */
    assert_int_equal(
        pay_rule_to_gateway(&r, "USD", 2, 1234, &a.gateway_amount, a.rule, sizeof a.rule, &err),
        SL_OK);
    assert_int_equal(a.gateway_amount, 1200000);
    assert_int_equal(pay_attempt_insert(db, &a, 5, &err), SL_OK);
    snprintf(a.authority, sizeof a.authority, "S0000000000000000000000000000000001");
    assert_int_equal(pay_attempt_save(db, &a, 6, &err), SL_OK);
    int64_t open_ids[4];
    int n = 0;
    assert_int_equal(pay_attempts_open(db, "zp", open_ids, 4, &n, &err), SL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(open_ids[0], a.id);
    pay_attempt found;
    assert_int_equal(pay_attempt_by_authority(db, "zp", a.authority, &found, &err), SL_OK);
    assert_int_equal(found.id, a.id);
    assert_int_equal(found.gateway_amount, 1200000);
    assert_int_equal(pay_attempt_by_authority(db, "zp", "S-forged", &found, &err), SL_ENOTFOUND);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pay_book(&rt, db, &r, &a, 10, &err), SL_OK);
        assert_string_equal(a.status, PAY_BOOKED);
    }
    int64_t paid = 0, diff = 1;
    assert_int_equal(ledger_payment_sum(db, a.document_id, "payment", &paid, &err), SL_OK);
    assert_int_equal(paid, 1234);
    assert_int_equal(ledger_imbalance(db, &diff, &err), SL_OK);
    assert_int_equal(diff, 0);
    assert_int_equal(account_balance(db, config_account(t, "receivable")), 0);
    assert_int_equal(account_balance(db, config_account(t, "rounding")), 34);
    assert_int_equal(account_balance(db, config_account(t, "gateway_fees")), 12);
    assert_int_equal(account_balance(db, "1115"), 1200 - 12);
    pay_attempt back;
    assert_int_equal(pay_attempt_load(db, a.id, &back, &err), SL_OK);
    assert_string_equal(back.status, PAY_BOOKED);
    assert_int_equal(pay_attempts_open(db, "zp", open_ids, 4, &n, &err), SL_OK);
    assert_int_equal(n, 0);
    store_close(db);
    config_tenant_free(t);
    sl_test_remove_db(db_path);
}

static int fake_open(const sl_host *h, sl_ctx *c, void **st, sl_error *e)
{
    (void)h, (void)c, (void)e;
    *st = NULL;
    return SL_OK;
}
static void fake_close(void *st)
{
    (void)st;
}
static int fake_params(void *st, sl_ctx *c, const sl_params *p, sl_error *e)
{
    (void)st, (void)c, (void)p, (void)e;
    return SL_OK;
}
static int fake_return(void *st, sl_ctx *c, const sl_request *r, sl_error *e)
{
    (void)st, (void)c, (void)r, (void)e;
    return SL_OK;
}

/* The 1.3 gateway bits have slots; a payment request needs parse_return;
   a table built before 1.3 (without the gateway slots) still loads. */
static void test_loader_gateway_slots(void **state)
{
    (void)state;
    sl_plugin t = {.size = sizeof t,
                   .abi_major = SL_ABI_MAJOR,
                   .abi_minor = SL_ABI_MINOR,
                   .name = "gw",
                   .version = "1",
                   .channel_open = fake_open,
                   .channel_close = fake_close,
                   .caps = SL_CAP_REQUEST_PAYMENT | SL_CAP_VERIFY_PAYMENT | SL_CAP_SETTLE_PAYMENT,
                   .request_payment = fake_params,
                   .verify_payment = fake_params,
                   .settle_payment = fake_params};
    sl_error err = {.size = sizeof err};
    assert_int_equal(loader_validate(&t, "gw.so", &err), SL_EINVALID);
    assert_string_equal(err.field, "parse_return");
    t.parse_return = fake_return;
    assert_int_equal(loader_validate(&t, "gw.so", &err), SL_OK);
    t.caps |= SL_CAP_LIST_UNVERIFIED; /* declared without its slot */
    assert_int_equal(loader_validate(&t, "gw.so", &err), SL_EINVALID);
    assert_string_equal(err.field, "list_unverified");
    sl_plugin old = {.size = offsetof(sl_plugin, request_payment),
                     .abi_major = SL_ABI_MAJOR,
                     .abi_minor = 2,
                     .min_host_minor = 2,
                     .name = "old",
                     .version = "1",
                     .channel_open = fake_open,
                     .channel_close = fake_close};
    assert_int_equal(loader_validate(&old, "old.so", &err), SL_OK);
    old.caps = SL_CAP_REQUEST_PAYMENT; /* its table has no such slot */
    assert_int_equal(loader_validate(&old, "old.so", &err), SL_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounding_two_digits),
        cmocka_unit_test(test_one_rounding_not_two),
        cmocka_unit_test(test_usd_to_rial_multiply_and_back),
        cmocka_unit_test(test_divide_and_toman),
        cmocka_unit_test(test_bad_options_name_the_key),
        cmocka_unit_test(test_toman_to_rial_by_definition),
        cmocka_unit_test(test_overflow_and_zero_refused),
        cmocka_unit_test(test_book_once_with_fee_and_rounding),
        cmocka_unit_test(test_loader_gateway_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
