/*
 * One UNAS API call: POST {base}/{function} with an XML body and the
 * bearer token, through the host's HTTP service, with the rate budget
 * taken first and the outcome mapped to SL_E*.
 *
 * Token. login trades the API key for a token that lives two hours; we
 * keep it in channel state ("token", "token_exp" in UTC ms) so every
 * call of the next two hours reuses it, also across restarts, and log in
 * again UNAS_TOKEN_MARGIN_MS before it expires. An auth refusal in the
 * middle (HTTP 401, or an <Error> about the token) drops the token and
 * logs in once more; a second refusal is returned, never looped (UNAS
 * silences an IP for two hours after ten untied calls in ten minutes).
 *
 * Errors. UNAS answers failures with HTTP 400 (other 4xx seen) and a body
 * <Error>free text</Error>. "... IP is banned till m.d.Y H:i:s" is a ban:
 * remembered in state and returned as SL_EBANNED with retry_after_ms up to
 * the release time (an hour when the date cannot be read). 5xx and
 * transport failures are SL_ERETRY; other errors SL_EREMOTE with the text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shopledger/sdkutil.h"
#include "unas.h"

#define BAN_DEFAULT_MS (3600LL * 1000)

/* POSTs body to {base}/{fn}; *resp is any completed response. */
static int post(unas_chan *ch, sl_ctx *ctx, const char *fn, const char *body, const char *token,
                sl_http_resp **resp, sl_error *err)
{
    const sl_host *h = ch->host;
    char url[UNAS_URL_MAX + 64];
    int n = snprintf(url, sizeof url, "%s/%s", ch->base, fn);
    if (n < 0 || (size_t)n >= sizeof url)
        return sl_error_set(err, SL_EINVALID, "url", "request URL too long");
    sl_http_req *req = h->http_new(ctx, "POST", url);
    if (req == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "http_new failed");
    char auth[UNAS_TOKEN_MAX + 16];
    snprintf(auth, sizeof auth, "Bearer %s", token ? token : "");
    if ((token != NULL && h->http_header(req, "Authorization", auth) != SL_OK) ||
        h->http_header(req, "Accept", "application/xml") != SL_OK ||
        h->http_body(req, body, strlen(body), "application/xml") != SL_OK)
        return sl_error_set(err, SL_EINTERNAL, "", "cannot build the request");
    *resp = NULL;
    return sl_http_exchange(h, req, fn, resp, err);
}

/* The <Error> text of a failure body, or "". */
static void error_text(const char *body, size_t len, char *buf, size_t cap)
{
    xmlDocPtr doc = NULL;
    buf[0] = '\0';
    if (body == NULL || unas_xml_parse(body, len, 1u << 20, "Error", &doc, NULL) != SL_OK)
        return;
    xmlNodePtr r = xmlDocGetRootElement(doc);
    char tmp[400];
    if (sl_xml_path_text(r, "", tmp, sizeof tmp) == 1) /* "" = the node itself */
        snprintf(buf, cap, "%.*s", (int)(cap - 1), tmp);
    xmlFreeDoc(doc);
}

/* "... banned till 05.01.2024 15:00:00" -> remembered ban, SL_EBANNED. */
static int banned(unas_chan *ch, sl_ctx *ctx, const char *fn, const char *text, sl_error *err)
{
    int64_t now = ch->host->now_ms(ctx), until = now + BAN_DEFAULT_MS, s = 0;
    const char *t = strstr(text, "till ");
    char date[32] = "";
    if (t != NULL)
        snprintf(date, sizeof date, "%.19s", t + 5);
    if (date[0] && unas_ban_date_parse(date, &s) == 0 && s * 1000 > now &&
        s * 1000 - now <= 3 * BAN_DEFAULT_MS)
        until = s * 1000;
    unas_budget_ban(ch, ctx, until, NULL);
    ch->host->log(ctx, SL_LOG_ERROR, "UNAS banned us on %s until %s: %s", fn,
                  date[0] ? date : "(unknown, assuming 1h)", text);
    sl_error_set(err, SL_EBANNED, "rate", "%s: %s", fn, text);
    if (err != NULL && err->size >= sizeof *err)
        err->retry_after_ms = until - now;
    return SL_EBANNED;
}

