/*
 * Documents out: a ledger document rendered as a PDF in the tenant's (or
 * channel's) language.
 *
 * The pieces, one file each:
 *   docout_labels.c   label table of a language, read from a data file a
 *                     translator edits (labels/<lang>.ini), found in the
 *                     build tree, then in the install tree
 *   docout_format.c   money, quantities, rates and dates per language:
 *                     thousands and decimal separators, Persian digits,
 *                     Jalali dates (no floating point)
 *   docout_model.c    the document as printed: ledger document + the shop
 *                     order's current revision + the tenant's [documents]
 *   docout_pdf.c      layout and drawing with cairo + pango (HarfBuzz
 *                     shaping, pango line breaking for Thai, base
 *                     direction RTL for Persian with mirrored columns)
 *
 * Tenant keys in [documents] (every one optional):
 *   language = en|lv|hu|th|fa    (a channel's own `language` wins)
 *   seller_name, seller_address (use " | " for line breaks), seller_vat_id,
 *   seller_bank, logo = PATH.png (relative: against the INI's directory),
 *   payment_terms_days = N (due date = issue date + N),
 *   persian_digits = yes|no (fa only, default yes),
 *   jalali = beside|instead|no (fa only, default beside),
 *   amount_in_words = yes|no (default no; en and fa: the total to pay in
 *   words under the totals)
 *   and the e-mail keys smtp_url, smtp_starttls, smtp_user,
 *   smtp_password_file, smtp_ca_file, mail_from, reply_to (config.h,
 *   config_mail_get; docout/mail_send.h sends)
 *
 * Errors follow the project contract: 0 or a negative SL_E* code with the
 * reason in err (field named).
 */
#ifndef SL_DOCOUT_H
#define SL_DOCOUT_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "shopledger/sdk.h"
#include "store/store.h"

/* ---- labels ---------------------------------------------------------------- */

#define DOCOUT_LANG_MAX 8
typedef struct docout_labels docout_labels;

/* Is `lang` one of en, lv, hu, th, fa? */
int docout_language_known(const char *lang);
/* Loads labels/<lang>.ini from `dir`, or (dir NULL) from the source tree's
   host/docout/labels, then the install tree's share/shopledger/labels.
   Every key of the English table must be present (SL_EINVALID naming the
   file and key otherwise). Free with docout_labels_free. */
int docout_labels_load(const char *dir, const char *lang, docout_labels **out, sl_error *err);
void docout_labels_free(docout_labels *l);
/* The text of `key` (borrowed until free); "" for an unknown key. "\n"
   written as backslash-n in the file is a newline here. */
const char *docout_label(const docout_labels *l, const char *key);

/* ---- formatting -------------------------------------------------------------- */

typedef struct docout_style {
    char lang[DOCOUT_LANG_MAX];
    int rtl;            /* Persian: right to left */
    int persian_digits; /* digits as U+06F0.. */
    int jalali;         /* 0 no, 1 beside Gregorian, 2 instead */
} docout_style;

#define DOCOUT_TEXT_MAX 96
/* Money of `minor` units with `exponent` decimals, the language's
   thousands and decimal separators, digits per style; the currency code
   (or its Persian name for IRR/IRT in fa) after it when `currency` is not
   NULL. Returns buf. */
char *docout_money(const docout_style *st, int64_t minor, int exponent, const char *currency,
                   char buf[DOCOUT_TEXT_MAX]);
/* Quantity in thousandths, trailing zeros dropped ("3", "1,5"). */
char *docout_qty(const docout_style *st, int64_t milli, char buf[DOCOUT_TEXT_MAX]);
/* Date of UTC ms in the language's form; fa: Jalali beside or instead. */
char *docout_date(const docout_style *st, int64_t utc_ms, char buf[DOCOUT_TEXT_MAX]);
/* Copies text with ASCII digits made Persian when the style asks. */
char *docout_digits(const docout_style *st, const char *text, char buf[DOCOUT_TEXT_MAX]);

/* ---- amount in words (docout_words.c) ------------------------------------------ */

#define DOCOUT_WORDS_MAX 1024
/* Can amounts be written in words in `lang`? (en, fa) */
int docout_words_supported(const char *lang);
/* `minor` units with `exponent` decimals and `currency` in words into buf
   (cap bytes): en "One thousand two hundred thirty-four and 56/100 EUR",
   fa "یک میلیون و دویست و پنجاه هزار ریال". 0 on success; -1 for another
   language, a buffer too small or (fa) a fraction past thousandths. */
int docout_amount_words(const char *lang, int64_t minor, int exponent, const char *currency,
                        char *buf, size_t cap);

/* ---- the document model ------------------------------------------------------- */

typedef struct docout_line {
    char *text, *sku, *unit;
    int64_t qty_milli, unit_price, discount, tax_percent_milli, net, tax, gross;
} docout_line;

typedef struct docout_rate {
    int64_t percent_milli, net, tax, gross;
} docout_rate;

#define DOCOUT_MAX_RATES 16

typedef struct docout_doc {
    int64_t id;
    char type[16], status[16], number[64], currency[8];
    int exponent;
    char *order_number, *channel, *external_id;
    char *header_note, *buyer_comment;
    char *seller_name, *seller_address, *seller_vat_id, *seller_bank, *logo_path;
    char *buyer_name, *buyer_company, *buyer_vat_id, *buyer_email;
    char *billing_address, *shipping_address; /* lines joined by '\n' */
    char *payment_method;
    /* dates as the tenant's wall clock (UTC ms shifted by its zone's
       offset), so the day printed is the local day: issue = the day the
       document was booked, order = the day the shop took the order (0 =
       unknown, not printed) */
    int64_t issue_ms, supply_ms, due_ms, order_ms;
    int64_t net, tax, gross, paid;
    docout_line *lines;
    size_t line_count;
    docout_rate rates[DOCOUT_MAX_RATES];
    size_t rate_count;
    docout_style style;
    char amount_words[DOCOUT_WORDS_MAX]; /* the gross in words; "" unless asked */
} docout_doc;

/* Reads document `number` of tenant t (or, when number is NULL, document
   id) with its order and builds the printed model. SL_ENOTFOUND for an
   unknown number; SL_EINVALID for a bad [documents] value (field named). */
int docout_doc_load(store *s, const config_tenant *t, const char *number, int64_t id,
                    docout_doc **out, sl_error *err);
void docout_doc_free(docout_doc *d);

/* ---- rendering -------------------------------------------------------------- */

/* Renders d as PDF into a malloc'd buffer (*pdf, *len; caller frees) with
   the labels of its language. Fonts: Noto Sans (Latin), Noto Sans Thai,
   Noto Naskh Arabic, with fontconfig's fallback for anything else. */
int docout_render_pdf(const docout_doc *d, const docout_labels *l, unsigned char **pdf, size_t *len,
                      sl_error *err);

/* Load + labels + render in one call: the PDF of document `number`. */
int docout_pdf_of(store *s, const config_tenant *t, const char *number, int64_t id,
                  unsigned char **pdf, size_t *len, sl_error *err);

#endif
