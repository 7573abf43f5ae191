/*
 * Read deadline and the reserve for progressing requests (contract in
 * read_deadline.h).
 */
#include "server/read_deadline.h"

#include <stdlib.h>
#include <sys/socket.h>

struct read_watch {
    read_watch *prev, *next;
    int fd;
    int reading;      /* a request is being read (not yet whole) */
    int cut;          /* shut down: closing, no longer counted in use */
    int64_t since_ms; /* reading since */
};

void read_deadline_init(read_deadline *rd, int64_t deadline_ms, int64_t grace_ms, size_t high_water)
{
    *rd =
        (read_deadline){.deadline_ms = deadline_ms, .grace_ms = grace_ms, .high_water = high_water};
    pthread_mutex_init(&rd->lock, NULL);
}

void read_deadline_free(read_deadline *rd)
{
    read_watch *w = rd->head;
    while (w != NULL) {
        read_watch *next = w->next;
        free(w);
        w = next;
    }
    rd->head = NULL;
    pthread_mutex_destroy(&rd->lock);
}

read_watch *read_deadline_opened(read_deadline *rd, int fd, int64_t now_ms)
{
    read_watch *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->fd = fd;
    w->reading = 1;
    w->since_ms = now_ms;
    pthread_mutex_lock(&rd->lock);
    w->next = rd->head;
    if (rd->head != NULL)
        rd->head->prev = w;
    rd->head = w;
    rd->open++;
    pthread_mutex_unlock(&rd->lock);
    return w;
}

void read_deadline_request_read(read_deadline *rd, read_watch *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&rd->lock);
    w->reading = 0;
    pthread_mutex_unlock(&rd->lock);
}

void read_deadline_answered(read_deadline *rd, read_watch *w, int64_t now_ms)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&rd->lock);
    w->reading = 1;
    w->since_ms = now_ms;
    pthread_mutex_unlock(&rd->lock);
}

void read_deadline_closed(read_deadline *rd, read_watch *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&rd->lock);
    if (w->prev != NULL)
        w->prev->next = w->next;
    else
        rd->head = w->next;
    if (w->next != NULL)
        w->next->prev = w->prev;
    rd->open--;
    pthread_mutex_unlock(&rd->lock);
    free(w);
}

/* Under the lock: the descriptor is still libmicrohttpd's and open. */
static void cut(read_deadline *rd, read_watch *w)
{
    shutdown(w->fd, SHUT_RDWR);
    w->cut = 1;
    rd->cut_total++;
}

static int older_first(const void *a, const void *b)
{
    const read_watch *x = *(read_watch *const *)a, *y = *(read_watch *const *)b;
    return (x->since_ms > y->since_ms) - (x->since_ms < y->since_ms);
}

/* Under the lock: cuts readers past the grace, oldest first, until the
   connections in use are back at the high-water mark. */
static size_t relieve_pressure(read_deadline *rd, int64_t now_ms, size_t in_use)
{
    if (rd->high_water == 0 || in_use <= rd->high_water)
        return 0;
    read_watch **slow = malloc(rd->open * sizeof *slow);
    if (slow == NULL)
        return 0; /* the deadline still cuts them */
    size_t n = 0, cut_now = 0;
    for (read_watch *w = rd->head; w != NULL; w = w->next)
        if (w->reading && !w->cut && now_ms - w->since_ms > rd->grace_ms)
            slow[n++] = w;
    qsort(slow, n, sizeof *slow, older_first);
    for (size_t i = 0; i < n && in_use > rd->high_water; i++, in_use--, cut_now++)
        cut(rd, slow[i]);
    free(slow);
    return cut_now;
}

size_t read_deadline_sweep(read_deadline *rd, int64_t now_ms)
{
    size_t cut_now = 0, in_use = 0;
    pthread_mutex_lock(&rd->lock);
    for (read_watch *w = rd->head; w != NULL; w = w->next) {
        if (!w->cut && w->reading && now_ms - w->since_ms > rd->deadline_ms) {
            cut(rd, w);
            cut_now++;
        }
        in_use += !w->cut;
    }
    cut_now += relieve_pressure(rd, now_ms, in_use);
    pthread_mutex_unlock(&rd->lock);
    return cut_now;
}
