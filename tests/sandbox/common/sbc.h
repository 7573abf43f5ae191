/*
 * libsl_sandbox_common.a: what every emulator in tests/sandbox/ repeats
 * around its own routes, so an emulator's main.c is its options and its
 * state, and its other files are the service it emulates.
 *
 *   sbc_http.c     one libmicrohttpd daemon on 127.0.0.1 (a run-time port
 *                  with --port 0), the request body gathered up to a
 *                  maximum, then one call of the emulator's route with the
 *                  whole body; sbc_reply for the usual answer
 *   sbc_process.c  the process around it: SIGINT/SIGTERM blocked before
 *                  any thread and taken by sigwait, SIGPIPE ignored, the
 *                  port file written whole or not at all, --port and
 *                  --port-file and whole numbers on the command line
 *   sbc_clock.c    the test clock: real time plus an offset a knob moves
 *   sbc_post.c     the emulator as a client: one POST (a webhook, a push)
 *   sbc_worker.c   the thread that sends an emulator's outgoing queue
 *
 * Every function here is for one emulator process; none of it is linked
 * into the host or a connector.
 */
#ifndef SBC_H
#define SBC_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* ---- HTTP: sbc_http.c ---- */

/* The request body as the route sees it: p is never NULL and is
   NUL-terminated (len bytes before the NUL; the body may hold NULs).
   too_big: the client sent more than the server's max_body; p then holds
   nothing useful and the route answers (413, in the service's words) or
   returns MHD_NO to close the connection. */
typedef struct sbc_body {
    const char *p;
    size_t len;
    int too_big;
    int reused; /* an earlier request came on the same connection (keep-alive) */
} sbc_body;

/* The emulator's request handler: called once per request, on a daemon
   thread, once the whole body is in. Queues the answer (sbc_reply or
   MHD_queue_response) and returns what that returned, or MHD_NO to close
   the connection unanswered (a "timeout" fault). */
typedef enum MHD_Result (*sbc_route)(void *cls, struct MHD_Connection *c, const char *url,
                                     const char *method, const sbc_body *body);

/* How a daemon runs. Zero is the default of each field. */
typedef struct sbc_http_opts {
    unsigned port;                  /* 0: a free port, see sbc_http.port */
    size_t max_body;                /* a larger body reaches the route with too_big set */
    int per_connection;             /* 1: a thread per connection (a route that stalls
                                       one answer does not stall the others); else
                                       internal polling threads */
    unsigned pool;                  /* with per_connection 0: that many polling
                                       threads (0 or 1: one) */
    unsigned timeout_s;             /* idle connections closed after it (0: never) */
    int reuse_address;              /* listen again on a port just released */
    const char *tls_cert, *tls_key; /* PEM texts, both or neither: https */
} sbc_http_opts;

/* A running daemon. The struct must stay where it is (the daemon's threads
   hold its address) until sbc_http_stop returns. */
typedef struct sbc_http {
    sbc_route route;
    void *cls;
    size_t max_body;
    struct MHD_Daemon *daemon;
    unsigned port; /* the bound port, once sbc_http_start returned 0 */
} sbc_http;

/* Starts a daemon on 127.0.0.1 that hands each request to route(cls,...).
   Returns 0, or -1 (nothing listens; the reason is on stderr). */
int sbc_http_start(sbc_http *h, const sbc_http_opts *o, sbc_route route, void *cls);

/* Stops the daemon (each open request first ends); safe on a stopped or
   never started one. */
void sbc_http_stop(sbc_http *h);

/* Queues status with body (taken: malloc'd, freed by the library; NULL: an
   empty body) as Content-Type type. Returns MHD_queue_response's result. */
enum MHD_Result sbc_reply(struct MHD_Connection *c, int status, char *body, const char *type);

/* sbc_reply of json_dumps(j, dump_flags) as Content-Type type; j is taken
   (NULL, or a tree that cannot be dumped: "{}"). */
enum MHD_Result sbc_reply_json(struct MHD_Connection *c, int status, json_t *j, size_t dump_flags,
                               const char *type);

/* ---- the process: sbc_process.c ---- */

/* Blocks SIGINT and SIGTERM for this thread and every thread started after
   it (call it in main before the first thread: the daemon's, curl's, a
   delivery thread) and ignores SIGPIPE (a test client that hangs up). */
void sbc_signals_block(void);

/* Waits in the calling thread for SIGINT or SIGTERM; returns it. */
int sbc_wait_stop(void);

/* Writes text to path through path.tmp and a rename, so a reader (a test
   polling for the file) sees the whole file or none. 0 or -1 (path.tmp is
   then removed). */
int sbc_write_file_atomic(const char *path, const char *text);

