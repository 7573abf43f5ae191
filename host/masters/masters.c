/*
 * Master data lookups and creation (see masters.h). The pattern everywhere:
 * insert-or-ignore by the natural key, then read the id back, so two
 * writers (CLI and server) cannot create the same record twice. Every
 * booked order asks for its customer, warehouse, tax groups and services,
 * which exist after the first few orders: so each ensure reads first and
 * writes only when the record is missing (or, for a tax group and a cash
 * account, when the write would change it). The write is still the same
 * UNIQUE-keyed upsert, so a record created meanwhile by another writer is
 * taken, never doubled.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_sql.h"
#include "masters/masters.h"
#include "shopledger/sdkutil.h"

/* The lookup; when it finds nothing, an insert-or-ignore with one text
   key, then the lookup again. */
static int ensure_by_code(store *s, const char *insert_sql, const char *select_sql,
                          const char *code, int64_t *id, sl_error *err)
{
    int64_t found = 0;
    int rc = sql_id_by_text(s, select_sql, code, &found, err);
    if (rc || found) {
        if (found)
            *id = found;
        return rc;
    }
    sqlite3_stmt *st = store_stmt(s, insert_sql, err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, code);
    rc = store_step_done(s, st, err);
    if (rc)
        return rc;
    rc = sql_id_by_text(s, select_sql, code, &found, err);
    if (rc)
        return rc;
    if (!found)
        return sl_error_set(err, SL_EINTERNAL, "code", "could not create %s", code);
    *id = found;
    return SL_OK;
}

static void display_name(const masters_customer *c, char *buf, size_t cap)
{
    const char *f = c->first_name ? c->first_name : "";
    const char *l = c->last_name ? c->last_name : "";
    if (*f && *l)
        snprintf(buf, cap, "%s %s", f, l);
    else if (*f || *l)
        snprintf(buf, cap, "%s", *f ? f : l);
    else if (c->company && *c->company)
        snprintf(buf, cap, "%s", c->company);
    else
        snprintf(buf, cap, "Guest");
}

/* The customer's id by (email, name); 0 when there is none. */
static int customer_find(store *s, const char *email, const char *name, int64_t *id, sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s, "SELECT id FROM customers WHERE email=lower(?) AND name=?", err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, email);
    sql_text(st, 2, name);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return SL_OK;
}

int masters_customer_ensure(store *s, const masters_customer *c, int64_t now_ms, int64_t *id,
                            sl_error *err)
{
    char name[512];
    display_name(c, name, sizeof(name));
    int64_t found = 0;
    int rc = customer_find(s, c->email, name, &found, err);
    if (rc || found) {
        if (found)
            *id = found;
        return rc;
    }
    sqlite3_stmt *st =
        store_stmt(s,
                   "INSERT INTO customers(email, name, first_name, last_name, company, phone,"
                   " created_ms) VALUES(lower(?),?,?,?,?,?,?) ON CONFLICT(email, name) DO NOTHING",
                   err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, c->email);
    sql_text(st, 2, name);
    sql_text(st, 3, c->first_name);
    sql_text(st, 4, c->last_name);
    sql_text(st, 5, c->company);
    sql_text(st, 6, c->phone);
    sqlite3_bind_int64(st, 7, now_ms);
    rc = store_step_done(s, st, err);
    if (rc == SL_OK)
        rc = customer_find(s, c->email, name, &found, err);
    if (rc)
        return rc;
    if (!found)
        return sl_error_set(err, SL_EINTERNAL, "email", "customer not created");
    *id = found;
    return SL_OK;
}

int masters_product_find(store *s, const char *sku, int64_t *id, sl_error *err)
{
    return sql_id_by_text(s, "SELECT id FROM products WHERE sku=?", sku, id, err);
}

static int product_insert(store *s, const char *sku, const char *name, int64_t parent_id,
                          int64_t now_ms, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        s,
        "INSERT INTO products(sku, name, parent_id, created_ms) VALUES(?,?,NULLIF(?,0),?)"
        " ON CONFLICT(sku) DO NOTHING",
        err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, sku);
    sql_text(st, 2, name && *name ? name : sku);
    sqlite3_bind_int64(st, 3, parent_id);
    sqlite3_bind_int64(st, 4, now_ms);
    return store_step_done(s, st, err);
}

