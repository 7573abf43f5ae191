/*
 * A bounded, growable text buffer for building XML requests (plugin) and
 * answers (sandbox). The maximum is fixed at init; an append that would
 * pass it marks the buffer failed instead of growing, and every later
 * append is then ignored, so a builder checks `failed` once at the end
 * (curl's dynbuf idea). Escaping covers the five XML specials.
 */
#include <stdlib.h>
#include <string.h>

#include "unas.h"

void unas_buf_init(unas_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void unas_buf_free(unas_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

void unas_buf_addn(unas_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (n > b->max || b->len + n + 1 > b->max) {
        b->failed = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > b->max)
            cap = b->max;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void unas_buf_add(unas_buf *b, const char *s)
{
    unas_buf_addn(b, s, strlen(s));
}

void unas_buf_esc(unas_buf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&apos;";
            break;
        default:
            break;
        }
        if (rep != NULL) {
            unas_buf_addn(b, run, (size_t)(s - run));
            unas_buf_add(b, rep);
            run = s + 1;
        }
    }
    unas_buf_addn(b, run, (size_t)(s - run));
}

void unas_buf_elem(unas_buf *b, const char *name, const char *text)
{
    unas_buf_add(b, "<");
    unas_buf_add(b, name);
    unas_buf_add(b, ">");
    unas_buf_esc(b, text);
    unas_buf_add(b, "</");
    unas_buf_add(b, name);
    unas_buf_add(b, ">");
}
