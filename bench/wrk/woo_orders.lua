-- wrk script: distinct, correctly signed WooCommerce order.created
-- deliveries (bench/wrk_webhook.sh runs it; prints nothing of its own).
--   WOO_BODY    file holding the recorded body (its id and number are 163)
--   WOO_SECRET  the webhook secret the tenant verifies with
--   WOO_PATH    request path, default /hooks/bench/ts
-- Each request gets its own id and number, so none is a duplicate; each
-- wrk thread counts from its own base, so threads never share an id. The
-- signature is HMAC-SHA256 over the body, base64, as WooCommerce sends it,
-- computed with the libcrypto wrk itself links (LuaJIT FFI).
local ffi = require("ffi")
ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha256(void);
unsigned char *HMAC(const EVP_MD *md, const void *key, int key_len,
                    const unsigned char *d, size_t n, unsigned char *out,
                    unsigned int *out_len);
int EVP_EncodeBlock(unsigned char *t, const unsigned char *f, int n);
]]
local C = ffi.C

local function read_all(path)
  local f = assert(io.open(path, "rb"), "cannot read WOO_BODY " .. tostring(path))
  local text = f:read("*a")
  f:close()
  return text
end

local secret = assert(os.getenv("WOO_SECRET"), "WOO_SECRET not set")
local path = os.getenv("WOO_PATH") or "/hooks/bench/ts"
local recorded = read_all(os.getenv("WOO_BODY"))
local id_text, number_text = '{"id":163,', '"number":"163"'
assert(recorded:sub(1, #id_text) == id_text, "the body does not start with id 163")
local number_at = assert(recorded:find(number_text, 1, true), "no number 163 in the body")
local mid = recorded:sub(#id_text, number_at - 1) -- from the comma after the id
local tail = recorded:sub(number_at + #number_text)

local digest = ffi.new("unsigned char[32]")
local digest_len = ffi.new("unsigned int[1]")
local encoded = ffi.new("unsigned char[48]")

local function signature(body)
  C.HMAC(C.EVP_sha256(), secret, #secret, body, #body, digest, digest_len)
  return ffi.string(encoded, C.EVP_EncodeBlock(encoded, digest, 32))
end

local threads = 0
function setup(thread)
  thread:set("base", 10000000 * (threads + 1))
  threads = threads + 1
end

local counter = 0
function request()
  counter = counter + 1
  local id = base + counter
  local body = '{"id":' .. id .. mid .. '"number":"' .. id .. '"' .. tail
  return wrk.format("POST", path, {
    ["User-Agent"] = "WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)",
    ["Content-Type"] = "application/json",
    ["X-WC-Webhook-Source"] = "https://shop.example/",
    ["X-WC-Webhook-Topic"] = "order.created",
    ["X-WC-Webhook-Resource"] = "order",
    ["X-WC-Webhook-Event"] = "created",
    ["X-WC-Webhook-Signature"] = signature(body),
    ["X-WC-Webhook-ID"] = "1",
    ["X-WC-Webhook-Delivery-ID"] = "wrk" .. id,
  }, body)
end
