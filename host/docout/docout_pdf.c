/*
 * Layout and drawing of a document on A4 pages with cairo's PDF surface and
 * pango (HarfBuzz shaping, Unicode bidi and line breaking: Thai breaks at
 * word boundaries through pango's dictionary break iterator).
 *
 * Geometry is written for left-to-right; for a right-to-left language
 * every box goes through mirror_x, so columns and blocks swap sides, and
 * the pango context's base direction is RTL. Auto-direction is off: a
 * paragraph's direction is the document's, and the bidi algorithm still
 * keeps a Latin SKU or number inside a Persian line left-to-right.
 *
 * The document is laid out twice: a first pass into a discarding stream
 * counts the pages, so the footer can say "page n of N" in the second.
 * Page breaks fall between table rows; the table header repeats on every
 * page. Coordinates are cairo points (double), never money.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "docout/docout.h"
#include "shopledger/sdkutil.h"

#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 36.0
#define BODY_W (PAGE_W - 2 * MARGIN)
#define FOOTER_Y (PAGE_H - MARGIN)
#define BOTTOM (FOOTER_Y - 24.0)
#define PDF_MAX_BYTES (64u << 20)

enum align { START, END, CENTER };

typedef struct column {
    const char *label;
    double width;
    enum align align;
} column;

/* Widths add up to BODY_W (523). */
static const column COLUMNS[] = {
    {"line_no", 18, END},  {"description", 127, START}, {"sku", 58, START},
    {"qty", 30, END},      {"unit", 26, START},         {"unit_price", 48, END},
    {"discount", 40, END}, {"tax_rate", 30, END},       {"net", 48, END},
    {"tax", 44, END},      {"gross", 54, END},
};
#define NCOL (sizeof COLUMNS / sizeof COLUMNS[0])

typedef struct pdf_buf {
    unsigned char *data;
    size_t len, cap;
    int failed;
    int discard;
} pdf_buf;

typedef struct page {
    cairo_t *cr;
    const docout_doc *d;
    const docout_labels *l;
    const char *font;
    double y;
    int number, total;
} page;

