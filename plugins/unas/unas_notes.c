/*
 * Notes back to the shop (slot report_status): setOrder Action modify on
 * the order's Key with an admin comment (api/unas.md §4.4). Whether a new
 * <Comments> block appends or replaces is not documented — assumed append
 * (README). The status word from the host is not sent: UNAS statuses are
 * the merchant's own names/ids; a mapping back is left for later. In test
 * mode nothing is written and SL_OK is returned.
 */
#include <string.h>

#include "shopledger/sdkutil.h"
#include "unas.h"

int unas_report_status(void *state, sl_ctx *ctx, const char *external_id, const char *note,
                       const char *status, const char *idempotency_key, sl_error *err)
{
    unas_chan *ch = state;
    (void)status, (void)idempotency_key;
    if (external_id == NULL || external_id[0] == '\0')
        return sl_error_set(err, SL_EINVALID, "external_id", "no order key to report on");
    if (note == NULL || note[0] == '\0')
        return SL_OK;
    if (ch->test_mode) {
        ch->host->log(ctx, SL_LOG_INFO, "test mode: note for %s not written", external_id);
        return SL_OK;
    }
    sl_xml_buf b;
    sl_xml_buf_init(&b, 64u << 10);
    sl_xml_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Orders><Order>"
                   "<Action>modify</Action>");
    sl_xml_add_elem(&b, "Key", external_id);
    sl_xml_add(&b, "<Comments><Comment><Type>admin</Type>");
    sl_xml_add_elem(&b, "Text", note);
    sl_xml_add(&b, "</Comment></Comments></Order></Orders>");
    xmlDocPtr doc = NULL;
    int rc = b.failed ? sl_xml_buf_error(&b, "note", "the note", err)
                      : unas_call(ch, ctx, "setOrder", b.p, UNAS_RATE_SET, "Orders", &doc, err);
    sl_xml_buf_free(&b);
    if (rc != SL_OK)
        return rc;
    char st[16] = "", msg[200] = "";
    xmlNodePtr o = sl_xml_child(xmlDocGetRootElement(doc), "Order");
    sl_xml_path_text(o, "Status", st, sizeof st);
    sl_xml_path_text(o, "Error", msg, sizeof msg);
    xmlFreeDoc(doc);
    if (strcmp(st, "ok") != 0)
        return sl_error_set(err, SL_EREMOTE, "Status", "setOrder %s: %s", external_id,
                            msg[0] ? msg : "status is not ok");
    return SL_OK;
}
