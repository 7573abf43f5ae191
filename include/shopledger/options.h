/*
 * Declarative channel options: one table per connector, one grammar for
 * every INI value, in libshopledger_sdk.a.
 *
 * A connector lists the keys of its [channel:NAME] section in a static
 * table of sl_option rows: the name, the type, the default, the bounds, a
 * line of help, whether it is a secret, and where the parsed value lands
 * in the connector's own channel struct. channel_open then calls
 * sl_options_read() once instead of parsing each key by hand, and the
 * plugin table points at the table (sl_plugin.options, ABI 1.3), so the
 * host can
 *   - validate every value with the same code (sl_option_parse) before
 *     the channel opens, with errors reading "FILE:LINE: [channel:x] key:
 *     what is wrong";
 *   - refuse every key of the section that neither the connector nor the
 *     host declares (a typo is an error, not a silently ignored line);
 *   - list the options in `config check` and `channel describe`, with the
 *     values of secrets masked.
 *
 * The grammar (the same for the host's own keys):
 *   flag      yes/no, true/false, on/off, 1/0 (any letter case)
 *   integer   optional '-', decimal digits, within [min, max]
 *   duration  digits and one unit: s, m, h or d ("30s", "5m", "2h", "1d");
 *             a bare number is refused everywhere; bounds in milliseconds
 *   url       http:// or https://, a host, optional :port and /path; no
 *             query, fragment, spaces or control characters; trailing '/'
 *             dropped; at most `max` bytes
 *   enum      exactly one of the words of `choices` ("a|b|c")
 *   list      comma-separated words, each trimmed and non-empty, at most
 *             `max` items (a default of SL_OPTIONS_MAX_LIST)
 *   string    any text without control characters, `min`..`max` bytes,
 *             each byte in the `choices` class when one is given ("a" a-z,
 *             "A" A-Z, "0" digits, any other character itself)
 *   secret    not in the INI text: KEY_file = PATH, KEY_env = VAR or, in a
 *             private INI, KEY = VALUE (see host/config/config.h); read
 *             through sl_host.secret_get, never printed
 *
 * Where a value lands (`offset` into the struct handed to sl_options_read,
 * `dest_size` bytes there; the SL_OPT_* macros fill both):
 *   flag, integer, enum -> int (enum: the index of the word in choices)
 *   duration            -> int64_t milliseconds
 *   url                 -> char[dest_size], copied, trailing '/' dropped
 *   list, string        -> const char *, borrowed from the host's config
 *                          (lives until channel_close; NULL when absent
 *                          without default)
 *   secret              -> const char *, borrowed like a string
 *   offset 0 and dest_size 0 (SL_OPT_SECRET_DECLARED): checked, not stored
 *
 * Every function here returns SL_OK or a negative SL_E* code, fills `err`
 * on failure (err->field names the key) and writes its out-parameters only
 * on success. None keeps global state; all are safe from any thread.
 */
#ifndef SHOPLEDGER_OPTIONS_H
#define SHOPLEDGER_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "sdk.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_OPTIONS_MAX_LIST 32 /* default item limit of a list */
#define SL_OPTIONS_NAME_MAX 48 /* bytes of an option name */

enum sl_option_type {
    SL_OPT_TYPE_FLAG = 1,
    SL_OPT_TYPE_INT,
    SL_OPT_TYPE_DURATION,
    SL_OPT_TYPE_URL,
    SL_OPT_TYPE_ENUM,
    SL_OPT_TYPE_LIST,
    SL_OPT_TYPE_STRING,
    SL_OPT_TYPE_SECRET,
    SL_OPT_TYPE_END_V1_3
};

/* sl_option.flags */
#define SL_OPT_REQUIRED 0x1u /* absent (and no default) is an error */

typedef struct sl_option {
    const char *name;    /* the INI key, [a-z0-9_]+ */
    int type;            /* enum sl_option_type */
    unsigned flags;      /* SL_OPT_REQUIRED */
    const char *def;     /* default as INI text in the same grammar, or
                            NULL (none; not allowed for secrets) */
    int64_t min, max;    /* integer: the value; duration: milliseconds;
                            string, url: length in bytes; list: items
                            (0 = SL_OPTIONS_MAX_LIST) */
    const char *choices; /* enum: "a|b|c"; string: character class or
                            NULL for any text */
    const char *help;    /* one line for config check / channel
                            describe: what it is and its unit */
    size_t offset;       /* where the value lands in the caller's struct */
    size_t dest_size;    /* bytes at offset: sizeof the field */
} sl_option;

