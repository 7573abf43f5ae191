/*
 * The one error contract of the SDK: a negative status plus a fixed-size
 * record the caller owns. Filling it never allocates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "shopledger/sdkutil.h"

int sl_error_set(sl_error *err, int code, const char *field, const char *fmt, ...)
{
    if (err == NULL || err->size < sizeof(sl_error))
        return code;
    err->code = code;
    err->http_status = 0;
    err->retry_after_ms = 0;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

const char *sl_status_name(int code)
{
    switch (code) {
    case SL_OK: return "SL_OK";
    case SL_ERETRY: return "SL_ERETRY";
    case SL_EAUTH: return "SL_EAUTH";
    case SL_EINVALID: return "SL_EINVALID";
    case SL_EUNSUPPORTED: return "SL_EUNSUPPORTED";
    case SL_ENOMEM: return "SL_ENOMEM";
    case SL_ECONFLICT: return "SL_ECONFLICT";
    case SL_ENOTFOUND: return "SL_ENOTFOUND";
    case SL_EIO: return "SL_EIO";
    case SL_ETOOBIG: return "SL_ETOOBIG";
    case SL_EREMOTE: return "SL_EREMOTE";
    case SL_EINTERNAL: return "SL_EINTERNAL";
    case SL_EBANNED: return "SL_EBANNED";
    default: return "SL_E?";
    }
}
