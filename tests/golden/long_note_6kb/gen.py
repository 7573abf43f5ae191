#!/usr/bin/env python3
"""Writes order.json of long_note_6kb (see README.md): a plain order whose
customer note is exactly 6144 bytes of UTF-8 (Latvian text with quotes, a
backslash and line breaks), well under the 64 KiB a normalized text keeps.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
NOTE_BYTES = 6144
PARAGRAPH = ("Lūdzu, piegādājiet pēc plkst. 18:00; zvaniet pie vārtiem \"B\" "
             "(kods 4\\7). Dāvana — neievietojiet čeku kastē.\n")


def note():
    text, n = "", 0
    while len((text + PARAGRAPH).encode("utf-8")) <= NOTE_BYTES:
        n += 1
        text += PARAGRAPH
    pad = NOTE_BYTES - len(text.encode("utf-8"))
    return text + "." * pad


def main():
    body = note()
    assert len(body.encode("utf-8")) == NOTE_BYTES
    order = {"tenant": "golden", "channel": "woo", "exponent": 2, "external_id": "360",
             "number": "360", "status": "processing", "currency": "EUR",
             "email": "janis@example.com", "first_name": "Jānis", "last_name": "Kalniņš",
             "payment_method": "bacs", "customer_note": body,
             "total": 1863, "total_tax": 323, "shipping_total": 300, "shipping_tax": 63,
             "modified_ms": 1767225600000,
             "tax_rates": [{"rate_id": "1", "tax": 260, "shipping_tax": 63,
                            "percent_milli": 21000}],
             "lines": [
                 {"kind": "product", "external_id": "1", "sku": "BOOK", "name": "Grāmata",
                  "qty_milli": 1000, "unit_price": 1240, "subtotal": 1240,
                  "subtotal_tax": 260, "total": 1240, "total_tax": 260,
                  "tax_percent_milli": 21000,
                  "taxes": [{"rate_id": "1", "amount": 260, "exact": 2604000}]},
                 {"kind": "shipping", "external_id": "2", "name": "Flat rate",
                  "method_id": "flat_rate", "qty_milli": 1000, "total": 300,
                  "total_tax": 63, "tax_percent_milli": 21000,
                  "taxes": [{"rate_id": "1", "amount": 63}]}]}
    with open(os.path.join(HERE, "order.json"), "w", encoding="utf-8") as f:
        json.dump(order, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
