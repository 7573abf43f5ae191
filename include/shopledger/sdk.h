/*
 * shopledger SDK v1 — the binary contract between the host and a connector.
 *
 * A connector is a shared object that exports exactly one symbol,
 * sl_plugin_entry(), with C linkage. The host dlopen()s it, calls the entry
 * and receives a read-only plugin table (struct sl_plugin). From then on the
 * two sides talk only through two tables of function pointers: the plugin
 * table (what the connector can do) and the host-services table (struct
 * sl_host: logging, HTTP, state, config, clock, arena memory, the order and
 * list builders). Data crosses as opaque handles whose layout never appears
 * in this header, so the host can change them freely.
 *
 * Versioning. SL_ABI_MAJOR changes only when an existing slot or meaning
 * changes; the host refuses a plugin of another major. SL_ABI_MINOR grows
 * when a slot, field id or status code is appended. A plugin records the
 * minor of the header it was built with (abi_minor) and the lowest host minor
 * it needs (min_host_minor); the host refuses it when its own minor is lower.
 * Every table starts with its own size in bytes; a reader checks
 * SL_HAS_FIELD(table, field) before touching a field newer than the oldest
 * table it accepts. Tables only ever grow by appending; a retired slot stays
 * in place and is set to NULL.
 *
 * Memory rule. Whoever allocates frees: the plugin never frees what the host
 * returns and the host never frees what the plugin returns. Everything the
 * host hands to a plugin during a call (HTTP responses, strings from
 * sl_host.alloc/strdup, state values, list handles) is borrowed from that
 * call's arena and lives until the plugin function returns; config values
 * and the channel context live until channel_close. Strings the plugin passes
 * in are copied by the host before the call returns. The plugin table and
 * its strings are static data of the plugin and live while it is loaded
 * (plugins are never unloaded).
 *
 * Errors. Every fallible call returns an int: SL_OK (0) or a negative
 * SL_E* status, and fills the caller-provided struct sl_error (fixed-size
 * message; nothing is allocated on the error path). The host records the
 * message; a plugin never prints, never exits, and never starts a thread.
 * Out-parameters (state of channel_open, value of state_get, resp of
 * http_send, acknowledge_only of verify_webhook) are written only on
 * success, on both sides of the table, except where a slot says so
 * (http_send hands back a completed response with its error). err is
 * written only on failure.
 *
 * Builders are sticky. Every setter of the order, line and product
 * builders returns SL_OK or the code of its refusal, and the builder keeps
 * the FIRST refusal (code, field, message): later setters still run,
 * order_submit / product_submit then fail with that first error and
 * consume the handle. A connector may therefore call setters without
 * checking each one; it checks a result only to stop early (order_discard,
 * order_refuse) or to name the field as its own input spells it
 * (sl_error_refused in sdkutil.h), since the builder's error names the SDK
 * field ("email"), not the shop's ("billing.email").
 *
 * Threads. A channel context is used by one thread at a time. Different
 * channels may be called concurrently, so a plugin keeps its state in the
 * per-channel state pointer, not in globals. The host may open one
 * channel's config more than once (serve parses each channel's webhooks
 * in several contexts, one per HTTP thread): each channel_open gets its
 * own state pointer, and such contexts run concurrently.
 */
#ifndef SHOPLEDGER_SDK_H
#define SHOPLEDGER_SDK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SL_ABI_MAJOR 1
#define SL_ABI_MINOR 5

#if defined(__GNUC__)
#define SL_EXPORT __attribute__((visibility("default")))
#define SL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SL_EXPORT
#define SL_PRINTF(f, a)
#endif

/* True when a size-prefixed table is large enough to hold FIELD. */
#define SL_HAS_FIELD(tbl, field)                                                                   \
    ((tbl)->size >= offsetof(__typeof__(*(tbl)), field) + sizeof((tbl)->field))

/* ---- enums with names: one X-macro list each ------------------------- */
/* Each list below is the only place its values are written: the enum is
   made from it here, and whoever needs the names (sl_status_name, the
   host's order JSON, the loader's capability check) expands the same list,
   so appending a value is one line. X(CONSTANT, value or key, ...). */
#define SL_ENUM_VALUE_(name, value) name = value,

/* ---- status codes ------------------------------------------------------ */

#define SL_STATUS_LIST(X)                                                                          \
    X(SL_OK, 0)                                                                                    \
    X(SL_ERETRY, -1)       /* transient: try again after err->retry_after_ms */                    \
    X(SL_EAUTH, -2)        /* credentials or signature refused */                                  \
    X(SL_EINVALID, -3)     /* input failed validation; err->field names it */                      \
    X(SL_EUNSUPPORTED, -4) /* capability or field id not implemented */                            \
    X(SL_ENOMEM, -5)                                                                               \
    X(SL_ECONFLICT, -6) /* the remote or the store holds a newer state */                          \
    X(SL_ENOTFOUND, -7)                                                                            \
    X(SL_EIO, -8)        /* network or file failure that is not transient */                       \
    X(SL_ETOOBIG, -9)    /* a size or count limit was exceeded */                                  \
    X(SL_EREMOTE, -10)   /* the remote answered with an error it explained */                      \
    X(SL_EINTERNAL, -11) /* a bug: an invariant did not hold */                                    \
    X(SL_EBANNED, -12)   /* the remote blocked us for a while (rate ban) */

enum sl_status { SL_STATUS_LIST(SL_ENUM_VALUE_) };

/* Caller-provided error record. The callee writes it only on failure. */
#define SL_ERROR_MSG_MAX 256
#define SL_ERROR_FIELD_MAX 64
typedef struct sl_error {
    size_t size;                    /* sizeof(struct sl_error) as the caller knows it */
    int code;                       /* an enum sl_status value */
    int http_status;                /* remote HTTP status when there was one, else 0 */
    int64_t retry_after_ms;         /* with SL_ERETRY / SL_EBANNED: wait at least this */
    char field[SL_ERROR_FIELD_MAX]; /* the offending input field, or "" */
    char message[SL_ERROR_MSG_MAX]; /* human text, no secrets */
} sl_error;

/* ---- capabilities ------------------------------------------------------ */

/* X(CONSTANT, bit, "name", the sl_plugin slot the bit promises): a plugin
   that sets the bit must fill the slot (the loader checks). The slot
   names are only expanded where struct sl_plugin is known. */
