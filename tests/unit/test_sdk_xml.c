/*
 * The SDK's hardened XML reader (sdk/xml/, shopledger/xml.h) on its own:
 * what sl_xml_parse refuses (empty, over the size cap, a DOCTYPE behind a
 * BOM, a PI and a comment, nesting past the cap, the wrong root, what is
 * not well-formed) with the code the caller chose for garbage; paths by
 * local name whatever the prefix, and by namespace URI where a step names
 * one; the "one child vs list" walk; trimmed text, CDATA and the buffer
 * that does not fit; xsi:nil. The request writer: the five specials
 * escaped, tab/LF/CR kept, any other control byte refused (not dropped),
 * the hard maximum kept to the byte, the first failure sticky, and what
 * it writes read back by the reader as the same text.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "shopledger/xml.h"

static const sl_xml_limits LIM = {.max_len = 4096, .max_depth = 4, .not_xml = SL_EREMOTE};

static int parse(const char *text, const sl_xml_limits *lim, xmlDocPtr *doc, sl_error *err)
{
    *err = (sl_error){.size = sizeof *err};
    return sl_xml_parse(text, strlen(text), lim, doc, err);
}

static void refused(const char *text, const sl_xml_limits *lim, int code, const char *says)
{
    xmlDocPtr doc = NULL;
    sl_error err;
    assert_int_equal(parse(text, lim, &doc, &err), code);
    assert_null(doc);
    assert_int_equal(err.code, code);
    assert_string_equal(err.field, "body");
    assert_non_null(strstr(err.message, says));
}

static void test_refusals(void **state)
{
    (void)state;
    refused("", &LIM, SL_EREMOTE, "empty");
    refused("<?xml version=\"1.0\"?>\xEF\xBB\xBF<!-- c --><?pi x?>\n<!DOCTYPE a [<!ENTITY e "
            "SYSTEM \"file:///etc/passwd\">]><a>&e;</a>",
            &LIM, SL_EREMOTE, "DOCTYPE");
    refused("<a><b><c><d><e/></d></c></b></a>", &LIM, SL_ETOOBIG, "nests deeper than 4");
    refused("<a><b>", &LIM, SL_EREMOTE, "not well-formed");
    sl_xml_limits small = LIM;
    small.max_len = 8;
    refused("<a>123456</a>", &small, SL_ETOOBIG, "over the 8 cap");
    sl_xml_limits rooted = LIM;
    rooted.root = "Orders";
    rooted.not_xml = SL_EIO;
    refused("<Products/>", &rooted, SL_EIO, "expected <Orders>");
    refused("not xml", &rooted, SL_EIO, "not well-formed");
    /* at the caps exactly it is read */
    xmlDocPtr doc = NULL;
    sl_error err;
    assert_int_equal(parse("<a><b><c><d/></c></b></a>", &LIM, &doc, &err), SL_OK);
    assert_int_equal(err.code, 0);
    xmlFreeDoc(doc);
    assert_int_equal(parse("<Orders/>", &rooted, &doc, &err), SL_OK);
    xmlFreeDoc(doc);
}

static const char SOAP[] =
    "<S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\">"
    "<S:Body><ns2:payResponse xmlns:ns2=\"urn:bank\"><return> 0,7C1B </return>"
    "<ns2:return>prefixed</ns2:return></ns2:payResponse></S:Body></S:Envelope>";

