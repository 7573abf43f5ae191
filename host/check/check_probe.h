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

#define PROBE_RESULTS_MAX 24

/* What the probes' sink saw during one plugin call. */
typedef struct probe_sink {
    int orders;
    int cursors;
    int lists;
    int reports;
    int products;
    char first_external_id[128];
    char first_error[256];
    /* result_set of the last gateway call (probe_results_clear before it);
       a key set twice keeps its last value */
    int results;
    char result_key[PROBE_RESULTS_MAX][32];
    char result_value[PROBE_RESULTS_MAX][256];
    int result_rows;     /* result_row calls (postal quotes, tracks) */
    char parcel_id[128]; /* the first "parcel_id" a create answered */
} probe_sink;

/* The value result_set gave `key` since the last clear, or NULL. */
const char *probe_result(const probe_sink *s, const char *key);
void probe_results_clear(probe_sink *s);

/* Runs the capability probes against a started sandbox (check_sandbox.c).
   Returns 1 when a sandbox for this plugin exists and ran, 0 when none. */
int check_sandbox_probes(const check_options *opt, const loaded_plugin *p, int fd);

/* Opens a channel of `p` on `ch`; shared by both probe files. */
int check_open_channel(const loaded_plugin *p, const config_channel *ch, config_tenant *tenant,
                       sl_ctx **ctx, void **state, probe_sink *seen, sl_error *err);
/* Runs a gateway plugin's payment slots against its sandbox (check_gateway.c):
   `gw` is the spec's "gateway" object with its placeholders expanded. */
void check_gateway_probes(const loaded_plugin *p, sl_ctx *ctx, void *state, const json_t *gw,
                          probe_sink *seen, int fd);
/* Probes parse_webhook with hostile bodies on an open channel. */
void check_webhook_probes(const loaded_plugin *p, sl_ctx *ctx, void *state, probe_sink *seen,
                          int fd);

#endif
