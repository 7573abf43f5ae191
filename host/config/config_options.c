/*
 * A channel section against its connector's option table (ABI 1.3,
 * shopledger/options.h). The INI loader cannot do this alone: it reads the
 * file before any plugin is loaded, so it keeps every unknown key of a
 * [channel:NAME] section, with its line, for the plugin. Once the plugin is
 * loaded (runtime_open, config check) this pass gives those keys the same
 * strictness as the host's own:
 *   - a key neither the host nor the table declares is an error;
 *   - a secret the table does not declare is an error;
 *   - each value is parsed by sl_option_parse, the one grammar;
 *   - a required option or secret that is absent is an error at the
 *     section header.
 * Every problem is one line "FILE:LINE: [channel:NAME] key: what".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "shopledger/options.h"
#include "shopledger/sdkutil.h"

/* What the pass collects: the report and the first error. */
typedef struct opt_check {
    const config_tenant *t;
    const config_channel *ch;
    cfg_text text;
    sl_error *err;
    int errors;
} opt_check;

static void problem(opt_check *c, int line, const char *key, const char *what)
{
    char msg[640];
    snprintf(msg, sizeof msg, "%s:%d: [channel:%s] %s: %s", c->t->file, line, c->ch->name, key,
             what);
    if (c->errors++ == 0)
        sl_error_set(c->err, SL_EINVALID, key, "%s", msg);
    cfg_text_add(&c->text, msg);
}

static void check_setting(opt_check *c, const sl_option_table *opts, const config_kv *kv)
{
    const sl_option *o = sl_options_find(opts, kv->key);
    if (o == NULL || o->type == SL_OPT_TYPE_SECRET) {
        if (!config_is_host_channel_key(kv->key))
            problem(c, kv->line, kv->key,
                    o ? "is a secret: give it as KEY_file or KEY_env"
                      : "unknown key (neither the plugin nor the host "
                        "reads it; see config check for the options)");
        return;
    }
    sl_option_value v;
    sl_error why = {.size = sizeof why};
    if (sl_option_parse(o, kv->value, &v, &why) != SL_OK)
        problem(c, kv->line, kv->key, why.message);
}

static void check_secret(opt_check *c, const sl_option_table *opts, const config_kv *kv)
{
    const sl_option *o = sl_options_find(opts, kv->key);
    if (o == NULL || o->type != SL_OPT_TYPE_SECRET) {
        problem(c, kv->line, kv->key, "unknown secret (the plugin does not read it)");
        return;
    }
    sl_option_value v;
    sl_error why = {.size = sizeof why};
    if (kv->value != NULL && sl_option_parse(o, kv->value, &v, &why) != SL_OK)
        problem(c, kv->line, kv->key, why.message);
}

static void check_required(opt_check *c, const sl_option *o)
{
    char what[320];
    if (!(o->flags & SL_OPT_REQUIRED) || o->def != NULL)
        return;
    if (o->type == SL_OPT_TYPE_SECRET) {
        if (cfg_kv_find(c->ch->secrets, c->ch->secret_count, o->name) != NULL)
            return;
        snprintf(what, sizeof what, "required secret is not set (%s_file or %s_env): %s", o->name,
                 o->name, o->help);
    } else {
        if (config_channel_get(c->ch, o->name) != NULL)
            return;
        snprintf(what, sizeof what, "required key is not set: %s", o->help);
    }
    problem(c, c->ch->line, o->name, what);
}

int config_check_options(const config_tenant *t, const config_channel *ch,
                         const sl_option_table *opts, char **report, sl_error *err)
{
    if (report != NULL)
        *report = NULL;
    if (opts == NULL)
        return SL_OK;
    opt_check c = {.t = t, .ch = ch, .err = err};
    for (size_t i = 0; i < ch->settings_count; i++)
        check_setting(&c, opts, &ch->settings[i]);
    for (size_t i = 0; i < ch->secret_count; i++)
        check_secret(&c, opts, &ch->secrets[i]);
    for (size_t i = 0; i < opts->count; i++)
        check_required(&c, sl_options_row(opts, i));
    if (c.text.oom) {
        free(c.text.data);
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    }
    if (report != NULL)
        *report = c.text.data;
    else
        free(c.text.data);
    return c.errors ? SL_EINVALID : SL_OK;
}
