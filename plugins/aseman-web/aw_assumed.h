/*
 * Every wire detail of Aseman Web SOAP v1 that no public source states,
 * kept in this one place (and listed in README.md "Assumptions"). The
 * method names GetSendPrice, RegisterOrder, GetOrderStatus, GetListStatus
 * and the parameter names of the first two are from client code
 * (shared/api/aseman-web.md §3-§5); what follows is not.
 */
#ifndef ASEMANWEB_AW_ASSUMED_H
#define ASEMANWEB_AW_ASSUMED_H

/* The namespace of the rpc body elements and the SOAPAction header
   ("NS#Method", nusoap's convention). PHP SoapClient takes both from the
   WSDL, which the doc names but does not quote; a server that dispatches
   on the body element's local name (PHP SoapServer, nusoap) ignores them. */
#define AW_SOAP_NS "urn:WebServicewsdl"
#define AW_SOAP_ACTION_FMT AW_SOAP_NS "#%s"

/* Parameter names of the status calls: the doc gives them positionally
   ("GetOrderStatus(id)", "GetListStatus(list)"). */
#define AW_PARAM_STATUS_ID "id"
#define AW_PARAM_LIST "list"

/* Cancel (doc §6, "assumed" there too): ChangeStatus(id digits,
   NewStatus=4) answers 0 on success, -3 for a bad id, -14 when the change
   is not allowed (already sent). check_connection also leans on the
   error order: GetOrderStatus("0") answers -1/-2 for bad credentials
   before it looks at the id (-3), so -3 proves the login. */
#define AW_METHOD_CHANGE_STATUS "ChangeStatus"
#define AW_PARAM_NEW_STATUS "NewStatus"
#define AW_STATE_CANCELLED_TEXT "4"
#define AW_CHECK_PROBE_ID "0"

#endif
