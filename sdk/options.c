/*
 * Option tables (options.h): one row per channel key of a connector. The
 * same sl_option_parse serves the connector (sl_options_read, inside
 * channel_open) and the host (which validates the section with file and
 * line before the channel opens, and lists the rows in config check and
 * channel describe), so both read a value the same way.
 *
 * Rows are read through sl_options_row with the table's own row_size, so a
 * host built with a longer sl_option still walks a table built with an
 * older, shorter one.
 */
#include <stdio.h>
#include <string.h>

#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

const char *sl_option_type_name(int type)
{
    static const char *const names[SL_OPT_TYPE_END_V1_3] = {
        [SL_OPT_TYPE_FLAG] = "flag",         [SL_OPT_TYPE_INT] = "integer",
        [SL_OPT_TYPE_DURATION] = "duration", [SL_OPT_TYPE_URL] = "url",
        [SL_OPT_TYPE_ENUM] = "enum",         [SL_OPT_TYPE_LIST] = "list",
        [SL_OPT_TYPE_STRING] = "string",     [SL_OPT_TYPE_SECRET] = "secret"};
    return type > 0 && type < SL_OPT_TYPE_END_V1_3 ? names[type] : "?";
}

const sl_option *sl_options_row(const sl_option_table *t, size_t i)
{
    if (t == NULL || i >= t->count)
        return NULL;
    return (const sl_option *)(const void *)((const char *)t->rows + i * t->row_size);
}

const sl_option *sl_options_find(const sl_option_table *t, const char *name)
{
    for (size_t i = 0; t != NULL && i < t->count; i++)
        if (strcmp(sl_options_row(t, i)->name, name) == 0)
            return sl_options_row(t, i);
    return NULL;
}

/* Character c in the class of options.h ("a" a-z, "A" A-Z, "0" digits,
   anything else itself). */
static int in_class(unsigned char c, const char *set)
{
    for (; *set; set++)
        if ((*set == 'a' && c >= 'a' && c <= 'z') || (*set == 'A' && c >= 'A' && c <= 'Z') ||
            (*set == '0' && c >= '0' && c <= '9') || c == (unsigned char)*set)
            return 1;
    return 0;
}

static int parse_string(const sl_option *o, const char *text, size_t *len, sl_error *err)
{
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < ' ' || c == 0x7f)
            return sl_error_set(err, SL_EINVALID, o->name, "holds a control character");
        if (o->type == SL_OPT_TYPE_STRING && o->choices != NULL && !in_class(c, o->choices))
            return sl_error_set(err, SL_EINVALID, o->name, "may hold only the characters %s",
                                o->choices);
    }
    if (o->type == SL_OPT_TYPE_STRING && ((int64_t)n < o->min || (int64_t)n > o->max))
        return sl_error_set(err, SL_EINVALID, o->name, "must be %lld..%lld bytes long",
                            (long long)o->min, (long long)o->max);
    *len = n;
    return SL_OK;
}

int sl_option_parse(const sl_option *o, const char *text, sl_option_value *out, sl_error *err)
{
    sl_option_value v = {.text = text, .len = strlen(text)};
    int flag = 0, index = 0, rc;
    size_t count = 0;
    switch (o->type) {
    case SL_OPT_TYPE_FLAG:
        rc = sl_parse_flag(o->name, text, &flag, err);
        v.number = flag;
        break;
    case SL_OPT_TYPE_INT:
        rc = sl_parse_int(o->name, text, o->min, o->max, &v.number, err);
        break;
    case SL_OPT_TYPE_DURATION:
        rc = sl_parse_duration(o->name, text, o->min, o->max, &v.number, err);
        break;
    case SL_OPT_TYPE_URL:
        rc = sl_parse_url(o->name, text, (size_t)o->max, &v.len, err);
        break;
    case SL_OPT_TYPE_ENUM:
        rc = sl_parse_enum(o->name, text, o->choices, &index, err);
        v.number = index;
        break;
    case SL_OPT_TYPE_LIST:
        rc = sl_parse_list(o->name, text, (size_t)o->max, &count, err);
        v.number = (int64_t)count;
        break;
    case SL_OPT_TYPE_STRING:
    case SL_OPT_TYPE_SECRET:
        rc = parse_string(o, text, &v.len, err);
        break;
    default:
        return sl_error_set(err, SL_EINTERNAL, o->name, "option of unknown type %d", o->type);
    }
    if (rc == SL_OK)
        *out = v;
    return rc;
}

