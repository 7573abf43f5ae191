/*
 * Quarantine records, the leftover-marker scan and the stopped stand-in
 * (quarantine.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/quarantine.h"
#include "services/call_marker.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

static const char *enabled_dir;

const char *quarantine_state_dir(void)
{
    const char *env = getenv("SHOPLEDGER_STATE");
    return env != NULL && env[0] != '\0' ? env : "var";
}

void quarantine_enable(const char *state_dir)
{
    enabled_dir = state_dir;
}
const char *quarantine_enabled(void)
{
    return enabled_dir;
}

static int make_dir(const char *path)
{
    return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

int quarantine_prepare(const char *state_dir, sl_error *err)
{
    char q[4096];
    snprintf(q, sizeof q, "%s/quarantine", state_dir);
    if (make_dir(state_dir) != 0 || make_dir(q) != 0)
        return sl_error_set(err, SL_EIO, "state_dir", "cannot create %s: %s", q, strerror(errno));
    return SL_OK;
}

/* A plugin name safe as a file name (the INI allows [a-z0-9_-]). */
static int safe_name(const char *name)
{
    if (name[0] == '\0' || strlen(name) > 63)
        return 0;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
            return 0;
    return 1;
}

static void record_path(const char *state_dir, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/quarantine/%s.txt", state_dir, name);
}

static int file_mtime(const char *path, long long *mtime)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    *mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    return 0;
}

/* Writes the record of one marker found in a call. */
static int quarantine_marker(const char *state_dir, const call_marker *m)
{
    char name[64], path[4096], tmp[4200], when[32];
    snprintf(name, sizeof name, "%.63s", m->plugin);
    if (!safe_name(name))
        return 0;
    record_path(state_dir, name, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return 0;
    char how[32] = "";
    int sig = atomic_load(&m->crashed_signal);
    if (sig > 0)
        snprintf(how, sizeof how, " (signal %d)", sig);
    fprintf(f,
            "%.255s\n%lld\ncrashed%s in %.63s (tenant %.63s, channel %.63s) at %s; "
            "`shopledger plugin retry %s` or a new %s.so lifts it\n",
            m->file, (long long)m->plugin_mtime, how, m->call, m->tenant, m->channel,
            sl_iso8601_format(m->started_ms, 1, when), name, name);
    int ok = fclose(f) == 0 && rename(tmp, path) == 0;
    if (ok)
        services_log(NULL, SL_LOG_ERROR,
                     "plugin %s quarantined: the last run died in its call %.63s "
                     "(tenant %.63s, channel %.63s, %.255s)",
                     name, m->call, m->tenant, m->channel, m->file);
    return ok;
}

/* The pid of a marker file name, or 0. */
static pid_t marker_pid(const char *file)
{
    size_t n = strlen(CALL_MARKER_PREFIX);
    if (strncmp(file, CALL_MARKER_PREFIX, n) != 0)
        return 0;
    char *end;
    long pid = strtol(file + n, &end, 10);
    return pid > 0 && strcmp(end, ".map") == 0 ? (pid_t)pid : 0;
}

/* Reads one dead process's marker file; returns how many it quarantined.
   Only a call whose slot took a fatal signal is the culprit. A process
   that ended with calls in flight but no crash recorded was killed from
   outside (kill -9, the OOM killer, a restart): its plugins did nothing
   wrong, and quarantining them would stop a tenant's intake after every
   such kill, so those calls are only logged. */
static int collect_file(const char *state_dir, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    static call_marker slots[CALL_MARKER_SLOTS]; /* main thread, at start only */
    size_t n = 0;
    int crashed = 0, found = 0;
    while (n < CALL_MARKER_SLOTS &&
           read(fd, &slots[n], sizeof slots[n]) == (ssize_t)sizeof slots[n]) {
        call_marker *m = &slots[n];
        m->tenant[sizeof m->tenant - 1] = m->channel[sizeof m->channel - 1] = '\0';
        m->plugin[sizeof m->plugin - 1] = m->call[sizeof m->call - 1] = '\0';
        m->file[sizeof m->file - 1] = '\0';
        if (m->magic != CALL_MARKER_MAGIC || atomic_load(&m->in_call) != 1)
            continue;
        crashed += atomic_load(&m->crashed_signal) > 0;
        n++;
    }
    close(fd);
    for (size_t i = 0; i < n; i++) {
        if (atomic_load(&slots[i].crashed_signal) > 0)
            found += quarantine_marker(state_dir, &slots[i]);
        else if (!crashed)
            services_log(NULL, SL_LOG_WARN,
                         "the last run ended inside %.63s of plugin %.63s (tenant %.63s, "
                         "channel %.63s) without a crash: killed from outside, not quarantined",
                         slots[i].call, slots[i].plugin, slots[i].tenant, slots[i].channel);
    }
    return found;
}

int quarantine_collect(const char *state_dir)
{
    DIR *d = opendir(state_dir);
    if (d == NULL)
        return 0;
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        pid_t pid = marker_pid(e->d_name);
        /* A live process (not us: our pid on a file means the file is an
           old one whose pid came back) is still running its calls. */
        if (pid == 0 || (pid != getpid() && (kill(pid, 0) == 0 || errno != ESRCH)))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", state_dir, e->d_name);
        found += collect_file(state_dir, path);
        unlink(path);
    }
    closedir(d);
    return found;
}

