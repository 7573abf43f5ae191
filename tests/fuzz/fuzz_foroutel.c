/*
 * libFuzzer target: the Foroutel connector reading its JSON envelopes
 * (fr_wire.c: code/message/result, numbers as integers or digit strings;
 * the quote, register, tracking and assumed cancel answers of fr_parcel.c,
 * fr_track.c and fr_assumed.c, Persian labels and Jalali dates included)
 * via the fake host of the unit tests, with the postal params and results
 * it lacks kept here. Every HTTP request is answered with the input.
 *
 * Input: a first line naming the call, "quote", "create", "track",
 * "cancel" or "check", optionally followed by an HTTP status ("track
 * 502"); the rest is the answer body. Without such a line the whole input
 * is a getPrices answer. Corpus: tests/fuzz/corpus/foroutel/.
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
        abort(); /* a row per parcel or cost option at most: a runaway loop */
    json_array_append_new(g_rows, json_object());
    return SL_OK;
}

/* A result is UTF-8 text under a non-empty key, whatever the answer held. */
static int fz_set(sl_ctx *c, const char *k, const char *v)
{
    if (k == NULL || v == NULL || *k == '\0')
        abort();
    if (json_array_size(g_rows) == 0)
        fz_row(c);
    json_t *s = json_string(v);
    if (s == NULL)
        abort(); /* not UTF-8: the service's text must reach the host intact */
    json_object_set_new(json_array_get(g_rows, json_array_size(g_rows) - 1), k, s);
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
              json_pack("{s:s}", "servers",
                        "http://fr1.example/ws/v1/rest, http://fr2.example/ws/v1/rest"),
              json_pack("{s:s}", "api_key", "fr-api-key-0123456789"));
    g_parcel.obj =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
                  "send_type", "express", "payment", "cod", "weight_g", "700", "value", "900000",
                  "province_id", "8", "city_id", "301", "first_name", "Sara", "last_name", "Ahmadi",
                  "mobile", "09120000000", "address", "Shiraz", "postal_code", "8134567890",
                  "items", "1", "item.0.sku", "501", "item.0.name", "Mug", "item.0.qty", "2",
                  "item.0.price", "450000", "item.0.weight_g", "350");
    g_track.obj = json_pack("{s:s,s:s,s:s,s:s}", "parcels", "3", "parcel.0.id", "9204518",
                            "parcel.1.id", "9204519", "parcel.2.id", "77");
    g_cancel.obj = json_pack("{s:s}", "parcel_id", "9204518");
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
        rc = p->check_connection ? p->check_connection(g_f.state, &g_f.ctx, &g_f.err) : SL_OK;
    else if (strcmp(mode, "quote") == 0)
        rc = p->quote_shipment(g_f.state, &g_f.ctx, &g_parcel, &g_f.err);
    else {
        g_fuzz_answer = (fuzz_answer){.body = (const char *)data, .len = size};
        rc = p->quote_shipment(g_f.state, &g_f.ctx, &g_parcel, &g_f.err);
    }
    fuzz_check(rc, &g_f.err, 1);
    if (rc == SL_OK && strcmp(mode, "track") == 0 && json_array_size(g_rows) > 3)
        abort(); /* never more rows than parcels asked */
    json_array_clear(g_rows);
    fuzz_reset(&g_f);
    return 0;
}
