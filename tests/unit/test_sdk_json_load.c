/*
 * sl_json_load (sdk/json_load.c) against jansson's json_loadb with
 * JSON_REJECT_DUPLICATES, the reader it replaced: on every recorded
 * fixture, on edge cases of the grammar, and on bounded pseudo-random
 * mutations of the fixtures. Both must refuse, or both must build the
 * same tree (same types, values and member order: compared as their
 * compact dumps in document order).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "../fuzz/json_compare.h"

#define MAX_DOCS 400
#define MAX_DOC_BYTES (256 * 1024)
#define MUTATIONS_PER_DOC 60

typedef struct corpus {
    char *docs[MAX_DOCS];
    size_t lens[MAX_DOCS];
    size_t count;
} corpus;

static corpus fixtures;

/* Checks one input; returns whether it was accepted. */
static int same_as_jansson(const char *data, size_t len)
{
    char why[512];
    int accepted = 0;
    if (json_load_agrees(data, len, &accepted, why, sizeof why) != 0)
        fail_msg("%s on: %.*s", why, (int)(len > 300 ? 300 : len), data);
    return accepted;
}

static void add_doc(const char *data, size_t len)
{
    if (fixtures.count >= MAX_DOCS || len > MAX_DOC_BYTES)
        return;
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, data, len);
    copy[len] = '\0';
    fixtures.docs[fixtures.count] = copy;
    fixtures.lens[fixtures.count++] = len;
}

/* A .jsonl line is a document, and so is its recorded "body" text. */
static void add_jsonl(char *text)
{
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        add_doc(line, strlen(line));
        json_t *rec = json_loads(line, 0, NULL);
        const char *body = json_string_value(json_object_get(rec, "body"));
        if (body != NULL)
            add_doc(body, strlen(body));
        json_decref(rec);
    }
}

static void add_file(const char *path, int jsonl)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return;
    char *buf = malloc(MAX_DOC_BYTES + 1);
    assert_non_null(buf);
    size_t n = fread(buf, 1, MAX_DOC_BYTES, f);
    fclose(f);
    buf[n] = '\0';
    if (jsonl)
        add_jsonl(buf);
    else
        add_doc(buf, n);
    free(buf);
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* Walks the shared fixtures (depth-bounded) for .json and .jsonl files. */
static void walk(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (d == NULL || depth > 6) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk(path, depth + 1);
        else if (ends_with(path, ".jsonl"))
            add_file(path, 1);
        else if (ends_with(path, ".json"))
            add_file(path, 0);
    }
    closedir(d);
}

/* The shared fixtures are ../shared beside the source tree; a git worktree
   one level deeper finds them one level up (as test_woo_mapping does). */
static int load_fixtures(void **state)
{
    (void)state;
    walk(SL_SHARED_DIR "/fixtures", 0);
    if (fixtures.count == 0)
        walk(SL_SOURCE_DIR "/../../shared/fixtures", 0);
    return 0;
}

static int free_fixtures(void **state)
{
    (void)state;
    for (size_t i = 0; i < fixtures.count; i++)
        free(fixtures.docs[i]);
    return 0;
}

static void test_fixtures_read_alike(void **state)
{
    (void)state;
    size_t accepted = 0;
    for (size_t i = 0; i < fixtures.count; i++)
        accepted += (size_t)same_as_jansson(fixtures.docs[i], fixtures.lens[i]);
    /* The recorded stores' answers are JSON: most must be accepted. */
    assert_true(fixtures.count >= 40);
    assert_true(accepted * 10 >= fixtures.count * 9);
}

static void test_edge_cases_read_alike(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "{}",
        "[]",
        " \t\r\n[ ] \n",
        "",
        " ",
        "1",
        "\"s\"",
        "true",
        "null",
        "{\"a\":1,}",
        "[1,]",
        "[,1]",
        "{,}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{a:1}",
        "{\"a\":1}{",
        "[1] x",
        "[1]\x01",
        "[tru]",
        "[truex]",
        "[nul]",
        "[falsey]",
        "[True]",
        "[1true]",
        "[\"a\"\"b\"]",
        "[0]",
        "[-0]",
        "[-0.0]",
        "[01]",
        "[-01]",
        "[1.]",
        "[.5]",
        "[+1]",
        "[-]",
        "[1e]",
        "[1e+]",
        "[1E-2]",
        "[1e400]",
        "[-1e400]",
        "[1e-400]",
        "[9223372036854775807]",
        "[9223372036854775808]",
        "[-9223372036854775808]",
        "[-9223372036854775809]",
        "[0.1e1]",
        "[1.5E+3]",
        "[12345678901234567890.5]",
        "[16.528925619834709]",
        "[1.00000000000000000000000000000000000000000000000000000000000000001]",
        "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
        "[\"\\x\"]",
        "[\"\\u00e9\"]",
        "[\"\\u00E9\"]",
        "[\"\\u0000\"]",
        "{\"\\u0000\":1}",
        "[\"\\ud83d\\ude00\"]",
        "[\"\\ud83d\"]",
        "[\"\\ude00\"]",
        "[\"\\ud83d\\u0041\"]",
        "[\"\\ud83dx\"]",
        "[\"\\u12\"]",
        "[\"\\u12G4\"]",
        "[\"tab\there\"]",
        "[\"a",
        "[\"a\\",
        "[\"\\u",
        "[\"\xc3\xa9\"]",
        "[\"\xc3\"]",
        "[\"\xc0\xaf\"]",
        "[\"\xe0\x80\xaf\"]",
        "[\"\xed\xa0\x80\"]",
        "[\"\xf4\x90\x80\x80\"]",
        "[\"\xf0\x9f\x98\x80\"]",
        "[\"\xff\"]",
        "[\"\x80\"]",
        "\xef\xbb\xbf[]",
        "[\"\xe2\x82\"]",
        "{\"a\":1,\"a\":2}",
        "{\"a\":1,\"b\":{\"a\":2}}",
        "{\"a\\u0062\":1,\"ab\":2}",
        "{\"\":1}",
        "{\"\":1,\"\":2}",
        "{\"k\\n\":[{\"x\":\"\\u00e9\"}]}",
        "[1,2,[3,{\"4\":[5]}]]",
        "{\"z\":1,\"a\":2,\"m\":3}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_as_jansson(cases[i], strlen(cases[i]));
    /* An embedded NUL byte, inside and outside a string: refused. */
    same_as_jansson("[\"a\0b\"]", 7);
    same_as_jansson("[1,\0 2]", 7);
    same_as_jansson("[1\0]", 4);
    same_as_jansson("{\"a\":true\0}", 11);
}

