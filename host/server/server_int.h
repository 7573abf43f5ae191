/*
 * Shared internals of the server files: the per-tenant state, the intake
 * queue the HTTP threads and the scheduler feed, and the writer thread.
 */
#ifndef SL_SERVER_INT_H
#define SL_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include <microhttpd.h>

#include "inbox/inbox.h"
#include "intake/intake.h"
#include "order/order.h"
#include "server/read_deadline.h"
#include "payments/payments.h"
#include "runtime/runtime.h"
#include "server/admin_throttle.h"
#include "server/pool.h"
#include "server/server.h"

#define INTAKE_MAX_ORDERS 64      /* one webhook delivery */
#define POLL_MAX_PAGE_ORDERS 1000 /* orders between two cursor commits */
#define WRITER_BATCH_JOBS 256     /* jobs per group commit */
#define WRITER_IDLE_WAKE_MS 1000  /* idle writer looks for due retries */
#define FILE_AT_ONCE_MAX 8        /* a batch this small, no burst: no queue */
#define HTTP_THREADS 4            /* libmicrohttpd's thread pool */
#define HOOK_LANES HTTP_THREADS   /* parsing contexts per webhook channel */

typedef struct hook_lane hook_lane;

/* Remote work of a channel that an admin may ask for: it runs on the
   scheduler thread, never on an HTTP thread (a hanging shop would hold
   one). channel_runs.c keeps the record below under its own lock. */
enum channel_job { CHANNEL_POLL, CHANNEL_SYNC, CHANNEL_JOBS };

typedef struct channel_run {
    long requested; /* number of the last admin request */
    long covered;   /* request number the running (or last) run covers */
    long finished;  /* request number covered by the last finished run */
    int running;
    int64_t started_ms, ended_ms; /* of the last run, 0 before the first */
    int rc;                       /* SL_OK or the last run's failure */
    char error[SL_ERROR_MSG_MAX];
    json_t *report; /* stock sync: the last run's report (owned) */
} channel_run;

/* A unit of intake: the orders of one delivery (or of one poll page with
   its cursor). The submitter waits until `done`. */
typedef struct intake_job {
    order **orders;          /* malloc'd array */
    inbox_arrival *arrivals; /* orders[i] prepared, same count */
    size_t count, cap;
    char *cursor; /* poll cursor to save with the orders */
    /* Authentic input that did not map, stored beside the orders (a
       delivery whose parse failed, polled orders the builder refused). */
    inbox_failed_input **failed;
    size_t failed_count, failed_cap;
    /* A webhook delivery acknowledged before parsing (its plugin has
       verify_webhook): the bytes go to the deliveries log and the writer
       parses them after the commit (deferred.c). Owned copies. */
    char *delivery_headers; /* JSON object text, credentials dropped */
    char *delivery_body;
    size_t delivery_len;
    int has_delivery;
    const char *channel;
    int done;
    int rc; /* SL_OK when committed */
    sl_error err;
    /* Asynchronous submitters: called by the writer after the commit,
       outside its lock; from then on the submitter owns the job. */
    void (*notify)(struct intake_job *job);
    void *notify_data;
    struct intake_job *next;
} intake_job;

/* What health shows of a channel (admin_health.c); times in ms, 0 never. */
typedef struct channel_note {
    atomic_llong last_webhook_ms, last_poll_ms;
    int64_t last_error_ms; /* with last_error: under notes.lock */
    char last_error[SL_ERROR_MSG_MAX + 32];
} channel_note;

typedef struct tenant_notes {
    pthread_mutex_t lock;     /* the texts and the non-atomic fields */
    atomic_int store_failing; /* the writer's last commit failed */
    char store_error[SL_ERROR_MSG_MAX];
    int64_t store_error_ms;
    int disk_full;
    channel_note channels[CONFIG_MAX_CHANNELS];
} tenant_notes;

