/*
 * Internal contract of the TARAD U-Commerce connector (tarad.so). TARAD
 * pushes an order to our webhook when it becomes paid and again when it is
 * cancelled; the connector verifies the push (tarad_wire.c, the one place
 * holding the assumed format, described in tarad_wire.h), maps the order to
 * the SDK builder (tarad_map.c, names split in tarad_name.c) and submits
 * it. tarad_plugin.c holds the table, the channel config and the webhook
 * slot. Nothing here is exported: only sl_plugin_entry is.
 */
#ifndef TARAD_H
#define TARAD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "shopledger/sdk.h"

#define TARAD_MAX_BODY (1u << 20) /* bytes of one push */
#define TARAD_MAX_ITEMS 500       /* items of one order */
#define TARAD_DEC_MAX 64          /* text of one decimal value */
#define TARAD_NAME_MAX 256        /* bytes of a first or last name */

/* One open channel; allocated by channel_open, freed by channel_close.
   The tokens are borrowed from the host until close. */
typedef struct tarad_chan {
    const sl_host *host;
    const char *token;       /* the merchant's user token (HMAC key) */
    const char *token_alias; /* the same as webhook_secret */
    int64_t max_skew_ms;     /* accepted clock difference of a push (option) */
    int64_t max_skew_s;      /* the same in the seconds of the wire's clock */
} tarad_chan;

/* Maps one order object of a push and submits it. `event` is the push's
   event (TARAD_EVENT_*), checked against the order's status; `raw` is
   stored verbatim. SL_EINVALID names the offending field. */
int tarad_order_submit(tarad_chan *ch, sl_ctx *ctx, const json_t *order, const char *event,
                       const char *raw, size_t raw_len, sl_error *err);

/* Splits a buyer's full name into first and last name: surrounding and
   repeated blanks are dropped, a leading courtesy title (Thai นาย, นาง,
   นางสาว, น.ส., คุณ, ด.ช., ด.ญ.; Mr, Mrs, Ms, Miss, Dr with or without a
   dot) standing as its own word is removed, the first word is the first
   name and the rest the last name. A single word is a first name with an
   empty last name. Output is cut (at a UTF-8 boundary) to the buffers. */
void tarad_name_split(const char *full, char *first, size_t first_cap, char *last, size_t last_cap);

/* The normalized status word for a TARAD status, or NULL. */
const char *tarad_status_normalized(const char *status);

#endif
