/*
 * XML shapes of the emulated shop (api/unas.md §4.2, §4.3, §5.1): an order
 * as getOrder returns it and a product as getProduct (ContentType full)
 * returns it. Values come from the sandbox's JSON state; dates are kept
 * as epoch seconds and printed as Budapest wall time.
 */
#include <stdio.h>
#include <string.h>

#include "usb.h"

static const char *str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static void elem_int(sl_xml_buf *b, const char *name, json_int_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)v);
    sl_xml_add_elem(b, name, num);
}

static void elem_time(sl_xml_buf *b, const char *name, json_int_t t)
{
    char buf[32];
    sl_xml_add_elem(b, name, unas_local_format(t, 0, buf));
}

/* Text in CDATA, as UNAS sends names and statuses. */
static void elem_cdata(sl_xml_buf *b, const char *name, const char *text)
{
    sl_xml_add(b, "<");
    sl_xml_add(b, name);
    sl_xml_add(b, "><![CDATA[");
    sl_xml_add(b, strstr(text, "]]>") ? "" : text);
    sl_xml_add(b, "]]></");
    sl_xml_add(b, name);
    sl_xml_add(b, ">");
}

static void address(sl_xml_buf *b, const char *tag, const json_t *c)
{
    sl_xml_add(b, "<");
    sl_xml_add(b, tag);
    sl_xml_add(b, ">");
    sl_xml_add_elem(b, "Name", str(c, "name"));
    sl_xml_add_elem(b, "ZIP", str(c, "zip"));
    sl_xml_add_elem(b, "City", str(c, "city"));
    sl_xml_add_elem(b, "Street", str(c, "street"));
    sl_xml_add_elem(b, "Country", str(c, "country"));
    sl_xml_add_elem(b, "CountryCode", str(c, "country_code"));
    if (strcmp(tag, "Invoice") == 0) {
        sl_xml_add_elem(b, "TaxNumber", str(c, "tax_number"));
        sl_xml_add_elem(b, "CustomerType",
                        *str(c, "customer_type") ? str(c, "customer_type") : "private");
    }
    sl_xml_add(b, "</");
    sl_xml_add(b, tag);
    sl_xml_add(b, ">");
}

static void customer(sl_xml_buf *b, const json_t *c)
{
    sl_xml_add(b, "<Customer>");
    sl_xml_add_elem(b, "Id", str(c, "id"));
    sl_xml_add_elem(b, "Email", str(c, "email"));
    sl_xml_add(b, "<Contact>");
    elem_cdata(b, "Name", str(c, "name"));
    sl_xml_add_elem(b, "Phone", str(c, "phone"));
    sl_xml_add_elem(b, "Mobile", str(c, "mobile"));
    sl_xml_add(b, "</Contact><Addresses>");
    address(b, "Invoice", c);
    address(b, "Shipping", c);
    sl_xml_add(b, "</Addresses></Customer>");
}

static void item(sl_xml_buf *b, const json_t *it)
{
    sl_xml_add(b, "<Item>");
    sl_xml_add_elem(b, "Id", str(it, "id"));
    sl_xml_add_elem(b, "Sku", str(it, "sku"));
    elem_cdata(b, "Name", str(it, "name"));
    const json_t *vars = json_object_get(it, "variants");
    if (json_array_size(vars) > 0) {
        size_t i;
        json_t *v;
        sl_xml_add(b, "<Variants>");
        json_array_foreach(vars, i, v)
        {
            sl_xml_add(b, "<Variant>");
            sl_xml_add_elem(b, "Name", str(v, "name"));
            sl_xml_add_elem(b, "Value", str(v, "value"));
            sl_xml_add(b, "</Variant>");
        }
        sl_xml_add(b, "</Variants>");
    }
    sl_xml_add_elem(b, "Unit", *str(it, "unit") ? str(it, "unit") : "db");
    sl_xml_add_elem(b, "Quantity", str(it, "qty"));
    sl_xml_add_elem(b, "PriceNet", str(it, "net"));
    sl_xml_add_elem(b, "PriceGross", str(it, "gross"));
    sl_xml_add_elem(b, "Vat", str(it, "vat"));
    if (json_object_get(it, "percent"))
        sl_xml_add_elem(b, "Percent", str(it, "percent"));
    sl_xml_add(b, "</Item>");
}