/* An admin's pay link request (pay_links.c): run by the scheduler, kept
   for GET until PAY_LINKS_KEPT newer ones replaced it. */
#define PAY_LINKS_KEPT 32
typedef struct pay_link_req {
    long n; /* 0: a free slot */
    int running, done;
    char channel[64], external_id[128], via[64];
    int rc;
    char error[SL_ERROR_MSG_MAX];
    pay_link_result result;
} pay_link_req;

/* The intake queue between the submitters (HTTP threads, scheduler
   workers) and the tenant's writer task, and the committed batches
   waiting for the syncer task: all under `lock`. */
typedef struct tenant_queue {
    pthread_mutex_t lock;
    pthread_cond_t done; /* submitters: a batch committed */
    intake_job *head, *tail;
    int stopping;                      /* no new jobs (writer_stop) */
    intake_job *sync_head, *sync_tail; /* committed, not yet flushed */
} tenant_queue;

/* The writer task (writer.c, deferred.c): the group commit, then parsing,
   filing and booking. Owner: the pool thread running `task`, one at a
   time; nothing else touches these fields. */
typedef struct tenant_writer {
    pool_task task;
    int64_t idle_close_ms;   /* server_options: 0 keeps rt->db open */
    int flush_full;          /* synchronous=FULL now */
    int64_t last_slice_ms;   /* deferred.c */
    int64_t items_pending;   /* filed, not booked (estimate) */
    int64_t window_start_ms; /* intake rate windows */
    long window_count, window_prev;
} tenant_writer;

/* The parse task (parse_stage.c) on the parser pool: one batch of logged
   deliveries out at a time. Under `lock`: state; rows, parsed, count and
   ready belong to the parse task while state is busy, to the writer
   otherwise; after_id and pause_until_ms are the writer's. */
typedef struct tenant_parser {
    pool_task task;
    pthread_mutex_t lock;
    int state; /* parse_stage.c: idle, busy (the task has it), done */
    inbox_delivery_row *rows;
    intake_parsed *parsed;
    int count, ready;       /* rows handed; the first `ready` parsed */
    int64_t after_id;       /* the next batch starts after this id */
    int64_t pause_until_ms; /* a batch filed nothing: not before then */
    int started;
} tenant_parser;

/* The syncer task (syncer.c): flushes the WAL, then answers. Owner: the
   pool thread running `task`; flush_count is read by health. */
typedef struct tenant_syncer {
    pool_task task;
    int enabled;             /* 0: no WAL file, intake commits flush themselves */
    int wal_fd;              /* -1: opened by the next flush (after an idle close) */
    atomic_long unanswered;  /* jobs handed over, not answered yet */
    int flush_failed;        /* a flush failed: every later one fails too */
    atomic_long flush_count; /* WAL flushes made */
} tenant_syncer;

/* The checkpoint task (checkpoint.c) on the checkpointer pool, with its
   own connection while a checkpoint is due. Owner of db: the thread running `task`; the atomics are
   written by the writer's WAL hook and read by health. */
typedef struct tenant_ckpt {
    pool_task task;
    store *db;              /* opened when a checkpoint is due, closed after one finished */
    int started;            /* checkpoint_start ran (main thread) */
    atomic_int wanted;      /* the WAL passed CHECKPOINT_PAGES */
    atomic_int wal_pages;   /* after the writer's last commit */
    atomic_int backfilled;  /* of those, copied by the last checkpoint */
    atomic_llong page_size; /* the database's, read at open */
    atomic_llong last_commit_ms;
} tenant_ckpt;

/* The sizes and modification times of a tenant's database and WAL (0
   for a file that is not there): any commit changes one (scheduler.c). */
typedef struct store_files {
    int64_t size[2], mtime_ns[2];
} store_files;

/* The scheduler's due times of the tenant's channels (scheduler.c).
   Owner: the scheduler worker holding the tenant, one at a time. */
