/*
 * Currency exponents: how many minor digits each currency code carries.
 *
 * The values follow ISO 4217 with two deliberate exceptions for the shops
 * we serve: IRR is listed with 0 (ISO says 2, but the rial has had no
 * usable minor unit for decades and Iranian shops and gateways quote whole
 * rials), and IRT, the toman (10 rials, not an ISO code), is accepted with
 * 0 because Iranian shops price in it. HUF keeps its ISO 2; a tenant that
 * books forints without fillér overrides it in the INI.
 *
 * The table is sorted by code so a lookup is a binary search.
 */
#include <stdlib.h>
#include <string.h>

#include "shopledger/money.h"

typedef struct currency {
    char code[4];
    int exponent;
} currency;

/* Sorted by code (checked by the unit test through every entry). */
static const currency CURRENCIES[] = {
    {"AED", 2}, {"ARS", 2}, {"AUD", 2}, {"BAM", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0}, {"BRL", 2},
    {"CAD", 2}, {"CHF", 2}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2},
    {"EGP", 2}, {"EUR", 2}, {"GBP", 2}, {"GEL", 2}, {"GNF", 0}, {"HKD", 2}, {"HUF", 2}, {"IDR", 2},
    {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 0}, {"IRT", 0}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0},
    {"KMF", 0}, {"KRW", 0}, {"KWD", 3}, {"KZT", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MXN", 2},
    {"MYR", 2}, {"NOK", 2}, {"NZD", 2}, {"OMR", 3}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0},
    {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SEK", 2}, {"SGD", 2},
    {"THB", 2}, {"TND", 3}, {"TRY", 2}, {"TWD", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"VND", 0},
    {"VUV", 0}, {"XAF", 0}, {"XOF", 0}, {"XPF", 0}, {"ZAR", 2},
};

static int currency_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const currency *)elem)->code);
}

int sl_currency_exponent(const char *code)
{
    if (code == NULL || strlen(code) != 3)
        return -1;
    char up[4];
    for (int i = 0; i < 3; i++) {
        char c = code[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return -1;
        up[i] = c;
    }
    up[3] = '\0';
    const currency *hit = bsearch(up, CURRENCIES, sizeof CURRENCIES / sizeof CURRENCIES[0],
                                  sizeof CURRENCIES[0], currency_cmp);
    return hit ? hit->exponent : -1;
}

size_t sl_currency_count(void)
{
    return sizeof CURRENCIES / sizeof CURRENCIES[0];
}

const char *sl_currency_code_at(size_t i)
{
    return i < sl_currency_count() ? CURRENCIES[i].code : NULL;
}
