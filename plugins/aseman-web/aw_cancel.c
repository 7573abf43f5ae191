/*
 * cancel_shipment: ChangeStatus(id digits, NewStatus = 4). ASSUMED: no
 * client calls a status change, only error -14 ("requested status change
 * not valid") shows that one exists (doc §6); the names, the answer 0 on
 * success and the codes -3 / -14 are our reading, kept in aw_assumed.h
 * and README.md. When the real service has no such call the host sees the
 * fault or -4 here and the operator cancels in the Aseman Web panel.
 */
#include <stdio.h>

#include "aw.h"
#include "aw_assumed.h"
#include "shopledger/sdkutil.h"

int aw_cancel_shipment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    aw_chan *ch = state;
    const sl_host *h = ch->host;
    char digits[AW_ID_MAX];
    int rc = aw_id_digits(h->param_get(p, "parcel_id"), "parcel_id", digits, sizeof digits, err);
    if (rc != SL_OK)
        return rc;
    const aw_param params[] = {{AW_PARAM_STATUS_ID, digits, 0},
                               {AW_PARAM_NEW_STATUS, AW_STATE_CANCELLED_TEXT, 1}};
    aw_answer a = {0};
    rc = aw_call(ch, ctx, AW_METHOD_CHANGE_STATUS, params, 2, &a, err);
    if (rc != SL_OK)
        return rc;
    char text[AW_FIELD_MAX];
    int64_t code = 0;
    if (aw_answer_field(&a, NULL, text, sizeof text) != 1 || !aw_int_parse(text, &code))
        rc = sl_error_set(err, SL_EIO, "", AW_METHOD_CHANGE_STATUS ": answer is not a number");
    else if (code != 0)
        rc = aw_is_error_code(code)
                 ? aw_code_report(h, ctx, AW_METHOD_CHANGE_STATUS, code, err)
                 : sl_error_set(err, SL_EIO, "", AW_METHOD_CHANGE_STATUS ": unexpected answer %lld",
                                (long long)code);
    else if (h->result_set(ctx, "status", aw_state_normalized(4)) != SL_OK ||
             h->result_set(ctx, "status_raw", AW_STATE_CANCELLED_TEXT) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, "", "cannot record the cancel");
    aw_answer_free(&a);
    return rc;
}