typedef struct tenant_schedule {
    int64_t next_poll_ms[CONFIG_MAX_CHANNELS];
    int64_t next_track_ms[CONFIG_MAX_CHANNELS];    /* postal channels */
    char last_sync_day[CONFIG_MAX_CHANNELS][16];   /* set once that day's sync went through */
    int64_t next_sync_try_ms[CONFIG_MAX_CHANNELS]; /* after a failed daily sync */
    int sync_failures[CONFIG_MAX_CHANNELS];
    int64_t next_pay_ms[CONFIG_MAX_CHANNELS]; /* next recovery pass of a gateway */
    int64_t next_prune_ms;                    /* the deliveries log's retention (intake.h) */
    int64_t next_outbox_ms;                   /* 0: look now; else the earliest row due */
    store_files files;                        /* as after the last look (files_seen) */
    int files_seen;
    int64_t released_ms; /* last_active_ms when the contexts were released */
} tenant_schedule;

/* A served tenant. Each kind of thread's state is its own member with its
   owner stated above; what is left here is set at open and read-only
   after (rt, channel_locks, hook_lanes, admin_token), atomics, or under
   its own lock (pay_links, runs, notes).

   Residency: a tenant's config, plugins and channel states stay loaded
   while serving, but what costs memory and descriptors per tenant (SQLite
   connections with their schema and page cache, the WAL descriptor, the
   channels' state and HTTP connections) is held only while the tenant is
   active. Each is opened by its owner on first need and given back by the
   same owner once the tenant has been idle for idle_close_ms
   (last_active_ms): the writer its rt->db and the syncer's descriptor
   (writer.c), the scheduler its own connection and, under the channel and
   lane locks, the contexts' (scheduler.c); the checkpointer already holds
   its connection only for a checkpoint. A delivery to an idle tenant
   costs one store open (milliseconds). Due times that need no store stay
   in memory (tenant_schedule, the writer's wake for its next retry), so
   an idle tenant is not visited on disk every tick. */
typedef struct server_tenant {
    runtime_tenant *rt;             /* plugins + the writer's store (rt->db NULL while idle) */
    pthread_mutex_t *channel_locks; /* one per rt->channels[i] */
    hook_lane *hook_lanes;          /* HOOK_LANES per channel: hook_lanes.c */
    const char *admin_token;
    tenant_queue queue;
    tenant_writer writer;
    tenant_parser parser;
    tenant_syncer syncer;
    tenant_ckpt ckpt;
    tenant_schedule sched;
    atomic_long intake_count, processed_count, failed_count;
    atomic_long arrivals_waiting;   /* committed, not yet filed (estimate) */
    atomic_long deliveries_waiting; /* logged, not yet parsed (estimate) */
    atomic_int pay_wanted;          /* a buyer returned: run the gateway passes now */
    atomic_llong last_active_ms;    /* a delivery, a commit, booking, scheduled work */
    atomic_int outbox_poke;         /* the writer booked: the scheduler looks at the outbox */
    pay_link_req pay_links[PAY_LINKS_KEPT]; /* pay_links.c, under its lock */
    long pay_links_next;
    channel_run runs[CONFIG_MAX_CHANNELS][CHANNEL_JOBS]; /* channel_runs.c */
    tenant_notes notes;                                  /* admin_health.c */
} server_tenant;

/* Notes that the tenant is active now (any thread; writer.c). */
void server_tenant_touch(server_tenant *st);
/* Whether the tenant has been idle for --idle-close at now_ms (never when
   it is 0), so its owners give back what they hold (any thread). */
int server_tenant_resting(server_tenant *st, int64_t now_ms);

/* One listener: the webhook one or the admin API's (server.c). */
typedef struct http_front {
    struct server_state *s;
    int admin;
    struct MHD_Daemon *mhd;
} http_front;

