/*
 * track_shipment: states of up to SL_TRACK_BATCH_MAX parcels (doc §5).
 * The ids go to the service as digits only, at most AW_LIST_BATCH per
 * GetListStatus("id1;id2;...") -> "s1;s2;..." in the same order. One
 * client found that call misbehaving on the old service and asks
 * GetOrderStatus(id) once per id instead; we do the same whenever the
 * list answer is unusable (a fault, garbage, a count that does not match,
 * a part that is not a number), and a channel can skip the list call
 * altogether (status_list = no). A transport failure (no answer at all)
 * is not "misbehaving": the slow service would only time out again.
 *
 * Rows: "parcel_id" (as given), "status" (sdk.h 1.5 shipping word),
 * "status_raw" (the v1 code), "status_label" (its Persian name),
 * "cod_collected" = 1 at state 3 (delivered, cash taken at the door); a
 * parcel the service refuses gets "error" and "code" instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aw.h"
#include "aw_assumed.h"
#include "shopledger/sdkutil.h"

typedef struct parcel {
    const char *given; /* parcel.I.id as the host sent it */
    char digits[AW_ID_MAX];
    int valid;
} parcel;

static int row_error(const sl_host *h, sl_ctx *ctx, const char *given, const char *code,
                     const char *message)
{
    if (h->result_row(ctx) != SL_OK || h->result_set(ctx, "parcel_id", given) != SL_OK ||
        (code && h->result_set(ctx, "code", code) != SL_OK) ||
        h->result_set(ctx, "error", message) != SL_OK)
        return SL_ENOMEM;
    return SL_OK;
}

/* One parcel's row from the service's number for it. */
static int row_state(const sl_host *h, sl_ctx *ctx, const char *given, int64_t state)
{
    char raw[24];
    snprintf(raw, sizeof raw, "%lld", (long long)state);
    if (aw_is_error_code(state)) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s (%s)", aw_code_english(state), aw_code_persian(state));
        return row_error(h, ctx, given, raw, msg);
    }
    const char *norm = aw_state_normalized(state);
    if (norm == NULL)
        return row_error(h, ctx, given, raw, "state out of the known 0..11");
    if (h->result_row(ctx) != SL_OK || h->result_set(ctx, "parcel_id", given) != SL_OK ||
        h->result_set(ctx, "status", norm) != SL_OK ||
        h->result_set(ctx, "status_raw", raw) != SL_OK ||
        h->result_set(ctx, "status_label", aw_state_label(state)) != SL_OK ||
        (state == 3 && h->result_set(ctx, "cod_collected", "1") != SL_OK))
        return SL_ENOMEM;
    return SL_OK;
}

/* Codes that concern the whole call, not one id: credentials, features,
   the post gateway. */
static int call_level(int64_t code)
{
    return code == -1 || code == -2 || code == -13 || code == -15 || code == 101;
}

/* Splits "s1;s2;..." into exactly n numbers; 0 when it does not fit. */
static int split_states(const char *text, size_t n, int64_t *out)
{
    size_t k = 0;
    const char *p = text;
    while (k < n) {
        char part[24];
        size_t len = strcspn(p, ";");
        if (len == 0 || len >= sizeof part)
            return 0;
        memcpy(part, p, len);
        part[len] = '\0';
        if (!aw_int_parse(part, &out[k++]))
            return 0;
        p += len;
        if (*p == ';')
            p++;
        else
            break;
    }
    return k == n && *p == '\0';
}

/* GetOrderStatus for one id. SL_OK with *state, or a call failure. */
static int order_status(aw_chan *ch, sl_ctx *ctx, const char *digits, int64_t *state, sl_error *err)
{
    const aw_param param = {AW_PARAM_STATUS_ID, digits, 0};
    aw_answer a = {0};
    int rc = aw_call(ch, ctx, "GetOrderStatus", &param, 1, &a, err);
    if (rc != SL_OK)
        return rc;
    char text[AW_FIELD_MAX];
    if (aw_answer_field(&a, NULL, text, sizeof text) != 1 || !aw_int_parse(text, state))
        rc = sl_error_set(err, SL_EIO, "", "GetOrderStatus: not a number");
    aw_answer_free(&a);
    return rc;
}

/* The per-id path. Stops at the first call that fails as a whole. */
static int track_each(aw_chan *ch, sl_ctx *ctx, parcel *ps, size_t n, int *rows, sl_error *err)
{
    const sl_host *h = ch->host;
    for (size_t i = 0; i < n; i++) {
        if (!ps[i].valid)
            continue;
        int64_t state = 0;
        int rc = order_status(ch, ctx, ps[i].digits, &state, err);
        if (rc == SL_EIO) { /* this id's answer was unreadable */
            if (row_error(h, ctx, ps[i].given, NULL, err->message) != SL_OK)
                return SL_ENOMEM;
            (*rows)++;
            continue;
        }
        if (rc != SL_OK)
            return rc;
        if (call_level(state))
            return aw_code_report(h, ctx, "GetOrderStatus", state, err);
        if (row_state(h, ctx, ps[i].given, state) != SL_OK)
            return SL_ENOMEM;
        (*rows)++;
    }
    return SL_OK;
}

