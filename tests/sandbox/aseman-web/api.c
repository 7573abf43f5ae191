/*
 * The methods of asemanweb_sandbox (shared/api/aseman-web.md §3-§7):
 * every check a bad input fails answers the documented negative code in
 * the method's first result field, in the order the doc implies (login
 * first: -1 without credentials, -2 for a wrong pair). Geography is a
 * small fixed table of province and city ids; prices follow a fixed
 * formula of weight, province and value, so tests can predict them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asb.h"
#include "shopledger/sdkutil.h"

#define ORIGIN_STATE 1 /* the shop ships from Tehran */

static const struct {
    int state, city;
} CITIES[] = {{1, 1}, {1, 2}, {8, 301}, {8, 302}, {12, 501}, {31, 3101}};

int64_t asb_now(const asb *s)
{
    return sbc_clock_now(&s->clock);
}

int asb_state(const asb *s, const asb_parcel *p)
{
    static const int DELIVER[] = {0, 1, 2, 3}, RETURN[] = {0, 1, 2, 5, 6};
    if (p->cancelled)
        return 4;
    if (p->forced >= 0)
        return p->forced;
    int64_t k = s->step_s > 0 ? (asb_now(s) - p->created) / s->step_s : 0;
    if (k < 0)
        k = 0;
    if (p->returned)
        return RETURN[k < 4 ? k : 4];
    return DELIVER[k < 3 ? k : 3];
}

asb_parcel *asb_find(asb *s, const char *digits)
{
    for (size_t i = 0; i < s->nparcels; i++)
        if (strcmp(s->parcels[i].digits, digits) == 0)
            return &s->parcels[i];
    return NULL;
}

/* "123" -> 1 and *v; anything else 0 (ints of xsd:int requests). */
static int num(const char *t, int64_t *v)
{
    if (t == NULL || *t == '\0' || strlen(t) > 15 || strspn(t, "0123456789") != strlen(t))
        return 0;
    *v = strtoll(t, NULL, 10);
    return 1;
}

/* 0 when the login is right, else -1 (none) or -2 (wrong). */
static int login(const asb *s, const char *auth)
{
    if (auth == NULL || strncmp(auth, "Basic ", 6) != 0)
        return -1;
    unsigned char raw[256];
    size_t n = 0;
    const char *b64 = auth + 6;
    if (sl_base64_decode(b64, strlen(b64), raw, sizeof raw - 1, &n) != SL_OK)
        return -2;
    raw[n] = '\0';
    char *colon = strchr((char *)raw, ':');
    if (colon == NULL)
        return -1;
    *colon = '\0';
    if (raw[0] == '\0' || colon[1] == '\0')
        return -1;
    return strcmp((char *)raw, s->username) == 0 && strcmp(colon + 1, s->password) == 0 ? 0 : -2;
}

/* -7 for an unknown province, -11 for a city not in it, else 0. */
static int place(const asb_call *c)
{
    int64_t st = 0, ci = 0;
    if (!num(asb_param(c, "DestState"), &st) || st < 1 || st > 31)
        return -7;
    if (!num(asb_param(c, "DestCity"), &ci))
        return -11;
    for (size_t i = 0; i < sizeof CITIES / sizeof CITIES[0]; i++)
        if (CITIES[i].state == st && CITIES[i].city == ci)
            return 0;
    return -11;
}

static int64_t round_up_1000(int64_t v)
{
    return (v + 999) / 1000 * 1000;
}

static void send_price(const asb_call *c, int64_t prices[4])
{
    int64_t st = 0, amount = 0, weight = 0;
    num(asb_param(c, "DestState"), &st);
    num(asb_param(c, "Amount"), &amount);
    num(asb_param(c, "Weight"), &weight);
    int64_t sef = 48000 + (weight + 499) / 500 * 18000 + (st == ORIGIN_STATE ? 0 : 12000);
    prices[0] = round_up_1000(sef * 14 / 10);
    prices[1] = sef;
    prices[2] = 25000;
    prices[3] = round_up_1000(amount / 100 > 15000 ? amount / 100 : 15000);
}

