/*
 * A connector exactly as a vendor built it against SDK ABI 1.0 (the header
 * snapshot in include/ beside this file): its plugin table is smaller than
 * today's and it knows nothing of later slots. The loader test proves the
 * current host still loads it and can call it.
 */
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdk.h"

static int open_channel(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err)
{
    (void)ctx;
    (void)err;
    *state = (void *)host;
    return SL_OK;
}

static void close_channel(void *state)
{
    (void)state;
}

/* Accepts a body "ID STATUS TOTAL" (operator replays only) and submits it. */
static int parse_webhook(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err)
{
    const sl_host *h = state;
    size_t len = 0;
    const char *body = h->request_body(req, &len);
    char id[32] = "", status[32] = "", total[32] = "";
    if (!h->request_verified(req) || len == 0 || len > 90) {
        err->code = SL_EAUTH;
        strncpy(err->message, "only operator replays are accepted", sizeof err->message - 1);
        return SL_EAUTH;
    }
    char line[96];
    memcpy(line, body, len);
    line[len] = '\0';
    char *save = NULL;
    char *a = strtok_r(line, " ", &save), *b = strtok_r(NULL, " ", &save),
         *c = strtok_r(NULL, " \n", &save);
    if (!a || !b || !c || strlen(a) >= sizeof id || strlen(b) >= sizeof status ||
        strlen(c) >= sizeof total) {
        err->code = SL_EINVALID;
        strncpy(err->message, "expected: ID STATUS TOTAL", sizeof err->message - 1);
        return SL_EINVALID;
    }
    memcpy(id, a, strlen(a));
    memcpy(status, b, strlen(b));
    memcpy(total, c, strlen(c));
    sl_order *o = h->order_new(ctx);
    h->order_set_text(o, SL_ORDER_EXTERNAL_ID, id);
    h->order_set_text(o, SL_ORDER_STATUS, status);
    h->order_set_text(o, SL_ORDER_CURRENCY, "EUR");
    h->order_set_money(o, SL_ORDER_TOTAL, total);
    sl_line *l = h->order_add_line(o, SL_LINE_PRODUCT);
    h->line_set_text(l, SL_LINE_SKU, "OLD-1");
    h->line_set_quantity(l, "1");
    h->line_set_money(l, SL_LINE_TOTAL, total);
    return h->order_submit(ctx, o, err);
}

static const sl_plugin PLUGIN = {
    .size = sizeof(sl_plugin),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .min_host_minor = 0,
    .name = "abi_v1_0",
    .version = "1.0.0",
    .description = "connector built against the ABI 1.0 header",
    .caps = SL_CAP_WEBHOOK,
    .channel_open = open_channel,
    .channel_close = close_channel,
    .parse_webhook = parse_webhook,
};

SL_EXPORT const sl_plugin *sl_plugin_entry(void)
{
    return &PLUGIN;
}
