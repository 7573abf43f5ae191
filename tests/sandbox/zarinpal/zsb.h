/*
 * zarinpal_sandbox internals. The sandbox emulates ZarinPal's payment API
 * as shared/api/zarinpal.md describes it: POST {base}request.json,
 * verify.json, inquiry.json, unVerified.json and reverse.json under
 * /pg/v4/payment/, the buyer's StartPay page under /pg/StartPay/, and the
 * quirks a connector must survive (the empty side of the envelope flipping
 * between [] and {}, error HTTP statuses that change from call to call,
 * codes as strings on unVerified, 101 on a second verify, -50, -51, -54,
 * reverse only within 30 minutes).
 *
 * Its state is a fixed array of sessions under one mutex; the clock is
 * real time plus an offset the test moves (POST /__sandbox/clock). Faults
 * a test arms (POST /__sandbox/fault) hit the next calls of one endpoint:
 * "timeout" answers after a delay, "5xx" answers 503 with HTML, "garbage"
 * answers 200 with a body that is not JSON, "lost" does the work and then
 * answers garbage (a verify that happened but whose answer never came).
 */
#ifndef ZARINPAL_SANDBOX_ZSB_H
#define ZARINPAL_SANDBOX_ZSB_H

#include <pthread.h>
#include <stdint.h>

#include "sbc.h"

#define ZSB_MAX_BODY (1u << 20)
#define ZSB_MAX_SESSIONS 1024
#define ZSB_AUTHORITY_LEN 36
#define ZSB_REVERSE_WINDOW_S (30 * 60)
/* Assumed (zarinpal.md §6): paid sessions never verified go back to the
   payer after this long. */
#define ZSB_UNVERIFIED_RETURN_S (60 * 60)
#define ZSB_MAX_FAULTS 8

enum zsb_state { ZSB_NEW = 0, ZSB_IN_BANK, ZSB_PAID, ZSB_VERIFIED, ZSB_FAILED, ZSB_REVERSED };

typedef struct zsb_session {
    char authority[ZSB_AUTHORITY_LEN + 1];
    char merchant[40]; /* the terminal that asked for it */
    char currency[4];
    int64_t amount;
    char callback_url[512];
    char description[128];
    int state;
    int64_t created_s, paid_s;
    int64_t ref_id;
    int verifies; /* verify calls that reached this session */
    char card_pan[24];
} zsb_session;

typedef struct zsb_fault {
    char endpoint[24]; /* "request", "verify", ... */
    char mode[12];     /* timeout | 5xx | garbage | lost */
    int count;
    int delay_ms;
} zsb_fault;

typedef struct zsb {
    pthread_mutex_t mu;
    zsb_session sessions[ZSB_MAX_SESSIONS];
    int session_count;
    sbc_clock clock; /* moved by POST /__sandbox/clock */
    int64_t next_ref;
    unsigned flip; /* alternates the quirks from answer to answer */
    zsb_fault faults[ZSB_MAX_FAULTS];
    int calls[8];         /* per endpoint, for GET /__sandbox/stats */
    int64_t fee_permille; /* fee the gateway reports, per mille of amount */
} zsb;

/* Sandbox time, epoch seconds. Call with the mutex held. */
int64_t zsb_now(const zsb *s);
/* The session of an authority, or NULL. Mutex held. */
zsb_session *zsb_find(zsb *s, const char *authority);

/* An answer: HTTP status, body (malloc'd), content type and, for
   redirects, a Location. delay_ms > 0 delays the reply (fault "timeout"). */
typedef struct zsb_reply {
    int status;
    char *body;
    const char *type;
    char location[1024];
    int delay_ms;
} zsb_reply;

/* The REST API (api.c): `endpoint` is the file name after /pg/v4/payment/. */
void zsb_api(zsb *s, const char *endpoint, const char *body, size_t len, zsb_reply *out);
/* The buyer's side (buyer.c): GET /pg/StartPay/{authority}[?action=pay|cancel]. */
void zsb_start_pay(zsb *s, const char *authority, const char *action, zsb_reply *out);
/* Test knobs (buyer.c): /__sandbox/clock, /__sandbox/fault, /__sandbox/stats. */
void zsb_knob(zsb *s, const char *path, const char *body, size_t len, zsb_reply *out);

#endif
