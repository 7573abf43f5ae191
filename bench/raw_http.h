/*
 * raw_http.c: the reference receiver bench_webhook's "raw-http" mode
 * drives: what the least a durable webhook receiver must do costs here.
 */
#ifndef SL_BENCH_RAW_HTTP_H
#define SL_BENCH_RAW_HTTP_H

/* Starts a libmicrohttpd receiver on 127.0.0.1 (4 threads, epoll) that
   stores each POST body raw, one row each, in `db_path` (WAL,
   synchronous=FULL) and answers 200 after the group commit holding it.
   *port gets the port. 0 on success. */
int raw_http_start(const char *db_path, int *port);
/* Stops it; returns how many bodies it stored. */
long raw_http_stop(void);

#endif