/* Nesting around the depth limit, empty and with a scalar inside. */
static void test_depth_limit_like_jansson(void **state)
{
    (void)state;
    size_t cap = 2 * (SL_JSON_MAX_DEPTH + 2) + 2;
    char *buf = malloc(cap);
    assert_non_null(buf);
    int accepted_at[2] = {0, 0};
    for (int scalar = 0; scalar < 2; scalar++) {
        for (int k = SL_JSON_MAX_DEPTH - 2; k <= SL_JSON_MAX_DEPTH + 1; k++) {
            size_t n = 0;
            for (int i = 0; i < k; i++)
                buf[n++] = '[';
            if (scalar)
                buf[n++] = '1';
            for (int i = 0; i < k; i++)
                buf[n++] = ']';
            if (same_as_jansson(buf, n))
                accepted_at[scalar] = k;
        }
    }
    free(buf);
    assert_int_equal(accepted_at[0], SL_JSON_MAX_DEPTH);
    assert_int_equal(accepted_at[1], SL_JSON_MAX_DEPTH - 1);
}

static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* One mutation of doc into out (cap bytes): replace, insert or delete a
   byte, or cut the tail. Returns the new length. */
static size_t mutate(const char *doc, size_t len, char *out, size_t cap, uint64_t *x)
{
    static const char interesting[] = "\"\\{}[],:0-.eE+u1 tn\x00\x1f\x7f\x80\xc0\xc3\xed\xf4\xff";
    size_t pos = len ? next_random(x) % len : 0;
    char c = interesting[next_random(x) % (sizeof interesting - 1)];
    size_t n = len < cap - 1 ? len : cap - 1;
    memcpy(out, doc, n);
    switch (next_random(x) % 4) {
    case 0:
        if (pos < n)
            out[pos] = c;
        return n;
    case 1:
        if (n + 1 >= cap)
            return n;
        memmove(out + pos + 1, out + pos, n - pos);
        out[pos] = c;
        return n + 1;
    case 2:
        if (pos < n)
            memmove(out + pos, out + pos + 1, n - pos - 1);
        return pos < n ? n - 1 : n;
    default:
        return pos;
    }
}

static void test_mutations_read_alike(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    char *buf = malloc(MAX_DOC_BYTES + 2);
    assert_non_null(buf);
    size_t checked = 0;
    for (size_t i = 0; i < fixtures.count; i++) {
        if (fixtures.lens[i] > 64 * 1024)
            continue;
        for (int m = 0; m < MUTATIONS_PER_DOC; m++) {
            size_t n = mutate(fixtures.docs[i], fixtures.lens[i], buf, MAX_DOC_BYTES + 2, &x);
            same_as_jansson(buf, n);
            checked++;
        }
    }
    free(buf);
    assert_true(checked >= 1000);
}

/* Numbers of many shapes, printed at random: same type and value. */
static void test_numbers_read_alike(void **state)
{
    (void)state;
    uint64_t x = 0x2545f4914f6cdd1dULL;
    char doc[128];
    for (int i = 0; i < 20000; i++) {
        uint64_t r = next_random(&x);
        switch (r % 4) {
        case 0:
            snprintf(doc, sizeof doc, "[%lld]", (long long)(next_random(&x) >> (r >> 58)));
            break;
        case 1:
            snprintf(doc, sizeof doc, "[%.*g]", (int)(r >> 60) + 1,
                     (double)(int64_t)next_random(&x) / (double)(1ULL << (r >> 59)));
            break;
        case 2:
            snprintf(doc, sizeof doc, "[%llu.%02llue%d]",
                     (unsigned long long)(next_random(&x) % 100000), (unsigned long long)(r % 100),
                     (int)(r >> 54) - 512);
            break;
        default:
            snprintf(doc, sizeof doc, "[-%llu%llu]", (unsigned long long)(r >> 1),
                     (unsigned long long)(next_random(&x) % 1000));
            break;
        }
        same_as_jansson(doc, strlen(doc));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures_read_alike),
        cmocka_unit_test(test_edge_cases_read_alike),
        cmocka_unit_test(test_depth_limit_like_jansson),
        cmocka_unit_test(test_mutations_read_alike),
        cmocka_unit_test(test_numbers_read_alike),
    };
    return cmocka_run_group_tests(tests, load_fixtures, free_fixtures);
}