/* A connector's option table. The rows are static data of the plugin. */
typedef struct sl_option_table {
    size_t size;     /* sizeof(struct sl_option_table) as built */
    size_t row_size; /* sizeof(struct sl_option) as built */
    const sl_option *rows;
    size_t count;
} sl_option_table;

#define SL_OPTION_TABLE(rows_)                                                                     \
    {                                                                                              \
        sizeof(sl_option_table), sizeof(sl_option), (rows_), sizeof(rows_) / sizeof((rows_)[0])    \
    }

/* Row builders: T is the struct type, F its field. */
#define SL_OPT_FIELD_(T, F) offsetof(T, F), sizeof(((T *)0)->F)
#define SL_OPT_FLAG(name, T, F, def, help)                                                         \
    {                                                                                              \
        name, SL_OPT_TYPE_FLAG, 0, def, 0, 1, NULL, help, SL_OPT_FIELD_(T, F)                      \
    }
#define SL_OPT_INT(name, T, F, def, lo, hi, help)                                                  \
    {                                                                                              \
        name, SL_OPT_TYPE_INT, 0, def, lo, hi, NULL, help, SL_OPT_FIELD_(T, F)                     \
    }
#define SL_OPT_DURATION(name, T, F, def, lo_ms, hi_ms, help)                                       \
    {                                                                                              \
        name, SL_OPT_TYPE_DURATION, 0, def, lo_ms, hi_ms, NULL, help, SL_OPT_FIELD_(T, F)          \
    }
#define SL_OPT_URL(name, T, F, flags, def, max_len, help)                                          \
    {                                                                                              \
        name, SL_OPT_TYPE_URL, flags, def, 0, max_len, NULL, help, SL_OPT_FIELD_(T, F)             \
    }
#define SL_OPT_ENUM(name, T, F, def, choices, help)                                                \
    {                                                                                              \
        name, SL_OPT_TYPE_ENUM, 0, def, 0, 0, choices, help, SL_OPT_FIELD_(T, F)                   \
    }
#define SL_OPT_LIST(name, T, F, def, max_items, help)                                              \
    {                                                                                              \
        name, SL_OPT_TYPE_LIST, 0, def, 0, max_items, NULL, help, SL_OPT_FIELD_(T, F)              \
    }
#define SL_OPT_STRING(name, T, F, flags, def, lo, hi, charset, help)                               \
    {                                                                                              \
        name, SL_OPT_TYPE_STRING, flags, def, lo, hi, charset, help, SL_OPT_FIELD_(T, F)           \
    }
#define SL_OPT_SECRET(name, T, F, flags, help)                                                     \
    {                                                                                              \
        name, SL_OPT_TYPE_SECRET, flags, NULL, 0, 0, NULL, help, SL_OPT_FIELD_(T, F)               \
    }
/* A secret the connector reads itself, when it needs it (through
   host->secret_get): declared so the host accepts and lists it, checked by
   sl_options_read, stored nowhere. */
#define SL_OPT_SECRET_DECLARED(name, flags, help)                                                  \
    {                                                                                              \
        name, SL_OPT_TYPE_SECRET, flags, NULL, 0, 0, NULL, help, 0, 0                              \
    }

/* A parsed value, as sl_option_parse gives it. */
typedef struct sl_option_value {
    int64_t number;   /* flag 0/1, integer, enum index, duration ms */
    const char *text; /* url/list/string/secret: the text parsed
                         (borrowed from the input) */
    size_t len;       /* bytes of text that count (url: without its
                         trailing slashes) */
} sl_option_value;

/* ---- the grammar, one parser per type ---------------------------------- */
/* Each fills err with field `key` and a message that starts with what the
   text is not ("not a boolean", "not an integer", "not a duration", "not
   an http(s) URL", ...) so a caller can put it after "FILE:LINE: [sec]
   key: ". The message carries the rule, never the value (it may be a
   secret typed in the wrong place). */
int sl_parse_flag(const char *key, const char *text, int *out, sl_error *err);
int sl_parse_int(const char *key, const char *text, int64_t min, int64_t max, int64_t *out,
                 sl_error *err);