/* A tenant serve does not run from its current file (tenants.c). */
typedef struct server_broken {
    char *id; /* NULL when the file gave none */
    char *file;
    char *admin_token; /* who may read the error in health; may be NULL */
    char *error;       /* "FILE:LINE: ..." */
    int running;       /* still runs on its last good configuration */
} server_broken;

typedef struct server_state {
    const config_set *cfg;
    const server_options *opt;
    /* Tenant slots in chunks of SERVER_TENANT_CHUNK, allocated as tenants
       start and never moved or freed while serving (server_tenant_at). */
    server_tenant **tenant_chunks;
    _Atomic size_t tenant_count; /* raised when a started slot is complete */
    /* Tenant ids to slots (tenants.c): open addressing over
       SERVER_TENANT_INDEX slots, each 0 or slot + 1, written by the main
       thread before the slot is published, read by any thread. */
    atomic_size_t *tenant_index;
    pthread_mutex_t broken_lock; /* guards broken, broken_count */
    server_broken *broken;
    size_t broken_count;
    config_set **sets; /* reloaded sets running tenants came from */
    size_t set_count;
    const char *listen_text; /* the webhook listener, as configured */
    http_front hooks_front, admin_front;
    admin_throttle throttle; /* wrong admin tokens per address */
    read_deadline reads;     /* both listeners' connections (read_deadline.h) */
    atomic_int stopping;
    atomic_int suspended;         /* deliveries waiting for their commit */
    pthread_mutex_t suspend_lock; /* with suspend_done: the stop waits */
    pthread_cond_t suspend_done;  /* suspended reached 0 */
    int suspend_closed;           /* under suspend_lock: the stop began, none may suspend */
    pthread_mutex_t sched_lock;   /* with sched_wake: the scheduler's pause */
    pthread_cond_t sched_wake;    /* broadcast at the stop, signalled for admin work */
    work_pool *writers;           /* every tenant's writer and syncer tasks */
    work_pool *parsers;           /* every tenant's parse task (parse_stage.c) */
    work_pool *checkpointer;      /* every tenant's checkpoint task, one thread */
    int sched_kick;               /* under sched_lock: run a tick now */
    int64_t started_ms;
} server_state;

/* Slot i (< tenant_count) of the running tenants: its chunk is complete
   before tenant_count is raised, so any thread may read it without a lock. */
#define SERVER_TENANT_CHUNK 64
#define SERVER_TENANT_INDEX (2 * CONFIG_MAX_TENANTS) /* at most half full */
static inline server_tenant *server_tenant_at(server_state *s, size_t i)
{
    return &s->tenant_chunks[i / SERVER_TENANT_CHUNK][i % SERVER_TENANT_CHUNK];
}

/* tenants.c: opens every tenant of cfg that can run, keeps the others as
   broken (logged); SL_EINVALID when not one can run. */
int server_tenants_start(server_state *s, const config_set *cfg, sl_error *err);
/* SIGHUP (main thread): re-reads opt->conf_dir, starts the tenants that
   were not running and now can, refreshes the broken list. */
void server_tenants_reload(server_state *s);
void server_tenants_close(server_state *s);
/* Is `id` a tenant serve knows but does not run (a webhook gets 503)? */
int server_tenant_broken(server_state *s, const char *id);
/* Does `given` match the admin token a broken tenant's file gave? */
int server_broken_token(server_state *s, const char *given,
                        int (*token_ok)(const char *given, const char *want));

/* hook_lanes.c: the contexts webhook deliveries are parsed in. take
   returns a locked lane of channel `ci` (NULL when the channel takes no
   webhooks); give unlocks it. */
int hook_lanes_open(server_tenant *st, sl_error *err);
void hook_lanes_close(server_tenant *st);
hook_lane *hook_lane_take(server_tenant *st, int ci);
runtime_channel *hook_lane_channel(hook_lane *lane);
void hook_lane_give(hook_lane *lane);
/* Gives back what the open lanes' contexts hold between calls
   (services_ctx_release), skipping a lane in use (scheduler). */
