/*
 * Persian text from Iranian shops and services, normalized for matching
 * and for numbers.
 *
 * The same word reaches us in several spellings: typed on an Arabic
 * keyboard (ي U+064A, ك U+0643) or a Persian one (ی U+06CC, ک U+06A9),
 * with Persian (۰..۹) or Arabic-Indic (٠..٩) digits, with a zero-width
 * non-joiner or a tatweel inside, with or without short vowels. One
 * normal form makes "كرج", "کرج" and "کــرج" the same city and "۰۹۱۲"
 * the digits 0912. The mapping is a small fixed table over code points,
 * nothing language-aware beyond that.
 */
#include <string.h>

#include "shopledger/sdkutil.h"

/* Decodes one UTF-8 sequence at s (n bytes left); 0 when invalid. */
static int utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    int len = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || (size_t)len > n)
        return 0;
    unsigned v = s[0] & (0x7f >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

static size_t utf8_encode(unsigned cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* The normal form of one code point; 0 = drop it. */
static unsigned normal_code_point(unsigned cp, int fold_case)
{
    if (cp >= 0x06f0 && cp <= 0x06f9)
        return '0' + (cp - 0x06f0);
    if (cp >= 0x0660 && cp <= 0x0669)
        return '0' + (cp - 0x0660);
    switch (cp) {
    case 0x064a: /* Arabic yeh */
    case 0x0649: /* alef maksura */
        return 0x06cc;
    case 0x0643: /* Arabic kaf */
        return 0x06a9;
    case 0x0629: /* teh marbuta */
        return 0x0647;
    case 0x200c: /* zero-width non-joiner */
    case 0x0640: /* tatweel */
        return 0;
    default:
        break;
    }
    if (cp >= 0x064b && cp <= 0x0652) /* harakat */
        return 0;
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x00a0)
        return ' ';
    if (fold_case && cp >= 'A' && cp <= 'Z')
        return cp + ('a' - 'A');
    return cp;
}

int sl_fa_normalize(const char *in, int fold_case, char *out, size_t cap)
{
    if (!out || cap == 0)
        return SL_ETOOBIG;
    out[0] = '\0';
    if (!in)
        return SL_EINVALID;
    const unsigned char *s = (const unsigned char *)in;
    size_t n = strlen(in), used = 0;
    int pending_space = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            out[0] = '\0';
            return SL_EINVALID;
        }
        i += (size_t)len;
        unsigned v = normal_code_point(cp, fold_case);
        if (v == 0)
            continue;
        if (v == ' ') {
            pending_space = used > 0;
            continue;
        }
        char buf[4];
        size_t blen = utf8_encode(v, buf);
        if (used + (size_t)pending_space + blen + 1 > cap) {
            out[0] = '\0';
            return SL_ETOOBIG;
        }
        if (pending_space)
            out[used++] = ' ';
        memcpy(out + used, buf, blen);
        used += blen;
        pending_space = 0;
    }
    out[used] = '\0';
    return SL_OK;
}