#define SL_CAPABILITIES(X)                                                                         \
    X(SL_CAP_FETCH_ORDERS, 0, "fetch_orders", fetch_orders)                                        \
    X(SL_CAP_WEBHOOK, 1, "webhook", parse_webhook)                                                 \
    X(SL_CAP_PUSH_STOCK, 2, "push_stock", push_stock)                                              \
    X(SL_CAP_PUSH_PRICES, 3, "push_prices", push_prices)                                           \
    X(SL_CAP_LIST_TAXES, 4, "list_taxes", list_taxes)                                              \
    X(SL_CAP_LIST_PAYMENTS, 5, "list_payment_methods", list_payment_methods)                       \
    X(SL_CAP_LIST_SHIPPING, 6, "list_shipping_methods", list_shipping_methods)                     \
    X(SL_CAP_REPORT_STATUS, 7, "report_status", report_status)                                     \
    X(SL_CAP_CREATE_SHIPMENT, 8, "create_shipment", create_shipment)                               \
    X(SL_CAP_TRACK_SHIPMENT, 9, "track_shipment", track_shipment)                                  \
    X(SL_CAP_VERIFY_PAYMENT, 10, "verify_payment", verify_payment)                                 \
    X(SL_CAP_FETCH_TRANSACTIONS, 11, "fetch_transactions", fetch_transactions)                     \
    /* 1.2 */                                                                                      \
    X(SL_CAP_FETCH_PRODUCTS, 12, "fetch_products", fetch_products)                                 \
    /* 1.3 (gateways); request_payment also needs parse_return */                                  \
    X(SL_CAP_REQUEST_PAYMENT, 16, "request_payment", request_payment)                              \
    X(SL_CAP_SETTLE_PAYMENT, 17, "settle_payment", settle_payment)                                 \
    X(SL_CAP_INQUIRE_PAYMENT, 18, "inquire_payment", inquire_payment)                              \
    X(SL_CAP_REVERSE_PAYMENT, 19, "reverse_payment", reverse_payment)                              \
    X(SL_CAP_LIST_UNVERIFIED, 20, "list_unverified", list_unverified)                              \
    /* 1.5 (post) */                                                                               \
    X(SL_CAP_QUOTE_SHIPMENT, 21, "quote_shipment", quote_shipment)                                 \
    X(SL_CAP_CANCEL_SHIPMENT, 22, "cancel_shipment", cancel_shipment)                              \
    X(SL_CAP_FIND_SHIPMENT, 23, "find_shipment", find_shipment)
#define SL_CAP_BIT_(name, bit, key, slot) name = 1u << (bit),
enum sl_capability { SL_CAPABILITIES(SL_CAP_BIT_) };
#define SL_CAP_ALL_V1 0x0fffu   /* the bits of ABI 1.0 and 1.1 */
#define SL_CAP_ALL_V1_2 0x1fffu /* every bit this header knows */

/* ---- opaque handles (layouts are the host's business) ------------------ */

typedef struct sl_ctx sl_ctx;               /* one call on one channel */
typedef struct sl_order sl_order;           /* order under construction */
typedef struct sl_line sl_line;             /* one line of an order */
typedef struct sl_http_req sl_http_req;     /* outgoing request */
typedef struct sl_http_resp sl_http_resp;   /* its response (arena-owned) */
typedef struct sl_request sl_request;       /* incoming webhook request */
typedef struct sl_stock_list sl_stock_list; /* SKUs to push */
typedef struct sl_params sl_params;         /* key/value input of a call */
typedef struct sl_product sl_product;       /* product under construction (1.2) */

/* ---- order field ids (append only) ------------------------------------- */
/* X(CONSTANT, "key"): the key names the field in the host's JSON form of
   an order (`inbox show`, golden files). Values count from 1. */
#define SL_ENUM_NEXT_(name, key) name,

/* Text fields of an order. Values are UTF-8, copied by the host. */
#define SL_ORDER_TEXT_FIELDS(X)                                                                    \
    X(SL_ORDER_EXTERNAL_ID, "external_id")             /* the shop's order id: the                 \
                                                          idempotency key */                       \
    X(SL_ORDER_NUMBER, "number")                       /* display number */                        \
    X(SL_ORDER_STATUS, "status")                       /* the shop's own status word */            \
    X(SL_ORDER_STATUS_NORMALIZED, "status_normalized") /* an SL_STATUS_*                           \
                                                          word below */                            \
    X(SL_ORDER_CURRENCY, "currency")                   /* ISO 4217; set before any                 \
                                                          money field */                           \
    X(SL_ORDER_CUSTOMER_ID, "customer_id")             /* "" or "0" for a guest */                 \
    X(SL_ORDER_EMAIL, "email")                                                                     \
    X(SL_ORDER_FIRST_NAME, "first_name")                                                           \
    X(SL_ORDER_LAST_NAME, "last_name")                                                             \
    X(SL_ORDER_COMPANY, "company")                                                                 \
    X(SL_ORDER_PHONE, "phone")                                                                     \
    X(SL_ORDER_PAYMENT_METHOD, "payment_method") /* gateway id, mapped by                          \
                                                    [channel:X.payments] */                        \
    X(SL_ORDER_PAYMENT_TITLE, "payment_title")                                                     \
    X(SL_ORDER_TRANSACTION_ID, "transaction_id")                                                   \
    X(SL_ORDER_CUSTOMER_NOTE, "customer_note") /* buyer's comment: the                             \
                                                  internal note */                                 \
    X(SL_ORDER_HEADER_NOTE, "header_note")     /* the document's header note */                    \
    X(SL_ORDER_SHIPPING_METHOD, "shipping_method")                                                 \
    X(SL_ORDER_LANGUAGE, "language")
enum sl_order_text {
    SL_ORDER_TEXT_ZERO_, /* not a field */
    SL_ORDER_TEXT_FIELDS(SL_ENUM_NEXT_) SL_ORDER_TEXT_END_V1
};

