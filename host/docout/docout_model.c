/*
 * The printed document: the ledger's view of a document (header, lines,
 * payments, customer), the shop order's current revision (addresses,
 * company, payment title, buyer comment, dates) and the tenant's
 * [documents] keys (seller, language and its options). Everything is
 * copied into one docout_doc the renderer reads without the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "docout/docout.h"
#include "shopledger/sdkutil.h"
#include "inbox/inbox_find.h"
#include "services/services.h"
#include "ledger/ledger.h"

#define DAY_MS 86400000LL
#define MAX_TERMS_DAYS 3650

static const char *jstr(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static int64_t jnum(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *doc_key(const config_tenant *t, const char *key)
{
    for (size_t i = 0; i < t->document_count; i++)
        if (strcmp(t->documents[i].key, key) == 0)
            return t->documents[i].value;
    return NULL;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

/* Address lines of a normalized order address object, '\n'-joined. */
static char *address_text(const json_t *a)
{
    char buf[2048];
    size_t w = 0;
    buf[0] = '\0';
    const char *name_parts[] = {jstr(a, "first_name"), jstr(a, "last_name")};
    char name[512];
    snprintf(name, sizeof name, "%s%s%s", name_parts[0], *name_parts[0] ? " " : "", name_parts[1]);
    char cityline[512];
    snprintf(cityline, sizeof cityline, "%s%s%s", jstr(a, "postcode"),
             *jstr(a, "postcode") ? " " : "", jstr(a, "city"));
    const char *parts[] = {name,     jstr(a, "company"), jstr(a, "line1"),  jstr(a, "line2"),
                           cityline, jstr(a, "state"),   jstr(a, "country")};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!*parts[i])
            continue;
        int n = snprintf(buf + w, sizeof buf - w, "%s%s", w ? "\n" : "", parts[i]);
        if (n < 0 || (size_t)n >= sizeof buf - w)
            break;
        w += (size_t)n;
    }
    return strdup(buf);
}

static int style_of(const config_tenant *t, const config_channel *ch, docout_style *st,
                    sl_error *err)
{
    const char *lang = ch ? config_channel_get(ch, "language") : NULL;
    if (lang == NULL)
        lang = doc_key(t, "language");
    if (lang == NULL)
        lang = "en";
    if (!docout_language_known(lang))
        return sl_error_set(err, SL_EINVALID, "language",
                            "[documents] language: '%s' is not one of en, lv, hu, th, fa", lang);
    snprintf(st->lang, sizeof st->lang, "%s", lang);
    int fa = strcmp(lang, "fa") == 0;
    st->rtl = fa;
    const char *digits = doc_key(t, "persian_digits");
    st->persian_digits = fa && (digits == NULL || strcmp(digits, "yes") == 0);
    if (digits && strcmp(digits, "yes") != 0 && strcmp(digits, "no") != 0)
        return sl_error_set(err, SL_EINVALID, "persian_digits",
                            "[documents] persian_digits: expected yes or no");
    const char *jalali = doc_key(t, "jalali");
    if (jalali == NULL || strcmp(jalali, "beside") == 0)
        st->jalali = fa ? 1 : 0;
    else if (strcmp(jalali, "instead") == 0)
        st->jalali = fa ? 2 : 0;
    else if (strcmp(jalali, "no") == 0)
        st->jalali = 0;
    else
        return sl_error_set(err, SL_EINVALID, "jalali",
                            "[documents] jalali: expected beside, instead or no");
    return SL_OK;
}

static int terms_days(const config_tenant *t, int64_t *days, sl_error *err)
{
    const char *v = doc_key(t, "payment_terms_days");
    *days = 0;
    if (v == NULL)
        return SL_OK;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end || end == v || n < 0 || n > MAX_TERMS_DAYS)
        return sl_error_set(err, SL_EINVALID, "payment_terms_days",
                            "[documents] payment_terms_days: expected 0..%d", MAX_TERMS_DAYS);
    *days = n;
    return SL_OK;
}

/* Logo path: relative ones against the INI file's directory. */
static char *logo_path(const config_tenant *t)
{
    const char *v = doc_key(t, "logo");
    if (v == NULL || !*v)
        return strdup("");
    if (v[0] == '/' || t->file == NULL)
        return strdup(v);
    const char *slash = strrchr(t->file, '/');
    char buf[2048];
    if (slash == NULL)
        snprintf(buf, sizeof buf, "%s", v);
    else
        snprintf(buf, sizeof buf, "%.*s/%s", (int)(slash - t->file), t->file, v);
    return strdup(buf);
}

/* Finds the id of document `number` among the ledger's documents. */
static int find_number(store *s, const char *number, int64_t *id, sl_error *err)
{
    json_t *all = ledger_doc_list_json(s, 0, err);
    if (all == NULL)
        return err->code;
    size_t i;
    json_t *d;
    *id = 0;
    json_array_foreach(all, i, d)
    {
        if (strcmp(jstr(d, "number"), number) == 0)
            *id = jnum(d, "id");
    }
    json_decref(all);
    return *id ? SL_OK : sl_error_set(err, SL_ENOTFOUND, "number", "no document %s", number);
}

