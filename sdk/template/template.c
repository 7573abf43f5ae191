/* Placeholder template connector; replaced by the real template. */
#include "shopledger/sdk.h"

static int open_channel(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    (void)host; (void)ctx; (void)err;
    *state = NULL;
    return SL_OK;
}

static void close_channel(void *state) { (void)state; }

static const sl_plugin PLUGIN = {
    .size = sizeof(sl_plugin),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .min_host_minor = 0,
    .name = "template",
    .version = "0.1.0",
    .description = "template connector",
    .caps = 0,
    .channel_open = open_channel,
    .channel_close = close_channel,
};

SL_EXPORT const sl_plugin *sl_plugin_entry(void) { return &PLUGIN; }