/* Address fields; `which` is SL_ADDR_BILLING or SL_ADDR_SHIPPING. */
enum sl_address_kind { SL_ADDR_BILLING = 1, SL_ADDR_SHIPPING = 2 };
/* clang-format off: one field per line (the tool rejoins this list) */
#define SL_ADDRESS_FIELDS(X)                                                                       \
    X(SL_ADDR_FIRST_NAME, "first_name")                                                            \
    X(SL_ADDR_LAST_NAME, "last_name")                                                              \
    X(SL_ADDR_COMPANY, "company")                                                                  \
    X(SL_ADDR_LINE1, "line1")                                                                      \
    X(SL_ADDR_LINE2, "line2")                                                                      \
    X(SL_ADDR_CITY, "city")                                                                        \
    X(SL_ADDR_STATE, "state")                                                                      \
    X(SL_ADDR_POSTCODE, "postcode")                                                                \
    X(SL_ADDR_COUNTRY, "country")                                                                  \
    X(SL_ADDR_EMAIL, "email")                                                                      \
    X(SL_ADDR_PHONE, "phone")
/* clang-format on */
enum sl_address_field {
    SL_ADDR_FIELD_ZERO_, /* not a field */
    SL_ADDRESS_FIELDS(SL_ENUM_NEXT_) SL_ADDR_FIELD_END_V1
};

/* Money fields of an order: the shop's own totals, as decimal text. */
#define SL_ORDER_MONEY_FIELDS(X)                                                                   \
    X(SL_ORDER_TOTAL, "total") /* gross total the buyer                                            \
                                  pays */                                                          \
    X(SL_ORDER_TOTAL_TAX, "total_tax")                                                             \
    X(SL_ORDER_SHIPPING_TOTAL, "shipping_total") /* net of tax */                                  \
    X(SL_ORDER_SHIPPING_TAX, "shipping_tax")                                                       \
    X(SL_ORDER_DISCOUNT_TOTAL, "discount_total") /* net of tax */                                  \
    X(SL_ORDER_DISCOUNT_TAX, "discount_tax")
enum sl_order_money {
    SL_ORDER_MONEY_ZERO_, /* not a field */
    SL_ORDER_MONEY_FIELDS(SL_ENUM_NEXT_) SL_ORDER_MONEY_END_V1
};

/* Times of an order, UTC milliseconds since the epoch. */
#define SL_ORDER_TIME_FIELDS(X)                                                                    \
    X(SL_ORDER_CREATED, "created_ms")                                                              \
    X(SL_ORDER_MODIFIED, "modified_ms")                                                            \
    X(SL_ORDER_PAID, "paid_ms") X(SL_ORDER_COMPLETED, "completed_ms")
enum sl_order_time {
    SL_ORDER_TIME_ZERO_, /* not a field */
    SL_ORDER_TIME_FIELDS(SL_ENUM_NEXT_) SL_ORDER_TIME_END_V1
};

/* Flags of an order. */
#define SL_ORDER_FLAG_FIELDS(X)                                                                    \
    X(SL_ORDER_PRICES_INCLUDE_TAX, "prices_include_tax") /* shop prices are                        \
                                                            gross */                               \
    X(SL_ORDER_DELETED, "deleted")                       /* the shop deleted the order */          \
    X(SL_ORDER_IS_PAID, "is_paid")                       /* the shop says it is paid */
/* ---- appended in 1.4 (books); a host before 1.4 refuses them ---- */
/* SL_ORDER_REFUND_LINES_MISSING: the order lists refunds (SL_LINE_REFUND
   lines) whose refunded lines the connector could not read in this call
   (a WooCommerce webhook body carries only each refund's amount; its lines
   come from GET /orders/{id}/refunds). The host then does not take a
   refund without SL_LINE_REFUND_ID lines for one that names none: on a
   channel that polls it waits for the poll, else it splits the amount. */
#define SL_ORDER_FLAG_FIELDS_V1_4(X) X(SL_ORDER_REFUND_LINES_MISSING, "refund_lines_missing")
enum sl_order_flag {
    SL_ORDER_FLAG_ZERO_, /* not a field */
    SL_ORDER_FLAG_FIELDS(SL_ENUM_NEXT_) SL_ORDER_FLAG_END_V1,
    SL_ORDER_FLAG_V1_4_ZERO_ = SL_ORDER_FLAG_END_V1 - 1, /* not a field */
    SL_ORDER_FLAG_FIELDS_V1_4(SL_ENUM_NEXT_) SL_ORDER_FLAG_END_V1_4
};

/* Normalized status words (DESIGN.md vocabulary) for SL_ORDER_STATUS_NORMALIZED. */
#define SL_STATUS_AWAITING "awaiting_confirmation"
#define SL_STATUS_CONFIRMED "confirmed"
#define SL_STATUS_NOT_CONFIRMED "not_confirmed"
#define SL_STATUS_PREPARING "preparing"
#define SL_STATUS_RESERVED "reserved"
#define SL_STATUS_INVOICE_DEFECT "invoice_defect"
#define SL_STATUS_SENT_TO_POST "sent_to_postal_system"
#define SL_STATUS_SENT "sent"
#define SL_STATUS_DELIVERED "delivered"
#define SL_STATUS_RETURNED "returned"
#define SL_STATUS_CANCELLED "cancelled"

/* Kinds of order lines. */
#define SL_LINE_KINDS(X)                                                                           \
    X(SL_LINE_PRODUCT, "product")   /* goods; sku names the stock unit */                          \
    X(SL_LINE_SHIPPING, "shipping") /* shipping charge */                                          \
    X(SL_LINE_FEE, "fee")           /* fee (positive) or negative fee (a                           \
                                       discount) */                                                \
    X(SL_LINE_DISCOUNT, "discount") /* coupon / discount, informational when                       \
                                       the products already carry discounted                       \
                                       totals */                                                   \
    X(SL_LINE_REFUND, "refund")     /* a refund: its TOTAL is the refunded                         \
                                       amount, positive; sub-lines name what                       \
                                       was refunded */
enum sl_line_kind {
    SL_LINE_KIND_ZERO_, /* not a kind */
    SL_LINE_KINDS(SL_ENUM_NEXT_) SL_LINE_KIND_END_V1
};

