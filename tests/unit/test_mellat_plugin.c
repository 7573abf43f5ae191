/*
 * The Mellat connector through the real build/plugins/mellat.so with the
 * fake host of test_woo_host.h (plus params and results kept here): the
 * SOAP envelopes it sends (unqualified children, escaping, Tehran local
 * date and time, only the WSDL's fields), the <return> strings it reads
 * ("0,RefId" with spaces, "21", "25,"), faults and garbage, hostile XML
 * (DOCTYPE, depth, size), the ResCode mapping per operation with the
 * ambiguous codes re-inquired under both published tables, the inquiry
 * states, the buyer's return form, and the validation of every parameter.
 */
#include "support.h"

#include <strings.h>

/* the fake host's WooCommerce fixture helpers are not used here */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "test_woo_host.h"
#pragma GCC diagnostic pop

/* ---- params, results and a scripted gateway ------------------------------ */

struct sl_params {
    json_t *j; /* key -> string */
};

static json_t *g_results; /* result_set of the last call */

static const char *fk_param(const sl_params *p, const char *k)
{
    return p ? json_string_value(json_object_get(p->j, k)) : NULL;
}
static int fk_result(sl_ctx *c, const char *k, const char *v)
{
    (void)c;
    json_object_set_new(g_results, k, json_string(v));
    return SL_OK;
}

/* Answers in order: each a status and a <return> text, or a whole body. */
typedef struct scripted {
    int status;
    const char *ret;  /* wrapped in {op}Response by the route */
    const char *body; /* used as is when set */
} scripted;

static scripted g_script[8];
static int g_next, g_count;
static char g_ops[8][32]; /* operation of each request seen */

static void script(int n, const scripted *s)
{
    if (n > 0)
        memcpy(g_script, s, (size_t)n * sizeof *s);
    g_count = n;
    g_next = 0;
}

/* The operation named in a request envelope ("<int:bpPayRequest>"). */
static void op_of(const char *body, char *out, size_t cap)
{
    const char *p = strstr(body, "<int:");
    size_t n = p ? strcspn(p + 5, ">") : 0;
    snprintf(out, cap, "%.*s", (int)n, p ? p + 5 : "");
}

static int route(sl_ctx *c, const json_t *req, fake_resp *out)
{
    (void)c;
    if (g_next >= g_count)
        return -1; /* nothing scripted: a transport failure */
    const char *body = json_string_value(json_object_get(req, "body"));
    char op[32];
    op_of(body ? body : "", op, sizeof op);
    snprintf(g_ops[g_next], sizeof g_ops[g_next], "%s", op);
    const scripted *s = &g_script[g_next++];
    out->status = s->status ? s->status : 200;
    if (s->body != NULL) {
        out->body = strdup(s->body);
        return 0;
    }
    char buf[1024];
    snprintf(buf, sizeof buf,
             "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
             "<soap:Body><ns2:%sResponse xmlns:ns2=\"http://interfaces.core.sw.bps.com/\">"
             "<return>%s</return></ns2:%sResponse></soap:Body></soap:Envelope>",
             op, s->ret, op);
    out->body = strdup(buf);
    return 0;
}

/* ---- fixture -------------------------------------------------------------- */

static sl_host g_host;

static const sl_plugin *mellat_plugin(void)
{
    static const sl_plugin *p;
    if (p == NULL) {
        void *h = dlopen(SL_BUILD_PLUGIN_DIR "/mellat.so", RTLD_NOW | RTLD_LOCAL);
        assert_non_null(h);
        sl_plugin_entry_fn fn = (sl_plugin_entry_fn)dlsym(h, SL_PLUGIN_ENTRY_SYMBOL);
        assert_non_null(fn);
        p = fn();
    }
    return p;
}