static void add_rate(docout_doc *d, const docout_line *l)
{
    for (size_t i = 0; i < d->rate_count; i++) {
        docout_rate *r = &d->rates[i];
        if (r->percent_milli == l->tax_percent_milli) {
            r->net += l->net, r->tax += l->tax, r->gross += l->gross;
            return;
        }
    }
    if (d->rate_count < DOCOUT_MAX_RATES)
        d->rates[d->rate_count++] = (docout_rate){l->tax_percent_milli, l->net, l->tax, l->gross};
}

static int fill_lines(docout_doc *d, const json_t *lines)
{
    size_t n = json_array_size(lines);
    d->lines = calloc(n ? n : 1, sizeof *d->lines);
    if (d->lines == NULL)
        return -1;
    size_t i;
    json_t *x;
    json_array_foreach(lines, i, x)
    {
        docout_line *l = &d->lines[d->line_count++];
        l->text = dup_or_empty(jstr(x, "text"));
        l->sku = dup_or_empty(jstr(x, "sku"));
        l->unit = dup_or_empty("");
        l->qty_milli = jnum(x, "qty_milli");
        l->unit_price = jnum(x, "unit_price");
        l->discount = jnum(x, "discount");
        l->tax_percent_milli = jnum(x, "tax_percent_milli");
        l->net = jnum(x, "net");
        l->tax = jnum(x, "tax");
        l->gross = jnum(x, "gross");
        if (!l->text || !l->sku || !l->unit)
            return -1;
        add_rate(d, l);
    }
    return 0;
}

static int64_t paid_of(const json_t *payments)
{
    int64_t sum = 0;
    size_t i;
    json_t *p;
    json_array_foreach(payments, i, p)
    {
        const char *k = jstr(p, "kind");
        if (strcmp(k, "payment") == 0 || strcmp(k, "prepayment") == 0)
            sum += jnum(p, "amount");
        else if (strcmp(k, "refund") == 0)
            sum -= jnum(p, "amount");
    }
    return sum;
}

static int fill_from_order(docout_doc *d, const json_t *o)
{
    const json_t *bill = json_object_get(o, "billing");
    char name[512];
    snprintf(name, sizeof name, "%s%s%s", jstr(o, "first_name"), *jstr(o, "first_name") ? " " : "",
             jstr(o, "last_name"));
    if (*name) {
        free(d->buyer_name);
        d->buyer_name = strdup(name);
    }
    d->buyer_company =
        dup_or_empty(*jstr(o, "company") ? jstr(o, "company") : jstr(bill, "company"));
    d->buyer_vat_id = dup_or_empty(jstr(o, "vat_id"));
    d->billing_address = address_text(bill);
    d->shipping_address = address_text(json_object_get(o, "shipping"));
    const char *title = jstr(o, "payment_title");
    d->payment_method = dup_or_empty(*title ? title : jstr(o, "payment_method"));
    d->buyer_comment = dup_or_empty(jstr(o, "customer_note"));
    if (!*d->header_note && *jstr(o, "header_note")) { /* UNAS order code */
        free(d->header_note);
        d->header_note = strdup(jstr(o, "header_note"));
    }
    int64_t supply = jnum(o, "completed_ms");
    if (supply == 0)
        supply = jnum(o, "paid_ms");
    if (supply == 0)
        supply = jnum(o, "created_ms");
    if (supply != 0)
        d->supply_ms = supply;
    d->order_ms = jnum(o, "created_ms");
    return d->header_note && d->buyer_name && d->buyer_company && d->buyer_vat_id &&
                   d->billing_address && d->shipping_address && d->payment_method &&
                   d->buyer_comment
               ? 0
               : -1;
}

/* [documents] amount_in_words = yes: the gross in the document's language. */
static int amount_words(const config_tenant *t, docout_doc *d, sl_error *err)
{
    const char *v = doc_key(t, "amount_in_words");
    if (v == NULL || strcmp(v, "no") == 0)
        return SL_OK;
    if (strcmp(v, "yes") != 0)
        return sl_error_set(err, SL_EINVALID, "amount_in_words",
                            "[documents] amount_in_words: expected yes or no");
    if (!docout_words_supported(d->style.lang))
        return sl_error_set(err, SL_EINVALID, "amount_in_words",
                            "[documents] amount_in_words: amounts in words are written in en "
                            "and fa only, not in '%s'",
                            d->style.lang);
    if (docout_amount_words(d->style.lang, d->gross, d->exponent, d->currency, d->amount_words,
                            sizeof d->amount_words) != 0)
        return sl_error_set(err, SL_EINVALID, "amount_in_words",
                            "document %s: its total cannot be written in words (%d decimals)",
                            d->number, d->exponent);
    return SL_OK;
}

