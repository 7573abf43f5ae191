/*
 * mellat_sandbox internals. The sandbox emulates Behpardakht Mellat's
 * payment gateway as shared/api/mellat.md describes it: the SOAP endpoint
 * (five operations, "ResCode[,RefId]" strings, faults for unqualified-
 * schema and number errors), the start page entered by a form POST of the
 * RefId, a buyer who pays or cancels and is sent back to callBackUrl with
 * the bank's form fields, the verify deadline with its auto-reversal and
 * the auto-settle of v1.39 on a clock tests move, and fault knobs. Its
 * state is one jansson tree under one mutex. It is written apart from the
 * connector (it reads requests with libxml2 itself), so the two only agree
 * where the wire format makes them.
 */
#ifndef MELLAT_SANDBOX_MSB_H
#define MELLAT_SANDBOX_MSB_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "sbc.h"

#define MSB_MAX_BODY (1u << 20)

typedef struct msb {
    pthread_mutex_t mu;
    const char *terminal, *username, *password;
    const char *referer_host;  /* NULL: the start page checks no Referer */
    int64_t verify_deadline_s; /* unverified sale reversed after this */
    int64_t auto_settle_s;     /* verified sale settled after this; 0 = never */
    int64_t session_s;         /* RefId valid for the start page this long */
    int64_t reversal_window_s; /* reversal allowed this long after verify */
    sbc_clock clock;           /* moved by POST /__sandbox/clock */
    json_t *sales;             /* RefId -> sale object */
    json_t *order_ids;         /* orderId (text) -> RefId: unique forever */
    json_t *calls;             /* operation -> count */
    json_t *faults;            /* operation -> {mode, count, code, delay_ms} */
    int64_t next_reference;
} msb;

/* Sandbox time, epoch seconds. */
int64_t msb_now(const msb *s);

/* Answers one SOAP request: fills *status and a malloc'd XML body; *drop
   = 1 asks the caller to close the connection without an answer.
   `reused`: the request came on a kept-alive connection that carried an
   earlier request (the reused-drop fault waits for one). */
void msb_soap(msb *s, const char *body, size_t len, int reused, int *status, char **out, int *drop);

/* The start page (POST RefId): an HTML page, *status. */
void msb_start_page(msb *s, const char *body, size_t len, const char *referer, int *status,
                    char **out);
/* The start page's own pay/cancel buttons (POST RefId, action): the
   bank's auto-submit form back to callBackUrl. */
void msb_buyer_form(msb *s, const char *body, size_t len, int *status, char **out);
/* Test knobs under /__sandbox/ (JSON in, JSON out). */
void msb_knob(msb *s, const char *method, const char *path, const char *body, size_t len,
              int *status, char **out);

/* ---- shared by the files (sales.c) ---- */
/* Applies the deadlines (auto-reversal, auto-settle) to every sale. */
void msb_sweep(msb *s);
/* The buyer's decision on sale `refid`: pay or cancel. Fills *fields (a new
   JSON object of the callback form) and *callback. Locks nothing. 0 or an
   HTTP status to answer with a message in *why. */
int msb_buyer_act(msb *s, const char *refid, int pay, const char *card, json_t **fields,
                  const char **callback, const char **why);
/* Form-encodes a flat JSON object of strings (malloc'd). */
char *msb_form_encode(const json_t *fields);

#endif
