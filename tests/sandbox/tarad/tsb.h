/*
 * Internals of tarad_sandbox (see README.md here): the simulated shop's
 * orders and its pushes. tarad_sandbox.c is the HTTP front and main;
 * tarad_orders.c builds orders from a test's spec, computes their totals
 * in integer satang and delivers signed pushes with libcurl.
 */
#ifndef TSB_H
#define TSB_H

#include <stdint.h>

#include <jansson.h>

#define TSB_URL_MAX 512
#define TSB_MAX_ORDERS 10000

typedef struct tsb_state {
    char target[TSB_URL_MAX]; /* webhook URL pushes go to, "" = none yet */
    char *token;              /* the merchant's user token (HMAC key) */
    int hex_signature;        /* sign in lower-case hex instead of base64 */
    int64_t next_no;          /* next order number handed out */
    json_t *orders;           /* object order_no -> order */
    json_t *deliveries;       /* array of {event, order_no, http_status} */
} tsb_state;

/* Builds an order from `spec` (see README.md), stores it as paid and
   pushes order.paid (1 + spec.duplicate times). Returns a new reference
   {"order": ..., "deliveries": [http statuses]}, or NULL with *status set
   (400) and *why filled. */
json_t *tsb_push(tsb_state *s, const json_t *spec, int *status, const char **why);

/* Marks order `no` cancelled (updated_at = now) and pushes
   order.cancelled; knobs as tsb_push. NULL with *status 404 when unknown. */
json_t *tsb_cancel(tsb_state *s, const char *no, const json_t *spec, int *status, const char **why);

#endif