static int is_auth_text(const char *text)
{
    return strncasecmp(text, "Login Error", 11) == 0 || strncasecmp(text, "Token", 5) == 0 ||
           strstr(text, "token") != NULL || strstr(text, "Token") != NULL;
}

/* Maps a completed response. 2xx -> SL_OK. */
static int classify(unas_chan *ch, sl_ctx *ctx, const char *fn, const sl_http_resp *resp,
                    sl_error *err)
{
    const sl_host *h = ch->host;
    int status = h->http_status(resp);
    if (status >= 200 && status < 300)
        return SL_OK;
    size_t len = 0;
    const char *body = h->http_resp_body(resp, &len);
    char text[300];
    error_text(body, len, text, sizeof text);
    if (strstr(text, "banned") != NULL)
        return banned(ch, ctx, fn, text, err);
    /* UNAS answers a refused key or token with 403 or an <Error> text
       about the login, and an unknown call with 404: not the default map */
    int code = status == 401 || status == 403 || is_auth_text(text) ? SL_EAUTH
               : status == 429 || status >= 500                     ? SL_ERETRY
                                                                    : SL_EREMOTE;
    return sl_http_fail(h, resp, code, 0, fn, text[0] ? text : "(no <Error> text)", err);
}

static int parse_answer(unas_chan *ch, const char *fn, const sl_http_resp *resp, const char *root,
                        xmlDocPtr *doc, sl_error *err)
{
    size_t len = 0;
    const char *body = ch->host->http_resp_body(resp, &len);
    int rc = unas_xml_parse(body, len, UNAS_MAX_BODY, root, doc, err);
    if (rc != SL_OK && err != NULL && err->size >= sizeof *err) {
        char msg[SL_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->message);
        sl_error_set(err, rc, "body", "%s: %s", fn, msg);
    }
    return rc;
}

/* Reads Token and its expiry from a <Login> answer into state. */
static int store_token(unas_chan *ch, sl_ctx *ctx, xmlDocPtr doc, const char **token, sl_error *err)
{
    xmlNodePtr r = xmlDocGetRootElement(doc);
    char tok[UNAS_TOKEN_MAX], et[32], ex[32], buf[32];
    if (sl_xml_path_text(r, "Token", tok, sizeof tok) != 1 || tok[0] == '\0' ||
        strpbrk(tok, " \t\r\n") != NULL)
        return sl_error_set(err, SL_EREMOTE, "Token", "login answer carries no usable <Token>");
    int64_t now = ch->host->now_ms(ctx), exp = now + UNAS_TOKEN_LIFE_MS, s = 0;
    if (sl_xml_path_text(r, "ExpireTime", et, sizeof et) == 1 && et[0]) {
        char *end = NULL;
        long long v = strtoll(et, &end, 10);
        if (end != et && *end == '\0' && v > 0)
            s = v;
    } else if (sl_xml_path_text(r, "Expire", ex, sizeof ex) == 1) {
        if (unas_local_parse(ex, &s) != 0)
            s = 0;
    }
    if (s > 0 && s * 1000 < exp)
        exp = s * 1000; /* the shop's word wins when shorter */
    snprintf(buf, sizeof buf, "%lld", (long long)exp);
    int rc = unas_state_put(ch, ctx, "token", tok, err);
    if (rc == SL_OK)
        rc = unas_state_put(ch, ctx, "token_exp", buf, err);
    if (rc == SL_OK)
        *token = ch->host->strdup(ctx, tok);
    return rc;
}

