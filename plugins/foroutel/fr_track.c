/*
 * Tracking (order/tracking.json, one factor per call: Foroutel has no
 * batch form) and the Persian status labels.
 *
 * The labels are text, not codes, and the set is not published
 * (foroutel.md §5): the ones seen in Frotel's panels and plugins are
 * mapped, compared after sl_fa_normalize and without spaces, so ي/ی, ك/ک
 * and a space or a zero-width non-joiner between the words agree;
 * anything else is "other" with the label kept as status_raw by the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foroutel.h"
#include "shopledger/sdkutil.h"

typedef struct label_map {
    const char *label;
    const char *word;
    int cod_collected;
} label_map;

static const label_map LABELS[] = {
    {"در انتظار بررسی", "not_loaded", 0},  /* awaiting review */
    {"آماده ارسال", "not_loaded", 0},      /* ready to ship, still with the seller */
    {"ارسال شده", "delivered_to_post", 0}, /* handed to the post */
    {"تحویل شده", "delivered_to_customer", 0},
    {"وصول شده", "delivered_to_customer", 1}, /* delivered, money collected */
    {"برگشتی", "returned", 0},
    {"لغو شده", "cancelled", 0},
};

/* Normalized and without spaces: "تحویل شده", "تحویل‌شده" (ZWNJ) and
   "تحویلشده" are one label. 0 when the text is not UTF-8 or too long. */
static int label_key(const char *label, char *out, size_t cap)
{
    if (!label || sl_fa_normalize(label, 1, out, cap) != SL_OK)
        return 0;
    size_t o = 0;
    for (size_t i = 0; out[i]; i++)
        if (out[i] != ' ')
            out[o++] = out[i];
    out[o] = '\0';
    return 1;
}

const char *fr_status_word(const char *label, int *cod_collected)
{
    char want[128], have[128];
    *cod_collected = 0;
    if (!label_key(label, want, sizeof want) || !want[0])
        return "other";
    for (size_t i = 0; i < sizeof LABELS / sizeof LABELS[0]; i++) {
        if (label_key(LABELS[i].label, have, sizeof have) && strcmp(want, have) == 0) {
            *cod_collected = LABELS[i].cod_collected;
            return LABELS[i].word;
        }
    }
    return "other";
}

/* The results of one parcel's answer. */
static int track_row(fr_chan *ch, sl_ctx *ctx, const char *id, const json_t *result, sl_error *err)
{
    const sl_host *h = ch->host;
    json_t *order = NULL;
    const char *label = NULL, *barcode = NULL, *changed = NULL, *date = NULL;
    char price[32] = "", buy[8] = "";
    int rc = sl_json_object(result, "order", 1, &order, err);
    if (rc == SL_OK)
        rc = sl_json_str(order, "status", 1, &label, err);
    if (rc == SL_OK)
        rc = sl_json_str(order, "barcode", 0, &barcode, err);
    if (rc == SL_OK)
        rc = sl_json_str(order, "change_date", 0, &changed, err);
    if (rc == SL_OK)
        rc = sl_json_str(order, "date", 0, &date, err);
    if (rc == SL_OK)
        rc = fr_number(order, "price", 0, price, sizeof price, err);
    if (rc == SL_OK)
        rc = fr_number(order, "buy_type", 0, buy, sizeof buy, err);
    if (rc != SL_OK)
        return rc;
    int collected = 0;
    const char *word = fr_status_word(label, &collected);
    h->result_row(ctx);
    h->result_set(ctx, "parcel_id", id);
    h->result_set(ctx, "status", word);
    h->result_set(ctx, "status_raw", label);
    if (barcode && *barcode)
        h->result_set(ctx, "tracking_code", barcode);
    const char *when = changed && *changed ? changed : date;
    int64_t ms;
    sl_error derr = {.size = sizeof derr};
    if (when && *when && sl_jalali_parse_tehran(when, &ms, &derr) == SL_OK) {
        char iso[32];
        h->result_set(ctx, "changed_at", sl_iso8601_format(ms, 1, iso));
    } else if (when && *when) {
        h->log(ctx, SL_LOG_WARN, "parcel %.32s: date '%.32s' is not Jalali; left out", id, when);
    }
    if (collected && strcmp(buy, "1") == 0) {
        h->result_set(ctx, "cod_collected", "1");
        if (price[0])
            h->result_set(ctx, "cod_amount", price);
    }
    return SL_OK;
}

int fr_track(fr_chan *ch, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    const sl_host *h = ch->host;
    const char *n_text = h->param_get(p, "parcels");
    long n = n_text ? strtol(n_text, NULL, 10) : 0;
    if (n <= 0 || n > SL_TRACK_BATCH_MAX)
        return sl_error_set(err, SL_EINVALID, "parcels", "1..%d parcels per call",
                            SL_TRACK_BATCH_MAX);
    int rows = 0;
    for (long i = 0; i < n; i++) {
        char key[32];
        snprintf(key, sizeof key, "parcel.%ld.id", i);
        const char *id = h->param_get(p, key);
        if (!id || !*id)
            return sl_error_set(err, SL_EINVALID, key, "parameter %s is missing", key);
        fr_form f;
        fr_form_init(&f, h, ctx);
        fr_form_add(&f, "factor", id);
        json_t *root = NULL, *result = NULL;
        sl_error one = {.size = sizeof one};
        int rc = fr_call(ch, ctx, "order/tracking", &f, "the tracking", &root, &result, &one);
        if (rc == SL_OK)
            rc = track_row(ch, ctx, id, result, &one);
        json_decref(root);
        if (rc == SL_EREMOTE || rc == SL_EINVALID) {
            h->result_row(ctx); /* the service does not know it: say so, go on */
            h->result_set(ctx, "parcel_id", id);
            h->result_set(ctx, "error", one.message);
            fr_put_refusal(ch, ctx, rc); /* on this parcel's row, not the one before */
        } else if (rc != SL_OK) {
            if (rows > 0)
                return SL_OK; /* what was answered counts; the rest next time */
            *err = one;
            return rc;
        }
        rows++;
    }
    return SL_OK;
}