/* Shifts the document's dates to the tenant's wall clock (each by the
   offset in force at that instant), so docout_date prints local days. */
static int to_local(const config_tenant *t, docout_doc *d)
{
    int64_t *dates[] = {&d->issue_ms, &d->supply_ms, &d->due_ms, &d->order_ms};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        int64_t off = 0;
        if (*dates[i] == 0)
            continue;
        int rc = services_tz_offset_ms(t->timezone, *dates[i], &off);
        if (rc != SL_OK)
            return rc;
        *dates[i] += off;
    }
    return SL_OK;
}

static int fill(docout_doc *d, store *s, const config_tenant *t, const json_t *j, sl_error *err)
{
    d->id = jnum(j, "id");
    snprintf(d->type, sizeof d->type, "%s", jstr(j, "type"));
    snprintf(d->status, sizeof d->status, "%s", jstr(j, "status"));
    snprintf(d->number, sizeof d->number, "%s", jstr(j, "number"));
    snprintf(d->currency, sizeof d->currency, "%s", jstr(j, "currency"));
    d->exponent = (int)jnum(j, "exponent");
    d->net = jnum(j, "net"), d->tax = jnum(j, "tax"), d->gross = jnum(j, "gross");
    d->issue_ms = d->supply_ms = jnum(j, "created_ms");
    int64_t terms;
    int rc = terms_days(t, &terms, err);
    if (rc)
        return rc;
    d->due_ms = d->issue_ms + terms * DAY_MS;
    d->paid = paid_of(json_object_get(j, "payments"));
    d->order_number = dup_or_empty(jstr(j, "order_number"));
    d->channel = dup_or_empty(jstr(j, "channel"));
    d->external_id = dup_or_empty(jstr(j, "external_id"));
    d->header_note = dup_or_empty(jstr(j, "header_note"));
    d->buyer_name = dup_or_empty(jstr(j, "customer_name"));
    d->buyer_email = dup_or_empty(jstr(j, "customer_email"));
    d->seller_name = dup_or_empty(doc_key(t, "seller_name") ? doc_key(t, "seller_name")
                                                            : (t->name ? t->name : t->id));
    d->seller_address = dup_or_empty(doc_key(t, "seller_address"));
    d->seller_vat_id = dup_or_empty(doc_key(t, "seller_vat_id"));
    d->seller_bank = dup_or_empty(doc_key(t, "seller_bank"));
    d->logo_path = logo_path(t);
    if (fill_lines(d, json_object_get(j, "lines")))
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    rc = style_of(t, config_find_channel(t, d->channel), &d->style, err);
    if (rc == SL_OK)
        rc = amount_words(t, d, err);
    if (rc)
        return rc;
    json_t *o = NULL;
    sl_error oerr = {.size = sizeof oerr};
    if (inbox_find_order_json(s, d->channel, d->external_id, &o, &oerr) == SL_OK) {
        int bad = fill_from_order(d, o);
        json_decref(o);
        if (bad)
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    rc = to_local(t, d);
    if (rc)
        return sl_error_set(err, rc, "timezone", "cannot read the time in zone %s", t->timezone);
    const char **empty[] = {(const char **)&d->buyer_company,   (const char **)&d->buyer_vat_id,
                            (const char **)&d->billing_address, (const char **)&d->shipping_address,
                            (const char **)&d->payment_method,  (const char **)&d->buyer_comment};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
        if (*empty[i] == NULL && (*empty[i] = strdup("")) == NULL)
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    return SL_OK;
}

int docout_doc_load(store *s, const config_tenant *t, const char *number, int64_t id,
                    docout_doc **out, sl_error *err)
{
    int rc = number ? find_number(s, number, &id, err) : SL_OK;
    if (rc)
        return rc;
    json_t *j = ledger_doc_show_json(s, id, err);
    if (j == NULL)
        return err->code;
    docout_doc *d = calloc(1, sizeof *d);
    if (d == NULL) {
        json_decref(j);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    rc = fill(d, s, t, j, err);
    json_decref(j);
    if (rc) {
        docout_doc_free(d);
        return rc;
    }
    *out = d;
    return SL_OK;
}

void docout_doc_free(docout_doc *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->line_count; i++) {
        free(d->lines[i].text);
        free(d->lines[i].sku);
        free(d->lines[i].unit);
    }
    free(d->lines);
    char *strings[] = {d->order_number,  d->channel,     d->external_id,     d->header_note,
                       d->buyer_comment, d->seller_name, d->seller_address,  d->seller_vat_id,
                       d->seller_bank,   d->logo_path,   d->buyer_name,      d->buyer_company,
                       d->buyer_vat_id,  d->buyer_email, d->billing_address, d->shipping_address,
                       d->payment_method};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(strings[i]);
    free(d);
}