static void get_send_price(asb *s, const asb_call *c, int code, asb_out *o)
{
    (void)s;
    int64_t pr[4] = {code, 0, 0, 0}, amount = 0, weight = 0;
    if (code == 0)
        code = place(c);
    if (code == 0 && (!num(asb_param(c, "Amount"), &amount) || amount <= 0))
        code = -5;
    if (code == 0 && (!num(asb_param(c, "Weight"), &weight) || weight <= 0 || weight > 30000))
        code = -6;
    if (code == 0)
        send_price(c, pr);
    else
        pr[0] = code;
    asb_envelope_open(o, "GetSendPrice");
    asb_out_fmt(o,
                "<return xsi:type=\"ns1:SendPrice\">"
                "<Pishtaz xsi:type=\"xsd:int\">%lld</Pishtaz>"
                "<Sefareshi xsi:type=\"xsd:int\">%lld</Sefareshi>"
                "<Service xsi:type=\"xsd:int\">%lld</Service>"
                "<COD xsi:type=\"xsd:int\">%lld</COD></return>",
                (long long)pr[0], (long long)pr[1], (long long)pr[2], (long long)pr[3]);
    asb_envelope_close(o, "GetSendPrice");
}

/* Checks ProductsList; 0 with the totals, or -12 / -6 / -5. */
static int products(const char *list, int64_t *amount, int64_t *weight)
{
    if (list == NULL || *list == '\0')
        return -12;
    *amount = *weight = 0;
    char *copy = strdup(list), *save = NULL;
    int rc = 0;
    for (char *it = strtok_r(copy, ";", &save); it && rc == 0; it = strtok_r(NULL, ";", &save)) {
        char *f[6] = {0}, *save2 = NULL;
        size_t k = 0;
        for (char *x = strtok_r(it, "^", &save2); x && k < 6; x = strtok_r(NULL, "^", &save2))
            f[k++] = x;
        int64_t w = 0, price = 0, qty = 0;
        if (k != 5 || !num(f[2], &w) || !num(f[3], &price) || !num(f[4], &qty) || qty <= 0)
            rc = -12;
        else {
            *weight += w * qty;
            *amount += price * qty;
        }
    }
    free(copy);
    if (rc == 0 && *weight <= 0)
        rc = -6;
    if (rc == 0 && *amount <= 0)
        rc = -5;
    return rc;
}

static int is_cell(const char *v)
{
    return strlen(v) == 11 && strncmp(v, "09", 2) == 0 && strspn(v, "0123456789") == 11;
}

/* The codes of RegisterOrder's checks, in the order the doc lists them. */
static int register_checks(const asb *s, const asb_call *c, int64_t *amount, int64_t *weight)
{
    const char *first = asb_param(c, "FirstName"), *last = asb_param(c, "LastName");
    const char *addr = asb_param(c, "Address"), *zip = asb_param(c, "Zip");
    const char *cell = asb_param(c, "Cell"), *phone = asb_param(c, "Phone");
    const char *adv = asb_param(c, "AdvertiserId"), *partner = asb_param(c, "PartnerId");
    int64_t type = -1;
    int code = place(c);
    if (code)
        return code;
    if (!first || !*first || !last || !*last || !addr || !*addr || !zip || strlen(zip) != 10 ||
        strspn(zip, "0123456789") != 10)
        return -8;
    if ((!cell || !*cell) && (!phone || !*phone))
        return -9;
    if (cell && *cell && !is_cell(cell))
        return -9;
    if (!num(asb_param(c, "SendType"), &type) || type > 1)
        return -10;
    if ((code = products(asb_param(c, "ProductsList"), amount, weight)) != 0)
        return code;
    if (adv && *adv && partner && *partner)
        return -16;
    if (adv && *adv)
        return s->features ? -17 : -13;
    if (partner && *partner)
        return strcmp(partner, "7") == 0 ? -19 : -18;
    return 0;
}

