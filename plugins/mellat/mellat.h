/*
 * Internal contract of the Behpardakht Mellat connector (mellat.so).
 * Mellat's payment gateway is a SOAP 1.1 service (shared/api/mellat.md):
 * every call is one POST of an envelope to one endpoint, every answer one
 * string in a <return> element ("ResCode" or "ResCode,RefId"), and the
 * buyer goes to a start page by an HTML form POST of the RefId. The
 * plugin is split by concern:
 *   mellat_plugin.c  option table, channel_open/close, the plugin table
 *   mellat_soap.c    request envelopes out, the <return> string back in
 *                    (read by the SDK's hardened XML reader, libsl_xml.a:
 *                    shopledger/xml.h)
 *   mellat_codes.c   the ResCode table: meaning and class, in ONE place
 *   mellat_time.c    Tehran local date/time (localDate, localTime)
 *   mellat_calls.c   the gateway slots (pay, return, verify, settle,
 *                    inquiry, reversal)
 * Nothing here is exported from the .so (hidden visibility + version map).
 */
#ifndef MELLAT_H
#define MELLAT_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"

#define MELLAT_URL_MAX 256
#define MELLAT_MAX_ANSWER (64u << 10) /* bytes of one SOAP answer we parse */
#define MELLAT_MAX_REQUEST (8u << 10) /* bytes of one envelope we build */
#define MELLAT_MAX_DEPTH 12           /* element nesting accepted */
#define MELLAT_RETURN_MAX 256         /* text of <return> (or a fault) */
#define MELLAT_ID_MAX 20              /* digits of a Java long */
#define MELLAT_REFID_MAX 64           /* RefId text kept */
#define MELLAT_TEXT_MAX 1000          /* additionalData, per the manual */
#define MELLAT_NS "http://interfaces.core.sw.bps.com/"
#define MELLAT_SOAP_NS "http://schemas.xmlsoap.org/soap/envelope/"

/* One open channel. Allocated by channel_open, freed by channel_close.
   Strings are borrowed from the host's config until channel_close. */
typedef struct mellat_chan {
    const sl_host *host;
    char url[MELLAT_URL_MAX];       /* SOAP endpoint (WSDL: url?wsdl) */
    char start_url[MELLAT_URL_MAX]; /* the buyer's start page */
    const char *terminal_id;        /* digits */
    const char *username;
    const char *password; /* secret */
    const char *payer_id; /* digits, "0" when unused */
    int send_mobile;      /* add mobileNo (not in the WSDL) */
} mellat_chan;

/* ---- mellat_soap.c ------------------------------------------------------- */

/* One named argument of an operation, in WSDL order. */
typedef struct mellat_arg {
    const char *name;
    const char *value;
} mellat_arg;

/* Builds the envelope of operation `op` (e.g. "bpVerifyRequest") with its
   arguments as unqualified children (the schema is unqualified: a
   prefixed child is a SOAP fault), text escaped by the SDK's XML writer
   (shopledger/xml.h). *out is malloc'd (caller frees), *len its length.
   SL_ETOOBIG past MELLAT_MAX_REQUEST; SL_EINVALID naming "request" for a
   value with a control character XML 1.0 cannot carry. */
int mellat_soap_build(const char *op, const mellat_arg *args, size_t nargs, char **out, size_t *len,
                      sl_error *err);

/* Reads the answer to `op`: the text of Envelope/Body/{op}Response/return
   into ret (MELLAT_RETURN_MAX). A SOAP Fault is SL_ERETRY (the gateway's
   faultstring in err, field "soap") and anything else that is not the
   expected shape (not XML, wrong root, no <return>) is SL_EIO: in both
   the outcome of the call is unknown. */
int mellat_soap_answer(const char *op, const char *data, size_t len, char ret[MELLAT_RETURN_MAX],
                       sl_error *err);

/* Splits a <return> string into its ResCode and, for bpPayRequest, the
   RefId after the first comma (spaces trimmed): "0,7C1B" -> 0, "7C1B";
   "21" and "25," -> 21 / 25, "". SL_EIO when the code is not a small
   non-negative integer or the RefId has characters other than letters
   and digits. */
int mellat_split_return(const char *ret, int *code, char *refid, size_t cap, sl_error *err);

/* POSTs the envelope of `op` to the channel's endpoint and reads its
   <return> (mellat_soap_answer). Transport failures come back as the
   host's http_send gave them (SL_ERETRY / SL_EIO). */
int mellat_soap_call(mellat_chan *ch, sl_ctx *ctx, const char *op, const mellat_arg *args,
                     size_t nargs, char ret[MELLAT_RETURN_MAX], sl_error *err);

/* ---- mellat_codes.c ------------------------------------------------------ */

/* What one ResCode means for one operation. */
enum mellat_outcome {
    MELLAT_DONE = 1,  /* 0: the gateway did what was asked */
    MELLAT_ALREADY,   /* done before (43 on verify, 45 on settle ...) */
    MELLAT_AMBIGUOUS, /* a code the two published tables read apart:
                         re-inquire before acting on it */
    MELLAT_REFUSED,   /* a final refusal */
    MELLAT_UNKNOWN    /* the bank's own trouble: outcome unknown */
};

enum mellat_op {
    MELLAT_OP_PAY = 0,
    MELLAT_OP_VERIFY,
    MELLAT_OP_SETTLE,
    MELLAT_OP_INQUIRY,
    MELLAT_OP_REVERSAL,
    MELLAT_OP_COUNT
};

/* The SOAP operation name of op ("bpPayRequest" ...). */
const char *mellat_op_name(int op);
/* English summary of a ResCode ("invalid merchant username/password");
   "unlisted result code" for one the table does not know. Never NULL. */
const char *mellat_code_text(int code);
/* The outcome of `code` answered to `op`. */
int mellat_code_outcome(int op, int code);
/* Fills err from a refusal or an unknown outcome and sets the results
   "code" and "message" (the summary): SL_EREMOTE for MELLAT_REFUSED,
   SL_ERETRY for MELLAT_UNKNOWN. Returns that status. */
int mellat_code_error(const sl_host *h, sl_ctx *ctx, int op, int code, sl_error *err);

/* ---- mellat_time.c ------------------------------------------------------- */

/* Tehran wall time of the UTC instant utc_ms (Iran Standard Time, +03:30;
   Iran has kept no daylight saving time since 2022): date "YYYYMMDD" and
   time "HHMMSS", both zero-padded (9 and 7 bytes with the NUL). */
void mellat_tehran_local(int64_t utc_ms, char date[9], char time[7]);

/* ---- mellat_calls.c (the plugin slots) ------------------------------------ */

int mellat_request_payment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int mellat_parse_return(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err);
int mellat_verify_payment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int mellat_settle_payment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int mellat_inquire_payment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int mellat_reverse_payment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);

#endif
