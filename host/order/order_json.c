/*
 * The normalized JSON form of an order (its canonical text and hash are in
 * order_canonical.c).
 *
 * Shape (flat; key names come from the field-name tables in order.c):
 *   {"tenant": "...", "channel": "...", "exponent": 2,
 *    "external_id": "1042", "currency": "EUR", ...      text, only non-empty
 *    "total": 12100, ...                                money set, minor units
 *    "created_ms": 1717..., ...                         times, only non-zero
 *    "prices_include_tax": true, ...                    flags, only true
 *    "billing": {"city": "Riga", ...}, "shipping": {...},
 *    "lines": [{"kind": "product", "sku": "A1", "qty_milli": 2000,
 *               "total": 10000, "tax_percent_milli": 21000,
 *               "restocked_milli": 1000 (only when not 0),
 *               "taxes": [{"rate_id": "1", "amount": 2100}]}]}
 * Absent and empty are the same thing in the struct, so leaving them out
 * keeps the round trip exact and the hash independent of how a connector
 * spelled "nothing". The raw payload is never part of this form.
 */
#include <stdlib.h>
#include <string.h>

#include "order/order.h"
#include "order/order_internal.h"
#include "shopledger/sdkutil.h"

/* ---- to JSON ------------------------------------------------------------ */

static int put_text(json_t *obj, const char *name, const char *value)
{
    if (value == NULL || *value == '\0')
        return 0;
    return json_object_set_new(obj, name, json_string(value));
}

static json_t *address_json(const order_address *a)
{
    json_t *j = json_object();
    for (int f = 1; j && f < SL_ADDR_FIELD_END_V1; f++)
        if (put_text(j, order_address_name(f), a->field[f]) != 0) {
            json_decref(j);
            return NULL;
        }
    return j;
}

/* One tax of a line; "exact" only when the shop gave more digits than
   the currency has (so orders without them hash as they always did). */