void hook_lanes_release(server_tenant *st);

/* syncer.c: flushes the WAL for intake commits and then answers them, a
   task on `pool` (writer_start/stop run it). Without a WAL file to open
   it does not run, and the writer commits intake with its own flush. */
int syncer_start(server_tenant *st, work_pool *pool, sl_error *err);
void syncer_stop(server_tenant *st);
int syncer_running(const server_tenant *st);
/* Hands a batch committed with synchronous=NORMAL over (writer thread). */
void syncer_submit(server_tenant *st, intake_job *batch);
/* Whether every batch handed over has been answered (writer task). */
int syncer_idle(server_tenant *st);
/* Closes the WAL descriptor (the writer is closing its connection, the
   syncer idle); the next flush opens it again. */
void syncer_release(server_tenant *st);

/* writer.c */
/* Answers a batch whose commit is durable (or failed): marks its jobs
   done and wakes their submitters. */
void writer_answer(server_tenant *st, intake_job *batch);
/* Starts the tenant's writer and syncer tasks on s->writers (its store
   open). writer_stop refuses new jobs, commits and answers what is
   queued (in the calling thread once the task is off the pool), and
   stops the syncer. */
int writer_start(struct server_state *s, server_tenant *st, sl_error *err);
void writer_stop(server_tenant *st);
/* Queues a job and waits for its commit; returns job->rc. */
int writer_submit(server_tenant *st, intake_job *job);
/* Queues a job whose job->notify runs after its commit (the webhook path:
   the connection is suspended meanwhile). SL_ERETRY when stopping, and
   then notify never runs. */
int writer_submit_async(server_tenant *st, intake_job *job);
void writer_request_processing(server_tenant *st);
/* writer.c (writer thread): puts the writer's connection in a flush mode:
   full 0 for commits whose flush can wait (intake, which the syncer
   flushes before answering; parsing and filing, made again from the
   deliveries on disk if a power cut loses them), 1 for the commits an
   outside effect follows (booking: the outbox acts on it). A FULL commit
   flushes the WAL up to its own end, the waiting commits before it too.
   SL_OK when the connection is in the wanted mode; SL_EUNSUPPORTED for
   0 without a syncer (the connection stays FULL). Only the PRAGMA of a
   change is run. */
int writer_flush_mode(server_tenant *st, int full);
/* deferred.c (writer thread): files and books between commits. Returns
   when to call again (services_now_ms() clock; a job arriving earlier
   also does), or 0 when nothing is left. */
int64_t writer_deferred_work(server_tenant *st);
/* parse_stage.c (writer thread): files the batch the parse task gave
   back and hands it the next; returns the deliveries filed, plus one
   when a batch went out (0: nothing to do until the parse task wakes the
   writer). idle: no batch is out. start with pool NULL parses in the
   writer (tests); stop after the writer task is off the pool. */
int parse_stage_step(server_tenant *st, int max);
int parse_stage_idle(server_tenant *st);
void parse_stage_start(server_tenant *st, work_pool *pool);
void parse_stage_stop(server_tenant *st);
/* Whether orders are arriving fast (the current and previous window). */
int writer_intake_heavy(server_tenant *st, int64_t now_ms);
/* Counts `orders` committed at now_ms (the intake rate the policy uses). */
void writer_count_intake(server_tenant *st, int64_t now_ms, long orders);
/* Whether deliveries wait in the queue for their commit. */
int writer_intake_waiting(server_tenant *st);
void intake_job_clear(intake_job *job);
/* Appends an order to a job (taking it); SL_ETOOBIG past `limit`. */
int intake_job_add(intake_job *job, order *o, size_t limit, sl_error *err);
/* Appends a failed input to a job (taking it, also on failure). */
int intake_job_add_failed(intake_job *job, inbox_failed_input *f, sl_error *err);
/* Makes the job a logged delivery: copies of the headers (JSON object
   text) and the body, appended to the deliveries log by the writer. */
