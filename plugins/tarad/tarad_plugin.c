/*
 * The TARAD U-Commerce connector's plugin table, channel config and the
 * webhook slot. TARAD pushes orders (when paid, when cancelled); there is
 * no API of TARAD's to poll, and reading the documents TARAD writes into
 * PEAK would need PEAK list calls whose request and answer shapes our
 * notes do not give (see README.md), so the one capability is
 * SL_CAP_WEBHOOK.
 *
 * Channel keys: secret `user_token` (the token the merchant pasted into
 * TARAD; `webhook_secret` is read when `user_token` is absent), and
 * `max_skew` (accepted clock difference of a push, default 300 s).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "tarad.h"
#include "tarad_wire.h"

/* "300", "300s" or "5m" -> seconds, 1..TARAD_MAX_SKEW_S. */
static int parse_skew(const char *text, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || v <= 0)
        return SL_EINVALID;
    if (*end == 'm')
        v *= 60, end++;
    else if (*end == 's')
        end++;
    if (*end != '\0' || v > TARAD_MAX_SKEW_S)
        return SL_EINVALID;
    *out = v;
    return SL_OK;
}

static int tarad_channel_open(const sl_host *host, sl_ctx *ctx, void **state,
                              sl_error *err)
{
    const char *token = host->secret_get(ctx, "user_token");
    if (token == NULL || *token == '\0')
        token = host->secret_get(ctx, "webhook_secret");
    if (token == NULL || *token == '\0')
        return sl_error_set(err, SL_EINVALID, "user_token",
                            "user_token (the token pasted into TARAD; "
                            "user_token_file or user_token_env) is missing");
    int64_t skew = TARAD_DEFAULT_SKEW_S;
    const char *v = host->config_get(ctx, "max_skew");
    if (v != NULL && parse_skew(v, &skew) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "max_skew",
                            "max_skew must be like 300, 300s or 5m (at most "
                            "1h)");
    tarad_chan *ch = calloc(1, sizeof *ch);
    if (ch == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    ch->host = host;
    ch->token = token;
    ch->max_skew_s = skew;
    *state = ch;
    return SL_OK;
}

static void tarad_channel_close(void *state)
{
    free(state);
}

/* The body as a JSON object with an event string and an order object. */
static int parse_envelope(const char *body, size_t len, json_t **out,
                          const char **event, sl_error *err)
{
    json_t *j = NULL;
    int rc = sl_json_parse_object(body, len, TARAD_MAX_BODY, "push body", &j, err);
    if (rc != SL_OK)
        return rc;
    rc = sl_json_str(j, TARAD_KEY_EVENT, 1, event, err);
    if (rc != SL_OK) {
        json_decref(j);
        return rc;
    }
    *out = j;
    return SL_OK;
}

/* Slot verify_webhook (1.4): the push's signature and timestamp only, so
   a signed push the parser then refuses is kept by the host as failed
   (answered 200) instead of refused. Every event is parsed. */
static int tarad_verify_webhook(void *state, sl_ctx *ctx, const sl_request *req,
                                int *acknowledge_only, sl_error *err)
{
    tarad_chan *ch = state;
    const sl_host *h = ch->host;
    *acknowledge_only = 0;
    if (h->request_verified(req))
        return SL_OK;
    size_t len = 0;
    const char *body = h->request_body(req, &len);
    return tarad_wire_verify(ch->token, h->request_header(req, TARAD_HDR_TIMESTAMP),
                             h->request_header(req, TARAD_HDR_SIGNATURE), body ? body : "",
                             body ? len : 0, h->now_ms(ctx), ch->max_skew_s, err);
}

/* Slot parse_webhook: verify, then submit paid and cancelled orders;
   other events are acknowledged and stored nowhere. */
static int tarad_parse_webhook(void *state, sl_ctx *ctx, const sl_request *req,
                               sl_error *err)
{
    tarad_chan *ch = state;
    const sl_host *h = ch->host;
    size_t len = 0;
    const char *body = h->request_body(req, &len);
    if (body == NULL)
        body = "", len = 0;
    if (len > TARAD_MAX_BODY)
        return sl_error_set(err, SL_ETOOBIG, "body",
                            "push of %zu bytes is over the limit", len);
    int rc;
    if (!h->request_verified(req) &&
        (rc = tarad_wire_verify(ch->token,
                                h->request_header(req, TARAD_HDR_TIMESTAMP),
                                h->request_header(req, TARAD_HDR_SIGNATURE),
                                body, len, h->now_ms(ctx), ch->max_skew_s,
                                err)) != SL_OK)
        return rc;
    json_t *j = NULL;
    const char *event = NULL;
    if ((rc = parse_envelope(body, len, &j, &event, err)) != SL_OK)
        return rc;
    if (strcmp(event, TARAD_EVENT_PAID) != 0 &&
        strcmp(event, TARAD_EVENT_CANCELLED) != 0) {
        h->log(ctx, SL_LOG_DEBUG, "push event %.64s acknowledged, ignored",
               event);
        json_decref(j);
        return SL_OK;
    }
    json_t *order = NULL;
    rc = sl_json_object(j, TARAD_KEY_ORDER, 1, &order, err);
    if (rc == SL_OK)
        rc = tarad_order_submit(ch, ctx, order, event, body, len, err);
    json_decref(j);
    return rc;
}

static const sl_plugin TARAD_PLUGIN = {
    .size = sizeof(sl_plugin),
    .abi_major = SL_ABI_MAJOR,
    .abi_minor = SL_ABI_MINOR,
    .min_host_minor = 0,
    .name = "tarad",
    .version = "0.1.0",
    .description = "TARAD U-Commerce: paid and cancelled orders pushed with "
                   "the merchant's user token (push format assumed, see "
                   "README)",
    .caps = SL_CAP_WEBHOOK,
    .channel_open = tarad_channel_open,
    .channel_close = tarad_channel_close,
    .parse_webhook = tarad_parse_webhook,
    .verify_webhook = tarad_verify_webhook, /* read by 1.4 hosts only */
};

/* The one exported symbol: the static plugin table. */
SL_EXPORT const sl_plugin *sl_plugin_entry(void)
{
    return &TARAD_PLUGIN;
}