/* login with the API key: budgeted, failures counted apart. */
static int login(unas_chan *ch, sl_ctx *ctx, const char **token, sl_error *err)
{
    int rc = unas_budget_take(ch, ctx, UNAS_RATE_LOGIN_FAIL, err);
    if (rc != SL_OK)
        return rc;
    sl_xml_buf b;
    sl_xml_buf_init(&b, 4096);
    sl_xml_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Params>");
    sl_xml_add_elem(&b, "ApiKey", ch->api_key);
    sl_xml_add(&b, "<WebshopInfo>false</WebshopInfo></Params>");
    if (b.failed) {
        rc = sl_xml_buf_error(&b, "api_key", "the API key", err);
        sl_xml_buf_free(&b);
        return rc;
    }
    sl_http_resp *resp = NULL;
    rc = post(ch, ctx, "login", b.p, NULL, &resp, err);
    sl_xml_buf_free(&b);
    if (rc == SL_OK)
        rc = classify(ch, ctx, "login", resp, err);
    xmlDocPtr doc = NULL;
    if (rc == SL_OK)
        rc = parse_answer(ch, "login", resp, "Login", &doc, err);
    if (rc == SL_OK) {
        rc = store_token(ch, ctx, doc, token, err);
        xmlFreeDoc(doc);
    }
    unas_budget_outcome(ch, ctx, rc == SL_OK, rc == SL_EAUTH, NULL);
    if (rc == SL_OK)
        ch->host->log(ctx, SL_LOG_INFO, "UNAS login: new token");
    return rc;
}

int unas_token_forget(unas_chan *ch, sl_ctx *ctx, sl_error *err)
{
    int rc = unas_state_put(ch, ctx, "token_exp", "0", err);
    return rc == SL_OK ? unas_state_put(ch, ctx, "token", "", err) : rc;
}

/* The cached token while it has more than the margin left, else a new one. */
static int token_get(unas_chan *ch, sl_ctx *ctx, const char **token, sl_error *err)
{
    const sl_host *h = ch->host;
    const char *tok = NULL, *exp = NULL;
    unas_state_get(ch, ctx, "token", &tok);
    unas_state_get(ch, ctx, "token_exp", &exp);
    long long e = exp ? strtoll(exp, NULL, 10) : 0;
    if (tok != NULL && tok[0] && e - UNAS_TOKEN_MARGIN_MS > h->now_ms(ctx)) {
        *token = tok;
        return SL_OK;
    }
    return login(ch, ctx, token, err);
}

/* One budgeted attempt of fn with token. */
static int attempt(unas_chan *ch, sl_ctx *ctx, const char *fn, const char *body, int cat,
                   const char *token, const sl_http_resp **out, sl_error *err)
{
    int rc = unas_budget_take(ch, ctx, cat, err);
    if (rc != SL_OK)
        return rc;
    sl_http_resp *resp = NULL;
    rc = post(ch, ctx, fn, body, token, &resp, err);
    if (rc == SL_OK)
        rc = classify(ch, ctx, fn, resp, err);
    if (rc != SL_EBANNED)
        unas_budget_outcome(ch, ctx, rc == SL_OK, 0, NULL);
    if (rc == SL_OK)
        *out = resp;
    return rc;
}

int unas_call(unas_chan *ch, sl_ctx *ctx, const char *fn, const char *body, int cat,
              const char *root, xmlDocPtr *doc, sl_error *err)
{
    const char *token = NULL;
    int rc = token_get(ch, ctx, &token, err);
    const sl_http_resp *resp = NULL;
    if (rc == SL_OK)
        rc = attempt(ch, ctx, fn, body, cat, token, &resp, err);
    if (rc == SL_EAUTH) {
        /* The token died early (revoked, shop restarted): renew once. */
        ch->host->log(ctx, SL_LOG_WARN,
                      "UNAS refused the token on %s; "
                      "logging in again",
                      fn);
        unas_token_forget(ch, ctx, NULL);
        rc = login(ch, ctx, &token, err);
        if (rc == SL_OK)
            rc = attempt(ch, ctx, fn, body, cat, token, &resp, err);
    }
    if (rc != SL_OK)
        return rc;
    return parse_answer(ch, fn, resp, root, doc, err);
}
