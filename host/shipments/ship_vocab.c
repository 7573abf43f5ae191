/*
 * The two normalized vocabularies of issue 14, as word lists: shipping
 * statuses (what a postal service says about a parcel) and order statuses
 * (sdk.h SL_STATUS_*, what a shop says about an order). Each platform's
 * own labels are mapped into them by its connector; the raw label is kept
 * beside by the tables that record them.
 */
#include <string.h>

#include "shipments/shipments.h"

static const char *const SHIP_WORDS[] = {
    SHIP_NOT_LOADED,        SHIP_NO_SHIPPING_NEEDED, SHIP_LEFT_WAREHOUSE,
    SHIP_DELIVERED_TO_POST, SHIP_DELIVERED,          SHIP_PARTIAL,
    SHIP_RETURNED,          SHIP_CANCELLED,          SHIP_OTHER,
};

static const char *const ORDER_WORDS[] = {
    SL_STATUS_AWAITING,  SL_STATUS_CONFIRMED,      SL_STATUS_NOT_CONFIRMED, SL_STATUS_PREPARING,
    SL_STATUS_RESERVED,  SL_STATUS_INVOICE_DEFECT, SL_STATUS_SENT_TO_POST,  SL_STATUS_SENT,
    SL_STATUS_DELIVERED, SL_STATUS_RETURNED,       SL_STATUS_CANCELLED,
};

static int in_list(const char *const *list, size_t n, const char *name)
{
    if (!name)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

int ship_status_known(const char *name)
{
    return in_list(SHIP_WORDS, sizeof SHIP_WORDS / sizeof SHIP_WORDS[0], name);
}

int ship_status_final(const char *name)
{
    return name && (strcmp(name, SHIP_DELIVERED) == 0 || strcmp(name, SHIP_RETURNED) == 0 ||
                    strcmp(name, SHIP_CANCELLED) == 0);
}

int order_status_known(const char *name)
{
    return in_list(ORDER_WORDS, sizeof ORDER_WORDS / sizeof ORDER_WORDS[0], name);
}

const char *ship_status_list(void)
{
    return "not_loaded, no_shipping_needed, left_warehouse, delivered_to_post, "
           "delivered_to_customer, partial_delivery, returned, cancelled, other";
}

const char *order_status_list(void)
{
    return "awaiting_confirmation, confirmed, not_confirmed, preparing, reserved, "
           "invoice_defect, sent_to_postal_system, sent, delivered, returned, cancelled";
}
