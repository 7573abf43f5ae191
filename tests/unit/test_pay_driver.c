/*
 * The gateway driver's state machine against an in-process fake gateway
 * whose answers each test scripts: pay link stores the attempt before the
 * URL; a return moves pending -> returned and nothing more (the remote
 * work is recovery's); verify -> book once; an unknown verify -> inquiry
 * first on the next pass; a "not paid" return refused -> cancelled; a
 * forged or tampered return refused and recorded; settle by capability,
 * retried without a second verify; a request whose answer never came is
 * closed after a while.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger/ledger.h"
#include "payments/pay_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

static struct script {
    int verify_rc, settle_rc, request_rc, reverse_rc;
    const char *inquiry; /* state word, NULL = no answer */
    int verifies, settles, inquiries, reverses;
    const char *return_amount; /* "amount" parse_return claims, NULL = none */
} G;

static const sl_host *H(void)
{
    return services_table();
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

static int fake_request(void *st, sl_ctx *c, const sl_params *p, sl_error *e)
{
    (void)st;
    if (G.request_rc != SL_OK)
        return sl_error_set(e, G.request_rc, "", "no answer");
    char url[128];
    snprintf(url, sizeof url, "https://gw.example/start/A%s", H()->param_get(p, "order_ref"));
    H()->result_set(c, "authority", url + strlen("https://gw.example/start/"));
    H()->result_set(c, "start_url", url);
    return SL_OK;
}

/* Return bodies in these tests are "AUTHORITY:OK" or "AUTHORITY:NOK". */
static int fake_return(void *st, sl_ctx *c, const sl_request *r, sl_error *e)
{
    (void)st;
    const services_request *req = (const services_request *)r;
    char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)req->body_len, req->body);
    char *colon = strchr(buf, ':');
    if (colon == NULL)
        return sl_error_set(e, SL_EINVALID, "Authority", "no authority");
    *colon = '\0';
    H()->result_set(c, "authority", buf);
    H()->result_set(c, "ok", strcmp(colon + 1, "OK") == 0 ? "1" : "0");
    if (G.return_amount)
        H()->result_set(c, "amount", G.return_amount);
    return SL_OK;
}

static int fake_verify(void *st, sl_ctx *c, const sl_params *p, sl_error *e)
{
    (void)st, (void)p;
    G.verifies++;
    if (G.verify_rc == SL_EREMOTE) {
        H()->result_set(c, "code", "-51");
        H()->result_set(c, "message", "not paid");
    }
    if (G.verify_rc != SL_OK)
        return sl_error_set(e, G.verify_rc, "", "verify failed");
    H()->result_set(c, "reference", "R77");
    H()->result_set(c, "card_mask", "6037****1234");
    if (G.verifies > 1)
        H()->result_set(c, "already", "1");
    return SL_OK;
}

static int fake_settle(void *st, sl_ctx *c, const sl_params *p, sl_error *e)
{
    (void)st, (void)c, (void)p;
    G.settles++;
    return G.settle_rc == SL_OK ? SL_OK : sl_error_set(e, G.settle_rc, "", "settle failed");
}

static int fake_inquire(void *st, sl_ctx *c, const sl_params *p, sl_error *e)
{
    (void)st, (void)p;
    G.inquiries++;
    if (G.inquiry == NULL)
        return sl_error_set(e, SL_ERETRY, "", "no answer");
    H()->result_set(c, "state", G.inquiry);
    return SL_OK;
}

static int fake_reverse(void *st, sl_ctx *c, const sl_params *p, sl_error *e)
{
    (void)st, (void)c, (void)p;
    G.reverses++;
    return G.reverse_rc == SL_OK ? SL_OK : sl_error_set(e, G.reverse_rc, "", "reverse failed");
}

static sl_plugin FAKE = {.size = sizeof FAKE,
                         .abi_major = SL_ABI_MAJOR,
                         .abi_minor = SL_ABI_MINOR,
                         .name = "fakegw",
                         .version = "1",
                         .caps = SL_CAP_REQUEST_PAYMENT | SL_CAP_VERIFY_PAYMENT |
                                 SL_CAP_INQUIRE_PAYMENT,
                         .channel_open = fake_open,
                         .channel_close = fake_close,
                         .request_payment = fake_request,
                         .parse_return = fake_return,
                         .verify_payment = fake_verify,
                         .settle_payment = fake_settle,
                         .inquire_payment = fake_inquire,
                         .reverse_payment = fake_reverse};

