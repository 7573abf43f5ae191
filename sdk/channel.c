/*
 * The channel_open every connector wrote by hand (calloc, host pointer,
 * sl_options_read, its own checks, free on failure) as one function of
 * shopledger/options.h, so a connector keeps only its own rules.
 */
#include <stdlib.h>
#include <string.h>

#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

int sl_channel_open(const sl_host *host, sl_ctx *ctx, const sl_channel_spec *spec, void **state,
                    sl_error *err)
{
    if (spec->size < spec->host_offset + sizeof host)
        return sl_error_set(err, SL_EINTERNAL, "", "channel spec: host outside the state");
    char *st = calloc(1, spec->size);
    if (st == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    memcpy(st + spec->host_offset, &host, sizeof host);
    int rc = sl_options_read(host, ctx, spec->options, st, err);
    if (rc == SL_OK && spec->settle != NULL)
        rc = spec->settle(st, ctx, err);
    if (rc != SL_OK) {
        free(st);
        return rc;
    }
    *state = st;
    return SL_OK;
}

void sl_channel_free(void *state)
{
    free(state);
}
