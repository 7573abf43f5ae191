/*
 * An order's address in the form an Iranian postal service wants it: the
 * service's own numeric province and city ids, a 09xxxxxxxxx mobile and a
 * 10-digit postal code.
 *
 * City ids come from the service's city list, which a postal channel loads
 * as CSV (`cities = FILE.csv`, a header row, columns
 *   province_id, province, city_id, city   required
 *   province_code, city_latin               optional
 * where province_code is the shop's state code, e.g. WooCommerce "ABZ"),
 * plus overrides in the channel's [channel:NAME.cities] map: key "CITY"
 * or "STATE/CITY" (any spelling), value "PROVINCE_ID:CITY_ID". Matching
 * compares normalized text (sl_fa_normalize, ASCII case folded), so
 * "كرج", "کرج" and "Karaj" (with city_latin) find the same row. A city
 * that is not in the list, or is in it under several provinces and the
 * order's state does not say which, is an error naming the city and the
 * service: never a guess.
 */
#ifndef SL_SHIP_ADDRESS_H
#define SL_SHIP_ADDRESS_H

#include <stddef.h>

#include "shopledger/sdk.h"

#define SHIP_CITIES_MAX_ROWS 20000
#define SHIP_CITIES_MAX_BYTES (4u << 20)
#define SHIP_ID_MAX 24

typedef struct ship_place {
    char province_id[SHIP_ID_MAX];
    char city_id[SHIP_ID_MAX];
} ship_place;

typedef struct ship_cities ship_cities;

/* Parses a city list (CSV text of len bytes) of the service named
   `service` (used in messages: "foroutel's list"). *out on success, free
   with ship_cities_free. SL_EINVALID naming the column or "line N" for a
   missing column, an empty or non-numeric id, text that is not UTF-8;
   SL_ETOOBIG over SHIP_CITIES_MAX_BYTES / _ROWS. */
int ship_cities_parse(const char *service, const char *text, size_t len, ship_cities **out,
                      sl_error *err);
/* The same from a file (SL_EIO naming the path when it cannot be read). */
int ship_cities_load(const char *service, const char *path, ship_cities **out, sl_error *err);
void ship_cities_free(ship_cities *c);
/* Adds one override ("CITY" or "STATE/CITY" -> "PROVINCE_ID:CITY_ID");
   SL_EINVALID naming the key when the value is not two numeric ids. */
int ship_cities_override(ship_cities *c, const char *key, const char *ids, sl_error *err);
/* Rows read from the list (overrides not counted). */
size_t ship_cities_count(const ship_cities *c);

/* Maps (state, city) of an order to the service's ids. `state` may be
   NULL or "" (then the city alone must be unique). SL_ENOTFOUND (field
   "city"): "city 'Karaj' not found in foroutel's list"; SL_ECONFLICT
   (field "state"): the city is in several provinces and the state does
   not pick one, or the state names another province than the only city
   of that name. */
int ship_cities_map(const ship_cities *c, const char *state, const char *city, ship_place *out,
                    sl_error *err);

/* A phone number as 09xxxxxxxxx: Persian/Arabic digits, spaces, dashes,
   dots and parentheses allowed; +98, 0098 and 98 prefixes and a missing
   leading 0 accepted. out must hold 12 bytes. SL_EINVALID naming
   `field` for anything that is not an Iranian mobile. */
int ship_mobile(const char *in, const char *field, char out[12], sl_error *err);
/* A postal code as exactly 10 ASCII digits (Persian/Arabic digits,
   spaces and dashes allowed in the input). out must hold 11 bytes.
   SL_EINVALID naming `field` otherwise. */
int ship_postal_code(const char *in, const char *field, char out[11], sl_error *err);

/* An amount of the shop's currency in minor units (exponent `exp`) as
   Rial for the service: IRR as it is, IRT (toman) x 10, both exactly (an
   amount with a fraction of a Rial is refused). SL_EINVALID naming
   "currency" for any other currency or an inexact amount, SL_ETOOBIG on
   overflow. */
int ship_to_rial(const char *currency, int exp, int64_t amount, int64_t *rial, sl_error *err);

/* The way back: Rial as decimal integer text (a service's answer) in the
   shop's currency minor units, exactly. SL_EINVALID naming "amount" for
   text that is no whole number, or an amount with no exact form in the
   shop's currency (IRT: a Rial that is no whole tenth of a toman when the
   exponent cannot hold it). */
int ship_from_rial(const char *currency, int exp, const char *rial_text, int64_t *amount,
                   sl_error *err);

#endif
