/*
 * The Aseman Web connector through the real build/plugins/asemanweb.so
 * with the fake host of test_woo_host.h, plus the three postal services
 * it lacks (param_get, result_set, result_row) kept here: SOAP answers
 * read under several toolkits' shapes, faults and garbage, hostile XML,
 * ProductsList packing and name sanitizing, FactorKey -> digits ids,
 * states 0..11 and error codes mapped with the raw code kept, the list
 * call's per-id fallback, and the validation of every parcel param.
 */
#include "support.h"

#include <strings.h>

#include "test_woo_host.h"

/* ---- postal params and results ----------------------------------------- */

struct sl_params {
    json_t *obj; /* key -> string */
};

static json_t *g_rows; /* [{key: value}...]: the call's result rows */

static const char *fk_param(const sl_params *p, const char *k)
{
    return json_string_value(json_object_get(p->obj, k));
}
static int fk_result_row(sl_ctx *c)
{
    (void)c;
    json_array_append_new(g_rows, json_object());
    return SL_OK;
}
static int fk_result_set(sl_ctx *c, const char *k, const char *v)
{
    if (json_array_size(g_rows) == 0)
        fk_result_row(c);
    json_object_set_new(json_array_get(g_rows, json_array_size(g_rows) - 1), k, json_string(v));
    return SL_OK;
}

/* ---- a scripted service: one answer per method ------------------------- */

typedef struct scripted {
    const char *method;
    int status;
    const char *body;
} scripted;
static scripted g_script[8];
static size_t g_nscript;
/* GetOrderStatus answers by id when set: "ID=STATE;..." */
static const char *g_per_id;

static void script(const char *method, int status, const char *body)
{
    g_script[g_nscript++] = (scripted){method, status, body};
}

/* The method of a recorded request (the local name after <ns1:). */
static int is_method(const json_t *req, const char *method)
{
    const char *body = json_string_value(json_object_get(req, "body"));
    char tag[64];
    snprintf(tag, sizeof tag, "<ns1:%s>", method);
    return body && strstr(body, tag) != NULL;
}

/* The text of <name ...>TEXT</name> in a request body, copied to buf. */
static const char *req_param(const json_t *req, const char *name, char *buf, size_t cap)
{
    const char *body = json_string_value(json_object_get(req, "body"));
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s ", name);
    snprintf(close, sizeof close, "</%s>", name);
    const char *a = body ? strstr(body, open) : NULL;
    a = a ? strchr(a, '>') : NULL;
    const char *b = a ? strstr(a, close) : NULL;
    if (b == NULL)
        return NULL;
    snprintf(buf, cap, "%.*s", (int)(b - a - 1), a + 1);
    return buf;
}

static char *envelope(const char *method, const char *inner)
{
    size_t cap = strlen(inner) + 1024;
    char *out = malloc(cap);
    snprintf(out, cap,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
             "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\""
             " xmlns:ns1=\"urn:x\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
             "<SOAP-ENV:Body><ns1:%sResponse>%s</ns1:%sResponse></SOAP-ENV:Body>"
             "</SOAP-ENV:Envelope>",
             method, inner, method);
    return out;
}

static int route(sl_ctx *c, const json_t *req, fake_resp *out)
{
    (void)c;
    if (g_per_id && is_method(req, "GetOrderStatus")) {
        char id[64], inner[128], key[80];
        req_param(req, "id", id, sizeof id);
        snprintf(key, sizeof key, "%s=", id);
        const char *at = strstr(g_per_id, key);
        snprintf(inner, sizeof inner, "<return>%.*s</return>",
                 at ? (int)strcspn(at + strlen(key), ";") : 2, at ? at + strlen(key) : "-3");
        out->status = 200;
        out->body = envelope("GetOrderStatus", inner);
        return 0;
    }
    for (size_t i = 0; i < g_nscript; i++)
        if (is_method(req, g_script[i].method)) {
            out->status = g_script[i].status;
            out->body = strdup(g_script[i].body);
            return 0;
        }
    return -1;
}

