/*
 * Documents out: each language's sample document renders to PDF, and
 * poppler's pdftotext finds the expected strings in reading order (for
 * Persian: logical order), pdffonts shows every font embedded, a 500-line
 * order runs over several pages with the table header on each, a void
 * document carries its stamp, and the number formats per language.
 * The PDFs stay in the test's directory as sample-<lang>.pdf.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docout/docout.h"

#define DAY_MS 86400000LL
#define ISSUE_MS (20424LL * DAY_MS) /* 2025-12-02 */

static char *s(const char *t)
{
    char *c = strdup(t);
    assert_non_null(c);
    return c;
}

static void add_line(docout_doc *d, const char *text, const char *sku, int64_t qty_milli,
                     int64_t unit, int64_t rate_milli)
{
    docout_line *l = &d->lines[d->line_count++];
    l->text = s(text);
    l->sku = s(sku);
    l->unit = s("");
    l->qty_milli = qty_milli;
    l->unit_price = unit;
    l->tax_percent_milli = rate_milli;
    l->net = unit * qty_milli / 1000;
    l->tax = l->net * rate_milli / 100000;
    l->gross = l->net + l->tax;
    d->net += l->net, d->tax += l->tax, d->gross += l->gross;
    size_t i = 0;
    while (i < d->rate_count && d->rates[i].percent_milli != rate_milli)
        i++;
    if (i == d->rate_count)
        d->rates[d->rate_count++].percent_milli = rate_milli;
    d->rates[i].net += l->net, d->rates[i].tax += l->tax, d->rates[i].gross += l->gross;
}

static docout_doc *sample(const char *lang, const char *type, size_t lines)
{
    docout_doc *d = calloc(1, sizeof *d);
    assert_non_null(d);
    snprintf(d->type, sizeof d->type, "%s", type);
    snprintf(d->status, sizeof d->status, "posted");
    snprintf(d->style.lang, sizeof d->style.lang, "%s", lang);
    d->issue_ms = ISSUE_MS, d->supply_ms = ISSUE_MS - DAY_MS, d->due_ms = ISSUE_MS + 14 * DAY_MS;
    d->lines = calloc(lines + 4, sizeof *d->lines);
    assert_non_null(d->lines);
    d->channel = s("shop"), d->external_id = s("5001"), d->logo_path = s("");
    d->seller_vat_id = s("");
    d->buyer_vat_id = s(""), d->buyer_email = s("buyer@example.com");
    int fa = strcmp(lang, "fa") == 0, th = strcmp(lang, "th") == 0;
    int hu = strcmp(lang, "hu") == 0, lv = strcmp(lang, "lv") == 0;
    snprintf(d->currency, sizeof d->currency, "%s", fa ? "IRR" : th ? "THB" : hu ? "HUF" : "EUR");
    d->exponent = fa || hu ? 0 : 2;
    snprintf(d->number, sizeof d->number, "INV-%s-0042", lang);
    d->order_number = s("5001");
    if (fa) {
        d->style.rtl = 1, d->style.persian_digits = 1, d->style.jalali = 1;
        d->seller_name = s("فروشگاه آسمان");
        d->seller_address = s("تهران، خیابان ولیعصر، پلاک ۱۲");
        d->seller_bank = s("بانک ملت IR120000000000000000000000");
        d->buyer_name = s("مریم احمدی");
        d->buyer_company = s("");
        d->billing_address = s("اصفهان، خیابان چهارباغ");
        d->shipping_address = s("اصفهان، خیابان چهارباغ");
        d->payment_method = s("زرین‌پال");
        d->header_note = s("");
        d->buyer_comment = s("لطفاً قبل از ارسال تماس بگیرید");
        add_line(d, "گوشی Galaxy A54 مشکی", "SM-A546E", 1000, 185000000, 9000);
        add_line(d, "قاب محافظ", "CASE-A54", 2000, 4500000, 9000);
    } else if (th) {
        d->seller_name = s("บริษัท ร้านดี จำกัด");
        d->seller_address = s("123 ถนนสุขุมวิท | กรุงเทพมหานคร 10110");
        d->seller_bank = s("");
        d->buyer_name = s("สมชาย ใจดี");
        d->buyer_company = s("");
        d->billing_address = s("เชียงใหม่");
        d->shipping_address = s("");
        d->payment_method = s("PromptPay");
        d->header_note = s("");
        d->buyer_comment = s("");
        add_line(d, "เสื้อยืดผ้าฝ้ายสีขาวขนาดกลางสำหรับใส่ในฤดูร้อนและฤดูฝนที่ประเทศไทย", "TS-WHT-M", 2000,
                 35000, 7000);
        add_line(d, "ค่าจัดส่ง", "", 1000, 5000, 7000);
    } else {
        d->seller_name = s(hu ? "Példa Kft." : lv ? "Rīgas Veikals SIA" : "Example Shop Ltd");
        d->seller_address = s(hu ? "Budapest, Váci utca 1." : "1 High Street | London");
        d->seller_bank = s("");
        d->buyer_name = s(hu ? "Kovács Éva" : lv ? "Ilze Ozola" : "Jane Doe");
        d->buyer_company = s("Acme");
        d->billing_address = s("Street 2\nCity");
        d->shipping_address = s("");
        d->payment_method = s("bacs");
        d->header_note = s("UNAS-77812");
        d->buyer_comment = s("Leave at the door");
        int64_t unit = hu ? 129900 : 1999;
        add_line(d,
                 hu   ? "Kávésbögre – kék"
                 : lv ? "Krūze – zila"
                      : "Mug - Blue",
                 "MUG-BL", 3000, unit, hu ? 27000 : 21000);
        add_line(d, "Flat rate", "", 1000, hu ? 149000 : 500, hu ? 27000 : 21000);
        for (size_t i = 2; i < lines; i++)
            add_line(d, "Widget", "W-1", 1000, 100, i % 2 ? 21000 : 9000);
    }
    d->paid = d->gross;
    return d;
}

