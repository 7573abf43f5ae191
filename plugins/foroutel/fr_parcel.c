/*
 * Price quotes (order/getPrices) and parcel registration
 * (order/registerOrder). Params and results as sdk.h 1.5 lists them;
 * money in Rial (the host converts), weights in grams.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foroutel.h"
#include "shopledger/sdkutil.h"

typedef struct code_word {
    const char *code, *word;
} code_word;

/* foroutel.md §2: send_type and buy_type codes. */
static const code_word SEND_TYPES[] = {
    {"1", "express"}, {"2", "registered"}, {"3", "printed"}, {"4", "courier"}, {"20", "fixed"},
};
static const code_word BUY_TYPES[] = {{"1", "cod"}, {"2", "prepaid"}};
/* getPrices keys its result by payment kind: posti = COD, naghdi = online. */
static const code_word PRICE_GROUPS[] = {{"posti", "cod"}, {"naghdi", "prepaid"}};

static const char *lookup(const code_word *t, size_t n, const char *key, int by_word)
{
    for (size_t i = 0; key && i < n; i++)
        if (strcmp(by_word ? t[i].word : t[i].code, key) == 0)
            return by_word ? t[i].code : t[i].word;
    return NULL;
}
#define LOOKUP(t, key, by_word) lookup(t, sizeof t / sizeof t[0], key, by_word)

const char *fr_send_type_code(const char *word)
{
    return LOOKUP(SEND_TYPES, word, 1);
}

const char *fr_send_type_word(const char *code)
{
    return LOOKUP(SEND_TYPES, code, 0);
}

const char *fr_buy_type_code(const char *word)
{
    return LOOKUP(BUY_TYPES, word, 1);
}

/* A required param; SL_EINVALID naming it when absent or empty. */
static int need(const sl_host *h, const sl_params *p, const char *key, const char **out,
                sl_error *err)
{
    const char *v = h->param_get(p, key);
    if (!v || !*v)
        return sl_error_set(err, SL_EINVALID, key, "parameter %s is missing", key);
    *out = v;
    return SL_OK;
}