#define SL_LINE_TEXT_FIELDS(X)                                                                     \
    X(SL_LINE_EXTERNAL_ID, "external_id") /* the shop's line id */                                 \
    X(SL_LINE_SKU, "sku")                 /* product code; "" when the                             \
                                             product is gone */                                    \
    X(SL_LINE_NAME, "name")                                                                        \
    X(SL_LINE_PRODUCT_ID, "product_id")     /* shop product id (the parent for                     \
                                               variations) */                                      \
    X(SL_LINE_VARIATION_ID, "variation_id") /* shop variation id; "" / "0"                         \
                                               for simple */                                       \
    X(SL_LINE_PARENT_SKU, "parent_sku")     /* SKU of the parent product of a                      \
                                               variation */                                        \
    X(SL_LINE_TAX_CLASS, "tax_class")       /* shop tax class, "" = standard */                    \
    X(SL_LINE_TAX_RATE_ID, "tax_rate_id")   /* shop tax rate id / short name                       \
                                               ("27%") */                                          \
    X(SL_LINE_METHOD_ID, "method_id")       /* shipping method id / coupon                         \
                                               code / fee name */                                  \
    X(SL_LINE_REASON, "reason")             /* refund reason */                                    \
    X(SL_LINE_UNIT, "unit")                 /* unit of measure */
/* ---- appended in 1.4 (books); a host before 1.4 refuses them ---- */
/* SL_LINE_REFUND_ID: on a product, shipping or fee line, the EXTERNAL_ID of
   the SL_LINE_REFUND line of this order that refunded it. Such a line is
   not part of the sale but a refunded part: its quantity, net total
   (SL_LINE_TOTAL) and taxes (line_add_tax per rate) are the refunded
   figures, POSITIVE. The host credits a refund with lines line by line;
   one without lines is split over the sale's tax groups. */
#define SL_LINE_TEXT_FIELDS_V1_4(X) X(SL_LINE_REFUND_ID, "refund_id")
enum sl_line_text {
    SL_LINE_TEXT_ZERO_, /* not a field */
    SL_LINE_TEXT_FIELDS(SL_ENUM_NEXT_) SL_LINE_TEXT_END_V1,
    SL_LINE_TEXT_V1_4_ZERO_ = SL_LINE_TEXT_END_V1 - 1, /* not a field */
    SL_LINE_TEXT_FIELDS_V1_4(SL_ENUM_NEXT_) SL_LINE_TEXT_END_V1_4
};

#define SL_LINE_MONEY_FIELDS(X)                                                                    \
    X(SL_LINE_UNIT_PRICE, "unit_price") /* price of one unit as the shop                           \
                                           shows it */                                             \
    X(SL_LINE_SUBTOTAL, "subtotal")     /* net before discounts */                                 \
    X(SL_LINE_SUBTOTAL_TAX, "subtotal_tax")                                                        \
    X(SL_LINE_TOTAL, "total")                   /* net after discounts (gross for                  \
                                                   refunds) */                                     \
    X(SL_LINE_TOTAL_TAX, "total_tax")           /* the shop's own rounded tax of                   \
                                                   this line */                                    \
    X(SL_LINE_TAX_PERCENT, "tax_percent_milli") /* rate as decimal text, e.g.                      \
                                                   "21" or "7.25" */
enum sl_line_money {
    SL_LINE_MONEY_ZERO_, /* not a field */
    SL_LINE_MONEY_FIELDS(SL_ENUM_NEXT_) SL_LINE_MONEY_END_V1
};

/* Fields of a product (master-data import, 1.2). Text, copied by the host;
   money and quantities as decimal text. */
enum sl_product_field {
    SL_PRODUCT_SKU = 1,    /* required: the product code */
    SL_PRODUCT_PARENT_SKU, /* for variations: the parent's code */
    SL_PRODUCT_NAME,
    SL_PRODUCT_CURRENCY, /* of the prices; set before them */
    SL_PRODUCT_PRICE,    /* selling price (the channel's price group) */
    SL_PRODUCT_PURCHASE_PRICE,
    SL_PRODUCT_STOCK,       /* quantity on hand in the shop */
    SL_PRODUCT_TAX_RATE_ID, /* shop tax id / short name, mapped by "taxes" */
    SL_PRODUCT_UNIT,
    SL_PRODUCT_EXTERNAL_ID, /* the shop's own product id */
    SL_PRODUCT_FIELD_END_V1_2
};

/* ---- list kinds for sl_host.list_add ----------------------------------- */
#define SL_LIST_KINDS(X)                                                                           \
    X(SL_LIST_TAX_RATE, "tax_rate")                                                                \
    X(SL_LIST_TAX_CLASS, "tax_class")                                                              \
    X(SL_LIST_PAYMENT_METHOD, "payment_method") X(SL_LIST_SHIPPING_METHOD, "shipping_method")
enum sl_list_kind {
    SL_LIST_KIND_ZERO_, /* not a kind */
    SL_LIST_KINDS(SL_ENUM_NEXT_) SL_LIST_KIND_END_V1
};

/* Outcome of one pushed stock/price item, for sl_host.push_report. */
#define SL_PUSH_OUTCOMES(X)                                                                        \
    X(SL_PUSH_WRITTEN, "written")         /* the remote accepted the new value */                  \
    X(SL_PUSH_UNCHANGED, "unchanged")     /* already equal; nothing written */                     \
    X(SL_PUSH_SKIPPED, "skipped")         /* not managed remotely (e.g.                            \
                                             manage_stock false) */                                \
    X(SL_PUSH_NOT_FOUND, "not_found")     /* SKU unknown to the remote */                          \
    X(SL_PUSH_FAILED, "failed")           /* the remote refused this item;                         \
                                             message says why */                                   \
    X(SL_PUSH_DRIFT, "drift")             /* read back differs from what was                       \
                                             written */                                            \
    X(SL_PUSH_WOULD_WRITE, "would_write") /* test mode: would have written */
enum sl_push_outcome {
    SL_PUSH_OUTCOME_ZERO_, /* not an outcome */
    SL_PUSH_OUTCOMES(SL_ENUM_NEXT_) SL_PUSH_OUTCOME_END_V1
};

enum sl_log_level { SL_LOG_ERROR = 1, SL_LOG_WARN, SL_LOG_INFO, SL_LOG_DEBUG };

/* ---- the host-services table ------------------------------------------ */

/*
 * Handed to the plugin in every call through its sl_ctx. All functions are
 * safe to call from the thread that made the call. Slots are appended only.
 */
