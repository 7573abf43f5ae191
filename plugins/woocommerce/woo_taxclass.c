/*
 * WooCommerce tax classes as the tenant names them. The shop sends the
 * standard class as "" on line items and fees (the real store never says
 * "standard" there), while its tax-class list and the INI map use the slug
 * `standard`. Shipping lines carry no class at all: with the shop's usual
 * "inherit" setting their tax follows the items, so a shipping line takes
 * the class of the item taxed at the same rate id. Without this the
 * tenant's `standard = VAT21` would never match a standard-rate line.
 */
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

const char *woo_tax_class_name(const char *shop_class)
{
    return shop_class == NULL || shop_class[0] == '\0' ? "standard" : shop_class;
}

/* The id of the first taxes[] entry of obj, or "" when it has none. */
static void first_rate_id(const json_t *obj, char out[WOO_ID_MAX])
{
    out[0] = '\0';
    json_t *taxes = json_object_get(obj, "taxes");
    json_t *t = json_is_array(taxes) ? json_array_get(taxes, 0) : NULL;
    if (t != NULL && sl_json_id(t, "id", 0, out, WOO_ID_MAX, NULL) != SL_OK)
        out[0] = '\0';
}

const char *woo_shipping_tax_class(const json_t *line_items, const json_t *shipping_line)
{
    char want[WOO_ID_MAX];
    first_rate_id(shipping_line, want);
    if (want[0] == '\0' || !json_is_array(line_items))
        return NULL;
    size_t i;
    json_t *it;
    json_array_foreach(line_items, i, it)
    {
        char rid[WOO_ID_MAX];
        first_rate_id(it, rid);
        if (strcmp(rid, want) != 0)
            continue;
        const char *cls = NULL;
        if (sl_json_str(it, "tax_class", 0, &cls, NULL) != SL_OK)
            cls = NULL;
        return woo_tax_class_name(cls);
    }
    return NULL;
}