/* The n ports (n <= 16), one a line, to path by sbc_write_file_atomic. */
int sbc_write_ports(const char *path, const unsigned *ports, int n);

/* The options every emulator takes. */
typedef struct sbc_listen {
    unsigned port;         /* --port N (0..65535; default 0: a free one) */
    const char *port_file; /* --port-file PATH */
} sbc_listen;

/* If name is --port or --port-file, takes value into l: returns 1, or -1
   (said on stderr) for a port that is no whole number 0..65535. Returns 0
   for any other name. */
int sbc_listen_arg(sbc_listen *l, const char *name, const char *value);

/* text as a whole number min..max into *out: 0, or -1 with a line on
   stderr naming the option. */
int sbc_number(const char *name, const char *text, long long min, long long max, long long *out);

/* The first line of a file (without its line end), malloc'd, for a secret
   passed as a file (--token-file, --api-key-file); NULL when the file
   cannot be read or is empty. */
char *sbc_read_first_line(const char *path);

/* Serves until SIGINT/SIGTERM: writes h's port to l->port_file (when one
   was given), then waits. Returns 0, or 1 when the port file could not be
   written (said on stderr; nothing waited for). The daemon keeps running:
   the caller stops it. */
int sbc_serve_until_stopped(const sbc_http *h, const sbc_listen *l);

/* ---- the test clock: sbc_clock.c ---- */

/* Real time plus offset_s, the offset a test moves with the emulator's
   POST /__sandbox/clock knob. The caller guards it with its own lock. */
typedef struct sbc_clock {
    int64_t offset_s;
} sbc_clock;

/* The emulated "now", UTC seconds. */
int64_t sbc_clock_now(const sbc_clock *k);

/* Applies a clock knob's body: {"advance_s": N} or {"advance": N} moves the
   clock by N seconds (N may be negative), {"now": EPOCH} sets it. Returns
   0, or -1 when the body holds none of them as an integer (the clock then
   stays). */
int sbc_clock_knob(sbc_clock *k, const json_t *in);

/* ---- the emulator as a client: sbc_post.c ---- */

struct curl_slist;

/* POSTs body (a C string) to url with the headers given (borrowed; NULL:
   none) and user_agent (NULL: libcurl's), no proxy, no redirect, http or
   https only, within timeout_s (connect: 5 s). Returns the HTTP status, or
   0 when no answer came (or url is NULL or empty). The process called
   curl_global_init before its first thread. */
long sbc_post(const char *url, const char *body, struct curl_slist *headers, const char *user_agent,
              long timeout_s);

/* ---- the delivery thread: sbc_worker.c ---- */

/* The thread that sends an emulator's outgoing queue (a shop's webhooks,
   a platform's notifications) one item at a time, when each is due. The
   queue itself is the emulator's; the worker's mutex guards it, so the
   emulator's knobs lock w->mu to change it and sbc_worker_wake after. */
typedef struct sbc_worker {
    pthread_mutex_t mu;
    pthread_cond_t cv;   /* signalled: the queue changed, or stop */
    pthread_cond_t idle; /* broadcast whenever nothing is due */
    pthread_t thread;
    int stop;
    int inflight; /* 1 while an item is being sent (mu not held) */
    /* With mu held: the next due item, taken off the queue, or NULL with
     *wait_ms the time until the next one is due (-1: none queued). */
    void *(*take)(void *cls, int64_t *wait_ms);
    /* Without mu: sends the item and disposes of it (frees it, or puts it
       back under mu for a retry). */
    void (*send)(void *cls, void *item);
    /* With mu held, when nothing is due (NULL: nothing to do). */
    void (*on_idle)(void *cls);
    /* Once, on the thread, before the first take, without mu (NULL). */
    void (*first)(void *cls);
    void *cls;
} sbc_worker;

/* Starts the thread with the callbacks and cls already in *w (the rest
   is set here). 0, or -1 (no thread; nothing to stop). */
int sbc_worker_start(sbc_worker *w);

/* With mu held: the queue changed, look again. */
void sbc_worker_wake(sbc_worker *w);

/* With mu held: waits up to timeout_ms for busy(cls) to turn 0, checked
   whenever the worker goes idle or finishes a send (at least every 50
   ms). Returns busy's last answer. */
int sbc_worker_wait(sbc_worker *w, int (*busy)(void *cls), int64_t timeout_ms);

/* Stops the thread (a send in progress ends first) and frees what the
   worker holds; the items still queued are the caller's to free. */
void sbc_worker_stop(sbc_worker *w);

/* Wall-clock milliseconds (CLOCK_REALTIME, what the condition waits use). */
int64_t sbc_now_ms(void);

#endif
