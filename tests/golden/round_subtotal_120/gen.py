#!/usr/bin/env python3
"""Writes order.json and expected.json of round_subtotal_120 (see README.md).

The order: 120 lines cycling PEN 0.93, PAD 2.31, RULER 1.45 at 21 %, each
line's tax as the shop shows it (rounded) with its exact figure. The
expected document is the hand working of README.md written out line by
line: the first 20 PAD lines book 0.48, every other line its rounded tax.
Nothing here computes a spread; rerun after editing the tables below.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
# sku, name, net (cents), rounded tax (cents), exact tax (millionths)
CYCLE = [("PEN", "Pen", 93, 20, 195300),
         ("PAD", "Note pad", 231, 49, 485100),
         ("RULER", "Ruler", 145, 30, 304500)]
LINES = 120
PADS_GIVING_A_UNIT = 20  # README.md: D = 39.40 - 39.60 = -0.20
TOTAL, TAX, NET = 22700, 3940, 18760


def order_lines():
    out = []
    for i in range(LINES):
        sku, name, net, tax, exact = CYCLE[i % 3]
        out.append({"kind": "product", "external_id": str(i + 1), "sku": sku, "name": name,
                    "qty_milli": 1000, "unit_price": net, "subtotal": net,
                    "subtotal_tax": tax, "total": net, "total_tax": tax,
                    "tax_percent_milli": 21000,
                    "taxes": [{"rate_id": "1", "amount": tax, "exact": exact}]})
    return out


def expected_lines():
    out, pads = [], 0
    for i in range(LINES):
        sku, _, net, tax, _ = CYCLE[i % 3]
        if sku == "PAD" and pads < PADS_GIVING_A_UNIT:
            tax -= 1
            pads += 1
        out.append({"kind": "product", "sku": sku, "qty_milli": 1000, "discount": 0,
                    "net": net, "tax": tax, "gross": net + tax, "tax_group": "VAT21",
                    "account": "6110"})
    return out


def main():
    order = {"tenant": "golden", "channel": "woo", "exponent": 2, "external_id": "320",
             "number": "320", "status": "processing", "currency": "EUR",
             "email": "liga@example.com", "first_name": "Liga", "last_name": "Ozola",
             "payment_method": "bacs", "total": TOTAL, "total_tax": TAX,
             "shipping_total": 0, "shipping_tax": 0, "modified_ms": 1767225600000,
             "tax_rates": [{"rate_id": "1", "tax": TAX, "shipping_tax": 0,
                            "percent_milli": 21000}],
             "lines": order_lines()}
    doc = {"type": "invoice", "status": "posted", "number": "WOO-000001", "net": NET,
           "tax": TAX, "gross": TOTAL, "reason": "", "lines": expected_lines(),
           "postings": [{"account": "2310", "debit": TOTAL, "credit": 0},
                        {"account": "6110", "debit": 0, "credit": NET},
                        {"account": "5721", "debit": 0, "credit": TAX},
                        {"account": "2620", "debit": TOTAL, "credit": 0},
                        {"account": "2310", "debit": 0, "credit": TOTAL}],
           "payments": [{"kind": "payment", "amount": TOTAL, "account": "2620"}],
           "stock_moves": [{"sku": CYCLE[i % 3][0], "kind": "out", "qty_milli": 1000}
                           for i in range(LINES)]}
    stock = [{"sku": sku, "warehouse": "main", "on_hand_milli": -1000 * LINES // 3,
              "reserved_milli": 0} for sku in ("PAD", "PEN", "RULER")]
    expected = {"documents": [doc], "stock": stock, "inbox": ["processed"],
                "notes": ["Invoice WOO-000001 posted; payment 227.00 to bank"]}
    for name, obj in (("order.json", order), ("expected.json", expected)):
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
