/*
 * Lists a channel's options from its plugin's option table, for
 * `config check` and `channel describe`: each key with its type, the value
 * the section gives (or the default it falls back to), the bounds and one
 * line of help. A secret's value is never shown, only whether it is set.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "config/config.h"
#include "shopledger/options.h"

/* The value to show: the configured text, the default, or a mask. */
static const char *shown_value(const config_channel *ch, const sl_option *o, int *is_default)
{
    *is_default = 0;
    if (o->type == SL_OPT_TYPE_SECRET) {
        for (size_t i = 0; i < ch->secret_count; i++)
            if (strcmp(ch->secrets[i].key, o->name) == 0)
                return ch->secrets[i].value ? "(set)" : "(missing)";
        return "(not set)";
    }
    const char *v = config_channel_get(ch, o->name);
    if (v != NULL)
        return v;
    *is_default = o->def != NULL;
    return o->def ? o->def : "(not set)";
}

void cli_print_options(const config_channel *ch, const sl_option_table *opts, const char *indent)
{
    if (opts == NULL)
        return;
    printf("%soptions (%zu):\n", indent, opts->count);
    for (size_t i = 0; i < opts->count; i++) {
        const sl_option *o = sl_options_row(opts, i);
        char about[192];
        int dflt;
        const char *v = shown_value(ch, o, &dflt);
        sl_option_describe(o, about, sizeof about);
        printf("%s  %-24s %-9s %s%s  (%s%s%s)\n", indent, o->name, sl_option_type_name(o->type), v,
               dflt ? " [default]" : "", about, about[0] ? "; " : "", o->help);
    }
}

json_t *cli_options_json(const config_channel *ch, const sl_option_table *opts)
{
    json_t *a = json_array();
    for (size_t i = 0; opts != NULL && i < opts->count; i++) {
        const sl_option *o = sl_options_row(opts, i);
        int dflt;
        const char *v = shown_value(ch, o, &dflt);
        char about[192];
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:b, s:s?, s:b, s:b, s:s, s:s}", "name", o->name, "type",
                         sl_option_type_name(o->type), "value", v, "is_default", dflt, "default",
                         o->def, "required", (o->flags & SL_OPT_REQUIRED) != 0, "secret",
                         o->type == SL_OPT_TYPE_SECRET, "limits",
                         sl_option_describe(o, about, sizeof about), "help", o->help));
    }
    return a;
}
