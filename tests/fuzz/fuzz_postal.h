/*
 * What the fuzz targets of postal connectors share (fuzz_asemanweb,
 * fuzz_foroutel, and the postal services to come): the parcel, tracking
 * and cancel params as JSON objects, result rows recorded and checked for
 * shape, and one input run through the slot its first line names, with
 * the error contract checked after it (fuzz_check).
 *
 * Input: a first line naming the call, "quote", "create", "track",
 * "cancel" or "check", optionally followed by an HTTP status ("track
 * 500"); the rest is the body every HTTP request is answered with.
 * Without such a line the whole input is a quote answer.
 */
#ifndef SL_FUZZ_POSTAL_H
#define SL_FUZZ_POSTAL_H

#include "fuzz_host.h"

struct sl_params {
    json_t *obj;
};

/* The target's fixture and the params its connector is called with. */
typedef struct fuzz_postal {
    woo_fixture f;
    sl_host host;
    sl_params parcel, track, cancel;
    size_t track_count; /* parcels in `track` */
    int track_exact;    /* 1: a successful track has a row per parcel; 0: at most */
    int utf8_results;   /* 1: every result value must be UTF-8 */
} fuzz_postal;

static json_t *g_postal_rows;
static int g_postal_utf8;

static inline const char *fuzz_postal_param(const sl_params *p, const char *k)
{
    return json_string_value(json_object_get(p->obj, k));
}

static inline int fuzz_postal_row(sl_ctx *c)
{
    (void)c;
    if (json_array_size(g_postal_rows) > 1000)
        abort(); /* a row per parcel or cost option at most: a runaway loop */
    json_array_append_new(g_postal_rows, json_object());
    return SL_OK;
}

/* A result is text under a non-empty key, whatever the answer held, and
   UTF-8 where the target asks (fuzz_postal.utf8_results). */
static inline int fuzz_postal_set(sl_ctx *c, const char *k, const char *v)
{
    if (k == NULL || v == NULL || *k == '\0')
        abort();
    if (json_array_size(g_postal_rows) == 0)
        fuzz_postal_row(c);
    json_t *s = g_postal_utf8 ? json_string(v) : json_stringn_nocheck(v, strlen(v));
    if (s == NULL)
        abort(); /* not UTF-8: the service's text must reach the host intact */
    json_object_set_new(json_array_get(g_postal_rows, json_array_size(g_postal_rows) - 1), k, s);
    return SL_OK;
}

/* Opens the connector on the fake host with the postal params and
   results; config and secrets are taken. */
static inline void fuzz_postal_open(fuzz_postal *t, json_t *config, json_t *secrets)
{
    t->host = FAKE_HOST;
    t->host.param_get = fuzz_postal_param;
    t->host.result_set = fuzz_postal_set;
    t->host.result_row = fuzz_postal_row;
    g_postal_rows = json_array();
    g_postal_utf8 = t->utf8_results;
    fuzz_open(&t->f, sl_plugin_entry(), &t->host, config, secrets);
}

/* Runs one input through the slot its first line names. */
static inline void fuzz_postal_run(fuzz_postal *t, const uint8_t *data, size_t size)
{
    char line[32], mode[16] = "";
    int status = 0;
    const char *rest;
    size_t len;
    fuzz_split_line(data, size, line, sizeof line, &rest, &len);
    if (sscanf(line, "%15s %d", mode, &status) < 1)
        mode[0] = '\0';
    const sl_plugin *p = t->f.p;
    g_fuzz_answer = (fuzz_answer){.status = status, .body = rest, .len = len};
    int rc;
    if (strcmp(mode, "create") == 0)
        rc = p->create_shipment(t->f.state, &t->f.ctx, &t->parcel, &t->f.err);
    else if (strcmp(mode, "track") == 0)
        rc = p->track_shipment(t->f.state, &t->f.ctx, &t->track, &t->f.err);
    else if (strcmp(mode, "cancel") == 0)
        rc = p->cancel_shipment(t->f.state, &t->f.ctx, &t->cancel, &t->f.err);
    else if (strcmp(mode, "check") == 0)
        rc = p->check_connection ? p->check_connection(t->f.state, &t->f.ctx, &t->f.err) : SL_OK;
    else if (strcmp(mode, "quote") == 0)
        rc = p->quote_shipment(t->f.state, &t->f.ctx, &t->parcel, &t->f.err);
    else {
        g_fuzz_answer = (fuzz_answer){.body = (const char *)data, .len = size};
        rc = p->quote_shipment(t->f.state, &t->f.ctx, &t->parcel, &t->f.err);
    }
    fuzz_check(rc, &t->f.err, 1);
    size_t rows = json_array_size(g_postal_rows);
    if (rc == SL_OK && strcmp(mode, "track") == 0 &&
        (t->track_exact ? rows != t->track_count : rows > t->track_count))
        abort(); /* rows per parcel asked, as the connector promises */
    json_array_clear(g_postal_rows);
    fuzz_reset(&t->f);
}

#endif
