/*
 * bench_json_load: time to read a recorded WooCommerce order delivery
 * (3.4 KB) into a jansson tree, with the SDK's reader and with jansson's
 * json_loadb, interleaved in rounds on one thread, plus the time to build
 * the same tree by json_deep_copy (what any reader producing jansson
 * values must at least pay).
 *
 * usage: bench_json_load [ITERATIONS]   (default 20000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "../sdk/json_load.h"

#define ROUNDS 5

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The body of the first recorded order.created delivery. */
static char *load_body(size_t *len)
{
    FILE *f = fopen(SL_FIXTURE_DIR "/woocommerce/wc10/webhooks/order-created.jsonl", "r");
    if (f == NULL)
        return NULL;
    char line[65536];
    char *body = NULL;
    if (fgets(line, sizeof line, f) != NULL) {
        json_t *rec = json_loads(line, 0, NULL);
        const char *b = json_string_value(json_object_get(rec, "body"));
        if (b != NULL) {
            *len = strlen(b);
            body = strdup(b);
        }
        json_decref(rec);
    }
    fclose(f);
    return body;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
    if (n < 100 || n > 10000000) {
        fprintf(stderr, "usage: bench_json_load [ITERATIONS 100..10000000]\n");
        return 2;
    }
    size_t len = 0;
    char *body = load_body(&len);
    if (body == NULL) {
        fprintf(stderr, "bench_json_load: fixture not found\n");
        return 1;
    }
    json_t *tree = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    double sdk = 0, jansson = 0, copy = 0;
    for (int round = 0; round < ROUNDS; round++) {
        double t0 = now_s();
        for (long i = 0; i < n / ROUNDS; i++)
            json_decref(sl_json_load(body, len, NULL));
        double t1 = now_s();
        for (long i = 0; i < n / ROUNDS; i++)
            json_decref(json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL));
        double t2 = now_s();
        for (long i = 0; i < n / ROUNDS; i++)
            json_decref(json_deep_copy(tree));
        double t3 = now_s();
        sdk += t1 - t0, jansson += t2 - t1, copy += t3 - t2;
    }
    long done = n / ROUNDS * ROUNDS;
    printf("WooCommerce order.created body, %zu bytes, %ld reads each:\n", len, done);
    printf("  sl_json_load        %6.1f us per read\n", sdk / (double)done * 1e6);
    printf("  jansson json_loadb  %6.1f us per read\n", jansson / (double)done * 1e6);
    printf("  json_deep_copy      %6.1f us (building the tree alone)\n", copy / (double)done * 1e6);
    printf("  json_loadb / sl_json_load: %.2f\n", jansson / sdk);
    json_decref(tree);
    free(body);
    return 0;
}
