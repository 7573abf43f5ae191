/*
 * plugin check, child side: static validation and probes that need no
 * remote system. Anything a plugin does wrong here is reported as a failed
 * step with the reason; the probes never trust the plugin's return values
 * alone (an "OK" that submitted a garbage order is a failure).
 */
#include <stdio.h>
#include <string.h>

#include "check/check_probe.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

static int sink_order(void *data, order *o, sl_error *err)
{
    (void)err;
    probe_sink *s = data;
    if (s->orders++ == 0)
        snprintf(s->first_external_id, sizeof s->first_external_id, "%s",
                 order_text(o, SL_ORDER_EXTERNAL_ID));
    order_free(o);
    return SL_OK;
}

static int sink_cursor(void *data, const char *cursor, sl_error *err)
{
    (void)cursor;
    (void)err;
    ((probe_sink *)data)->cursors++;
    return SL_OK;
}

static void sink_report(void *data, const char *sku, int outcome, const char *msg)
{
    (void)sku;
    (void)outcome;
    (void)msg;
    ((probe_sink *)data)->reports++;
}

static int sink_list(void *data, int kind, const char *id, const char *label, const char *detail)
{
    (void)kind;
    (void)id;
    (void)label;
    (void)detail;
    ((probe_sink *)data)->lists++;
    return SL_OK;
}

static int sink_product(void *data, const struct services_product *p, sl_error *err)
{
    (void)p;
    (void)err;
    ((probe_sink *)data)->products++;
    return SL_OK;
}

static int sink_result(void *data, const char *key, const char *value)
{
    probe_sink *s = data;
    int i = 0;
    while (i < s->results && strcmp(s->result_key[i], key) != 0)
        i++;
    if (i == PROBE_RESULTS_MAX)
        return SL_ETOOBIG;
    snprintf(s->result_key[i], sizeof s->result_key[i], "%s", key);
    snprintf(s->result_value[i], sizeof s->result_value[i], "%s", value);
    if (i == s->results)
        s->results++;
    if (strcmp(key, "parcel_id") == 0 && s->parcel_id[0] == '\0')
        snprintf(s->parcel_id, sizeof s->parcel_id, "%s", value);
    return SL_OK;
}

static int sink_result_row(void *data)
{
    ((probe_sink *)data)->result_rows++;
    return SL_OK;
}

const char *probe_result(const probe_sink *s, const char *key)
{
    for (int i = 0; i < s->results; i++)
        if (strcmp(s->result_key[i], key) == 0)
            return s->result_value[i];
    return NULL;
}

void probe_results_clear(probe_sink *s)
{
    s->results = 0;
}

int check_open_channel(const loaded_plugin *p, const config_channel *ch, config_tenant *tenant,
                       sl_ctx **ctx, void **state, probe_sink *seen, sl_error *err)
{
    *ctx = services_ctx_new(tenant, ch, NULL);
    if (*ctx == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    services_sink sink = {.data = seen,
                          .order_take = sink_order,
                          .cursor_commit = sink_cursor,
                          .push_report = sink_report,
                          .list_add = sink_list,
                          .result_set = sink_result,
                          .product_take = sink_product,
                          .result_row = sink_result_row};
    services_ctx_set_sink(*ctx, &sink);
    services_call_begin(*ctx);
    int rc = p->table->channel_open(services_table(), *ctx, state, err);
    services_call_end(*ctx);
    return rc;
}

/* A webhook call with a given body; returns the plugin's status. */
static int call_webhook(const loaded_plugin *p, sl_ctx *ctx, void *state, const char *body,
                        int verified, sl_error *err)
{
    services_request req = {.body = body, .body_len = strlen(body), .verified = verified};
    services_call_begin(ctx);
    int rc = p->table->parse_webhook(state, ctx, &req, err);
    services_call_end(ctx);
    return rc;
}

void check_webhook_probes(const loaded_plugin *p, sl_ctx *ctx, void *state, probe_sink *seen,
                          int fd)
{
    static const struct {
        const char *name, *body;
        int verified;
    } cases[] = {
        {"webhook: truncated JSON is refused", "{\"id\":", 1},
        {"webhook: empty body is refused", "", 1},
        {"webhook: unsigned body stores nothing", "{\"id\":1,\"status\":\"processing\"}", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        check_stage(fd, cases[i].name);
        sl_error err = {.size = sizeof err};
        int before = seen->orders;
        int rc = call_webhook(p, ctx, state, cases[i].body, cases[i].verified, &err);
        int stored = seen->orders - before;
        char detail[400];
        int ok = stored == 0 && (rc != SL_OK ? err.message[0] != '\0' : 1);
        if (i < 2 && rc == SL_OK)
            ok = 0; /* malformed input must be an error, not a silent ack */
        snprintf(detail, sizeof detail, "returned %s, stored %d order(s)%s%s", sl_status_name(rc),
                 stored, err.message[0] ? ": " : "", err.message);
        check_emit(fd, cases[i].name, ok, detail);
    }
}

static void probe_empty_open(const loaded_plugin *p, int fd)
{
    check_stage(fd, "channel_open with an empty config");
    config_channel ch = {.name = "check", .plugin = (char *)p->table->name};
    config_tenant tenant = {.id = "check", .currency = "EUR", .currency_exponent = 2};
    probe_sink seen = {0};
    sl_ctx *ctx = NULL;
    void *state = NULL;
    sl_error err = {.size = sizeof err};
    int rc = check_open_channel(p, &ch, &tenant, &ctx, &state, &seen, &err);
    char detail[400];
    if (rc == SL_OK) {
        check_emit(fd, "channel_open: empty config", 1, "accepted (plugin needs no keys)");
        if (p->table->parse_webhook)
            check_webhook_probes(p, ctx, state, &seen, fd);
        p->table->channel_close(state);
    } else {
        snprintf(detail, sizeof detail, "refused with %s naming '%s': %s", sl_status_name(rc),
                 err.field, err.message);
        check_emit(fd, "channel_open: empty config is refused clearly",
                   rc < 0 && err.message[0] != '\0', detail);
    }
    services_ctx_free(ctx);
}

static void emit_table(const loaded_plugin *p, int fd)
{
    char caps[512], detail[900];
    const sl_plugin *t = p->table;
    snprintf(detail, sizeof detail,
             "%s %s, ABI %u.%u (needs host >= %u.%u), table %zu bytes, caps: %s", t->name,
             t->version, t->abi_major, t->abi_minor, t->abi_major, t->min_host_minor, p->table_size,
             loader_caps_text(t->caps, caps, sizeof caps));
    check_emit(fd, "load and validate tables", 1, detail);
}

int check_probe_all(const check_options *opt, int fd)
{
    check_stage(fd, "load");
    loaded_plugin *p = NULL;
    sl_error err = {.size = sizeof err};
    if (loader_open(opt->plugin_path, &p, &err) != SL_OK) {
        check_emit(fd, "load and validate tables", 0, err.message);
        return 1;
    }
    emit_table(p, fd);
    probe_empty_open(p, fd);
    if (!check_sandbox_probes(opt, p, fd))
        check_emit(fd, "sandbox", 1, "no sandbox for this plugin here: only the static checks ran");
    loader_free(p);
    return 0;
}
