/*
 * Label tables: one INI file per language ([labels] key = text), parsed
 * with inih, checked against the list of keys the renderer uses so a
 * translator's missing line is an error that names it, not a blank label.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "docout/docout.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

static const char *const LANGS[] = {"en", "lv", "hu", "th", "fa"};

/* Every key a document or mail uses. */
static const char *const KEYS[] = {"direction",
                                   "font",
                                   "invoice",
                                   "receipt",
                                   "sales_order",
                                   "credit_note",
                                   "void",
                                   "seller",
                                   "buyer",
                                   "vat_id",
                                   "bank",
                                   "billing_address",
                                   "shipping_address",
                                   "number",
                                   "issue_date",
                                   "supply_date",
                                   "due_date",
                                   "order_number",
                                   "order_date",
                                   "line_no",
                                   "description",
                                   "sku",
                                   "qty",
                                   "unit",
                                   "unit_price",
                                   "discount",
                                   "tax_rate",
                                   "net",
                                   "tax",
                                   "gross",
                                   "tax_summary",
                                   "total_net",
                                   "total_tax",
                                   "total_gross",
                                   "payment_status",
                                   "paid",
                                   "unpaid",
                                   "partly_paid",
                                   "payment_method",
                                   "notes",
                                   "buyer_comment",
                                   "page",
                                   "page_of",
                                   "mail_subject",
                                   "mail_body",
                                   "amount_in_words"};
#define KEY_COUNT (sizeof KEYS / sizeof KEYS[0])

struct docout_labels {
    char *text[KEY_COUNT];
};

int docout_language_known(const char *lang)
{
    for (size_t i = 0; i < sizeof LANGS / sizeof LANGS[0]; i++)
        if (lang && strcmp(lang, LANGS[i]) == 0)
            return 1;
    return 0;
}

static int key_index(const char *key)
{
    for (size_t i = 0; i < KEY_COUNT; i++)
        if (strcmp(KEYS[i], key) == 0)
            return (int)i;
    return -1;
}

/* "\n" in the file becomes a newline. */
static char *unescape(const char *v)
{
    char *out = malloc(strlen(v) + 1);
    if (out == NULL)
        return NULL;
    char *w = out;
    for (const char *r = v; *r; r++) {
        if (r[0] == '\\' && r[1] == 'n') {
            *w++ = '\n';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return out;
}

static int on_key(void *data, const char *section, const char *key, const char *value)
{
    docout_labels *l = data;
    int i = key_index(key);
    if (strcmp(section, "labels") != 0 || i < 0 || l->text[i] != NULL)
        return 0; /* unknown or repeated: inih reports the line */
    l->text[i] = unescape(value);
    return l->text[i] != NULL;
}

static int load_file(const char *path, docout_labels **out, sl_error *err)
{
    docout_labels *l = calloc(1, sizeof *l);
    if (l == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    int line = ini_parse(path, on_key, l);
    if (line != 0) {
        docout_labels_free(l);
        return line < 0 ? sl_error_set(err, SL_ENOTFOUND, "language", "cannot read %s", path)
                        : sl_error_set(err, SL_EINVALID, "labels",
                                       "%s:%d: unknown or repeated label", path, line);
    }
    for (size_t i = 0; i < KEY_COUNT; i++) {
        if (l->text[i] == NULL) {
            docout_labels_free(l);
            return sl_error_set(err, SL_EINVALID, KEYS[i], "%s: label %s is missing", path,
                                KEYS[i]);
        }
    }
    *out = l;
    return SL_OK;
}

int docout_labels_load(const char *dir, const char *lang, docout_labels **out, sl_error *err)
{
    if (!docout_language_known(lang))
        return sl_error_set(err, SL_EINVALID, "language",
                            "language '%s' is not one of en, lv, hu, th, fa", lang ? lang : "");
    char path[1024];
    if (dir != NULL) {
        snprintf(path, sizeof path, "%s/%s.ini", dir, lang);
        return load_file(path, out, err);
    }
    const char *env = getenv("SL_LABEL_DIR");
    char installed[4096]; /* the running binary's own install tree */
    int have = services_installed_dir(SL_INSTALL_LABEL_REL, installed, sizeof installed) == 0;
    const char *dirs[] = {env, SL_SOURCE_TREE "/host/docout/labels", have ? installed : NULL,
                          SL_INSTALL_LABEL_DIR};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (dirs[i] == NULL)
            continue;
        snprintf(path, sizeof path, "%s/%s.ini", dirs[i], lang);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        fclose(f);
        return load_file(path, out, err);
    }
    return sl_error_set(err, SL_ENOTFOUND, "language", "no label file %s.ini (looked in %s and %s)",
                        lang, SL_SOURCE_TREE "/host/docout/labels", SL_INSTALL_LABEL_DIR);
}

void docout_labels_free(docout_labels *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < KEY_COUNT; i++)
        free(l->text[i]);
    free(l);
}

const char *docout_label(const docout_labels *l, const char *key)
{
    int i = key_index(key);
    return i >= 0 && l->text[i] ? l->text[i] : "";
}
