/*
 * One INI file through libinih 55, with our own line reader.
 *
 * Why a reader of our own: the Debian inih gives its handler no line
 * numbers, cuts lines longer than 200 bytes silently (and parses the tail
 * as a new line), and treats an indented line as the continuation of the
 * previous value. The reader below hands inih one line at a time, so it
 * knows the number of the line being handled; it refuses over-long lines,
 * indented lines and lines that are neither comment, section nor
 * key = value, and hands inih an empty line instead, so inih never sees
 * what it would misread. Section headers are handled here too (inih calls
 * no handler for them), which also lets a repeated header be caught.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config/config_internal.h"
#include "shopledger/sdkutil.h"

void cfg_text_add(cfg_text *t, const char *s)
{
    size_t n = strlen(s);
    if (t == NULL || t->oom)
        return;
    if (t->len + n + 2 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 2)
            cap *= 2;
        char *d = realloc(t->data, cap);
        if (d == NULL) {
            t->oom = 1;
            return;
        }
        t->data = d;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len++] = '\n';
    t->data[t->len] = '\0';
}

static void record(cfg_parse *p, const char *key, const char *msg)
{
    p->first.size = sizeof p->first;
    if (p->errors == 0)
        sl_error_set(&p->first, SL_EINVALID, key, "%s", msg);
    p->errors++;
    if (p->errors <= CONFIG_MAX_ERRORS) {
        cfg_text_add(p->report, msg);
    } else if (p->errors == CONFIG_MAX_ERRORS + 1) {
        char more[512];
        snprintf(more, sizeof more, "%s: more than %d errors; the rest are not shown", p->path,
                 CONFIG_MAX_ERRORS);
        cfg_text_add(p->report, more);
    }
}

static void verror(cfg_parse *p, const char *section, int line, const char *key, const char *fmt,
                   va_list ap)
{
    char what[384], msg[640];
    vsnprintf(what, sizeof what, fmt, ap);
    if (section != NULL && section[0] && key != NULL)
        snprintf(msg, sizeof msg, "%s:%d: [%s] %s: %s", p->path, line, section, key, what);
    else if (section != NULL && section[0])
        snprintf(msg, sizeof msg, "%s:%d: [%s]: %s", p->path, line, section, what);
    else if (line <= 0)
        snprintf(msg, sizeof msg, "%s: %s", p->path, what);
    else if (key != NULL)
        snprintf(msg, sizeof msg, "%s:%d: %s: %s", p->path, line, key, what);
    else
        snprintf(msg, sizeof msg, "%s:%d: %s", p->path, line, what);
    record(p, key, msg);
}

void cfg_error(cfg_parse *p, int line, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(p, p->kind == CFG_SEC_NONE ? NULL : p->section, line, key, fmt, ap);
    va_end(ap);
}

void cfg_error_in(cfg_parse *p, const char *section, int line, const char *key, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(p, section, line, key, fmt, ap);
    va_end(ap);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* "[name] ; comment": returns 0 and the name in `name`, or -1. */
static int header_name(const char *s, size_t n, char *name, size_t cap, const char **why)
{
    const char *close = memchr(s, ']', n);
    if (close == NULL) {
        *why = "section header without ']'";
        return -1;
    }
    for (const char *q = close + 1; q < s + n; q++) {
        if (*q == ';' || *q == '#')
            break;
        if (!is_blank(*q)) {
            *why = "text after the section header";
            return -1;
        }
    }
    size_t len = (size_t)(close - s - 1);
    if (len == 0 || len >= cap) {
        *why = len == 0 ? "empty section name" : "section name too long";
        return -1;
    }
    memcpy(name, s + 1, len);
    name[len] = '\0';
    return 0;
}

