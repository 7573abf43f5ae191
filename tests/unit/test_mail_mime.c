/*
 * The document e-mail as bytes: built, then read back the way a mail
 * reader would (unfold headers, decode RFC 2047 words, find the parts,
 * decode base64) and compared with what went in. Expected headers are
 * written out by hand (the Date of 2026-12-02 16:00:00 UTC is
 * 1796227200000 ms: 20789 days after 1970-01-01, a Wednesday).
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docout/mail_mime.h"
#include "shopledger/sdkutil.h"

#define OK(call) assert_int_equal((call), SL_OK)
#define DATE_MS 1796227200000LL
#define PDF_LEN 3000

static const char *const PERSIAN_SUBJECT = "سند شما: فاکتور فروش TS-000042 از فروشگاه کتاب تهران";
static const char *const LATVIAN_SUBJECT = "Jūsu dokuments: Rēķins TS-000042";

static unsigned char pdf[PDF_LEN];

/* Bytes that would break a careless encoder: CRLF.CRLF, NULs, 0xFF. */
static void fill_pdf(void)
{
    static const char head[] = "%PDF-1.5\r\n.\r\n";
    uint32_t x = 12345;
    for (size_t i = 0; i < PDF_LEN; i++) {
        x = x * 1103515245u + 12345u;
        pdf[i] = (unsigned char)(x >> 16);
    }
    memcpy(pdf, head, sizeof head - 1);
}

static char *build(const char *subject, const char *to_name, size_t *len)
{
    mail_address from = {.name = "Rīgas Veikals", .addr = "shop@veikals.example"};
    mail_address reply = {.name = "", .addr = "help@veikals.example"};
    mail_address to = {.addr = "ilze@example.lv"};
    snprintf(to.name, sizeof to.name, "%s", to_name);
    mail_parts m = {.from = &from,
                    .reply_to = &reply,
                    .to = &to,
                    .subject = subject,
                    .body = "Labdien!\n\nPielikumā Jūsu dokuments.",
                    .message_id = "<doc-42.shop@veikals.example>",
                    .date_ms = DATE_MS,
                    .pdf = pdf,
                    .pdf_len = PDF_LEN,
                    .filename = "TS-000042.pdf"};
    sl_error err = {.size = sizeof err};
    char *out = NULL;
    OK(mail_mime_build(&m, &out, len, &err));
    return out;
}

/* Every line ends in CRLF, none longer than 78, no bare CR or LF. */
static void assert_lines_ok(const char *msg, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (msg[i] == '\r') {
            assert_true(i + 1 < len && msg[i + 1] == '\n');
            assert_in_range(i - start, 0, 78);
            start = i + 2;
            i++;
        } else {
            assert_true(msg[i] != '\n');
        }
    }
    assert_int_equal(start, len); /* ends with CRLF */
}

/* The value of header `name` unfolded (CRLF + blank removed), malloc'd. */
static char *header(const char *msg, const char *name)
{
    const char *end = strstr(msg, "\r\n\r\n");
    size_t n = strlen(name);
    for (const char *p = msg; p && p < end; p = strstr(p, "\r\n") + 2) {
        if (strncmp(p, name, n) == 0 && p[n] == ':') {
            char *v = calloc(1, 2048);
            size_t w = 0;
            for (const char *c = p + n + 2; c < end + 2; c++) {
                if (c[0] == '\r' && c[2] != ' ')
                    break;
                if (c[0] == '\r')
                    c += 2; /* folding: the blank after CRLF stays */
                v[w++] = *c;
            }
            return v;
        }
    }
    fail_msg("no %s header", name);
    return NULL;
}

/* Decodes a run of =?UTF-8?B?..?= words separated by blanks, checking
   each word alone is whole UTF-8 (never a character cut in two). */
