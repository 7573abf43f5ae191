/*
 * Internal contract of the ZarinPal connector (zarinpal.so). ZarinPal is a
 * payment gateway: the host asks for a payment session (request), sends the
 * buyer to the start-pay page, reads the buyer's return, and verifies; the
 * connector only speaks the REST v4 wire format of shared/api/zarinpal.md.
 *   zp_plugin.c  the plugin table, the option table, channel open/close
 *   zp_wire.c    one POST to {api_url}/<call>.json and the envelope reader
 *                (data/errors as [] or {}, codes as numbers or strings,
 *                HTTP statuses ignored; decisions on the code only)
 *   zp_calls.c   the gateway slots: request, parse_return, verify,
 *                inquiry, unVerified, reverse, check_connection
 *   zp_form.c    reading the callback's urlencoded Authority/Status
 * Nothing here is exported: only sl_plugin_entry is.
 */
#ifndef ZARINPAL_H
#define ZARINPAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"

#define ZP_URL_MAX 256
#define ZP_MAX_BODY (1u << 20) /* bytes of one API answer */
#define ZP_AUTHORITY_MAX 64    /* an authority is 36 characters */
#define ZP_MAX_UNVERIFIED 100  /* the API lists at most the latest 100 */

/* One open channel; allocated by channel_open, freed by channel_close. */
typedef struct zp_chan {
    const sl_host *host;
    const char *merchant;       /* merchant_id (secret), borrowed until close */
    int sandbox;                /* defaults of the two URLs */
    char api_url[ZP_URL_MAX];   /* ".../pg/v4/payment" */
    char start_url[ZP_URL_MAX]; /* ".../pg/StartPay" */
    int irt;                    /* amounts sent in Toman (currency = IRT) */
} zp_chan;

/* The result codes this connector reads (zarinpal.md §3). */
#define ZP_OK 100
#define ZP_ALREADY_VERIFIED 101
#define ZP_TOO_MANY_ATTEMPTS (-12)
#define ZP_UNEXPECTED (-52)

/* One call's answer: the code (from data or errors, string or number), its
   message, and `data` when it is a non-empty object (borrowed from the
   parsed document, which the caller frees with json_decref(doc)). */
typedef struct zp_answer {
    json_t *doc;
    json_t *data;
    long code;
    char message[256];
} zp_answer;

/* POSTs `body` (consumed) to {api_url}/<call>.json and reads the envelope.
   SL_OK with *ans filled when a code was found (any code: the caller
   decides); SL_ERETRY/SL_EIO when there is no usable answer (transport,
   timeout, a body that is not the envelope: the outcome is unknown). */
int zp_post(zp_chan *ch, sl_ctx *ctx, const char *call, json_t *body, zp_answer *ans,
            sl_error *err);
/* Maps an answer to the SDK's gateway contract: 100/101 SL_OK; -12 and
   -52 SL_ERETRY (try later, unknown); other codes SL_EREMOTE with results
   "code" and "message" set. */
int zp_outcome(zp_chan *ch, sl_ctx *ctx, const zp_answer *ans, const char *what, sl_error *err);

/* The value of `key` in an application/x-www-form-urlencoded text,
   decoded into out (cap bytes). 1 when found, 0 when absent, -1 when it
   does not fit or is badly encoded. */
int zp_form_get(const char *body, size_t len, const char *key, char *out, size_t cap);

/* The slots (zp_calls.c). */
int zp_request(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int zp_parse_return(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err);
int zp_verify(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int zp_inquire(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int zp_reverse(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int zp_list_unverified(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int zp_check_connection(void *state, sl_ctx *ctx, sl_error *err);

#endif
