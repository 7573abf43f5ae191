/*
 * The numbers Aseman Web answers with (doc §5, §7). Errors travel as
 * negative numbers in the first field of a normal result (Pishtaz = -7,
 * FactorKey = -8, a status of -3), plus four positive legacy codes one
 * client maps from error strings (101, 201, 202, 601). Order states are
 * 0..11 in v1. The texts below are written for this connector from the
 * doc's meanings; the host keeps the raw code beside every mapping.
 */
#include <stdio.h>
#include <string.h>

#include "aw.h"
#include "shopledger/sdkutil.h"

typedef struct code_text {
    int code;
    const char *english;
    const char *persian;
} code_text;

static const code_text CODES[] = {
    {-1, "username or password not provided", "نام کاربری یا رمز عبور ارسال نشده است"},
    {-2, "wrong username, password or IP", "نام کاربری، رمز عبور یا IP نادرست است"},
    {-3, "invalid order id", "شناسه سفارش نامعتبر است"},
    {-4, "invalid status number requested", "شماره وضعیت درخواستی نامعتبر است"},
    {-5, "invalid parcel price", "مبلغ مرسوله نامعتبر است"},
    {-6, "invalid parcel weight", "وزن مرسوله نامعتبر است"},
    {-7, "invalid city or province id", "شناسه شهر یا استان نامعتبر است"},
    {-8, "buyer information incomplete", "اطلاعات خریدار ناقص است"},
    {-9, "buyer phone missing", "تلفن خریدار وارد نشده است"},
    {-10, "invalid send type", "نوع ارسال نامعتبر است"},
    {-11, "invalid city or province id (second check)",
     "شناسه شهر یا استان نامعتبر است (بررسی دوم)"},
    {-12, "product list or a product field invalid",
     "فهرست کالا یا یکی از فیلدهای کالا نامعتبر است"},
    {-13, "no permission for special web-service features",
     "اجازه استفاده از امکانات ویژه وب سرویس وجود ندارد"},
    {-14, "requested status change not valid", "تغییر وضعیت درخواستی مجاز نیست"},
    {-15, "no answer from the post gateway, retry later",
     "پاسخی از درگاه پست دریافت نشد؛ بعدا تلاش کنید"},
    {-16, "only one of advertiser id and partner id may be used",
     "فقط یکی از شناسه تبلیغ کننده یا همکار مجاز است"},
    {-17, "invalid product id in the advertising system",
     "شناسه کالا در سیستم تبلیغات نامعتبر است"},
    {-18, "invalid partner id", "شناسه همکار نامعتبر است"},
    {-19, "product not assigned to this partner", "کالا به این همکار اختصاص داده نشده است"},
    {101, "wrong credentials (legacy code)", "اطلاعات ورود نادرست است"},
    {201, "product list missing (legacy code)", "فهرست کالا ارسال نشده است"},
    {202, "invalid weight or amount, or an empty product name (legacy code)",
     "وزن یا مبلغ نامعتبر یا نام کالا خالی است"},
    {601, "province and city do not match (legacy code)", "استان و شهر با هم مطابقت ندارند"},
};

typedef struct state_text {
    const char *normalized;
    const char *label;
} state_text;

/* v1 states 0..11 (doc §5) -> the SDK 1.5 shipping words. 1 (ready to
   ship) has not left the sender yet; 9 (waiting at a post counter) is
   still in the post's hands; 11 (handed over to a partner) has left the
   warehouse; seizure and failed cash collection are "other". */
static const state_text STATES[12] = {
    {"not_loaded", "معلق"},
    {"not_loaded", "آماده به ارسال"},
    {"delivered_to_post", "ارسال شده"},
    {"delivered_to_customer", "توزیع شده"},
    {"cancelled", "انصراف شده"},
    {"returned", "برگشت شده"},
    {"returned", "برگشت تایید شده"},
    {"cancelled", "انصراف از ارسال توسط پست"},
    {"other", "توقیف شده"},
    {"delivered_to_post", "باجه معطله"},
    {"other", "نقدی ناموفق"},
    {"left_warehouse", "واگذار شده"},
};

int aw_int_parse(const char *text, int64_t *out)
{
    const char *p = text;
    int neg = *p == '-';
    p += neg;
    size_t n = strspn(p, "0123456789");
    if (n == 0 || n > 18 || p[n] != '\0')
        return 0;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    *out = neg ? -v : v;
    return 1;
}

static const code_text *find_code(int64_t code)
{
    for (size_t i = 0; i < sizeof CODES / sizeof CODES[0]; i++)
        if (CODES[i].code == code)
            return &CODES[i];
    return NULL;
}

int aw_is_error_code(int64_t code)
{
    return code < 0 || code == 101 || code == 201 || code == 202 || code == 601;
}

const char *aw_code_english(int64_t code)
{
    const code_text *c = find_code(code);
    return c ? c->english : "?";
}

const char *aw_code_persian(int64_t code)
{
    const code_text *c = find_code(code);
    return c ? c->persian : "?";
}

int aw_code_report(const sl_host *h, sl_ctx *ctx, const char *method, int64_t code, sl_error *err)
{
    const code_text *c = find_code(code);
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)code);
    h->result_set(ctx, "code", num);
    h->result_set(ctx, "message", c ? c->persian : "خطای ناشناخته");
    /* -15: the service did nothing and asks to try later: "connect" tells
       the host that repeating the call is safe (sdk.h, postal slots). */
    int rc = code == -15 ? SL_ERETRY : SL_EREMOTE;
    sl_error_set(err, rc, rc == SL_ERETRY ? "connect" : "", "%s: code %lld: %s", method,
                 (long long)code, c ? c->english : "unknown error code");
    if (rc == SL_ERETRY && err != NULL && err->size >= sizeof *err)
        err->retry_after_ms = AW_RETRY_GATEWAY_MS;
    return rc;
}

const char *aw_state_normalized(int64_t state)
{
    return state >= 0 && state < 12 ? STATES[state].normalized : NULL;
}

const char *aw_state_label(int64_t state)
{
    return state >= 0 && state < 12 ? STATES[state].label : NULL;
}