static void write_pdf(const char *lang, docout_doc *d, const char *path)
{
    docout_labels *l = NULL;
    sl_error err = {.size = sizeof err};
    if (docout_labels_load(NULL, lang, &l, &err) != SL_OK)
        fail_msg("%s", err.message);
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (docout_render_pdf(d, l, &pdf, &len, &err) != SL_OK)
        fail_msg("%s", err.message);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf, 1, len, f), len);
    fclose(f);
    free(pdf);
    docout_labels_free(l);
}

/* Output of a command (at most 1 MB, malloc'd). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, p)) > 0)
        len += n;
    buf[len] = '\0';
    assert_int_equal(pclose(p), 0);
    return buf;
}

/* Removes blanks, line breaks and the bidi and joiner marks pdftotext
   puts between glyphs (it writes Persian one glyph per line, in logical
   order), so a comparison sees only the characters and their order. */
static void squash(char *t)
{
    static const char *const MARKS[] = {"\u00a0", "\u200c", "\u200e", "\u200f", "\u202a",
                                        "\u202b", "\u202c", "\u202d", "\u202e"};
    char *w = t;
    for (char *r = t; *r;) {
        size_t skip = 0;
        if (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\f')
            skip = 1;
        for (size_t i = 0; !skip && i < sizeof MARKS / sizeof MARKS[0]; i++)
            if (strncmp(r, MARKS[i], strlen(MARKS[i])) == 0)
                skip = strlen(MARKS[i]);
        if (skip) {
            r += skip;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* Reading order as pdftotext sees it; `raw` keeps the content-stream
   order instead, which also reads the rotated stamp as one word. */
static char *text_of_mode(const char *pdf, int raw)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext %s-enc UTF-8 %s -", raw ? "-raw " : "", pdf);
    char *t = run(cmd);
    squash(t);
    return t;
}

static char *text_of(const char *pdf)
{
    return text_of_mode(pdf, 0);
}

/* Each string appears, each after the one before. */
static void in_order(const char *text, const char *const *want, size_t n)
{
    const char *at = text;
    for (size_t i = 0; i < n; i++) {
        char w[256];
        snprintf(w, sizeof w, "%s", want[i]);
        squash(w);
        const char *hit = strstr(at, w);
        if (hit == NULL)
            fail_msg("'%s' missing (in order) from:\n%s", want[i], text);
        at = hit + strlen(w);
    }
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *at = strstr(text, what); at; at = strstr(at + 1, what))
        n++;
    return n;
}

static void fonts_embedded(const char *pdf, const char *family)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdffonts %s", pdf);
    char *out = run(cmd);
    assert_non_null(strstr(out, family));
    /* every font row (after the two header lines) says "yes" for emb */
    const char *row = strstr(out, "---");
    row = row ? strchr(row, '\n') : NULL;
    for (; row && row[1]; row = strchr(row + 1, '\n')) {
        if (strstr(row + 1, " yes ") == NULL)
            fail_msg("a font is not embedded:\n%s", out);
    }
    free(out);
}

static void render_and_check(const char *lang, const char *const *want, size_t n,
                             const char *family)
{
    char path[64];
    snprintf(path, sizeof path, "sample-%s.pdf", lang);
    docout_doc *d = sample(lang, "invoice", 2);
    write_pdf(lang, d, path);
    docout_doc_free(d);
    char *text = text_of(path);
    in_order(text, want, n);
    free(text);
    fonts_embedded(path, family);
}

static void test_english(void **state)
{
    (void)state;
    const char *want[] = {"Invoice",
                          "INV-en-0042",
                          "Seller",
                          "Buyer",
                          "Example Shop Ltd",
                          "Jane Doe",
                          "Acme",
                          "Issue date: 2025-12-02",
                          "Supply date: 2025-12-01",
                          "Due date: 2025-12-16",
                          "Shop order: 5001",
                          "Mug - Blue",
                          "MUG-BL",
                          "19.99",
                          "59.97",
                          "VAT summary",
                          "21%",
                          "Total to pay",
                          "EUR",
                          "Paid",
                          "UNAS-77812",
                          "Leaveatthedoor",
                          "Page1of1"};
    render_and_check("en", want, sizeof want / sizeof want[0], "NotoSans");
}

static void test_latvian(void **state)
{
    (void)state;
    const char *want[] = {"Rēķins",     "Pārdevējs",     "Pircējs",      "Rīgas Veikals SIA",
                          "Ilze Ozola", "02.12.2025.",   "Krūze – zila", "19,99",
                          "59,97",      "Kopā apmaksai", "Lapa 1 no 1"};
    render_and_check("lv", want, sizeof want / sizeof want[0], "NotoSans");
}

static void test_hungarian(void **state)
{
    (void)state;
    /* HUF with 0 decimals; thousands by a no-break space */
    const char *want[] = {"Számla",           "Eladó",        "Vevő",
                          "Példa Kft.",       "Kovács Éva",   "2025.12.02.",
                          "Kávésbögre – kék", "129\u00a0900", "389\u00a0700",
                          "Fizetendő",        "HUF"};
    render_and_check("hu", want, sizeof want / sizeof want[0], "NotoSans");
}

static void test_thai(void **state)
{
    (void)state;
    const char *want[] = {"ใบแจ้งหนี้",   "ผู้ขาย",        "ผู้ซื้อ",      "บริษัท ร้านดี จำกัด",
                          "สมชาย ใจดี", "02/12/2025",  "TS-WHT-M", "350.00",
                          "700.00",    "ยอดชำระทั้งสิ้น", "THB"};
    render_and_check("th", want, sizeof want / sizeof want[0], "NotoSansThai");
}

static void test_persian(void **state)
{
    (void)state;
    /* Jalali beside Gregorian, Persian digits, IRR without decimals and
       the Latin model name kept inside the Persian line. */
    const char *want[] = {"فاکتور فروش", "فروشنده",          "خریدار",     "فروشگاه آسمان",
                          "مریم احمدی",  "۱۴۰۴/۰۹/۱۱",       "Galaxy A54", "SM-A546E",
                          "۱۸۵٬۰۰۰٬۰۰۰", "مبلغ قابل پرداخت", "ریال"};
    render_and_check("fa", want, sizeof want / sizeof want[0], "NotoNaskhArabic");
}

/* amount_in_words = yes: the total to pay in words under the totals. */
static void words_check(const char *lang, const char *label, const char *words)
{
    char path[64];
    snprintf(path, sizeof path, "words-%s.pdf", lang);
    docout_doc *d = sample(lang, "invoice", 1);
    assert_int_equal(docout_amount_words(lang, d->gross, d->exponent, d->currency, d->amount_words,
                                         sizeof d->amount_words),
                     0);
    write_pdf(lang, d, path);
    docout_doc_free(d);
    char *text = text_of(path);
    const char *want[] = {label, words};
    in_order(text, want, 2);
    free(text);
}

static void test_amount_in_words(void **state)
{
    (void)state;
    /* the samples' totals: 78.61 EUR (tax rounded per line) and
       185,000,000 + 2 x 4,500,000 at 9% = 211,460,000 IRR */
    words_check("en", "In words", "Seventy-eight and 61/100 EUR");
    words_check("fa", "مبلغ به حروف", "دویست و یازده میلیون و چهارصد و شصت هزار ریال");
}

static void test_many_pages(void **state)
{
    (void)state;
    docout_doc *d = sample("en", "sales_order", 500);
    write_pdf("en", d, "sample-500.pdf");
    docout_doc_free(d);
    char *text = text_of("sample-500.pdf");
    size_t pages = count(text, "Page");
    assert_true(pages >= 5);
    char last[64];
    snprintf(last, sizeof last, "Page%zuof%zu", pages, pages);
    assert_non_null(strstr(text, last));
    assert_non_null(strstr(text, "Salesorder"));
    /* the table header repeats on every page */
    assert_int_equal(count(text, "Description"), pages);
    free(text);
}

static void test_void_and_types(void **state)
{
    (void)state;
    const char *types[] = {"receipt", "credit_note", "sales_order"};
    const char *titles[] = {"Receipt", "Creditnote", "Salesorder"};
    for (size_t i = 0; i < 3; i++) {
        docout_doc *d = sample("en", types[i], 2);
        if (i == 0)
            snprintf(d->status, sizeof d->status, "void");
        const char *path = i == 0 ? "sample-void.pdf" : "sample-type.pdf";
        write_pdf("en", d, path);
        docout_doc_free(d);
        char *text = text_of_mode(path, 1);
        assert_non_null(strstr(text, titles[i]));
        assert_true((strstr(text, "VOID") != NULL) == (i == 0));
        free(text);
    }
}

static void test_formats(void **state)
{
    (void)state;
    docout_style en = {.lang = "en"}, lv = {.lang = "lv"};
    docout_style fa = {.lang = "fa", .rtl = 1, .persian_digits = 1, .jalali = 2};
    char b[DOCOUT_TEXT_MAX];
    assert_string_equal(docout_money(&en, 123456789, 2, "EUR", b), "1,234,567.89\u00a0EUR");
    assert_string_equal(docout_money(&en, -5, 2, NULL, b), "-0.05");
    assert_string_equal(docout_money(&lv, 100000, 2, NULL, b), "1\u00a0000,00");
    assert_string_equal(docout_money(&fa, 1500000, 0, "IRT", b), "۱٬۵۰۰٬۰۰۰\u00a0تومان");
    assert_string_equal(docout_qty(&en, 1500, b), "1.5");
    assert_string_equal(docout_qty(&lv, 2000, b), "2");
    assert_string_equal(docout_date(&fa, ISSUE_MS, b), "۱۴۰۴/۰۹/۱۱");
    assert_string_equal(docout_date(&lv, ISSUE_MS, b), "02.12.2025.");
}

static void test_labels_complete(void **state)
{
    (void)state;
    const char *langs[] = {"en", "lv", "hu", "th", "fa"};
    sl_error err = {.size = sizeof err};
    docout_labels *l = NULL;
    for (size_t i = 0; i < 5; i++) {
        if (docout_labels_load(NULL, langs[i], &l, &err) != SL_OK)
            fail_msg("%s", err.message);
        docout_labels_free(l);
    }
    assert_int_equal(docout_labels_load(NULL, "de", &l, &err), SL_EINVALID);
    assert_string_equal(err.field, "language");
    assert_int_equal(system("mkdir -p lbl && printf '[labels]\\ninvoice = X\\n' > lbl/en.ini"), 0);
    assert_int_equal(docout_labels_load("lbl", "en", &l, &err), SL_EINVALID);
    assert_non_null(strstr(err.message, "missing"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),         cmocka_unit_test(test_labels_complete),
        cmocka_unit_test(test_english),         cmocka_unit_test(test_latvian),
        cmocka_unit_test(test_hungarian),       cmocka_unit_test(test_thai),
        cmocka_unit_test(test_persian),         cmocka_unit_test(test_many_pages),
        cmocka_unit_test(test_amount_in_words), cmocka_unit_test(test_void_and_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
