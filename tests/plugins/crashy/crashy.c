/*
 * crashy: a webhook connector that dies on demand, for the quarantine
 * test. A delivery whose body contains "crash" raises SIGSEGV inside
 * parse_webhook (a real signal, not a load UBSan would turn into an
 * orderly exit); any other delivery is acknowledged with no orders.
 */
#define _GNU_SOURCE /* memmem */
#include <signal.h>
#include <string.h>

#include "shopledger/sdk.h"

typedef struct crashy {
    const sl_host *host;
} crashy;

static crashy the_state;

static int open_channel(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    (void)ctx;
    (void)err;
    the_state.host = host;
    *state = &the_state;
    return SL_OK;
}

static void close_channel(void *state)
{
    (void)state;
}

static int parse_webhook(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err)
{
    (void)ctx;
    (void)err;
    crashy *s = state;
    size_t len = 0;
    const char *body = s->host->request_body(req, &len);
    if (body != NULL && memmem(body, len, "crash", 5) != NULL)
        raise(SIGSEGV);
    return SL_OK;
}

static const sl_plugin PLUGIN = {
    .size = sizeof(sl_plugin),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .min_host_minor = 0,
    .name = "crashy",
    .version = "0.0.1",
    .description = "test connector that crashes on demand",
    .caps = SL_CAP_WEBHOOK,
    .channel_open = open_channel,
    .channel_close = close_channel,
    .parse_webhook = parse_webhook,
};

SL_EXPORT const sl_plugin *sl_plugin_entry(void)
{
    return &PLUGIN;
}
