#!/usr/bin/env python3
"""Regenerates the seed corpus tests/fuzz/corpus/TARGET/ from the recorded
WooCommerce store fixtures (../shared/fixtures/woocommerce, or
$SL_SHARED_DIR/fixtures/woocommerce) and the golden inputs in this tree.
Each file is small (at most 16 KB, the -max_len of run.sh), in the input
format the target's header comment describes. CI uses the committed files;
run this by hand when the fixtures change:  python3 tests/fuzz/make-corpus.py
"""
import glob
import json
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")
MAX = 16384


def shared_fixtures():
    cands = [os.environ.get("SL_SHARED_DIR"), os.path.join(ROOT, "..", "shared"),
             os.path.join(ROOT, "..", "..", "shared")]
    for c in cands:
        if c and os.path.isdir(os.path.join(c, "fixtures", "woocommerce")):
            return os.path.join(c, "fixtures", "woocommerce")
    sys.exit("make-corpus: no fixtures/woocommerce beside the tree; set SL_SHARED_DIR")


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX:
        return
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def woo(fx):
    for path in sorted(glob.glob(os.path.join(fx, "*", "orders", "*.json"))):
        store = path.split(os.sep)[-3]
        name = store + "-" + os.path.basename(path)[:-5]
        body = read(path)
        put("json_load", name + ".json", body)
        put("woo_webhook", name, b"order.updated\n" + body)
        put("woo_api", name, b"orders 1\n[" + body + b"]")
    for path in sorted(glob.glob(os.path.join(fx, "*", "webhooks", "*.jsonl"))):
        store = path.split(os.sep)[-3]
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= 2:
                    break
                rec = json.loads(line)
                topic = rec["headers"].get("X-WC-Webhook-Topic", "")
                name = "%s-%s-%d" % (store, os.path.basename(path)[:-6], i)
                put("woo_webhook", name, topic + "\n" + rec["body"])
    api_calls = {"orders-list": "orders 2", "taxes.json": "taxes", "taxes-classes": "taxes",
                 "shipping-methods": "shipping", "payment-gateways": "payment",
                 "products-by-sku": "stock", "products-batch": "stock",
                 "variation-stock": "prices", "product-variations": "prices",
                 "product-stock-put": "stock", "error-400-bad-status": "status",
                 "error-404-unknown-order": "status"}
    for path in sorted(glob.glob(os.path.join(fx, "*", "api", "*.json"))):
        store = path.split(os.sep)[-3]
        base = os.path.basename(path)
        body = read(path)
        put("json_load", store + "-api-" + base, body)
        for prefix, call in api_calls.items():
            if base.startswith(prefix):
                put("woo_api", store + "-" + base[:-5], call.encode() + b"\n" + body)
    put("woo_api", "note-written", 'status\n{"id":88,"author":"system","date_created_gmt":'
        '"2026-11-22T08:50:00","note":"Invoice INV-2026-17 posted","customer_note":false}')
    put("woo_webhook", "ping", "\nwebhook_id=42")
    put("woo_webhook", "deleted", 'order.deleted\n{"id":5301}')
    put("woo_webhook", "product-ignored", 'product.updated\n{"id":12}')


def mozello():
    seed = json.load(open(os.path.join(ROOT, "tests/sandbox/mozello/seed/demo.json")))
    orders = seed["orders"]
    for o in orders[:4]:
        oid = o.get("order_id", "x")
        put("mozello", "created-" + oid, "hook\n" + compact({"event": "ORDER_CREATED", "order": o}))
        put("mozello", "paid-" + oid, "!hook\n" + compact({"event": "PAYMENT_CHANGED",
                                                          "order": {"order_id": oid}}))
    put("mozello", "refetch-answer",
        "hook\n" + compact({"event": "PAYMENT_CHANGED", "error": False, "order": orders[0]}))
    put("mozello", "deleted", 'hook\n{"event":"ORDER_DELETED","order_id":"MZ-1"}')
    put("mozello", "stock-ignored", 'hook\n{"event":"STOCK_CHANGED","product":{"handle":"mug"}}')
    put("mozello", "page-last", "fetch\n" + compact({"error": False, "orders": orders,
                                                     "next_page_uri": None}))
    put("mozello", "page-next", "fetch\n" + compact({"error": False, "orders": orders[:1],
        "next_page_uri": "/store/orders/?page_start=id:2"}))
    products = {"error": False, "products": seed["products"], "next_page_uri": None}
    put("mozello", "stock-listing", "stock\n" + compact(products))
    put("mozello", "prices-listing", "prices\n" + compact(products))
    put("mozello", "batch-refused", 'stock\n{"error":true,"error_code":13,"error_message":"bad"}')
    doc = read(os.path.join(ROOT, "tests/golden/mozello/webhooks/doc_example.body.json"))
    put("mozello", "doc-example", b"hook\n" + doc.strip())
    put("json_load", "mozello-doc-example.json", doc)


