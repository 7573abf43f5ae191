/*
 * Day one (rules.h, "day one"): a channel's start_date is the first local
 * day of the tenant whose orders the books take; an order the shop
 * created before it is history. History is never booked and never noted
 * back (its sale was booked elsewhere, before this host); with history =
 * import it is stored and shown in the inbox, with history = skip (the
 * default) the poll leaves it out (server/poll.c). A webhook delivery for
 * one is kept either way, as an authentic delivery always is, and books
 * nothing.
 */
#include <stdio.h>

#include "rules/rules_int.h"
#include "services/services.h"

int64_t rules_start_ms(const config_tenant *t, const config_channel *ch)
{
    int64_t ms = 0;
    if (ch->start_date[0] == '\0' ||
        services_local_midnight_ms(t->timezone, ch->start_date, &ms) != SL_OK)
        return 0;
    return ms;
}

int rules_is_history_at(int64_t start_ms, const order *o)
{
    int64_t created = o->time[SL_ORDER_CREATED];
    return start_ms != 0 && created != 0 && created < start_ms;
}

int rules_is_history(const config_tenant *t, const config_channel *ch, const order *o)
{
    return rules_is_history_at(rules_start_ms(t, ch), o);
}

int rules_history_event(rules_ctx *c)
{
    char day[16] = "?", text[256];
    services_local_day(c->t->timezone, c->o->time[SL_ORDER_CREATED], day);
    snprintf(text, sizeof text,
             "history: created %s, before start_date %s of channel %s; stored, never booked "
             "and no note to the shop",
             day, c->ch->start_date, c->ch->name);
    return c->it ? inbox_event(c->s, c->it->id, c->now_ms, "rules", text, c->err) : SL_OK;
}