typedef struct world {
    char db_path[64];
    config_tenant *t;
    store *db;
    loaded_plugin lp;
    runtime_channel ch[2];
    runtime_tenant rt;
    int64_t doc_id;
} world;

static void posted_invoice(world *w, int64_t gross)
{
    sl_error err = {.size = sizeof err};
    ledger_doc *d = ledger_doc_new(LEDGER_INVOICE, "shop", "1001");
    snprintf(d->currency, sizeof d->currency, "EUR");
    d->exponent = 2;
    snprintf(d->status, sizeof d->status, "%s", LEDGER_POSTED);
    ledger_line *l = ledger_doc_add_line(d, "product", "MUG", "Mug");
    l->qty_milli = 1000;
    l->unit_price = l->net = gross;
    snprintf(l->account, sizeof l->account, "%s", config_account(w->t, "revenue"));
    ledger_doc_sum(d);
    assert_int_equal(ledger_doc_insert(w->db, d, 1, &err), SL_OK);
    ledger_journal j = {.n = 0};
    assert_int_equal(
        ledger_journal_add(&j, config_account(w->t, "receivable"), gross, "", "", &err), SL_OK);
    assert_int_equal(ledger_journal_add(&j, l->account, -gross, "", "", &err), SL_OK);
    assert_int_equal(ledger_post(w->db, d->id, 0, &j, 1, &err), SL_OK);
    assert_int_equal(ledger_link_put(w->db, "shop", "1001", d->id, &err), SL_OK);
    w->doc_id = d->id;
    ledger_doc_free(d);
}

static world *world_new(uint64_t caps)
{
    static world w;
    memset(&w, 0, sizeof w);
    memset(&G, 0, sizeof G);
    FAKE.caps = caps;
    snprintf(w.db_path, sizeof w.db_path, "pay-driver-%d.db", (int)getpid());
    w.t = sl_test_tenant(w.db_path, "process_when = processing\n\n[channel:zp]\nplugin = fakegw\n"
                                    "process_when = paid\nrate = 1\ncash = gw:1115\n"
                                    "public_url = https://shop.example\n");
    sl_error err = {.size = sizeof err};
    assert_int_equal(store_open(w.db_path, &w.db, &err), SL_OK);
    w.lp.table = &FAKE;
    w.ch[0].config = config_find_channel(w.t, "shop");
    w.ch[1].config = config_find_channel(w.t, "zp");
    w.ch[1].plugin = &w.lp;
    w.ch[1].ctx = services_ctx_new(w.t, w.ch[1].config, w.db);
    w.rt = (runtime_tenant){.config = w.t, .db = w.db, .channels = w.ch, .channel_count = 2};
    posted_invoice(&w, 1500);
    return &w;
}

static void world_free(world *w)
{
    services_ctx_free(w->ch[1].ctx);
    store_close(w->db);
    config_tenant_free(w->t);
    sl_test_remove_db(w->db_path);
}

static int64_t link_order(world *w)
{
    pay_link_result r;
    sl_error err = {.size = sizeof err};
    assert_int_equal(pay_link(&w->rt, w->db, "shop", "1001", "zp", &r, &err), SL_OK);
    assert_string_equal(r.status, PAY_PENDING);
    return r.attempt_id;
}

static int give_return(world *w, int64_t id, const char *word, pay_return_view *v)
{
    char body[64];
    snprintf(body, sizeof body, "A%lld:%s", (long long)id, word);
    sl_error err = {.size = sizeof err};
    return pay_return_take(&w->ch[1], w->db, body, strlen(body), 0, 1000, v, &err);
}

static pay_recover_report pass(world *w, int64_t now)
{
    pay_recover_report rep;
    sl_error err = {.size = sizeof err};
    assert_int_equal(pay_recover_channel(&w->rt, &w->ch[1], w->db, now, &rep, &err), SL_OK);
    return rep;
}

static const char *status_of(world *w, int64_t id)
{
    static pay_attempt a;
    sl_error err = {.size = sizeof err};
    assert_int_equal(pay_attempt_load(w->db, id, &a, &err), SL_OK);
    return a.status;
}

static int64_t paid(world *w)
{
    int64_t sum = 0;
    sl_error err = {.size = sizeof err};
    assert_int_equal(ledger_payment_sum(w->db, w->doc_id, "payment", &sum, &err), SL_OK);
    return sum;
}

