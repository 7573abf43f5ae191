/*
 * `shopledger serve [--listen ADDR:PORT] [--admin-listen ADDR:PORT]
 *  [--port-file PATH] [--admin-port-file PATH] [--tick-ms N]
 *  [--max-body BYTES] [--scheduler-threads N] [--writer-threads N]
 *  [--no-scheduler]`: runs the server for every tenant
 *  in --conf that can run; a broken tenant file is logged and left out
 *  (server.h). --max-body is the webhook body limit
 *  (SERVER_MAX_BODY_DEFAULT, 16 MiB, unless given; at most ORDER_MAX_RAW,
 *  the raw payload an order may keep).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/config.h"
#include "order/order.h"
#include "server/server.h"
#include "shopledger/options.h"

static int value_of(int argc, char **argv, int *i, const char **out)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "shopledger serve: %s needs a value\n", argv[*i]);
        return -1;
    }
    *out = argv[++*i];
    return 0;
}

int cli_serve(int argc, char **argv, const cli_globals *g)
{
    server_options opt = {.plugin_dir = g->plugin_dir,
                          .max_body = SERVER_MAX_BODY_DEFAULT,
                          .idle_close_ms = SERVER_IDLE_CLOSE_DEFAULT_MS};
    const char *tick = NULL, *max_body = NULL, *workers = NULL, *writers = NULL;
    const char *deadline = NULL, *idle_close = NULL;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (strcmp(argv[i], "--listen") == 0)
            bad = value_of(argc, argv, &i, &opt.listen);
        else if (strcmp(argv[i], "--admin-listen") == 0)
            bad = value_of(argc, argv, &i, &opt.admin_listen);
        else if (strcmp(argv[i], "--admin-port-file") == 0)
            bad = value_of(argc, argv, &i, &opt.admin_port_file);
        else if (strcmp(argv[i], "--port-file") == 0)
            bad = value_of(argc, argv, &i, &opt.port_file);
        else if (strcmp(argv[i], "--tick-ms") == 0)
            bad = value_of(argc, argv, &i, &tick);
        else if (strcmp(argv[i], "--max-body") == 0)
            bad = value_of(argc, argv, &i, &max_body);
        else if (strcmp(argv[i], "--scheduler-threads") == 0)
            bad = value_of(argc, argv, &i, &workers);
        else if (strcmp(argv[i], "--read-deadline") == 0)
            bad = value_of(argc, argv, &i, &deadline);
        else if (strcmp(argv[i], "--writer-threads") == 0)
            bad = value_of(argc, argv, &i, &writers);
        else if (strcmp(argv[i], "--idle-close") == 0)
            bad = value_of(argc, argv, &i, &idle_close);
        else if (strcmp(argv[i], "--no-scheduler") == 0)
            opt.no_scheduler = 1;
        else
            bad = 1;
        if (bad) {
            fprintf(stderr, "usage: shopledger serve [--listen ADDR:PORT] "
                            "[--admin-listen ADDR:PORT] [--port-file PATH] "
                            "[--admin-port-file PATH] [--tick-ms N] [--max-body BYTES] "
                            "[--scheduler-threads N] [--writer-threads N] "
                            "[--read-deadline DURATION] [--idle-close DURATION] "
                            "[--no-scheduler]\n");
            return CLI_USAGE;
        }
    }
    if (tick != NULL) {
        char *end;
        long long v = strtoll(tick, &end, 10);
        if (*end != '\0' || v < 10 || v > 3600000) {
            fprintf(stderr, "shopledger serve: --tick-ms must be 10..3600000\n");
            return CLI_USAGE;
        }
        opt.tick_ms = v;
    }
    if (workers != NULL) {
        char *end;
        long long v = strtoll(workers, &end, 10);
        if (*end != '\0' || v < 1 || v > SERVER_SCHEDULER_THREADS_MAX) {
            fprintf(stderr, "shopledger serve: --scheduler-threads must be 1..%d\n",
                    SERVER_SCHEDULER_THREADS_MAX);
            return CLI_USAGE;
        }
        opt.scheduler_threads = (int)v;
    }
    if (deadline != NULL) {
        sl_error derr = {.size = sizeof derr};
        if (sl_parse_duration("--read-deadline", deadline, SERVER_READ_DEADLINE_MIN_MS,
                              SERVER_READ_DEADLINE_MAX_MS, &opt.read_deadline_ms, &derr) != SL_OK) {
            fprintf(stderr, "shopledger serve: %s\n", derr.message);
            return CLI_USAGE;
        }
    }
    if (idle_close != NULL) {
        sl_error derr = {.size = sizeof derr};
        if (sl_parse_duration("--idle-close", idle_close, 0, SERVER_IDLE_CLOSE_MAX_MS,
                              &opt.idle_close_ms, &derr) != SL_OK) {
            fprintf(stderr, "shopledger serve: %s\n", derr.message);
            return CLI_USAGE;
        }
    }
    if (writers != NULL) {
        char *end;
        long long v = strtoll(writers, &end, 10);
        if (*end != '\0' || v < 1 || v > SERVER_WRITER_THREADS_MAX) {
            fprintf(stderr, "shopledger serve: --writer-threads must be 1..%d\n",
                    SERVER_WRITER_THREADS_MAX);
            return CLI_USAGE;
        }
        opt.writer_threads = (int)v;
    }
    if (max_body != NULL) {
        char *end;
        long long v = strtoll(max_body, &end, 10);
        if (*end != '\0' || v < 1024 || v > (long long)ORDER_MAX_RAW) {
            fprintf(stderr, "shopledger serve: --max-body must be 1024..%u bytes\n", ORDER_MAX_RAW);
            return CLI_USAGE;
        }
        opt.max_body = (size_t)v;
    }
    config_set *cfg = NULL;
    sl_error err = {.size = sizeof err};
    opt.conf_dir = g->conf_dir;
    /* Partial: a broken file is logged by serve and stops only its tenant. */
    if (config_load_dir_partial(g->conf_dir, &cfg, NULL, &err) != SL_OK) {
        fprintf(stderr, "shopledger serve: %s\n", err.message);
        return CLI_FAIL;
    }
    int r = server_run(cfg, &opt, &err);
    if (r != 0)
        fprintf(stderr, "shopledger serve: %s\n", err.message);
    config_set_free(cfg);
    return r == 0 ? CLI_OK : CLI_FAIL;
}