typedef struct sl_host {
    size_t size;
    uint32_t abi_major;
    uint32_t abi_minor;

    /* Logging with tenant/channel context added by the host. Secrets must
       never be passed here; the host also masks values of secret keys. */
    void (*log)(sl_ctx *ctx, int level, const char *fmt, ...) SL_PRINTF(3, 4);

    /* Config of the channel's INI section. Returns NULL when absent.
       Borrowed until channel_close. */
    const char *(*config_get)(sl_ctx *ctx, const char *key);
    /* A value from the map section [channel:NAME.MAP] (e.g. MAP "taxes"). */
    const char *(*config_map)(sl_ctx *ctx, const char *map, const char *key);
    /* A secret of the channel (e.g. "secret", "webhook_secret"), read from
       the configured file or environment. Never log it. Borrowed until
       channel_close. */
    const char *(*secret_get)(sl_ctx *ctx, const char *name);

    /* Clock: UTC milliseconds; tests fake it. */
    int64_t (*now_ms)(sl_ctx *ctx);

    /* Per-call arena: freed by the host when the plugin call returns. */
    void *(*alloc)(sl_ctx *ctx, size_t n);
    char *(*strdup)(sl_ctx *ctx, const char *s);

    /* Per-channel durable key/value state (tokens, counters). state_get
       writes an arena string or NULL when the key is absent. state_put
       commits at once; cursors of order fetches use cursor_commit instead. */
    int (*state_get)(sl_ctx *ctx, const char *key, const char **value, sl_error *err);
    int (*state_put)(sl_ctx *ctx, const char *key, const char *value, sl_error *err);

    /* HTTP through the host's libcurl: timeouts, TLS verification, retries
       on 429/5xx honouring Retry-After, per-channel rate limit, request log.
       The request and response belong to the call's arena. */
    sl_http_req *(*http_new)(sl_ctx *ctx, const char *method, const char *url);
    int (*http_header)(sl_http_req *req, const char *name, const char *value);
    int (*http_query)(sl_http_req *req, const char *name, const char *value);
    int (*http_body)(sl_http_req *req, const char *data, size_t len, const char *content_type);
    int (*http_basic_auth)(sl_http_req *req, const char *user, const char *password);
    /* Sends. On a transport failure or a status the retry policy could not
       clear, returns SL_ERETRY/SL_EIO/SL_EAUTH; any completed response is
       still handed back in *resp (status >= 400 is not an error here).
       SL_ERETRY with err->field "connect" (hosts of 1.5 on) says no byte
       reached the server (connection refused, name not resolved), so a
       request that must not run twice may go to another server. */
    int (*http_send)(sl_http_req *req, sl_http_resp **resp, sl_error *err);
    int (*http_status)(const sl_http_resp *resp);
    const char *(*http_resp_header)(const sl_http_resp *resp, const char *name);
    const char *(*http_resp_body)(const sl_http_resp *resp, size_t *len);

    /* Incoming webhook request (parse_webhook). Borrowed for the call. */
    const char *(*request_header)(const sl_request *req, const char *name);
    const char *(*request_body)(const sl_request *req, size_t *len);
    const char *(*request_content_type)(const sl_request *req);
    /* Nonzero when the host vouches for the body itself (an operator's
       `inbox add` replay): the plugin skips its signature check. */
    int (*request_verified)(const sl_request *req);

    /* Order builder. order_new starts an order owned by the host; the
       plugin fills it and hands it to order_submit, which takes it whether
       it succeeds or not. Money is decimal text, parsed exactly in the
       order's currency (set SL_ORDER_CURRENCY first). An order neither
       submitted nor discarded is reclaimed by the host when the plugin
       call returns (every host, 1.0 included), never stored. */
    sl_order *(*order_new)(sl_ctx *ctx);
    int (*order_set_text)(sl_order *o, int field, const char *value);
    int (*order_set_money)(sl_order *o, int field, const char *decimal);
    int (*order_set_time)(sl_order *o, int field, int64_t utc_ms);
    int (*order_set_flag)(sl_order *o, int field, int value);
    int (*order_set_address)(sl_order *o, int which, int field, const char *value);
    /* The raw payload as received (stored verbatim beside the normal form). */
    int (*order_set_raw)(sl_order *o, const char *data, size_t len);
    sl_line *(*order_add_line)(sl_order *o, int kind);
    int (*line_set_text)(sl_line *l, int field, const char *value);
    int (*line_set_money)(sl_line *l, int field, const char *decimal);
    /* Quantity as decimal text ("2", "0.5"); at most 3 decimals. */
    int (*line_set_quantity)(sl_line *l, const char *decimal);
    /* One tax component of a line: shop rate id and amount (may carry more
       decimals than the currency; the host rounds half-up per rate). */
    int (*line_add_tax)(sl_line *l, const char *rate_id, const char *decimal);
    /* Validates and hands the order to the host: into the inbox (webhook)
       or into the pending batch committed with the next cursor (fetch).
       Consumes `o` in every case. */
    int (*order_submit)(sl_ctx *ctx, sl_order *o, sl_error *err);
    /* fetch_orders: store `cursor` atomically with every order submitted
       since the last cursor_commit. */
    int (*cursor_commit)(sl_ctx *ctx, const char *cursor, sl_error *err);

    /* Stock list (push_stock / push_prices): borrowed for the call. */
    size_t (*stock_count)(const sl_stock_list *list);
    const char *(*stock_sku)(const sl_stock_list *list, size_t i);
    /* Available quantity as decimal text ("17"). */
    const char *(*stock_quantity)(const sl_stock_list *list, size_t i);
    /* Price as decimal text in the list's currency, or NULL when none. */
    const char *(*stock_price)(const sl_stock_list *list, size_t i);
    const char *(*stock_currency)(const sl_stock_list *list);
    /* Per-item outcome of a push (enum sl_push_outcome). */
    void (*push_report)(sl_ctx *ctx, const char *sku, int outcome, const char *message);

    /* Lists for mapping (list_* capabilities). */
    int (*list_add)(sl_ctx *ctx, int kind, const char *id, const char *label, const char *detail);

    /* Generic key/value parameters (postal and gateway calls). */
    const char *(*param_get)(const sl_params *p, const char *key);
    int (*result_set)(sl_ctx *ctx, const char *key, const char *value);

    /* ---- appended in 1.1 (check SL_HAS_FIELD(host, x) before use) ---- */
    /* Drops an order the plugin decided not to submit (its input turned
       out bad half way); the handle is invalid afterwards. */
    void (*order_discard)(sl_order *o);

    /* ---- appended in 1.2 ---- */
    /* Product builder for fetch_products: new, set fields, submit (which
       takes the product whether it succeeds or not). The first bad field
       sticks and submit reports it, as with orders. */
    sl_product *(*product_new)(sl_ctx *ctx);
    int (*product_set)(sl_product *p, int field, const char *value);
    int (*product_submit)(sl_ctx *ctx, sl_product *p, sl_error *err);

    /* ---- appended in 1.3 (books) ---- */
    /* The shop's own total of one tax rate for the whole order (e.g.
       WooCommerce tax_lines[]: rate_id, tax_total, shipping_tax_total,
       rate_percent, compound). `tax_total` is the rate's tax on items and
       fees, `shipping_tax_total` its tax on shipping, both decimal text
       exact in the order's currency ("" or NULL = 0); `percent` is
       decimal text or NULL. The host books these totals as authoritative:
       the line taxes of that rate (line_add_tax with the same rate id) are
       spread to sum to them exactly, by largest remainder. Each rate id
       once per order. A first bad value sticks, as with every setter. */
    int (*order_add_tax_rate)(sl_order *o, const char *rate_id, const char *tax_total,
                              const char *shipping_tax_total, const char *percent, int compound);

    /* ---- appended in 1.3 (gateways) ---- */
    /* Starts a new row of results for a call that answers a list
       (list_unverified): every result_set after it belongs to that row.
       Without a result_row call, results form one row as before. */
    int (*result_row)(sl_ctx *ctx);

    /* ---- appended in 1.4 (books) ---- */
    /* How much of a product line the shop has put back into stock after
       its refunds, cumulative over all of them (WooCommerce line meta
       _restock_refunded_items), as decimal text with at most 3 decimals
       ("1"). 0 <= restocked <= the line's quantity (order_submit checks
       it, naming lines[i].restocked). The host returns to stock what is
       restocked and not yet returned, once. Only product lines. */
    int (*line_set_restocked)(sl_line *l, const char *decimal_qty);

    /* ---- appended in 1.4 (intake) ---- */
    /* An authentic order the plugin cannot map (a value it refuses half
       way, after order_new): hands `o` to the host with the reason, its
       external id and raw payload set as far as they are known. In a
       fetch the host keeps it as failed (listed by `inbox failed`,
       replayed by `inbox retry --failed`) and answers SL_OK, so the fetch
       goes on past it and its cursor moves; elsewhere it answers
       why->code with *why copied into err. Consumes `o` in every case.
       One bad order never holds back the others. */
    int (*order_refuse)(sl_ctx *ctx, sl_order *o, const sl_error *why, sl_error *err);
} sl_host;

