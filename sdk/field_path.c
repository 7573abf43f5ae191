/*
 * Field paths of mapping errors: a connector maps nested input (an order's
 * lines, their taxes) and an error must name the member that failed as the
 * input spells it, "line_items[2].price". The mapper keeps the prefix; these
 * helpers join it to a key inside the fixed-size sl_error.field.
 */
#include <string.h>

#include "shopledger/sdkutil.h"

void sl_field_path(const char *path, const char *key, char out[SL_ERROR_FIELD_MAX])
{
    path = path ? path : "";
    key = key ? key : "";
    size_t a = strnlen(path, SL_ERROR_FIELD_MAX - 1);
    size_t b = strnlen(key, SL_ERROR_FIELD_MAX - 1 - a);
    memmove(out + a, key, b); /* key may live in out */
    memcpy(out, path, a);
    out[a + b] = '\0';
}

int sl_error_in(sl_error *err, const char *path, int rc)
{
    if (err == NULL || err->size < sizeof *err || path == NULL || path[0] == '\0')
        return rc;
    sl_field_path(path, err->field, err->field);
    return rc;
}

int sl_error_refused(sl_error *err, const char *path, const char *key, const char *value, int rc)
{
    char f[SL_ERROR_FIELD_MAX];
    sl_field_path(path, key, f);
    return sl_error_set(err, rc < 0 ? rc : SL_EINVALID, f, "the host refused %s = \"%.80s\" (%s)",
                        f, value ? value : "", sl_status_name(rc));
}