int quarantine_find(const char *state_dir, const char *name, const char *file, char *reason,
                    size_t n)
{
    char path[4096], rec_file[4096], line[QUARANTINE_REASON_MAX];
    long long rec_mtime = 0, mtime = -1;
    if (!safe_name(name))
        return 0;
    record_path(state_dir, name, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    int ok = fgets(rec_file, sizeof rec_file, f) != NULL && fgets(line, sizeof line, f) &&
             sscanf(line, "%lld", &rec_mtime) == 1 && fgets(line, sizeof line, f) != NULL;
    fclose(f);
    if (!ok)
        return 0;
    rec_file[strcspn(rec_file, "\n")] = '\0';
    line[strcspn(line, "\n")] = '\0';
    if (file != NULL &&
        (strcmp(rec_file, file) != 0 || file_mtime(file, &mtime) != 0 || mtime != rec_mtime)) {
        services_log(NULL, SL_LOG_INFO,
                     "plugin %s: %s is not the file that crashed; "
                     "quarantine lifted",
                     name, file);
        unlink(path);
        return 0;
    }
    snprintf(reason, n, "%s", line);
    return 1;
}

int quarantine_lift(const char *state_dir, const char *name, sl_error *err)
{
    char path[4096];
    if (!safe_name(name))
        return sl_error_set(err, SL_EINVALID, "name", "'%s' is not a plugin name", name);
    record_path(state_dir, name, path, sizeof path);
    if (unlink(path) != 0)
        return sl_error_set(err, errno == ENOENT ? SL_ENOTFOUND : SL_EIO, "name",
                            "plugin %s is not quarantined (%s)", name, strerror(errno));
    return SL_OK;
}

/* ---- the stopped stand-in ---- */

typedef struct standin {
    loaded_plugin base; /* first: loader_free frees the whole block */
    sl_plugin table;
    char name[64];
    char reason[QUARANTINE_REASON_MAX];
} standin;

static int standin_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    (void)host;
    (void)ctx;
    (void)err;
    *state = NULL;
    return SL_OK;
}

static void standin_close(void *state)
{
    (void)state;
}

/* Notes wait in the outbox until the plugin runs again. */
static int standin_report(void *state, sl_ctx *ctx, const char *external_id, const char *note,
                          const char *status, const char *key, sl_error *err)
{
    (void)state, (void)ctx, (void)external_id, (void)note, (void)status, (void)key;
    sl_error_set(err, SL_ERETRY, "plugin", "plugin quarantined");
    err->retry_after_ms = 3600 * 1000;
    return SL_ERETRY;
}

loaded_plugin *quarantine_standin(const char *name, const char *file, const char *reason)
{
    standin *s = calloc(1, sizeof *s);
    if (s == NULL || (s->base.path = strdup(file)) == NULL) {
        free(s);
        return NULL;
    }
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->reason, sizeof s->reason, "%s", reason);
    s->table = (sl_plugin){.size = sizeof(sl_plugin),
                           .abi_major = SL_ABI_MAJOR,
                           .abi_minor = SL_ABI_MINOR,
                           .name = s->name,
                           .version = "quarantined",
                           .description = s->reason,
                           .channel_open = standin_open,
                           .channel_close = standin_close,
                           .report_status = standin_report};
    s->base.table = &s->table;
    s->base.table_size = sizeof s->table;
    return &s->base;
}

const char *quarantine_reason(const loaded_plugin *p)
{
    if (p == NULL || p->handle != NULL)
        return NULL; /* a real plugin: dlopen gave it a handle */
    return ((const standin *)(const void *)p)->reason;
}
