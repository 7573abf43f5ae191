/*
 * An order's address in the postal service's form: the city list (CSV,
 * the sandbox's own file) read with Persian and Arabic spellings, Latin
 * names and state codes; overrides; an unknown or ambiguous city is an
 * error naming the city and the service; mobiles, postal codes, and
 * Toman -> Rial exactly.
 */
#include "support.h"

#include <string.h>

#include "shipments/ship_address.h"
#include "shopledger/sdkutil.h"

#define OK(call) assert_int_equal((call), SL_OK)

static ship_cities *load(void)
{
    sl_error err = {.size = sizeof err};
    ship_cities *c = NULL;
    if (ship_cities_load("foroutel", SL_SOURCE_DIR "/tests/sandbox/foroutel/cities.csv", &c,
                         &err) != SL_OK)
        fail_msg("%s", err.message);
    return c;
}

static void expect_place(const ship_cities *c, const char *state, const char *city,
                         const char *prov, const char *id)
{
    sl_error err = {.size = sizeof err};
    ship_place p;
    int rc = ship_cities_map(c, state, city, &p, &err);
    if (rc != SL_OK || strcmp(p.province_id, prov) != 0 || strcmp(p.city_id, id) != 0)
        fail_msg("(%s, %s) -> %d %s:%s (%s), expected %s:%s", state ? state : "-", city, rc,
                 rc == SL_OK ? p.province_id : "", rc == SL_OK ? p.city_id : "", err.message, prov,
                 id);
}

static void test_spellings(void **state)
{
    (void)state;
    ship_cities *c = load();
    assert_int_equal(ship_cities_count(c), 8);
    expect_place(c, "ABZ", "کرج", "5", "51");   /* Persian keheh; list has Arabic kaf */
    expect_place(c, "البرز", "كرج", "5", "51"); /* Arabic kaf */
    expect_place(c, NULL, "Karaj", "5", "51");  /* Latin */
    expect_place(c, "", "  KARAJ ", "5", "51"); /* case and spaces */
    expect_place(c, "THR", "تهران", "1", "1");
    expect_place(c, "Tehran", "ري", "1", "14");       /* Arabic yeh; unknown state text */
    expect_place(c, "FRS", "فیروزآباد", "17", "175"); /* the state picks one of two */
    expect_place(c, "لرستان", "Firuzabad", "20", "204");
    ship_cities_free(c);
}

static void test_refused_cities(void **state)
{
    (void)state;
    ship_cities *c = load();
    sl_error err = {.size = sizeof err};
    ship_place p;
    assert_int_equal(ship_cities_map(c, "ABZ", "Hashtgerd", &p, &err), SL_ENOTFOUND);
    assert_string_equal(err.field, "city");
    assert_string_equal(err.message, "city 'Hashtgerd' not found in foroutel's list");
    assert_int_equal(ship_cities_map(c, "", "فیروزآباد", &p, &err), SL_ECONFLICT);
    assert_string_equal(err.field, "state");
    assert_non_null(strstr(err.message, "فارس"));
    assert_non_null(strstr(err.message, "لرستان"));
    /* the state names another province the list knows: not a guess */
    assert_int_equal(ship_cities_map(c, "ESF", "Karaj", &p, &err), SL_ECONFLICT);
    assert_string_equal(err.field, "state");
    assert_int_equal(ship_cities_map(c, "ABZ", " ", &p, &err), SL_EINVALID);
    assert_string_equal(err.field, "city");
    ship_cities_free(c);
}

static void test_overrides(void **state)
{
    (void)state;
    ship_cities *c = load();
    sl_error err = {.size = sizeof err};
    OK(ship_cities_override(c, "Hashtgerd", "5:58", &err));
    OK(ship_cities_override(c, "FRS/Firuzabad", "17:199", &err));
    expect_place(c, "ABZ", "hashtgerd", "5", "58");
    expect_place(c, "FRS", "Firuzabad", "17", "199"); /* STATE/CITY first */
    expect_place(c, "LRS", "Firuzabad", "20", "204");
    assert_int_equal(ship_cities_override(c, "x", "5-58", &err), SL_EINVALID);
    assert_string_equal(err.field, "x");
    assert_int_equal(ship_cities_override(c, "x", "a:1", &err), SL_EINVALID);
    ship_cities_free(c);
}