/* Milliseconds of a duration; min_ms/max_ms bound the result. */
int sl_parse_duration(const char *key, const char *text, int64_t min_ms, int64_t max_ms,
                      int64_t *out_ms, sl_error *err);
/* *len: bytes of the URL without trailing slashes. */
int sl_parse_url(const char *key, const char *text, size_t max_len, size_t *len, sl_error *err);
/* Index of text among the '|'-separated words of choices. */
int sl_parse_enum(const char *key, const char *text, const char *choices, int *index,
                  sl_error *err);
/* Checks a comma list; *count items. Use sl_list_next to walk it. */
int sl_parse_list(const char *key, const char *text, size_t max_items, size_t *count,
                  sl_error *err);
/* Walks a list sl_parse_list accepted: writes the next item (trimmed) into
   buf and returns 1, or returns 0 at the end; *pos starts at 0. An item
   longer than buflen-1 is cut (buflen 0 or NULL buf: count only). */
int sl_list_next(const char *text, size_t *pos, char *buf, size_t buflen);

/* ---- rows and tables --------------------------------------------------- */

/* Parses `text` (not NULL) as `opt` says. Secrets are checked only for
   line breaks and control characters. */
int sl_option_parse(const sl_option *opt, const char *text, sl_option_value *out, sl_error *err);
/* The row named `name`, or NULL. A NULL table has no rows. */
const sl_option *sl_options_find(const sl_option_table *t, const char *name);
/* The row of a table of any size (row_size may differ from ours). */
const sl_option *sl_options_row(const sl_option_table *t, size_t i);
/* Checks a table itself (the loader does, before the host uses it): names
   valid and unique, known types, bounds in order, defaults parse, enums
   have words, destinations of the right size. SL_EINVALID naming the row. */
int sl_options_check_table(const sl_option_table *t, sl_error *err);
/* 1 when the host files a key of this name as a secret: secret,
   password, token, api_key, or a name ending in _secret, _password,
   _token or _key. A secret option must have such a name. */
int sl_option_secret_name(const char *name);
/* Name of a type ("flag", "integer", "duration", ...); "?" if unknown. */
const char *sl_option_type_name(int type);
/* The default and bounds as one human phrase into buf ("default 10m,
   0s..48h"), "" when there is nothing to say. Returns buf. */
char *sl_option_describe(const sl_option *opt, char *buf, size_t buflen);

/* Reads every option of `t` through host->config_get (secrets through
   host->secret_get), applies defaults, parses, and stores into `dest`
   (the connector's channel struct). A required option that is absent is
   SL_EINVALID "KEY is required"; the first bad value fails the call with
   err->field = KEY. What landed in dest before a failure stays there (the
   caller frees the struct anyway). */
int sl_options_read(const sl_host *host, sl_ctx *ctx, const sl_option_table *t, void *dest,
                    sl_error *err);

/* ---- a channel's state from its options (sdk/channel.c) ----------------- */
/* What every connector's channel_open does: a zeroed state struct, the
   host pointer in it, the option table read into it, the connector's own
   rules on top, the struct freed when any of it fails. A connector names
   these in one static spec and keeps only what is its own in `settle`. */
typedef struct sl_channel_spec {
    const sl_option_table *options; /* read into the state by sl_options_read */
    size_t size;                    /* sizeof the connector's state struct */
    size_t host_offset;             /* offsetof(T, host): a const sl_host * */
    /* After the options were read (NULL: nothing more): the rules that
       span options, derived fields, one-time logs. A failure fills err
       and frees the state. */
    int (*settle)(void *state, sl_ctx *ctx, sl_error *err);
} sl_channel_spec;

/* Allocates spec->size zeroed bytes, stores host at spec->host_offset,
   reads spec->options, calls spec->settle. SL_OK with *state set (the
   caller's channel_close frees it: sl_channel_free when it owns nothing
   else); otherwise the failure's code and err (SL_ENOMEM "out of memory"
   for the allocation), nothing allocated and *state untouched. */
int sl_channel_open(const sl_host *host, sl_ctx *ctx, const sl_channel_spec *spec, void **state,
                    sl_error *err);
/* A channel_close for a state that is one malloc'd block: free(state). */
void sl_channel_free(void *state);

#ifdef __cplusplus
}
#endif
#endif
