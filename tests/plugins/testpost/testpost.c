/*
 * testpost: a postal test connector whose "service" is a directory, for
 * the host's register-once rules with a plugin that can look a parcel up
 * (find_shipment), which Foroutel cannot.
 *
 * Config key `parcels_dir`: parcels.txt holds "ORDER_REF<TAB>PARCEL_ID"
 * lines (the service's own memory). Fault files, each used once:
 *   lose_answer   register the parcel, then answer SL_ERETRY as a timeout
 *                 would (field "http"): the outcome is unknown to the host
 *   lose_request  answer the same without registering anything
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shopledger/sdk.h"
#include "shopledger/sdkutil.h"

typedef struct tp_state {
    const sl_host *host;
    const char *dir;
} tp_state;

static int tp_open(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    const char *dir = host->config_get(ctx, "parcels_dir");
    if (!dir || !*dir)
        return sl_error_set(err, SL_EINVALID, "parcels_dir", "parcels_dir is missing");
    tp_state *s = calloc(1, sizeof *s);
    if (!s)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    s->host = host;
    s->dir = dir;
    *state = s;
    return SL_OK;
}

static void tp_close(void *state)
{
    free(state);
}

/* Removes the fault file `name`; 1 when it was there. */
static int take_fault(const tp_state *s, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    return unlink(path) == 0;
}

/* The parcel registered under order_ref into id (cap bytes); 0 if none. */
static int lookup(const tp_state *s, const char *ref, char *id, size_t cap, int *count)
{
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/parcels.txt", s->dir);
    FILE *f = fopen(path, "r");
    int found = 0;
    *count = 0;
    while (f && fgets(line, sizeof line, f)) {
        (*count)++;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        tab[1 + strcspn(tab + 1, "\n")] = '\0';
        if (strcmp(line, ref) == 0) {
            snprintf(id, cap, "%s", tab + 1);
            found = 1;
        }
    }
    if (f)
        fclose(f);
    return found;
}

static int tp_create(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    tp_state *s = state;
    const char *ref = s->host->param_get(p, "order_ref");
    if (!ref || !*ref)
        return sl_error_set(err, SL_EINVALID, "order_ref", "order_ref is missing");
    if (take_fault(s, "lose_request"))
        return sl_error_set(err, SL_ERETRY, "http", "POST failed: Timeout was reached");
    char id[64], path[4096];
    int count = 0;
    lookup(s, ref, id, sizeof id, &count);
    snprintf(id, sizeof id, "TP%04d", count + 1);
    snprintf(path, sizeof path, "%s/parcels.txt", s->dir);
    FILE *f = fopen(path, "a");
    if (!f || fprintf(f, "%s\t%s\n", ref, id) < 0) {
        if (f)
            fclose(f);
        return sl_error_set(err, SL_EIO, "parcels_dir", "cannot write parcels.txt");
    }
    fclose(f);
    if (take_fault(s, "lose_answer"))
        return sl_error_set(err, SL_ERETRY, "http", "POST failed: Timeout was reached");
    s->host->result_set(ctx, "parcel_id", id);
    s->host->result_set(ctx, "status", "not_loaded");
    return SL_OK;
}

static int tp_find(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    tp_state *s = state;
    const char *ref = s->host->param_get(p, "order_ref");
    char id[64];
    int count = 0;
    if (!ref || !lookup(s, ref, id, sizeof id, &count))
        return sl_error_set(err, SL_ENOTFOUND, "order_ref", "no parcel for %s", ref ? ref : "");
    s->host->result_set(ctx, "parcel_id", id);
    s->host->result_set(ctx, "status", "not_loaded");
    return SL_OK;
}

static int tp_track(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err)
{
    (void)state, (void)ctx, (void)p;
    return sl_error_set(err, SL_EUNSUPPORTED, "", "testpost does not track");
}

static const sl_plugin TP_PLUGIN = {
    .size = sizeof(sl_plugin),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .min_host_minor = 5,
    .name = "testpost",
    .version = "0.1.0",
    .description = "a postal test connector over a directory, with find_shipment",
    .caps = SL_CAP_CREATE_SHIPMENT | SL_CAP_TRACK_SHIPMENT | SL_CAP_FIND_SHIPMENT,
    .channel_open = tp_open,
    .channel_close = tp_close,
    .create_shipment = tp_create,
    .track_shipment = tp_track,
    .find_shipment = tp_find,
};

SL_EXPORT const sl_plugin *sl_plugin_entry(void)
{
    return &TP_PLUGIN;
}
