/*
 * Byte encodings connectors meet on the wire: base64 (signatures, basic
 * auth), hex (signatures of some gateways), and RFC 3986 percent-encoding
 * (query strings and OAuth 1.0a base strings).
 *
 * Written out here rather than through EVP_EncodeBlock/DecodeBlock: the
 * OpenSSL decoder accepts whitespace and returns lengths that include
 * padding, both of which would have to be corrected after the fact. The
 * decoders below are strict: one canonical text per byte string.
 */
#include <string.h>

#include "shopledger/sdkutil.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t sl_base64_encode(const unsigned char *in, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[o++] = B64[(v >> 18) & 63];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = i + 1 < len ? B64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? B64[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

/* Value of a base64 character, or -1. */
static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/*
 * Checks padded base64 and returns the decoded size, or -1. Padding only
 * at the end (at most two '='), and the bits a short last group leaves
 * over must be zero, so "QQ==" is accepted and "QR==" is not.
 */
static long b64_check(const char *in, size_t len)
{
    if (len % 4 != 0)
        return -1;
    size_t pad = 0;
    if (len >= 4 && in[len - 1] == '=')
        pad = in[len - 2] == '=' ? 2 : 1;
    for (size_t i = 0; i < len - pad; i++)
        if (b64_value(in[i]) < 0)
            return -1;
    if (pad == 1 && (b64_value(in[len - 2]) & 3) != 0)
        return -1;
    if (pad == 2 && (b64_value(in[len - 3]) & 15) != 0)
        return -1;
    return (long)(len / 4 * 3 - pad);
}

int sl_base64_decode(const char *in, size_t len, unsigned char *out, size_t out_cap,
                     size_t *out_len)
{
    if (in == NULL && len != 0)
        return SL_EINVALID;
    long need = b64_check(in, len);
    if (need < 0)
        return SL_EINVALID;
    if ((size_t)need > out_cap)
        return SL_ETOOBIG;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        unsigned v = 0;
        for (size_t k = 0; k < 4; k++) {
            int d = b64_value(in[i + k]);
            v = (v << 6) | (unsigned)(d < 0 ? 0 : d);
        }
        unsigned char b[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
        for (size_t k = 0; k < 3 && o < (size_t)need; k++)
            out[o++] = b[k];
    }
    *out_len = o;
    return SL_OK;
}

void sl_hex_encode(const unsigned char *in, size_t len, char *out)
{
    static const char HEX[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = HEX[in[i] >> 4];
        out[2 * i + 1] = HEX[in[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int sl_hex_decode(const char *in, size_t len, unsigned char *out, size_t out_cap, size_t *out_len)
{
    if ((in == NULL && len != 0) || len % 2 != 0)
        return SL_EINVALID;
    for (size_t i = 0; i < len; i++)
        if (hex_value(in[i]) < 0)
            return SL_EINVALID;
    if (len / 2 > out_cap)
        return SL_ETOOBIG;
    for (size_t i = 0; i < len / 2; i++)
        out[i] = (unsigned char)(hex_value(in[2 * i]) << 4 | hex_value(in[2 * i + 1]));
    *out_len = len / 2;
    return SL_OK;
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

size_t sl_url_encode(const char *in, char *out, size_t out_cap)
{
    static const char HEX[] = "0123456789ABCDEF";
    size_t need = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++)
        need += unreserved(*p) ? 1 : 3;
    if (need + 1 > out_cap)
        return (size_t)-1;
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (unreserved(*p)) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = HEX[*p >> 4];
            out[o++] = HEX[*p & 15];
        }
    }
    out[o] = '\0';
    return o;
}
