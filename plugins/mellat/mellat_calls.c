/*
 * The gateway slots of sdk.h 1.3 on Mellat's five SOAP operations
 * (shared/api/mellat.md §3-§6). The host owns the attempt and decides
 * what comes next; each slot makes one call (two when a code is ambiguous:
 * mellat_codes.c) and answers through result_set:
 *   request_payment  bpPayRequest -> "authority" (RefId) and the start page,
 *                    entered by a form POST of RefId
 *   parse_return     the bank's browser POST to callBackUrl, no remote call
 *   verify_payment   bpVerifyRequest   (43: already verified)
 *   settle_payment   bpSettleRequest   (45: already settled, re-inquired)
 *   inquire_payment  bpInquiryRequest  -> "state"
 *   reverse_payment  bpReversalRequest (48: already reversed)
 * The last four take the same six arguments. orderId is formally the
 * number of *this* request and saleOrderId the pay request's; the manual
 * lets inquiry use one for both and the published drivers do it for every
 * call, so this plugin sends the attempt's order_ref as both (README).
 */
#include <stdio.h>
#include <string.h>

#include "mellat.h"
#include "shopledger/sdkutil.h"

#define CALLBACK_URL_MAX 512

/* ---- parameters ---------------------------------------------------------- */

/* Checks that text is 1..max decimal digits; with positive, not all zero. */
static int digits_ok(const char *text, size_t max, int positive)
{
    size_t n = text ? strspn(text, "0123456789") : 0;
    if (n == 0 || n > max || text[n] != '\0')
        return 0;
    return !positive || strspn(text, "0") < n;
}

/* A required numeric parameter (1..max digits, positive). */
static int need_number(const sl_host *h, const sl_params *p, const char *key, size_t max,
                       const char **out, sl_error *err)
{
    const char *v = h->param_get(p, key);
    if (v == NULL || *v == '\0')
        return sl_error_set(err, SL_EINVALID, key, "%s is required", key);
    if (!digits_ok(v, max, 1))
        return sl_error_set(err, SL_EINVALID, key,
                            "%s must be a positive whole number of at most %zu digits", key, max);
    *out = v;
    return SL_OK;
}

/* Text with no control characters, at most max bytes. */
static int plain_text(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x20 || s[n] == 0x7f)
            return 0;
    return n <= max;
}

/* An absolute http(s) URL without spaces or control characters, at most
   CALLBACK_URL_MAX bytes (the host may put a query on it). */
static int url_ok(const char *u)
{
    size_t skip = strncmp(u, "https://", 8) == 0 ? 8 : strncmp(u, "http://", 7) == 0 ? 7 : 0;
    if (skip == 0 || u[skip] == '\0' || u[skip] == '/' || strchr(u, ' ') != NULL)
        return 0;
    return plain_text(u, CALLBACK_URL_MAX);
}

