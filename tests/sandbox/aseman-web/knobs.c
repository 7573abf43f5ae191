/*
 * Test knobs of asemanweb_sandbox under /__sandbox/ (JSON in, JSON out):
 *   GET  /__sandbox/state   clock, calls per method, every parcel with its
 *                           state now, FactorKey, digits id, totals, items
 *   POST /__sandbox/clock   {"advance": seconds} moves every parcel on
 *                           (one state per --step-seconds: 0 -> 1 -> 2 -> 3,
 *                           or 0 -> 1 -> 2 -> 5 -> 6 for a returned one)
 *   POST /__sandbox/parcel  {"id": digits or FactorKey, "fate": "return"}
 *                           or {"id": ..., "state": 0..11} (sticks)
 *   POST /__sandbox/list    {"mode": "ok|short|garbage|fault"}: how
 *                           GetListStatus answers
 *   POST /__sandbox/fault   {"method": "RegisterOrder" | "*", "kind":
 *                           "soap|http500|gateway|garbage|timeout|none",
 *                           "count": n, "delay_ms": ms (timeout, <= 30000)}
 *   POST /__sandbox/features {"advertiser": true}: the account may use
 *                           advertiser ids (-17 instead of -13)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asb.h"

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

static json_t *state_json(asb *s)
{
    json_t *parcels = json_array(), *calls = json_object();
    for (size_t i = 0; i < s->nparcels; i++) {
        const asb_parcel *p = &s->parcels[i];
        json_array_append_new(
            parcels, json_pack("{s:s,s:s,s:i,s:I,s:I,s:i,s:s,s:b}", "factor_key", p->factor, "id",
                               p->digits, "state", asb_state(s, p), "amount", (json_int_t)p->amount,
                               "weight", (json_int_t)p->weight, "send_type", p->send_type,
                               "products", p->products, "returned", p->returned));
    }
    for (size_t i = 0; i < sizeof s->calls / sizeof s->calls[0]; i++)
        if (s->calls[i].method[0])
            json_object_set_new(calls, s->calls[i].method, json_integer(s->calls[i].count));
    return json_pack("{s:I,s:o,s:o}", "now", (json_int_t)asb_now(s), "calls", calls, "parcels",
                     parcels);
}

/* The parcel a knob names by digits id or FactorKey. */
static asb_parcel *named(asb *s, const json_t *in)
{
    const char *id = json_string_value(json_object_get(in, "id"));
    for (size_t i = 0; id && i < s->nparcels; i++)
        if (strcmp(s->parcels[i].digits, id) == 0 || strcmp(s->parcels[i].factor, id) == 0)
            return &s->parcels[i];
    return NULL;
}

static int word_index(const char *w, const char *const *words, size_t n)
{
    for (size_t i = 0; w && i < n; i++)
        if (strcmp(w, words[i]) == 0)
            return (int)i;
    return -1;
}

static const char *knob_post(asb *s, const char *path, json_t *in)
{
    static const char *const LIST[] = {"ok", "short", "garbage", "fault"};
    static const char *const FAULT[] = {"none", "soap", "http500", "gateway", "garbage", "timeout"};
    if (strcmp(path, "clock") == 0) {
        if (sbc_clock_knob(&s->clock, in) != 0)
            return "advance: integer seconds";
    } else if (strcmp(path, "parcel") == 0) {
        asb_parcel *p = named(s, in);
        json_t *st = json_object_get(in, "state");
        const char *fate = json_string_value(json_object_get(in, "fate"));
        if (p == NULL)
            return "no such parcel";
        if (json_is_integer(st) && json_integer_value(st) >= 0 && json_integer_value(st) <= 11)
            p->forced = (int)json_integer_value(st);
        else if (fate && strcmp(fate, "return") == 0)
            p->returned = 1;
        else
            return "state 0..11 or fate \"return\"";
    } else if (strcmp(path, "list") == 0) {
        int m = word_index(json_string_value(json_object_get(in, "mode")), LIST, 4);
        if (m < 0)
            return "mode: ok|short|garbage|fault";
        s->list_mode = m;
    } else if (strcmp(path, "fault") == 0) {
        const char *method = json_string_value(json_object_get(in, "method"));
        int k = word_index(json_string_value(json_object_get(in, "kind")), FAULT, 6);
        json_int_t count = json_integer_value(json_object_get(in, "count"));
        json_int_t delay = json_integer_value(json_object_get(in, "delay_ms"));
        if (method == NULL || strlen(method) >= sizeof s->fault.method || k < 0 || delay < 0 ||
            delay > 30000)
            return "method, kind soap|http500|gateway|garbage|timeout|none, "
                   "count, delay_ms <= 30000";
        snprintf(s->fault.method, sizeof s->fault.method, "%s", method);
        s->fault.kind = k;
        s->fault.count = k == ASB_FAULT_NONE ? 0 : (count > 0 ? (int)count : 1);
        s->fault.delay_ms = delay > 0 ? delay : 5000;
    } else if (strcmp(path, "features") == 0) {
        s->features = json_is_true(json_object_get(in, "advertiser"));
    } else {
        return "no such knob";
    }
    return NULL;
}

void asb_knob(asb *s, const char *method, const char *path, const char *body, size_t len,
              int *status, char **out)
{
    pthread_mutex_lock(&s->mu);
    *status = 200;
    if (strcmp(method, "GET") == 0 && strcmp(path, "state") == 0) {
        *out = dump(state_json(s));
    } else {
        json_t *in = len ? json_loadb(body, len, 0, NULL) : json_object();
        const char *why = strcmp(method, "POST") != 0 || !json_is_object(in)
                              ? "POST a JSON object"
                              : knob_post(s, path, in);
        *status = why ? 400 : 200;
        *out = why ? dump(json_pack("{s:s}", "error", why))
                   : dump(json_pack("{s:s,s:I}", "status", "ok", "now", (json_int_t)asb_now(s)));
        json_decref(in);
    }
    pthread_mutex_unlock(&s->mu);
}