static int digits(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* The common parcel params, checked. */
typedef struct parcel_args {
    const char *send_type, *buy_type, *weight, *value, *city, *province;
} parcel_args;

static int parcel_args_read(const sl_host *h, const sl_params *p, parcel_args *a, sl_error *err)
{
    const char *send = NULL, *pay = NULL;
    int rc = need(h, p, "send_type", &send, err);
    if (rc == SL_OK)
        rc = need(h, p, "payment", &pay, err);
    if (rc == SL_OK && !(a->send_type = fr_send_type_code(send)))
        rc = sl_error_set(err, SL_EINVALID, "send_type",
                          "send type %.32s is not one Foroutel has (express, registered, "
                          "printed, courier, fixed)",
                          send);
    if (rc == SL_OK && !(a->buy_type = fr_buy_type_code(pay)))
        rc = sl_error_set(err, SL_EINVALID, "payment", "payment %.32s is not cod or prepaid", pay);
    static const char *const NUMERIC[] = {"weight_g", "value", "city_id", "province_id"};
    const char **dest[] = {&a->weight, &a->value, &a->city, &a->province};
    for (size_t i = 0; rc == SL_OK && i < 4; i++) {
        rc = need(h, p, NUMERIC[i], dest[i], err);
        if (rc == SL_OK && !digits(*dest[i]))
            rc =
                sl_error_set(err, SL_EINVALID, NUMERIC[i], "%s must be a whole number", NUMERIC[i]);
    }
    return rc;
}

/* One cost option of getPrices: results of a row, total = the sum. */
static int quote_row(fr_chan *ch, sl_ctx *ctx, const char *payment, const char *send_code,
                     const json_t *costs, sl_error *err)
{
    const sl_host *h = ch->host;
    static const char *const KEYS[] = {"post", "tax", "frotel_service", "packing"};
    static const char *const OUT[] = {"cost_post", "cost_tax", "cost_service", "cost_packing"};
    const char *word = fr_send_type_word(send_code);
    if (!word || !json_is_object(costs))
        return SL_OK; /* an option the host has no word for: not offered */
    h->result_row(ctx);
    h->result_set(ctx, "send_type", word);
    h->result_set(ctx, "payment", payment);
    long long total = 0;
    for (size_t i = 0; i < 4; i++) {
        char v[32] = "";
        int rc = fr_number(costs, KEYS[i], i < 3, v, sizeof v, err);
        if (rc != SL_OK)
            return rc;
        if (!v[0])
            continue; /* packing: only newer answers carry it */
        errno = 0;
        long long part = strtoll(v, NULL, 10);
        if (errno != 0 || part < 0 || part > FR_COST_MAX)
            return sl_error_set(err, SL_EINVALID, KEYS[i],
                                "the quote's %s is not a cost in Rial (0..%lld)", KEYS[i],
                                (long long)FR_COST_MAX);
        h->result_set(ctx, OUT[i], v);
        total += part; /* four parts of at most FR_COST_MAX: no overflow */
    }
    char t[32];
    snprintf(t, sizeof t, "%lld", total);
    return h->result_set(ctx, "cost_total", t);
}

int fr_quote(fr_chan *ch, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    parcel_args a;
    int rc = parcel_args_read(ch->host, p, &a, err);
    if (rc != SL_OK)
        return rc;
    fr_form f;
    fr_form_init(&f, ch->host, ctx);
    fr_form_add(&f, "des_city", a.city);
    fr_form_add(&f, "price", a.value);
    fr_form_add(&f, "weight", a.weight);
    fr_form_add(&f, "send_type[0]", a.send_type);
    fr_form_add(&f, "buy_type[0]", a.buy_type);
    json_t *root = NULL, *result = NULL;
    rc = fr_call(ch, ctx, "order/getPrices", &f, "the price quote", &root, &result, err);
    if (rc != SL_OK)
        return fr_put_refusal(ch, ctx, rc);
    int rows = 0;
    for (size_t g = 0; rc == SL_OK && g < sizeof PRICE_GROUPS / sizeof PRICE_GROUPS[0]; g++) {
        json_t *group = json_object_get(result, PRICE_GROUPS[g].code);
        const char *send;
        json_t *costs;
        json_object_foreach(group, send, costs)
        {
            if (rc == SL_OK &&
                (rc = quote_row(ch, ctx, PRICE_GROUPS[g].word, send, costs, err)) == SL_OK)
                rows++;
        }
    }
    json_decref(root);
    if (rc == SL_OK && rows == 0)
        return sl_error_set(err, SL_EUNSUPPORTED, "city_id",
                            "Foroutel offers no price to city %.16s for this parcel", a.city);
    return rc;
}

/* basket[i][...] of the seller's own products, as the WooCommerce plugin
   sends them (foroutel.md §4). */
static int add_basket(const sl_host *h, const sl_params *p, fr_form *f, sl_error *err)
{
    const char *count_text = h->param_get(p, "items");
    long n = count_text && digits(count_text) ? strtol(count_text, NULL, 10) : -1;
    if (n <= 0 || n > 500)
        return sl_error_set(err, SL_EINVALID, "items", "a parcel lists 1..500 items");
    for (long i = 0; i < n; i++) {
        static const char *const IN[] = {"sku", "name", "price", "qty", "weight_g"};
        static const char *const OUT[] = {"pro_code", "name", "price", "count", "weight"};
        for (size_t k = 0; k < 5; k++) {
            char in[48], out[48];
            snprintf(in, sizeof in, "item.%ld.%s", i, IN[k]);
            const char *v = h->param_get(p, in);
            if (k >= 2 && !digits(v))
                return sl_error_set(err, SL_EINVALID, "items", "%s must be a whole number", in);
            snprintf(out, sizeof out, "basket[%ld][%s]", i, OUT[k]);
            fr_form_add(f, out, v);
        }
        static const char *const ZERO[] = {"porsant",   "bazaryab", "discount",
                                           "free_send", "tax",      "packing"};
        for (size_t k = 0; k < sizeof ZERO / sizeof ZERO[0]; k++) {
            char out[48];
            snprintf(out, sizeof out, "basket[%ld][%s]", i, ZERO[k]);
            fr_form_add(f, out, "0");
        }
    }
    return SL_OK;
}

static int add_recipient(const sl_host *h, const sl_params *p, fr_form *f, sl_error *err)
{
    static const char *const REQUIRED[][2] = {{"first_name", "name"},
                                              {"last_name", "family"},
                                              {"mobile", "mobile"},
                                              {"address", "address"},
                                              {"postal_code", "code_posti"}};
    for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++) {
        const char *v = NULL;
        int rc = need(h, p, REQUIRED[i][0], &v, err);
        if (rc != SL_OK)
            return rc;
        fr_form_add(f, REQUIRED[i][1], v);
    }
    fr_form_add(f, "gender", "1"); /* what every client sends */
    fr_form_add(f, "phone", h->param_get(p, "phone"));
    fr_form_add(f, "email", h->param_get(p, "email"));
    fr_form_add(f, "pm", h->param_get(p, "note"));
    fr_form_add(f, "free_send", "0");
    return SL_OK;
}

/* factor.id, total and the parcel's first state from the answer. */
static int register_results(fr_chan *ch, sl_ctx *ctx, const json_t *result, sl_error *err)
{
    const sl_host *h = ch->host;
    json_t *factor = NULL;
    char id[64] = "", total[32] = "";
    int rc = sl_json_object(result, "factor", 1, &factor, err);
    if (rc == SL_OK)
        rc = sl_json_id(factor, "id", 1, id, sizeof id, err);
    if (rc == SL_OK)
        rc = fr_number(factor, "total", 0, total, sizeof total, err);
    if (rc != SL_OK || !id[0])
        return sl_error_set(err, SL_EREMOTE, "factor",
                            "Foroutel registered the order but its answer has no factor.id");
    h->result_set(ctx, "parcel_id", id);
    /* factor.total is the invoice the post collects (goods and postage),
       not the postage: the cost split comes from the quote */
    if (total[0])
        h->result_set(ctx, "factor_total", total);
    h->result_set(ctx, "status", "not_loaded");
    return SL_OK;
}

int fr_register(fr_chan *ch, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    const sl_host *h = ch->host;
    parcel_args a;
    int rc = parcel_args_read(h, p, &a, err);
    if (rc != SL_OK)
        return rc;
    fr_form f;
    fr_form_init(&f, h, ctx);
    fr_form_add(&f, "province", a.province);
    fr_form_add(&f, "city", a.city);
    fr_form_add(&f, "buy_type", a.buy_type);
    fr_form_add(&f, "send_type", a.send_type);
    if ((rc = add_recipient(h, p, &f, err)) != SL_OK || (rc = add_basket(h, p, &f, err)) != SL_OK)
        return rc;
    json_t *root = NULL, *result = NULL;
    rc = fr_put_refusal(
        ch, ctx,
        fr_call(ch, ctx, "order/registerOrder", &f, "the registration", &root, &result, err));
    if (rc == SL_OK)
        rc = register_results(ch, ctx, result, err);
    json_decref(root);
    return rc;
}
