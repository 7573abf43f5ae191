/*
 * SDK crypto and encodings against published vectors: HMAC-SHA256 (RFC
 * 4231), HMAC-SHA1 (RFC 2202), base64 (RFC 4648 section 10), plus the
 * strictness of the decoders, constant-time compare, RFC 3986 encoding
 * and random tokens.
 */
#include "support.h"

#include <string.h>

#include "shopledger/sdkutil.h"

static void hex_of(const unsigned char *b, size_t n, char *out)
{
    sl_hex_encode(b, n, out);
}

static void check_sha256(const void *key, size_t klen, const void *data, size_t dlen,
                         const char *want)
{
    unsigned char mac[32];
    char hex[65];
    assert_int_equal(sl_hmac_sha256(key, klen, data, dlen, mac), SL_OK);
    hex_of(mac, sizeof mac, hex);
    assert_string_equal(hex, want);
    /* the same key prepared, used twice: the second use starts over */
    sl_hmac_key *k = NULL;
    assert_int_equal(sl_hmac_key_open(key, klen, &k), SL_OK);
    for (int round = 0; round < 2; round++) {
        memset(mac, 0, sizeof mac);
        assert_int_equal(sl_hmac_key_sha256(k, data, dlen, mac), SL_OK);
        hex_of(mac, sizeof mac, hex);
        assert_string_equal(hex, want);
    }
    sl_hmac_key_close(k);
}

static void check_sha1(const void *key, size_t klen, const void *data, size_t dlen,
                       const char *want)
{
    unsigned char mac[20];
    char hex[41];
    assert_int_equal(sl_hmac_sha1(key, klen, data, dlen, mac), SL_OK);
    hex_of(mac, sizeof mac, hex);
    assert_string_equal(hex, want);
}