static void test_paths(void **state)
{
    (void)state;
    xmlDocPtr doc = NULL;
    sl_error err;
    assert_int_equal(parse(SOAP, &LIM, &doc, &err), SL_OK);
    char buf[32];
    /* by local name, the prefix ignored */
    xmlNodePtr r = sl_xml_doc_path(doc, "Envelope/Body/payResponse/return");
    assert_int_equal(sl_xml_text(r, buf, sizeof buf), 1);
    assert_string_equal(buf, "0,7C1B");
    /* by URI: "{}" is no namespace, so the unprefixed child and not ns2:return */
    const char *uri = "{http://schemas.xmlsoap.org/soap/envelope/}Envelope/"
                      "{http://schemas.xmlsoap.org/soap/envelope/}Body/{urn:bank}payResponse/";
    char path[256];
    snprintf(path, sizeof path, "%s{}return", uri);
    assert_ptr_equal(sl_xml_doc_path(doc, path), r);
    snprintf(path, sizeof path, "%s{urn:bank}return", uri);
    assert_int_equal(sl_xml_text(sl_xml_doc_path(doc, path), buf, sizeof buf), 1);
    assert_string_equal(buf, "prefixed");
    /* a wrong URI, a wrong root, a missing step */
    assert_null(sl_xml_doc_path(doc, "{urn:other}Envelope/Body"));
    assert_null(sl_xml_doc_path(doc, "Body"));
    assert_null(sl_xml_doc_path(doc, "Envelope/Body/missing"));
    /* below a node; "" is the node itself */
    xmlNodePtr body = sl_xml_doc_path(doc, "Envelope/Body");
    assert_ptr_equal(sl_xml_path(body, ""), body);
    assert_int_equal(sl_xml_path_text(body, "payResponse/return", buf, sizeof buf), 1);
    assert_string_equal(buf, "0,7C1B");
    assert_int_equal(sl_xml_path_text(body, "nothing", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    xmlFreeDoc(doc);
}

static void test_lists_and_text(void **state)
{
    (void)state;
    xmlDocPtr doc = NULL;
    sl_error err;
    const char *x = "<Orders xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                    "<Order><Key>1</Key></Order><Note/><Order><Key>2</Key></Order>"
                    "<Order><Key><![CDATA[ 3 & ]]></Key><Id xsi:nil=\"true\"/></Order></Orders>";
    assert_int_equal(parse(x, &LIM, &doc, &err), SL_OK);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_int_equal(sl_xml_count(root, "Order"), 3);
    assert_int_equal(sl_xml_count(root, "Nope"), 0);
    char buf[8], keys[32] = "";
    size_t used = 0;
    for (xmlNodePtr o = sl_xml_child(root, "Order"); o != NULL; o = sl_xml_next_same(o)) {
        assert_int_equal(sl_xml_path_text(o, "Key", buf, sizeof buf), 1);
        used += (size_t)snprintf(keys + used, sizeof keys - used, "%s|", buf);
    }
    assert_string_equal(keys, "1|2|3 &|");
    /* any element: Order, Note, Order, Order */
    xmlNodePtr n = sl_xml_child(root, NULL);
    n = sl_xml_next(n);
    assert_string_equal((const char *)n->name, "Note");
    assert_null(sl_xml_next(sl_xml_child(sl_xml_child(root, "Order"), "Key")));
    /* nil, and text that does not fit */
    xmlNodePtr last = sl_xml_child(root, "Order");
    last = sl_xml_next_same(sl_xml_next_same(last));
    assert_true(sl_xml_is_nil(sl_xml_child(last, "Id")));
    assert_false(sl_xml_is_nil(sl_xml_child(last, "Key")));
    assert_int_equal(sl_xml_text_size(sl_xml_child(last, "Key")), strlen(" 3 & ") + 1);
    char tiny[4];
    assert_int_equal(sl_xml_path_text(last, "Key", tiny, sizeof tiny), SL_ETOOBIG);
    assert_string_equal(tiny, "");
    assert_int_equal(sl_xml_text(NULL, tiny, sizeof tiny), 0);
    assert_null(sl_xml_child(NULL, "x"));
    xmlFreeDoc(doc);
}

static void test_writer_escapes(void **state)
{
    (void)state;
    sl_xml_buf b;
    sl_xml_buf_init(&b, 4096);
    sl_xml_add(&b, "<r>");
    sl_xml_add_elem(&b, "a", "x & <y> \"q\" 'z'\t\n\xD8\xA7");
    sl_xml_add_elem(&b, "e", NULL);
    sl_xml_add(&b, "</r>");
    assert_int_equal(b.failed, SL_OK);
    assert_string_equal(b.p, "<r><a>x &amp; &lt;y&gt; &quot;q&quot; &apos;z&apos;\t\n\xD8\xA7</a>"
                             "<e></e></r>");
    assert_int_equal(b.len, strlen(b.p));
    /* the reader gives the same text back (trimmed of its blanks) */
    xmlDocPtr doc = NULL;
    sl_error err;
    assert_int_equal(parse(b.p, &LIM, &doc, &err), SL_OK);
    char text[64];
    assert_int_equal(sl_xml_path_text(xmlDocGetRootElement(doc), "a", text, sizeof text), 1);
    assert_string_equal(text, "x & <y> \"q\" 'z'\t\n\xD8\xA7");
    xmlFreeDoc(doc);
    sl_xml_buf_free(&b);
    assert_null(b.p);
}

static void test_writer_refuses_control_bytes(void **state)
{
    (void)state;
    for (unsigned c = 1; c < 0x20; c++) {
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        char value[8];
        snprintf(value, sizeof value, "a%cb", (char)c);
        sl_xml_buf b;
        sl_xml_buf_init(&b, 64);
        sl_xml_add_elem(&b, "v", value);
        assert_int_equal(b.failed, SL_EINVALID);
        assert_int_equal(b.refused, c);
        sl_xml_add(&b, "more");          /* sticky: nothing is added after */
        assert_string_equal(b.p, "<v>"); /* the run before it is not flushed */
        sl_error err = {.size = sizeof err};
        assert_int_equal(sl_xml_buf_error(&b, "note", "the request", &err), SL_EINVALID);
        assert_string_equal(err.field, "note");
        char says[64];
        snprintf(says, sizeof says, "control character 0x%02x", c);
        assert_non_null(strstr(err.message, says));
        sl_xml_buf_free(&b);
    }
}

static void test_writer_maximum(void **state)
{
    (void)state;
    sl_xml_buf b;
    sl_xml_buf_init(&b, 8); /* 7 bytes of text and the NUL */
    sl_xml_add(&b, "1234567");
    assert_int_equal(b.failed, SL_OK);
    assert_string_equal(b.p, "1234567");
    sl_xml_add(&b, "8");
    assert_int_equal(b.failed, SL_ETOOBIG);
    assert_string_equal(b.p, "1234567");
    sl_error err = {.size = sizeof err};
    assert_int_equal(sl_xml_buf_error(&b, "", "the X request", &err), SL_ETOOBIG);
    assert_string_equal(err.message, "the X request is over 7 bytes");
    sl_xml_buf_free(&b);
    /* an escape that would pass the maximum fails too */
    sl_xml_buf_init(&b, 6);
    sl_xml_add_text(&b, "a&");
    assert_int_equal(b.failed, SL_ETOOBIG);
    sl_xml_buf_free(&b);
    /* growth past the first 256 bytes, never past the maximum */
    sl_xml_buf_init(&b, 2000);
    for (int i = 0; i < 600; i++)
        sl_xml_add_text(&b, "<");
    assert_int_equal(b.failed, SL_ETOOBIG);
    assert_int_equal(b.len, 1996); /* 499 whole "&lt;" */
    assert_true(b.cap <= 2000);
    sl_xml_buf_free(&b);
    sl_xml_buf_init(&b, 16);
    err = (sl_error){.size = sizeof err};
    assert_int_equal(sl_xml_buf_error(&b, "", "x", &err), SL_OK);
    assert_int_equal(err.code, SL_OK);
    sl_xml_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_lists_and_text),
        cmocka_unit_test(test_writer_escapes),
        cmocka_unit_test(test_writer_refuses_control_bytes),
        cmocka_unit_test(test_writer_maximum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