/* Checks one line (without its newline); returns 0 when inih may see it. */
static int check_line(cfg_parse *p, const char *s, size_t n)
{
    if (p->line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3; /* inih accepts a UTF-8 byte order mark */
        n -= 3;
    }
    if (n > CONFIG_MAX_LINE) {
        cfg_error_in(p, NULL, p->line, NULL,
                     "line is %zu bytes long; the limit is %d (libinih would cut it)", n,
                     CONFIG_MAX_LINE);
        return -1;
    }
    if (memchr(s, '\0', n) != NULL) {
        cfg_error_in(p, NULL, p->line, NULL, "line holds a NUL byte");
        return -1;
    }
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    if (i == n || s[i] == ';' || s[i] == '#')
        return 0;
    if (i > 0) {
        cfg_error(p, p->line, NULL,
                  "indented line: a value cannot continue over lines "
                  "(remove the leading blanks)");
        return -1;
    }
    if (s[0] == '[') {
        char name[128];
        const char *why = NULL;
        if (header_name(s, n, name, sizeof name, &why) != 0) {
            cfg_error_in(p, NULL, p->line, NULL, "%s", why);
            p->kind = CFG_SEC_BAD;
            return -1;
        }
        cfg_section_begin(p, name);
        return 0;
    }
    const char *eq = memchr(s, '=', n), *colon = memchr(s, ':', n);
    if (eq == NULL && colon == NULL) {
        cfg_error(p, p->line, NULL, "expected 'key = value', a [section] or a comment");
        return -1;
    }
    return 0;
}

/* The ini_reader: hands out the next line, like fgets. */
static char *read_line(char *str, int num, void *stream)
{
    cfg_parse *p = stream;
    if (p->pos >= p->len || num < 3)
        return NULL;
    const char *s = p->buf + p->pos;
    const char *nl = memchr(s, '\n', p->len - p->pos);
    size_t n = nl ? (size_t)(nl - s) : p->len - p->pos;
    p->pos += n + (nl ? 1 : 0);
    if (n > 0 && s[n - 1] == '\r')
        n--;
    p->line++;
    p->skip_line = check_line(p, s, n) != 0 || n + 2 > (size_t)num;
    if (p->skip_line) {
        memcpy(str, "\n", 2);
        return str;
    }
    memcpy(str, s, n);
    str[n] = '\n';
    str[n + 1] = '\0';
    return str;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    cfg_parse *p = user;
    (void)section; /* we track sections ourselves, see check_line */
    if (p->skip_line || p->kind == CFG_SEC_BAD)
        return 1;
    if (p->kind == CFG_SEC_NONE) {
        cfg_error(p, p->line, name, "key outside any section");
        return 1;
    }
    if (name[0] == '\0') {
        cfg_error(p, p->line, NULL, "empty key");
        return 1;
    }
    char id[256];
    snprintf(id, sizeof id, "%s\x1f%s", p->section, name);
    const config_kv *dup = cfg_kv_find(p->seen, p->seen_count, id);
    if (dup != NULL) {
        cfg_error(p, p->line, name, "duplicate key (first set at line %d)", dup->line);
        return 1;
    }
    size_t cap = p->kind == CFG_SEC_MAP ? CONFIG_MAX_MAP_ITEMS : CONFIG_MAX_KEYS;
    if (p->section_keys++ >= cap) {
        cfg_error(p, p->line, name, "more than %zu keys in one section", cap);
        return 1;
    }
    if (cfg_kv_push(&p->seen, &p->seen_count, id, NULL, p->line) != 0) {
        p->oom = 1;
        return 1;
    }
    if (value[0] == '\0') {
        cfg_error(p, p->line, name, "empty value");
        return 1;
    }
    cfg_section_key(p, name, value);
    return 1;
}

int cfg_given(const cfg_parse *p, const char *section, const char *key)
{
    char id[256];
    snprintf(id, sizeof id, "%s\x1f%s", section, key);
    return cfg_kv_find(p->seen, p->seen_count, id) != NULL;
}

void cfg_parse_text(cfg_parse *p)
{
    int before = p->errors;
    int rc = ini_parse_stream(read_line, p, on_value, p);
    /* Our checks should have caught whatever inih refuses; if not, still
       say where rather than accept the file. */
    if (rc > 0 && p->errors == before)
        cfg_error_in(p, NULL, rc, NULL, "syntax error");
    else if (rc < 0)
        p->oom = 1;
}
