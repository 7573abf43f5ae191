/*
 * `shopledger serve`: the running mode. One process serves every tenant of
 * the config set:
 *   - HTTP servers (libmicrohttpd thread pools, epoll) for webhooks at
 *     POST /hooks/<tenant>/<channel> and the admin API under /admin/;
 *   - per tenant one writer task, the only writer of the tenant's
 *     database: it group-commits intake (many deliveries per transaction,
 *     each acknowledged only after its WAL flush) and then files and
 *     books; the tasks of every tenant run on one writer pool, the
 *     connectors' parsing on a parser pool (server_int.h);
 *   - the scheduler: polls each channel every poll_every, runs the daily
 *     stock sync at the tenant's local time, and sends the outbox;
 *   - an idle tenant holds no store connection (--idle-close).
 * SIGTERM/SIGINT: stop accepting, abandon remote calls in flight (their
 * outbox rows stay to retry), answer what waits for a commit, exit 0.
 * A tenant that cannot run (its file, store or plugins fail) is logged
 * and left out, its webhooks answered 503; SIGHUP re-reads conf.d and
 * starts the tenants that now can (server/tenants.c says what it does to
 * running ones). serve fails only when no tenant can run or a listener
 * cannot be opened.
 */
#ifndef SL_SERVER_H
#define SL_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/* The transport limit of a webhook body: far above any real order (the
   largest WooCommerce delivery recorded in shared/fixtures is under
   5 KiB), equal to ORDER_MAX_RAW, the largest raw payload an order may
   keep. A body over it is answered 413 and stored nowhere. */
#define SERVER_MAX_BODY_DEFAULT (16u << 20)

/* Scheduler workers: a tenant whose shop hangs holds one of them up to
   its HTTP timeout while the others serve every other tenant. */
#define SERVER_SCHEDULER_THREADS_DEFAULT 4
#define SERVER_SCHEDULER_THREADS_MAX 64
/* Writer pool: group commits, WAL flushes, parsing, filing and booking of
   every tenant; default the cores (at least 2), at most this many (SQLite
   commits are disk-bound: more threads than cores only wait). */
#define SERVER_WRITER_THREADS_MAX 8

/* A request (headers and body) must arrive whole within this of its
   connection opening or of the previous answer: a shop's delivery takes
   milliseconds, the largest body (16 MiB) needs about 0.6 MB/s, and a
   client dribbling bytes to keep its slot is cut (read_deadline.h). */
#define SERVER_READ_DEADLINE_DEFAULT_MS 30000
#define SERVER_READ_DEADLINE_MIN_MS 1000
#define SERVER_READ_DEADLINE_MAX_MS 600000

/* A tenant that has had no delivery, booking or scheduled work for this
   long gives back its store connections and its channels' connections
   (server_int.h: tenant residency); the next delivery opens them again. */
#define SERVER_IDLE_CLOSE_DEFAULT_MS 60000
#define SERVER_IDLE_CLOSE_MAX_MS (86400 * 1000LL)

typedef struct server_options {
    const char *listen;   /* "127.0.0.1:8080"; NULL = the tenants' listen */
    const char *conf_dir; /* re-read on SIGHUP */
    const char *plugin_dir;
    const char *admin_listen;    /* NULL = the tenants' admin_listen */
    const char *port_file;       /* write the bound port here (tests) */
    const char *admin_port_file; /* the admin listener's port */
    size_t max_body;             /* webhook body limit; serve passes
                                    SERVER_MAX_BODY_DEFAULT unless --max-body
                                    says otherwise (0 = server.c's fallback) */
    int64_t tick_ms;             /* scheduler period, default 1000 */
    int scheduler_threads;       /* workers taking tenants' scheduled work,
                                    default SERVER_SCHEDULER_THREADS_DEFAULT */
    int writer_threads;          /* the writer pool, 0: tenants.c's default */
    int no_scheduler;            /* tests that drive polls by hand */
    int64_t read_deadline_ms;    /* a request arrives whole within this;
                                    0 = SERVER_READ_DEADLINE_DEFAULT_MS */
    int64_t idle_close_ms;       /* close an idle tenant's connections after
                                    this; 0 = keep them open while serving
                                    (serve passes SERVER_IDLE_CLOSE_DEFAULT_MS
                                    unless --idle-close says otherwise) */
} server_options;

/* Runs until SIGTERM/SIGINT. Returns 0 on a clean stop. `cfg` is the
   set loaded with config_load_dir_partial; the caller frees it after. */
int server_run(const config_set *cfg, const server_options *opt, sl_error *err);

#endif
