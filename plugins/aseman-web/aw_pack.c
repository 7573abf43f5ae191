/*
 * The packed texts of Aseman Web v1 (doc §4, §5). RegisterOrder takes the
 * parcel's goods as one string, items separated by ';' and fields by '^'
 * ("501^Mug blue^350^450000^2;..."): no escaping exists, so names lose
 * both characters, and there is no discount field, so prices are what the
 * post collects (the host folds discounts in). Status calls take ids as
 * digits only: the FactorKey "41/2207-118844-000317" without '/' and '-'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aw.h"
#include "shopledger/sdkutil.h"

int aw_id_digits(const char *factor_key, const char *field, char *out, size_t cap, sl_error *err)
{
    const char *p = factor_key ? factor_key : "";
    while (*p == ' ')
        p++;
    size_t end = strlen(p);
    while (end > 0 && p[end - 1] == ' ')
        end--;
    size_t n = 0;
    for (size_t i = 0; i < end; i++) {
        if (p[i] == '/' || p[i] == '-')
            continue;
        if (p[i] < '0' || p[i] > '9')
            return sl_error_set(err, SL_EINVALID, field,
                                "%s: Aseman Web ids hold digits, '/' and '-' "
                                "only",
                                field);
        if (n + 1 >= cap || n + 1 >= AW_ID_MAX)
            return sl_error_set(err, SL_EINVALID, field, "%s: id too long", field);
        out[n++] = p[i];
    }
    if (n == 0)
        return sl_error_set(err, SL_EINVALID, field, "%s: no digits", field);
    out[n] = '\0';
    return SL_OK;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xF0 && s[0] <= 0xF4  ? 4
               : s[0] >= 0xE0                ? 3
               : s[0] >= 0xC2 && s[0] < 0xE0 ? 2
                                             : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

int aw_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_len(p);
        if (n == 0)
            return 0;
        p += n;
    }
    return 1;
}

size_t aw_sanitize_name(const char *in, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    size_t used = 0;
    int blank = 1; /* drops leading blanks and collapses runs */
    while (*s && cap > 0) {
        size_t n = utf8_len(s);
        if (n == 0)
            break;
        int sep = n == 1 && (*s < 0x20 || *s == 0x7F || *s == '^' || *s == ';' || *s == ' ');
        if (sep) {
            if (!blank && used + 1 < cap)
                out[used++] = ' ';
            blank = 1;
        } else {
            if (used + n >= cap)
                break;
            memcpy(out + used, s, n);
            used += n;
            blank = 0;
        }
        s += n;
    }
    while (used > 0 && out[used - 1] == ' ')
        used--;
    if (cap > 0)
        out[used] = '\0';
    return used;
}

static int all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

int aw_param_uint(const sl_host *h, const sl_params *p, const char *key, const char *def, char *out,
                  size_t cap, sl_error *err)
{
    const char *v = h->param_get(p, key);
    if ((v == NULL || *v == '\0') && def != NULL)
        v = def;
    if (v == NULL || *v == '\0')
        return sl_error_set(err, SL_EINVALID, key, "%s is required", key);
    while (v[0] == '0' && v[1] != '\0')
        v++;
    if (!all_digits(v) || strlen(v) > 15 || strlen(v) >= cap)
        return sl_error_set(err, SL_EINVALID, key, "%s: not a non-negative whole number", key);
    snprintf(out, cap, "%s", v);
    return SL_OK;
}

/* "2" or "2.000" -> "2"; zero, negative or fractional is refused. */
static int quantity(const char *v, char *out, size_t cap)
{
    size_t n = strspn(v ? v : "", "0123456789");
    if (v == NULL || n == 0 || n > 9 || n >= cap)
        return 0;
    if (v[n] == '.' && strspn(v + n + 1, "0") == strlen(v + n + 1))
        ; /* whole number written with decimals */
    else if (v[n] != '\0')
        return 0;
    while (*v == '0' && n > 1)
        v++, n--;
    memcpy(out, v, n);
    out[n] = '\0';
    return strcmp(out, "0") != 0;
}

static const char *item_key(char *buf, size_t cap, size_t i, const char *f)
{
    snprintf(buf, cap, "item.%zu.%s", i, f);
    return buf;
}

/* Appends one item "sku^name^weight^price^qty" to b (cap AW_PRODUCTS_MAX). */
static int pack_item(const sl_host *h, const sl_params *p, size_t i, char *b, size_t *used,
                     sl_error *err)
{
    char key[48], id[64], name[256], weight[24], price[24], qty[16];
    aw_sanitize_name(h->param_get(p, item_key(key, sizeof key, i, "sku")), id, sizeof id);
    if (aw_sanitize_name(h->param_get(p, item_key(key, sizeof key, i, "name")), name,
                         sizeof name) == 0)
        return sl_error_set(err, SL_EINVALID, key,
                            "%s: empty after removing '^', ';' and control "
                            "characters",
                            key);
    int rc = aw_param_uint(h, p, item_key(key, sizeof key, i, "weight_g"), NULL, weight,
                           sizeof weight, err);
    if (rc == SL_OK)
        rc = aw_param_uint(h, p, item_key(key, sizeof key, i, "price"), NULL, price, sizeof price,
                           err);
    if (rc != SL_OK)
        return rc;
    if (!quantity(h->param_get(p, item_key(key, sizeof key, i, "qty")), qty, sizeof qty))
        return sl_error_set(err, SL_EINVALID, key, "%s: not a positive whole number", key);
    int n = snprintf(b + *used, AW_PRODUCTS_MAX - *used, "%s%s^%s^%s^%s^%s", i ? ";" : "",
                     id[0] ? id : "0", name, weight, price, qty);
    if (n < 0 || (size_t)n >= AW_PRODUCTS_MAX - *used)
        return sl_error_set(err, SL_ETOOBIG, "items", "ProductsList over %u bytes",
                            AW_PRODUCTS_MAX);
    *used += (size_t)n;
    return SL_OK;
}

int aw_products_list(const sl_host *h, const sl_params *p, char **out, sl_error *err)
{
    const char *items = h->param_get(p, "items");
    long count = items && all_digits(items) && strlen(items) < 6 ? strtol(items, NULL, 10) : -1;
    if (count < 1 || count > AW_MAX_ITEMS)
        return sl_error_set(err, SL_EINVALID, "items", "items: 1..%d goods required", AW_MAX_ITEMS);
    char *b = malloc(AW_PRODUCTS_MAX);
    if (b == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    size_t used = 0;
    b[0] = '\0';
    for (long i = 0; i < count; i++) {
        int rc = pack_item(h, p, (size_t)i, b, &used, err);
        if (rc != SL_OK) {
            free(b);
            return rc;
        }
    }
    *out = b;
    return SL_OK;
}