static int events(world *w, const char *kind)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(store_db(w->db), "SELECT count(*) FROM gateway_events WHERE kind=?1", -1,
                       &st, NULL);
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_step(st);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_return_then_verify_and_book_once(void **state)
{
    (void)state;
    world *w = world_new(FAKE.caps);
    int64_t id = link_order(w);
    pay_return_view v;
    assert_int_equal(give_return(w, id, "OK", &v), SL_OK);
    assert_string_equal(v.status, PAY_RETURNED);
    assert_int_equal(G.verifies, 0); /* the return itself calls nothing remote */
    pay_recover_report rep = pass(w, 2000);
    assert_int_equal(rep.booked, 1);
    assert_string_equal(status_of(w, id), PAY_BOOKED);
    assert_int_equal(paid(w), 1500);
    assert_int_equal(give_return(w, id, "OK", &v), SL_OK); /* a reload */
    assert_string_equal(v.status, PAY_BOOKED);
    assert_string_equal(v.reference, "R77");
    pass(w, 3000);
    assert_int_equal(G.verifies, 1);
    assert_int_equal(paid(w), 1500);
    assert_int_equal(events(w, "return_repeated"), 1);
    world_free(w);
}

static void test_unknown_verify_goes_to_inquiry(void **state)
{
    (void)state;
    world *w = world_new(FAKE.caps);
    int64_t id = link_order(w);
    pay_return_view v;
    assert_int_equal(give_return(w, id, "OK", &v), SL_OK);
    G.verify_rc = SL_ERETRY;
    pay_recover_report rep = pass(w, 2000);
    assert_int_equal(rep.unknown, 1);
    assert_string_equal(status_of(w, id), PAY_RETURNED);
    G.verify_rc = SL_OK;
    G.inquiry = NULL; /* inquiry unanswered: nothing moves, verify not retried blindly */
    pass(w, 3000);
    assert_int_equal(G.inquiries, 1);
    assert_int_equal(G.verifies, 1);
    G.inquiry = "verified";
    rep = pass(w, 4000);
    assert_int_equal(rep.booked, 1);
    assert_int_equal(G.verifies, 2);
    assert_string_equal(status_of(w, id), PAY_BOOKED);
    assert_int_equal(paid(w), 1500);
    world_free(w);
}

#define MIN_MS (60LL * 1000)

/* The deadline path: an unknown verify with inquiry unanswered waits
   until reverse_after (15m after the return), then reverses; with the
   reversal failing too, past verify_deadline (20m) it is reported once
   and left open; a gateway that reversed a paid session says so. */
static void test_unknown_verify_reversed_near_the_deadline(void **state)
{
    (void)state;
    world *w = world_new(FAKE.caps | SL_CAP_REVERSE_PAYMENT);
    int64_t id = link_order(w);
    pay_return_view v;
    assert_int_equal(give_return(w, id, "OK", &v), SL_OK); /* at 1000 */
    G.verify_rc = SL_ERETRY;
    pass(w, 2000);
    G.inquiry = NULL;
    pass(w, 1000 + 14 * MIN_MS);
    assert_string_equal(status_of(w, id), PAY_RETURNED);
    assert_int_equal(G.reverses, 0); /* nothing blindly before reverse_after */
    pass(w, 1000 + 15 * MIN_MS);
    assert_int_equal(G.reverses, 1);
    assert_string_equal(status_of(w, id), PAY_REVERSED);
    assert_int_equal(G.verifies, 1);
    assert_int_equal(paid(w), 0);
    world_free(w);

    w = world_new(FAKE.caps | SL_CAP_REVERSE_PAYMENT);
    id = link_order(w);
    assert_int_equal(give_return(w, id, "OK", &v), SL_OK);
    G.verify_rc = SL_ERETRY;
    G.reverse_rc = SL_ERETRY;
    pass(w, 2000);
    pass(w, 1000 + 16 * MIN_MS);
    assert_int_equal(G.reverses, 1);
    assert_int_equal(events(w, "deadline_passed"), 0);
    pass(w, 1000 + 20 * MIN_MS);
    pass(w, 1000 + 21 * MIN_MS);
    assert_int_equal(events(w, "deadline_passed"), 1); /* once, not every pass */
    assert_string_equal(status_of(w, id), PAY_RETURNED);
    sl_error err = {.size = sizeof err};
    json_t *rec = pay_reconcile_json(&w->rt, &w->ch[1], 0, INT64_MAX, &err);
    assert_non_null(rec);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(rec, "issues"), 0), "kind")),
                        "deadline_passed"); /* reconcile runs now: decades after 1000 ms */
    json_decref(rec);
    G.inquiry = "reversed"; /* the gateway's own deadline gave the money back */
    pass(w, 1000 + 22 * MIN_MS);
    assert_string_equal(status_of(w, id), PAY_REVERSED);
    pay_attempt a;
    assert_int_equal(pay_attempt_load(w->db, id, &a, &err), SL_OK);
    assert_non_null(strstr(a.message, "the buyer paid"));
    assert_non_null(strstr(a.message, "the order stays unpaid"));
    assert_int_equal(paid(w), 0);
    world_free(w);
}

