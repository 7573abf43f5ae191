/*
 * The call markers (call_marker.h). Each thread takes a slot on its first
 * marked call and keeps it; a slot is rewritten only when the thread's
 * context or call changes, so a thread serving one channel pays two
 * stores and a clock read per call.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "services/call_marker.h"
#include "services/ctx_internal.h"
#include "shopledger/sdkutil.h"

static call_marker *_Atomic markers; /* NULL: marking is off */
static char markers_path[4096];
static atomic_int next_slot;

static _Thread_local int my_slot = -1; /* -2: no slot left for this thread */
static _Thread_local uint64_t my_ctx;  /* serial of the context in the slot */
static _Thread_local const char *my_call;

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#define FATAL_SIGNALS (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction previous[FATAL_SIGNALS];

/* Async-signal-safe: a store into this thread's slot, then the previous
   disposition again and the signal re-raised (SA_RESETHAND restored the
   default; a handler installed before ours, e.g. a sanitizer's, is put
   back and runs). */
static void on_fatal_signal(int sig)
{
    call_marker *m = atomic_load_explicit(&markers, memory_order_relaxed);
    if (m != NULL && my_slot >= 0 && atomic_load(&m[my_slot].in_call) == 1)
        atomic_store(&m[my_slot].crashed_signal, sig);
    for (size_t i = 0; i < FATAL_SIGNALS; i++)
        if (fatal_signals[i] == sig)
            sigaction(sig, &previous[i], NULL);
    raise(sig);
}

static void catch_fatal_signals(int on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (size_t i = 0; i < FATAL_SIGNALS; i++) {
        if (on)
            sigaction(fatal_signals[i], &sa, &previous[i]);
        else
            sigaction(fatal_signals[i], &previous[i], NULL);
    }
}

int services_markers_open(const char *path, sl_error *err)
{
    size_t bytes = CALL_MARKER_SLOTS * sizeof(call_marker);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return sl_error_set(err, SL_EIO, "state_dir", "cannot create %s: %s", path,
                            strerror(errno));
    void *m = MAP_FAILED;
    if (ftruncate(fd, (off_t)bytes) == 0)
        m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int saved = errno;
    close(fd);
    if (m == MAP_FAILED) {
        unlink(path);
        return sl_error_set(err, SL_EIO, "state_dir", "cannot map %s: %s", path, strerror(saved));
    }
    snprintf(markers_path, sizeof markers_path, "%s", path);
    atomic_store(&next_slot, 0);
    atomic_store(&markers, (call_marker *)m);
    catch_fatal_signals(1);
    return SL_OK;
}

void services_markers_close(void)
{
    call_marker *m = atomic_exchange(&markers, NULL);
    if (m == NULL)
        return;
    catch_fatal_signals(0);
    munmap(m, CALL_MARKER_SLOTS * sizeof(call_marker));
    unlink(markers_path);
}

static void copy_text(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

void services_mark_call(const sl_ctx *ctx, const char *call)
{
    call_marker *m = atomic_load_explicit(&markers, memory_order_acquire);
    if (m == NULL || my_slot == -2)
        return;
    if (my_slot == -1) {
        int slot = atomic_fetch_add(&next_slot, 1);
        my_slot = slot < CALL_MARKER_SLOTS ? slot : -2;
        my_ctx = 0;
        if (my_slot == -2)
            return;
    }
    call_marker *c = &m[my_slot];
    if (ctx->serial != my_ctx || call != my_call) {
        c->magic = CALL_MARKER_MAGIC;
        copy_text(c->tenant, sizeof c->tenant, ctx->tenant ? ctx->tenant->id : NULL);
        copy_text(c->channel, sizeof c->channel, ctx->channel ? ctx->channel->name : NULL);
        copy_text(c->plugin, sizeof c->plugin, ctx->channel ? ctx->channel->plugin : NULL);
        copy_text(c->call, sizeof c->call, call);
        copy_text(c->file, sizeof c->file, ctx->plugin_file);
        c->plugin_mtime = ctx->plugin_mtime;
        my_ctx = ctx->serial;
        my_call = call;
    }
    c->started_ms = services_now_ms();
    atomic_store_explicit(&c->in_call, 1, memory_order_release);
}

void services_unmark_call(void)
{
    call_marker *m = atomic_load_explicit(&markers, memory_order_acquire);
    if (m != NULL && my_slot >= 0)
        atomic_store_explicit(&m[my_slot].in_call, 0, memory_order_release);
}