static void comments(sl_xml_buf *b, const json_t *o)
{
    const json_t *list = json_object_get(o, "comments");
    if (json_array_size(list) == 0)
        return;
    size_t i;
    json_t *c;
    sl_xml_add(b, "<Comments>");
    json_array_foreach(list, i, c)
    {
        sl_xml_add(b, "<Comment>");
        sl_xml_add_elem(b, "Type", str(c, "type"));
        elem_cdata(b, "Text", str(c, "text"));
        sl_xml_add(b, "</Comment>");
    }
    sl_xml_add(b, "</Comments>");
}

void usb_render_order(sl_xml_buf *b, const json_t *o)
{
    const json_t *p = json_object_get(o, "payment"), *s = json_object_get(o, "shipping");
    sl_xml_add(b, "<Order>");
    sl_xml_add_elem(b, "Key", str(o, "key"));
    elem_int(b, "Id", json_integer_value(json_object_get(o, "id")));
    elem_time(b, "Date", json_integer_value(json_object_get(o, "date_ts")));
    elem_time(b, "DateMod", json_integer_value(json_object_get(o, "mod_ts")));
    sl_xml_add_elem(b, "Lang", *str(o, "lang") ? str(o, "lang") : "hu");
    customer(b, json_object_get(o, "customer"));
    sl_xml_add_elem(b, "Currency", str(o, "currency"));
    elem_cdata(b, "Status", str(o, "status"));
    sl_xml_add_elem(b, "StatusID", str(o, "status_id"));
    sl_xml_add(b, "<Payment>");
    sl_xml_add_elem(b, "Id", str(p, "id"));
    sl_xml_add_elem(b, "Name", str(p, "name"));
    sl_xml_add_elem(b, "Type", str(p, "type"));
    sl_xml_add_elem(b, "Status", str(p, "status"));
    sl_xml_add(b, "</Payment><Shipping>");
    sl_xml_add_elem(b, "Id", str(s, "id"));
    sl_xml_add_elem(b, "Name", str(s, "name"));
    sl_xml_add(b, "<PackageNumber/></Shipping><Invoice>");
    elem_int(b, "Status", json_integer_value(json_object_get(o, "invoice_status")));
    sl_xml_add(b, "</Invoice>");
    sl_xml_add_elem(b, "SumPriceGross", str(o, "sum"));
    comments(b, o);
    sl_xml_add(b, "<Items>");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(o, "items"), i, it) item(b, it);
    sl_xml_add(b, "</Items></Order>");
}

void usb_render_product(sl_xml_buf *b, const json_t *p)
{
    sl_xml_add(b, "<Product>");
    elem_int(b, "Id", json_integer_value(json_object_get(p, "id")));
    sl_xml_add_elem(b, "Sku", str(p, "sku"));
    sl_xml_add_elem(b, "State", "live");
    elem_cdata(b, "Name", str(p, "name"));
    sl_xml_add_elem(b, "Unit", *str(p, "unit") ? str(p, "unit") : "db");
    if (*str(p, "type")) {
        sl_xml_add(b, "<Types>");
        sl_xml_add_elem(b, "Type", str(p, "type"));
        if (*str(p, "parent"))
            sl_xml_add_elem(b, "Parent", str(p, "parent"));
        sl_xml_add(b, "</Types>");
    }
    sl_xml_add(b, "<Prices>");
    sl_xml_add_elem(b, "Vat", str(p, "vat"));
    sl_xml_add(b, "<Price><Type>normal</Type>");
    sl_xml_add_elem(b, "Net", str(p, "net"));
    sl_xml_add_elem(b, "Gross", str(p, "gross"));
    sl_xml_add(b, "</Price></Prices><Stocks><Status>");
    json_t *act = json_object_get(p, "stock_active");
    elem_int(b, "Active", act ? json_integer_value(act) : 1);
    sl_xml_add(b, "<Empty>0</Empty>");
    elem_int(b, "Variant", json_integer_value(json_object_get(p, "stock_variant")));
    sl_xml_add(b, "</Status><Stock>");
    elem_int(b, "Qty", json_integer_value(json_object_get(p, "stock")));
    if (*str(p, "purchase"))
        sl_xml_add_elem(b, "Price", str(p, "purchase"));
    sl_xml_add(b, "</Stock></Stocks></Product>");
}