/* Copies s into out (cap bytes), cut at a UTF-8 character boundary. */
static void copy_utf8_cut(const char *s, char *out, size_t cap)
{
    size_t n = strlen(s);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* s[n] continues a character: cut before it starts */
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

/* The six arguments of verify, settle, inquiry and reversal. */
typedef struct sale_args {
    const char *order_ref, *sale_reference;
    mellat_arg args[6];
} sale_args;

static int read_sale(mellat_chan *ch, const sl_params *p, sale_args *s, sl_error *err)
{
    const sl_host *h = ch->host;
    int rc = need_number(h, p, "order_ref", 18, &s->order_ref, err);
    if (rc == SL_OK)
        rc = need_number(h, p, "sale_reference", MELLAT_ID_MAX - 1, &s->sale_reference, err);
    if (rc != SL_OK)
        return rc;
    const mellat_arg a[6] = {
        {"terminalId", ch->terminal_id}, {"userName", ch->username},
        {"userPassword", ch->password},  {"orderId", s->order_ref},
        {"saleOrderId", s->order_ref},   {"saleReferenceId", s->sale_reference},
    };
    memcpy(s->args, a, sizeof a);
    return SL_OK;
}

/* One call of op with the sale's arguments: its ResCode in *code. */
static int sale_call(mellat_chan *ch, sl_ctx *ctx, int op, const sale_args *s, int *code,
                     sl_error *err)
{
    char ret[MELLAT_RETURN_MAX], none[2];
    int rc = mellat_soap_call(ch, ctx, mellat_op_name(op), s->args, 6, ret, err);
    if (rc == SL_OK)
        rc = mellat_split_return(ret, code, none, sizeof none, err);
    return rc;
}

static void set_code(const sl_host *h, sl_ctx *ctx, int code)
{
    char num[16];
    snprintf(num, sizeof num, "%d", code);
    h->result_set(ctx, "code", num);
    h->result_set(ctx, "message", mellat_code_text(code));
}

/* ---- inquiry ------------------------------------------------------------- */

/* bpInquiryRequest read as a state of sdk.h: 0 and 43 verified, 45
   settled, 48 reversed, 44 (no verify yet) paid, 17/42/54 failed (the
   sale never happened or was cancelled). *state NULL with SL_OK never
   happens: other refusals are SL_EREMOTE, bank trouble SL_ERETRY. */
static int inquire(mellat_chan *ch, sl_ctx *ctx, const sale_args *s, const char **state, int *code,
                   sl_error *err)
{
    int rc = sale_call(ch, ctx, MELLAT_OP_INQUIRY, s, code, err);
    if (rc != SL_OK)
        return rc;
    switch (*code) {
    case 0:
    case 43:
        *state = "verified";
        return SL_OK;
    case 45:
        *state = "settled";
        return SL_OK;
    case 48:
        *state = "reversed";
        return SL_OK;
    case 44:
        *state = "paid";
        return SL_OK;
    case 17:
    case 42:
    case 54:
        *state = "failed";
        return SL_OK;
    default:
        return mellat_code_error(ch->host, ctx, MELLAT_OP_INQUIRY, *code, err);
    }
}

int mellat_inquire_payment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    mellat_chan *ch = state;
    sale_args s;
    const char *st = NULL;
    int code = 0;
    int rc = read_sale(ch, p, &s, err);
    if (rc == SL_OK)
        rc = inquire(ch, ctx, &s, &st, &code, err);
    if (rc != SL_OK)
        return rc;
    ch->host->result_set(ctx, "state", st);
    ch->host->result_set(ctx, "reference", s.sale_reference);
    set_code(ch->host, ctx, code);
    return SL_OK;
}

/* ---- verify, settle, reversal --------------------------------------------- */

/* An ambiguous code (mellat_codes.c): inquiry decides. `done_states`
   lists the inquiry states that mean op's work is already done. */
static int settle_ambiguity(mellat_chan *ch, sl_ctx *ctx, int op, const sale_args *s, int code,
                            const char *const *done_states, sl_error *err)
{
    const char *st = NULL;
    int icode = 0;
    int rc = inquire(ch, ctx, s, &st, &icode, err);
    if (rc != SL_OK)
        return rc == SL_EREMOTE ? mellat_code_error(ch->host, ctx, op, code, err) : rc;
    for (size_t i = 0; done_states[i] != NULL; i++)
        if (strcmp(st, done_states[i]) == 0) {
            ch->host->result_set(ctx, "already", "1");
            return SL_OK;
        }
    /* Not done: the code meant what the other reading says, a refusal;
       report what inquiry found when it is more telling. */
    return mellat_code_error(ch->host, ctx, op, strcmp(st, "reversed") == 0 ? 48 : code, err);
}

/* verify/settle/reversal: one call, then the code's outcome. */
static int sale_step(void *state, sl_ctx *ctx, const sl_params *p, int op,
                     const char *const *done_states, sl_error *err)
{
    mellat_chan *ch = state;
    const sl_host *h = ch->host;
    sale_args s;
    int code = 0;
    int rc = read_sale(ch, p, &s, err);
    if (rc == SL_OK)
        rc = sale_call(ch, ctx, op, &s, &code, err);
    if (rc != SL_OK)
        return rc;
    switch (mellat_code_outcome(op, code)) {
    case MELLAT_DONE:
        break;
    case MELLAT_ALREADY:
        h->result_set(ctx, "already", "1");
        break;
    case MELLAT_AMBIGUOUS:
        rc = settle_ambiguity(ch, ctx, op, &s, code, done_states, err);
        if (rc != SL_OK)
            return rc;
        break;
    default:
        return mellat_code_error(h, ctx, op, code, err);
    }
    h->result_set(ctx, "reference", s.sale_reference);
    set_code(h, ctx, code);
    return SL_OK;
}

