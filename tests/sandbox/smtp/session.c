/*
 * One SMTP session: greeting, EHLO/HELO, AUTH PLAIN/LOGIN, MAIL, RCPT
 * (with the configured 4xx/5xx answers), DATA (stored as a file), RSET,
 * NOOP, QUIT. Lines are read through a small buffer with a length cap; a
 * client silent for SB_IDLE_TIMEOUT_S is dropped, so nothing waits for
 * ever.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "smtp_sb.h"

typedef struct conn {
    int fd;
    char buf[8192];
    size_t len, off;
    char from[SB_LINE_MAX], rcpt[SB_LINE_MAX], auth_user[SB_LINE_MAX];
    int authed;
} conn;

static void say(conn *c, const char *text)
{
    size_t n = strlen(text);
    if (write(c->fd, text, n) != (ssize_t)n)
        c->len = c->off = 0; /* the client went away; the next read ends it */
}

/* Reads one line without its CRLF into line (SB_LINE_MAX); length, or -1
   at the end or on a line that is too long. */
static int read_line(conn *c, char *line)
{
    size_t n = 0;
    for (;;) {
        if (c->off == c->len) {
            ssize_t r = read(c->fd, c->buf, sizeof c->buf);
            if (r <= 0)
                return -1;
            c->len = (size_t)r, c->off = 0;
        }
        char ch = c->buf[c->off++];
        if (ch == '\n') {
            if (n > 0 && line[n - 1] == '\r')
                n--;
            line[n] = '\0';
            return (int)n;
        }
        if (n + 1 >= SB_LINE_MAX)
            return -1;
        line[n++] = ch;
    }
}

int sb_base64_decode(const char *in, unsigned char *out, size_t cap)
{
    static const char *A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned acc = 0;
    int bits = 0;
    size_t n = 0;
    for (const char *p = in; *p && *p != '='; p++) {
        const char *k = strchr(A, *p);
        if (k == NULL || *p == '\0')
            return -1;
        acc = (acc << 6) | (unsigned)(k - A);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n + 1 >= cap)
                return -1;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    out[n] = '\0';
    return (int)n;
}

static int login_ok(const sb_options *o, const char *user, const char *pass)
{
    return strcmp(user, o->user) == 0 && strcmp(pass, o->password) == 0;
}

/* AUTH PLAIN [initial] or AUTH LOGIN; answers 235 or 535. */
static void auth(conn *c, const sb_options *o, const char *args)
{
    char line[SB_LINE_MAX];
    unsigned char raw[SB_LINE_MAX], pass[SB_LINE_MAX];
    int ok = 0;
    if (o->user == NULL) {
        say(c, "503 5.5.1 AUTH not offered\r\n");
        return;
    }
    if (strncasecmp(args, "PLAIN", 5) == 0) {
        const char *ir = args[5] == ' ' ? args + 6 : NULL;
        if (ir == NULL) {
            say(c, "334 \r\n");
            if (read_line(c, line) < 0)
                return;
            ir = line;
        }
        int n = sb_base64_decode(ir, raw, sizeof raw);
        /* authzid \0 authcid \0 password */
        const char *user = n > 0 ? memchr(raw, '\0', (size_t)n) : NULL;
        const char *pw =
            user ? memchr(user + 1, '\0', (size_t)n - (size_t)(user + 1 - (char *)raw)) : NULL;
        ok = pw && login_ok(o, user + 1, pw + 1);
        if (user)
            snprintf(c->auth_user, sizeof c->auth_user, "%s", user + 1);
    } else if (strncasecmp(args, "LOGIN", 5) == 0) {
        say(c, "334 VXNlcm5hbWU6\r\n");
        if (read_line(c, line) < 0 || sb_base64_decode(line, raw, sizeof raw) < 0)
            return;
        say(c, "334 UGFzc3dvcmQ6\r\n");
        if (read_line(c, line) < 0 || sb_base64_decode(line, pass, sizeof pass) < 0)
            return;
        ok = login_ok(o, (char *)raw, (char *)pass);
        snprintf(c->auth_user, sizeof c->auth_user, "%s", (char *)raw);
    }
    c->authed = ok;
    say(c, ok ? "235 2.7.0 Authentication successful\r\n"
              : "535 5.7.8 Authentication credentials invalid\r\n");
}