static int setup(void **state)
{
    woo_fixture *f = calloc(1, sizeof *f);
    g_host = FAKE_HOST;
    g_host.param_get = fk_param;
    g_host.result_set = fk_result;
    woo_ctx_init(&f->ctx, "unused");
    json_decref(f->ctx.config);
    json_decref(f->ctx.secrets);
    f->ctx.config = json_pack("{s:s, s:s, s:s}", "terminal_id", "7001234", "username", "shop7",
                              "url", "https://bpm.example/pgwchannel/services/pgw");
    f->ctx.secrets = json_pack("{s:s}", "password", "51x9&<pw>");
    f->ctx.now = 1795898700000LL; /* 2026-11-28T20:45:00Z = 2026-11-29 00:15:00 Tehran */
    f->ctx.route = route;
    f->p = mellat_plugin();
    f->err = (sl_error){.size = sizeof f->err};
    assert_int_equal(f->p->channel_open(&g_host, &f->ctx, &f->state, &f->err), SL_OK);
    fake_end_call(&f->ctx);
    g_results = json_object();
    g_count = g_next = 0;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    woo_fixture *f = *state;
    f->p->channel_close(f->state);
    woo_ctx_free(&f->ctx);
    json_decref(g_results);
    free(f);
    return 0;
}

typedef int (*slot_fn)(void *, sl_ctx *, const sl_params *, sl_error *);

/* Calls a slot with params given as "k", "v", ... NULL. */
static int call(woo_fixture *f, slot_fn fn, ...)
{
    sl_params p = {json_object()};
    va_list ap;
    va_start(ap, fn);
    for (const char *k; (k = va_arg(ap, const char *)) != NULL;)
        json_object_set_new(p.j, k, json_string(va_arg(ap, const char *)));
    va_end(ap);
    json_object_clear(g_results);
    json_array_clear(f->ctx.requests);
    f->err = (sl_error){.size = sizeof f->err};
    int rc = fn(f->state, &f->ctx, &p, &f->err);
    fake_end_call(&f->ctx);
    json_decref(p.j);
    return rc;
}

static const char *result(const char *k)
{
    return json_string_value(json_object_get(g_results, k));
}

#define SALE "order_ref", "100045", "sale_reference", "160422018833", "authority", "7C1B"

static int pay(woo_fixture *f)
{
    return call(f, f->p->request_payment, "amount", "1250000", "currency", "IRR", "order_ref",
                "100045", "callback_url", "https://shop.example.ir/pay/acme/mellat/return",
                "description", "order 7781", NULL);
}

/* ---- pay request ------------------------------------------------------------ */

static void test_pay_envelope_and_refid(void **state)
{
    woo_fixture *f = *state;
    script(1, (scripted[]){{0, "0, 7C1B2A99D0E54F3A", NULL}});
    assert_int_equal(pay(f), SL_OK);
    assert_string_equal(result("authority"), "7C1B2A99D0E54F3A");
    assert_string_equal(result("start_method"), "POST");
    assert_string_equal(result("start_field"), "RefId");
    assert_string_equal(result("start_url"), "https://bpm.shaparak.ir/pgwchannel/startpay.mellat");
    const json_t *req = json_array_get(f->ctx.requests, 0);
    const char *body = json_string_value(json_object_get(req, "body"));
    assert_string_equal(json_string_value(json_object_get(req, "url")),
                        "https://bpm.example/pgwchannel/services/pgw");
    assert_non_null(strstr(body, "<int:bpPayRequest><terminalId>7001234</terminalId>"
                                 "<userName>shop7</userName>"
                                 "<userPassword>51x9&amp;&lt;pw&gt;</userPassword>"
                                 "<orderId>100045</orderId><amount>1250000</amount>"
                                 "<localDate>20261129</localDate><localTime>001500</localTime>"
                                 "<additionalData>order 7781</additionalData>"
                                 "<callBackUrl>https://shop.example.ir/pay/acme/mellat/return"
                                 "</callBackUrl><payerId>0</payerId></int:bpPayRequest>"));
    assert_null(strstr(body, "mobileNo"));
    assert_null(strstr(body, "<int:terminalId>"));
}

