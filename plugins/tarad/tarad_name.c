/*
 * Buyer names. TARAD (assumed, §7) sends one `customer.name`; the host
 * creates the contact from a first and a last name. Thai names are written
 * given name first, then family name, often after a courtesy title
 * ("นาย สมชาย ใจดี"); so the title is dropped, the first word is the first
 * name and everything after it the last name. The full name is not copied
 * into the company field: a company on a Thai tax document means a juristic
 * person, which a buyer's own name is not.
 */
#include <string.h>
#include <strings.h>

#include "tarad.h"

static const char *const TITLES[] = {
    "\xe0\xb8\x99\xe0\xb8\xb2\xe0\xb8\xa2",                                     /* นาย */
    "\xe0\xb8\x99\xe0\xb8\xb2\xe0\xb8\x87",                                     /* นาง */
    "\xe0\xb8\x99\xe0\xb8\xb2\xe0\xb8\x87\xe0\xb8\xaa\xe0\xb8\xb2\xe0\xb8\xa7", /* นางสาว */
    "\xe0\xb8\x99.\xe0\xb8\xaa.",                                               /* น.ส. */
    "\xe0\xb8\x84\xe0\xb8\xb8\xe0\xb8\x93",                                     /* คุณ */
    "\xe0\xb8\x94.\xe0\xb8\x8a.",                                               /* ด.ช. */
    "\xe0\xb8\x94.\xe0\xb8\x8d.",                                               /* ด.ญ. */
    "Mr",
    "Mr.",
    "Mrs",
    "Mrs.",
    "Ms",
    "Ms.",
    "Miss",
    "Dr",
    "Dr.",
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *skip_blanks(const char *s)
{
    while (*s && is_blank(*s))
        s++;
    return s;
}

static size_t word_len(const char *s)
{
    size_t n = 0;
    while (s[n] && !is_blank(s[n]))
        n++;
    return n;
}

static int is_title(const char *w, size_t n)
{
    for (size_t i = 0; i < sizeof TITLES / sizeof TITLES[0]; i++)
        if (strlen(TITLES[i]) == n && strncasecmp(TITLES[i], w, n) == 0)
            return 1;
    return 0;
}

/* Copies n bytes of s into out (cap bytes), cut at a UTF-8 boundary. */
static void copy_cut(const char *s, size_t n, char *out, size_t cap)
{
    if (cap == 0)
        return;
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

/* The rest of the name with runs of blanks folded to one space. */
static void copy_words(const char *s, char *out, size_t cap)
{
    size_t used = 0;
    while (*(s = skip_blanks(s)) != '\0') {
        size_t n = word_len(s);
        if (used > 0 && used + 1 < cap)
            out[used++] = ' ';
        if (used + 1 >= cap)
            break;
        copy_cut(s, n, out + used, cap - used);
        used += strlen(out + used);
        s += n;
    }
    if (cap > 0)
        out[used < cap ? used : cap - 1] = '\0';
}

void tarad_name_split(const char *full, char *first, size_t first_cap, char *last, size_t last_cap)
{
    first[0] = '\0';
    last[0] = '\0';
    const char *s = skip_blanks(full ? full : "");
    size_t n = word_len(s);
    const char *next = skip_blanks(s + n);
    if (n > 0 && *next != '\0' && is_title(s, n)) {
        s = next;
        n = word_len(s);
    }
    copy_cut(s, n, first, first_cap);
    copy_words(s + n, last, last_cap);
}
