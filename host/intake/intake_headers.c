/*
 * The headers a logged delivery keeps (intake.h has the contract): the
 * JSON object text intake_request reads back for the parser.
 *
 * Written by hand rather than through jansson: this runs on the HTTP
 * thread for every delivery before its answer, where building a JSON
 * object, sorting it and dumping it cost more than the signature check.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intake/intake.h"
#include "shopledger/sdkutil.h"

/* Credentials, not content: a replay never sees them again. */
static int credential_header(const char *name)
{
    return strcasecmp(name, "Authorization") == 0 || strcasecmp(name, "Cookie") == 0 ||
           strcasecmp(name, "Proxy-Authorization") == 0;
}

/* Whether header i is kept: not a credential, UTF-8 (JSON text is), and
   the first of its name (the one a plugin's request_header finds). */
static int kept_header(const services_request_header *items, size_t i)
{
    const char *name = items[i].name, *value = items[i].value;
    if (name == NULL || value == NULL || credential_header(name) ||
        !sl_utf8_valid(name, strlen(name)) || !sl_utf8_valid(value, strlen(value)))
        return 0;
    for (size_t k = 0; k < i; k++)
        if (items[k].name != NULL && strcasecmp(items[k].name, name) == 0)
            return 0;
    return 1;
}

/* Appends s as a JSON string; out has room (6 bytes per input byte). */
static char *put_string(char *out, const char *s)
{
    *out++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *out++ = '\\';
            *out++ = (char)*p;
        } else if (*p < 0x20) {
            static const char hex[] = "0123456789abcdef";
            memcpy(out, "\\u00", 4);
            out[4] = hex[*p >> 4];
            out[5] = hex[*p & 15];
            out += 6;
        } else {
            *out++ = (char)*p;
        }
    }
    *out++ = '"';
    return out;
}

char *intake_headers_json(const services_request_header *items, size_t count)
{
    size_t room = 3;
    for (size_t i = 0; i < count; i++)
        if (items[i].name != NULL && items[i].value != NULL)
            room += 6 * (strlen(items[i].name) + strlen(items[i].value)) + 6;
    char *text = malloc(room), *out = text;
    if (text == NULL)
        return NULL;
    *out++ = '{';
    for (size_t i = 0; i < count; i++) {
        if (!kept_header(items, i))
            continue;
        if (out[-1] != '{')
            *out++ = ',';
        out = put_string(out, items[i].name);
        *out++ = ':';
        out = put_string(out, items[i].value);
    }
    *out++ = '}';
    *out = '\0';
    return text;
}
