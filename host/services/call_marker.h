/*
 * Plugin call markers: while `serve` runs, each thread that calls plugins
 * has a slot in a small file mapped into memory (MAP_SHARED). The call
 * bracket (services_call_begin / services_call_end) fills the slot and
 * sets in_call before the plugin runs and clears it after, with plain
 * stores: no system call per call. A process that dies inside a plugin
 * (SIGSEGV, abort) leaves in_call set in the file (the kernel keeps the
 * pages of a dead process's shared mapping), and the next start reads
 * which tenant, channel, plugin file and call it was (loader/quarantine.c).
 * A handler for the fatal signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGABRT) also writes the signal into the slot of the thread that took
 * it, then lets the signal kill the process as before: with several calls
 * in flight, the one that crashed is told from the bystanders.
 * A machine crash can lose the marker (the file is never flushed): that
 * costs a quarantine, not data.
 */
#ifndef SL_CALL_MARKER_H
#define SL_CALL_MARKER_H

#include <stdatomic.h>
#include <stdint.h>

#define CALL_MARKER_MAGIC 0x534c4d32u /* "SLM2": this layout */
#define CALL_MARKER_SLOTS 128         /* threads that get a slot; more go unmarked */
#define CALL_MARKER_PREFIX "plugin-calls-"

typedef struct call_marker {
    uint32_t magic;
    atomic_uint in_call;       /* 1 from begin to end of a call */
    atomic_int crashed_signal; /* the fatal signal this thread took in the call */
    int64_t plugin_mtime;      /* of the .so when the channel was opened */
    int64_t started_ms;
    char tenant[64];
    char channel[64];
    char plugin[64]; /* the INI's plugin name */
    char call[64];   /* the host function that made the call */
    char file[256];  /* the .so's path */
} call_marker;

/* Maps `path` (created or emptied) as this process's marker file and
   turns marking on; SL_EIO with the reason. Call before threads start. */
struct sl_error;
int services_markers_open(const char *path, struct sl_error *err);
/* Turns marking off, unmaps and removes the file (a clean stop leaves no
   marker behind). Call after every plugin-calling thread stopped. */
void services_markers_close(void);

#endif
