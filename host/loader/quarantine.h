/*
 * Plugin quarantine. A plugin whose call never returned because the host
 * died in it (call_marker.h) is quarantined when serve starts again: a
 * record <state>/quarantine/NAME.txt names the plugin file (path and
 * mtime), the call, the tenant and channel. While the record stands and
 * the file is the one that crashed, serve opens that plugin's channels
 * as stopped (a stand-in table that calls nothing: no webhook, poll,
 * stock push or note; notes stay queued) and health and `plugin list`
 * show why. `shopledger plugin retry NAME` removes the record; so does a
 * new NAME.so (another mtime or path). Either takes effect when serve
 * next starts. The state directory is $SHOPLEDGER_STATE, else ./var.
 */
#ifndef SL_LOADER_QUARANTINE_H
#define SL_LOADER_QUARANTINE_H

#include <stddef.h>

#include "loader/loader.h"

#define QUARANTINE_REASON_MAX 512

/* $SHOPLEDGER_STATE or "var". */
const char *quarantine_state_dir(void);
/* Creates the state directory if needed; SL_EIO naming it. */
int quarantine_prepare(const char *state_dir, sl_error *err);
/* Reads the marker files of processes that are gone, quarantines each
   plugin found in a call (logged) and removes those files. Returns how
   many plugins it quarantined. */
int quarantine_collect(const char *state_dir);
/* 1 with the reason when plugin `name` at `file` is quarantined; 0 when
   not, or when the record is for another file (then the record is
   removed: a new file lifts it). */
int quarantine_find(const char *state_dir, const char *name, const char *file, char *reason,
                    size_t n);
/* Removes NAME's record: SL_OK, SL_ENOTFOUND when there is none. */
int quarantine_lift(const char *state_dir, const char *name, sl_error *err);
/* Makes serve check quarantine when it opens channels (runtime.c); NULL
   (the default, every other command) opens every plugin. */
void quarantine_enable(const char *state_dir);
const char *quarantine_enabled(void);
/* The stopped stand-in for plugin `name`: opens and closes channels,
   calls nothing, answers report_status SL_ERETRY. Free with loader_free. */
loaded_plugin *quarantine_standin(const char *name, const char *file, const char *reason);
/* The reason of a stand-in, NULL for a real plugin. */
const char *quarantine_reason(const loaded_plugin *p);

#endif
