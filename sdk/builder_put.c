/*
 * Setting a field of an order or of one of its lines through the host's
 * builder, money given as minor units: what every mapper of a connector
 * does for each member it maps.
 */
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

int sl_put_text(const sl_host *h, sl_order *o, sl_line *l, int field, const char *value)
{
    return l != NULL ? h->line_set_text(l, field, value) : h->order_set_text(o, field, value);
}

int sl_put_money(const sl_host *h, sl_order *o, sl_line *l, int field, int64_t minor, int exponent,
                 char *text)
{
    sl_money_format(minor, exponent, text);
    return l != NULL ? h->line_set_money(l, field, text) : h->order_set_money(o, field, text);
}
