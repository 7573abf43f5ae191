/*
 * One defective plugin per VARIANT_* define, each proving one refusal of
 * the loader (or, for CRASH_ON_OPEN, that plugin check survives a crash).
 */
#include <stddef.h>

#include "shopledger/sdk.h"

static int open_channel(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    (void)host;
    (void)ctx;
    (void)err;
#ifdef VARIANT_CRASH_ON_OPEN
    /* A real signal even under UBSan, which would turn a NULL load into an
       orderly exit(1). */
    __builtin_trap();
#else
    *state = NULL;
#endif
    return SL_OK;
}

static void close_channel(void *state)
{
    (void)state;
}

static int push_stock(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err)
{
    (void)state;
    (void)ctx;
    (void)list;
    (void)err;
    return SL_OK;
}

static const sl_plugin PLUGIN = {
#ifdef VARIANT_SMALL_TABLE
    .size = offsetof(sl_plugin, caps),
#else
    .size = sizeof(sl_plugin),
#endif
#ifdef VARIANT_WRONG_MAJOR
    .abi_major = SL_ABI_MAJOR + 1,
#else
    .abi_major = SL_ABI_MAJOR,
#endif
#ifdef VARIANT_TOO_NEW
    .abi_minor = SL_ABI_MINOR + 1,
    .min_host_minor = SL_ABI_MINOR + 1,
#else
    .abi_minor = SL_ABI_MINOR,
    .min_host_minor = 0,
#endif
    .name = "variant",
    .version = "0.0.1",
    .description = "defective test plugin",
#ifdef VARIANT_CAPS_WITHOUT_SLOT
    .caps = SL_CAP_PUSH_STOCK,
#endif
#ifdef VARIANT_SLOT_WITHOUT_CAP
    .push_stock = push_stock,
#endif
    .channel_open = open_channel,
    .channel_close = close_channel,
};

#ifdef VARIANT_NO_ENTRY
/* Exports nothing the host looks for. */
SL_EXPORT const sl_plugin *sl_plugin_entry_misspelt(void);
SL_EXPORT const sl_plugin *sl_plugin_entry_misspelt(void)
#else
SL_EXPORT const sl_plugin *sl_plugin_entry(void)
#endif
{
    (void)push_stock;
    return &PLUGIN;
}