static cairo_status_t write_pdf(void *closure, const unsigned char *data, unsigned int len)
{
    pdf_buf *b = closure;
    if (b->discard)
        return CAIRO_STATUS_SUCCESS;
    if (b->failed || b->len + len > PDF_MAX_BYTES) {
        b->failed = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->len + len)
            cap *= 2;
        unsigned char *grown = realloc(b->data, cap);
        if (grown == NULL) {
            b->failed = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return CAIRO_STATUS_SUCCESS;
}

static double mirror_x(const page *p, double x, double w)
{
    return p->d->style.rtl ? PAGE_W - x - w : x;
}

static PangoAlignment pango_align(const page *p, enum align a)
{
    if (a == CENTER)
        return PANGO_ALIGN_CENTER;
    int left = (a == START) != (p->d->style.rtl != 0);
    return left ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT;
}

static PangoLayout *make_layout(const page *p, const char *text, double size, int bold,
                                double width, enum align a)
{
    PangoLayout *lay = pango_cairo_create_layout(p->cr);
    PangoContext *ctx = pango_layout_get_context(lay);
    pango_context_set_base_dir(ctx, p->d->style.rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
    pango_layout_context_changed(lay);
    pango_layout_set_auto_dir(lay, FALSE);
    PangoFontDescription *fd = pango_font_description_from_string(p->font);
    pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(lay, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(lay, pango_align(p, a));
    pango_layout_set_text(lay, text, -1);
    return lay;
}

static double text_height(const page *p, const char *text, double size, int bold, double w)
{
    PangoLayout *lay = make_layout(p, text, size, bold, w, START);
    int pw, ph;
    pango_layout_get_size(lay, &pw, &ph);
    g_object_unref(lay);
    return (double)ph / PANGO_SCALE;
}

/* Draws text in the box (x, y, w) given in left-to-right geometry; returns
   its height. */
static double draw_text(page *p, double x, double y, double w, const char *text, double size,
                        int bold, enum align a)
{
    PangoLayout *lay = make_layout(p, text, size, bold, w, a);
    cairo_move_to(p->cr, mirror_x(p, x, w), y);
    pango_cairo_show_layout(p->cr, lay);
    int pw, ph;
    pango_layout_get_size(lay, &pw, &ph);
    g_object_unref(lay);
    return (double)ph / PANGO_SCALE;
}

static const char *type_label(const page *p)
{
    return docout_label(p->l, p->d->type);
}

static void draw_logo(page *p)
{
    if (!*p->d->logo_path)
        return;
    cairo_surface_t *img = cairo_image_surface_create_from_png(p->d->logo_path);
    if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
        double w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
        double scale = 48.0 / h;
        if (w * scale > 140.0)
            scale = 140.0 / w;
        double x = mirror_x(p, PAGE_W - MARGIN - w * scale, w * scale);
        cairo_save(p->cr);
        cairo_translate(p->cr, x, MARGIN);
        cairo_scale(p->cr, scale, scale);
        cairo_set_source_surface(p->cr, img, 0, 0);
        cairo_paint(p->cr);
        cairo_restore(p->cr);
    }
    cairo_surface_destroy(img);
}

static void draw_void_stamp(page *p)
{
    if (strcmp(p->d->status, "void") != 0)
        return;
    cairo_save(p->cr);
    cairo_translate(p->cr, PAGE_W / 2, PAGE_H / 2);
    cairo_rotate(p->cr, -0.6);
    cairo_set_source_rgba(p->cr, 0.8, 0.1, 0.1, 0.35);
    PangoLayout *lay = make_layout(p, docout_label(p->l, "void"), 72, 1, 500, CENTER);
    int pw, ph;
    pango_layout_get_size(lay, &pw, &ph);
    cairo_move_to(p->cr, -250, -(double)ph / PANGO_SCALE / 2);
    pango_cairo_show_layout(p->cr, lay);
    g_object_unref(lay);
    cairo_restore(p->cr);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void draw_footer(page *p)
{
    char ascii[DOCOUT_TEXT_MAX], text[2 * DOCOUT_TEXT_MAX + 128], digits[DOCOUT_TEXT_MAX];
    snprintf(ascii, sizeof ascii, "%d", p->number);
    char total[DOCOUT_TEXT_MAX], tascii[32];
    snprintf(tascii, sizeof tascii, "%d", p->total);
    snprintf(text, sizeof text, "%s %s · %s %s %s", p->d->number, type_label(p),
             docout_label(p->l, "page"), docout_digits(&p->d->style, ascii, digits),
             docout_label(p->l, "page_of"));
    size_t n = strlen(text);
    snprintf(text + n, sizeof text - n, " %s", docout_digits(&p->d->style, tascii, total));
    draw_text(p, MARGIN, FOOTER_Y - 10, BODY_W, text, 7, 0, END);
    draw_void_stamp(p);
}

static double draw_table_header(page *p)
{
    double h = 0;
    for (size_t i = 0; i < NCOL; i++) {
        double th =
            text_height(p, docout_label(p->l, COLUMNS[i].label), 7, 1, COLUMNS[i].width - 4);
        if (th > h)
            h = th;
    }
    cairo_set_source_rgb(p->cr, 0.9, 0.9, 0.9);
    cairo_rectangle(p->cr, MARGIN, p->y, BODY_W, h + 4);
    cairo_fill(p->cr);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    double x = MARGIN;
    for (size_t i = 0; i < NCOL; i++) {
        draw_text(p, x + 2, p->y + 2, COLUMNS[i].width - 4, docout_label(p->l, COLUMNS[i].label), 7,
                  1, COLUMNS[i].align);
        x += COLUMNS[i].width;
    }
    p->y += h + 6;
    return h;
}

static void new_page(page *p, int with_table_header)
{
    draw_footer(p);
    cairo_show_page(p->cr);
    p->number++;
    p->y = MARGIN;
    char head[256];
    snprintf(head, sizeof head, "%s %s", type_label(p), p->d->number);
    p->y += draw_text(p, MARGIN, p->y, BODY_W, head, 9, 1, START) + 8;
    if (with_table_header)
        draw_table_header(p);
}

/* Starts a new page first when `h` more points do not fit. */
static void need(page *p, double h, int with_table_header)
{
    if (p->y + h > BOTTOM)
        new_page(p, with_table_header);
}

static void rate_text(const docout_style *st, int64_t milli, char out[DOCOUT_TEXT_MAX])
{
    if (milli < 0) {
        snprintf(out, DOCOUT_TEXT_MAX, "–");
        return;
    }
    char q[DOCOUT_TEXT_MAX];
    snprintf(out, DOCOUT_TEXT_MAX, "%s%%", docout_qty(st, milli, q));
}

static void line_cells(const page *p, size_t i, char cells[NCOL][DOCOUT_TEXT_MAX * 4])
{
    const docout_doc *d = p->d;
    const docout_line *l = &d->lines[i];
    const docout_style *st = &d->style;
    char ascii[32], buf[DOCOUT_TEXT_MAX];
    snprintf(ascii, sizeof ascii, "%zu", i + 1);
    snprintf(cells[0], sizeof cells[0], "%s", docout_digits(st, ascii, buf));
    snprintf(cells[1], sizeof cells[1], "%s", l->text);
    snprintf(cells[2], sizeof cells[2], "%s", l->sku);
    snprintf(cells[3], sizeof cells[3], "%s", docout_qty(st, l->qty_milli, buf));
    snprintf(cells[4], sizeof cells[4], "%s", l->unit);
    snprintf(cells[5], sizeof cells[5], "%s",
             docout_money(st, l->unit_price, d->exponent, NULL, buf));
    snprintf(cells[6], sizeof cells[6], "%s",
             l->discount ? docout_money(st, l->discount, d->exponent, NULL, buf) : "");
    rate_text(st, l->tax_percent_milli, buf);
    snprintf(cells[7], sizeof cells[7], "%s", buf);
    snprintf(cells[8], sizeof cells[8], "%s", docout_money(st, l->net, d->exponent, NULL, buf));
    snprintf(cells[9], sizeof cells[9], "%s", docout_money(st, l->tax, d->exponent, NULL, buf));
    snprintf(cells[10], sizeof cells[10], "%s", docout_money(st, l->gross, d->exponent, NULL, buf));
}

static void draw_lines(page *p)
{
    static char cells[NCOL][DOCOUT_TEXT_MAX * 4];
    need(p, 40, 0);
    draw_table_header(p);
    for (size_t i = 0; i < p->d->line_count; i++) {
        line_cells(p, i, cells);
        double h = 0;
        for (size_t c = 0; c < NCOL; c++) {
            double th = text_height(p, cells[c], 7, 0, COLUMNS[c].width - 4);
            if (th > h)
                h = th;
        }
        need(p, h + 3, 1);
        double x = MARGIN;
        for (size_t c = 0; c < NCOL; c++) {
            draw_text(p, x + 2, p->y, COLUMNS[c].width - 4, cells[c], 7, 0, COLUMNS[c].align);
            x += COLUMNS[c].width;
        }
        p->y += h + 2;
        cairo_set_source_rgb(p->cr, 0.8, 0.8, 0.8);
        cairo_set_line_width(p->cr, 0.4);
        cairo_move_to(p->cr, MARGIN, p->y);
        cairo_line_to(p->cr, MARGIN + BODY_W, p->y);
        cairo_stroke(p->cr);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        p->y += 1;
    }
    p->y += 8;
}

/* "Label: value" pairs in a block at x of width w; returns the height. */
static double draw_pairs(page *p, double x, double y, double w, const char *const *pairs, size_t n)
{
    double h = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (!*pairs[i + 1])
            continue;
        char buf[4096];
        snprintf(buf, sizeof buf, "%s: %s", docout_label(p->l, pairs[i]), pairs[i + 1]);
        h += draw_text(p, x, y + h, w, buf, 8, 0, START) + 1;
    }
    return h;
}

static double draw_party(page *p, double x, double w, const char *title, const char *name,
                         const char *lines, const char *const *pairs, size_t n)
{
    double y = p->y;
    y += draw_text(p, x, y, w, docout_label(p->l, title), 8, 1, START) + 1;
    y += draw_text(p, x, y, w, name, 10, 1, START) + 1;
    if (*lines)
        y += draw_text(p, x, y, w, lines, 8, 0, START) + 1;
    y += draw_pairs(p, x, y, w, pairs, n);
    return y - p->y;
}

static void draw_head(page *p)
{
    const docout_doc *d = p->d;
    draw_logo(p);
    p->y += draw_text(p, MARGIN, p->y, BODY_W - 150, type_label(p), 18, 1, START) + 2;
    char buf[512];
    snprintf(buf, sizeof buf, "%s: %s", docout_label(p->l, "number"), d->number);
    p->y += draw_text(p, MARGIN, p->y, BODY_W - 150, buf, 10, 0, START) + 14;
    char seller_addr[1024];
    snprintf(seller_addr, sizeof seller_addr, "%s", d->seller_address);
    for (char *c = strstr(seller_addr, " | "); c; c = strstr(c, " | ")) {
        memmove(c, c + 2, strlen(c + 2) + 1);
        *c = '\n';
    }
    const char *seller_pairs[] = {"vat_id", d->seller_vat_id, "bank", d->seller_bank};
    const char *buyer_pairs[] = {"vat_id", d->buyer_vat_id};
    char buyer_name[1024];
    snprintf(buyer_name, sizeof buyer_name, "%s%s%s", d->buyer_name, *d->buyer_company ? "\n" : "",
             d->buyer_company);
    double half = BODY_W / 2 - 10;
    double hs = draw_party(p, MARGIN, half, "seller", d->seller_name, seller_addr, seller_pairs, 4);
    double hb = draw_party(p, MARGIN + BODY_W / 2 + 10, half, "buyer", buyer_name, d->buyer_email,
                           buyer_pairs, 2);
    p->y += (hs > hb ? hs : hb) + 10;
    char issue[DOCOUT_TEXT_MAX], supply[DOCOUT_TEXT_MAX], due[DOCOUT_TEXT_MAX],
        ordered[DOCOUT_TEXT_MAX] = "";
    if (d->order_ms != 0)
        docout_date(&d->style, d->order_ms, ordered);
    const char *dates[] = {"issue_date",   docout_date(&d->style, d->issue_ms, issue),
                           "supply_date",  docout_date(&d->style, d->supply_ms, supply),
                           "due_date",     docout_date(&d->style, d->due_ms, due),
                           "order_number", d->order_number,
                           "order_date",   ordered};
    const char *addrs[] = {"billing_address", d->billing_address, "shipping_address",
                           d->shipping_address};
    double hd = draw_pairs(p, MARGIN, p->y, half, dates, 10);
    double ha = draw_pairs(p, MARGIN + BODY_W / 2 + 10, p->y, half, addrs, 4);
    p->y += (hd > ha ? hd : ha) + 12;
}

static void draw_summary(page *p)
{
    const docout_doc *d = p->d;
    const docout_style *st = &d->style;
    char a[DOCOUT_TEXT_MAX], b[DOCOUT_TEXT_MAX], c[DOCOUT_TEXT_MAX], r[DOCOUT_TEXT_MAX];
    need(p, 40 + 12.0 * (double)d->rate_count, 0);
    double x = MARGIN + BODY_W / 2;
    double w = BODY_W / 2;
    p->y += draw_text(p, x, p->y, w, docout_label(p->l, "tax_summary"), 8, 1, START) + 2;
    for (size_t i = 0; i < d->rate_count; i++) {
        rate_text(st, d->rates[i].percent_milli, r);
        draw_text(p, x, p->y, 40, r, 8, 0, END);
        draw_text(p, x + 40, p->y, 70, docout_money(st, d->rates[i].net, d->exponent, NULL, a), 8,
                  0, END);
        draw_text(p, x + 110, p->y, 70, docout_money(st, d->rates[i].tax, d->exponent, NULL, b), 8,
                  0, END);
        p->y += draw_text(p, x + 180, p->y, w - 180,
                          docout_money(st, d->rates[i].gross, d->exponent, NULL, c), 8, 0, END) +
                1;
    }
    p->y += 8;
    need(p, 60, 0);
    const char *keys[] = {"total_net", "total_tax", "total_gross"};
    int64_t sums[] = {d->net, d->tax, d->gross};
    for (size_t i = 0; i < 3; i++) {
        draw_text(p, x, p->y, 130, docout_label(p->l, keys[i]), i == 2 ? 10 : 8, i == 2, START);
        p->y += draw_text(p, x + 130, p->y, w - 130,
                          docout_money(st, sums[i], d->exponent, d->currency, a), i == 2 ? 10 : 8,
                          i == 2, END) +
                2;
    }
    if (d->amount_words[0]) {
        char words[DOCOUT_WORDS_MAX + 128];
        snprintf(words, sizeof words, "%s: %s", docout_label(p->l, "amount_in_words"),
                 d->amount_words);
        need(p, text_height(p, words, 8, 0, BODY_W) + 4, 0);
        p->y += draw_text(p, MARGIN, p->y + 2, BODY_W, words, 8, 0, START) + 4;
    }
    p->y += 10;
}

static void draw_payment_and_notes(page *p)
{
    const docout_doc *d = p->d;
    const char *status = d->paid >= d->gross && d->gross > 0 ? "paid"
                         : d->paid > 0                       ? "partly_paid"
                                                             : "unpaid";
    const char *pairs[] = {"payment_status", docout_label(p->l, status),
                           "payment_method", d->payment_method,
                           "notes",          d->header_note,
                           "buyer_comment",  d->buyer_comment};
    double h = 0;
    for (size_t i = 0; i + 1 < 8; i += 2) {
        char buf[8192];
        snprintf(buf, sizeof buf, "%s: %s", docout_label(p->l, pairs[i]), pairs[i + 1]);
        if (*pairs[i + 1])
            h += text_height(p, buf, 8, 0, BODY_W) + 1;
    }
    need(p, h, 0);
    p->y += draw_pairs(p, MARGIN, p->y, BODY_W, pairs, 8);
}

/* One full layout pass; *pages gets the page count. */
static int render_pass(const docout_doc *d, const docout_labels *l, pdf_buf *buf, int total,
                       int *pages)
{
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(write_pdf, buf, PAGE_W, PAGE_H);
    cairo_t *cr = cairo_create(surf);
    page p = {.cr = cr,
              .d = d,
              .l = l,
              .font = docout_label(l, "font"),
              .y = MARGIN,
              .number = 1,
              .total = total};
    char title[256];
    snprintf(title, sizeof title, "%s %s", docout_label(l, d->type), d->number);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "shopledger");
    draw_head(&p);
    draw_lines(&p);
    draw_summary(&p);
    draw_payment_and_notes(&p);
    draw_footer(&p);
    cairo_show_page(cr);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    *pages = p.number;
    return cs == CAIRO_STATUS_SUCCESS && !buf->failed ? 0 : -1;
}

int docout_render_pdf(const docout_doc *d, const docout_labels *l, unsigned char **pdf, size_t *len,
                      sl_error *err)
{
    pdf_buf count = {.discard = 1};
    int pages = 0, pages2 = 0;
    if (render_pass(d, l, &count, 0, &pages) != 0)
        return sl_error_set(err, SL_EINTERNAL, "pdf", "cairo could not lay out %s", d->number);
    pdf_buf out = {0};
    if (render_pass(d, l, &out, pages, &pages2) != 0) {
        free(out.data);
        return sl_error_set(err, out.failed ? SL_ETOOBIG : SL_EINTERNAL, "pdf",
                            "cairo could not write %s", d->number);
    }
    *pdf = out.data;
    *len = out.len;
    return SL_OK;
}

int docout_pdf_of(store *s, const config_tenant *t, const char *number, int64_t id,
                  unsigned char **pdf, size_t *len, sl_error *err)
{
    docout_doc *d = NULL;
    int rc = docout_doc_load(s, t, number, id, &d, err);
    if (rc)
        return rc;
    docout_labels *l = NULL;
    rc = docout_labels_load(NULL, d->style.lang, &l, err);
    if (rc == SL_OK)
        rc = docout_render_pdf(d, l, pdf, len, err);
    docout_labels_free(l);
    docout_doc_free(d);
    return rc;
}