/* The destination size a type needs; 0 for url (any char array). */
static size_t dest_size_of(int type)
{
    switch (type) {
    case SL_OPT_TYPE_FLAG:
    case SL_OPT_TYPE_INT:
    case SL_OPT_TYPE_ENUM:
        return sizeof(int);
    case SL_OPT_TYPE_DURATION:
        return sizeof(int64_t);
    case SL_OPT_TYPE_URL:
        return 0;
    default:
        return sizeof(const char *);
    }
}

static int check_name(const sl_option *o, sl_error *err)
{
    size_t n = o->name ? strlen(o->name) : 0;
    if (n == 0 || n > SL_OPTIONS_NAME_MAX ||
        strspn(o->name, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
        return sl_error_set(err, SL_EINVALID, o->name ? o->name : "",
                            "option table: name must match [a-z0-9_]{1,%d}", SL_OPTIONS_NAME_MAX);
    return SL_OK;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

int sl_option_secret_name(const char *name)
{
    return strcmp(name, "secret") == 0 || strcmp(name, "password") == 0 ||
           strcmp(name, "token") == 0 || strcmp(name, "api_key") == 0 ||
           ends_with(name, "_secret") || ends_with(name, "_password") ||
           ends_with(name, "_token") || ends_with(name, "_key");
}

static int check_row(const sl_option *o, sl_error *err)
{
    int rc = check_name(o, err);
    if (rc != SL_OK)
        return rc;
    if (o->type <= 0 || o->type >= SL_OPT_TYPE_END_V1_3 || o->help == NULL)
        return sl_error_set(err, SL_EINVALID, o->name,
                            "option table: %s has an unknown type "
                            "or no help",
                            o->name);
    size_t need = dest_size_of(o->type);
    if (o->dest_size == 0 && o->offset == 0)
        need = 0; /* declared only: checked, never stored */
    else if (need != 0 ? o->dest_size != need : o->dest_size < 2 || (int64_t)o->dest_size <= o->max)
        return sl_error_set(err, SL_EINVALID, o->name,
                            "option table: %s lands in %zu bytes, "
                            "its type needs %zu",
                            o->name, o->dest_size, need ? need : (size_t)o->max + 1);
    int small = o->type == SL_OPT_TYPE_INT || o->type == SL_OPT_TYPE_FLAG;
    if (o->min > o->max || (small && (o->min < -2147483647 - 1 || o->max > 2147483647)))
        return sl_error_set(err, SL_EINVALID, o->name,
                            "option table: %s has bounds out of "
                            "order or beyond an int",
                            o->name);
    if (o->type == SL_OPT_TYPE_ENUM && (o->choices == NULL || o->choices[0] == '\0'))
        return sl_error_set(err, SL_EINVALID, o->name, "option table: enum %s has no words",
                            o->name);
    if (o->type == SL_OPT_TYPE_SECRET && !sl_option_secret_name(o->name))
        return sl_error_set(err, SL_EINVALID, o->name,
                            "option table: secret %s needs a name "
                            "the host reads as a secret (secret, password, token, api_key "
                            "or *_secret, *_password, *_token, *_key)",
                            o->name);
    if (o->type == SL_OPT_TYPE_SECRET && o->def != NULL)
        return sl_error_set(err, SL_EINVALID, o->name, "option table: secret %s has a default",
                            o->name);
    sl_option_value v;
    sl_error inner = {.size = sizeof inner};
    if (o->def != NULL && sl_option_parse(o, o->def, &v, &inner) != SL_OK)
        return sl_error_set(err, SL_EINVALID, o->name, "option table: default of %s: %s", o->name,
                            inner.message);
    return SL_OK;
}

int sl_options_check_table(const sl_option_table *t, sl_error *err)
{
    if (t == NULL)
        return SL_OK;
    if (t->size < sizeof(sl_option_table) || t->row_size < sizeof(sl_option) ||
        (t->count > 0 && t->rows == NULL) || t->count > 256)
        return sl_error_set(err, SL_EINVALID, "options",
                            "option table: bad size, row size "
                            "or count");
    for (size_t i = 0; i < t->count; i++) {
        const sl_option *o = sl_options_row(t, i);
        int rc = check_row(o, err);
        if (rc != SL_OK)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(sl_options_row(t, j)->name, o->name) == 0)
                return sl_error_set(err, SL_EINVALID, o->name,
                                    "option table: %s appears "
                                    "twice",
                                    o->name);
    }
    return SL_OK;
}

char *sl_option_describe(const sl_option *o, char *buf, size_t buflen)
{
    char def[96] = "", bounds[96] = "";
    if (o->def != NULL)
        snprintf(def, sizeof def, "default %s", o->def);
    else if (o->flags & SL_OPT_REQUIRED)
        snprintf(def, sizeof def, "required");
    if (o->type == SL_OPT_TYPE_INT)
        snprintf(bounds, sizeof bounds, "%lld..%lld", (long long)o->min, (long long)o->max);
    else if (o->type == SL_OPT_TYPE_DURATION)
        snprintf(bounds, sizeof bounds, "%llds..%llds", (long long)(o->min / 1000),
                 (long long)(o->max / 1000));
    else if (o->type == SL_OPT_TYPE_ENUM)
        snprintf(bounds, sizeof bounds, "one of %s", o->choices);
    snprintf(buf, buflen, "%s%s%s", def, def[0] && bounds[0] ? ", " : "", bounds);
    return buf;
}

/* Stores a parsed value at its row's destination. */
static int store(const sl_option *o, const sl_option_value *v, void *dest, sl_error *err)
{
    char *at = (char *)dest + o->offset;
    int small = (int)v->number;
    if (o->dest_size == 0)
        return SL_OK; /* declared only */
    switch (o->type) {
    case SL_OPT_TYPE_FLAG:
    case SL_OPT_TYPE_INT:
    case SL_OPT_TYPE_ENUM:
        memcpy(at, &small, sizeof small);
        return SL_OK;
    case SL_OPT_TYPE_DURATION:
        memcpy(at, &v->number, sizeof v->number);
        return SL_OK;
    case SL_OPT_TYPE_URL:
        if (v->len >= o->dest_size)
            return sl_error_set(err, SL_EINVALID, o->name, "URL longer than %zu bytes",
                                o->dest_size - 1);
        memcpy(at, v->text, v->len);
        at[v->len] = '\0';
        return SL_OK;
    default:
        memcpy(at, &v->text, sizeof v->text);
        return SL_OK;
    }
}

int sl_options_read(const sl_host *host, sl_ctx *ctx, const sl_option_table *t, void *dest,
                    sl_error *err)
{
    for (size_t i = 0; t != NULL && i < t->count; i++) {
        const sl_option *o = sl_options_row(t, i);
        const char *text = o->type == SL_OPT_TYPE_SECRET ? host->secret_get(ctx, o->name)
                                                         : host->config_get(ctx, o->name);
        if (text != NULL && text[0] == '\0' && o->type == SL_OPT_TYPE_SECRET)
            text = NULL; /* an empty secret file is no secret */
        if (text == NULL)
            text = o->def;
        if (text == NULL && (o->flags & SL_OPT_REQUIRED) && o->type == SL_OPT_TYPE_SECRET)
            return sl_error_set(err, SL_EINVALID, o->name,
                                "%s (%s) is missing: set %s_file "
                                "or %s_env",
                                o->name, o->help, o->name, o->name);
        if (text == NULL && (o->flags & SL_OPT_REQUIRED))
            return sl_error_set(err, SL_EINVALID, o->name, "%s is required: %s", o->name, o->help);
        if (text == NULL)
            continue;
        sl_option_value v;
        int rc = sl_option_parse(o, text, &v, err);
        if (rc == SL_OK)
            rc = store(o, &v, dest, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}
