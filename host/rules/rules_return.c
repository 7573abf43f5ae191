/*
 * A parcel the post brought back (rules.h rules_credit_return): the
 * order's invoice is credited like a cancellation, under the shipment's
 * own reference, with the order's current revision as the context.
 */
#include <string.h>

#include "inbox/inbox_find.h"
#include "rules/rules_int.h"
#include "shopledger/sdkutil.h"

int rules_credit_return(store *s, const config_tenant *t, const char *channel,
                        const char *external_id, int64_t doc_id, const char *ref, const char *why,
                        int64_t now_ms, sl_error *err)
{
    const config_channel *ch = config_find_channel(t, channel);
    if (!ch)
        return sl_error_set(err, SL_ENOTFOUND, "channel", "no channel %s", channel);
    if (!store_in_tx(s))
        return sl_error_set(err, SL_EINTERNAL, "", "rules_credit_return needs a transaction");
    json_t *j = NULL;
    order *o = NULL;
    ledger_doc *d = NULL;
    int rc = inbox_find_order_json(s, channel, external_id, &j, err);
    if (rc == SL_OK)
        rc = order_from_json(j, &o, err);
    json_decref(j);
    if (rc == SL_OK)
        rc = ledger_doc_load(s, doc_id, &d, err);
    if (rc == SL_OK) {
        rules_ctx c = {.s = s, .t = t, .ch = ch, .it = NULL, .o = o, .now_ms = now_ms, .err = err};
        int posted_invoice =
            strcmp(d->status, LEDGER_POSTED) == 0 && strcmp(d->type, LEDGER_INVOICE) == 0;
        rc = posted_invoice ? rules_credit_rest(&c, d, ref, why) : rules_cancel(&c, d);
    }
    ledger_doc_free(d);
    order_free(o);
    return rc;
}
