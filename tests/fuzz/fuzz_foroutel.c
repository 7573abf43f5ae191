/*
 * libFuzzer target: the Foroutel connector reading its JSON envelopes
 * (fr_wire.c: code/message/result, numbers as integers or digit strings;
 * the quote, register, tracking and assumed cancel answers of fr_parcel.c,
 * fr_track.c and fr_assumed.c, Persian labels and Jalali dates included)
 * through fuzz_postal.h: input "quote|create|track|cancel|check [STATUS]"
 * on the first line, then the answer body; without that line a getPrices
 * answer. Corpus: tests/fuzz/corpus/foroutel/.
 */
#include "fuzz_postal.h"

static fuzz_postal g_t;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    g_t.utf8_results = 1;
    fuzz_postal_open(&g_t,
                     json_pack("{s:s}", "servers",
                               "http://fr1.example/ws/v1/rest, http://fr2.example/ws/v1/rest"),
                     json_pack("{s:s}", "api_key", "fr-api-key-0123456789"));
    g_t.parcel.obj =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
                  "send_type", "express", "payment", "cod", "weight_g", "700", "value", "900000",
                  "province_id", "8", "city_id", "301", "first_name", "Sara", "last_name", "Ahmadi",
                  "mobile", "09120000000", "address", "Shiraz", "postal_code", "8134567890",
                  "items", "1", "item.0.sku", "501", "item.0.name", "Mug", "item.0.qty", "2",
                  "item.0.price", "450000", "item.0.weight_g", "350");
    g_t.track.obj = json_pack("{s:s,s:s,s:s,s:s}", "parcels", "3", "parcel.0.id", "9204518",
                              "parcel.1.id", "9204519", "parcel.2.id", "77");
    g_t.track_count = 3;
    g_t.track_exact = 0; /* what was answered counts: a later failure leaves fewer rows */
    g_t.cancel.obj = json_pack("{s:s}", "parcel_id", "9204518");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_postal_run(&g_t, data, size);
    return 0;
}