int intake_job_set_delivery(intake_job *job, const char *headers, const char *body, size_t len,
                            sl_error *err);
/* Whether a job has anything for the writer to store. */
int intake_job_has_work(const intake_job *job);
/* Prepares every order's arrival (checks, canonical JSON, hash) in the
   calling thread, before the job is submitted: outside the channel lock,
   so deliveries to one channel are prepared in parallel. */
int intake_job_prepare(intake_job *job, sl_error *err);

/* The CLOCK_REALTIME deadline `ms` from now, for pthread_cond_timedwait
   (writer.c). */
struct timespec server_deadline_in(int64_t ms);

/* Names the calling thread (at most 15 bytes show), so `top -H` and
   /proc/PID/task tell the writer, checkpointer and scheduler apart. */
void server_name_thread(const char *name);

/* checkpoint.c: WAL checkpoints as a task on `pool` (the checkpointer)
   while serving (start after the writer's store is open; stop after the
   writer). */
int checkpoint_start(server_tenant *st, work_pool *pool, sl_error *err);
void checkpoint_stop(server_tenant *st);
/* The writer's connection st->rt->db opened (again) and about to close:
   its WAL hook is set and taken off (writer task, or before it runs). */
void checkpoint_attach(server_tenant *st);
void checkpoint_detach(server_tenant *st);
/* The most WAL pages the checkpointer lets gather before it copies them
   into the database: what a tenant's volume must keep free (twice that, in
   pages: the WAL and the database growing by as much). */
int64_t checkpoint_reserve_pages(void);

/* admin_storage.c: a tenant's storage as /admin/health shows it. */
typedef struct admin_storage_figures {
    int64_t database_bytes, wal_bytes, free_bytes, reserve_bytes;
    int low; /* free_bytes below reserve_bytes */
} admin_storage_figures;
/* Reads the sizes of `database` and its WAL and the free space of their
   volume (page_size: the database's, as checkpoint_start read it; 0 for
   SQLite's default); -1 when the volume cannot be read (figures 0). */
int admin_storage(const char *database, int64_t page_size, admin_storage_figures *out);

/* Index of a channel in st->rt, or -1. */
int server_channel_index(server_tenant *st, const char *name);
/* The running tenant with this id, or NULL (tenants.c: through the id
   index, any thread). */
server_tenant *server_find_tenant(server_state *s, const char *id);

/* hooks.c: POST /hooks/<tenant>/<channel>. A delivery that submitted
   orders waits for its group commit with the connection suspended (no
   thread is held): hooks_begin returns 1 with *pending set and the
   connection suspended; when MHD calls again after the writer resumed it,
   hooks_finish gives the reply and frees *pending. Otherwise hooks_begin
   returns 0 with the reply ready. */
typedef struct hook_call {
    intake_job job; /* first: freeing the call frees the job */
    server_tenant *st;
    int ci;
    struct MHD_Connection *conn;
} hook_call;
int hooks_begin(server_state *s, const char *url, const char *body, size_t len,
                struct MHD_Connection *conn, hook_call **pending, int *status, char **reply);
void hooks_finish(hook_call *hc, int *status, char **reply);
/* poll.c: one poll of one channel through the writer. */
int poll_channel(server_tenant *st, int channel_index, store *db, sl_error *err);
/* admin.c: /admin/...; returns the Retry-After seconds of a 429, else 0.
 *reply is malloc'd (the caller frees it), *reply_len its length and
 *content_type (static) its type: JSON unless a route says otherwise. */
int admin_handle(server_state *s, const char *method, const char *url, struct MHD_Connection *conn,
                 int *status, char **reply, size_t *reply_len, const char **content_type);
/* admin_pdf.c: is `rest` (the path after /admin/<tenant>/) documents/<ID>.pdf?
   Then 1 with *id. admin_pdf renders document id (one render at a time)
   into a malloc'd *pdf; SL_ENOTFOUND for an unknown id. */