static void register_order(asb *s, const asb_call *c, int code, asb_out *o)
{
    int64_t amount = 0, weight = 0;
    if (code == 0)
        code = register_checks(s, c, &amount, &weight);
    if (code == 0 && s->nparcels == ASB_MAX_PARCELS)
        code = -15; /* full: the sandbox's stand-in for an unreachable post */
    asb_envelope_open(o, "RegisterOrder");
    asb_out_add(o, "<return xsi:type=\"ns1:RegisterResult\">");
    if (code != 0) {
        asb_out_fmt(o,
                    "<FactorKey xsi:type=\"xsd:string\">%d</FactorKey>"
                    "<PostTrace xsi:type=\"xsd:string\"></PostTrace>",
                    code);
    } else {
        asb_parcel *p = &s->parcels[s->nparcels++];
        memset(p, 0, sizeof *p);
        int64_t seq = ++s->next_seq;
        snprintf(p->factor, sizeof p->factor, "41/2207-%06lld-%06lld", (long long)(118000 + seq),
                 (long long)(seq * 7 % 1000000));
        snprintf(p->digits, sizeof p->digits, "412207%06lld%06lld", (long long)(118000 + seq),
                 (long long)(seq * 7 % 1000000));
        p->created = asb_now(s);
        p->forced = -1;
        p->amount = amount;
        p->weight = weight;
        p->send_type = strcmp(asb_param(c, "SendType"), "1") == 0;
        snprintf(p->products, sizeof p->products, "%s", asb_param(c, "ProductsList"));
        asb_out_fmt(o,
                    "<FactorKey xsi:type=\"xsd:string\">%s</FactorKey>"
                    "<PostTrace xsi:type=\"xsd:string\"></PostTrace>",
                    p->factor);
    }
    asb_out_add(o, "</return>");
    asb_envelope_close(o, "RegisterOrder");
}

/* The state of one digits id, or -3. */
static int state_of(asb *s, const char *id)
{
    asb_parcel *p = id && *id && strspn(id, "0123456789") == strlen(id) ? asb_find(s, id) : NULL;
    return p ? asb_state(s, p) : -3;
}

static void scalar(asb_out *o, const char *method, const char *type, const char *text)
{
    asb_envelope_open(o, method);
    asb_out_fmt(o, "<return xsi:type=\"xsd:%s\">", type);
    asb_out_esc(o, text);
    asb_out_add(o, "</return>");
    asb_envelope_close(o, method);
}

static void get_order_status(asb *s, const asb_call *c, int code, asb_out *o)
{
    char t[16];
    snprintf(t, sizeof t, "%d", code ? code : state_of(s, asb_param(c, "id")));
    scalar(o, "GetOrderStatus", "int", t);
}

static void get_list_status(asb *s, const asb_call *c, int code, asb_out *o, int *status)
{
    if (code == 0 && s->list_mode == ASB_LIST_FAULT) {
        *status = 500;
        asb_fault(o, "Server", "GetListStatus: internal error");
        return;
    }
    char out[50 * 8 + 8] = "";
    const char *list = asb_param(c, "list");
    size_t used = 0, k = 0;
    if (code == 0 && (list == NULL || *list == '\0'))
        code = -3;
    if (code == 0) {
        char *copy = strdup(list), *save = NULL;
        for (char *id = strtok_r(copy, ";", &save); id; id = strtok_r(NULL, ";", &save)) {
            if (++k > 50) {
                code = -3;
                break;
            }
            used += (size_t)snprintf(out + used, sizeof out - used, "%s%d", k > 1 ? ";" : "",
                                     state_of(s, id));
        }
        free(copy);
    }
    if (code != 0)
        snprintf(out, sizeof out, "%d", code);
    else if (s->list_mode == ASB_LIST_SHORT && strrchr(out, ';'))
        *strrchr(out, ';') = '\0';
    else if (s->list_mode == ASB_LIST_SHORT)
        snprintf(out, sizeof out, "%s", "");
    else if (s->list_mode == ASB_LIST_GARBAGE)
        snprintf(out, sizeof out, "%s", "Array");
    scalar(o, "GetListStatus", "string", out);
}