int mellat_verify_payment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    static const char *const done[] = {"verified", "settled", NULL};
    return sale_step(state, ctx, p, MELLAT_OP_VERIFY, done, err);
}

int mellat_settle_payment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    static const char *const done[] = {"verified", "settled", NULL};
    return sale_step(state, ctx, p, MELLAT_OP_SETTLE, done, err);
}

int mellat_reverse_payment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    static const char *const done[] = {"reversed", NULL};
    return sale_step(state, ctx, p, MELLAT_OP_REVERSAL, done, err);
}

/* ---- pay request ----------------------------------------------------------- */

typedef struct pay_args {
    const char *amount, *order_ref, *callback, *mobile;
    char date[9], time[7];
    char data[MELLAT_TEXT_MAX + 1];
} pay_args;

static int read_pay(mellat_chan *ch, sl_ctx *ctx, const sl_params *p, pay_args *a, sl_error *err)
{
    const sl_host *h = ch->host;
    const char *currency = h->param_get(p, "currency");
    if (currency != NULL && strcmp(currency, "IRR") != 0)
        return sl_error_set(err, SL_EINVALID, "currency",
                            "Mellat takes amounts in Rial (IRR), not %.8s", currency);
    int rc = need_number(h, p, "amount", 15, &a->amount, err);
    if (rc == SL_OK)
        rc = need_number(h, p, "order_ref", 18, &a->order_ref, err);
    if (rc != SL_OK)
        return rc;
    a->callback = h->param_get(p, "callback_url");
    if (a->callback == NULL || !url_ok(a->callback))
        return sl_error_set(err, SL_EINVALID, "callback_url",
                            "callback_url must be an http(s) URL of at most %d bytes",
                            CALLBACK_URL_MAX);
    const char *desc = h->param_get(p, "description");
    if (desc != NULL && !plain_text(desc, 64u << 10))
        return sl_error_set(err, SL_EINVALID, "description",
                            "description carries control characters or is over 64 KiB");
    copy_utf8_cut(desc ? desc : "", a->data, sizeof a->data);
    a->mobile = ch->send_mobile ? h->param_get(p, "mobile") : NULL;
    if (a->mobile != NULL && *a->mobile != '\0' && !digits_ok(a->mobile, 15, 0))
        return sl_error_set(err, SL_EINVALID, "mobile", "mobile must be digits (98912...)");
    if (a->mobile != NULL && *a->mobile == '\0')
        a->mobile = NULL;
    mellat_tehran_local(h->now_ms(ctx), a->date, a->time);
    return SL_OK;
}

int mellat_request_payment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    mellat_chan *ch = state;
    const sl_host *h = ch->host;
    pay_args a;
    int rc = read_pay(ch, ctx, p, &a, err);
    if (rc != SL_OK)
        return rc;
    const mellat_arg args[11] = {
        {"terminalId", ch->terminal_id}, {"userName", ch->username}, {"userPassword", ch->password},
        {"orderId", a.order_ref},        {"amount", a.amount},       {"localDate", a.date},
        {"localTime", a.time},           {"additionalData", a.data}, {"callBackUrl", a.callback},
        {"payerId", ch->payer_id},       {"mobileNo", a.mobile},
    };
    char ret[MELLAT_RETURN_MAX], refid[MELLAT_REFID_MAX];
    int code = 0;
    rc = mellat_soap_call(ch, ctx, "bpPayRequest", args, a.mobile ? 11 : 10, ret, err);
    if (rc == SL_ERETRY && strcmp(err->field, "soap") == 0) {
        /* a fault may come after the order id was taken: never resend it */
        char why[SL_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        rc = sl_error_set(err, SL_EIO, "soap", "%.200s (ask again with a new order_ref)", why);
    }
    if (rc == SL_OK)
        rc = mellat_split_return(ret, &code, refid, sizeof refid, err);
    if (rc != SL_OK)
        return rc;
    if (code != 0)
        return mellat_code_error(h, ctx, MELLAT_OP_PAY, code, err);
    if (refid[0] == '\0')
        return sl_error_set(err, SL_EIO, "return", "bpPayRequest answered 0 without a RefId");
    h->result_set(ctx, "authority", refid);
    h->result_set(ctx, "start_url", ch->start_url);
    h->result_set(ctx, "start_method", "POST");
    h->result_set(ctx, "start_field", "RefId");
    h->result_set(ctx, "code", "0");
    return SL_OK;
}