def unas():
    xml = read(os.path.join(ROOT, "tests/golden/unas/orders.xml"))
    put("unas", "orders", xml)
    head, sep, rest = xml.partition(b"<Orders>")
    for i, part in enumerate(rest.split(b"</Order>")[:-1]):
        put("unas", "order-%d" % i, head + sep + part + b"</Order>\n</Orders>\n")
    product = ("<Products><Product><Id>1</Id><Sku>BOG-KEK</Sku><Status>ok</Status>"
               "<Prices><Vat>27%</Vat><Price><Type>normal</Type><Net>3000</Net>"
               "<Gross>3810</Gross></Price></Prices><Stocks><Status><Active>1"
               "</Active><Variant>0</Variant></Status><Stock><Qty>14</Qty>"
               "</Stock></Stocks></Product><Product><Id>2</Id><Sku>SAPKA</Sku>"
               "<Stocks><Status><Active>1</Active><Variant>1</Variant></Status>"
               "</Stocks></Product></Products>")
    put("unas", "stock-products", "stock\n" + product)
    put("unas", "prices-products", "prices\n" + product)
    put("unas", "status-ok", "status\n<Orders><Order><Key>4411-000532</Key>"
        "<Status>ok</Status></Order></Orders>")
    put("unas", "status-error", "status\n<Orders><Order><Key>4411-000532</Key>"
        "<Status>error</Status><Error>Unknown order</Error></Order></Orders>")
    put("unas", "empty", b"<?xml version=\"1.0\"?>\n<Orders/>\n")
    put("unas", "error", b"<?xml version=\"1.0\"?>\n<Error>Token Error: invalid token</Error>\n")


def tarad():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/golden/tarad/*.in.json"))):
        name = os.path.basename(path)[:-8]
        body = read(path).split(b"\n")[0]
        put("tarad", name, b"\n" + body)
        put("tarad", name + "-signed", b"20261122085000\n" + body)
        put("json_load", "tarad-" + name + ".json", body)


def mellat():
    env = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
           '<ns2:%sResponse xmlns:ns2="http://interfaces.core.sw.bps.com/"><return>%s</return>'
           '</ns2:%sResponse></soap:Body></soap:Envelope>')
    ops = {"pay": "bpPayRequest", "verify": "bpVerifyRequest", "settle": "bpSettleRequest",
           "inquiry": "bpInquiryRequest", "reverse": "bpReversalRequest"}
    returns = {"pay": ["0,7C1B2A99D0E54F3A", "0, AF82041A2D", "21", "25,"],
               "verify": ["0", "43", "41", "24", "34"], "settle": ["0", "45", "46"],
               "inquiry": ["0", "44", "48", "42"], "reverse": ["0", "48", "45"]}
    for mode, op in ops.items():
        for r in returns[mode]:
            put("mellat", "%s-%s" % (mode, r.replace(",", "_").replace(" ", "")),
                "%s\n%s" % (mode, env % (op, r, op)))
    put("mellat", "fault", "settle\n" + '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/'
        'soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>'
        'Unmarshalling Error: For input string: "x"</faultstring></soap:Fault></soap:Body>'
        '</soap:Envelope>')
    put("mellat", "garbage", "verify\n<html><body>Service Unavailable</body></html>")
    put("mellat", "return-paid", "return\nRefId=7C1B2A99D0E54F3A&ResCode=0&SaleOrderId=100045&"
        "SaleReferenceId=160422018833&CardHolderPan=610433%2A%2A%2A%2A%2A%2A1234&"
        "CardHolderInfo=8C5D&FinalAmount=1250000")
    put("mellat", "return-cancel", "return\nRefId=7C1B2A99D0E54F3A&ResCode=17&saleOrderId=100045"
        "&SaleReferenceId=")


def config_ini():
    paths = sorted(glob.glob(os.path.join(ROOT, "conf.d", "*.ini")))
    paths += sorted(glob.glob(os.path.join(ROOT, "tests/golden/*/tenant.ini")))[:8]
    for path in paths:
        name = os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path)
        put("config_ini", name, read(path))


