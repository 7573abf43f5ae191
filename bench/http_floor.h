/*
 * http_floor.c: the do-nothing HTTP responder bench_webhook's "floor"
 * mode drives (loopback only, port chosen at run time).
 */
#ifndef SL_BENCH_HTTP_FLOOR_H
#define SL_BENCH_HTTP_FLOOR_H

/* Starts `threads` responder threads on 127.0.0.1; *port gets the port. */
int http_floor_start(int threads, int *port);
void http_floor_stop(void);

#endif
