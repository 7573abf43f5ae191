/*
 * The HTTP floor for bench_webhook: a keep-alive HTTP/1.1 responder that
 * reads each request's head and Content-Length body and answers 200 at
 * once, storing and checking nothing. Driven exactly like `serve`, it
 * measures what loopback HTTP alone costs on this machine, so the
 * intake rate can be read against the fastest any server could answer.
 * Each thread has its own SO_REUSEPORT listener and epoll set.
 */
#include "http_floor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define FLOOR_MAX_THREADS 8
#define FLOOR_BUF 16384
#define FLOOR_EVENTS 64

typedef struct floor_conn {
    int fd;
    size_t len;
    char buf[FLOOR_BUF];
} floor_conn;

static pthread_t threads[FLOOR_MAX_THREADS];
static int listeners[FLOOR_MAX_THREADS];
static int thread_count;
static atomic_int stopping;

static const char REPLY[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}";

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 512) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Bytes of the first complete request in c->buf, or 0 when incomplete. */
static size_t request_size(const floor_conn *c)
{
    const char *end = NULL;
    for (size_t i = 0; i + 4 <= c->len && end == NULL; i++)
        if (memcmp(c->buf + i, "\r\n\r\n", 4) == 0)
            end = c->buf + i;
    if (end == NULL)
        return 0;
    size_t head = (size_t)(end - c->buf) + 4, body = 0;
    for (const char *p = c->buf; p < end; p++) {
        if ((p == c->buf || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0) {
            body = strtoul(p + 15, NULL, 10);
            break;
        }
    }
    return head + body <= c->len ? head + body : 0;
}

/* Reads what arrived and answers every complete request; -1 to close. */
static int serve_conn(floor_conn *c)
{
    ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
    if (n <= 0)
        return -1;
    c->len += (size_t)n;
    size_t used;
    while ((used = request_size(c)) > 0) {
        if (write(c->fd, REPLY, sizeof REPLY - 1) != (ssize_t)(sizeof REPLY - 1))
            return -1;
        memmove(c->buf, c->buf + used, c->len - used);
        c->len -= used;
    }
    return c->len == sizeof c->buf ? -1 : 0;
}

static void *floor_thread(void *arg)
{
    int lfd = *(int *)arg;
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, got[FLOOR_EVENTS];
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    while (!atomic_load(&stopping)) {
        int n = epoll_wait(ep, got, FLOOR_EVENTS, 100);
        for (int i = 0; i < n; i++) {
            floor_conn *c = got[i].data.ptr;
            if (c == NULL) {
                int fd = accept(lfd, NULL, NULL);
                floor_conn *nc = fd >= 0 ? calloc(1, sizeof *nc) : NULL;
                if (nc == NULL) {
                    if (fd >= 0)
                        close(fd);
                    continue;
                }
                nc->fd = fd;
                struct epoll_event cev = {.events = EPOLLIN, .data.ptr = nc};
                epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
            } else if (serve_conn(c) != 0) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                free(c);
            }
        }
    }
    close(ep); /* connections still open are the driver's to close; the process ends */
    return NULL;
}

int http_floor_start(int nthreads, int *port)
{
    if (nthreads < 1 || nthreads > FLOOR_MAX_THREADS)
        return -1;
    listeners[0] = listen_on(0);
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    if (listeners[0] < 0 || getsockname(listeners[0], (struct sockaddr *)&a, &alen) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    for (int i = 1; i < nthreads; i++)
        if ((listeners[i] = listen_on(*port)) < 0)
            return -1;
    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&threads[i], NULL, floor_thread, &listeners[i]) != 0)
            return -1;
        thread_count++;
    }
    return 0;
}

void http_floor_stop(void)
{
    atomic_store(&stopping, 1);
    for (int i = 0; i < thread_count; i++) {
        pthread_join(threads[i], NULL);
        close(listeners[i]);
    }
}
