/*
 * The conformance kit behind `shopledger plugin check`: loads a plugin in a
 * child process (a plugin that crashes must not take the checker with it;
 * the crash is reported with the stage it happened in), validates its
 * tables, probes its declared capabilities with hostile and empty input,
 * and, where a sandbox for the plugin exists, runs each declared capability
 * against it.
 */
#ifndef SL_CHECK_H
#define SL_CHECK_H

#include <jansson.h>

typedef struct check_options {
    const char *plugin_path;
    const char *sandbox_dir; /* where sandbox binaries live; NULL = none */
    const char *data_dir;    /* what a spec's {source} stands for: the tree
                                its sandbox data paths start from (the
                                source tree in a build, PREFIX/share/shopledger
                                when installed); NULL = the source tree */
    int timeout_s;           /* for the whole check; default 120 */
} check_options;

/* Runs the check; *report receives a JSON object
   {"plugin":..., "passed":bool, "steps":[{"name","ok","detail"}...]}.
   Returns 0 when every step passed, 1 otherwise. */
int check_run(const check_options *opt, json_t **report);

#endif
