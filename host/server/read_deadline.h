/*
 * Read deadline: a request must arrive whole (headers and body) within a
 * fixed time of its connection opening, or of the previous answer on a
 * kept-alive connection. libmicrohttpd's own timeout is an idle timeout,
 * reset by every byte, so a client sending a byte every few seconds
 * (slowloris) would hold its slot for ever; here such a connection is cut.
 *
 * And a reserve for requests that progress: when the connections in use
 * pass a high-water mark, requests still being read after a short grace
 * are cut oldest first, so many slow addresses together cannot hold every
 * slot while a shop's real deliveries, which arrive in milliseconds, wait.
 *
 * Connections are tracked from libmicrohttpd's connection notifications
 * (read_deadline_opened / _closed, on its threads); read_deadline_sweep
 * runs on one other thread (serve's main thread, once a second) and cuts
 * with shutdown(2), which makes libmicrohttpd see the end of the stream
 * and close the connection itself. A tracked descriptor is open: the
 * closed notification comes before libmicrohttpd closes the socket, and
 * both it and the sweep hold the tracker's lock.
 */
#ifndef SL_SERVER_READ_DEADLINE_H
#define SL_SERVER_READ_DEADLINE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct read_watch read_watch;

typedef struct read_deadline {
    pthread_mutex_t lock;
    read_watch *head;    /* every open connection, newest first */
    size_t open;         /* how many */
    int64_t deadline_ms; /* a request arrives whole within this */
    int64_t grace_ms;    /* under pressure, reading longer than this is cut */
    size_t high_water;   /* connections in use beyond which pressure applies */
    uint64_t cut_total;  /* connections cut so far (logged by the sweep) */
} read_deadline;

/* Zeroes rd and sets its limits; high_water 0 disables the reserve. */
void read_deadline_init(read_deadline *rd, int64_t deadline_ms, int64_t grace_ms,
                        size_t high_water);
/* Frees what is still tracked (after the daemons stopped). */
void read_deadline_free(read_deadline *rd);

/* A connection opened on descriptor fd at now_ms: returns its watch (for
   the connection's socket context), NULL when out of memory (untracked). */
read_watch *read_deadline_opened(read_deadline *rd, int fd, int64_t now_ms);
/* The request was read whole: not subject to the deadline while it is
   answered (a delivery waiting for its commit, say). NULL is ignored. */
void read_deadline_request_read(read_deadline *rd, read_watch *w);
/* The answer went out: a next request on this connection must arrive
   whole within the deadline from now_ms. */
void read_deadline_answered(read_deadline *rd, read_watch *w, int64_t now_ms);
/* The connection is closing: forget it (frees w). */
void read_deadline_closed(read_deadline *rd, read_watch *w);

/* Cuts every connection past its deadline, and under pressure those
   reading longer than the grace (oldest first) until back under the mark;
   returns how many it cut now. */
size_t read_deadline_sweep(read_deadline *rd, int64_t now_ms);

#endif
