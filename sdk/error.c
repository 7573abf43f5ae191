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
#define STATUS_CASE(name, value)                                                                   \
    case name:                                                                                     \
        return #name;
        SL_STATUS_LIST(STATUS_CASE)
#undef STATUS_CASE
    default:
        return "SL_E?";
    }
}
