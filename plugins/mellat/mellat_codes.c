/*
 * Mellat's ResCode table, in one place (shared/api/mellat.md §8, §11.3).
 *
 * The table follows the reading every source but one shares: 43 = verify
 * already done, 45 = already settled, 48 = reversed. One driver claiming
 * manual v1.38 reads 41 as "already verified" and 45 as "already
 * reversed". Where the two readings would make us act differently, the
 * code is AMBIGUOUS for that operation and the caller asks bpInquiryRequest
 * before it answers (mellat_calls.c): 41 on verify, 45 on settle and on
 * reversal. Every other code has one meaning per operation:
 *   DONE     0;
 *   ALREADY  43 on verify, 48 on reversal (the work is done: SL_OK with
 *            "already" = 1), 43 and 45 on inquiry (it is verified/settled);
 *   UNKNOWN  the bank's own trouble (system error, issuer switch down,
 *            recording failed): nothing says the call did not happen, so
 *            the outcome is unknown and the host may ask again;
 *   REFUSED  everything else, including codes no table lists: final.
 */
#include <stddef.h>
#include <stdio.h>

#include "mellat.h"
#include "shopledger/sdkutil.h"

static const struct code_row {
    int code;
    const char *text;
} CODES[] = {
    {0, "success"},
    {11, "invalid card number"},
    {12, "insufficient funds"},
    {13, "wrong PIN"},
    {14, "PIN attempts exceeded"},
    {15, "invalid card"},
    {16, "withdrawal count limit exceeded"},
    {17, "buyer cancelled the payment"},
    {18, "card expired"},
    {19, "withdrawal amount limit exceeded"},
    {111, "invalid card issuer"},
    {112, "card issuer switch error"},
    {113, "no response from the card issuer"},
    {114, "cardholder not allowed this transaction"},
    {21, "invalid merchant (terminal)"},
    {23, "security error"},
    {24, "invalid merchant username or password"},
    {25, "invalid amount"},
    {31, "invalid response"},
    {32, "invalid data format"},
    {33, "invalid account"},
    {34, "system error"},
    {35, "invalid date"},
    {41, "duplicate order id"},
    {42, "sale transaction not found"},
    {43, "verify already done"},
    {44, "verify request not found"},
    {45, "already settled"},
    {46, "not settled"},
    {47, "settle transaction not found"},
    {48, "transaction reversed"},
    {49, "refund transaction not found"},
    {412, "invalid bill id"},
    {413, "invalid payment id"},
    {414, "invalid bill issuer"},
    {415, "session expired"},
    {416, "error recording data"},
    {417, "invalid payer id"},
    {418, "problem defining customer data"},
    {419, "data-entry attempts exceeded"},
    {421, "invalid IP (the server's address is not registered)"},
    {51, "duplicate transaction"},
    {54, "reference transaction not found"},
    {55, "invalid transaction"},
    {61, "settlement (deposit) error"},
    {62, "callback URL is not in the registered domain"},
    {98, "static password (Bon) limit reached"},
    {995, "gateway internal error"},
};

/* Codes that say the bank itself failed, not that it refused. */
static int bank_trouble(int code)
{
    return code == 34 || code == 112 || code == 113 || code == 416 || code == 995;
}

static const char *const OP_NAMES[MELLAT_OP_COUNT] = {
    "bpPayRequest", "bpVerifyRequest", "bpSettleRequest", "bpInquiryRequest", "bpReversalRequest",
};

const char *mellat_op_name(int op)
{
    return op >= 0 && op < MELLAT_OP_COUNT ? OP_NAMES[op] : "?";
}

const char *mellat_code_text(int code)
{
    for (size_t i = 0; i < sizeof CODES / sizeof CODES[0]; i++)
        if (CODES[i].code == code)
            return CODES[i].text;
    return "unlisted result code";
}

int mellat_code_outcome(int op, int code)
{
    if (code == 0)
        return MELLAT_DONE;
    if (bank_trouble(code))
        return MELLAT_UNKNOWN;
    switch (op) {
    case MELLAT_OP_VERIFY:
        if (code == 43)
            return MELLAT_ALREADY;
        if (code == 41)
            return MELLAT_AMBIGUOUS;
        break;
    case MELLAT_OP_SETTLE:
        if (code == 45)
            return MELLAT_AMBIGUOUS;
        break;
    case MELLAT_OP_INQUIRY:
        if (code == 43 || code == 45)
            return MELLAT_ALREADY;
        break;
    case MELLAT_OP_REVERSAL:
        if (code == 48)
            return MELLAT_ALREADY;
        if (code == 45)
            return MELLAT_AMBIGUOUS;
        break;
    default:
        break;
    }
    return MELLAT_REFUSED;
}

int mellat_code_error(const sl_host *h, sl_ctx *ctx, int op, int code, sl_error *err)
{
    char num[16];
    snprintf(num, sizeof num, "%d", code);
    const char *text = mellat_code_text(code);
    h->result_set(ctx, "code", num);
    h->result_set(ctx, "message", text);
    if (mellat_code_outcome(op, code) == MELLAT_UNKNOWN)
        return sl_error_set(err, SL_ERETRY, "ResCode", "%s answered %d (%s): outcome unknown",
                            mellat_op_name(op), code, text);
    return sl_error_set(err, SL_EREMOTE, "ResCode", "%s refused: %d (%s)", mellat_op_name(op), code,
                        text);
}
