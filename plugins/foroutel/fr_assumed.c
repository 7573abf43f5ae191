/*
 * Everything the wire notes mark "assumed" for Foroutel, in one place
 * (README.md lists it):
 *
 *  - cancel (foroutel.md §7): no client shows a cancel method. The
 *    proposed contract is POST order/cancel.json {api, factor}, answered
 *    {"code":0,"message":"","result":{"factor":"...","status":"لغو شده"}}
 *    and refused with a non-zero code and a Persian message once the
 *    parcel is sent. If the real service has no such call it will answer
 *    with an error (or HTTP 404): the host then treats the cancellation as
 *    a manual task (SL_EUNSUPPORTED).
 *  - the element keys of factor.banks[] (online payment) are not used by
 *    this connector: it registers COD and prepaid parcels and leaves the
 *    buyer's online payment to the shop.
 */
#include <string.h>

#include "foroutel.h"
#include "shopledger/sdkutil.h"

#define FR_CANCEL_PATH "order/cancel"

int fr_cancel(fr_chan *ch, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    const sl_host *h = ch->host;
    const char *id = h->param_get(p, "parcel_id");
    if (!id || !*id)
        return sl_error_set(err, SL_EINVALID, "parcel_id", "parameter parcel_id is missing");
    fr_form f;
    fr_form_init(&f, h, ctx);
    fr_form_add(&f, "factor", id);
    json_t *root = NULL, *result = NULL;
    int rc = fr_put_refusal(
        ch, ctx, fr_call(ch, ctx, FR_CANCEL_PATH, &f, "the cancellation", &root, &result, err));
    if (rc == SL_OK) {
        const char *label = json_string_value(json_object_get(result, "status"));
        h->result_set(ctx, "parcel_id", id);
        h->result_set(ctx, "status", "cancelled");
        h->result_set(ctx, "status_raw", label ? label : "");
    }
    json_decref(root);
    if (rc == SL_EIO && strcmp(err->field, "http") == 0)
        return sl_error_set(err, SL_EUNSUPPORTED, "cancel",
                            "Foroutel has no cancel call here: cancel parcel %.32s in the "
                            "Foroutel panel",
                            id);
    return rc;
}
