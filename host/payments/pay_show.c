/*
 * An order's gateway attempts, for the admin's "gateway transactions"
 * view: every attempt of (shop channel, external id) with its amounts in
 * both currencies, the gateway channel, when the buyer was sent to the
 * gateway and came back, the gateway's message, the reference and the
 * card mask. One JSON builder; the text form prints from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payments/pay_int.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

#define PAY_SHOW_MAX 64

static json_t *when(int64_t ms)
{
    char b[32];
    return ms > 0 ? json_string(sl_iso8601_format(ms, 1, b)) : json_null();
}

static json_t *money(int64_t minor, int exp, const char *currency)
{
    char m[SL_MONEY_TEXT_MAX];
    return json_pack("{s:s,s:s,s:I}", "amount", sl_money_format(minor, exp, m), "currency",
                     currency, "minor", (json_int_t)minor);
}

static json_t *attempt_json(const pay_attempt *a)
{
    json_t *j =
        json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id,
                  "gateway", a->channel, "status", a->status, "origin", a->origin, "shop",
                  money(a->shop_amount, a->shop_exponent, a->shop_currency), "gateway_amount",
                  money(a->gateway_amount, a->gateway_exponent, a->gateway_currency), "authority",
                  a->authority, "reference", a->reference, "card_mask", a->card_mask, "message",
                  a->message, "rule", a->rule);
    if (j == NULL)
        return NULL;
    json_object_set_new(j, "created", when(a->created_ms));
    json_object_set_new(j, "entered", when(a->entered_ms));
    json_object_set_new(j, "returned", when(a->returned_ms));
    json_object_set_new(j, "verified", when(a->verified_ms));
    json_object_set_new(j, "booked", when(a->booked_ms));
    return j;
}

json_t *pay_show_json(store *db, const char *shop_channel, const char *external_id, sl_error *err)
{
    pay_attempt *list = calloc(PAY_SHOW_MAX, sizeof *list);
    int n = 0;
    if (list == NULL) {
        sl_error_set(err, SL_ENOMEM, "", "out of memory");
        return NULL;
    }
    if (pay_attempts_of_order(db, shop_channel, external_id, list, PAY_SHOW_MAX, &n, err) !=
        SL_OK) {
        free(list);
        return NULL;
    }
    json_t *arr = json_array();
    for (int i = 0; arr && i < n; i++)
        json_array_append_new(arr, attempt_json(&list[i]));
    free(list);
    if (arr == NULL)
        sl_error_set(err, SL_ENOMEM, "", "out of memory");
    return arr;
}

static const char *text_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : "-";
}

int pay_show_print(store *db, const char *shop_channel, const char *external_id, int as_json,
                   FILE *out, sl_error *err)
{
    json_t *arr = pay_show_json(db, shop_channel, external_id, err);
    if (arr == NULL)
        return err->code;
    if (as_json) {
        char *t = json_dumps(arr, JSON_INDENT(2));
        fprintf(out, "%s\n", t ? t : "[]");
        free(t);
    } else if (json_array_size(arr) == 0) {
        fprintf(out, "no gateway attempts for %s/%s\n", shop_channel, external_id);
    }
    size_t i;
    json_t *a;
    json_array_foreach(as_json ? NULL : arr, i, a)
    {
        json_t *s = json_object_get(a, "shop"), *g = json_object_get(a, "gateway_amount");
        fprintf(out, "attempt %lld  %s  %s\n",
                (long long)json_integer_value(json_object_get(a, "id")), text_of(a, "gateway"),
                text_of(a, "status"));
        fprintf(out, "  amount     %s %s = %s %s\n", text_of(s, "amount"), text_of(s, "currency"),
                text_of(g, "amount"), text_of(g, "currency"));
        fprintf(out, "  entered    %s\n  reference  %s\n  card       %s\n  message    %s\n",
                text_of(a, "entered"), text_of(a, "reference"), text_of(a, "card_mask"),
                text_of(a, "message"));
    }
    json_decref(arr);
    return SL_OK;
}