static void test_hmac_sha256_rfc4231(void **state)
{
    (void)state;
    unsigned char k0b[20], kaa[20], kaa131[131], dd[50], cd[50], k25[25];
    memset(k0b, 0x0b, sizeof k0b);
    memset(kaa, 0xaa, sizeof kaa);
    memset(kaa131, 0xaa, sizeof kaa131);
    memset(dd, 0xdd, sizeof dd);
    memset(cd, 0xcd, sizeof cd);
    for (int i = 0; i < 25; i++)
        k25[i] = (unsigned char)(i + 1);
    check_sha256(k0b, 20, "Hi There", 8,
                 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    check_sha256("Jefe", 4, "what do ya want for nothing?", 28,
                 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    check_sha256(kaa, 20, dd, 50,
                 "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    check_sha256(k25, 25, cd, 50,
                 "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    const char *t6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    check_sha256(kaa131, 131, t6, strlen(t6),
                 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    const char *t7 = "This is a test using a larger than block-size key and a "
                     "larger than block-size data. The key needs to be hashed "
                     "before being used by the HMAC algorithm.";
    check_sha256(kaa131, 131, t7, strlen(t7),
                 "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void test_hmac_sha1_rfc2202(void **state)
{
    (void)state;
    unsigned char k0b[20], kaa[20], dd[50];
    memset(k0b, 0x0b, sizeof k0b);
    memset(kaa, 0xaa, sizeof kaa);
    memset(dd, 0xdd, sizeof dd);
    check_sha1(k0b, 20, "Hi There", 8, "b617318655057264e28bc0b6fb378c8ef146be00");
    check_sha1("Jefe", 4, "what do ya want for nothing?", 28,
               "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    check_sha1(kaa, 20, dd, 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
}

static void test_hmac_edges(void **state)
{
    (void)state;
    unsigned char mac[32], mac2[32];
    /* An empty key and empty data are legal (NULL with length 0 too). */
    assert_int_equal(sl_hmac_sha256(NULL, 0, NULL, 0, mac), SL_OK);
    assert_int_equal(sl_hmac_sha256("", 0, "", 0, mac2), SL_OK);
    assert_memory_equal(mac, mac2, 32);
    assert_int_equal(sl_hmac_sha256(NULL, 3, "x", 1, mac), SL_EINVALID);
    assert_int_equal(sl_hmac_sha256("k", 1, NULL, 1, mac), SL_EINVALID);
    char hex[65];
    assert_int_equal(sl_sha256("abc", 3, mac), SL_OK);
    hex_of(mac, 32, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* A prepared key between messages of other lengths keeps nothing of the
   previous message; its bytes are its own copy. */
static void test_hmac_key_prepared(void **state)
{
    (void)state;
    char key[] = "Jefe";
    sl_hmac_key *k = NULL;
    assert_int_equal(sl_hmac_key_open(key, 4, &k), SL_OK);
    memset(key, 'x', 4);
    const char *msgs[] = {"what do ya want for nothing?", "", "a", "what do ya want for nothing?"};
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        unsigned char got[32], want[32];
        assert_int_equal(sl_hmac_key_sha256(k, msgs[i], strlen(msgs[i]), got), SL_OK);
        assert_int_equal(sl_hmac_sha256("Jefe", 4, msgs[i], strlen(msgs[i]), want), SL_OK);
        assert_memory_equal(got, want, 32);
    }
    unsigned char mac[32];
    assert_int_equal(sl_hmac_key_sha256(k, NULL, 1, mac), SL_EINVALID);
    assert_int_equal(sl_hmac_key_sha256(NULL, "a", 1, mac), SL_EINVALID);
    sl_hmac_key_close(k);
    sl_hmac_key_close(NULL);
    sl_hmac_key *none = NULL;
    assert_int_equal(sl_hmac_key_open(NULL, 3, &none), SL_EINVALID);
    assert_null(none);
    assert_int_equal(sl_hmac_key_open(NULL, 0, &none), SL_OK); /* the empty key */
    assert_int_equal(sl_hmac_key_sha256(none, "", 0, mac), SL_OK);
    unsigned char empty[32];
    assert_int_equal(sl_hmac_sha256(NULL, 0, NULL, 0, empty), SL_OK);
    assert_memory_equal(mac, empty, 32);
    sl_hmac_key_close(none);
}

static void test_base64_rfc4648(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char enc[16];
        unsigned char dec[16];
        size_t n = 99;
        size_t len = strlen(rows[i][0]);
        assert_int_equal(sl_base64_encode((const unsigned char *)rows[i][0], len, enc),
                         strlen(rows[i][1]));
        assert_string_equal(enc, rows[i][1]);
        assert_int_equal(sl_base64_decode(rows[i][1], strlen(rows[i][1]), dec, sizeof dec, &n),
                         SL_OK);
        assert_int_equal(n, len);
        assert_memory_equal(dec, rows[i][0], len);
    }
    /* All byte values survive a round trip. */
    unsigned char all[256], back[256];
    char enc[((256 + 2) / 3) * 4 + 1];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    size_t elen = sl_base64_encode(all, sizeof all, enc);
    size_t n = 0;
    assert_int_equal(sl_base64_decode(enc, elen, back, sizeof back, &n), SL_OK);
    assert_int_equal(n, 256);
    assert_memory_equal(all, back, 256);
}

static void test_base64_refuses_bad_input(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "Zg",   "Zg=",        "Z===",     "=Zg=", "Zm9v YmFy", "Zh==", "Zm9=",
        "Zm=v", "Zm9vYmFy\n", "Zm9v!mFy", "====", "Zg==Zg==",  "Zm8",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned char out[16];
        size_t n = 77;
        assert_int_equal(sl_base64_decode(bad[i], strlen(bad[i]), out, sizeof out, &n),
                         SL_EINVALID);
        assert_int_equal(n, 77);
    }
    unsigned char small[5];
    size_t n = 77;
    assert_int_equal(sl_base64_decode("Zm9vYmFy", 8, small, sizeof small, &n), SL_ETOOBIG);
    assert_int_equal(n, 77);
}

static void test_hex(void **state)
{
    (void)state;
    const unsigned char in[3] = {0x00, 0xff, 0x1a};
    char out[7];
    sl_hex_encode(in, 3, out);
    assert_string_equal(out, "00ff1a");
    unsigned char back[3];
    size_t n = 0;
    assert_int_equal(sl_hex_decode("00FF1a", 6, back, sizeof back, &n), SL_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(back, in, 3);
    n = 9;
    assert_int_equal(sl_hex_decode("0g", 2, back, 3, &n), SL_EINVALID);
    assert_int_equal(sl_hex_decode("abc", 3, back, 3, &n), SL_EINVALID);
    assert_int_equal(sl_hex_decode("00112233", 8, back, 3, &n), SL_ETOOBIG);
    assert_int_equal(n, 9);
}

static void test_ct_equal(void **state)
{
    (void)state;
    assert_int_equal(sl_ct_equal("abc", 3, "abc", 3), 1);
    assert_int_equal(sl_ct_equal("abc", 3, "abd", 3), 0);
    assert_int_equal(sl_ct_equal("abc", 3, "abcd", 4), 0);
    assert_int_equal(sl_ct_equal("", 0, "", 0), 1);
    assert_int_equal(sl_ct_equal("abc", 3, "", 0), 0);
}

static void test_url_encode_rfc3986(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(sl_url_encode("abc-._~XYZ019", out, sizeof out), 13);
    assert_string_equal(out, "abc-._~XYZ019");
    assert_int_equal(sl_url_encode("a b&c=d/\xc3\xa9+*", out, sizeof out), 28);
    assert_string_equal(out, "a%20b%26c%3Dd%2F%C3%A9%2B%2A");
    assert_int_equal(sl_url_encode("", out, sizeof out), 0);
    assert_string_equal(out, "");
    /* Exactly enough room for "%20" and the NUL, then one byte less. */
    assert_int_equal(sl_url_encode(" ", out, 4), 3);
    assert_int_equal(sl_url_encode(" ", out, 3), (size_t)-1);
}

static void test_random_token(void **state)
{
    (void)state;
    char a[33], b[33];
    assert_int_equal(sl_random_token(a, 32), SL_OK);
    assert_int_equal(sl_random_token(b, 32), SL_OK);
    assert_int_equal(strlen(a), 32);
    assert_string_not_equal(a, b);
    for (size_t i = 0; i < 32; i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz0123456789",
                               a[i]));
    char z[1] = {'x'};
    assert_int_equal(sl_random_token(z, 0), SL_OK);
    assert_int_equal(z[0], '\0');
    assert_int_equal(sl_random_token(NULL, 4), SL_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_sha256_rfc4231),
        cmocka_unit_test(test_hmac_sha1_rfc2202),
        cmocka_unit_test(test_hmac_edges),
        cmocka_unit_test(test_hmac_key_prepared),
        cmocka_unit_test(test_base64_rfc4648),
        cmocka_unit_test(test_base64_refuses_bad_input),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_ct_equal),
        cmocka_unit_test(test_url_encode_rfc3986),
        cmocka_unit_test(test_random_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