/* The list path for ps[0..n). *fallback = 1 when the answer was unusable. */
static int track_list(aw_chan *ch, sl_ctx *ctx, parcel *ps, size_t n, int *rows, int *fallback,
                      sl_error *err)
{
    const sl_host *h = ch->host;
    char list[AW_LIST_BATCH * AW_ID_MAX];
    size_t used = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        if (ps[i].valid) {
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", k++ ? ";" : "",
                                     ps[i].digits);
        }
    if (k == 0)
        return SL_OK;
    const aw_param param = {AW_PARAM_LIST, list, 0};
    aw_answer a = {0};
    int rc = aw_call(ch, ctx, "GetListStatus", &param, 1, &a, err);
    if (rc != SL_OK) {
        *fallback = a.answered && rc != SL_EAUTH;
        return rc;
    }
    char *text = malloc(AW_LIST_BATCH * 24);
    int64_t states[AW_LIST_BATCH];
    int got = text && aw_answer_field(&a, NULL, text, AW_LIST_BATCH * 24) == 1;
    aw_answer_free(&a);
    int64_t whole = 0;
    if (got && aw_int_parse(text, &whole) && call_level(whole)) {
        free(text);
        return aw_code_report(h, ctx, "GetListStatus", whole, err);
    }
    if (!got || !split_states(text, k, states)) {
        free(text);
        *fallback = 1;
        return sl_error_set(err, SL_EIO, "", "GetListStatus: unusable answer");
    }
    free(text);
    for (size_t i = 0, j = 0; i < n; i++)
        if (ps[i].valid) {
            if (row_state(h, ctx, ps[i].given, states[j++]) != SL_OK)
                return SL_ENOMEM;
            (*rows)++;
        }
    return SL_OK;
}

static int read_parcels(const sl_host *h, sl_ctx *ctx, const sl_params *p, parcel *ps, size_t *n,
                        int *rows, sl_error *err)
{
    const char *count = h->param_get(p, "parcels");
    long c = count && strspn(count, "0123456789") == strlen(count) && strlen(count) > 0 &&
                     strlen(count) < 4
                 ? strtol(count, NULL, 10)
                 : -1;
    if (c < 1 || c > SL_TRACK_BATCH_MAX)
        return sl_error_set(err, SL_EINVALID, "parcels", "parcels: 1..%d required",
                            SL_TRACK_BATCH_MAX);
    for (long i = 0; i < c; i++) {
        char key[32];
        snprintf(key, sizeof key, "parcel.%ld.id", i);
        const char *id = h->param_get(p, key);
        ps[i].given = id ? id : "";
        sl_error why = {.size = sizeof why};
        ps[i].valid = aw_id_digits(id, key, ps[i].digits, sizeof ps[i].digits, &why) == SL_OK;
        if (!ps[i].valid) {
            if (row_error(h, ctx, ps[i].given, NULL, why.message) != SL_OK)
                return sl_error_set(err, SL_ENOMEM, "", "out of memory");
            (*rows)++;
        }
    }
    *n = (size_t)c;
    return SL_OK;
}

/* Every parcel in batches of AW_LIST_BATCH, each by the list call unless
   `fallback` (or the list misbehaves), then id by id. */
static int track_batches(aw_chan *ch, sl_ctx *ctx, parcel *ps, size_t n, int *rows, int fallback,
                         sl_error *err)
{
    int rc = SL_OK;
    /* SL_TRACK_BATCH_MAX == AW_LIST_BATCH today; batch anyway */
    for (size_t at = 0; at < n && rc == SL_OK; at += AW_LIST_BATCH) {
        size_t len = n - at < AW_LIST_BATCH ? n - at : AW_LIST_BATCH;
        int fb = fallback;
        if (!fb) {
            rc = track_list(ch, ctx, ps + at, len, rows, &fb, err);
            if (fb)
                ch->host->log(ctx, SL_LOG_WARN, "GetListStatus misbehaved (%s): asking each id",
                              err->message);
        }
        if (fb)
            rc = track_each(ch, ctx, ps + at, len, rows, err);
    }
    return rc;
}

int aw_track_shipment(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    aw_chan *ch = state;
    parcel ps[SL_TRACK_BATCH_MAX];
    size_t n = 0;
    int rows = 0, fallback = !ch->list_status;
    int rc = read_parcels(ch->host, ctx, p, ps, &n, &rows, err);
    if (rc != SL_OK)
        return rc;
    /* failures on the way (a list answer we fell back from, one id's bad
       answer) are written here: err is the caller's only when we fail */
    sl_error scratch = {.size = sizeof scratch};
    rc = track_batches(ch, ctx, ps, n, &rows, fallback, &scratch);
    if (rc != SL_OK && rows > 0 && rc != SL_ENOMEM)
        return SL_OK; /* rows written stand; the rest is tracked next time */
    if (rc != SL_OK && err != NULL && err->size >= sizeof *err) {
        size_t size = err->size;
        *err = scratch;
        err->size = size;
    }
    return rc;
}
