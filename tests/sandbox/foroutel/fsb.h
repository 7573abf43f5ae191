/*
 * Internals of foroutel_sandbox (README.md here). fsb_main.c is the HTTP
 * front (one libmicrohttpd daemon per emulated server), the knobs and
 * main; fsb_api.c the service calls and the parcels; fsb_form.c reads
 * form bodies. One mutex guards the state: the servers run on their own
 * threads.
 */
#ifndef FSB_H
#define FSB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define FSB_MAX_SERVERS 3
#define FSB_MAX_PARCELS 10000

typedef struct fsb_state {
    pthread_mutex_t lock;
    char *api_key;
    json_t *city_ids; /* object: city id -> province id, from the CSV */
    int64_t clock_s;  /* the service's "now", UTC seconds (knob) */
    int64_t next_factor;
    json_t *parcels; /* object: factor id -> parcel */
    json_t *next;    /* knobs for the next registration */
    int64_t requests[FSB_MAX_SERVERS];
    int64_t registrations;
} fsb_state;

/* A form body as a JSON object of strings (name -> value); repeated or
   nested names ("basket[0][name]") keep their full text. NULL when the
   body is not form-encoded text. */
json_t *fsb_form_parse(const char *body, size_t len);

/* Answers one service call (path after /ws/v1/rest/, e.g.
   "order/registerOrder.json") with the JSON envelope to send (a new
   reference) and *delay_ms, how long to hold the answer (a knob). Takes
   the lock itself. */
json_t *fsb_call(fsb_state *s, const char *path, const json_t *form, int64_t *delay_ms);

/* The parcels with their current labels (for /__sandbox/state). */
json_t *fsb_parcels_view(fsb_state *s);
/* Knob on one parcel: {"outcome": "delivered"|"returned"} or {"label": text}.
   0, or -1 when the factor is unknown. */
int fsb_parcel_knob(fsb_state *s, const char *factor, const json_t *knob);

#endif