static void test_not_paid_return_is_cancelled(void **state)
{
    (void)state;
    world *w = world_new(FAKE.caps);
    int64_t id = link_order(w);
    pay_return_view v;
    assert_int_equal(give_return(w, id, "NOK", &v), SL_OK);
    G.verify_rc = SL_EREMOTE;
    pass(w, 2000);
    assert_string_equal(status_of(w, id), PAY_CANCELLED);
    assert_int_equal(paid(w), 0);
    world_free(w);
}

static void test_paid_claim_refused_is_refused(void **state)
{
    (void)state;
    world *w = world_new(FAKE.caps);
    int64_t id = link_order(w);
    pay_return_view v;
    assert_int_equal(give_return(w, id, "OK", &v), SL_OK); /* claims paid: never proof */
    G.verify_rc = SL_EREMOTE;
    pass(w, 2000);
    assert_string_equal(status_of(w, id), PAY_REFUSED);
    assert_int_equal(paid(w), 0);
    world_free(w);
}

static void test_forged_and_tampered_returns(void **state)
{
    (void)state;
    world *w = world_new(FAKE.caps);
    int64_t id = link_order(w);
    pay_return_view v;
    assert_int_equal(give_return(w, 999, "OK", &v), SL_ENOTFOUND);
    assert_int_equal(v.known, 0);
    assert_int_equal(events(w, "forged_return"), 1);
    G.return_amount = "1"; /* the gateway says it took another amount */
    assert_int_equal(give_return(w, id, "OK", &v), SL_ENOTFOUND);
    assert_int_equal(events(w, "forged_return"), 2);
    assert_string_equal(status_of(w, id), PAY_PENDING);
    char body[] = "no authority here";
    sl_error err = {.size = sizeof err};
    assert_int_equal(pay_return_take(&w->ch[1], w->db, body, strlen(body), 0, 1, &v, &err),
                     SL_EINVALID);
    assert_int_equal(events(w, "bad_return"), 1);
    world_free(w);
}

static void test_settle_by_capability_retried_alone(void **state)
{
    (void)state;
    world *w = world_new(FAKE.caps | SL_CAP_SETTLE_PAYMENT);
    int64_t id = link_order(w);
    pay_return_view v;
    assert_int_equal(give_return(w, id, "OK", &v), SL_OK);
    G.settle_rc = SL_ERETRY;
    pass(w, 2000);
    assert_string_equal(status_of(w, id), PAY_VERIFIED);
    assert_int_equal(paid(w), 0);
    G.settle_rc = SL_OK;
    pass(w, 3000);
    assert_string_equal(status_of(w, id), PAY_BOOKED);
    assert_int_equal(G.verifies, 1);
    assert_int_equal(G.settles, 2);
    assert_int_equal(paid(w), 1500);
    world_free(w);
}

static void test_request_without_answer_is_closed(void **state)
{
    (void)state;
    world *w = world_new(FAKE.caps);
    G.request_rc = SL_ERETRY;
    pay_link_result r;
    sl_error err = {.size = sizeof err};
    assert_int_equal(pay_link(&w->rt, w->db, "shop", "1001", "zp", &r, &err), SL_ERETRY);
    assert_true(r.attempt_id > 0); /* stored before the gateway was asked */
    assert_string_equal(status_of(w, r.attempt_id), PAY_REQUESTING);
    int64_t now = services_now_ms();
    pass(w, now + 60 * 1000);
    assert_string_equal(status_of(w, r.attempt_id), PAY_REQUESTING);
    pass(w, now + 6 * 60 * 1000);
    assert_string_equal(status_of(w, r.attempt_id), PAY_FAILED);
    world_free(w);
}

/* An order the shop says was paid through the gateway: stored once per
   reference as returned, confirmed by verify before it is booked; what
   the gateway refuses is refused with its answer, a reference of another
   order proves nothing. */