static void test_bad_lists(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    ship_cities *c = NULL;
    static const char NO_CITY[] = "province_id,province,city_id\n1,Tehran,1\n";
    assert_int_equal(ship_cities_parse("foroutel", NO_CITY, strlen(NO_CITY), &c, &err),
                     SL_EINVALID);
    assert_string_equal(err.field, "city");
    static const char NO_CITY_NAME[] = "city,province_id,province\nTehran,1,Tehran\n";
    assert_int_equal(ship_cities_parse("foroutel", NO_CITY_NAME, strlen(NO_CITY_NAME), &c, &err),
                     SL_EINVALID);
    assert_string_equal(err.field, "city_id");
    static const char BAD_ID[] = "province_id,province,city_id,city\n1,Tehran,x1,Tehran\n";
    assert_int_equal(ship_cities_parse("foroutel", BAD_ID, strlen(BAD_ID), &c, &err), SL_EINVALID);
    assert_string_equal(err.field, "city_id");
    assert_non_null(strstr(err.message, "line 2"));
    static const char EXTRA[] = "province_id,province,city_id,city,zone\n";
    assert_int_equal(ship_cities_parse("foroutel", EXTRA, strlen(EXTRA), &c, &err), SL_EINVALID);
    assert_string_equal(err.field, "zone");
    assert_int_equal(ship_cities_load("foroutel", "/nonexistent/cities.csv", &c, &err), SL_EIO);
    assert_null(c);
}

static void test_mobiles_and_postcodes(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    char m[12], pc[11];
    static const char *const GOOD[] = {"09121234567",      "۰۹۱۲۱۲۳۴۵۶۷",      "+98 912 123 4567",
                                       "0098-912-1234567", "98 912 123 45 67", "9121234567",
                                       "(0912) 123-4567",  "٠٩١٢١٢٣٤٥٦٧"};
    for (size_t i = 0; i < sizeof GOOD / sizeof GOOD[0]; i++) {
        if (ship_mobile(GOOD[i], "phone", m, &err) != SL_OK || strcmp(m, "09121234567") != 0)
            fail_msg("mobile '%s' -> '%s' (%s)", GOOD[i], m, err.message);
    }
    static const char *const BAD[] = {"02188776655", "0912123456", "091212345678",
                                      "0912x234567", "",           "+1 912 123 4567"};
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        if (ship_mobile(BAD[i], "phone", m, &err) != SL_EINVALID)
            fail_msg("mobile '%s' accepted", BAD[i]);
        assert_string_equal(err.field, "phone");
    }
    OK(ship_postal_code("۱۳۱۴۵-۶۷۸۹۱", "postcode", pc, &err));
    assert_string_equal(pc, "1314567891");
    OK(ship_postal_code("1314567891", "postcode", pc, &err));
    assert_int_equal(ship_postal_code("131456789", "postcode", pc, &err), SL_EINVALID);
    assert_string_equal(err.field, "postcode");
    assert_int_equal(ship_postal_code("13145678912", "postcode", pc, &err), SL_EINVALID);
}

static void test_rial(void **state)
{
    (void)state;
    sl_error err = {.size = sizeof err};
    int64_t r = 0;
    OK(ship_to_rial("IRT", 0, 171835, &r, &err));
    assert_int_equal(r, 1718350);
    OK(ship_to_rial("IRR", 0, 1718350, &r, &err));
    assert_int_equal(r, 1718350);
    OK(ship_to_rial("IRT", 1, 15, &r, &err)); /* 1.5 toman = 15 rial */
    assert_int_equal(r, 15);
    assert_int_equal(ship_to_rial("IRT", 2, 155, &r, &err), SL_EINVALID); /* 15.5 rial */
    assert_int_equal(ship_to_rial("EUR", 2, 100, &r, &err), SL_EINVALID);
    assert_string_equal(err.field, "currency");
    assert_int_equal(ship_to_rial("IRT", 0, INT64_MAX / 5, &r, &err), SL_ETOOBIG);
    /* and back */
    OK(ship_from_rial("IRT", 0, "1718350", &r, &err));
    assert_int_equal(r, 171835);
    assert_int_equal(ship_from_rial("IRT", 0, "1718355", &r, &err), SL_EINVALID); /* half a toman */
    OK(ship_from_rial("IRT", 1, "1718355", &r, &err));
    assert_int_equal(r, 1718355);
    OK(ship_from_rial("IRR", 0, "42", &r, &err));
    assert_int_equal(r, 42);
    assert_int_equal(ship_from_rial("IRR", 0, "4.2", &r, &err), SL_EINVALID);
    assert_int_equal(ship_from_rial("IRR", 0, "", &r, &err), SL_EINVALID);
    assert_int_equal(ship_from_rial("EUR", 2, "100", &r, &err), SL_EINVALID);
    assert_string_equal(err.field, "currency");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spellings),
        cmocka_unit_test(test_refused_cities),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_bad_lists),
        cmocka_unit_test(test_mobiles_and_postcodes),
        cmocka_unit_test(test_rial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