/* The address between < and > of a MAIL/RCPT argument ("" if none). */
static void angle_addr(const char *arg, char *out, size_t n)
{
    const char *lt = strchr(arg, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    size_t len = lt && gt ? (size_t)(gt - lt - 1) : 0;
    if (len >= n)
        len = n - 1;
    memcpy(out, lt ? lt + 1 : "", len);
    out[len] = '\0';
}

static void rcpt(conn *c, const sb_options *o, const char *arg)
{
    char addr[SB_LINE_MAX], text[SB_LINE_MAX + 64];
    angle_addr(arg, addr, sizeof addr);
    for (int i = 0; i < o->reply_count; i++) {
        if (strcasecmp(o->replies[i].addr, addr) == 0) {
            int code = o->replies[i].code;
            snprintf(text, sizeof text, "%d %s <%s>: %s\r\n", code, code >= 500 ? "5.1.1" : "4.3.0",
                     addr, code >= 500 ? "no such mailbox here" : "try again later");
            say(c, text);
            return;
        }
    }
    snprintf(c->rcpt, sizeof c->rcpt, "%s", addr);
    say(c, "250 2.1.5 OK\r\n");
}

/* Reads the DATA lines up to "." into a file by rename; 0 or -1. */
static int store_data(conn *c, sb_options *o)
{
    char line[SB_LINE_MAX], path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/msg-%03d", o->dir, o->stored + 1);
    snprintf(tmp, sizeof tmp, "%s.part", path);
    FILE *f = fopen(tmp, "wb");
    size_t total = 0;
    int n;
    while (f && (n = read_line(c, line)) >= 0) {
        if (strcmp(line, ".") == 0)
            break;
        const char *l = line[0] == '.' ? line + 1 : line; /* undo dot-stuffing */
        total += strlen(l) + 2;
        if (total > SB_MESSAGE_MAX)
            n = -1;
        fprintf(f, "%s\r\n", l);
    }
    if (f == NULL || fclose(f) != 0 || n < 0)
        return -1;
    char env[4200], eml[4200];
    snprintf(env, sizeof env, "%s.env", path);
    FILE *e = fopen(env, "w");
    if (e == NULL)
        return -1;
    fprintf(e, "MAIL FROM:<%s>\nRCPT TO:<%s>\nAUTH %s\n", c->from, c->rcpt, c->auth_user);
    fclose(e);
    snprintf(eml, sizeof eml, "%s.eml", path);
    o->stored++;
    return rename(tmp, eml);
}

static void data(conn *c, sb_options *o)
{
    char line[SB_LINE_MAX];
    if (c->from[0] == '\0' || c->rcpt[0] == '\0') {
        say(c, "503 5.5.1 MAIL and RCPT first\r\n");
        return;
    }
    say(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
    if (store_data(c, o) != 0) {
        say(c, "451 4.3.0 could not store the message\r\n");
        return;
    }
    if (o->stall_after > 0 && o->stored == o->stall_after) {
        while (read_line(c, line) >= 0) /* until the client is gone */
            ;
        return;
    }
    say(c, "250 2.0.0 OK queued\r\n");
    c->from[0] = c->rcpt[0] = '\0';
}

/* One command; 0 to go on, -1 to end the session. */
static int command(conn *c, sb_options *o, const char *line)
{
    if (strncasecmp(line, "EHLO", 4) == 0)
        say(c, "250-smtp-sandbox\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE 67108864\r\n");
    else if (strncasecmp(line, "HELO", 4) == 0)
        say(c, "250 smtp-sandbox\r\n");
    else if (strncasecmp(line, "AUTH ", 5) == 0)
        auth(c, o, line + 5);
    else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
        if (o->user && !c->authed) {
            say(c, "530 5.7.0 Authentication required\r\n");
            return 0;
        }
        angle_addr(line + 10, c->from, sizeof c->from);
        say(c, "250 2.1.0 OK\r\n");
    } else if (strncasecmp(line, "RCPT TO:", 8) == 0)
        rcpt(c, o, line + 8);
    else if (strcasecmp(line, "DATA") == 0)
        data(c, o);
    else if (strcasecmp(line, "RSET") == 0) {
        c->from[0] = c->rcpt[0] = '\0';
        say(c, "250 2.0.0 OK\r\n");
    } else if (strcasecmp(line, "NOOP") == 0)
        say(c, "250 2.0.0 OK\r\n");
    else if (strcasecmp(line, "QUIT") == 0) {
        say(c, "221 2.0.0 Bye\r\n");
        return -1;
    } else
        say(c, "502 5.5.2 command not recognized\r\n");
    return 0;
}

void sb_session(sb_options *o, int fd)
{
    static conn c; /* one session at a time: no need for a stack this big */
    memset(&c, 0, sizeof c);
    c.fd = fd;
    struct timeval tv = {.tv_sec = SB_IDLE_TIMEOUT_S};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char line[SB_LINE_MAX];
    say(&c, "220 smtp-sandbox ESMTP ready\r\n");
    while (read_line(&c, line) >= 0 && command(&c, o, line) == 0)
        ;
    close(fd);
}