/* The host-services table of the current call. Never NULL. */
/* (Plugins receive it as the first argument of channel_open and may keep
   the pointer while the channel is open.) */

/* ---- the plugin table -------------------------------------------------- */
/*
 * Slot contracts. Every slot returns SL_OK or one of the codes below; a
 * code outside its row is a bug of the plugin.
 * Codes every remote slot may return besides its own: SL_ERETRY (transient:
 * timeout, 429, 5xx, a throttle; retry_after_ms says how long at least),
 * SL_EAUTH (credentials refused), SL_EIO (no answer that will change by
 * waiting), SL_ENOMEM, SL_EBANNED (the remote blocks us until
 * retry_after_ms). Written "remote" below.
 *
 *   slot                 may return besides SL_OK               thread
 *   channel_open         SL_EINVALID (field = the key), SL_ENOMEM   [1]
 *   channel_close        (void)                                     [1]
 *   check_connection     remote, SL_EREMOTE, SL_ENOTFOUND           [2]
 *   fetch_orders         remote, SL_EREMOTE, SL_EINVALID (a page it
 *                        cannot read; a bad order is order_refuse'd),
 *                        SL_ETOOBIG                                  [2]
 *   verify_webhook       SL_EAUTH (bad or missing signature); any
 *                        other code = not known yet (host answers 503) [3]
 *   parse_webhook        SL_EAUTH, SL_EINVALID, SL_EUNSUPPORTED,
 *                        SL_ETOOBIG (content), remote (a re-read)    [3]
 *   push_stock/_prices   remote, SL_EREMOTE, SL_ETOOBIG, SL_EINVALID
 *                        (the list); per-item outcomes go to
 *                        push_report, not the return code            [2]
 *   list_*               remote, SL_EREMOTE                          [2]
 *   report_status        remote, SL_EREMOTE, SL_ENOTFOUND (the order
 *                        is gone)                                    [2]
 *   fetch_products       remote, SL_EREMOTE, SL_EUNSUPPORTED (host
 *                        without a product builder)                  [2]
 *   gateway and postal   as their comments below say: SL_EREMOTE is
 *   slots                final, SL_ERETRY / SL_EIO mean unknown      [2]
 *
 * Threads. [1] channel_open and channel_close run on the thread that owns
 * the context (the CLI, or serve's main thread and each hook lane's);
 * channel_close never while another slot runs on that state. [2] runs on
 * one thread at a time per state (serve's scheduler, holding the channel's
 * lock, or the CLI); calls on different channels run concurrently. [3]
 * runs on an HTTP thread with a hook lane's own state (its own
 * channel_open), so several run at once for one channel, each on its own
 * state: keep everything in the state, nothing in globals. No slot may
 * start a thread or keep a host pointer (responses, requests, arena
 * strings) past its return; config values and secrets live until
 * channel_close.
 */

