/*
 * Shared inside host/config/ only: the parse state of one INI file, the
 * error collector, and the typed value parsers. Other modules use
 * config.h; nothing here is part of the contract.
 *
 * One file is parsed in a single pass: a reader of our own hands inih one
 * line at a time (so we know the line number, can refuse over-long lines
 * and lines inih would misread), the handler dispatches on the section
 * kind, and a final pass (config_validate.c) fills defaults and checks
 * what spans keys. Errors never stop the pass: each is formatted as
 * "FILE:LINE: [section] key: what" and appended to the report, so one run
 * shows every mistake of a file.
 */
#ifndef SL_CONFIG_INTERNAL_H
#define SL_CONFIG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "shopledger/sdk.h"

enum cfg_section {
    CFG_SEC_NONE = 0, /* before the first header */
    CFG_SEC_BAD,      /* after a refused header: keys are ignored */
    CFG_SEC_TENANT,
    CFG_SEC_ACCOUNTS,
    CFG_SEC_CHANNEL,
    CFG_SEC_MAP,
    CFG_SEC_WAREHOUSE,
    CFG_SEC_DOCUMENTS,
    CFG_SEC_INTAKE
};

/* A growable text buffer for the report; a failed append marks it broken
   (`oom`) instead of losing earlier text. */
typedef struct cfg_text {
    char *data;
    size_t len, cap;
    int oom;
} cfg_text;

typedef struct cfg_parse {
    const char *path;  /* as given, used in messages */
    char *dir;         /* directory of the file, for relative paths */
    unsigned ini_mode; /* permission bits of the INI file */
    const char *buf;   /* whole file in memory */
    size_t len, pos;
    int line;      /* number of the line last handed to inih */
    int indented;  /* that line starts with blank space */
    int skip_line; /* that line was refused by the reader */
    config_tenant *t;
    enum cfg_section kind;
    char section[128]; /* header text as written, for messages */
    int section_line;
    config_channel *ch; /* current channel (CHANNEL and MAP sections) */
    config_map *map;
    config_warehouse *wh;
    config_kv *seen; /* "section\x1fkey" of every key given */
    size_t seen_count;
    size_t section_keys; /* keys in the current section */
    int tenant_line;     /* line of [tenant], 0 if absent */
    int accounts_line;
    int documents_line;
    int intake_line;
    int errors;
    sl_error first;   /* first error of the file */
    cfg_text *report; /* where every message goes; may be NULL */
    int oom;
} cfg_parse;

/* ---- errors (config_parse.c) ---- */
/* Records "FILE:LINE: [section] key: what" with the current section;
   `key` may be NULL. cfg_error_in names another section (or none). */
void cfg_error(cfg_parse *p, int line, const char *key, const char *fmt, ...) SL_PRINTF(4, 5);
void cfg_error_in(cfg_parse *p, const char *section, int line, const char *key, const char *fmt,
                  ...) SL_PRINTF(5, 6);
void cfg_text_add(cfg_text *t, const char *s);
/* Was `key` given (even with a bad value) in [section]? */
int cfg_given(const cfg_parse *p, const char *section, const char *key);
/* Parses the file text already in p->buf (inih over our reader). */
void cfg_parse_text(cfg_parse *p);

/* ---- sections (config_section.c) ---- */
/* Called for a section header; sets p->kind and friends. */
void cfg_section_begin(cfg_parse *p, const char *name);
/* Called for each key = value of the current section. */
void cfg_section_key(cfg_parse *p, const char *key, const char *value);

/* ---- channel keys (config_channel.c) ---- */
void cfg_channel_key(cfg_parse *p, const char *key, const char *value);
/* Initialises a channel's defaults before its keys are read. */
void cfg_channel_defaults(config_channel *ch);

/* ---- secrets (config_secret.c) ---- */
/* If `key` names a secret (X_file, X_env, inline), stores it into
   secrets/count under its name and returns 1; returns 0 otherwise. */
int cfg_secret_key(cfg_parse *p, const char *key, const char *value, config_kv **secrets,
                   size_t *count);

/* ---- cross-key checks and defaults (config_validate.c) ---- */
void cfg_validate(cfg_parse *p);

/* ---- e-mail keys of [documents] (config_mail.c) ---- */
/* Checks the value of a mail key (smtp_url, smtp_starttls, smtp_user,
   mail_from, reply_to) as it is read; other keys pass untouched. */
void cfg_mail_key(cfg_parse *p, const char *key, const char *value);
/* After the file: what the mail keys need of each other and of channels. */
void cfg_mail_validate(cfg_parse *p);

/* ---- values (config_values.c); each returns 0 or -1 (and says why in
   `why`, a static string) ---- */
int cfg_bool(const char *text, int *out, const char **why);
int cfg_duration(const char *text, int64_t *seconds, const char **why);
int cfg_int(const char *text, int64_t min, int64_t max, int64_t *out, const char **why);
/* Comma-separated words, trimmed, none empty, at most CONFIG_MAX_LIST.
 *items is a malloc'd array of malloc'd strings. */
int cfg_list(const char *text, char ***items, size_t *count, const char **why);
void cfg_list_free(char **items, size_t count);
/* "manual" (minute -1) or "daily HH:MM" (minute of day). */
int cfg_stock_sync(const char *text, int *minute, const char **why);
/* 1 when text is 1..max bytes, each in the set: 'a' a-z, 'A' A-Z, '0'
   digits, other characters literally. */
int cfg_match(const char *text, const char *set, size_t max);

/* ---- lookups (config_lookup.c) ---- */
/* Built-in account code of a role, or NULL when the role is unknown. */
const char *cfg_account_default(const char *role);
/* The known roles, comma-separated, for messages. */
const char *cfg_account_roles(void);

/* ---- loading (config_load.c) ---- */
/* Loads one file; its messages are appended to `text` (may be NULL).
   SL_OK with *out, or an SL_E* code with the first message in *err. */
int cfg_load_one(const char *path, config_tenant **out, cfg_text *text, sl_error *err);
/* Same, and when the file fails and `broken` is non-NULL, moves the id
   and admin token the file gave (either may be NULL) into it. */
int cfg_load_one_keep(const char *path, config_tenant **out, cfg_text *text, sl_error *err,
                      config_broken *broken);
void cfg_broken_clear(config_broken *b);
/* Frees what a tenant owns, not the struct itself (it may sit in an
   array). */
void cfg_tenant_clear(config_tenant *t);

/* ---- small helpers (config_load.c) ---- */
/* Appends a key/value (copies both; value may be NULL). 0 or -1 on OOM. */
int cfg_kv_push(config_kv **arr, size_t *count, const char *key, const char *value, int line);
const config_kv *cfg_kv_find(const config_kv *arr, size_t count, const char *key);
void cfg_kv_free(config_kv *arr, size_t count, int secret);
/* Reads up to cap bytes (less only at end of file); 0 or -1 (errno). */
int cfg_read_fd(int fd, char *buf, size_t cap, size_t *len);
/* Sets *slot to a copy of value (freeing the old one); -1 on OOM. */
int cfg_set_str(char **slot, const char *value);
/* Clears and frees a secret string. */
void cfg_secret_free(char *s);

#endif
