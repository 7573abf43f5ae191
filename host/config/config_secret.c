/*
 * Secrets of the tenant files: API secrets, webhook secrets, passwords,
 * the admin token. They come from a file that only its owner may read,
 * from an environment variable, or inline in an INI file that only its
 * owner may read. Resolved values go to a separate `secrets` list (never
 * to `settings`), are wiped before they are freed, and are never put in
 * a message: errors name the key, the file and its mode, not the value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_internal.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

static int check_secret_stat(const char *path, const struct stat *st, sl_error *err)
{
    if (!S_ISREG(st->st_mode))
        return sl_error_set(err, SL_EINVALID, "secret_file",
                            "secret file '%s' is not a regular file", path);
    if (st->st_mode & 077)
        return sl_error_set(err, SL_EAUTH, "secret_file",
                            "secret file '%s' has mode %04o: group or others may access it "
                            "(chmod 600 it)",
                            path, (unsigned)(st->st_mode & 07777));
    if (st->st_size > CONFIG_MAX_SECRET_BYTES)
        return sl_error_set(err, SL_ETOOBIG, "secret_file",
                            "secret file '%s' is larger than %d bytes", path,
                            CONFIG_MAX_SECRET_BYTES);
    return SL_OK;
}

/* Reads the whole file into a new string (see config.h). */
int config_read_secret_file(const char *path, char **out, sl_error *err)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; the kind
       check right after refuses it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return sl_error_set(err, SL_EIO, "secret_file", "cannot open secret file '%s': %s", path,
                            strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return sl_error_set(err, SL_EIO, "secret_file", "cannot stat secret file '%s': %s", path,
                            strerror(e));
    }
    int rc = check_secret_stat(path, &st, err);
    char *buf = rc == SL_OK ? malloc(CONFIG_MAX_SECRET_BYTES + 1) : NULL;
    size_t len = 0;
    if (rc == SL_OK && buf == NULL)
        rc = sl_error_set(err, SL_ENOMEM, "secret_file", "out of memory");
    if (rc == SL_OK && cfg_read_fd(fd, buf, CONFIG_MAX_SECRET_BYTES + 1, &len) != 0)
        rc = sl_error_set(err, SL_EIO, "secret_file", "cannot read secret file '%s': %s", path,
                          strerror(errno));
    close(fd);
    size_t got = len; /* at most the buffer: cfg_read_fd stops there */
    if (rc == SL_OK && len > CONFIG_MAX_SECRET_BYTES)
        rc =
            sl_error_set(err, SL_ETOOBIG, "secret_file", "secret file '%s' is larger than %d bytes",
                         path, CONFIG_MAX_SECRET_BYTES);
    while (rc == SL_OK && len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    if (rc == SL_OK && (len == 0 || memchr(buf, '\0', len) != NULL))
        rc = sl_error_set(err, SL_EINVALID, "secret_file", "secret file '%s' is %s", path,
                          len == 0 ? "empty" : "binary (holds a NUL byte)");
    /* The read buffer holds the largest secret allowed: keep an exact copy
       (a host of many tenants holds three secrets each). */
    char *exact = rc == SL_OK ? malloc(len + 1) : NULL;
    if (rc == SL_OK && exact == NULL)
        rc = sl_error_set(err, SL_ENOMEM, "secret_file", "out of memory");
    if (rc == SL_OK) {
        memcpy(exact, buf, len);
        exact[len] = '\0';
    }
    if (buf != NULL) { /* everything read is wiped, line end and NULs too */
        explicit_bzero(buf, got);
        free(buf);
    }
    if (rc != SL_OK)
        return rc;
    *out = exact;
    return SL_OK;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

/* The one rule of secret names, shared with the connectors' option
   tables (shopledger/options.h). */
static int is_inline_secret(const char *key)
{
    return sl_option_secret_name(key);
}

/* Joins a relative path to the INI file's directory. */
static char *resolve(const cfg_parse *p, const char *path)
{
    if (path[0] == '/')
        return strdup(path);
    size_t n = strlen(p->dir) + strlen(path) + 2;
    char *full = malloc(n);
    if (full != NULL)
        snprintf(full, n, "%s/%s", p->dir, path);
    return full;
}

/* Fetches the value of a secret by its source; 0 with *value (maybe NULL
   for an unset variable), or -1 after recording an error. */
static int fetch(cfg_parse *p, const char *key, const char *value, int source, char **out)
{
    sl_error err = {.size = sizeof err};
    *out = NULL;
    if (source == 'f') {
        char *path = resolve(p, value);
        if (path == NULL)
            return p->oom = 1, -1;
        int rc = config_read_secret_file(path, out, &err);
        free(path);
        if (rc != SL_OK) {
            cfg_error(p, p->line, key, "%s", err.message);
            return -1;
        }
        return 0;
    }
    if (source == 'e') {
        if (!cfg_match(value, "aA0_", 128) || (value[0] >= '0' && value[0] <= '9')) {
            cfg_error(p, p->line, key, "not an environment variable name");
            return -1;
        }
        const char *v = getenv(value);
        if (v != NULL && strlen(v) > CONFIG_MAX_SECRET_BYTES) {
            cfg_error(p, p->line, key, "environment variable %s is longer than %d bytes", value,
                      CONFIG_MAX_SECRET_BYTES);
            return -1;
        }
        if (v != NULL && v[0] != '\0' && (*out = strdup(v)) == NULL)
            return p->oom = 1, -1;
        return 0;
    }
    if (p->ini_mode & 077) {
        cfg_error(p, p->line, key,
                  "an inline secret needs a private INI file, but '%s' has mode %04o "
                  "(chmod 600 it, or use %s_file or %s_env)",
                  p->path, p->ini_mode & 07777, key, key);
        return -1;
    }
    if ((*out = strdup(value)) == NULL)
        return p->oom = 1, -1;
    return 0;
}

int cfg_secret_key(cfg_parse *p, const char *key, const char *value, config_kv **secrets,
                   size_t *count)
{
    char name[SL_ERROR_FIELD_MAX];
    size_t n = strlen(key);
    int source;
    if (!cfg_match(key, "a0_", 64))
        return 0;
    if (ends_with(key, "_file") && n - 5 < sizeof name)
        source = 'f', n -= 5;
    else if (ends_with(key, "_env") && n - 4 < sizeof name)
        source = 'e', n -= 4;
    else if (is_inline_secret(key) && n < sizeof name)
        source = 'i';
    else
        return 0;
    memcpy(name, key, n);
    name[n] = '\0';
    /* Only secret-like names read secrets: a plugin's ordinary path keys
       (orders_file, ca_file ...) stay plain settings. */
    if (source != 'i' && !is_inline_secret(name))
        return 0;
    const config_kv *dup = cfg_kv_find(*secrets, *count, name);
    if (dup != NULL) {
        cfg_error(p, p->line, key, "secret '%s' already given at line %d", name, dup->line);
        return 1;
    }
    char *secret = NULL;
    if (fetch(p, key, value, source, &secret) != 0)
        return 1;
    if (cfg_kv_push(secrets, count, name, NULL, p->line) != 0) {
        p->oom = 1;
        cfg_secret_free(secret);
        return 1;
    }
    (*secrets)[*count - 1].value = secret; /* taken as is: no second copy */
    return 1;
}
