/*
 * The shared edges of a stock or price push: the list checked before any
 * call, and the words of the per-SKU report (host->push_report) for what
 * every connector reports alike. What to write and how a remote's batch
 * answer reads stay in the connector.
 */
#include <stdio.h>
#include <string.h>

#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

int sl_push_begin(const sl_host *h, const sl_stock_list *list, int prices, size_t *count,
                  int *exponent, sl_error *err)
{
    size_t n = h->stock_count(list);
    if (n > SL_PUSH_LIST_MAX)
        return sl_error_set(err, SL_ETOOBIG, "list", "%zu SKUs in one push", n);
    int exp = 0;
    if (prices) {
        const char *cur = h->stock_currency(list);
        exp = cur ? sl_currency_exponent(cur) : -1;
        if (exp < 0)
            return sl_error_set(err, SL_EINVALID, "currency", "price list currency is unknown");
    }
    *count = n;
    *exponent = exp;
    return SL_OK;
}

int sl_push_read_back(const char *wrote, const char *have, char *msg, size_t cap)
{
    if (cap > 0)
        msg[0] = '\0';
    if (have != NULL && strcmp(have, wrote) == 0)
        return SL_PUSH_WRITTEN;
    snprintf(msg, cap, "wrote %s, shop shows %s", wrote,
             have != NULL && have[0] ? have : "nothing");
    return SL_PUSH_DRIFT;
}

void sl_push_not_pushed(const sl_error *why, char *msg, size_t cap)
{
    snprintf(msg, cap, "not pushed: %s", why->message);
}
