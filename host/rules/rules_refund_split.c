/*
 * A refund that names no lines (WooCommerce refunds[] carry only an amount)
 * split over the tax groups of the document it credits, so a refund of an
 * order with 21 % and 12 % lines gives back VAT at both rates.
 *
 * The rule, in two steps with one rounding each:
 *   1. Gross. Every tax group with a positive gross on the original takes
 *      amount * group gross / G, G the sum of those groups' gross. The
 *      parts are floored; the units left over (fewer than the number of
 *      groups) go one each to the groups with the largest remainders, ties
 *      to the group that comes first on the document. The parts therefore
 *      sum exactly to the refund.
 *   2. Tax. Each part's tax is part * group tax / group gross of the
 *      original, rounded half-up once; the net is the part minus its tax.
 * Groups with zero or negative gross (a discount booked alone in a group)
 * take no part: there is nothing of theirs to give back. A document with
 * no positive group gives one untaxed part.
 */
#include <string.h>

#include "rules/rules_int.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"

/* Index of the group named `code` in parts, or -1. */
static int find_group(const rules_refund_part *parts, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(parts[i].tax_group, code) == 0)
            return (int)i;
    return -1;
}

/* The original's gross and tax per tax group, in order of first line. */
static int group_totals(const ledger_doc *from, rules_refund_part *parts, size_t cap, size_t *n,
                        sl_error *err)
{
    *n = 0;
    for (size_t i = 0; i < from->line_count; i++) {
        const ledger_line *l = &from->lines[i];
        int at = find_group(parts, *n, l->tax_group);
        if (at < 0) {
            if (*n == cap)
                return sl_error_set(err, SL_ETOOBIG, "refund",
                                    "refund split over more than %zu tax groups", cap);
            at = (int)(*n)++;
            memset(&parts[at], 0, sizeof(parts[at]));
            memcpy(parts[at].tax_group, l->tax_group, sizeof(parts[at].tax_group));
            parts[at].tax_percent_milli = l->tax_percent_milli;
        }
        parts[at].group_gross += l->net + l->tax;
        parts[at].group_tax += l->tax;
    }
    return SL_OK;
}

static int too_big(sl_error *err)
{
    return sl_error_set(err, SL_ETOOBIG, "refund", "refund amount too large to split");
}

/* Step 1: floors, then the leftover units by largest remainder. */
static int split_gross(rules_refund_part *parts, size_t n, int64_t amount, sl_error *err)
{
    int64_t total = 0, given = 0, rem[RULES_REFUND_MAX_PARTS];
    for (size_t i = 0; i < n; i++)
        if (parts[i].group_gross > 0)
            total += parts[i].group_gross;
    for (size_t i = 0; i < n; i++) {
        rem[i] = -1; /* never takes a leftover unit */
        parts[i].gross = 0;
        if (parts[i].group_gross <= 0)
            continue;
        if (amount > INT64_MAX / parts[i].group_gross)
            return too_big(err);
        int64_t num = amount * parts[i].group_gross;
        parts[i].gross = num / total;
        rem[i] = num % total;
        given += parts[i].gross;
    }
    for (int64_t left = amount - given; left > 0; left--) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (rem[i] > rem[best])
                best = i;
        parts[best].gross++;
        rem[best] = -1;
    }
    return SL_OK;
}

/* Step 2: each part's tax from its own group's proportion. */
static int split_tax(rules_refund_part *parts, size_t n, sl_error *err)
{
    for (size_t i = 0; i < n; i++) {
        rules_refund_part *p = &parts[i];
        p->tax = 0;
        if (p->gross == 0 || p->group_tax == 0)
            continue;
        int64_t t = p->group_tax < 0 ? -p->group_tax : p->group_tax;
        if (p->gross > INT64_MAX / t ||
            sl_div_round(p->gross * p->group_tax, p->group_gross, SL_ROUND_HALF_UP, &p->tax))
            return too_big(err);
    }
    return SL_OK;
}

/* Drops the groups that took nothing, keeping the document's order. */
static size_t keep_nonzero(rules_refund_part *parts, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (parts[i].gross != 0)
            parts[kept++] = parts[i];
    return kept;
}

int rules_refund_split(const ledger_doc *from, int64_t amount, rules_refund_part *parts, size_t *n,
                       sl_error *err)
{
    size_t groups = 0;
    int rc = group_totals(from, parts, RULES_REFUND_MAX_PARTS, &groups, err);
    int any_positive = 0;
    for (size_t i = 0; rc == SL_OK && i < groups; i++)
        any_positive |= parts[i].group_gross > 0;
    if (rc == SL_OK && !any_positive) {
        memset(&parts[0], 0, sizeof(parts[0]));
        if (from->line_count > 0)
            memcpy(parts[0].tax_group, from->lines[0].tax_group, sizeof(parts[0].tax_group));
        parts[0].tax_percent_milli = -1;
        parts[0].gross = amount;
        *n = 1;
        return SL_OK;
    }
    if (rc == SL_OK)
        rc = split_gross(parts, groups, amount, err);
    if (rc == SL_OK)
        rc = split_tax(parts, groups, err);
    if (rc == SL_OK)
        *n = keep_nonzero(parts, groups);
    return rc;
}
