/*
 * The one error contract of the SDK: a negative status plus a fixed-size
 * record the caller owns. Filling it never allocates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "utf8.h"

/* Messages quote remote text (a parser's complaint about a service's
   bytes, a body cut at the record's size): the message is kept valid
   UTF-8 wherever it is shown or stored. A byte that starts no valid
   character becomes '?'; a character cut at the end goes. */
static void keep_utf8(char *s)
{
    unsigned char *p = (unsigned char *)s;
    const unsigned char *end = p + strlen(s);
    while (*p) {
        size_t n = *p < 0x80 ? 1 : sl_utf8_length(p, end);
        if (n > 0) {
            p += n;
            continue;
        }
        size_t rest = (size_t)(end - p);
        if (rest < 4 && p[0] >= 0xC2 && p[0] <= 0xF4) { /* perhaps cut: */
            int cut = 1;
            for (size_t i = 1; i < rest; i++)
                cut &= (p[i] & 0xC0) == 0x80;
            if (cut) {
                *p = '\0';
                return;
            }
        }
        *p++ = '?';
    }
}

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
    keep_utf8(err->message);
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