/* ---- fixture ------------------------------------------------------------- */

typedef struct aw_fixture {
    woo_fixture f;
    sl_host host;
    sl_params params;
} aw_fixture;

static const sl_plugin *aw_plugin(void)
{
    static const sl_plugin *p;
    if (p == NULL) {
        void *h = dlopen(SL_BUILD_PLUGIN_DIR "/asemanweb.so", RTLD_NOW | RTLD_LOCAL);
        assert_non_null(h);
        sl_plugin_entry_fn fn = (sl_plugin_entry_fn)dlsym(h, SL_PLUGIN_ENTRY_SYMBOL);
        assert_non_null(fn);
        p = fn();
    }
    return p;
}

static int setup(void **state)
{
    aw_fixture *x = calloc(1, sizeof *x);
    woo_ctx_init(&x->f.ctx, "unused");
    json_decref(x->f.ctx.config);
    json_decref(x->f.ctx.secrets);
    x->f.ctx.config = json_pack("{s:s, s:s, s:s}", "url", "http://aw.test/WebService/server.php",
                                "username", "shop1", "http_timeout_ms", "160000");
    x->f.ctx.secrets = json_pack("{s:s}", "password", "p4ss");
    x->f.ctx.route = route;
    x->host = FAKE_HOST;
    x->host.param_get = fk_param;
    x->host.result_set = fk_result_set;
    x->host.result_row = fk_result_row;
    x->params.obj = json_object();
    g_rows = json_array();
    g_nscript = 0;
    g_per_id = NULL;
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    aw_fixture *x = *state;
    if (x->f.state)
        x->f.p->channel_close(x->f.state);
    woo_ctx_free(&x->f.ctx);
    json_decref(x->params.obj);
    json_decref(g_rows);
    free(x);
    return 0;
}

static int open_channel(aw_fixture *x)
{
    x->f.p = aw_plugin();
    x->f.err = (sl_error){.size = sizeof x->f.err};
    int rc = x->f.p->channel_open(&x->host, &x->f.ctx, &x->f.state, &x->f.err);
    fake_end_call(&x->f.ctx);
    return rc;
}

static void set(aw_fixture *x, const char *k, const char *v)
{
    json_object_set_new(x->params.obj, k,
                        json_string_nocheck(v)); /* bytes as the host gives them */
}

typedef int (*slot_fn)(void *, sl_ctx *, const sl_params *, sl_error *);

static int call(aw_fixture *x, slot_fn fn)
{
    json_array_clear(g_rows);
    json_array_clear(x->f.ctx.requests);
    x->f.err = (sl_error){.size = sizeof x->f.err};
    int rc = fn(x->f.state, &x->f.ctx, &x->params, &x->f.err);
    fake_end_call(&x->f.ctx);
    return rc;
}

static const char *row(size_t i, const char *k)
{
    return json_string_value(json_object_get(json_array_get(g_rows, i), k));
}

