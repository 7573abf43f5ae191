/*
 * The reference receiver for bench_webhook: a minimal libmicrohttpd
 * server that makes each delivery durable and nothing else. Its HTTP
 * threads collect the body and queue it; one writer thread commits every
 * queued body in one transaction (a row each, WAL, synchronous=FULL) and
 * resumes the suspended connections with 200. No signature, no parsing:
 * serve's intake rate is read against this one's, driven the same way.
 */
#include "raw_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RAW_MAX_BODY (1u << 20)

typedef struct raw_req {
    struct MHD_Connection *conn;
    char *body;
    size_t len, cap;
    int queued, stored, settled;
    struct raw_req *next;
} raw_req;

static struct MHD_Daemon *daemon_;
static sqlite3 *db;
static pthread_t writer;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static raw_req *head, *tail;
static int stopping;
static long stored_count;
static atomic_int suspended; /* queued, not yet answered or closed */

/* A queued request is answered or its connection went: counted once. */
static void settle(raw_req *r)
{
    if (r->queued && !r->settled) {
        r->settled = 1;
        atomic_fetch_sub(&suspended, 1);
    }
}

/* Commits a batch of bodies; marks each stored. */
static void commit_batch(raw_req *batch)
{
    sqlite3_stmt *st = NULL;
    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO deliveries(body) VALUES(?1)", -1, &st, NULL);
    for (raw_req *r = batch; r; r = r->next) {
        sqlite3_bind_blob(st, 1, r->body, (int)r->len, SQLITE_STATIC);
        r->stored = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    int ok = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    for (raw_req *r = batch; r; r = r->next) {
        r->stored = r->stored && ok;
        stored_count += r->stored;
    }
}

static void *writer_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        while (head == NULL && !stopping)
            pthread_cond_wait(&wake, &lock);
        raw_req *batch = head;
        head = tail = NULL;
        int stop = stopping && batch == NULL;
        pthread_mutex_unlock(&lock);
        if (stop)
            return NULL;
        commit_batch(batch);
        for (raw_req *r = batch, *next; r; r = next) {
            next = r->next;
            r->next = NULL;
            MHD_resume_connection(r->conn);
        }
    }
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned code)
{
    static const char ok[] = "{\"status\":\"ok\"}";
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(sizeof ok - 1, (void *)ok, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result r = MHD_queue_response(conn, code, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_len, void **state)
{
    (void)cls, (void)url, (void)method, (void)version;
    raw_req *r = *state;
    if (r == NULL) {
        *state = r = calloc(1, sizeof *r);
        if (r == NULL)
            return MHD_NO;
        r->conn = conn;
        return MHD_YES;
    }
    if (*upload_len > 0) {
        if (r->len + *upload_len > RAW_MAX_BODY)
            return reply(conn, MHD_HTTP_CONTENT_TOO_LARGE);
        if (r->len + *upload_len > r->cap) {
            size_t cap = (r->len + *upload_len) * 2;
            char *grown = realloc(r->body, cap);
            if (grown == NULL)
                return MHD_NO;
            r->body = grown;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload, *upload_len);
        r->len += *upload_len;
        *upload_len = 0;
        return MHD_YES;
    }
    if (!r->queued) { /* the whole body is here: queue it, wait for the commit */
        pthread_mutex_lock(&lock);
        if (stopping) { /* the writer may be gone: nothing would resume it */
            pthread_mutex_unlock(&lock);
            return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE);
        }
        r->queued = 1;
        atomic_fetch_add(&suspended, 1);
        MHD_suspend_connection(conn);
        if (tail)
            tail->next = r;
        else
            head = r;
        tail = r;
        pthread_cond_signal(&wake);
        pthread_mutex_unlock(&lock);
        return MHD_YES;
    }
    settle(r);
    return reply(conn, r->stored ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)conn, (void)why;
    raw_req *r = *state;
    if (r != NULL) {
        settle(r);
        free(r->body);
        free(r);
    }
    *state = NULL;
}

int raw_http_start(const char *db_path, int *port)
{
    if (sqlite3_open(db_path, &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS deliveries(id INTEGER PRIMARY KEY, body BLOB)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    stopping = 0;
    stored_count = 0;
    if (pthread_create(&writer, NULL, writer_main, NULL) != 0)
        return -1;
    struct sockaddr_in loopback = {.sin_family = AF_INET};
    loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    daemon_ = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
        on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&loopback,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)4, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_END);
    if (daemon_ == NULL)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    return *port > 0 ? 0 : -1;
}

long raw_http_stop(void)
{
    /* libmicrohttpd aborts when stopped with a connection suspended: the
       writer answers what is queued and nothing is queued after, then
       the resumed ones are given up to two seconds to be answered. */
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(writer, NULL);
    struct timespec tick = {0, 1000000};
    for (int i = 0; i < 2000 && atomic_load(&suspended) > 0; i++)
        nanosleep(&tick, NULL);
    MHD_stop_daemon(daemon_);
    daemon_ = NULL;
    sqlite3_close(db);
    db = NULL;
    return stored_count;
}