static char *decode_words(const char *v)
{
    char *out = calloc(1, 2048);
    size_t w = 0;
    const char *p = v;
    while (*p) {
        while (*p == ' ')
            p++;
        assert_int_equal(strncmp(p, "=?UTF-8?B?", 10), 0);
        const char *e = strstr(p + 10, "?=");
        assert_non_null(e);
        assert_in_range(e + 2 - p, 12, 75); /* RFC 2047 limit */
        size_t n = 0;
        OK(sl_base64_decode(p + 10, (size_t)(e - p - 10), (unsigned char *)out + w, 2048 - w, &n));
        assert_true(((unsigned char)out[w] & 0xC0) != 0x80); /* starts a character */
        w += n;
        p = e + 2;
    }
    return out;
}

static void persian_subject_round_trips_in_whole_words(void **state)
{
    (void)state;
    size_t len = 0;
    char *msg = build(PERSIAN_SUBJECT, "Ilze Ozola", &len);
    assert_int_equal(strlen(msg), len);
    assert_lines_ok(msg, len);
    char *subject = header(msg, "Subject");
    char *decoded = decode_words(subject);
    assert_string_equal(decoded, PERSIAN_SUBJECT);
    /* 86 bytes of UTF-8 (two-byte letters, one-byte blanks and digits):
       the first word takes 44 or 45 whole characters' bytes, the rest fits
       a second. */
    assert_int_equal(strlen(PERSIAN_SUBJECT), 86);
    int words = 0;
    for (const char *p = subject; (p = strstr(p, "=?UTF-8?B?")) != NULL; p++)
        words++;
    assert_int_equal(words, 2);
    free(decoded);
    free(subject);
    free(msg);
}

static void latvian_subject_and_names(void **state)
{
    (void)state;
    size_t len = 0;
    char *msg = build(LATVIAN_SUBJECT, "Ilze Ozola", &len);
    assert_lines_ok(msg, len);
    char *subject = header(msg, "Subject"), *from = header(msg, "From");
    char *decoded = decode_words(subject);
    assert_string_equal(decoded, LATVIAN_SUBJECT);
    /* "Rīgas Veikals" is not ASCII: an encoded-word, then the address. */
    char *lt = strstr(from, " <shop@veikals.example>");
    assert_non_null(lt);
    assert_string_equal(lt, " <shop@veikals.example>");
    *lt = '\0';
    char *from_name = decode_words(from);
    assert_string_equal(from_name, "Rīgas Veikals");
    free(from_name);
    char *to = header(msg, "To"), *reply = header(msg, "Reply-To");
    assert_string_equal(to, "\"Ilze Ozola\" <ilze@example.lv>");
    assert_string_equal(reply, "<help@veikals.example>");
    char *date = header(msg, "Date"), *id = header(msg, "Message-ID");
    assert_string_equal(date, "Wed, 02 Dec 2026 16:00:00 +0000");
    assert_string_equal(id, "<doc-42.shop@veikals.example>");
    free(subject), free(from), free(decoded), free(to), free(reply), free(date), free(id);
    free(msg);
}

static void short_ascii_subject_stays_plain(void **state)
{
    (void)state;
    size_t len = 0;
    char *msg = build("Invoice TS-000042", "O'Brien \"Jr\"", &len);
    char *subject = header(msg, "Subject"), *to = header(msg, "To");
    assert_string_equal(subject, "Invoice TS-000042");
    assert_string_equal(to, "\"O'Brien \\\"Jr\\\"\" <ilze@example.lv>");
    free(subject), free(to);
    free(msg);
}

/* The base64 text between `start` and the next boundary, decoded. */
static unsigned char *part(const char *msg, const char *start, size_t *n)
{
    const char *p = strstr(msg, start);
    assert_non_null(p);
    p += strlen(start);
    const char *e = strstr(p, "\r\n--=_shopledger_part");
    assert_non_null(e);
    char *b64 = calloc(1, (size_t)(e - p) + 1);
    size_t w = 0;
    for (const char *c = p; c < e; c++)
        if (*c != '\r' && *c != '\n')
            b64[w++] = *c;
    unsigned char *out = calloc(1, w);
    OK(sl_base64_decode(b64, w, out, w, n));
    free(b64);
    return out;
}

