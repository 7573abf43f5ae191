/*
 * smtp_sandbox: listens on 127.0.0.1 at a run-time port, serves one
 * connection at a time (the host sends one message at a time), until
 * killed. See README.md.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smtp_sb.h"

static int usage(void)
{
    fprintf(stderr, "usage: smtp_sandbox --dir DIR --port-file FILE [--user U --password P]"
                    " [--reply ADDRESS=CODE]... [--stall-after N]\n");
    return 2;
}

/* A whole number in [min, max]; -1 for anything else. */
static int number(const char *text, int min, int max)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    return end != text && *end == '\0' && v >= min && v <= max ? (int)v : -1;
}

static int add_reply(sb_options *o, char *spec)
{
    char *eq = strrchr(spec, '=');
    if (eq == NULL || o->reply_count >= SB_MAX_REPLIES)
        return -1;
    *eq = '\0';
    int code = number(eq + 1, 400, 599);
    if (code < 0)
        return -1;
    o->replies[o->reply_count++] = (sb_reply){.addr = spec, .code = code};
    return 0;
}

static int parse_args(int argc, char **argv, sb_options *o, const char **port_file)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--dir") == 0)
            o->dir = argv[i + 1];
        else if (strcmp(argv[i], "--port-file") == 0)
            *port_file = argv[i + 1];
        else if (strcmp(argv[i], "--user") == 0)
            o->user = argv[i + 1];
        else if (strcmp(argv[i], "--password") == 0)
            o->password = argv[i + 1];
        else if (strcmp(argv[i], "--stall-after") == 0) {
            if ((o->stall_after = number(argv[i + 1], 1, 1000000)) < 0)
                return -1;
        } else if (strcmp(argv[i], "--reply") != 0 || add_reply(o, argv[i + 1]) != 0)
            return -1;
    }
    return argc % 2 == 1 && o->dir && *port_file && (o->user == NULL) == (o->password == NULL) ? 0
                                                                                               : -1;
}

/* Writes the port by rename, so a reader sees all of it or nothing. */
static int write_port(const char *path, int port)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "%d\n", port);
    return fclose(f) == 0 ? rename(tmp, path) : -1;
}

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        perror("smtp_sandbox: listen");
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

int main(int argc, char **argv)
{
    sb_options o = {0};
    const char *port_file = NULL;
    if (parse_args(argc, argv, &o, &port_file) != 0)
        return usage();
    signal(SIGPIPE, SIG_IGN);
    int port = 0;
    int lfd = listen_loopback(&port);
    if (lfd < 0 || write_port(port_file, port) != 0)
        return 1;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd >= 0)
            sb_session(&o, fd);
    }
}