static void test_pay_refusals(void **state)
{
    woo_fixture *f = *state;
    script(1, (scripted[]){{0, "21", NULL}});
    assert_int_equal(pay(f), SL_EREMOTE);
    assert_string_equal(result("code"), "21");
    assert_string_equal(result("message"), "invalid merchant (terminal)");
    assert_int_equal(f->err.code, SL_EREMOTE);
    script(1, (scripted[]){{0, "25,", NULL}});
    assert_int_equal(pay(f), SL_EREMOTE);
    assert_string_equal(result("code"), "25");
    script(1, (scripted[]){{0, "0", NULL}});
    assert_int_equal(pay(f), SL_EIO); /* success without a RefId */
    script(1, (scripted[]){{0, "0,7C1B-2A", NULL}});
    assert_int_equal(pay(f), SL_EIO);
    script(1, (scripted[]){{0, "34", NULL}}); /* system error: outcome unknown */
    assert_int_equal(pay(f), SL_ERETRY);
    assert_string_equal(result("code"), "34");
}

static const char FAULT[] =
    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
    "<soap:Fault><faultcode>soap:Client</faultcode><faultstring>Unmarshalling Error: For "
    "input string: \"x\"</faultstring></soap:Fault></soap:Body></soap:Envelope>";

static void test_faults_and_garbage(void **state)
{
    woo_fixture *f = *state;
    script(1, (scripted[]){{500, NULL, FAULT}});
    assert_int_equal(pay(f), SL_EIO); /* never resend a pay with that order id */
    assert_non_null(strstr(f->err.message, "Unmarshalling Error"));
    script(1, (scripted[]){{500, NULL, FAULT}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_ERETRY);
    assert_int_equal(f->err.http_status, 500);
    script(1, (scripted[]){{200, NULL, "<html><body>Service Unavailable</body></html>"}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EIO);
    script(1, (scripted[]){{200, NULL, "not xml at all"}});
    assert_int_equal(call(f, f->p->settle_payment, SALE, NULL), SL_EIO);
    script(1, (scripted[]){{500, NULL, "<a><return>0</return></a>"}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EIO);
    /* the transport failed: the host's code comes back */
    script(0, NULL);
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EIO);
    /* a fault that echoes the password does not carry it on */
    script(1, (scripted[]){{500, NULL,
                            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/"
                            "envelope/\"><soap:Body><soap:Fault><faultstring>bad user shop7/"
                            "51x9&amp;&lt;pw&gt; for 51x9&amp;&lt;pw&gt;</faultstring></soap:"
                            "Fault></soap:Body></soap:Envelope>"}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_ERETRY);
    assert_null(strstr(f->err.message, "51x9"));
    assert_non_null(strstr(f->err.message, "bad user shop7/*** for ***"));
    /* a <return> under HTTP 500 is not trusted */
    script(1, (scripted[]){{500, "0", NULL}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EIO);
}

static void test_hostile_xml(void **state)
{
    woo_fixture *f = *state;
    script(1, (scripted[]){{200, NULL,
                            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM "
                            "\"file:///etc/passwd\">]><x>&e;</x>"}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EIO);
    assert_non_null(strstr(f->err.message, "DOCTYPE"));
    char deep[2048] = "";
    for (int i = 0; i < 40; i++)
        memcpy(deep + 3 * i, "<a>", 4);
    script(1, (scripted[]){{200, NULL, deep}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EIO);
    size_t big = (64u << 10) + 16;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    memcpy(huge, "<a>", 3);
    script(1, (scripted[]){{200, NULL, huge}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EIO);
    free(huge);
    /* the right names in the wrong namespace are not the answer */
    script(1, (scripted[]){{200, NULL,
                            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/"
                            "envelope/\"><soap:Body><x:bpVerifyRequestResponse xmlns:x=\"urn:"
                            "other\"><return>0</return></x:bpVerifyRequestResponse></soap:Body>"
                            "</soap:Envelope>"}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EIO);
    /* other prefixes, a default namespace and blanks are the same answer */
    script(1, (scripted[]){{200, NULL,
                            "<?xml version='1.0'?>\n<S:Envelope xmlns:S=\"http://schemas."
                            "xmlsoap.org/soap/envelope/\">\n <S:Body>\n  <bpVerifyRequestResponse"
                            " xmlns=\"http://interfaces.core.sw.bps.com/\"><return xmlns=\"\">"
                            " 0 </return></bpVerifyRequestResponse></S:Body></S:Envelope>"}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_OK);
}

/* ---- the ResCode mapping ---------------------------------------------------- */

static void test_verify_codes(void **state)
{
    woo_fixture *f = *state;
    script(1, (scripted[]){{0, "0", NULL}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_OK);
    assert_string_equal(result("reference"), "160422018833");
    assert_null(result("already"));
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(f->ctx.requests, 0), "body")),
               "<orderId>100045</orderId><saleOrderId>100045</saleOrderId>"
               "<saleReferenceId>160422018833</saleReferenceId>"));
    script(1, (scripted[]){{0, "43", NULL}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_OK);
    assert_string_equal(result("already"), "1");
    script(1, (scripted[]){{0, "24", NULL}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EREMOTE);
    assert_string_equal(result("message"), "invalid merchant username or password");
    script(1, (scripted[]){{0, "113", NULL}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_ERETRY);
    script(1, (scripted[]){{0, "48", NULL}}); /* auto-reversed after the deadline */
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EREMOTE);
    assert_string_equal(result("code"), "48");
    script(1, (scripted[]){{0, "777", NULL}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EREMOTE);
    assert_string_equal(result("message"), "unlisted result code");
}

/* 41 on verify: "duplicate order id" in one table, "already verified" in
   the other; the plugin asks inquiry and believes it. */
static void test_ambiguous_codes_reinquire(void **state)
{
    woo_fixture *f = *state;
    script(2, (scripted[]){{0, "41", NULL}, {0, "0", NULL}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_OK);
    assert_string_equal(result("already"), "1");
    assert_string_equal(g_ops[1], "bpInquiryRequest");
    script(2, (scripted[]){{0, "41", NULL}, {0, "42", NULL}});
    assert_int_equal(call(f, f->p->verify_payment, SALE, NULL), SL_EREMOTE);
    assert_string_equal(result("code"), "41");
    /* 45 on settle: already settled (majority) or already reversed */
    script(2, (scripted[]){{0, "45", NULL}, {0, "0", NULL}});
    assert_int_equal(call(f, f->p->settle_payment, SALE, NULL), SL_OK);
    assert_string_equal(result("already"), "1");
    script(2, (scripted[]){{0, "45", NULL}, {0, "48", NULL}});
    assert_int_equal(call(f, f->p->settle_payment, SALE, NULL), SL_EREMOTE);
    assert_string_equal(result("code"), "48");
    script(2, (scripted[]){{0, "45", NULL}, {500, NULL, FAULT}});
    assert_int_equal(call(f, f->p->settle_payment, SALE, NULL), SL_ERETRY);
    /* reversal: 48 is done; 45 re-inquired */
    script(1, (scripted[]){{0, "48", NULL}});
    assert_int_equal(call(f, f->p->reverse_payment, SALE, NULL), SL_OK);
    assert_string_equal(result("already"), "1");
    script(2, (scripted[]){{0, "45", NULL}, {0, "48", NULL}});
    assert_int_equal(call(f, f->p->reverse_payment, SALE, NULL), SL_OK);
    assert_string_equal(result("already"), "1");
    script(2, (scripted[]){{0, "45", NULL}, {0, "0", NULL}});
    assert_int_equal(call(f, f->p->reverse_payment, SALE, NULL), SL_EREMOTE);
    assert_string_equal(result("code"), "45");
}

static void test_inquiry_states(void **state)
{
    woo_fixture *f = *state;
    static const struct {
        const char *ret, *state;
        int rc;
    } cases[] = {{"0", "verified", SL_OK},  {"43", "verified", SL_OK}, {"45", "settled", SL_OK},
                 {"48", "reversed", SL_OK}, {"44", "paid", SL_OK},     {"17", "failed", SL_OK},
                 {"42", "failed", SL_OK},   {"54", "failed", SL_OK},   {"24", NULL, SL_EREMOTE},
                 {"34", NULL, SL_ERETRY}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        script(1, (scripted[]){{0, cases[i].ret, NULL}});
        assert_int_equal(call(f, f->p->inquire_payment, SALE, NULL), cases[i].rc);
        if (cases[i].state)
            assert_string_equal(result("state"), cases[i].state);
        else
            assert_null(result("state"));
    }
}

/* ---- parameters ---------------------------------------------------------------- */

static void test_params_validated(void **state)
{
    woo_fixture *f = *state;
    script(0, NULL);
    assert_int_equal(call(f, f->p->verify_payment, "order_ref", "10x", "sale_reference", "1", NULL),
                     SL_EINVALID);
    assert_string_equal(f->err.field, "order_ref");
    assert_int_equal(call(f, f->p->settle_payment, "order_ref", "1", NULL), SL_EINVALID);
    assert_string_equal(f->err.field, "sale_reference");
    assert_int_equal(call(f, f->p->request_payment, "amount", "1000", "currency", "IRT",
                          "order_ref", "5", "callback_url", "https://s.example/r", NULL),
                     SL_EINVALID);
    assert_string_equal(f->err.field, "currency");
    assert_int_equal(call(f, f->p->request_payment, "amount", "0", "order_ref", "5", "callback_url",
                          "https://s.example/r", NULL),
                     SL_EINVALID);
    assert_string_equal(f->err.field, "amount");
    assert_int_equal(call(f, f->p->request_payment, "amount", "10", "order_ref", "5",
                          "callback_url", "javascript:alert(1)", NULL),
                     SL_EINVALID);
    assert_string_equal(f->err.field, "callback_url");
    assert_int_equal(call(f, f->p->request_payment, "amount", "10", "order_ref", "5",
                          "callback_url", "https://s.example/r", "description", "a\001b", NULL),
                     SL_EINVALID);
    assert_string_equal(f->err.field, "description");
    assert_int_equal(g_next, 0); /* nothing was sent */
}

static void test_description_cut_on_a_character(void **state)
{
    woo_fixture *f = *state;
    char desc[1200] = "x"; /* 1 + 2-byte Persian letters: byte 1000 splits one */
    for (size_t i = 1; i + 2 < sizeof desc; i += 2)
        memcpy(desc + i, "\xd8\xb3", 3);
    script(1, (scripted[]){{0, "0,AB12", NULL}});
    assert_int_equal(call(f, f->p->request_payment, "amount", "10", "order_ref", "5",
                          "callback_url", "https://s.example/r", "description", desc, NULL),
                     SL_OK);
    const char *body =
        json_string_value(json_object_get(json_array_get(f->ctx.requests, 0), "body"));
    const char *a = strstr(body, "<additionalData>") + 16;
    size_t n = (size_t)(strstr(a, "</additionalData>") - a);
    assert_int_equal(n, 999);
}

/* ---- the buyer's return ------------------------------------------------------- */

static int ret_form(woo_fixture *f, const char *body)
{
    sl_request req = {.headers = json_object(), .body = body, .len = strlen(body)};
    json_object_clear(g_results);
    f->err = (sl_error){.size = sizeof f->err};
    int rc = f->p->parse_return(f->state, &f->ctx, &req, &f->err);
    fake_end_call(&f->ctx);
    json_decref(req.headers);
    return rc;
}

static void test_return_form(void **state)
{
    woo_fixture *f = *state;
    assert_int_equal(ret_form(f, "RefId=7C1B2A99D0E54F3A&ResCode=0&SaleOrderId=100045&"
                                 "SaleReferenceId=160422018833&CardHolderPan=610433%2A%2A%2A"
                                 "%2A%2A%2A1234&CardHolderInfo=AB12&FinalAmount=1250000"),
                     SL_OK);
    assert_string_equal(result("authority"), "7C1B2A99D0E54F3A");
    assert_string_equal(result("ok"), "1");
    assert_string_equal(result("order_ref"), "100045");
    assert_string_equal(result("sale_reference"), "160422018833");
    assert_string_equal(result("card_mask"), "610433******1234");
    assert_string_equal(result("amount"), "1250000");
    /* a driver's lower-case saleOrderId */
    assert_int_equal(ret_form(f, "RefId=AB&ResCode=0&saleOrderId=7&SaleReferenceId=9"), SL_OK);
    assert_string_equal(result("order_ref"), "7");
    /* cancelled: 17 and an empty SaleReferenceId */
    assert_int_equal(ret_form(f, "RefId=AB&ResCode=17&SaleOrderId=7&SaleReferenceId="), SL_OK);
    assert_string_equal(result("ok"), "0");
    assert_string_equal(result("message"), "buyer cancelled the payment");
    assert_null(result("sale_reference"));
    /* "paid" without a sale reference is not paid */
    assert_int_equal(ret_form(f, "RefId=AB&ResCode=0&SaleOrderId=7"), SL_OK);
    assert_string_equal(result("ok"), "0");
    assert_int_equal(ret_form(f, "ResCode=0&SaleOrderId=7"), SL_EINVALID);
    assert_string_equal(f->err.field, "RefId");
    assert_int_equal(ret_form(f, "RefId=AB"), SL_EINVALID);
    assert_string_equal(f->err.field, "ResCode");
    assert_int_equal(ret_form(f, "RefId=A%2GB&ResCode=0"), SL_EINVALID);
    assert_int_equal(ret_form(f, "RefId=A%3CB&ResCode=0"), SL_EINVALID);
    assert_int_equal(ret_form(f, "RefId=AB&ResCode=0&SaleOrderId=7%3B1"), SL_EINVALID);
    assert_string_equal(f->err.field, "SaleOrderId");
    assert_int_equal(ret_form(f, "RefId=AB&ResCode=0&CardHolderPan=a%0Ab"), SL_EINVALID);
    assert_string_equal(f->err.field, "CardHolderPan");
    assert_int_equal(ret_form(f, ""), SL_EINVALID);
}

/* ---- channel ---------------------------------------------------------------------- */

static void test_channel_keys(void **state)
{
    woo_fixture *f = *state;
    void *st = NULL;
    json_object_set_new(f->ctx.config, "terminal_id", json_string("70-01"));
    f->err = (sl_error){.size = sizeof f->err};
    assert_int_equal(f->p->channel_open(&g_host, &f->ctx, &st, &f->err), SL_EINVALID);
    assert_string_equal(f->err.field, "terminal_id");
    json_object_set_new(f->ctx.config, "terminal_id", json_string("7001234"));
    json_object_del(f->ctx.secrets, "password");
    f->err = (sl_error){.size = sizeof f->err};
    assert_int_equal(f->p->channel_open(&g_host, &f->ctx, &st, &f->err), SL_EINVALID);
    assert_string_equal(f->err.field, "password");
    fake_end_call(&f->ctx);
    assert_true(f->p->caps & SL_CAP_REQUEST_PAYMENT);
    assert_true(f->p->caps & SL_CAP_SETTLE_PAYMENT);
    assert_true(f->p->caps & SL_CAP_REVERSE_PAYMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pay_envelope_and_refid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pay_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults_and_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_xml, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ambiguous_codes_reinquire, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inquiry_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params_validated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_description_cut_on_a_character, setup, teardown),
        cmocka_unit_test_setup_teardown(test_return_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_channel_keys, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
