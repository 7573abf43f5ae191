/*
 * The child side of plugin check (see check.h). Internal to host/check.
 */
#ifndef SL_CHECK_PROBE_H
#define SL_CHECK_PROBE_H

#include "check/check.h"
#include "config/config.h"
#include "loader/loader.h"

void check_emit(int fd, const char *name, int ok, const char *detail);
void check_stage(int fd, const char *stage);

/* Runs every probe, emitting steps on fd. Returns the child's exit code. */
int check_probe_all(const check_options *opt, int fd);

/* What the probes' sink saw during one plugin call. */
typedef struct probe_sink {
    int orders;
    int cursors;
    int lists;
    int reports;
    int products;
    int results;                /* result_set calls (postal, gateway calls) */
    char last_parcel_id[64];    /* the last "parcel_id" result */
    char first_external_id[128];
    char first_error[256];
} probe_sink;

/* Runs the capability probes against a started sandbox (check_sandbox.c).
   Returns 1 when a sandbox for this plugin exists and ran, 0 when none. */
int check_sandbox_probes(const check_options *opt, const loaded_plugin *p, int fd);

/* Opens a channel of `p` on `ch`; shared by both probe files. */
int check_open_channel(const loaded_plugin *p, const config_channel *ch,
                       config_tenant *tenant, sl_ctx **ctx, void **state,
                       probe_sink *seen, sl_error *err);
/* Probes parse_webhook with hostile bodies on an open channel. */
void check_webhook_probes(const loaded_plugin *p, sl_ctx *ctx, void *state,
                          probe_sink *seen, int fd);

#endif
