/*
 * Internals of the Foroutel (Frotel) connector: an Iranian intermediary
 * that registers parcels with Iran Post, mostly cash on delivery
 * (shared/api/foroutel.md).
 *
 * Wire: every call is POST {server}/{group}/{method}.json with a form body
 * that carries the API key as `api`; the answer is HTTP 200 with a JSON
 * envelope {"code":0,"message":"","result":...}, a non-zero code being the
 * service's refusal with a Persian message. Three equivalent servers: a
 * call goes to the one that answered last and moves to the next only when
 * nothing reached the server (connection refused), so a registration can
 * never reach two of them.
 *
 * Files: fr_plugin.c (table, options, channel), fr_wire.c (form bodies,
 * fail-over, envelope), fr_parcel.c (quote and register), fr_track.c
 * (tracking, labels, Jalali dates), fr_assumed.c (what the notes mark
 * "assumed": the cancel call, in one place; README.md lists it).
 */
#ifndef FOROUTEL_H
#define FOROUTEL_H

#include <stddef.h>

#include <jansson.h>

#include "shopledger/sdk.h"

#define FR_SERVERS_MAX 3
#define FR_URL_MAX 256
#define FR_MAX_BODY (1u << 20)  /* one answer; an invoice's HTML included */
#define FR_FORM_MAX (64u << 10) /* one request body */
#define FR_MESSAGE_MAX 200      /* bytes of the service's text kept */
/* One part of a quoted cost, in Rial: a thousand times the dearest parcel
   imaginable, and small enough that four of them add up without overflow. */
#define FR_COST_MAX 1000000000000000LL

typedef struct fr_chan {
    const sl_host *host;
    const char *servers_text; /* the `servers` list as configured */
    const char *api_key;      /* secret; never logged */
    char servers[FR_SERVERS_MAX][FR_URL_MAX];
    int server_count;
    int current; /* the server that answered last */
    /* The last refusal (a non-zero code): its code and the service's own
       text, kept for fr_put_refusal. */
    char refusal_code[32];
    char refusal_message[FR_MESSAGE_MAX];
} fr_chan;

/* ---- form bodies (fr_wire.c) ------------------------------------------- */

/* An application/x-www-form-urlencoded body in the call's arena, capped at
   FR_FORM_MAX (an overflow sticks and fr_call refuses the form). */
typedef struct fr_form {
    char *data;
    size_t len, cap;
    int too_big;
} fr_form;

void fr_form_init(fr_form *f, const sl_host *h, sl_ctx *ctx);
/* Appends key=value, both percent-encoded ("basket[0][name]" as PHP's
   http_build_query writes it). NULL value = "". */
void fr_form_add(fr_form *f, const char *key, const char *value);

/* Posts `form` (plus the api key) to {server}/{path}.json with fail-over
   and reads the envelope. SL_OK with *result borrowed from *root (a new
   reference the caller json_decref()s). A non-zero code is SL_EREMOTE
   with an English summary naming `what` in err, the code and the
   service's own text (UTF-8) kept in ch for fr_put_refusal: fr_call
   writes no result itself, so a caller answering in rows (tracking) puts
   them on the row they belong to; a body that is not the
   envelope is SL_ERETRY (the clients treat it as a transport failure);
   HTTP and transport failures pass through from the host. */
int fr_call(fr_chan *ch, sl_ctx *ctx, const char *path, fr_form *form, const char *what,
            json_t **root, json_t **result, sl_error *err);
/* Results "code" and "message" of the last refusal, on the current row;
   returns rc unchanged, so `return fr_put_refusal(ch, ctx, rc)` reads
   naturally after a call (nothing is written unless rc is SL_EREMOTE). */
int fr_put_refusal(fr_chan *ch, sl_ctx *ctx, int rc);

/* A number the service writes as a JSON integer or a string of digits
   ("215000"), as decimal integer text; SL_EINVALID naming key otherwise. */
int fr_number(const json_t *obj, const char *key, int required, char *buf, size_t cap,
              sl_error *err);

/* ---- codes (fr_parcel.c) ----------------------------------------------- */

/* The host's send type / payment words <-> Frotel's numbers; NULL/0 for
   unknown. */
const char *fr_send_type_code(const char *word);
const char *fr_send_type_word(const char *code);
const char *fr_buy_type_code(const char *word);

int fr_quote(fr_chan *ch, sl_ctx *ctx, const sl_params *p, sl_error *err);
int fr_register(fr_chan *ch, sl_ctx *ctx, const sl_params *p, sl_error *err);

/* ---- tracking (fr_track.c) --------------------------------------------- */

/* A Persian status label -> the normalized shipping status word and
   whether it says the money was collected; "other" for a label not
   known. */
const char *fr_status_word(const char *label, int *cod_collected);
int fr_track(fr_chan *ch, sl_ctx *ctx, const sl_params *p, sl_error *err);

/* ---- assumed (fr_assumed.c) -------------------------------------------- */

int fr_cancel(fr_chan *ch, sl_ctx *ctx, const sl_params *p, sl_error *err);

#endif