typedef struct sl_plugin {
    size_t size;             /* sizeof(struct sl_plugin) as built */
    uint32_t abi_major;      /* SL_ABI_MAJOR as built */
    uint32_t abi_minor;      /* SL_ABI_MINOR as built */
    uint32_t min_host_minor; /* lowest host minor this plugin accepts */
    const char *name;        /* short name, matches the INI `plugin =` */
    const char *version;     /* the plugin's own version */
    const char *description;
    uint64_t caps; /* enum sl_capability bits */

    /* Opens a channel: reads config via host->config_get, validates it and
       allocates the plugin's own state (freed in channel_close). */
    int (*channel_open)(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err);
    void (*channel_close)(void *state);

    /* SL_CAP_FETCH_ORDERS: fetch orders changed since `cursor` (NULL =
       start), submitting each with order_submit and committing cursors. */
    int (*fetch_orders)(void *state, sl_ctx *ctx, const char *cursor, sl_error *err);
    /* SL_CAP_WEBHOOK: verify and parse one delivery. Submits zero or more
       orders. SL_OK with none submitted = acknowledge and store nothing
       (pings, topics we ignore). SL_EAUTH = bad signature. */
    int (*parse_webhook)(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err);
    /* SL_CAP_PUSH_STOCK / SL_CAP_PUSH_PRICES: push quantities/prices by
       SKU; report each item with push_report. */
    int (*push_stock)(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err);
    int (*push_prices)(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err);
    /* List capabilities: call list_add for each item. */
    int (*list_taxes)(void *state, sl_ctx *ctx, sl_error *err);
    int (*list_payment_methods)(void *state, sl_ctx *ctx, sl_error *err);
    int (*list_shipping_methods)(void *state, sl_ctx *ctx, sl_error *err);
    /* SL_CAP_REPORT_STATUS: write a note and/or status back to the shop.
       `idempotency_key` is stable across retries of the same outbox row. */
    int (*report_status)(void *state, sl_ctx *ctx, const char *external_id, const char *note,
                         const char *status, const char *idempotency_key, sl_error *err);
    /* Postal: create a shipment from params; results via result_set
       (e.g. "tracking_code"). Track: results "status", "status_normalized". */
    int (*create_shipment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    int (*track_shipment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    /* Gateways: verify one payment; fetch transactions since a cursor. */
    int (*verify_payment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    int (*fetch_transactions)(void *state, sl_ctx *ctx, const char *cursor, sl_error *err);

    /* ---- appended in 1.1 ---- */
    /* Optional (any plugin may leave it NULL): one cheap authenticated call
       proving that URL and credentials work; used by `plugin check` and at
       serve start. */
    int (*check_connection)(void *state, sl_ctx *ctx, sl_error *err);

    /* ---- appended in 1.2 ---- */
    /* SL_CAP_FETCH_PRODUCTS: master-data import (`shopledger channel
       import`): submit every product of the shop with product_submit. */
    int (*fetch_products)(void *state, sl_ctx *ctx, sl_error *err);

    /* ---- appended in 1.3 (gateways) ---- */
    /* Bank gateways. The host keeps every attempt and decides what to do
       next; a plugin only speaks the gateway's wire format. Amounts cross
       as decimal integer text in the gateway's minor unit (Rial for IRR).
       Every call answers through result_set; the keys are listed below.
       Return codes: SL_OK = the gateway confirmed what was asked (an
       "already verified / already settled" answer is SL_OK with result
       "already" = "1"); SL_EREMOTE = the gateway refused, results "code"
       and "message" say why and the answer is final; SL_ERETRY / SL_EIO
       = no usable answer (timeout, fault): the outcome is unknown.

       SL_CAP_REQUEST_PAYMENT: params "amount", "currency", "order_ref"
       (the host's unique numeric attempt number), "callback_url",
       "description", optional "mobile", "email". Results "authority"
       (the gateway's session id: ZarinPal authority, Mellat RefId),
       "start_url" (public, no secrets), "start_method" ("GET" or "POST"),
       "start_field" (POST form field carrying the authority), optional
       "fee", "code", "message". */
    int (*request_payment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    /* Required with SL_CAP_REQUEST_PAYMENT: reads the buyer's return to
       the callback URL. The host hands GET query text and form POST
       bodies alike as an application/x-www-form-urlencoded body. No
       remote call. Results "authority", "ok" ("1" when the gateway says
       paid: never proof), optional "order_ref", "sale_reference",
       "card_mask", "amount", "code". SL_EINVALID when fields are missing. */
    int (*parse_return)(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err);
    /* verify_payment (SL_CAP_VERIFY_PAYMENT, the 1.0 slot) takes params
       "authority", "amount", "order_ref", "sale_reference" and answers
       "reference" (shown to the buyer), optional "card_mask", "fee",
       "already", "code", "message". */
    /* SL_CAP_SETTLE_PAYMENT: the gateway needs an explicit settle after
       verify (Mellat). Same params as verify. */
    int (*settle_payment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    /* SL_CAP_INQUIRE_PAYMENT: params as verify; result "state" is one of
       "in_bank" (buyer still at the bank), "paid" (not verified yet),
       "verified", "settled", "failed", "reversed"; optional "reference". */
    int (*inquire_payment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    /* SL_CAP_REVERSE_PAYMENT: give the money back (params as verify). */
    int (*reverse_payment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    /* SL_CAP_LIST_UNVERIFIED: sessions paid but never verified, one
       result_row each with "authority", "amount", optional "date". */
    int (*list_unverified)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);

    /* ---- appended in 1.3 (kit) ---- */
    /* The channel keys the connector reads (shopledger/options.h), or NULL.
       With a table the host validates the [channel:NAME] section against
       it before channel_open (errors name FILE:LINE), refuses every key
       that neither the table nor the host declares, and lists the options
       in `config check` and `channel describe`. A plugin without one (and
       every plugin built against 1.0-1.2) keeps the old behaviour: it
       sees every key and validates its own. */
    const struct sl_option_table *options;

    /* ---- appended in 1.4 (intake) ---- */
    /* Optional, beside parse_webhook (SL_CAP_WEBHOOK; no bit of its own):
       checks only that a delivery is authentic (its signature), without
       mapping anything. SL_OK = authentic; then *acknowledge_only = 1 says
       "answer 200 and store nothing" (pings, topics the connector ignores)
       and 0 says "parse it". SL_EAUTH = bad or missing signature (answered
       401, nothing stored); any other code is the host's 503. Must not
       submit orders. With this slot the host runs parse_webhook only on an
       authentic delivery, and a content failure there (SL_EINVALID,
       SL_EUNSUPPORTED, SL_ETOOBIG) no longer refuses it: the host stores
       the delivery as failed with the reason, answers 200, and the operator
       replays it later (parse_webhook with request_verified). Plugins
       without it (built against 1.0-1.3, or leaving it NULL) keep the old
       path: parse_webhook's error decides the answer. */
    int (*verify_webhook)(void *state, sl_ctx *ctx, const sl_request *req, int *acknowledge_only,
                          sl_error *err);

    /* ---- appended in 1.5 (post) ---- */
    /* Postal services (Iran Post intermediaries and the like). The host
       keeps every shipment, its keys, costs and dated status history, and
       decides when to quote, register, track or cancel; a plugin only
       speaks the service's wire format. Money crosses as decimal integer
       text in the service's currency minor unit (Rial for the Iranian
       services: the host converts Toman x10 before the call), weights in
       grams, ids as the service's own numeric text. Return codes as for
       gateways: SL_OK = done; SL_EREMOTE = the service refused and the
       answer is final, results "code" (the service's own, e.g. "-7") and
       "message" (its text, UTF-8, intact) say why, and err->message is an
       English summary; SL_ERETRY / SL_EIO = no usable answer, the outcome
       is unknown (a register may or may not have happened). SL_ERETRY with
       err->field "connect" = the call certainly did not take effect: no
       byte reached the service (http_send says so), or the service itself
       answered that it did nothing and asks to try later (Aseman Web -15);
       the host then repeats it safely.

       Parcel params (quote_shipment and create_shipment, the 1.0 slot
       SL_CAP_CREATE_SHIPMENT):
         "order_ref"    the host's unique shipment number (stable across
                        retries; a plugin sends it where the service keeps
                        a reference, so find_shipment can look it up)
         "send_type"    express | registered | printed | courier | fixed
         "payment"      cod | prepaid
         "weight_g", "value" (declared value), "cod_amount" ("0" prepaid)
         "province_id", "city_id"  the service's own ids (the host maps)
         recipient (create only): "first_name", "last_name", "mobile"
                        (09xxxxxxxxx), "phone", "email", "address",
                        "postal_code" (10 digits), "note", "customer_ip"
         "items" = N, then "item.I.sku", "item.I.name", "item.I.qty",
                        "item.I.price" (unit, what the post collects),
                        "item.I.weight_g" for I = 0 .. N-1
       create_shipment results: "parcel_id" (the service's key: Frotel
       factor.id, Aseman Web FactorKey), optional "tracking_code" (Iran
       Post barcode, often empty until the post accepts the parcel),
       "status", "status_raw", and the quoted cost: "cost_post",
       "cost_tax", "cost_service", "cost_cod", "cost_packing",
       "cost_total" (each only as the service gives it).

       Normalized shipping "status" values: not_loaded,
       no_shipping_needed, left_warehouse, delivered_to_post,
       delivered_to_customer, partial_delivery, returned, cancelled,
       other (with "status_raw" the service's label or code, never
       dropped). */
    /* SL_CAP_QUOTE_SHIPMENT: parcel params without the recipient; one
       result_row per option with "send_type", "payment" and the cost keys
       above. SL_EUNSUPPORTED for a destination the service does not
       serve. */
    int (*quote_shipment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    /* SL_CAP_CANCEL_SHIPMENT: params "parcel_id". SL_OK = cancelled at the
       service; SL_EREMOTE = refused (e.g. already sent), "code"/"message";
       SL_EUNSUPPORTED = the service has no such call (cancel by hand). */
    int (*cancel_shipment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    /* SL_CAP_FIND_SHIPMENT: params "order_ref"; SL_OK with the create
       results of the parcel registered under it, SL_ENOTFOUND when the
       service has none. Lets the host resend safely after a crash between
       register and commit; without it the host never resends a register
       whose outcome it does not know (the shipment waits for the
       operator). */
    int (*find_shipment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    /* track_shipment (SL_CAP_TRACK_SHIPMENT, the 1.0 slot) in 1.5: params
       "parcels" = N (at most SL_TRACK_BATCH_MAX), "parcel.I.id",
       "parcel.I.tracking_code"; the plugin batches as its service allows.
       One result_row per parcel it got an answer for: "parcel_id",
       "status", "status_raw", optional "changed_at" (UTC ISO-8601, from
       the service's Jalali date in Tehran time), "tracking_code",
       "cod_collected" ("1" when the service says the money was taken at
       the door), "cod_amount", "fee" (the service's charges, if it says).
       A parcel the service does not know gets a row with "error" = its
       message. SL_OK when any row was written. */
} sl_plugin;

/* Capability bits of 1.3 (gateways) and 1.5 (post) are in SL_CAPABILITIES. */
#define SL_CAP_ALL_V1_3 (SL_CAP_ALL_V1_2 | 0x1f0000u) /* every bit of 1.3 */

#define SL_CAP_ALL_V1_5 (SL_CAP_ALL_V1_3 | 0xe00000u) /* every bit of 1.5 */
/* The most parcels one track_shipment call is given. */
#define SL_TRACK_BATCH_MAX 50

/* Size of the first published plugin table (1.0): the oldest the host
   accepts. Fields after it are read only when SL_HAS_FIELD says so. */
#define SL_PLUGIN_SIZE_V1_0 (offsetof(sl_plugin, fetch_transactions) + sizeof(void *))

/* The one exported symbol. Returns the plugin's static table. */
typedef const sl_plugin *(*sl_plugin_entry_fn)(void);
#define SL_PLUGIN_ENTRY_SYMBOL "sl_plugin_entry"
SL_EXPORT const sl_plugin *sl_plugin_entry(void);

/* What every plugin table starts with, as built against this header:
       static const sl_plugin MY_PLUGIN = {SL_PLUGIN_HEAD, .name = ..., };
       SL_PLUGIN_ENTRY(MY_PLUGIN)
   min_host_minor is left 0 (any 1.x host); set it after the head to
   need a newer host. */
#define SL_PLUGIN_HEAD                                                                             \
    .size = sizeof(sl_plugin), .abi_major = SL_ABI_MAJOR, .abi_minor = SL_ABI_MINOR
/* Defines the exported entry point returning `table`. */
#define SL_PLUGIN_ENTRY(table)                                                                     \
    SL_EXPORT const sl_plugin *sl_plugin_entry(void)                                               \
    {                                                                                              \
        return &(table);                                                                           \
    }

#ifdef __cplusplus
}
#endif
#endif /* SHOPLEDGER_SDK_H */
