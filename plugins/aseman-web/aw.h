/*
 * Internal contract of the Aseman Web connector (asemanweb.so), an Iran
 * Post cash-on-delivery intermediary spoken to over SOAP v1 (rpc style)
 * with HTTP Basic credentials (shared/api/aseman-web.md). Errors come
 * back as negative numbers inside normal results, not as SOAP faults.
 * The plugin is split by concern:
 *   aw_plugin.c   table, channel options, check_connection
 *   aw_soap.c     request envelopes and answer parsing, one call over HTTP
 *   aw_codes.c    result codes (-1..-19, 101/201/202/601) and states 0..11
 *   aw_pack.c     ProductsList packing, name sanitizing, id normalizing
 *   aw_quote.c    quote_shipment (GetSendPrice)
 *   aw_create.c   create_shipment (RegisterOrder)
 *   aw_track.c    track_shipment (GetListStatus, GetOrderStatus fallback)
 *   aw_cancel.c   cancel_shipment (ChangeStatus: ASSUMED, see the file)
 * Nothing here is exported from the .so (hidden visibility + version map).
 */
#ifndef ASEMANWEB_AW_H
#define ASEMANWEB_AW_H

#include <stddef.h>
#include <stdint.h>

#include "shopledger/sdk.h"
#include "shopledger/xml.h"

#define AW_URL_MAX 256
#define AW_USER_MAX 128
#define AW_MAX_ANSWER (1u << 20)               /* bytes of one SOAP answer we parse */
#define AW_MAX_REQUEST (64u << 10)             /* bytes of one SOAP request we build */
#define AW_MAX_DEPTH 16                        /* element nesting accepted in answers */
#define AW_FIELD_MAX 512                       /* bytes of one answer field's text */
#define AW_MAX_ITEMS 100                       /* items of one parcel */
#define AW_PRODUCTS_MAX (16u << 10)            /* bytes of one ProductsList */
#define AW_LIST_BATCH 50                       /* ids per GetListStatus (doc §5) */
#define AW_ID_MAX 64                           /* bytes of a FactorKey / digits id */
#define AW_RETRY_GATEWAY_MS (15LL * 60 * 1000) /* -15: post gateway down */
#define AW_RETRY_FAULT_MS (5LL * 60 * 1000)    /* SOAP fault: transport */
/* What plugins of this service use (doc §1): the service can be slow. */
#define AW_RECOMMENDED_TIMEOUT_MS 160000

/* One open channel. Allocated by channel_open, freed by channel_close. */
typedef struct aw_chan {
    const sl_host *host;
    char url[AW_URL_MAX]; /* the SOAP endpoint (the WSDL's soap:address) */
    const char *username; /* web-service user of the panel */
    const char *password; /* secret, borrowed until close */
    int list_status;      /* 1: GetListStatus first; 0: per id only */
} aw_chan;

/* XML is read by the SDK's hardened reader (shopledger/xml.h, libsl_xml.a):
   an answer is at most AW_MAX_ANSWER bytes nested AW_MAX_DEPTH deep, and
   anything that is not usable XML is SL_EIO (no usable answer). */

/* ---- aw_soap.c --------------------------------------------------------- */

/* A request parameter: name, value and whether it is an xsd:int. */
typedef struct aw_param {
    const char *name;
    const char *value;
    int is_int;
} aw_param;

/* Builds the rpc envelope of `method` with params into a malloc'd string
   (*out, caller frees), values escaped by the SDK's XML writer
   (shopledger/xml.h). SL_ETOOBIG past AW_MAX_REQUEST; SL_EINVALID for a
   value with a control character XML 1.0 cannot carry (refused, never
   dropped: what is sent is what was asked). */
int aw_soap_envelope(const char *method, const aw_param *params, size_t n, char **out,
                     sl_error *err);

/* A parsed answer: the document and its result element (the <return>
   of <methodResponse>, or the response's first element child). */
typedef struct aw_answer {
    xmlDocPtr doc;
    xmlNodePtr result;
    int answered; /* aw_call: an HTTP response came back (even a bad one) */
} aw_answer;

/* Reads an answer body: Envelope/Body/<method>Response/result. A SOAP
   Fault is SL_ERETRY (the doc: faults are transport problems) with the
   faultstring; not XML or the wrong shape SL_EIO. On success the caller
   frees with aw_answer_free. */
