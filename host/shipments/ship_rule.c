/*
 * Sending by rule (ship_send.h ship_rule_apply): the shop channel's
 * shipping map picks the postal channel, the postal channel's ship_when
 * the statuses.
 */
#include <stdio.h>
#include <string.h>

#include "inbox/inbox.h"
#include "order/order.h"
#include "shipments/ship_send.h"
#include "shopledger/sdkutil.h"

/* Is `word` one of the comma-separated `list`? */
static int listed(const char *list, const char *word)
{
    size_t n = word ? strlen(word) : 0;
    for (const char *p = list; n && p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        while (len && p[len - 1] == ' ')
            len--;
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

int ship_rule_apply(store *s, const config_tenant *t, const config_channel *shop,
                    const inbox_item *it, int64_t now_ms, sl_error *err)
{
    const order *o = it->order;
    const char *method = order_text(o, SL_ORDER_SHIPPING_METHOD);
    const char *target = *method ? config_channel_map(shop, "shipping", method) : NULL;
    if (!target || !*target)
        return SL_OK;
    char postal[64], send_type[16] = "";
    const char *colon = strchr(target, ':');
    snprintf(postal, sizeof postal, "%.*s", (int)(colon ? colon - target : (long)strlen(target)),
             target);
    if (colon)
        snprintf(send_type, sizeof send_type, "%s", colon + 1);
    const config_channel *pc = config_find_channel(t, postal);
    const char *when = pc ? config_channel_get(pc, "ship_when") : NULL;
    if (!when || !(listed(when, order_text(o, SL_ORDER_STATUS_NORMALIZED)) ||
                   listed(when, order_text(o, SL_ORDER_STATUS))))
        return SL_OK;
    shipment sh;
    sl_error why = {.size = sizeof why};
    if (shipment_find_live(s, shop->name, it->external_id, &sh, &why) == SL_OK)
        return SL_OK; /* sent already (by hand or by an earlier revision) */
    int rc = store_exec(s, "SAVEPOINT ship_rule", err);
    if (rc != SL_OK)
        return rc;
    ship_send_request rq = {.shop_channel = shop->name,
                            .external_id = it->external_id,
                            .postal_channel = postal,
                            .send_type = send_type[0] ? send_type : NULL,
                            .who = "rule"};
    shipment_init(&sh);
    int q = ship_send_queue(s, t, &rq, now_ms, &sh, &why);
    /* keep a queued shipment, or the failed one recording why; undo the rest */
    int keep = q == SL_OK || (sh.id > 0 && strcmp(sh.reg_state, SHIP_REG_FAILED) == 0);
    rc = store_exec(s, keep ? "RELEASE ship_rule" : "ROLLBACK TO ship_rule", err);
    if (rc == SL_OK && !keep)
        rc = store_exec(s, "RELEASE ship_rule", err);
    char text[SL_ERROR_MSG_MAX + 96];
    if (q == SL_OK)
        snprintf(text, sizeof text,
                 "parcel queued for %s by its shipping method %s (shipment %lld)", postal, method,
                 (long long)sh.id);
    else
        snprintf(text, sizeof text, "not sent to %s: %s", postal, why.message);
    if (rc == SL_OK)
        rc = inbox_event(s, it->id, now_ms, "shipment", text, err);
    return rc;
}
