/*
 * plugin check: the parent forks a child that does the probing and streams
 * one JSON line per step through a pipe. Before each step the child sends a
 * "stage" line, so when it dies of a signal the parent can say where.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check/check.h"
#include "check/check_probe.h"
#include "shopledger/sdkutil.h"

#define CHECK_LINE_MAX 4096

/* Child side: one JSON object per line on fd. */
void check_emit(int fd, const char *name, int ok, const char *detail)
{
    json_t *j =
        json_pack("{s:s, s:b, s:s}", "name", name, "ok", ok, "detail", detail ? detail : "");
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    if (text != NULL) {
        size_t n = strlen(text);
        if (n < CHECK_LINE_MAX - 1) {
            text[n] = '\n';
            ssize_t w = write(fd, text, n + 1);
            (void)w;
            text[n] = '\0';
        }
    }
    free(text);
    json_decref(j);
}

void check_stage(int fd, const char *stage)
{
    char line[256];
    int n = snprintf(line, sizeof line, "{\"stage\":\"%s\"}\n", stage);
    if (n > 0 && (size_t)n < sizeof line) {
        ssize_t w = write(fd, line, (size_t)n);
        (void)w;
    }
}

static void add_step(json_t *steps, const char *name, int ok, const char *detail)
{
    json_array_append_new(steps,
                          json_pack("{s:s, s:b, s:s}", "name", name, "ok", ok, "detail", detail));
}

/* Parses one line from the child; remembers the last stage. */
static void take_line(const char *line, json_t *steps, char *stage, size_t stage_len)
{
    json_t *j = json_loads(line, 0, NULL);
    if (j == NULL)
        return;
    const char *s = json_string_value(json_object_get(j, "stage"));
    if (s != NULL)
        snprintf(stage, stage_len, "%s", s);
    else
        json_array_append(steps, j);
    json_decref(j);
}

/* Reads the child's lines until EOF or the deadline. Returns 0 on EOF. */
static int collect(int fd, time_t deadline, json_t *steps, char *stage, size_t stage_len)
{
    char buf[CHECK_LINE_MAX * 2];
    size_t used = 0;
    for (;;) {
        int left = (int)(deadline - time(NULL));
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, left * 1000);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        ssize_t n = read(fd, buf + used, sizeof buf - used - 1);
        if (n <= 0)
            return 0;
        used += (size_t)n;
        buf[used] = '\0';
        char *nl;
        while ((nl = strchr(buf, '\n')) != NULL) {
            *nl = '\0';
            take_line(buf, steps, stage, stage_len);
            size_t rest = used - (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, rest);
            used = rest;
            buf[used] = '\0';
        }
        if (used >= sizeof buf - 1)
            used = 0; /* an over-long line is dropped, not trusted */
    }
}

static int all_ok(const json_t *steps)
{
    size_t i;
    json_t *s;
    if (json_array_size(steps) == 0)
        return 0;
    json_array_foreach(steps, i, s) if (!json_is_true(json_object_get(s, "ok"))) return 0;
    return 1;
}

int check_run(const check_options *opt, json_t **report)
{
    json_t *steps = json_array();
    int fds[2];
    if (pipe(fds) != 0) {
        add_step(steps, "fork", 0, strerror(errno));
        goto done;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        add_step(steps, "fork", 0, strerror(errno));
        close(fds[0]);
        close(fds[1]);
        goto done;
    }
    if (pid == 0) {
        /* The parent may have handlers (a test framework's, say) that
           would catch the plugin's crash and carry on in the child. */
        static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
        for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
            signal(fatal[i], SIG_DFL);
        close(fds[0]);
        json_decref(steps); /* the parent's; the child never reports it */
        int rc = check_probe_all(opt, fds[1]);
        close(fds[1]);
        _exit(rc);
    }
    close(fds[1]);
    char stage[128] = "start";
    int timeout = opt->timeout_s > 0 ? opt->timeout_s : 120;
    int eof = collect(fds[0], time(NULL) + timeout, steps, stage, sizeof stage);
    close(fds[0]);
    if (eof != 0)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    char detail[256];
    if (eof != 0) {
        snprintf(detail, sizeof detail, "no answer within %d s during %s", timeout, stage);
        add_step(steps, "timeout", 0, detail);
    } else if (WIFSIGNALED(status)) {
        snprintf(detail, sizeof detail, "plugin crashed with signal %d during %s", WTERMSIG(status),
                 stage);
        add_step(steps, "crash", 0, detail);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && strcmp(stage, "load") != 0) {
        /* The probe exits 0 after its last step; anything else means the
           plugin ended the process (exit() or a sanitizer) mid-stage. */
        snprintf(detail, sizeof detail, "process ended with code %d during %s", WEXITSTATUS(status),
                 stage);
        add_step(steps, "exit", 0, detail);
    }
done:
    *report = json_pack("{s:s, s:b, s:o}", "plugin", opt->plugin_path, "passed", all_ok(steps),
                        "steps", steps);
    return all_ok(steps) ? 0 : 1;
}
