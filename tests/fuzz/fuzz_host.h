/*
 * The fake sl_host of the connector unit tests (tests/unit/test_woo_host.h,
 * reused as is) for libFuzzer targets, which have no cmocka: its two
 * assertion macros abort instead. Adds what every connector target needs:
 * a channel opened once with fixed settings, one canned HTTP answer for
 * whatever the plugin asks (the input under test), and a reset of what the
 * fake host records after each input so memory stays flat over millions
 * of runs.
 */
#ifndef SL_FUZZ_HOST_H
#define SL_FUZZ_HOST_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define assert_non_null(x) ((x) != NULL ? (void)0 : abort())
#define assert_true(x) ((x) ? (void)0 : abort())

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "test_woo_host.h"
#pragma GCC diagnostic pop

/* The answer fuzz_route gives: status (0 = 200), body bytes (the fake host
   hands a body on as a C string, so a NUL ends it), one optional header;
   after `first` requests (0 = no limit) the body `end` instead, so a
   listing that pages on its own answers ends. Set before each call. */
typedef struct fuzz_answer {
    int status;
    const char *body;
    size_t len;
    const char *header_name, *header_value;
    int first, answered;
    const char *end;
} fuzz_answer;

static fuzz_answer g_fuzz_answer;

static inline int fuzz_route(sl_ctx *c, const json_t *req, fake_resp *out)
{
    (void)c, (void)req;
    fuzz_answer *a = &g_fuzz_answer;
    int past = a->first > 0 && a->answered++ >= a->first;
    const char *body = past ? a->end : a->body;
    size_t len = past ? strlen(a->end) : a->len;
    out->status = a->status ? a->status : 200;
    out->body = calloc(1, len + 1);
    if (out->body == NULL)
        abort();
    if (len > 0)
        memcpy(out->body, body, len);
    if (g_fuzz_answer.header_name != NULL)
        out->headers = json_pack("{s:s}", g_fuzz_answer.header_name, g_fuzz_answer.header_value);
    return 0;
}

/* Opens plugin p's channel on f with `config` and `secrets` (both taken)
   and answers its HTTP with fuzz_route; aborts when the channel refuses
   the settings, as that is a broken target, not a finding. */
static inline void fuzz_open(woo_fixture *f, const sl_plugin *p, const sl_host *host,
                             json_t *config, json_t *secrets)
{
    woo_ctx_init(&f->ctx, "unused");
    json_decref(f->ctx.config);
    json_decref(f->ctx.secrets);
    f->ctx.config = config;
    f->ctx.secrets = secrets;
    f->ctx.route = fuzz_route;
    f->p = p;
    f->err = (sl_error){.size = sizeof f->err};
    f->state = NULL;
    int rc = p->channel_open(host, &f->ctx, &f->state, &f->err);
    fake_end_call(&f->ctx);
    if (rc != SL_OK) {
        fprintf(stderr, "channel_open: %s\n", f->err.message);
        abort();
    }
}

/* The error contract of sdk.h, checked after every plugin call: a status
   of enum sl_status; on failure err->code is that status and the message
   says what went wrong; SL_EINVALID names the field (`need_field`); on
   success the record is untouched; SL_EINTERNAL is a bug by definition.
   A broken contract aborts, so libFuzzer keeps the input. */
static inline int fuzz_check(int rc, const sl_error *err, int need_field)
{
    const char *why = NULL;
    if (rc > SL_OK || rc < SL_EBANNED)
        why = "status outside enum sl_status";
    else if (rc == SL_OK && (err->code != 0 || err->message[0] != '\0'))
        why = "error record written on success";
    else if (rc != SL_OK && err->code != rc)
        why = "err->code differs from the returned status";
    else if (rc != SL_OK && err->message[0] == '\0')
        why = "failure without a message";
    else if (rc == SL_EINVALID && need_field && err->field[0] == '\0')
        why = "SL_EINVALID without err->field";
    else if (rc == SL_EINTERNAL)
        why = "SL_EINTERNAL";
    if (why != NULL) {
        fprintf(stderr, "error contract: %s (rc %d, code %d, field \"%s\", message \"%s\")\n", why,
                rc, err->code, err->field, err->message);
        abort();
    }
    return rc;
}

/* Forgets what the fake host recorded for the last input. */
static inline void fuzz_reset(woo_fixture *f)
{
    fake_end_call(&f->ctx);
    json_t *rec[] = {f->ctx.orders, f->ctx.cursors,  f->ctx.reports,
                     f->ctx.lists,  f->ctx.requests, f->ctx.logs};
    for (size_t i = 0; i < sizeof rec / sizeof rec[0]; i++)
        json_array_clear(rec[i]);
    f->err = (sl_error){.size = sizeof f->err};
}

/* The input up to its first newline (at most cap-1 bytes, NULs cut it) in
   line, and the rest after it in *rest and *rest_len; no newline: the line is
   empty and the rest is everything. */
static inline void fuzz_split_line(const uint8_t *data, size_t size, char *line, size_t cap,
                                   const char **rest, size_t *rest_len)
{
    const uint8_t *nl = memchr(data, '\n', size);
    line[0] = '\0';
    *rest = (const char *)data;
    *rest_len = size;
    if (nl == NULL)
        return;
    size_t n = (size_t)(nl - data);
    if (n >= cap)
        n = cap - 1;
    memcpy(line, data, n);
    line[n] = '\0';
    *rest = (const char *)nl + 1;
    *rest_len = size - (size_t)(nl - data) - 1;
}

#endif