def masters_csv():
    put("masters_csv", "products", read(os.path.join(ROOT, "tests/integration/data/woo/products.csv")))
    put("masters_csv", "customers", "email,first_name,last_name,company,phone\n"
        "ilze@example.lv,Ilze,Ozola,,+37120000000\n"
        "\"kata@example.hu\",\"Kata\",\"Nagy, \"\"Kft\"\"\",Példa Kft,\n")
    put("masters_csv", "quoted-crlf", "sku,name,price\r\n\"A-1\",\"Mug, \"\"blue\"\"\",9.90\r\n\r\n")
    put("masters_csv", "update-by-sku", "sku,on_hand,warehouse\nTOWEL-LIN,12,main\n")
    put("masters_csv", "variant", "sku,name,parent_sku,price,price_group\n"
        "HOOD,Hoodie,,45.00,retail\nHOOD-B,Hoodie blue,HOOD,45.00,retail\n")


def words_of(target):
    """The JSON keys, XML tag names or INI keys and section names of a
    target's corpus, for its dictionary."""
    import re
    words = set()
    for path in glob.glob(os.path.join(OUT, target, "*")):
        text = read(path).decode("utf-8", "replace")
        words.update(re.findall(r'"([A-Za-z_][A-Za-z0-9_]{1,40})"\s*:', text))
        words.update("<%s>" % w for w in re.findall(r"<([A-Za-z][A-Za-z0-9]{1,40})>", text))
        words.update(re.findall(r"^\s*([a-z_]{2,40})\s*=", text, re.M))
        words.update("[%s" % w for w in re.findall(r"^\[([a-z]+:?)", text, re.M))
        if target == "config_ini":
            words.update(["[documents]", "[warehouse:", "[map:", "_file", "_env", "\r\n"])
        if target == "masters_csv":
            words.update(text.splitlines()[0].split(","))
    return sorted(words)


def dictionaries():
    """tests/fuzz/dict/TARGET.dict: the JSON tokens of json.dict (for JSON
    targets) and the words of the target's corpus."""
    base = read(os.path.join(ROOT, "tests", "fuzz", "json.dict")).decode()
    d = os.path.join(ROOT, "tests", "fuzz", "dict")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for target in sorted(os.listdir(OUT)):
        if target == "json_load":
            continue
        lines = [] if target in ("unas", "mellat", "config_ini", "masters_csv") else base.splitlines()
        for w in words_of(target):
            lines.append('"%s"' % "".join(
                c if " " <= c <= "~" and c not in '"\\' else "\\x%02x" % ord(c) for c in w))
        with open(os.path.join(d, target + ".dict"), "w") as f:
            f.write("\n".join(lines) + "\n")


def main():
    fx = shared_fixtures()
    shutil.rmtree(OUT, ignore_errors=True)
    woo(fx)
    mozello()
    unas()
    tarad()
    mellat()
    config_ini()
    masters_csv()
    dictionaries()
    for t in sorted(os.listdir(OUT)):
        files = os.listdir(os.path.join(OUT, t))
        size = sum(os.path.getsize(os.path.join(OUT, t, f)) for f in files)
        print("%-12s %3d files %7d bytes" % (t, len(files), size))


if __name__ == "__main__":
    main()
