/*
 * The emulator process around its daemon: signals, the port file and the
 * command-line options every emulator takes. Tests start an emulator with
 * --port 0, poll for its port file, and stop it with SIGTERM; the daemon's
 * threads must never take that signal, so it is blocked before they start
 * and the main thread waits for it with sigwait.
 */
#include "sbc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
}

void sbc_signals_block(void)
{
    sigset_t set;
    stop_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int sbc_wait_stop(void)
{
    sigset_t set;
    int sig = 0;
    stop_signals(&set);
    sigwait(&set, &sig);
    return sig;
}

int sbc_write_file_atomic(const char *path, const char *text)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
        return -1;
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    int bad = fputs(text, f) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

int sbc_write_ports(const char *path, const unsigned *ports, int n)
{
    char text[16 * 12] = ""; /* 16 lines of 10 digits at most */
    size_t used = 0;
    if (n < 0 || n > 16)
        return -1;
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%u\n", ports[i]);
    return sbc_write_file_atomic(path, text);
}

int sbc_number(const char *name, const char *text, long long min, long long max, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
        fprintf(stderr, "%s: expected a whole number %lld..%lld, got '%s'\n", name, min, max, text);
        return -1;
    }
    *out = v;
    return 0;
}

int sbc_listen_arg(sbc_listen *l, const char *name, const char *value)
{
    if (strcmp(name, "--port-file") == 0) {
        l->port_file = value;
        return 1;
    }
    if (strcmp(name, "--port") != 0)
        return 0;
    long long v;
    if (sbc_number(name, value, 0, 65535, &v) != 0)
        return -1;
    l->port = (unsigned)v;
    return 1;
}

int sbc_serve_until_stopped(const sbc_http *h, const sbc_listen *l)
{
    if (l->port_file != NULL && sbc_write_ports(l->port_file, &h->port, 1) != 0) {
        fprintf(stderr, "cannot write %s\n", l->port_file);
        return 1;
    }
    sbc_wait_stop();
    return 0;
}

char *sbc_read_first_line(const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[1024];
    if (f == NULL || fgets(buf, sizeof buf, f) == NULL) {
        if (f)
            fclose(f);
        return NULL;
    }
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return strdup(buf);
}
