/*
 * `shopledger doc pdf TENANT NUMBER [-o FILE]`: the document's PDF, in
 * the tenant's (or its channel's) language, to FILE or to NUMBER.pdf.
 *
 * `shopledger doc send TENANT NUMBER [--to ADDRESS]`: e-mails the
 * document again, to ADDRESS or the buyer. It queues an outbox row of its
 * own (key "email:DOC:ADDRESS:MS", so each command is one message with
 * its own Message-ID) and sends that row at once, whether or not serve
 * runs: the outbox claim keeps serve off a row in flight. A 4xx leaves
 * the row queued for serve's retries (exit 1, "queued"); a 5xx ends it
 * dead with the reason (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "docout/docout.h"
#include "docout/mail_mime.h"
#include "docout/mail_send.h"
#include "ledger/ledger_cli.h"
#include "outbox/outbox.h"
#include "shopledger/sdkutil.h"

static int write_file(const char *path, const unsigned char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    int bad = fclose(f) != 0 || n != len;
    return bad ? -1 : 0;
}

int cli_doc_pdf(int argc, char **argv, const cli_globals *g)
{
    const char *out = NULL;
    if (argc == 6 && strcmp(argv[4], "-o") == 0)
        out = argv[5];
    else if (argc != 4) {
        fprintf(stderr, "usage: shopledger doc pdf TENANT NUMBER [-o FILE]\n");
        return CLI_USAGE;
    }
    char fallback[128];
    if (out == NULL) {
        snprintf(fallback, sizeof fallback, "%s.pdf", argv[3]);
        out = fallback;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof err};
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = docout_pdf_of(lt.s, lt.t, argv[3], 0, &pdf, &len, &err);
    ledger_cli_close(&lt);
    if (rc != SL_OK) {
        fprintf(stderr, "shopledger: doc pdf: %s\n", err.message);
        return CLI_FAIL;
    }
    int bad = write_file(out, pdf, len);
    free(pdf);
    if (bad) {
        fprintf(stderr, "shopledger: doc pdf: cannot write %s\n", out);
        return CLI_FAIL;
    }
    if (g->json)
        cli_print_json(
            json_pack("{s:s, s:s, s:I}", "number", argv[3], "file", out, "bytes", (json_int_t)len));
    else
        printf("%s: %zu bytes\n", out, len);
    return CLI_OK;
}

typedef struct hand_send {
    const config_tenant *t;
    store *s;
    int rc;
    sl_error err; /* the sender's own outcome, for the message */
} hand_send;

static int send_hand_row(void *data, const outbox_row *row, sl_error *err)
{
    hand_send *h = data;
    h->rc = mail_send_row(h->s, h->t, row, ledger_cli_now_ms(), err);
    h->err = *err;
    return h->rc;
}

/* Queues the row of this command (in its own transaction). */
static int queue_hand_row(ledger_cli_tenant *lt, const docout_doc *d, const char *to, char *key,
                          size_t n, sl_error *err)
{
    int64_t now = ledger_cli_now_ms();
    int rc = mail_hand_key(d->id, to, now, key, n, err);
    json_t *p = rc ? NULL
                   : json_pack("{s:I, s:s, s:s, s:s, s:b}", "document_id", (json_int_t)d->id,
                               "number", d->number, "type", d->type, "to", to, "by_hand", 1);
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    if (rc == SL_OK && payload == NULL)
        rc = sl_error_set(err, SL_ENOMEM, "", "out of memory");
    int queued = 0;
    if (rc == SL_OK)
        rc = outbox_put(lt->s, OUTBOX_EMAIL, d->channel ? d->channel : "", key,
                        d->external_id ? d->external_id : "", payload, now, &queued, err);
    free(payload);
    return rc;
}

/* The address to send to: --to, else the buyer's; checked before queuing. */
static int recipient(const docout_doc *d, const char *to, char *out, size_t n, sl_error *err)
{
    mail_address a;
    const char *text = to ? to : d->buyer_email;
    if (text == NULL || *text == '\0')
        return sl_error_set(err, SL_EINVALID, "to",
                            "document %s has no buyer e-mail (give one with --to)", d->number);
    int rc = mail_address_parse(text, "--to", &a, err);
    if (rc == SL_OK)
        snprintf(out, n, "%s", a.addr);
    return rc;
}

static int report_send(const cli_globals *g, const char *number, const char *to, const hand_send *h,
                       int rc, const sl_error *err)
{
    const char *state = rc != SL_OK               ? "error"
                        : h->rc == SL_OK          ? "sent"
                        : h->rc == OUTBOX_GIVE_UP ? "dead"
                                                  : "queued";
    const char *why = rc != SL_OK ? err->message : h->rc != SL_OK ? h->err.message : "";
    if (g->json)
        cli_print_json(json_pack("{s:s, s:s, s:s, s:s}", "number", number, "to", to, "state", state,
                                 "error", why));
    else if (h->rc == SL_OK && rc == SL_OK)
        printf("%s: sent to %s\n", number, to);
    else
        fprintf(stderr, "shopledger: doc send: %s %s: %s\n", number, state, why);
    return rc == SL_OK && h->rc == SL_OK ? CLI_OK : CLI_FAIL;
}

int cli_doc_send(int argc, char **argv, const cli_globals *g)
{
    const char *to_arg = NULL;
    if (argc == 6 && strcmp(argv[4], "--to") == 0)
        to_arg = argv[5];
    else if (argc != 4) {
        fprintf(stderr, "usage: shopledger doc send TENANT NUMBER [--to ADDRESS]\n");
        return CLI_USAGE;
    }
    ledger_cli_tenant lt;
    if (ledger_cli_open(g, argv[2], &lt) != CLI_OK)
        return CLI_FAIL;
    sl_error err = {.size = sizeof err};
    docout_doc *d = NULL;
    char to[MAIL_ADDR_MAX] = "", key[160];
    hand_send h = {.t = lt.t, .s = lt.s, .rc = SL_EINTERNAL};
    int sent = 0;
    int rc = docout_doc_load(lt.s, lt.t, argv[3], 0, &d, &err);
    if (rc == SL_OK)
        rc = recipient(d, to_arg, to, sizeof to, &err);
    if (rc == SL_OK)
        rc = queue_hand_row(&lt, d, to, key, sizeof key, &err);
    if (rc == SL_OK)
        rc = outbox_dispatch_key(lt.s, key, ledger_cli_now_ms(), send_hand_row, &h, &sent, &err);
    docout_doc_free(d);
    ledger_cli_close(&lt);
    return report_send(g, argv[3], to[0] ? to : (to_arg ? to_arg : ""), &h, rc, &err);
}
