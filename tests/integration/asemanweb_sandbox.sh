#!/usr/bin/env bash
# Aseman Web: asemanweb_sandbox answers the SOAP v1 of api/aseman-web.md
# (checked here with curl, outside the connector: login codes, every
# negative code a bad parcel earns, a parcel moving 0 -> 1 -> 2 -> 3 on the
# sandbox clock and a returned one 2 -> 5 -> 6, ChangeStatus refused once
# the parcel is sent, the list knob and the fault knobs), then
# `shopledger plugin check asemanweb.so` runs quote, register, track and
# cancel against it through the real host.
source "$(dirname "$0")/lib.bash"

"$SL_BUILD_DIR/asemanweb_sandbox" --port 0 --port-file "$SL_TMP/aw.port" \
  --username shop1 --password p4ss --step-seconds 60 2>>"$SL_TMP/sandbox.log" &
SL_PIDS+=("$!")
wait_for_file "$SL_TMP/aw.port" 10 || exit 1
AW="http://127.0.0.1:$(cat "$SL_TMP/aw.port")"

# soap METHOD PARAMS-XML [USER:PASS]: the answer body; HTTP status in $SL_TMP/status.
soap() {
  local auth=(-u "${3:-shop1:p4ss}")
  [ "${3:-}" = none ] && auth=()
  curl -s -m 20 -o "$SL_TMP/answer" -w '%{http_code}' "${auth[@]}" \
    -H 'Content-Type: text/xml; charset=utf-8' -H "SOAPAction: \"urn:WebServicewsdl#$1\"" \
    --data-binary "<?xml version=\"1.0\"?><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:ns1=\"urn:WebServicewsdl\"><SOAP-ENV:Body><ns1:$1>$2</ns1:$1></SOAP-ENV:Body></SOAP-ENV:Envelope>" \
    "$AW/WebService/server.php" > "$SL_TMP/status"
  cat "$SL_TMP/answer"
}
# field NAME: the text of <NAME ...>TEXT</NAME> in the last answer.
field() { sed -n "s:.*<$1[^>]*>\([^<]*\)</$1>.*:\1:p" "$SL_TMP/answer"; }
knob() { curl -s -m 10 -X POST --data-binary "$2" "$AW/__sandbox/$1" | grep -q '"status":"ok"'; }

PLACE='<DestState>8</DestState><DestCity>301</DestCity>'
price() { soap GetSendPrice "$1" "${2:-}" >/dev/null; field Pishtaz; }
check "GetSendPrice answers the four components" \
  eq "$(price "$PLACE<Amount>4500000</Amount><Weight>1200</Weight>")/$(field Sefareshi)/$(field Service)/$(field COD)" \
  "160000/114000/25000/45000"
check "no credentials: -1" eq "$(price "$PLACE<Amount>1</Amount><Weight>1</Weight>" none)" "-1"
check "wrong password: -2" eq "$(price "$PLACE<Amount>1</Amount><Weight>1</Weight>" shop1:nope)" "-2"
check "unknown province: -7" eq "$(price '<DestState>99</DestState><DestCity>301</DestCity><Amount>1</Amount><Weight>1</Weight>')" "-7"
check "city not in the province: -11" eq "$(price '<DestState>1</DestState><DestCity>301</DestCity><Amount>1</Amount><Weight>1</Weight>')" "-11"
check "zero amount: -5" eq "$(price "$PLACE<Amount>0</Amount><Weight>1</Weight>")" "-5"
check "too heavy: -6" eq "$(price "$PLACE<Amount>1</Amount><Weight>90000</Weight>")" "-6"

