/*
 * The SMTP sandbox: options and one session. main.c listens and accepts,
 * session.c speaks SMTP on one connection.
 */
#ifndef SMTP_SB_H
#define SMTP_SB_H

#include <stddef.h>

#define SB_MAX_REPLIES 16
#define SB_LINE_MAX 1024 /* RFC 5321: 1000 with CRLF, plus slack */
#define SB_MESSAGE_MAX (64u << 20)
#define SB_IDLE_TIMEOUT_S 30 /* a silent client is dropped */

typedef struct sb_reply {
    const char *addr;
    int code;
} sb_reply;

typedef struct sb_options {
    const char *dir;
    const char *user, *password; /* NULL: no AUTH required */
    sb_reply replies[SB_MAX_REPLIES];
    int reply_count;
    int stall_after; /* 0: never */
    int stored;      /* messages stored so far */
} sb_options;

/* Serves one connection until QUIT or the client goes; closes fd. */
void sb_session(sb_options *o, int fd);

/* Decodes base64 text into out (cap bytes); the length, or -1. */
int sb_base64_decode(const char *in, unsigned char *out, size_t cap);

#endif
