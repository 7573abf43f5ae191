/*
 * What one key cannot say alone: required keys, defaults that depend on
 * other keys (database from the id, the series from the channel name, the
 * currency exponent from the currency), and references between sections
 * (a channel's warehouse must be declared; webhook intake needs a webhook
 * secret). Runs once after a file is parsed; its errors point at the
 * section header or at the key that refers to something missing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "shopledger/money.h"

static void tenant_defaults(cfg_parse *p)
{
    config_tenant *t = p->t;
    if (p->tenant_line == 0) {
        cfg_error_in(p, "tenant", 1, NULL,
                     "missing section (every file needs [tenant] with id "
                     "and currency)");
        return;
    }
    if (t->id == NULL && !cfg_given(p, "tenant", "id"))
        cfg_error_in(p, "tenant", p->tenant_line, "id", "missing");
    if (t->currency == NULL && !cfg_given(p, "tenant", "currency"))
        cfg_error_in(p, "tenant", p->tenant_line, "currency", "missing (e.g. EUR)");
    else if (t->currency != NULL && t->currency_exponent < 0)
        t->currency_exponent = sl_currency_exponent(t->currency);
    if (t->database == NULL && t->id != NULL) {
        size_t n = strlen(t->id) + sizeof "var/.db";
        t->database = malloc(n);
        if (t->database == NULL)
            p->oom = 1;
        else
            snprintf(t->database, n, "var/%s.db", t->id);
    }
    if (t->timezone == NULL && cfg_set_str(&t->timezone, "UTC") != 0)
        p->oom = 1;
}

/* Default series: the channel name in capitals, '_' as '-', cut to 16. */
static char *default_series(const char *name)
{
    char buf[17];
    size_t i = 0;
    for (; name[i] && i < 16; i++)
        buf[i] = name[i] == '_' ? '-' : (char)toupper((unsigned char)name[i]);
    buf[i] = '\0';
    return strdup(buf);
}

#define CONFIG_MIN_WEBHOOK_SECRET 12

static void channel_check(cfg_parse *p, config_channel *ch)
{
    char sec[64];
    snprintf(sec, sizeof sec, "channel:%s", ch->name);
    if (ch->plugin == NULL && !cfg_given(p, sec, "plugin"))
        cfg_error_in(p, sec, ch->line, "plugin",
                     "missing (the connector to load, e.g. "
                     "woocommerce)");
    /* a postal channel (its city list: shipments/ship_send.h) books no
       orders of its own */
    int postal = cfg_kv_find(ch->settings, ch->settings_count, "cities") != NULL;
    if (ch->process_when_count == 0 && !postal && !cfg_given(p, sec, "process_when"))
        cfg_error_in(p, sec, ch->line, "process_when",
                     "missing (the shop statuses that "
                     "turn an order into a document, e.g. processing, completed)");
    if (!ch->intake_webhook && !ch->intake_poll)
        ch->intake_poll = 1;
    if (ch->intake_webhook &&
        cfg_kv_find(ch->secrets, ch->secret_count, "webhook_secret") == NULL) {
        const config_kv *kv = cfg_kv_find(ch->settings, ch->settings_count, "intake");
        cfg_error_in(p, sec, kv ? kv->line : ch->line, "intake",
                     "webhook intake needs webhook_secret_file, webhook_secret_env or "
                     "webhook_secret to verify signatures");
    }
    const config_kv *secret = cfg_kv_find(ch->secrets, ch->secret_count, "webhook_secret");
    if (secret != NULL && secret->value != NULL &&
        strlen(secret->value) < CONFIG_MIN_WEBHOOK_SECRET)
        cfg_error_in(p, sec, secret->line, "webhook_secret",
                     "shorter than %d bytes: a signature over it can be guessed",
                     CONFIG_MIN_WEBHOOK_SECRET);
    if (ch->warehouse != NULL && !config_has_warehouse(p->t, ch->warehouse)) {
        const config_kv *kv = cfg_kv_find(ch->settings, ch->settings_count, "warehouse");
        cfg_error_in(p, sec, kv ? kv->line : ch->line, "warehouse",
                     "no [warehouse:%s] section (only \"main\" exists without one)", ch->warehouse);
    }
    if (ch->series == NULL && (ch->series = default_series(ch->name)) == NULL)
        p->oom = 1;
    if (ch->warehouse == NULL && cfg_set_str(&ch->warehouse, "main") != 0)
        p->oom = 1;
    if (ch->stock_sync == NULL && cfg_set_str(&ch->stock_sync, "manual") != 0)
        p->oom = 1;
}

void cfg_validate(cfg_parse *p)
{
    tenant_defaults(p);
    for (size_t i = 0; i < p->t->channel_count; i++)
        channel_check(p, &p->t->channels[i]);
    cfg_mail_validate(p);
}