/* A valid parcel's params, replacing whatever the params held. */
static void parcel(aw_fixture *x)
{
    json_object_clear(x->params.obj);
    const char *kv[][2] = {{"send_type", "registered"},
                           {"payment", "cod"},
                           {"weight_g", "610"},
                           {"value", "1280000"},
                           {"cod_amount", "1280000"},
                           {"province_id", "8"},
                           {"city_id", "301"},
                           {"first_name", "Sara"},
                           {"last_name", "Ahmadi"},
                           {"mobile", "09120000000"},
                           {"address", "Shiraz <Zand> & Co"},
                           {"postal_code", "8134567890"},
                           {"customer_ip", "5.1.2.3"},
                           {"items", "2"},
                           {"item.0.sku", "501"},
                           {"item.0.name", "  Mug ^blue;\tbig  "},
                           {"item.0.qty", "2.000"},
                           {"item.0.price", "450000"},
                           {"item.0.weight_g", "350"},
                           {"item.1.sku", "50^2"},
                           {"item.1.name", "چای ۲۵۰ گرم"},
                           {"item.1.qty", "1"},
                           {"item.1.price", "380000"},
                           {"item.1.weight_g", "260"}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        set(x, kv[i][0], kv[i][1]);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_quote_rows_and_request(void **state)
{
    aw_fixture *x = *state;
    assert_int_equal(open_channel(x), SL_OK);
    char *ok =
        envelope("GetSendPrice", "<return xsi:type=\"ns1:SendPrice\"><Pishtaz>412000</Pishtaz>"
                                 "<Sefareshi>298000</Sefareshi><Service>25000</Service>"
                                 "<COD>30000</COD></return>");
    script("GetSendPrice", 200, ok);
    parcel(x);
    assert_int_equal(call(x, x->f.p->quote_shipment), SL_OK);
    assert_int_equal(json_array_size(g_rows), 2);
    assert_string_equal(row(0, "send_type"), "express");
    assert_string_equal(row(0, "cost_post"), "412000");
    assert_string_equal(row(1, "send_type"), "registered");
    assert_string_equal(row(1, "cost_post"), "298000");
    assert_string_equal(row(1, "cost_service"), "25000");
    assert_string_equal(row(1, "cost_cod"), "30000");
    assert_null(row(1, "cost_total")); /* the shop adds the parts up */
    const json_t *req = json_array_get(x->f.ctx.requests, 0);
    char buf[64];
    assert_string_equal(req_param(req, "DestState", buf, sizeof buf), "8");
    assert_string_equal(req_param(req, "Amount", buf, sizeof buf), "1280000");
    assert_string_equal(req_param(req, "Weight", buf, sizeof buf), "610");
    const json_t *basic = json_object_get(req, "basic");
    assert_string_equal(json_string_value(json_array_get(basic, 0)), "shop1");
    assert_string_equal(json_string_value(json_array_get(basic, 1)), "p4ss");
    assert_non_null(
        strstr(json_string_value(json_object_get(json_object_get(req, "headers"), "SOAPAction")),
               "#GetSendPrice"));
    free(ok);
}

static void test_error_codes(void **state)
{
    aw_fixture *x = *state;
    assert_int_equal(open_channel(x), SL_OK);
    parcel(x);
    const struct {
        const char *pishtaz;
        int rc;
        const char *english;
    } cases[] = {{"-7", SL_EREMOTE, "invalid city or province"},
                 {"-15", SL_ERETRY, "post gateway"},
                 {"-2", SL_EREMOTE, "wrong username"},
                 {"601", SL_EREMOTE, "do not match"},
                 {"-44", SL_EREMOTE, "unknown error code"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char inner[256];
        snprintf(inner, sizeof inner,
                 "<return><Pishtaz>%s</Pishtaz><Sefareshi>0</Sefareshi>"
                 "<Service>0</Service><COD>0</COD></return>",
                 cases[i].pishtaz);
        char *body = envelope("GetSendPrice", inner);
        g_nscript = 0;
        script("GetSendPrice", 200, body);
        assert_int_equal(call(x, x->f.p->quote_shipment), cases[i].rc);
        assert_string_equal(row(0, "code"), cases[i].pishtaz);
        assert_non_null(row(0, "message"));
        assert_non_null(strstr(x->f.err.message, cases[i].english));
        if (cases[i].rc == SL_ERETRY)
            assert_true(x->f.err.retry_after_ms > 0);
        free(body);
    }
    /* the Persian text travels intact */
    char *body = envelope("GetSendPrice", "<return><Pishtaz>-6</Pishtaz></return>");
    g_nscript = 0;
    script("GetSendPrice", 200, body);
    assert_int_equal(call(x, x->f.p->quote_shipment), SL_EREMOTE);
    assert_string_equal(row(0, "message"), "وزن مرسوله نامعتبر است");
    free(body);
}

static void test_register_packs_products(void **state)
{
    aw_fixture *x = *state;
    assert_int_equal(open_channel(x), SL_OK);
    char *ok = envelope("RegisterOrder", "<return><FactorKey>41/2207-118844-000317</FactorKey>"
                                         "<PostTrace xsi:nil=\"true\"/></return>");
    script("RegisterOrder", 200, ok);
    parcel(x);
    assert_int_equal(call(x, x->f.p->create_shipment), SL_OK);
    assert_string_equal(row(0, "parcel_id"), "41/2207-118844-000317");
    assert_null(row(0, "tracking_code")); /* empty until the post takes it */
    assert_string_equal(row(0, "status"), "not_loaded");
    const json_t *req = json_array_get(x->f.ctx.requests, 0);
    char buf[512];
    assert_string_equal(req_param(req, "ProductsList", buf, sizeof buf),
                        "501^Mug blue big^350^450000^2;50 2^چای ۲۵۰ گرم^260^380000^1");
    assert_string_equal(req_param(req, "Address", buf, sizeof buf), "Shiraz &lt;Zand&gt; &amp; Co");
    assert_string_equal(req_param(req, "SendType", buf, sizeof buf), "1");
    assert_string_equal(req_param(req, "Zip", buf, sizeof buf), "8134567890");
    assert_string_equal(req_param(req, "PartnerId", buf, sizeof buf), "");
    free(ok);

    /* a negative FactorKey and a legacy positive one are errors */
    const char *codes[] = {"-12", "202"};
    for (size_t i = 0; i < 2; i++) {
        char inner[128];
        snprintf(inner, sizeof inner,
                 "<return><FactorKey>%s</FactorKey><PostTrace></PostTrace></return>", codes[i]);
        char *bad = envelope("RegisterOrder", inner);
        g_nscript = 0;
        script("RegisterOrder", 200, bad);
        assert_int_equal(call(x, x->f.p->create_shipment), SL_EREMOTE);
        assert_string_equal(row(0, "code"), codes[i]);
        assert_null(row(0, "parcel_id"));
        free(bad);
    }
}

static void test_params_validated(void **state)
{
    aw_fixture *x = *state;
    assert_int_equal(open_channel(x), SL_OK);
    const struct {
        const char *key, *value, *field;
    } bad[] = {{"postal_code", "81345", "postal_code"},
               {"mobile", "0912000000x", "mobile"},
               {"payment", "prepaid", "payment"},
               {"send_type", "courier", "send_type"},
               {"province_id", "-8", "province_id"},
               {"item.1.qty", "0.5", "item.1.qty"},
               {"item.0.price", "12.50", "item.0.price"},
               {"item.0.name", "^;^", "item.0.name"},
               {"items", "0", "items"},
               {"first_name", "", "first_name"},
               {"note", "line\x01", "note"},
               {"address", "Shiraz \xc3\x28", "address"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        parcel(x);
        set(x, bad[i].key, bad[i].value);
        assert_int_equal(call(x, x->f.p->create_shipment), SL_EINVALID);
        assert_string_equal(x->f.err.field, bad[i].field);
        assert_int_equal(json_array_size(x->f.ctx.requests), 0); /* nothing sent */
    }
    parcel(x);
    set(x, "mobile", "");
    assert_int_equal(call(x, x->f.p->create_shipment), SL_EINVALID);
    assert_string_equal(x->f.err.field, "mobile");
}

static void test_track_list_maps_states(void **state)
{
    aw_fixture *x = *state;
    assert_int_equal(open_channel(x), SL_OK);
    char *ok = envelope("GetListStatus",
                        "<return xsi:type=\"xsd:string\">0;1;2;3;4;5;6;7;8;9;10;11;-3</return>");
    script("GetListStatus", 200, ok);
    char key[32], id[32];
    set(x, "parcels", "14");
    for (int i = 0; i < 13; i++) {
        snprintf(key, sizeof key, "parcel.%d.id", i);
        snprintf(id, sizeof id, "41/2207-%06d-000317", i);
        set(x, key, id);
    }
    set(x, "parcel.13.id", "41/22x7");
    assert_int_equal(call(x, x->f.p->track_shipment), SL_OK);
    assert_int_equal(json_array_size(g_rows), 14);
    /* the bad id is refused before the call, named */
    assert_string_equal(row(0, "parcel_id"), "41/22x7");
    assert_non_null(strstr(row(0, "error"), "parcel.13.id"));
    const char *want[12] = {"not_loaded",
                            "not_loaded",
                            "delivered_to_post",
                            "delivered_to_customer",
                            "cancelled",
                            "returned",
                            "returned",
                            "cancelled",
                            "other",
                            "delivered_to_post",
                            "other",
                            "left_warehouse"};
    for (int i = 0; i < 12; i++) {
        char raw[8];
        snprintf(raw, sizeof raw, "%d", i);
        assert_string_equal(row((size_t)i + 1, "status"), want[i]);
        assert_string_equal(row((size_t)i + 1, "status_raw"), raw);
        assert_non_null(row((size_t)i + 1, "status_label"));
    }
    assert_string_equal(row(4, "cod_collected"), "1");
    assert_null(row(3, "cod_collected"));
    assert_string_equal(row(13, "code"), "-3");
    assert_non_null(row(13, "error"));
    char buf[1024];
    const json_t *req = json_array_get(x->f.ctx.requests, 0);
    req_param(req, "list", buf, sizeof buf);
    assert_int_equal(strncmp(buf, "412207000000000317;412207000001000317;", 38), 0);
    assert_null(strchr(buf, '/'));
    assert_null(strchr(buf, '-'));
    free(ok);
}

static void test_track_list_fallback(void **state)
{
    aw_fixture *x = *state;
    assert_int_equal(open_channel(x), SL_OK);
    const char *answers[] = {"<return>2;3</return>", "<return>Array</return>",
                             "<return>2;x;1</return>"};
    g_per_id = "111=2;222=5;333=1;";
    for (size_t i = 0; i < 3; i++) {
        char *short_list = envelope("GetListStatus", answers[i]);
        g_nscript = 0;
        script("GetListStatus", 200, short_list);
        set(x, "parcels", "3");
        set(x, "parcel.0.id", "111");
        set(x, "parcel.1.id", "2-2-2");
        set(x, "parcel.2.id", "333");
        assert_int_equal(call(x, x->f.p->track_shipment), SL_OK);
        /* what went wrong on the way is logged, not left in err */
        assert_int_equal(x->f.err.code, 0);
        assert_string_equal(x->f.err.message, "");
        assert_int_equal(json_array_size(x->f.ctx.requests), 4); /* list + 3 */
        assert_int_equal(json_array_size(g_rows), 3);
        assert_string_equal(row(1, "parcel_id"), "2-2-2");
        assert_string_equal(row(1, "status"), "returned");
        assert_string_equal(row(2, "status_raw"), "1");
        free(short_list);
    }
    /* a SOAP fault on the list call also falls back */
    g_nscript = 0;
    script("GetListStatus", 500,
           "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
           "<soap:Body><soap:Fault><faultcode>soap:Server</faultcode>"
           "<faultstring>boom</faultstring></soap:Fault></soap:Body></soap:Envelope>");
    assert_int_equal(call(x, x->f.p->track_shipment), SL_OK);
    assert_int_equal(json_array_size(g_rows), 3);
    /* status_list = no asks each id without a list call */
    x->f.p->channel_close(x->f.state);
    json_object_set_new(x->f.ctx.config, "status_list", json_string("no"));
    assert_int_equal(open_channel(x), SL_OK);
    assert_int_equal(call(x, x->f.p->track_shipment), SL_OK);
    assert_int_equal(json_array_size(x->f.ctx.requests), 3);
    /* a credentials code for the whole list is the call's error */
    x->f.p->channel_close(x->f.state);
    json_object_set_new(x->f.ctx.config, "status_list", json_string("yes"));
    assert_int_equal(open_channel(x), SL_OK);
    char *denied = envelope("GetListStatus", "<return>-2</return>");
    g_nscript = 0;
    script("GetListStatus", 200, denied);
    assert_int_equal(call(x, x->f.p->track_shipment), SL_EREMOTE);
    assert_int_equal(json_array_size(x->f.ctx.requests), 1);
    free(denied);
}

static void test_answer_shapes_and_faults(void **state)
{
    aw_fixture *x = *state;
    assert_int_equal(open_channel(x), SL_OK);
    set(x, "parcel_id", "41/2207-118844-000317");
    const struct {
        int status;
        const char *body;
        int rc;
    } cases[] = {
        /* document style without <return>, other prefixes */
        {200,
         "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
         "<m:ChangeStatusResponse xmlns:m=\"urn:y\"><result>0</result>"
         "</m:ChangeStatusResponse></s:Body></s:Envelope>",
         SL_OK},
        {200,
         "<?xml version=\"1.0\"?><!-- c --><Envelope><Body><ChangeStatusResponse>"
         "<return><![CDATA[ -14 ]]></return></ChangeStatusResponse></Body></Envelope>",
         SL_EREMOTE},
        {500,
         "<Envelope><Body><Fault><faultstring>Could not connect</faultstring>"
         "</Fault></Body></Envelope>",
         SL_ERETRY},
        {200, "Warning: mysql_connect(): Too many connections", SL_EIO},
        {200,
         "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
         "<Envelope><Body><ChangeStatusResponse><return>&e;</return>"
         "</ChangeStatusResponse></Body></Envelope>",
         SL_EIO},
        {200,
         "<Envelope><Body><OtherResponse><return>0</return></OtherResponse>"
         "</Body></Envelope>",
         SL_EIO},
        {200, "<Envelope><Body><ChangeStatusResponse/></Body></Envelope>", SL_EIO},
        {200,
         "<Envelope><Body><ChangeStatusResponse><return>7</return>"
         "</ChangeStatusResponse></Body></Envelope>",
         SL_EIO},
        {502, "<html>bad gateway</html>", SL_ERETRY},
        {401, "", SL_EAUTH},
        {404, "<html>not here</html>", SL_EIO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        g_nscript = 0;
        script("ChangeStatus", cases[i].status, cases[i].body);
        int rc = call(x, x->f.p->cancel_shipment);
        if (rc != cases[i].rc)
            fprintf(stderr, "case %zu: %d %s\n", i, rc, x->f.err.message);
        assert_int_equal(rc, cases[i].rc);
    }
    /* nesting deeper than the cap */
    char deep[4096];
    size_t used =
        (size_t)snprintf(deep, sizeof deep, "%s", "<Envelope><Body><ChangeStatusResponse><return>");
    for (int i = 0; i < 40; i++)
        used += (size_t)snprintf(deep + used, sizeof deep - used, "<a>");
    used += (size_t)snprintf(deep + used, sizeof deep - used, "0");
    for (int i = 0; i < 40; i++)
        used += (size_t)snprintf(deep + used, sizeof deep - used, "</a>");
    snprintf(deep + used, sizeof deep - used, "%s",
             "</return></ChangeStatusResponse></Body></Envelope>");
    g_nscript = 0;
    script("ChangeStatus", 200, deep);
    assert_int_equal(call(x, x->f.p->cancel_shipment), SL_EIO);
    /* the cancel itself: digits id, NewStatus 4 */
    char *ok = envelope("ChangeStatus", "<return>0</return>");
    g_nscript = 0;
    script("ChangeStatus", 200, ok);
    assert_int_equal(call(x, x->f.p->cancel_shipment), SL_OK);
    char buf[64];
    const json_t *req = json_array_get(x->f.ctx.requests, 0);
    assert_string_equal(req_param(req, "id", buf, sizeof buf), "412207118844000317");
    assert_string_equal(req_param(req, "NewStatus", buf, sizeof buf), "4");
    assert_string_equal(row(0, "status"), "cancelled");
    free(ok);
}

static void test_check_connection_and_config(void **state)
{
    aw_fixture *x = *state;
    assert_int_equal(open_channel(x), SL_OK);
    const char *answers[] = {"<return>-3</return>", "<return>-2</return>", "<return>-1</return>"};
    const int want[] = {SL_OK, SL_EAUTH, SL_EAUTH};
    for (size_t i = 0; i < 3; i++) {
        char *b = envelope("GetOrderStatus", answers[i]);
        g_nscript = 0;
        script("GetOrderStatus", 200, b);
        x->f.err = (sl_error){.size = sizeof x->f.err};
        assert_int_equal(x->f.p->check_connection(x->f.state, &x->f.ctx, &x->f.err), want[i]);
        fake_end_call(&x->f.ctx);
        free(b);
    }
    x->f.p->channel_close(x->f.state);
    x->f.state = NULL;
    /* a short timeout is warned about; a colon in the user is refused */
    json_object_del(x->f.ctx.config, "http_timeout_ms");
    json_array_clear(x->f.ctx.logs);
    assert_int_equal(open_channel(x), SL_OK);
    assert_non_null(strstr(json_string_value(json_array_get(x->f.ctx.logs, 0)), "http_timeout_ms"));
    x->f.p->channel_close(x->f.state);
    x->f.state = NULL;
    json_object_set_new(x->f.ctx.config, "username", json_string("a:b"));
    assert_int_equal(open_channel(x), SL_EINVALID);
    assert_string_equal(x->f.err.field, "username");
    assert_null(x->f.state);
    /* the password never reaches a log line */
    size_t i;
    json_t *l;
    json_array_foreach(x->f.ctx.logs, i, l) assert_null(strstr(json_string_value(l), "p4ss"));
}

static void test_names_and_limits(void **state)
{
    aw_fixture *x = *state;
    assert_int_equal(open_channel(x), SL_OK);
    char *ok = envelope("RegisterOrder", "<return><FactorKey>1/2-3</FactorKey></return>");
    script("RegisterOrder", 200, ok);
    char *quote = envelope("GetSendPrice", "<return><Pishtaz>1000</Pishtaz>"
                                           "<Sefareshi>900</Sefareshi><Service>5</Service>"
                                           "</return>");
    script("GetSendPrice", 200, quote);
    /* invalid UTF-8 ends a name; a long name is cut between characters */
    char longname[512] = "";
    for (int i = 0; i < 200; i++)
        memcpy(longname + 2 * i, "چ", 3); /* two bytes and the NUL */
    parcel(x);
    set(x, "item.0.name", "Mug\xff rest");
    set(x, "item.1.name", longname);
    assert_int_equal(call(x, x->f.p->create_shipment), SL_OK);
    char buf[1024];
    req_param(json_array_get(x->f.ctx.requests, 0), "ProductsList", buf, sizeof buf);
    assert_int_equal(strncmp(buf, "501^Mug^350^", 12), 0);
    const char *name = strstr(buf, ";50 2^") + 6;
    size_t len = strcspn(name, "^");
    assert_int_equal(len, 254); /* 127 two-byte letters: under 256, none split */
    assert_int_equal(memcmp(name, longname, len), 0);
    /* more parcels than one call may carry */
    json_object_clear(x->params.obj);
    set(x, "parcels", "51");
    assert_int_equal(call(x, x->f.p->track_shipment), SL_EINVALID);
    assert_string_equal(x->f.err.field, "parcels");
    /* a quote without all four components is no answer */
    parcel(x);
    assert_int_equal(call(x, x->f.p->quote_shipment), SL_EIO);
    assert_string_equal(x->f.err.field, "COD");
    free(ok);
    free(quote);
}

int main(void)
{
    (void)woo_open, (void)woo_plugin, (void)woo_close; /* shared fake host */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quote_rows_and_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_packs_products, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params_validated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_track_list_maps_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_track_list_fallback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answer_shapes_and_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_connection_and_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_and_limits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
