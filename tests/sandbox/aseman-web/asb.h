/*
 * asemanweb_sandbox internals. The sandbox emulates Aseman Web's SOAP v1
 * of shared/api/aseman-web.md: rpc envelopes POSTed to the endpoint with
 * HTTP Basic, errors as negative numbers inside normal results (-2 for a
 * wrong login), GetSendPrice, RegisterOrder, GetOrderStatus,
 * GetListStatus and the assumed ChangeStatus. Parcels move through the
 * v1 states on a clock tests control; knobs under /__sandbox/ make the
 * list call misbehave and inject faults (SOAP fault, timeout, garbage,
 * HTTP 500, -15). State is a handful of C arrays under one mutex. It
 * reuses the connector's XML reader (plugins/aseman-web/aw_xml.c), and
 * nothing else of the connector, so both sides agree only on the wire.
 */
#ifndef ASEMANWEB_SANDBOX_ASB_H
#define ASEMANWEB_SANDBOX_ASB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "sbc.h"

#define ASB_MAX_BODY (256u << 10)
#define ASB_MAX_PARCELS 512
#define ASB_MAX_ANSWER (64u << 10)

/* What a fault knob does to the next calls of a method. */
enum asb_fault {
    ASB_FAULT_NONE = 0,
    ASB_FAULT_SOAP,    /* SOAP Fault (HTTP 500), call not processed */
    ASB_FAULT_HTTP500, /* HTTP 500 with an HTML page, not processed */
    ASB_FAULT_GATEWAY, /* result -15 (post gateway down), not processed */
    ASB_FAULT_GARBAGE, /* processed, then a body that is not XML */
    ASB_FAULT_TIMEOUT  /* processed, then no answer for delay_ms */
};

/* How GetListStatus misbehaves (knob "list"). */
enum asb_list_mode {
    ASB_LIST_OK = 0,
    ASB_LIST_SHORT,   /* one state fewer than ids */
    ASB_LIST_GARBAGE, /* a text that is no state list */
    ASB_LIST_FAULT    /* a SOAP fault */
};

typedef struct asb_parcel {
    char factor[40]; /* FactorKey as issued, "41/2207-000001-000317" */
    char digits[40]; /* the same without '/' and '-' */
    int64_t created; /* sandbox epoch s */
    int returned;    /* fate: 1 = refused by the buyer (2 -> 5 -> 6) */
    int forced;      /* -1, or a state a knob set (sticks) */
    int cancelled;   /* ChangeStatus 4 happened */
    int send_type;
    int64_t amount, weight; /* Rial to collect, grams */
    char products[1024];
} asb_parcel;

typedef struct asb {
    pthread_mutex_t mu;
    const char *username, *password;
    sbc_clock clock; /* moved by POST /__sandbox/clock */
    int64_t step_s;  /* seconds per state step */
    asb_parcel parcels[ASB_MAX_PARCELS];
    size_t nparcels;
    int64_t next_seq;
    int list_mode;
    int features; /* the account may use advertiser ids */
    struct {
        char method[32]; /* "" none, "*" every method */
        int kind, count;
        int64_t delay_ms;
    } fault;
    struct {
        char method[32];
        int count;
    } calls[8];
    volatile int stopping;
} asb;

/* Sandbox time, epoch seconds. */
int64_t asb_now(const asb *s);
/* The state of a parcel now (0..11). */
int asb_state(const asb *s, const asb_parcel *p);
/* The parcel with that digits id, or NULL. */
asb_parcel *asb_find(asb *s, const char *digits);

/* A SOAP answer under construction (fixed cap; overflow marks failed). */
typedef struct asb_out {
    char *p;
    size_t len, cap;
    int failed;
} asb_out;
void asb_out_add(asb_out *o, const char *s);
void asb_out_fmt(asb_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void asb_out_esc(asb_out *o, const char *s);

/* Parsed request: the method and its parameters by local name. */
#define ASB_MAX_PARAMS 24
typedef struct asb_call {
    char method[32];
    size_t n;
    struct {
        char name[32];
        char *value; /* malloc'd */
    } p[ASB_MAX_PARAMS];
} asb_call;
/* Parses a request envelope. 0, or -1 with *why (static text). */
int asb_call_parse(const char *body, size_t len, asb_call *c, const char **why);
void asb_call_free(asb_call *c);
/* A parameter's text, or NULL when absent. */
const char *asb_param(const asb_call *c, const char *name);

/* Envelope pieces (soap.c). */
void asb_envelope_open(asb_out *o, const char *method);
void asb_envelope_close(asb_out *o, const char *method);
void asb_fault(asb_out *o, const char *code, const char *text);

/* Answers one SOAP call (api.c): *status, a malloc'd body, and how long
   to hold the answer back (timeout fault). Locks. */
void asb_api(asb *s, const char *auth, const char *body, size_t len, int *status, char **out,
             int64_t *delay_ms);
/* Answers a /__sandbox/ knob (knobs.c): JSON in and out. Locks. */
void asb_knob(asb *s, const char *method, const char *path, const char *body, size_t len,
              int *status, char **out);

#endif