static json_t *tax_json(const order *o, const order_tax *t)
{
    json_t *j = json_pack("{s:s, s:I}", "rate_id", t->rate_id, "amount", (json_int_t)t->amount);
    if (j != NULL && t->exact != order_exact_of(o, t->amount) &&
        json_object_set_new(j, "exact", json_integer(t->exact)) != 0) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *rates_json(const order *o)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < o->rate_count; i++) {
        const order_rate *r = &o->rates[i];
        json_t *j = json_pack("{s:s, s:I, s:I}", "rate_id", r->rate_id, "tax", (json_int_t)r->tax,
                              "shipping_tax", (json_int_t)r->shipping_tax);
        if (j && r->percent_milli >= 0)
            json_object_set_new(j, "percent_milli", json_integer(r->percent_milli));
        if (j && r->compound)
            json_object_set_new(j, "compound", json_true());
        if (j == NULL || json_array_append_new(arr, j) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *line_json(const order *o, const order_line *l)
{
    json_t *j = json_object();
    json_t *taxes = json_array();
    int bad = j == NULL || taxes == NULL;
    bad |= json_object_set_new(j, "kind", json_string(order_line_kind_name(l->kind)));
    for (int f = 1; !bad && f < SL_LINE_TEXT_END_V1_4; f++)
        bad |= put_text(j, order_line_text_name(f), l->text[f]);
    for (int f = 1; !bad && f < SL_LINE_MONEY_END_V1; f++)
        if (l->money_set & (1u << f))
            bad |= json_object_set_new(j, order_line_money_name(f), json_integer(l->money[f]));
    bad |= json_object_set_new(j, "qty_milli", json_integer(l->qty_milli));
    if (!bad && l->restocked_milli != 0)
        bad |= json_object_set_new(j, "restocked_milli", json_integer(l->restocked_milli));
    for (size_t i = 0; !bad && i < l->tax_count; i++)
        bad |= json_array_append_new(taxes, tax_json(o, &l->taxes[i]));
    if (!bad && l->tax_count > 0) {
        bad |= json_object_set(j, "taxes", taxes);
    }
    json_decref(taxes);
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static int put_scalars(json_t *j, const order *o)
{
    int bad = 0;
    for (int f = 1; !bad && f < SL_ORDER_TEXT_END_V1; f++)
        bad |= put_text(j, order_text_name(f), o->text[f]);
    for (int f = 1; !bad && f < SL_ORDER_MONEY_END_V1; f++)
        if (o->money_set & (1u << f))
            bad |= json_object_set_new(j, order_money_name(f), json_integer(o->money[f]));
    for (int f = 1; !bad && f < SL_ORDER_TIME_END_V1; f++)
        if (o->time[f] != 0)
            bad |= json_object_set_new(j, order_time_name(f), json_integer(o->time[f]));
    for (int f = 1; !bad && f < SL_ORDER_FLAG_END_V1_4; f++)
        if (o->flag[f])
            bad |= json_object_set_new(j, order_flag_name(f), json_true());
    return bad;
}

json_t *order_to_json(const order *o)
{
    json_t *j = json_object();
    json_t *lines = json_array();
    int bad = j == NULL || lines == NULL;
    bad |= json_object_set_new(j, "tenant", json_string(o->tenant));
    bad |= json_object_set_new(j, "channel", json_string(o->channel));
    bad |= json_object_set_new(j, "exponent", json_integer(o->exponent));
    bad |= bad ? 0 : put_scalars(j, o);
    bad |= json_object_set_new(j, "billing", address_json(&o->billing));
    bad |= json_object_set_new(j, "shipping", address_json(&o->shipping));
    for (size_t i = 0; !bad && i < o->line_count; i++)
        bad |= json_array_append_new(lines, line_json(o, &o->lines[i]));
    bad |= json_object_set(j, "lines", lines);
    if (!bad && o->rate_count > 0)
        bad |= json_object_set_new(j, "tax_rates", rates_json(o));
    if (!bad && o->truncated[0])
        bad |= json_object_set_new(j, "truncated", json_string(o->truncated));
    json_decref(lines);
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* ---- from JSON ---------------------------------------------------------- */

static int wrong_type(sl_error *err, const char *field, const char *want)
{
    return sl_error_set(err, SL_EINVALID, field, "%s must be %s", field, want);
}

/* A string member or NULL when absent; SL_EINVALID when another type. */
static int get_str(const json_t *obj, const char *name, const char *field, const char **out,
                   sl_error *err)
{
    json_t *v = json_object_get(obj, name);
    if (v != NULL && !json_is_string(v))
        return wrong_type(err, field, "a string");
    *out = v ? json_string_value(v) : NULL;
    return SL_OK;
}

/* An integer member; *present tells whether it was there. */
static int get_int(const json_t *obj, const char *name, const char *field, int64_t *out,
                   int *present, sl_error *err)
{
    json_t *v = json_object_get(obj, name);
    *present = v != NULL;
    if (v == NULL)
        return SL_OK;
    if (!json_is_integer(v))
        return wrong_type(err, field, "an integer");
    *out = json_integer_value(v);
    return SL_OK;
}

static int read_address(const json_t *j, order *o, int which, sl_error *err)
{
    const char *part = which == SL_ADDR_BILLING ? "billing" : "shipping";
    json_t *a = json_object_get(j, part);
    if (a == NULL)
        return SL_OK;
    if (!json_is_object(a))
        return wrong_type(err, part, "an object");
    for (int f = 1; f < SL_ADDR_FIELD_END_V1; f++) {
        const char *v = NULL;
        int rc = get_str(a, order_address_name(f), part, &v, err);
        if (rc == SL_OK && v)
            rc = order_set_address(o, which, f, v, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

static int read_line_taxes(const json_t *jl, const order *o, order_line *l, const char *field,
                           sl_error *err)
{
    json_t *taxes = json_object_get(jl, "taxes");
    if (taxes == NULL)
        return SL_OK;
    if (!json_is_array(taxes))
        return wrong_type(err, field, "an array");
    size_t i;
    json_t *t;
    json_array_foreach(taxes, i, t)
    {
        const char *rate = NULL;
        int64_t amount = 0;
        int present = 0;
        int rc = t && json_is_object(t) ? SL_OK : wrong_type(err, field, "objects");
        if (rc == SL_OK)
            rc = get_str(t, "rate_id", field, &rate, err);
        if (rc == SL_OK)
            rc = get_int(t, "amount", field, &amount, &present, err);
        if (rc == SL_OK && !present)
            rc = sl_error_set(err, SL_EINVALID, field, "tax without amount");
        int64_t exact = order_exact_of(o, amount);
        if (rc == SL_OK)
            rc = get_int(t, "exact", field, &exact, &present, err);
        if (rc == SL_OK)
            rc = order_tax_put(l, rate, amount, exact, field, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

static int line_kind_parse(const char *name)
{
    for (int k = 1; name && k < SL_LINE_KIND_END_V1; k++)
        if (strcmp(order_line_kind_name(k), name) == 0)
            return k;
    return 0;
}

static int read_line_fields(const json_t *jl, order *o, order_line *l, const char *field,
                            sl_error *err)
{
    int rc = SL_OK;
    for (int f = 1; rc == SL_OK && f < SL_LINE_TEXT_END_V1_4; f++) {
        const char *v = NULL;
        rc = get_str(jl, order_line_text_name(f), field, &v, err);
        if (rc == SL_OK && v)
            rc = order_line_set_text(o, l, f, v, err);
    }
    for (int f = 1; rc == SL_OK && f < SL_LINE_MONEY_END_V1; f++) {
        int64_t v = 0;
        int present;
        rc = get_int(jl, order_line_money_name(f), field, &v, &present, err);
        if (rc == SL_OK && present) {
            l->money[f] = v;
            l->money_set |= 1u << f;
            if (f == SL_LINE_TAX_PERCENT)
                l->tax_percent_milli = v;
        }
    }
    int present;
    if (rc == SL_OK)
        rc = get_int(jl, "qty_milli", field, &l->qty_milli, &present, err);
    if (rc == SL_OK)
        rc = get_int(jl, "restocked_milli", field, &l->restocked_milli, &present, err);
    if (rc == SL_OK)
        rc = read_line_taxes(jl, o, l, field, err);
    return rc;
}

static int read_lines(const json_t *j, order *o, sl_error *err)
{
    json_t *lines = json_object_get(j, "lines");
    if (lines == NULL)
        return SL_OK;
    if (!json_is_array(lines))
        return wrong_type(err, "lines", "an array");
    size_t i;
    json_t *jl;
    json_array_foreach(lines, i, jl)
    {
        char field[SL_ERROR_FIELD_MAX];
        snprintf(field, sizeof field, "lines[%zu]", i);
        if (!json_is_object(jl))
            return wrong_type(err, field, "an object");
        const char *kind = NULL;
        int rc = get_str(jl, "kind", field, &kind, err);
        if (rc != SL_OK)
            return rc;
        sl_error local = {.size = sizeof local};
        order_line *l = order_add_line(o, line_kind_parse(kind), &local);
        if (l == NULL) {
            if (err && err->size >= sizeof *err)
                *err = local;
            return local.code;
        }
        rc = read_line_fields(jl, o, l, field, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

static int read_rates(const json_t *j, order *o, sl_error *err)
{
    json_t *rates = json_object_get(j, "tax_rates");
    if (rates == NULL)
        return SL_OK;
    if (!json_is_array(rates))
        return wrong_type(err, "tax_rates", "an array");
    size_t i;
    json_t *jr;
    json_array_foreach(rates, i, jr)
    {
        char field[SL_ERROR_FIELD_MAX];
        snprintf(field, sizeof field, "tax_rates[%zu]", i);
        if (!json_is_object(jr))
            return wrong_type(err, field, "an object");
        const char *id = NULL;
        order_rate r = {.percent_milli = -1};
        int present = 0;
        json_t *c = json_object_get(jr, "compound");
        int rc = get_str(jr, "rate_id", field, &id, err);
        if (rc == SL_OK)
            rc = get_int(jr, "tax", field, &r.tax, &present, err);
        if (rc == SL_OK)
            rc = get_int(jr, "shipping_tax", field, &r.shipping_tax, &present, err);
        if (rc == SL_OK)
            rc = get_int(jr, "percent_milli", field, &r.percent_milli, &present, err);
        if (rc == SL_OK && c != NULL && !json_is_boolean(c))
            rc = wrong_type(err, field, "compound true or false");
        r.rate_id = (char *)id;
        r.compound = c != NULL && json_is_true(c);
        if (rc == SL_OK)
            rc = order_rate_put(o, &r, field, err);
        if (rc != SL_OK)
            return rc;
    }
    return SL_OK;
}

/* Currency first (with the stored exponent as an override, so a tenant's
   HUF 0 survives the trip), then the other scalar members. */
static int read_scalars(const json_t *j, order *o, sl_error *err)
{
    int64_t exp = -1;
    int present;
    const char *cur = NULL;
    int rc = get_int(j, "exponent", "exponent", &exp, &present, err);
    if (rc == SL_OK)
        rc = get_str(j, "currency", "order.currency", &cur, err);
    if (rc == SL_OK && cur && exp >= 0)
        rc = order_set_exponent_override(o, cur, (int)exp, err);
    for (int f = 1; rc == SL_OK && f < SL_ORDER_TEXT_END_V1; f++) {
        const char *v = NULL;
        rc = get_str(j, order_text_name(f), order_text_name(f), &v, err);
        if (rc == SL_OK && v)
            rc = order_set_text(o, f, v, err);
    }
    for (int f = 1; rc == SL_OK && f < SL_ORDER_MONEY_END_V1; f++) {
        int64_t v = 0;
        rc = get_int(j, order_money_name(f), order_money_name(f), &v, &present, err);
        if (rc == SL_OK && present) {
            o->money[f] = v;
            o->money_set |= 1u << f;
        }
    }
    for (int f = 1; rc == SL_OK && f < SL_ORDER_TIME_END_V1; f++) {
        int64_t v = 0;
        rc = get_int(j, order_time_name(f), order_time_name(f), &v, &present, err);
        if (rc == SL_OK && present)
            rc = order_set_time(o, f, v, err);
    }
    for (int f = 1; rc == SL_OK && f < SL_ORDER_FLAG_END_V1_4; f++) {
        json_t *v = json_object_get(j, order_flag_name(f));
        if (v && !json_is_boolean(v))
            rc = wrong_type(err, order_flag_name(f), "true or false");
        else
            o->flag[f] = v && json_is_true(v);
    }
    return rc;
}

int order_from_json(const json_t *j, order **out, sl_error *err)
{
    if (!json_is_object(j))
        return wrong_type(err, "order", "an object");
    const char *tenant = NULL, *channel = NULL;
    int rc = get_str(j, "tenant", "tenant", &tenant, err);
    if (rc == SL_OK)
        rc = get_str(j, "channel", "channel", &channel, err);
    if (rc != SL_OK)
        return rc;
    order *o = order_new(tenant, channel);
    if (o == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    rc = read_scalars(j, o, err);
    if (rc == SL_OK)
        rc = read_address(j, o, SL_ADDR_BILLING, err);
    if (rc == SL_OK)
        rc = read_address(j, o, SL_ADDR_SHIPPING, err);
    if (rc == SL_OK)
        rc = read_lines(j, o, err);
    if (rc == SL_OK)
        rc = read_rates(j, o, err);
    const char *cut = NULL;
    if (rc == SL_OK)
        rc = get_str(j, "truncated", "truncated", &cut, err);
    if (rc == SL_OK && cut)
        snprintf(o->truncated, sizeof o->truncated, "%s", cut);
    if (rc != SL_OK) {
        order_free(o);
        return rc;
    }
    *out = o;
    return SL_OK;
}
