/*
 * The service's city list and the order's contact fields (ship_address.h).
 *
 * The list is kept as rows with their names already normalized, and
 * searched linearly: a service lists about 1,100 cities and an order is
 * mapped once, so an index would buy nothing measurable. Overrides are
 * searched first, "STATE/CITY" before "CITY".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "masters/csv_read.h"
#include "shipments/ship_address.h"
#include "shopledger/sdkutil.h"

#define NAME_MAX 160

typedef struct city_row {
    ship_place place;
    char province[NAME_MAX]; /* as listed, for messages */
    char n_province[NAME_MAX], n_code[NAME_MAX], n_city[NAME_MAX], n_latin[NAME_MAX];
} city_row;

typedef struct city_override {
    char n_key[2 * NAME_MAX];
    ship_place place;
} city_override;

struct ship_cities {
    char service[64];
    city_row *rows;
    size_t count;
    city_override *over;
    size_t over_count;
};

static const char *const COLS[] = {"city_id",       "city",       "province_id", "province",
                                   "province_code", "city_latin", NULL};

static int numeric(const char *s)
{
    if (!*s || strlen(s) >= SHIP_ID_MAX)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Normalized, case-folded name; "" for NULL. SL_EINVALID when not UTF-8. */
static int norm(const char *in, char *out, size_t cap)
{
    if (!in) {
        out[0] = '\0';
        return SL_OK;
    }
    return sl_fa_normalize(in, 1, out, cap);
}

static int add_row(ship_cities *c, const csv_row *row, const int *col, size_t line, sl_error *err)
{
    city_row r;
    memset(&r, 0, sizeof r);
    const char *city_id = csv_get(row, col, 0), *prov_id = csv_get(row, col, 2);
    if (!numeric(city_id) || !numeric(prov_id))
        return sl_error_set(err, SL_EINVALID, numeric(city_id) ? "province_id" : "city_id",
                            "line %zu: %s is not a numeric id", line,
                            numeric(city_id) ? "province_id" : "city_id");
    snprintf(r.place.city_id, sizeof r.place.city_id, "%s", city_id);
    snprintf(r.place.province_id, sizeof r.place.province_id, "%s", prov_id);
    snprintf(r.province, sizeof r.province, "%s", csv_get(row, col, 3));
    if (norm(csv_get(row, col, 1), r.n_city, sizeof r.n_city) != SL_OK || !r.n_city[0] ||
        norm(csv_get(row, col, 3), r.n_province, sizeof r.n_province) != SL_OK ||
        norm(csv_get(row, col, 4), r.n_code, sizeof r.n_code) != SL_OK ||
        norm(csv_get(row, col, 5), r.n_latin, sizeof r.n_latin) != SL_OK)
        return sl_error_set(err, SL_EINVALID, "city",
                            "line %zu: a name is empty, not UTF-8 or longer than %d bytes", line,
                            NAME_MAX - 1);
    if (c->count >= SHIP_CITIES_MAX_ROWS)
        return sl_error_set(err, SL_ETOOBIG, "", "more than %d cities", SHIP_CITIES_MAX_ROWS);
    if (c->count % 256 == 0) {
        city_row *grown = realloc(c->rows, (c->count + 256) * sizeof *grown);
        if (!grown)
            return sl_error_set(err, SL_ENOMEM, "", "out of memory");
        c->rows = grown;
    }
    c->rows[c->count++] = r;
    return SL_OK;
}

static int parse_rows(ship_cities *c, const char *text, size_t len, sl_error *err)
{
    csv_row *row = malloc(sizeof *row);
    if (!row)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    csv_reader r = {text, text + len, 0};
    int col[8];
    int rc = csv_read_row(&r, row, err);
    if (rc == SL_OK)
        rc = csv_map_header(row, COLS, col, err);
    for (int i = 1; rc == SL_OK && i < 4; i++)
        if (col[i] < 0)
            rc = sl_error_set(err, SL_EINVALID, COLS[i], "line 1: column '%s' is missing", COLS[i]);
    while (rc == SL_OK && r.p < r.end) {
        size_t line = r.line + 1;
        rc = csv_read_row(&r, row, err);
        if (rc == SL_OK && !(row->count == 1 && !row->field[0][0]))
            rc = add_row(c, row, col, line, err);
    }
    free(row);
    return rc;
}

int ship_cities_parse(const char *service, const char *text, size_t len, ship_cities **out,
                      sl_error *err)
{
    if (len > SHIP_CITIES_MAX_BYTES)
        return sl_error_set(err, SL_ETOOBIG, "cities", "city list larger than %u bytes",
                            SHIP_CITIES_MAX_BYTES);
    ship_cities *c = calloc(1, sizeof *c);
    if (!c)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    snprintf(c->service, sizeof c->service, "%s", service ? service : "the service");
    int rc = parse_rows(c, text, len, err);
    if (rc != SL_OK) {
        ship_cities_free(c);
        return rc;
    }
    *out = c;
    return SL_OK;
}

int ship_cities_load(const char *service, const char *path, ship_cities **out, sl_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sl_error_set(err, SL_EIO, "cities", "cannot read city list %.200s", path);
    char *buf = malloc(SHIP_CITIES_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, SHIP_CITIES_MAX_BYTES + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    int rc;
    if (!buf)
        rc = sl_error_set(err, SL_ENOMEM, "", "out of memory");
    else if (bad)
        rc = sl_error_set(err, SL_EIO, "cities", "cannot read city list %.200s", path);
    else
        rc = ship_cities_parse(service, buf, n, out, err);
    free(buf);
    return rc;
}

void ship_cities_free(ship_cities *c)
{
    if (!c)
        return;
    free(c->rows);
    free(c->over);
    free(c);
}

size_t ship_cities_count(const ship_cities *c)
{
    return c->count;
}

int ship_cities_override(ship_cities *c, const char *key, const char *ids, sl_error *err)
{
    city_override o;
    memset(&o, 0, sizeof o);
    const char *colon = ids ? strchr(ids, ':') : NULL;
    if (colon && (size_t)(colon - ids) < sizeof o.place.province_id) {
        snprintf(o.place.province_id, sizeof o.place.province_id, "%.*s", (int)(colon - ids), ids);
        snprintf(o.place.city_id, sizeof o.place.city_id, "%s", colon + 1);
    }
    if (!numeric(o.place.province_id) || !numeric(o.place.city_id))
        return sl_error_set(err, SL_EINVALID, key ? key : "",
                            "city override '%.64s' is not PROVINCE_ID:CITY_ID", ids ? ids : "");
    if (norm(key, o.n_key, sizeof o.n_key) != SL_OK || !o.n_key[0])
        return sl_error_set(err, SL_EINVALID, key ? key : "", "city override key is empty");
    city_override *grown = realloc(c->over, (c->over_count + 1) * sizeof *grown);
    if (!grown)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    c->over = grown;
    c->over[c->over_count++] = o;
    return SL_OK;
}

static const city_override *find_override(const ship_cities *c, const char *key)
{
    for (size_t i = 0; i < c->over_count; i++)
        if (strcmp(c->over[i].n_key, key) == 0)
            return &c->over[i];
    return NULL;
}

static int state_matches(const city_row *r, const char *n_state)
{
    return n_state[0] && (strcmp(r->n_province, n_state) == 0 || strcmp(r->n_code, n_state) == 0);
}

static int state_known(const ship_cities *c, const char *n_state)
{
    for (size_t i = 0; i < c->count; i++)
        if (state_matches(&c->rows[i], n_state))
            return 1;
    return 0;
}

/* Picks among the rows named n_city; ambiguity and contradictions are
   errors, not guesses. */
static int pick(const ship_cities *c, const char *city, const char *state, const char *n_city,
                const char *n_state, ship_place *out, sl_error *err)
{
    const city_row *only = NULL, *by_state = NULL;
    size_t named = 0, matching = 0;
    char provinces[256] = "";
    for (size_t i = 0; i < c->count; i++) {
        const city_row *r = &c->rows[i];
        if (strcmp(r->n_city, n_city) != 0 && strcmp(r->n_latin, n_city) != 0)
            continue;
        named++;
        only = r;
        size_t used = strlen(provinces);
        snprintf(provinces + used, sizeof provinces - used, "%s%s", used ? ", " : "", r->province);
        if (state_matches(r, n_state)) {
            matching++;
            by_state = r;
        }
    }
    if (named == 0)
        return sl_error_set(err, SL_ENOTFOUND, "city", "city '%.80s' not found in %s's list", city,
                            c->service);
    if (matching == 1) {
        *out = by_state->place;
        return SL_OK;
    }
    if (named == 1 && (!n_state[0] || !state_known(c, n_state))) {
        *out = only->place;
        return SL_OK;
    }
    if (named == 1)
        return sl_error_set(err, SL_ECONFLICT, "state",
                            "city '%.80s' is in province %.60s in %s's list, not in '%.60s'", city,
                            only->province, c->service, state);
    return sl_error_set(err, SL_ECONFLICT, "state",
                        "city '%.80s' is in several provinces of %s's list (%.120s) and state "
                        "'%.60s' does not say which",
                        city, c->service, provinces, state ? state : "");
}

int ship_cities_map(const ship_cities *c, const char *state, const char *city, ship_place *out,
                    sl_error *err)
{
    char n_city[NAME_MAX], n_state[NAME_MAX], key[2 * NAME_MAX + 1];
    if (norm(city, n_city, sizeof n_city) != SL_OK || !n_city[0])
        return sl_error_set(err, SL_EINVALID, "city", "the shipping address has no usable city");
    if (norm(state, n_state, sizeof n_state) != SL_OK)
        n_state[0] = '\0';
    snprintf(key, sizeof key, "%s/%s", n_state, n_city);
    const city_override *o = n_state[0] ? find_override(c, key) : NULL;
    if (!o)
        o = find_override(c, n_city);
    if (o) {
        *out = o->place;
        return SL_OK;
    }
    return pick(c, city, state, n_city, n_state, out, err);
}

/* Normalized digits of `in` with the separators people type dropped;
   0 when something else is in it. */
static int digits_only(const char *in, char *out, size_t cap)
{
    char norm_buf[64];
    if (!in || strlen(in) >= sizeof norm_buf ||
        sl_fa_normalize(in, 0, norm_buf, sizeof norm_buf) != SL_OK)
        return 0;
    size_t n = 0;
    for (const char *p = norm_buf; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= cap)
                return 0;
            out[n++] = *p;
        } else if (!strchr(" -.()+", *p)) {
            return 0;
        }
    }
    out[n] = '\0';
    return 1;
}