/* ---- the buyer's return ---------------------------------------------------- */

/* Field `name` of the form (letter case ignored: SaleOrderId arrives as
   saleOrderId from some deployments). 1 found, 0 absent, <0 bad. */
static int form_field(const char *body, size_t len, const char *name, char *out, size_t cap,
                      sl_error *err)
{
    int rc = sl_form_get(body, len, name, 1, out, cap);
    if (rc == SL_ETOOBIG)
        return sl_error_set(err, SL_EINVALID, name, "%s is longer than %zu bytes", name, cap - 1);
    if (rc < 0)
        return sl_error_set(err, SL_EINVALID, name, "%s has a bad %%-escape or a NUL", name);
    return rc;
}

/* The fields of the return that must be digits when present. */
static int digits_field(const char *body, size_t len, const char *name, char *out, size_t cap,
                        sl_error *err)
{
    int rc = form_field(body, len, name, out, cap, err);
    if (rc == 1 && out[0] != '\0' && !digits_ok(out, cap - 1, 0))
        return sl_error_set(err, SL_EINVALID, name, "%s must be digits", name);
    return rc;
}

typedef struct return_fields {
    char refid[MELLAT_REFID_MAX], rescode[8], order[MELLAT_ID_MAX + 1];
    char sale_ref[MELLAT_ID_MAX + 1], pan[64], amount[24];
} return_fields;

static int read_return(const char *body, size_t len, return_fields *f, sl_error *err)
{
    int rc = form_field(body, len, "RefId", f->refid, sizeof f->refid, err);
    if (rc == 0 || (rc == 1 && f->refid[0] == '\0'))
        return sl_error_set(err, SL_EINVALID, "RefId", "the return carries no RefId");
    if (rc < 0)
        return rc;
    if (strspn(f->refid, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
        strlen(f->refid))
        return sl_error_set(err, SL_EINVALID, "RefId", "RefId must be letters and digits");
    rc = digits_field(body, len, "ResCode", f->rescode, sizeof f->rescode, err);
    if (rc == 0 || (rc == 1 && f->rescode[0] == '\0'))
        return sl_error_set(err, SL_EINVALID, "ResCode", "the return carries no ResCode");
    if (rc < 0 ||
        (rc = digits_field(body, len, "SaleOrderId", f->order, sizeof f->order, err)) < 0 ||
        (rc = digits_field(body, len, "SaleReferenceId", f->sale_ref, sizeof f->sale_ref, err)) <
            0 ||
        (rc = digits_field(body, len, "FinalAmount", f->amount, sizeof f->amount, err)) < 0 ||
        (rc = form_field(body, len, "CardHolderPan", f->pan, sizeof f->pan, err)) < 0)
        return rc;
    if (!plain_text(f->pan, sizeof f->pan))
        return sl_error_set(err, SL_EINVALID, "CardHolderPan",
                            "CardHolderPan carries control characters");
    return SL_OK;
}

int mellat_parse_return(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err)
{
    mellat_chan *ch = state;
    const sl_host *h = ch->host;
    size_t len = 0;
    const char *body = h->request_body(req, &len);
    return_fields f;
    memset(&f, 0, sizeof f);
    int rc = read_return(body, len, &f, err);
    if (rc != SL_OK)
        return rc;
    int code = 0;
    for (const char *c = f.rescode; *c; c++)
        code = code * 10 + (*c - '0');
    /* Paid only with ResCode 0 and a sale reference: a cancelled payment
       posts an empty SaleReferenceId, which must never reach verify. */
    int ok = code == 0 && f.sale_ref[0] != '\0';
    h->result_set(ctx, "authority", f.refid);
    h->result_set(ctx, "ok", ok ? "1" : "0");
    h->result_set(ctx, "code", f.rescode);
    h->result_set(ctx, "message", mellat_code_text(code));
    if (f.order[0])
        h->result_set(ctx, "order_ref", f.order);
    if (f.sale_ref[0])
        h->result_set(ctx, "sale_reference", f.sale_ref);
    if (f.pan[0])
        h->result_set(ctx, "card_mask", f.pan);
    if (f.amount[0])
        h->result_set(ctx, "amount", f.amount);
    return SL_OK;
}
