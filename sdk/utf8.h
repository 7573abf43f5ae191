/*
 * utf8.c: strict UTF-8 inside the SDK, for the JSON reader and the error
 * record (not part of the connector API).
 */
#ifndef SL_SDK_UTF8_H
#define SL_SDK_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0:
   no overlong forms, no surrogates, nothing above U+10FFFF, nothing past
   end. */
size_t sl_utf8_length(const unsigned char *p, const unsigned char *end);

#endif