int aw_soap_parse(const char *body, size_t len, const char *method, aw_answer *a, sl_error *err);
void aw_answer_free(aw_answer *a);
/* Text of the result's field `name` (struct results) into buf; 1 when
   present, 0 absent, SL_ETOOBIG. With name NULL: the result's own text
   (scalar results). */
int aw_answer_field(const aw_answer *a, const char *name, char *buf, size_t cap);

/* POSTs the envelope of `method` to the channel's endpoint with HTTP
   Basic, then parses the answer (aw_soap_parse). HTTP 401/403 without a
   fault: SL_EAUTH; 5xx without a fault, transport: SL_ERETRY (from the
   host); any other non-2xx SL_EIO. err->http_status carries the status. */
int aw_call(aw_chan *ch, sl_ctx *ctx, const char *method, const aw_param *params, size_t n,
            aw_answer *a, sl_error *err);

/* ---- aw_codes.c -------------------------------------------------------- */

/* Parses "-7", "0", "412000": optional '-', 1..18 digits, nothing else.
   Returns 1 and *out, or 0. */
int aw_int_parse(const char *text, int64_t *out);
/* 1 when `code` is an error the service puts in a result field: -1..-19
   (negative codes beyond the documented ones too) or the legacy positive
   101/201/202/601. */
int aw_is_error_code(int64_t code);
/* English and Persian text of an error code ("?" when unknown). */
const char *aw_code_english(int64_t code);
const char *aw_code_persian(int64_t code);
/* Reports an error code: results "code" and "message" (Persian text when
   known, else English), err->message "METHOD: code N: English". -15
   (post gateway down) is SL_ERETRY with a retry_after_ms, every other
   code SL_EREMOTE. Returns that status. */
int aw_code_report(const sl_host *h, sl_ctx *ctx, const char *method, int64_t code, sl_error *err);

/* A v1 order state 0..11: its normalized shipping status (sdk.h 1.5
   words) and Persian label. NULL for a code out of range. */
const char *aw_state_normalized(int64_t state);
const char *aw_state_label(int64_t state);

/* ---- aw_pack.c --------------------------------------------------------- */

/* FactorKey ("41/2207-118844-000317") -> digits-only id for status calls
   ("412207118844000317"): '/' and '-' dropped, blanks around trimmed;
   any other non-digit, no digit at all, or more than AW_ID_MAX-1 digits
   is SL_EINVALID naming `field`. */
int aw_id_digits(const char *factor_key, const char *field, char *out, size_t cap, sl_error *err);
/* 1 when s is valid UTF-8 (no overlong 2-byte forms, no bytes past F4). */
int aw_utf8_valid(const char *s);
/* A product name fit for ProductsList: '^' and ';' and control
   characters become spaces, runs of blanks collapse, the ends are
   trimmed, invalid UTF-8 is cut at the first bad byte. Writes at most
   cap-1 bytes without splitting a UTF-8 sequence. Returns its length. */
size_t aw_sanitize_name(const char *in, char *out, size_t cap);
/* Builds ProductsList "<id>^<name>^<weight g>^<unit price>^<qty>;..."
   from the params "items", "item.I.sku|name|weight_g|price|qty" into a
   malloc'd *out. Each value is validated (SL_EINVALID naming
   item.I.FIELD): price and weight non-negative integers, qty a positive
   integer ("2" or "2.000"), name non-empty after sanitizing; 1..AW_MAX_ITEMS
   items; SL_ETOOBIG past AW_PRODUCTS_MAX. */
int aw_products_list(const sl_host *h, const sl_params *p, char **out, sl_error *err);
/* A param that must be a non-negative decimal integer (Rial, grams, ids);
   "" or absent is `def` when def != NULL, else SL_EINVALID. */
int aw_param_uint(const sl_host *h, const sl_params *p, const char *key, const char *def, char *out,
                  size_t cap, sl_error *err);

/* ---- plugin slots ------------------------------------------------------ */

int aw_check_connection(void *state, sl_ctx *ctx, sl_error *err);
int aw_quote_shipment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int aw_create_shipment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int aw_track_shipment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
int aw_cancel_shipment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
/* Send type param -> SendType ("0" Pishtaz, "1" Sefareshi). */
int aw_send_type(const sl_host *h, const sl_params *p, const char **out, sl_error *err);
/* Refuses payment = prepaid: SOAP v1 registers COD parcels only. */
int aw_payment_cod(const sl_host *h, const sl_params *p, sl_error *err);

#endif
