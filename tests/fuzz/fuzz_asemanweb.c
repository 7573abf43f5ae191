/*
 * libFuzzer target: the Aseman Web connector reading SOAP answers
 * (the SDK XML reader sdk/xml/, aw_soap.c, aw_codes.c and the slots) via the fake host of
 * the unit tests, with the postal params and results it lacks kept here.
 * Every HTTP request is answered with the input.
 *
 * Input: a first line naming the call, "quote", "create", "track",
 * "cancel" or "check", optionally followed by an HTTP status ("track
 * 500"); the rest is the answer body. Without such a line the whole input
 * is a GetSendPrice answer. Corpus: tests/fuzz/corpus/asemanweb/.
 */
#include "fuzz_host.h"

struct sl_params {
    json_t *obj;
};

static woo_fixture g_f;
static sl_host g_host;
static sl_params g_parcel, g_track, g_cancel;
static json_t *g_rows;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fz_param(const sl_params *p, const char *k)
{
    return json_string_value(json_object_get(p->obj, k));
}
static int fz_row(sl_ctx *c)
{
    (void)c;
    if (json_array_size(g_rows) > 1000)
        abort(); /* a row per parcel at most: a runaway loop */
    json_array_append_new(g_rows, json_object());
    return SL_OK;
}
static int fz_set(sl_ctx *c, const char *k, const char *v)
{
    if (k == NULL || v == NULL)
        abort();
    if (json_array_size(g_rows) == 0)
        fz_row(c);
    json_object_set_new(json_array_get(g_rows, json_array_size(g_rows) - 1), k, json_string(v));
    return SL_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    g_host = FAKE_HOST;
    g_host.param_get = fz_param;
    g_host.result_set = fz_set;
    g_host.result_row = fz_row;
    g_rows = json_array();
    fuzz_open(&g_f, sl_plugin_entry(), &g_host,
              json_pack("{s:s,s:s,s:s}", "url", "http://aw.example/WebService/server.php",
                        "username", "shop1", "http_timeout_ms", "160000"),
              json_pack("{s:s}", "password", "p4ss"));
    g_parcel.obj =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
                  "send_type", "express", "payment", "cod", "weight_g", "700", "value", "900000",
                  "province_id", "8", "city_id", "301", "first_name", "Sara", "last_name", "Ahmadi",
                  "mobile", "09120000000", "address", "Shiraz", "postal_code", "8134567890",
                  "items", "1", "item.0.sku", "501", "item.0.name", "Mug", "item.0.qty", "2",
                  "item.0.price", "450000", "item.0.weight_g", "350");
    g_track.obj = json_pack("{s:s,s:s,s:s,s:s}", "parcels", "3", "parcel.0.id",
                            "41/2207-118844-000317", "parcel.1.id", "552", "parcel.2.id", "9-9");
    g_cancel.obj = json_pack("{s:s}", "parcel_id", "41/2207-118844-000317");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char line[32], mode[16] = "";
    int status = 0;
    const char *rest;
    size_t len;
    fuzz_split_line(data, size, line, sizeof line, &rest, &len);
    if (sscanf(line, "%15s %d", mode, &status) < 1)
        mode[0] = '\0';
    const sl_plugin *p = g_f.p;
    g_fuzz_answer = (fuzz_answer){.status = status, .body = rest, .len = len};
    int rc;
    if (strcmp(mode, "create") == 0)
        rc = p->create_shipment(g_f.state, &g_f.ctx, &g_parcel, &g_f.err);
    else if (strcmp(mode, "track") == 0)
        rc = p->track_shipment(g_f.state, &g_f.ctx, &g_track, &g_f.err);
    else if (strcmp(mode, "cancel") == 0)
        rc = p->cancel_shipment(g_f.state, &g_f.ctx, &g_cancel, &g_f.err);
    else if (strcmp(mode, "check") == 0)
        rc = p->check_connection(g_f.state, &g_f.ctx, &g_f.err);
    else if (strcmp(mode, "quote") == 0)
        rc = p->quote_shipment(g_f.state, &g_f.ctx, &g_parcel, &g_f.err);
    else {
        g_fuzz_answer = (fuzz_answer){.body = (const char *)data, .len = size};
        rc = p->quote_shipment(g_f.state, &g_f.ctx, &g_parcel, &g_f.err);
    }
    fuzz_check(rc, &g_f.err, 1);
    if (rc == SL_OK && strcmp(mode, "track") == 0 && json_array_size(g_rows) != 3)
        abort(); /* one row per parcel asked, never more or fewer on success */
    json_array_clear(g_rows);
    fuzz_reset(&g_f);
    return 0;
}