int admin_pdf_route(const char *rest, int64_t *id);
int admin_pdf(server_tenant *st, store *db, int64_t id, unsigned char **pdf, size_t *len,
              sl_error *err);
/* admin_health.c: the notes health is made of, left by the thread that
   saw it (a delivery's answer, a poll's result, a commit's result) and
   GET /admin/health for the tenants whose token was given. */
void server_note_webhook(server_tenant *st, int channel_index, int status);
void server_note_poll(server_tenant *st, int channel_index, int rc, const sl_error *err);
void server_note_store(server_tenant *st, int rc, const sl_error *err);
json_t *admin_health(server_state *s, const char *given,
                     int (*token_ok)(const char *given, const char *want), int *status);
/* pay_route.c: GET or form POST /pay/<tenant>/<channel>/return, the
   buyer's return from a gateway; queues the HTML answer on conn. */
enum MHD_Result pay_route_answer(server_state *s, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *body, size_t len);
/* pay_links.c: POST /admin/<tenant>/pay-link records the request (the
   scheduler makes the gateway call) and returns its number, or 0 with err
   naming the field; GET /admin/<tenant>/pay-link/<n> reads it (NULL when
   unknown or replaced); the scheduler runs the waiting ones on `db`. */
long pay_link_request(server_state *s, server_tenant *st, const char *channel,
                      const char *external_id, const char *via, sl_error *err);
json_t *pay_link_json(server_tenant *st, long n);
void pay_links_run(server_tenant *st, store *db);
/* scheduler.c */
int scheduler_start(server_state *s, pthread_t *thread);
/* tenants.c, as tenant `slot` starts with its writer's store `db` open:
   the due times the scheduler keeps in memory (the outbox's first row
   due, the first retention batch). */
void scheduler_tenant_init(server_tenant *st, size_t slot, store *db);
/* An idle tenant's connection was closed (any thread): the scheduler
   hands freed memory back to the system soon after. */
void server_note_idle_close(void);
/* Wakes the scheduler for a tick now (any thread). */
void scheduler_kick(server_state *s);

/* channel_runs.c: admin requests for a channel's poll or stock sync and
   the outcome of the runs, read by the admin API (any thread). */
/* Records a request (the scheduler is woken) and returns its number. */
long channel_run_request(server_state *s, server_tenant *st, int ci, int job);
/* Scheduler: the number of the request a run now starting covers, or 0
   when no admin request waits; marks the job running either way. */
long channel_run_begin(server_tenant *st, int ci, int job, int64_t now_ms);
/* Scheduler: the run that began ended with rc (err when failed); report
   is taken (may be NULL). */
void channel_run_end(server_tenant *st, int ci, int job, int64_t now_ms, int rc,
                     const sl_error *err, json_t *report);
/* Whether an admin request waits for job (scheduler). */
int channel_run_wanted(server_tenant *st, int ci, int job);
/* {"channel", "poll": {...}, "stock_sync": {...}} (new reference). */
json_t *channel_runs_json(server_tenant *st, int ci);
/* Frees the reports (the scheduler, as it ends). */
void channel_runs_clear(server_tenant *st);
/* The pause after `failures` failed tries in a row: doubling from a base,
   capped, with up to a quarter of jitter spread by `salt`; a longer
   retry_after_ms (the remote's own) wins. */
int64_t scheduler_backoff_ms(int failures, int64_t retry_after_ms, int salt);
/* outbox sending for one tenant (the scheduler), through the tenant's
   gate of channels whose remote is down (NULL: none; outbox.h). */
typedef struct outbox_gate outbox_gate;
int server_send_outbox(server_tenant *st, store *db, outbox_gate *gate, int max, int *sent,
                       int *failed);
int server_sync_channel(server_tenant *st, int channel_index, store *db, json_t **report,
                        sl_error *err);

#endif