static void test_shop_reference_confirmed_once(void **state)
{
    (void)state;
    world *w = world_new(FAKE.caps);
    char gw[64];
    pay_shop_state st;
    sl_error err = {.size = sizeof err};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pay_shop_reference(w->db, w->t, "zp", "shop", "1001", w->doc_id, "EUR", 2,
                                            1500, "SHOPREF1", 10, &st, &err),
                         SL_OK);
        assert_int_equal(st.state, PAY_SHOP_WAITING);
        assert_non_null(strstr(st.why, "waiting for zp"));
    }
    assert_int_equal(events(w, "shop_reference"), 1);
    assert_int_equal(paid(w), 0); /* nothing booked on the shop's word */
    pay_recover_report rep = pass(w, 2000);
    assert_int_equal(rep.booked, 1);
    assert_int_equal(paid(w), 1500);
    assert_int_equal(pay_shop_reference(w->db, w->t, "zp", "shop", "1001", w->doc_id, "EUR", 2,
                                        1500, "SHOPREF1", 3000, &st, &err),
                     SL_OK);
    assert_int_equal(st.state, PAY_SHOP_CONFIRMED);
    /* the same reference on another order: refused, naming the owner */
    assert_int_equal(pay_shop_reference(w->db, w->t, "zp", "shop", "1002", w->doc_id, "EUR", 2,
                                        1500, "SHOPREF1", 3000, &st, &err),
                     SL_OK);
    assert_int_equal(st.state, PAY_SHOP_REFUSED);
    assert_non_null(strstr(st.why, "belongs to order shop/1001"));
    /* a reference the gateway refuses: refused with the gateway's answer */
    G.verify_rc = SL_EREMOTE;
    assert_int_equal(pay_shop_reference(w->db, w->t, "zp", "shop", "1003", w->doc_id, "EUR", 2,
                                        1500, "SHOPREF3", 3000, &st, &err),
                     SL_OK);
    pass(w, 4000);
    assert_int_equal(pay_shop_reference(w->db, w->t, "zp", "shop", "1003", w->doc_id, "EUR", 2,
                                        1500, "SHOPREF3", 5000, &st, &err),
                     SL_OK);
    assert_int_equal(st.state, PAY_SHOP_REFUSED);
    assert_non_null(strstr(st.why, "zp did not confirm the payment (reference SHOPREF3)"));
    G.verify_rc = SL_OK;
    assert_int_equal(pay_shop_reference(w->db, w->t, "zp", "shop", "1001", w->doc_id, "EUR", 2,
                                        1500, "", 10, &st, &err),
                     SL_EINVALID);
    assert_int_equal(pay_shop_reference(w->db, w->t, "nope", "shop", "1001", w->doc_id, "EUR", 2,
                                        1500, "X", 10, &st, &err),
                     SL_EINVALID);
    assert_int_equal(pay_method_gateway(w->ch[0].config, "bacs", gw, sizeof gw), 0);
    world_free(w);
}

static void test_page_language_and_states(void **state)
{
    (void)state;
    pay_return_view v = {.known = 1, .shop_exponent = 2, .shop_amount = 1500};
    snprintf(v.status, sizeof v.status, "%s", PAY_BOOKED);
    snprintf(v.reference, sizeof v.reference, "R<77>");
    snprintf(v.shop_currency, sizeof v.shop_currency, "EUR");
    char *fa = pay_return_page(&v, "fa", 2, "return?a=1&sl_view=1");
    assert_non_null(strstr(fa, "dir=\"rtl\""));
    assert_non_null(strstr(fa, "R&lt;77&gt;"));
    assert_null(strstr(fa, "refresh"));
    free(fa);
    snprintf(v.status, sizeof v.status, "%s", PAY_RETURNED);
    char *en = pay_return_page(&v, "en", 2, "return?a=1&sl_view=1");
    assert_non_null(strstr(en, "Checking"));
    assert_non_null(strstr(en, "url=return?a=1&amp;sl_view=1"));
    free(en);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_return_then_verify_and_book_once),
        cmocka_unit_test(test_unknown_verify_goes_to_inquiry),
        cmocka_unit_test(test_unknown_verify_reversed_near_the_deadline),
        cmocka_unit_test(test_not_paid_return_is_cancelled),
        cmocka_unit_test(test_paid_claim_refused_is_refused),
        cmocka_unit_test(test_forged_and_tampered_returns),
        cmocka_unit_test(test_settle_by_capability_retried_alone),
        cmocka_unit_test(test_request_without_answer_is_closed),
        cmocka_unit_test(test_shop_reference_confirmed_once),
        cmocka_unit_test(test_page_language_and_states),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
