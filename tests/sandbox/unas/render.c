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

static void elem_int(unas_buf *b, const char *name, json_int_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)v);
    unas_buf_elem(b, name, num);
}

static void elem_time(unas_buf *b, const char *name, json_int_t t)
{
    char buf[32];
    unas_buf_elem(b, name, unas_local_format(t, 0, buf));
}

/* Text in CDATA, as UNAS sends names and statuses. */
static void elem_cdata(unas_buf *b, const char *name, const char *text)
{
    unas_buf_add(b, "<");
    unas_buf_add(b, name);
    unas_buf_add(b, "><![CDATA[");
    unas_buf_add(b, strstr(text, "]]>") ? "" : text);
    unas_buf_add(b, "]]></");
    unas_buf_add(b, name);
    unas_buf_add(b, ">");
}

static void address(unas_buf *b, const char *tag, const json_t *c)
{
    unas_buf_add(b, "<");
    unas_buf_add(b, tag);
    unas_buf_add(b, ">");
    unas_buf_elem(b, "Name", str(c, "name"));
    unas_buf_elem(b, "ZIP", str(c, "zip"));
    unas_buf_elem(b, "City", str(c, "city"));
    unas_buf_elem(b, "Street", str(c, "street"));
    unas_buf_elem(b, "Country", str(c, "country"));
    unas_buf_elem(b, "CountryCode", str(c, "country_code"));
    if (strcmp(tag, "Invoice") == 0) {
        unas_buf_elem(b, "TaxNumber", str(c, "tax_number"));
        unas_buf_elem(b, "CustomerType",
                      *str(c, "customer_type") ? str(c, "customer_type") : "private");
    }
    unas_buf_add(b, "</");
    unas_buf_add(b, tag);
    unas_buf_add(b, ">");
}

static void customer(unas_buf *b, const json_t *c)
{
    unas_buf_add(b, "<Customer>");
    unas_buf_elem(b, "Id", str(c, "id"));
    unas_buf_elem(b, "Email", str(c, "email"));
    unas_buf_add(b, "<Contact>");
    elem_cdata(b, "Name", str(c, "name"));
    unas_buf_elem(b, "Phone", str(c, "phone"));
    unas_buf_elem(b, "Mobile", str(c, "mobile"));
    unas_buf_add(b, "</Contact><Addresses>");
    address(b, "Invoice", c);
    address(b, "Shipping", c);
    unas_buf_add(b, "</Addresses></Customer>");
}

static void item(unas_buf *b, const json_t *it)
{
    unas_buf_add(b, "<Item>");
    unas_buf_elem(b, "Id", str(it, "id"));
    unas_buf_elem(b, "Sku", str(it, "sku"));
    elem_cdata(b, "Name", str(it, "name"));
    const json_t *vars = json_object_get(it, "variants");
    if (json_array_size(vars) > 0) {
        size_t i;
        json_t *v;
        unas_buf_add(b, "<Variants>");
        json_array_foreach(vars, i, v)
        {
            unas_buf_add(b, "<Variant>");
            unas_buf_elem(b, "Name", str(v, "name"));
            unas_buf_elem(b, "Value", str(v, "value"));
            unas_buf_add(b, "</Variant>");
        }
        unas_buf_add(b, "</Variants>");
    }
    unas_buf_elem(b, "Unit", *str(it, "unit") ? str(it, "unit") : "db");
    unas_buf_elem(b, "Quantity", str(it, "qty"));
    unas_buf_elem(b, "PriceNet", str(it, "net"));
    unas_buf_elem(b, "PriceGross", str(it, "gross"));
    unas_buf_elem(b, "Vat", str(it, "vat"));
    if (json_object_get(it, "percent"))
        unas_buf_elem(b, "Percent", str(it, "percent"));
    unas_buf_add(b, "</Item>");
}