int masters_product_ensure(store *s, const char *sku, const char *name, const char *parent_sku,
                           int create, int64_t now_ms, int64_t *id, int *created, sl_error *err)
{
    if (!sku || !*sku)
        return sl_error_set(err, SL_EINVALID, "sku", "product without SKU");
    int64_t found = 0;
    int rc = masters_product_find(s, sku, &found, err);
    if (rc)
        return rc;
    if (found) {
        *id = found;
        if (created)
            *created = 0;
        return SL_OK;
    }
    if (!create)
        return sl_error_set(err, SL_ENOTFOUND, "sku",
                            "product %s unknown and the channel does not create products", sku);
    int64_t parent = 0;
    if (parent_sku && *parent_sku && strcmp(parent_sku, sku) != 0) {
        rc = masters_product_ensure(s, parent_sku, parent_sku, NULL, create, now_ms, &parent, NULL,
                                    err);
        if (rc)
            return rc;
    }
    rc = product_insert(s, sku, name, parent, now_ms, err);
    if (rc == SL_OK)
        rc = masters_product_find(s, sku, &found, err);
    if (rc)
        return rc;
    *id = found;
    if (created)
        *created = 1;
    return SL_OK;
}

int masters_product_set_purchase_price(store *s, int64_t product_id, int64_t price, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s, "UPDATE products SET purchase_price=? WHERE id=?", err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, price);
    sqlite3_bind_int64(st, 2, product_id);
    return store_step_done(s, st, err);
}

int masters_tax_group_ensure(store *s, const char *code, int64_t percent_milli, int64_t *id,
                             sl_error *err)
{
    /* Known, and the upsert below would not change it (it only fills in
       a percent that was unknown): the id is all there is to do. */
    sqlite3_stmt *st = store_stmt(s, "SELECT id, percent_milli FROM tax_groups WHERE code=?", err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, code);
    int found = sql_step_row(s, st, err);
    if (found < 0)
        return found;
    int64_t known = found == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int64_t stored = found == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    if (known && !(stored < 0 && percent_milli >= 0)) {
        *id = known;
        return SL_OK;
    }
    st = store_stmt(s,
                    "INSERT INTO tax_groups(code, percent_milli) VALUES(?,?) ON CONFLICT(code)"
                    " DO UPDATE SET percent_milli=excluded.percent_milli"
                    " WHERE percent_milli < 0 AND excluded.percent_milli >= 0",
                    err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, code);
    sqlite3_bind_int64(st, 2, percent_milli);
    int rc = store_step_done(s, st, err);
    if (rc)
        return rc;
    return sql_id_by_text(s, "SELECT id FROM tax_groups WHERE code=?", code, id, err);
}

int masters_service_ensure(store *s, const char *code, const char *name, const char *kind,
                           int64_t *id, sl_error *err)
{
    int64_t found = 0;
    int rc = sql_id_by_text(s, "SELECT id FROM services WHERE code=?", code, &found, err);
    if (rc || found) {
        if (found)
            *id = found;
        return rc;
    }
    sqlite3_stmt *st = store_stmt(
        s, "INSERT INTO services(code, name, kind) VALUES(?,?,?) ON CONFLICT(code) DO NOTHING",
        err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, code);
    sql_text(st, 2, name && *name ? name : code);
    sql_text(st, 3, kind);
    rc = store_step_done(s, st, err);
    if (rc)
        return rc;
    return sql_id_by_text(s, "SELECT id FROM services WHERE code=?", code, id, err);
}

int masters_warehouse_ensure(store *s, const char *code, int64_t *id, sl_error *err)
{
    return ensure_by_code(s, "INSERT INTO warehouses(code) VALUES(?) ON CONFLICT DO NOTHING",
                          "SELECT id FROM warehouses WHERE code=?", code, id, err);
}

int masters_price_group_ensure(store *s, const char *code, int64_t *id, sl_error *err)
{
    return ensure_by_code(s, "INSERT INTO price_groups(code) VALUES(?) ON CONFLICT DO NOTHING",
                          "SELECT id FROM price_groups WHERE code=?", code, id, err);
}

int masters_price_set(store *s, int64_t product_id, const char *group, int64_t price, sl_error *err)
{
    int64_t gid = 0;
    int rc = masters_price_group_ensure(s, group, &gid, err);
    if (rc)
        return rc;
    sqlite3_stmt *st =
        store_stmt(s,
                   "INSERT INTO product_prices(product_id, group_id, price) VALUES(?,?,?)"
                   " ON CONFLICT(product_id, group_id) DO UPDATE SET price=excluded.price",
                   err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_int64(st, 2, gid);
    sqlite3_bind_int64(st, 3, price);
    return store_step_done(s, st, err);
}

int masters_cash_account_ensure(store *s, const char *code, const char *account, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT account FROM cash_accounts WHERE code=?", err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, code);
    int found = sql_step_row(s, st, err);
    if (found < 0)
        return found;
    const unsigned char *stored = found == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    int same = stored != NULL && strcmp((const char *)stored, account ? account : "") == 0;
    sqlite3_reset(st);
    if (same) /* the upsert below would change nothing */
        return SL_OK;
    st = store_stmt(s,
                    "INSERT INTO cash_accounts(code, account) VALUES(?,?)"
                    " ON CONFLICT(code) DO UPDATE SET account=excluded.account"
                    " WHERE account <> excluded.account",
                    err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, code);
    sql_text(st, 2, account);
    return store_step_done(s, st, err);
}