/* ASSUMED (doc §6): ChangeStatus(id, NewStatus = 4) -> 0 | -3 | -4 | -14. */
static void change_status(asb *s, const asb_call *c, int code, asb_out *o)
{
    int64_t want = -1;
    const char *id = asb_param(c, "id");
    asb_parcel *p = id && *id && strspn(id, "0123456789") == strlen(id) ? asb_find(s, id) : NULL;
    if (code == 0 && (!num(asb_param(c, "NewStatus"), &want) || want != 4))
        code = -4;
    if (code == 0 && p == NULL)
        code = -3;
    if (code == 0 && asb_state(s, p) >= 2 && asb_state(s, p) != 4)
        code = -14; /* already with the post */
    if (code == 0)
        p->cancelled = 1;
    char t[16];
    snprintf(t, sizeof t, "%d", code);
    scalar(o, "ChangeStatus", "int", t);
}

static void count_call(asb *s, const char *method)
{
    for (size_t i = 0; i < sizeof s->calls / sizeof s->calls[0]; i++) {
        if (s->calls[i].method[0] == '\0')
            snprintf(s->calls[i].method, sizeof s->calls[i].method, "%s", method);
        if (strcmp(s->calls[i].method, method) == 0) {
            s->calls[i].count++;
            return;
        }
    }
}

/* The fault knob's verdict for this call (consumes one count). */
static int take_fault(asb *s, const char *method, int64_t *delay_ms)
{
    if (s->fault.count <= 0 ||
        (strcmp(s->fault.method, "*") != 0 && strcmp(s->fault.method, method) != 0))
        return ASB_FAULT_NONE;
    s->fault.count--;
    if (s->fault.kind == ASB_FAULT_TIMEOUT)
        *delay_ms = s->fault.delay_ms;
    return s->fault.kind;
}

static void dispatch(asb *s, const asb_call *c, int code, asb_out *o, int *status)
{
    const char *m = c->method;
    if (strcmp(m, "GetSendPrice") == 0)
        get_send_price(s, c, code, o);
    else if (strcmp(m, "RegisterOrder") == 0)
        register_order(s, c, code, o);
    else if (strcmp(m, "GetOrderStatus") == 0)
        get_order_status(s, c, code, o);
    else if (strcmp(m, "GetListStatus") == 0)
        get_list_status(s, c, code, o, status);
    else if (strcmp(m, "ChangeStatus") == 0)
        change_status(s, c, code, o);
    else {
        *status = 500;
        asb_fault(o, "Client", "Procedure not present");
    }
}

static void api_locked(asb *s, const char *auth, const asb_call *c, asb_out *o, int *status,
                       int64_t *delay_ms)
{
    count_call(s, c->method);
    int fault = take_fault(s, c->method, delay_ms);
    if (fault == ASB_FAULT_SOAP) {
        *status = 500;
        asb_fault(o, "Server", "Could not connect to host");
        return;
    }
    if (fault == ASB_FAULT_HTTP500) {
        *status = 500;
        asb_out_add(o, "<html><body><h1>500 Internal Server Error</h1></body></html>");
        return;
    }
    int code = login(s, auth);
    if (code == 0 && fault == ASB_FAULT_GATEWAY)
        code = -15;
    dispatch(s, c, code, o, status);
    if (fault == ASB_FAULT_GARBAGE) { /* processed, answer lost */
        o->len = 0;
        o->failed = 0;
        asb_out_add(o, "Warning: mysql_connect(): Too many connections in "
                       "/var/www/WebService/server.php on line 12\n");
    }
}

void asb_api(asb *s, const char *auth, const char *body, size_t len, int *status, char **out,
             int64_t *delay_ms)
{
    asb_out o = {.p = malloc(ASB_MAX_ANSWER), .cap = ASB_MAX_ANSWER};
    *status = 200;
    *delay_ms = 0;
    if (o.p == NULL) {
        *status = 500;
        *out = NULL;
        return;
    }
    o.p[0] = '\0';
    asb_call c;
    const char *why = NULL;
    if (asb_call_parse(body, len, &c, &why) != 0) {
        *status = 500;
        asb_fault(&o, "Client", why);
    } else {
        pthread_mutex_lock(&s->mu);
        api_locked(s, auth, &c, &o, status, delay_ms);
        pthread_mutex_unlock(&s->mu);
        asb_call_free(&c);
    }
    if (o.failed) {
        *status = 500;
        o.len = 0;
        o.failed = 0;
        asb_fault(&o, "Server", "answer too large");
    }
    *out = o.p;
}
