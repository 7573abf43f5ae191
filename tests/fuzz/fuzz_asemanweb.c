/*
 * libFuzzer target: the Aseman Web connector reading SOAP answers (the
 * SDK XML reader sdk/xml/, aw_soap.c, aw_codes.c and the slots) through
 * fuzz_postal.h: input "quote|create|track|cancel|check [STATUS]" on the
 * first line, then the answer body; without that line a GetSendPrice
 * answer. Corpus: tests/fuzz/corpus/asemanweb/.
 */
#include "fuzz_postal.h"

static fuzz_postal g_t;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    /* Every result value UTF-8: a track error row carries the service's
       text as sl_error_set cut it, at a character boundary. */
    g_t.utf8_results = 1;
    fuzz_postal_open(&g_t,
                     json_pack("{s:s,s:s,s:s}", "url", "http://aw.example/WebService/server.php",
                               "username", "shop1", "http_timeout_ms", "160000"),
                     json_pack("{s:s}", "password", "p4ss"));
    g_t.parcel.obj =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
                  "send_type", "express", "payment", "cod", "weight_g", "700", "value", "900000",
                  "province_id", "8", "city_id", "301", "first_name", "Sara", "last_name", "Ahmadi",
                  "mobile", "09120000000", "address", "Shiraz", "postal_code", "8134567890",
                  "items", "1", "item.0.sku", "501", "item.0.name", "Mug", "item.0.qty", "2",
                  "item.0.price", "450000", "item.0.weight_g", "350");
    g_t.track.obj = json_pack("{s:s,s:s,s:s,s:s}", "parcels", "3", "parcel.0.id",
                              "41/2207-118844-000317", "parcel.1.id", "552", "parcel.2.id", "9-9");
    g_t.track_count = 3;
    g_t.track_exact = 1; /* one row per parcel asked, never more or fewer on success */
    g_t.cancel.obj = json_pack("{s:s}", "parcel_id", "41/2207-118844-000317");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_postal_run(&g_t, data, size);
    return 0;
}