int ship_mobile(const char *in, const char *field, char out[12], sl_error *err)
{
    char d[24];
    const char *p = d;
    if (digits_only(in, d, sizeof d)) {
        if (strncmp(p, "0098", 4) == 0)
            p += 4;
        else if (strncmp(p, "98", 2) == 0 && strlen(p) == 12)
            p += 2;
        if (strlen(p) == 10 && p[0] == '9') {
            out[0] = '0';
            memcpy(out + 1, p, 11); /* 10 digits and the NUL */
            return SL_OK;
        }
        if (strlen(p) == 11 && p[0] == '0' && p[1] == '9') {
            memcpy(out, p, 12);
            return SL_OK;
        }
    }
    return sl_error_set(err, SL_EINVALID, field, "'%.32s' is not an Iranian mobile (09xxxxxxxxx)",
                        in ? in : "");
}

int ship_postal_code(const char *in, const char *field, char out[11], sl_error *err)
{
    char d[24];
    if (digits_only(in, d, sizeof d) && strlen(d) == 10) {
        memcpy(out, d, 11);
        return SL_OK;
    }
    return sl_error_set(err, SL_EINVALID, field, "'%.32s' is not a 10-digit postal code",
                        in ? in : "");
}

int ship_to_rial(const char *currency, int exp, int64_t amount, int64_t *rial, sl_error *err)
{
    int64_t mult;
    if (currency && strcmp(currency, "IRR") == 0)
        mult = 1;
    else if (currency && strcmp(currency, "IRT") == 0)
        mult = 10;
    else
        return sl_error_set(err, SL_EINVALID, "currency",
                            "the Iranian post takes Rial: currency %.8s is neither IRR nor IRT",
                            currency ? currency : "");
    if (exp < 0 || exp > 6)
        return sl_error_set(err, SL_EINVALID, "currency", "exponent %d of %s", exp, currency);
    int64_t div = 1;
    for (int i = 0; i < exp; i++)
        div *= 10;
    if (amount > INT64_MAX / mult || amount < -(INT64_MAX / mult))
        return sl_error_set(err, SL_ETOOBIG, "amount", "amount too large");
    int64_t scaled = amount * mult;
    if (scaled % div != 0)
        return sl_error_set(err, SL_EINVALID, "currency",
                            "%lld minor units of %s are no whole number of Rial", (long long)amount,
                            currency);
    *rial = scaled / div;
    return SL_OK;
}

int ship_from_rial(const char *currency, int exp, const char *rial_text, int64_t *amount,
                   sl_error *err)
{
    char *end = NULL;
    long long rial = rial_text && *rial_text ? strtoll(rial_text, &end, 10) : -1;
    if (!end || *end || rial < 0 || rial > INT64_MAX / 1000000)
        return sl_error_set(err, SL_EINVALID, "amount", "'%.32s' is not a whole number of Rial",
                            rial_text ? rial_text : "");
    int64_t mult = currency && strcmp(currency, "IRT") == 0 ? 10 : 1, scale = 1;
    if ((mult == 1 && (!currency || strcmp(currency, "IRR") != 0)) || exp < 0 || exp > 6)
        return sl_error_set(err, SL_EINVALID, "currency", "%.8s is neither IRR nor IRT",
                            currency ? currency : "");
    for (int i = 0; i < exp; i++)
        scale *= 10;
    if ((rial * scale) % mult != 0)
        return sl_error_set(err, SL_EINVALID, "amount", "%lld Rial is no amount of %s", rial,
                            currency);
    *amount = rial * scale / mult;
    return SL_OK;
}