static void parts_decode_to_the_same_bytes(void **state)
{
    (void)state;
    size_t len = 0, n = 0;
    char *msg = build(LATVIAN_SUBJECT, "", &len);
    char *ct = header(msg, "Content-Type");
    assert_string_equal(ct, "multipart/mixed; boundary=\"=_shopledger_part\"");
    unsigned char *got = part(msg,
                              "Content-Type: application/pdf;\r\n name=\"TS-000042.pdf\"\r\n"
                              "Content-Disposition: attachment;\r\n filename=\"TS-000042.pdf\"\r\n"
                              "Content-Transfer-Encoding: base64\r\n\r\n",
                              &n);
    assert_int_equal(n, PDF_LEN);
    assert_memory_equal(got, pdf, PDF_LEN);
    free(got);
    got = part(msg,
               "Content-Type: text/plain; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n",
               &n);
    const char *body = "Labdien!\r\n\r\nPielikumā Jūsu dokuments.";
    assert_int_equal(n, strlen(body));
    assert_memory_equal(got, body, n);
    free(got);
    /* The closing boundary ends the message. */
    assert_string_equal(msg + len - 23, "--=_shopledger_part--\r\n");
    free(ct);
    free(msg);
}

static void subject_with_a_line_break_is_refused(void **state)
{
    (void)state;
    mail_address a = {.addr = "a@b.lv"};
    mail_parts m = {.from = &a,
                    .to = &a,
                    .subject = "Invoice\r\nBcc: x@evil.example",
                    .message_id = "<x@b.lv>",
                    .pdf = pdf,
                    .pdf_len = 1,
                    .filename = "x.pdf"};
    sl_error err = {.size = sizeof err};
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(mail_mime_build(&m, &out, &len, &err), SL_EINVALID);
    assert_string_equal(err.field, "subject");
    assert_null(out);
}

static void addresses_parse_or_are_refused_by_field(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    mail_address a;
    OK(mail_address_parse("Rīgas Veikals <shop@veikals.example>", "mail_from", &a, &err));
    assert_string_equal(a.name, "Rīgas Veikals");
    assert_string_equal(a.addr, "shop@veikals.example");
    OK(mail_address_parse("\"Help desk\" <help@veikals.example>", "reply_to", &a, &err));
    assert_string_equal(a.name, "Help desk");
    OK(mail_address_parse(" ilze.ozola+shop@example.lv ", "to", &a, &err));
    assert_string_equal(a.name, "");
    assert_string_equal(a.addr, "ilze.ozola+shop@example.lv");
    const char *bad[] = {
        "",        "no-at-sign", "a@b@c.lv", "a b@c.lv", "x <a@b.lv> tail", "a@-b.lv",
        "a@b..lv", "<a@b.lv",    "@b.lv",    "a@",       "x\r\n <a@b.lv>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.field[0] = '\0';
        assert_int_equal(mail_address_parse(bad[i], "mail_from", &a, &err), SL_EINVALID);
        assert_string_equal(err.field, "mail_from");
    }
}

static void message_id_is_stable_per_tenant_and_document(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    char id[MAIL_MSGID_MAX];
    OK(mail_message_id("shop", 42, 0, "shop@veikals.example", id, sizeof id, &err));
    assert_string_equal(id, "<doc-42.shop@veikals.example>");
    OK(mail_message_id("shop", 42, 7, "shop@veikals.example", id, sizeof id, &err));
    assert_string_equal(id, "<doc-42-r7.shop@veikals.example>");
    assert_int_equal(mail_message_id("shop", 42, 0, "shop@veikals.example", id, 20, &err),
                     SL_ETOOBIG);
}

int main(void)
{
    fill_pdf();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(persian_subject_round_trips_in_whole_words),
        cmocka_unit_test(latvian_subject_and_names),
        cmocka_unit_test(short_ascii_subject_stays_plain),
        cmocka_unit_test(parts_decode_to_the_same_bytes),
        cmocka_unit_test(subject_with_a_line_break_is_refused),
        cmocka_unit_test(addresses_parse_or_are_refused_by_field),
        cmocka_unit_test(message_id_is_stable_per_tenant_and_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