# order FIELD=VALUE...: RegisterOrder with a valid parcel, fields overridden.
order() {
  declare -A f=([DestState]=8 [DestCity]=301 [FirstName]=Sara [LastName]=Ahmadi [Phone]=""
    [Cell]=09120000000 [Email]="" [Zip]=8134567890 [Address]="Shiraz" [Comment]=""
    [SendType]=0 [ProductsList]="501^Mug blue^350^450000^2" [CustomerIp]=5.1.2.3
    [AdvertiserId]="" [PartnerId]="")
  local kv xml=""
  for kv in "$@"; do f[${kv%%=*}]=${kv#*=}; done
  for kv in DestState DestCity FirstName LastName Phone Cell Email Zip Address Comment \
            SendType ProductsList CustomerIp AdvertiserId PartnerId; do
    xml+="<$kv>${f[$kv]}</$kv>"
  done
  soap RegisterOrder "$xml" >/dev/null
  field FactorKey
}
check "buyer incomplete: -8" eq "$(order LastName=)" "-8"
check "bad postal code: -8" eq "$(order Zip=81345)" "-8"
check "no phone at all: -9" eq "$(order Cell=)" "-9"
check "bad send type: -10" eq "$(order SendType=4)" "-10"
check "bad product list: -12" eq "$(order 'ProductsList=501^Mug^350^2')" "-12"
check "weightless goods: -6" eq "$(order 'ProductsList=501^Mug^0^450000^2')" "-6"
check "free goods: -5" eq "$(order 'ProductsList=501^Mug^350^0^2')" "-5"
check "advertiser without the feature: -13" eq "$(order AdvertiserId=12)" "-13"
check "advertiser and partner: -16" eq "$(order AdvertiserId=12 PartnerId=7)" "-16"
check "unknown partner: -18" eq "$(order PartnerId=3)" "-18"
check "product not the partner's: -19" eq "$(order PartnerId=7)" "-19"
knob features '{"advertiser": true}'
check "unknown advertised product: -17" eq "$(order AdvertiserId=12)" "-17"

KEY=$(order)
check "RegisterOrder answers a FactorKey" eq "$(printf %s "$KEY" | grep -cE '^[0-9]+/[0-9]+-[0-9]+-[0-9]+$')" "1"
ID=$(printf %s "$KEY" | tr -d '/-')
status() { soap GetOrderStatus "<id>$1</id>" >/dev/null; field return; }
check "a new parcel is 0 (pending)" eq "$(status "$ID")" "0"
check "status ids are digits only: -3" eq "$(status "$KEY")" "-3"
knob clock '{"advance": 60}'
check "one step on: 1 (ready to ship)" eq "$(status "$ID")" "1"
knob clock '{"advance": 60}'
check "two steps on: 2 (with the post)" eq "$(status "$ID")" "2"
soap ChangeStatus "<id>$ID</id><NewStatus>4</NewStatus>" >/dev/null
check "cancel once sent: -14" eq "$(field return)" "-14"
knob clock '{"advance": 600}'
check "then 3 (delivered), and it stays" eq "$(status "$ID")" "3"

KEY2=$(order SendType=1) && ID2=$(printf %s "$KEY2" | tr -d '/-')
KEY3=$(order) && ID3=$(printf %s "$KEY3" | tr -d '/-')
knob parcel "{\"id\": \"$KEY2\", \"fate\": \"return\"}"
knob clock '{"advance": 180}'
soap GetListStatus "<list>$ID;$ID2;$ID3;999</list>" >/dev/null
check "GetListStatus: states in order, -3 for an unknown id" eq "$(field return)" "3;5;3;-3"
knob clock '{"advance": 60}'
check "a returned parcel ends at 6" eq "$(status "$ID2")" "6"
KEY4=$(order) && ID4=$(printf %s "$KEY4" | tr -d '/-')
soap ChangeStatus "<id>$ID4</id><NewStatus>5</NewStatus>" >/dev/null
check "ChangeStatus to anything but 4: -4" eq "$(field return)" "-4"
soap ChangeStatus "<id>$ID4</id><NewStatus>4</NewStatus>" >/dev/null
check "ChangeStatus 4 before dispatch: 0" eq "$(field return)" "0"
check "and the parcel is 4 (cancelled)" eq "$(status "$ID4")" "4"

knob list '{"mode": "short"}'
soap GetListStatus "<list>$ID;$ID2</list>" >/dev/null
check "list knob short: one state fewer" eq "$(field return)" "3"
knob list '{"mode": "fault"}'
soap GetListStatus "<list>$ID</list>" >/dev/null
check "list knob fault: a SOAP fault, HTTP 500" eq "$(cat "$SL_TMP/status")/$(grep -c '<SOAP-ENV:Fault>' "$SL_TMP/answer")" "500/1"
knob list '{"mode": "ok"}'

knob fault '{"method": "GetSendPrice", "kind": "gateway", "count": 1}'
check "fault gateway: -15 once" eq "$(price "$PLACE<Amount>1</Amount><Weight>1</Weight>")/$(price "$PLACE<Amount>1</Amount><Weight>1</Weight>")" "-15/110000"
knob fault '{"method": "*", "kind": "soap"}'
soap GetOrderStatus "<id>$ID</id>" >/dev/null
check "fault soap: faultstring, HTTP 500" eq "$(cat "$SL_TMP/status")/$(field faultstring)" "500/Could not connect to host"
BEFORE=$(curl -s "$AW/__sandbox/state" | grep -o '"factor_key"' | wc -l)
knob fault '{"method": "RegisterOrder", "kind": "garbage"}'
order >/dev/null
AFTER=$(curl -s "$AW/__sandbox/state" | grep -o '"factor_key"' | wc -l)
check "fault garbage: not XML, but the parcel was registered" \
  eq "$(grep -c '^Warning' "$SL_TMP/answer")/$((AFTER - BEFORE))" "1/1"
knob fault '{"method": "GetOrderStatus", "kind": "timeout", "delay_ms": 3000}'
check "fault timeout: no answer within the client's 1 s" \
  eq "$(curl -s -m 1 -o /dev/null -w '%{http_code}' -u shop1:p4ss --data-binary \
        '<Envelope><Body><GetOrderStatus><id>1</id></GetOrderStatus></Body></Envelope>' \
        "$AW/WebService/server.php")" "000"
check "the sandbox refuses a DOCTYPE" \
  eq "$(curl -s -o /dev/null -w '%{http_code}' -u shop1:p4ss --data-binary \
        '<!DOCTYPE x [<!ENTITY e "y">]><Envelope/>' "$AW/WebService/server.php")" "500"

sl plugin check "$SL_PLUGIN_DIR/asemanweb.so" >"$SL_TMP/check.out" 2>&1
rc=$?
check "plugin check passes against the sandbox" eq "$rc" "0"
for stepname in quote_shipment create_shipment track_shipment cancel_shipment; do
  check "plugin check ran $stepname" grep -q "^ok    sandbox: $stepname" "$SL_TMP/check.out"
done
[ "$rc" = 0 ] || cat "$SL_TMP/check.out"
finish