static void comments(unas_buf *b, const json_t *o)
{
    const json_t *list = json_object_get(o, "comments");
    if (json_array_size(list) == 0)
        return;
    size_t i;
    json_t *c;
    unas_buf_add(b, "<Comments>");
    json_array_foreach(list, i, c)
    {
        unas_buf_add(b, "<Comment>");
        unas_buf_elem(b, "Type", str(c, "type"));
        elem_cdata(b, "Text", str(c, "text"));
        unas_buf_add(b, "</Comment>");
    }
    unas_buf_add(b, "</Comments>");
}

void usb_render_order(unas_buf *b, const json_t *o)
{
    const json_t *p = json_object_get(o, "payment"), *s = json_object_get(o, "shipping");
    unas_buf_add(b, "<Order>");
    unas_buf_elem(b, "Key", str(o, "key"));
    elem_int(b, "Id", json_integer_value(json_object_get(o, "id")));
    elem_time(b, "Date", json_integer_value(json_object_get(o, "date_ts")));
    elem_time(b, "DateMod", json_integer_value(json_object_get(o, "mod_ts")));
    unas_buf_elem(b, "Lang", *str(o, "lang") ? str(o, "lang") : "hu");
    customer(b, json_object_get(o, "customer"));
    unas_buf_elem(b, "Currency", str(o, "currency"));
    elem_cdata(b, "Status", str(o, "status"));
    unas_buf_elem(b, "StatusID", str(o, "status_id"));
    unas_buf_add(b, "<Payment>");
    unas_buf_elem(b, "Id", str(p, "id"));
    unas_buf_elem(b, "Name", str(p, "name"));
    unas_buf_elem(b, "Type", str(p, "type"));
    unas_buf_elem(b, "Status", str(p, "status"));
    unas_buf_add(b, "</Payment><Shipping>");
    unas_buf_elem(b, "Id", str(s, "id"));
    unas_buf_elem(b, "Name", str(s, "name"));
    unas_buf_add(b, "<PackageNumber/></Shipping><Invoice>");
    elem_int(b, "Status", json_integer_value(json_object_get(o, "invoice_status")));
    unas_buf_add(b, "</Invoice>");
    unas_buf_elem(b, "SumPriceGross", str(o, "sum"));
    comments(b, o);
    unas_buf_add(b, "<Items>");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(o, "items"), i, it) item(b, it);
    unas_buf_add(b, "</Items></Order>");
}

void usb_render_product(unas_buf *b, const json_t *p)
{
    unas_buf_add(b, "<Product>");
    elem_int(b, "Id", json_integer_value(json_object_get(p, "id")));
    unas_buf_elem(b, "Sku", str(p, "sku"));
    unas_buf_elem(b, "State", "live");
    elem_cdata(b, "Name", str(p, "name"));
    unas_buf_elem(b, "Unit", *str(p, "unit") ? str(p, "unit") : "db");
    if (*str(p, "type")) {
        unas_buf_add(b, "<Types>");
        unas_buf_elem(b, "Type", str(p, "type"));
        if (*str(p, "parent"))
            unas_buf_elem(b, "Parent", str(p, "parent"));
        unas_buf_add(b, "</Types>");
    }
    unas_buf_add(b, "<Prices>");
    unas_buf_elem(b, "Vat", str(p, "vat"));
    unas_buf_add(b, "<Price><Type>normal</Type>");
    unas_buf_elem(b, "Net", str(p, "net"));
    unas_buf_elem(b, "Gross", str(p, "gross"));
    unas_buf_add(b, "</Price></Prices><Stocks><Status>");
    json_t *act = json_object_get(p, "stock_active");
    elem_int(b, "Active", act ? json_integer_value(act) : 1);
    unas_buf_add(b, "<Empty>0</Empty>");
    elem_int(b, "Variant", json_integer_value(json_object_get(p, "stock_variant")));
    unas_buf_add(b, "</Status><Stock>");
    elem_int(b, "Qty", json_integer_value(json_object_get(p, "stock")));
    if (*str(p, "purchase"))
        unas_buf_elem(b, "Price", str(p, "purchase"));
    unas_buf_add(b, "</Stock></Stocks></Product>");
}
